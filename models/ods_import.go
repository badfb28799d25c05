package models

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/pcnweb/pcnweb/internal/ods"
)

// ODSReport counts what an import did.
type ODSReport struct {
	TenantsCreated, TenantsUpdated, TenantsUnchanged int
	// TenantsClosed are tenants this run closed: ODS lists their PCN as
	// closed. Their sites show where their practices went, and those
	// practices are marked as having left (counted in PracticesLeft).
	// TenantsStillClosed were closed already; TenantsReopened were closed
	// and their PCN is open again. An archived tenant is left alone.
	TenantsClosed, TenantsStillClosed, TenantsReopened int
	// TenantsNotInFile are tenants made from ODS whose PCN the file does
	// not list at all: left as they are (a file may cover one region
	// only), for an operator to look at.
	TenantsNotInFile int
	// PCNsSkipped are closed PCNs that have no tenant: nothing to do.
	PCNsSkipped                                            int
	PracticesCreated, PracticesUpdated, PracticesUnchanged int
	// PracticesLeft were marked as no longer members this run.
	PracticesLeft int
}

// odsTenantRow is the importer's view of a tenant row.
type odsTenantRow struct {
	ID          int64 `gorm:"primaryKey"`
	Slug        string
	Name        string
	ODSCode     string `gorm:"column:ods_code"`
	Status      TenantStatus
	Theme       string
	Generation  int64
	SubICBCode  string     `gorm:"column:sub_icb_code"`
	SubICBName  string     `gorm:"column:sub_icb_name"`
	ODSName     string     `gorm:"column:ods_name"`
	ODSAddress  string     `gorm:"column:ods_address"`
	ODSPostcode string     `gorm:"column:ods_postcode"`
	ClosedOn    *time.Time `gorm:"column:closed_on"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (odsTenantRow) TableName() string { return "tenants" }

// odsPracticeRow is the importer's view of a practice row; the columns it
// leaves out (hours, links, notes…) keep their defaults or what managers wrote.
type odsPracticeRow struct {
	ID          int64 `gorm:"primaryKey"`
	TenantID    int64
	ODSCode     string `gorm:"column:ods_code"`
	Name        string
	Address     string
	Postcode    string
	Phone       string
	ODSName     string     `gorm:"column:ods_name"`
	ODSAddress  string     `gorm:"column:ods_address"`
	ODSPostcode string     `gorm:"column:ods_postcode"`
	ODSPhone    string     `gorm:"column:ods_phone"`
	LeftPCNOn   *time.Time `gorm:"column:left_pcn_on"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (odsPracticeRow) TableName() string { return "practices" }

type odsSettingsRow struct {
	TenantID  int64 `gorm:"primaryKey;autoIncrement:false"`
	Address   string
	UpdatedAt time.Time
}

func (odsSettingsRow) TableName() string { return "site_settings" }

// odsBatch is the number of rows per INSERT.
const odsBatch = 500

// ImportODS creates a tenant for every PCN open on today's date that has
// none (matched by ODS code) and brings existing ones up to date, with their
// member practices, in one transaction: on any error nothing is written.
// A tenant whose PCN ODS lists as closed on today's date is closed (its
// site says where its practices went) and its practices are marked as
// having left, so a practice is listed on one live site only; a tenant
// whose PCN is open again is reopened. A tenant whose PCN the file does not
// list is left alone: a file may be a part of the country.
// Names, addresses and phone numbers follow ODS only while they still hold
// what ODS last gave; a value a manager changed is theirs. A practice whose
// membership ended is marked (left_pcn_on), not deleted. Every tenant that
// changed gets a new generation, so every replica's cache lets go of it.
// Cross-tenant by design: it is the platform's import.
func (d *DB) ImportODS(ctx context.Context, data *ods.Data, now time.Time) (ODSReport, error) {
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	var (
		rep     ODSReport
		touched = map[int64][]string{} // tenant → what changed, for its audit log
		created []int64
		isNew   = map[int64]bool{}
		gens    []generation
	)
	err := d.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var existing []odsTenantRow
		if err := tx.Order("id").Find(&existing).Error; err != nil {
			return fmt.Errorf("load tenants: %w", err)
		}
		byCode := map[string]*odsTenantRow{}
		slugs := make(map[string]bool, len(existing))
		// Slugs kept for a renamed tenant's redirect are not given to a
		// new tenant: only an operator takes one over.
		var old []oldSlug
		if err := tx.Find(&old).Error; err != nil {
			return fmt.Errorf("load old slugs: %w", err)
		}
		for _, o := range old {
			slugs[o.Slug] = true
		}
		for i := range existing {
			t := &existing[i]
			slugs[t.Slug] = true
			if t.ODSCode != "" && byCode[t.ODSCode] == nil {
				byCode[t.ODSCode] = t
			}
		}
		var settings []odsSettingsRow
		if err := tx.Select("tenant_id, address").Find(&settings).Error; err != nil {
			return fmt.Errorf("load settings: %w", err)
		}
		settingsAddr := make(map[int64]string, len(settings))
		for _, s := range settings {
			settingsAddr[s.TenantID] = s.Address
		}

		// Tenants.
		var (
			newTenants []odsTenantRow
			openPCN    = map[string]*odsTenantRow{} // PCN code → its tenant
			closedPCN  = map[string]*odsTenantRow{} // PCN code → its tenant, closed this run
			inFile     = make(map[string]bool, len(data.PCNs))
		)
		for _, p := range data.PCNs {
			inFile[p.Code] = true
			t := byCode[p.Code]
			if !p.OpenOn(today) {
				switch {
				case t == nil:
					rep.PCNsSkipped++
				case t.Status == StatusArchived:
				case t.ClosedOn != nil:
					rep.TenantsStillClosed++
				default:
					closed := p.Closed
					if err := tx.Model(&odsTenantRow{}).Where("id = ?", t.ID).UpdateColumn("closed_on", closed).Error; err != nil {
						return fmt.Errorf("close tenant %s: %w", t.Slug, err)
					}
					t.ClosedOn = &closed
					closedPCN[p.Code] = t
					rep.TenantsClosed++
					touched[t.ID] = append(touched[t.ID], "the PCN closed on "+closed.Format("2 January 2006")+": the site is closed")
				}
				continue
			}
			name, addr, pc := ods.Title(p.Name), odsAddress(p.Address), p.Postcode
			if t == nil {
				slug, err := odsSlug(name, p.Code, slugs)
				if err != nil {
					return err
				}
				slugs[slug] = true
				newTenants = append(newTenants, odsTenantRow{Slug: slug, Name: name, ODSCode: p.Code, Status: StatusActive, Theme: "default", Generation: 1,
					SubICBCode: p.SubICBCode, SubICBName: p.SubICBName, ODSName: name, ODSAddress: addr, ODSPostcode: pc})
				continue
			}
			openPCN[p.Code] = t
			upd := map[string]any{}
			if t.ClosedOn != nil {
				upd["closed_on"] = nil
				rep.TenantsReopened++
				touched[t.ID] = append(touched[t.ID], "the PCN is open again: the site is reopened")
			}
			if t.Name == t.ODSName && t.Name != name {
				upd["name"] = name
			}
			for col, pair := range map[string][2]string{"ods_name": {t.ODSName, name}, "ods_address": {t.ODSAddress, addr}, "ods_postcode": {t.ODSPostcode, pc},
				"sub_icb_code": {t.SubICBCode, p.SubICBCode}, "sub_icb_name": {t.SubICBName, p.SubICBName}} {
				if pair[0] != pair[1] {
					upd[col] = pair[1]
				}
			}
			// The site's contact address follows ODS until a manager edits it.
			oldSite, newSite := joinAddress(t.ODSAddress, t.ODSPostcode), joinAddress(addr, pc)
			cur, has := settingsAddr[t.ID]
			switch {
			case !has:
				if err := tx.Create(&odsSettingsRow{TenantID: t.ID, Address: newSite}).Error; err != nil {
					return fmt.Errorf("settings of %s: %w", t.Slug, err)
				}
				touched[t.ID] = append(touched[t.ID], "site address set")
			case cur == oldSite && cur != newSite && t.ODSName != "":
				if err := tx.Table("site_settings").Where("tenant_id = ? AND address = ?", t.ID, oldSite).
					Updates(map[string]any{"address": newSite, "version": gorm.Expr("version + 1"), "updated_at": now.UTC()}).Error; err != nil {
					return fmt.Errorf("settings of %s: %w", t.Slug, err)
				}
				touched[t.ID] = append(touched[t.ID], "site address updated")
			}
			if len(upd) > 0 {
				if err := tx.Model(&odsTenantRow{}).Where("id = ?", t.ID).UpdateColumns(upd).Error; err != nil {
					return fmt.Errorf("update tenant %s: %w", t.Slug, err)
				}
				msg := "ODS details updated"
				if _, renamed := upd["name"]; renamed {
					msg = fmt.Sprintf("renamed %q", name)
				}
				touched[t.ID] = append(touched[t.ID], msg)
			}
		}
		if len(newTenants) > 0 {
			if err := tx.CreateInBatches(&newTenants, odsBatch).Error; err != nil {
				return translate("create tenants", err)
			}
			newSettings := make([]odsSettingsRow, 0, len(newTenants))
			for i := range newTenants {
				t := &newTenants[i]
				openPCN[t.ODSCode] = t
				created = append(created, t.ID)
				isNew[t.ID] = true
				newSettings = append(newSettings, odsSettingsRow{TenantID: t.ID, Address: joinAddress(t.ODSAddress, t.ODSPostcode)})
			}
			if err := tx.CreateInBatches(&newSettings, odsBatch).Error; err != nil {
				return fmt.Errorf("create settings: %w", err)
			}
		}
		rep.TenantsCreated = len(newTenants)

		// Practices.
		ids := make([]int64, 0, len(openPCN)+len(closedPCN))
		for _, t := range openPCN {
			ids = append(ids, t.ID)
		}
		for _, t := range closedPCN {
			ids = append(ids, t.ID)
		}
		var rows []odsPracticeRow
		for start := 0; start < len(ids); start += odsBatch {
			var part []odsPracticeRow
			if err := tx.Where("tenant_id IN ?", ids[start:min(start+odsBatch, len(ids))]).Find(&part).Error; err != nil {
				return fmt.Errorf("load practices: %w", err)
			}
			rows = append(rows, part...)
		}
		type key struct {
			tenant int64
			code   string
		}
		have := make(map[key]*odsPracticeRow, len(rows))
		for i := range rows {
			have[key{rows[i].TenantID, rows[i].ODSCode}] = &rows[i]
		}
		member := map[key]bool{}
		ended := map[key]time.Time{}
		var newPractices []odsPracticeRow
		for _, m := range data.Memberships {
			t := openPCN[m.PCNCode]
			if t == nil {
				if c := closedPCN[m.PCNCode]; c != nil && !m.Ended.IsZero() {
					k := key{c.ID, m.PracticeCode}
					if m.Ended.After(ended[k]) {
						ended[k] = m.Ended
					}
				}
				continue
			}
			k := key{t.ID, m.PracticeCode}
			if !m.CurrentOn(today) {
				if m.Ended.After(ended[k]) {
					ended[k] = m.Ended
				}
				continue
			}
			if member[k] {
				continue // listed twice; the first row stands
			}
			member[k] = true
			p, ok := data.Practices[m.PracticeCode]
			if !ok {
				p = ods.Practice{Code: m.PracticeCode, Name: m.PracticeName}
			}
			name, addr := ods.Title(p.Name), odsAddress(p.Address)
			row := have[k]
			if row == nil {
				newPractices = append(newPractices, odsPracticeRow{TenantID: t.ID, ODSCode: p.Code, Name: name, Address: addr, Postcode: p.Postcode, Phone: p.Phone,
					ODSName: name, ODSAddress: addr, ODSPostcode: p.Postcode, ODSPhone: p.Phone})
				continue
			}
			upd := map[string]any{}
			follow := func(col, cur, last, next string) {
				if cur == last && cur != next {
					upd[col] = next
				}
			}
			follow("name", row.Name, row.ODSName, name)
			follow("address", row.Address, row.ODSAddress, addr)
			follow("postcode", row.Postcode, row.ODSPostcode, p.Postcode)
			follow("phone", row.Phone, row.ODSPhone, p.Phone)
			for col, pair := range map[string][2]string{"ods_name": {row.ODSName, name}, "ods_address": {row.ODSAddress, addr}, "ods_postcode": {row.ODSPostcode, p.Postcode}, "ods_phone": {row.ODSPhone, p.Phone}} {
				if pair[0] != pair[1] {
					upd[col] = pair[1]
				}
			}
			if row.LeftPCNOn != nil {
				upd["left_pcn_on"] = nil
			}
			if len(upd) == 0 {
				rep.PracticesUnchanged++
				continue
			}
			upd["version"] = gorm.Expr("version + 1")
			upd["updated_at"] = now.UTC()
			if err := tx.Model(&odsPracticeRow{}).Where("id = ?", row.ID).UpdateColumns(upd).Error; err != nil {
				return fmt.Errorf("update practice %s: %w", row.ODSCode, err)
			}
			rep.PracticesUpdated++
			touched[t.ID] = append(touched[t.ID], "practice "+row.ODSCode+" updated")
		}
		if len(newPractices) > 0 {
			if err := tx.CreateInBatches(&newPractices, odsBatch).Error; err != nil {
				return translate("create practices", err)
			}
			for _, p := range newPractices {
				touched[p.TenantID] = append(touched[p.TenantID], "practice "+p.ODSCode+" added")
			}
		}
		rep.PracticesCreated = len(newPractices)

		// Imported practices that are no longer members are marked, once.
		// Practices a manager added by hand (never imported) are theirs.
		for i := range rows {
			r := &rows[i]
			k := key{r.TenantID, r.ODSCode}
			if member[k] || r.ODSName == "" || r.LeftPCNOn != nil {
				continue
			}
			left := ended[k]
			if left.IsZero() {
				left = today
				if c := closedOf(closedPCN, r.TenantID); c != nil {
					left = *c.ClosedOn
				}
			}
			if err := tx.Model(&odsPracticeRow{}).Where("id = ?", r.ID).
				UpdateColumns(map[string]any{"left_pcn_on": left, "version": gorm.Expr("version + 1"), "updated_at": now.UTC()}).Error; err != nil {
				return fmt.Errorf("mark practice %s: %w", r.ODSCode, err)
			}
			rep.PracticesLeft++
			touched[r.TenantID] = append(touched[r.TenantID], "practice "+r.ODSCode+" left the PCN on "+left.Format("2 January 2006"))
		}

		// One generation bump for every tenant that changed.
		for _, t := range openPCN {
			if len(touched[t.ID]) > 0 && !isNew[t.ID] {
				rep.TenantsUpdated++
			}
		}
		rep.TenantsUnchanged = len(openPCN) - rep.TenantsCreated - rep.TenantsUpdated
		bump := make([]int64, 0, len(touched))
		for id := range touched {
			if !isNew[id] {
				bump = append(bump, id)
			}
		}
		sort.Slice(bump, func(i, j int) bool { return bump[i] < bump[j] })
		for _, t := range existing {
			if t.ODSCode != "" && !inFile[t.ODSCode] && t.Status != StatusArchived {
				rep.TenantsNotInFile++
			}
		}
		audited := make(map[string]*odsTenantRow, len(openPCN)+len(closedPCN))
		for code, t := range openPCN {
			audited[code] = t
		}
		for code, t := range closedPCN {
			audited[code] = t
		}
		if err := odsAudit(tx, audited, touched, isNew, now); err != nil {
			return err
		}
		var err error
		gens, err = bumpGenerations(tx, bump, now)
		return err
	})
	if err != nil {
		return ODSReport{}, fmt.Errorf("models: import ods: %w", err)
	}
	news := make([]generation, 0, len(created)+len(gens))
	for _, id := range created {
		news = append(news, generation{ID: id, Generation: 1})
	}
	d.notifyAll(ctx, append(news, gens...))
	return rep, nil
}

// AuditODSImport is the audit action of a change the ODS import made.
const AuditODSImport = "ods.import"

// odsAudit writes one line to the audit log of every tenant the import
// created or changed, saying what changed, so a manager can see why a
// name or address moved.
func odsAudit(tx *gorm.DB, openPCN map[string]*odsTenantRow, touched map[int64][]string, isNew map[int64]bool, now time.Time) error {
	var entries []AuditEntry
	for code, t := range openPCN {
		changes := touched[t.ID]
		var subject string
		switch {
		case isNew[t.ID]:
			subject = fmt.Sprintf("site created from ODS PCN %s with %d practices", code, len(changes))
		case len(changes) > 0:
			subject = "ODS PCN " + code + ": " + strings.Join(changes, "; ")
		default:
			continue
		}
		if len(subject) > 1000 {
			cut := strings.LastIndex(subject[:990], ";")
			if cut < 0 {
				cut = strings.LastIndex(subject[:990], " ")
			}
			subject = subject[:max(cut, 0)] + "; …"
		}
		entries = append(entries, AuditEntry{TenantID: t.ID, UserEmail: "pcnweb import ods", Action: AuditODSImport, Subject: subject, At: now.UTC()})
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].TenantID < entries[j].TenantID })
	if len(entries) == 0 {
		return nil
	}
	if err := tx.CreateInBatches(&entries, odsBatch).Error; err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// odsSlug derives a tenant slug from the PCN's name; when that is taken,
// reserved or not a valid host label, the PCN's ODS code makes it unique,
// which is the same on every run over the same data.
func odsSlug(name, code string, taken map[string]bool) (string, error) {
	base := Slugify(name)
	if len(base) > 63 {
		base = strings.TrimRight(base[:63], "-")
	}
	if base != "" && ValidateSlug(base) == nil && !taken[base] {
		return base, nil
	}
	suffix := strings.ToLower(code)
	if len(base) > 63-len(suffix)-1 {
		base = strings.TrimRight(base[:63-len(suffix)-1], "-")
	}
	slug := suffix
	if base != "" {
		slug = base + "-" + suffix
	}
	if taken[slug] || ValidateSlug(slug) != nil {
		return "", fmt.Errorf("no free slug for PCN %s (%q)", code, name)
	}
	return slug, nil
}

// odsAddress stores address lines as the practices table does: one per line.
func odsAddress(lines []string) string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = ods.Title(l)
	}
	return strings.Join(out, "\n")
}

func joinAddress(addr, postcode string) string {
	switch {
	case addr == "":
		return postcode
	case postcode == "":
		return addr
	}
	return addr + "\n" + postcode
}

// closedOf returns the tenant with id among those closed this run, or nil.
func closedOf(closed map[string]*odsTenantRow, id int64) *odsTenantRow {
	for _, t := range closed {
		if t.ID == id {
			return t
		}
	}
	return nil
}
