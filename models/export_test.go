package models

import "fmt"

// CreateRowForTest inserts v through the tenant handle without the store's
// own stamping, to prove the guard callback refuses foreign rows.
func CreateRowForTest(t *TenantDB, v any) error { return t.scoped.Create(v).Error }

// testActor makes the changes of the helpers below.
var testActor = Actor{Name: "test"}

// MoveRowForTest exposes moveRow for its table tests, in a change of its
// own.
func MoveRowForTest(t *TenantDB, table string, id int64, up bool) error {
	err := t.changeAudited(testActor, func(tx *TenantDB) error {
		if err := tx.moveRow(table, id, up, ""); err != nil {
			return err
		}
		return tx.audit("test.move", table)
	})
	if err != nil {
		return fmt.Errorf("models: move %s %d: %w", table, id, err)
	}
	return nil
}

// ClaimVersionForTest runs claimVersion in its own change.
func ClaimVersionForTest(t *TenantDB, table string, id int64, version int) error {
	return t.changeAudited(testActor, func(tx *TenantDB) error {
		if err := tx.claimVersion(table, "id", id, version, table); err != nil {
			return err
		}
		return tx.audit("test.claim", table)
	})
}

// ChangeAuditedForTest runs write inside changeAudited as by, then audits
// it as (action, subject): the tests of the one mutation path.
func ChangeAuditedForTest(t *TenantDB, by Actor, action, subject string, write func(tx *TenantDB) error) error {
	return t.changeAudited(by, func(tx *TenantDB) error {
		if err := write(tx); err != nil {
			return err
		}
		if action == "" {
			return nil // writes no audit row
		}
		return tx.audit(action, subject)
	})
}

// ClearSortOrderForTest gives every row of table sort_order 0, as rows
// stored before their list could be ordered: the order then falls back to
// the list's other columns.
func ClearSortOrderForTest(t *TenantDB, table string) error {
	return t.scoped.Table(table).Where("1 = 1").UpdateColumn("sort_order", 0).Error
}

// TimeProblemsForTest exposes timeProblems, the 12-hour time check.
func TimeProblemsForTest(text string) []string { return timeProblems(text) }

// ScanLinksForTest exposes what scanContent finds of links: internal
// paths, PDFs and vague link texts.
func ScanLinksForTest(body string) (links, pdfs, vague []string, noAlt int) {
	sc := scanContent(body)
	return sc.links, sc.pdfs, sc.vague, sc.noAlt
}

// SetPracticeLinksForTest sets every link a practice should have (the
// practiceLinks table) to url.
func SetPracticeLinksForTest(p *Practice, url string) {
	for _, l := range practiceLinks {
		*l.Get(p) = url
	}
}

// PracticeLinkCriteriaForTest maps each criterion checked by a practice
// link to a function that clears that link.
func PracticeLinkCriteriaForTest() map[string]func(*Practice) {
	out := map[string]func(*Practice){}
	for _, l := range practiceLinks {
		get := l.Get
		out[l.Criterion] = func(p *Practice) { *get(p) = "" }
	}
	return out
}
