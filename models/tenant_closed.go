package models

import (
	"sort"
	"time"
)

// PracticeMove is where one former member practice of a closed PCN went,
// as the latest ODS import has it, for the closed site's page.
type PracticeMove struct {
	ODSCode string
	// Practice and Phone are the practice's name and phone number as this
	// site had them.
	Practice, Phone string
	// PCN is the name of the network the practice belongs to now, "" when
	// it belongs to none this platform knows.
	PCN string
	// Slug and PrimaryDomain are that network's site, when it is live
	// (active, not closed): Slug "" otherwise.
	Slug, PrimaryDomain string
}

// PracticeMoves lists the practices this tenant had from ODS (members when
// its PCN closed), by name, each with the network it is a member of now.
// It reads other tenants' public details (name, site) on purpose: a closed
// site points patients to where their practice went.
func (t *TenantDB) PracticeMoves() ([]PracticeMove, error) {
	var own []struct {
		ODSCode, Name, Phone string
		LeftPCNOn            *time.Time
	}
	err := t.scoped.Table("practices").Select("ods_code, name, phone, left_pcn_on").
		Where("ods_name <> '' AND ods_code <> ''").Order("name").Find(&own).Error
	if err != nil {
		return nil, translate("former practices", err)
	}
	if len(own) == 0 {
		return nil, nil
	}
	codes := make([]string, len(own))
	for i, p := range own {
		codes[i] = p.ODSCode
	}
	var now []struct {
		ODSCode, Name, Slug string
		TenantID            int64
		Status              TenantStatus
		ClosedOn            *time.Time
	}
	err = t.db.gorm.WithContext(t.scoped.Statement.Context).Table("practices p").
		Select("p.ods_code, p.tenant_id, t.name, t.slug, t.status, t.closed_on").
		Joins("JOIN tenants t ON t.id = p.tenant_id").
		Where("p.ods_code IN ? AND p.left_pcn_on IS NULL AND p.tenant_id <> ? AND t.status <> ?", codes, t.tenantID, StatusArchived).
		Order("t.closed_on IS NOT NULL, t.status <> 'active', t.id").Find(&now).Error
	if err != nil {
		return nil, translate("where practices went", err)
	}
	moves := make([]PracticeMove, len(own))
	idx := make(map[string]int, len(own))
	for i, p := range own {
		moves[i] = PracticeMove{ODSCode: p.ODSCode, Practice: p.Name, Phone: p.Phone}
		idx[p.ODSCode] = i
	}
	live := map[int64]bool{}
	siteOf := make([]int64, len(moves)) // the live tenant of each move, 0 for none
	for _, n := range now {
		m := &moves[idx[n.ODSCode]]
		if m.PCN != "" {
			continue // the first (a live site, if any) stands
		}
		m.PCN = n.Name
		if n.Status == StatusActive && n.ClosedOn == nil {
			m.Slug = n.Slug
			live[n.TenantID] = true
			siteOf[idx[n.ODSCode]] = n.TenantID
		}
	}
	if len(live) > 0 {
		ids := make([]int64, 0, len(live))
		for id := range live {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		var doms []Domain
		if err := t.db.gorm.WithContext(t.scoped.Statement.Context).Where("tenant_id IN ? AND is_primary", ids).Find(&doms).Error; err != nil {
			return nil, translate("where practices went", err)
		}
		primary := map[int64]string{}
		for _, d := range doms {
			primary[d.TenantID] = d.Host
		}
		for i := range moves {
			moves[i].PrimaryDomain = primary[siteOf[i]]
		}
	}
	return moves, nil
}
