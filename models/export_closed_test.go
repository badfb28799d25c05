package models

import "context"

// LiveListingsForTest maps each practice listed on more than one live site
// (an active tenant that is not closed, the practice not marked as left)
// to those sites' slugs.
func LiveListingsForTest(ctx context.Context, d *DB) (map[string][]string, error) {
	var rows []struct{ ODSCode, Slug string }
	err := d.gorm.WithContext(ctx).Table("practices p").Select("p.ods_code, t.slug").
		Joins("JOIN tenants t ON t.id = p.tenant_id").
		Where("p.left_pcn_on IS NULL AND t.status = 'active' AND t.closed_on IS NULL AND p.ods_code <> ''").
		Order("p.ods_code, t.slug").Find(&rows).Error
	if err != nil {
		return nil, err
	}
	all := map[string][]string{}
	for _, r := range rows {
		all[r.ODSCode] = append(all[r.ODSCode], r.Slug)
	}
	for code, slugs := range all {
		if len(slugs) < 2 {
			delete(all, code)
		}
	}
	return all, nil
}
