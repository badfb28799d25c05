// Package odstest finds the real NHS ODS files for tests.
package odstest

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the directory holding the real ePCN.xlsx and epraccur.csv:
// $PCNWEB_ODS_DATA, or shared/data/ods beside the repository (found by
// walking up from the test's directory, so git worktrees work too). The
// test is skipped when the files are not there.
func Dir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("PCNWEB_ODS_DATA"); d != "" {
		return d
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		cand := filepath.Join(dir, "shared", "data", "ods")
		if _, err := os.Stat(filepath.Join(cand, "ePCN.xlsx")); err == nil {
			return cand
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("the real ODS files (shared/data/ods) are not here; set PCNWEB_ODS_DATA")
		}
		dir = parent
	}
}

// Files returns the paths of the real ePCN workbook and practice list.
func Files(t testing.TB) (epcn, epraccur string) {
	d := Dir(t)
	return filepath.Join(d, "ePCN.xlsx"), filepath.Join(d, "epraccur.csv")
}
