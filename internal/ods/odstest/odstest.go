// Package odstest finds the real NHS ODS files for tests.
package odstest

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

// Dir returns a directory holding the real ePCN.xlsx and epraccur.csv:
// $PCNWEB_ODS_DATA, or shared/data/ods beside the repository (found by
// walking up from the test's directory, so git worktrees work too), or else
// the copy kept in ods/testdata (the same files as published by NHS
// England's ODS, epraccur gzipped), so a clone anywhere tests against them.
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
			break
		}
		dir = parent
	}
	return repoCopy(t)
}

var (
	copyOnce sync.Once
	copyDir  string
	copyErr  error
)

// repoCopy unpacks ods/testdata into a directory shared by the package's
// tests (removed with the process's temporary files by the OS).
func repoCopy(t testing.TB) string {
	t.Helper()
	copyOnce.Do(func() {
		_, self, _, _ := runtime.Caller(0)
		src := filepath.Join(filepath.Dir(self), "..", "testdata")
		if copyDir, copyErr = os.MkdirTemp("", "pcnweb-ods-"); copyErr != nil {
			return
		}
		if copyErr = os.Symlink(filepath.Join(src, "ePCN.xlsx"), filepath.Join(copyDir, "ePCN.xlsx")); copyErr != nil {
			return
		}
		copyErr = gunzip(filepath.Join(src, "epraccur.csv.gz"), filepath.Join(copyDir, "epraccur.csv"))
	})
	if copyErr != nil {
		t.Fatalf("odstest: unpack ods/testdata: %v", copyErr)
	}
	return copyDir
}

func gunzip(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	zr, err := gzip.NewReader(in)
	if err != nil {
		return err
	}
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, zr); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// Files returns the paths of the real ePCN workbook and practice list.
func Files(t testing.TB) (epcn, epraccur string) {
	d := Dir(t)
	return filepath.Join(d, "ePCN.xlsx"), filepath.Join(d, "epraccur.csv")
}
