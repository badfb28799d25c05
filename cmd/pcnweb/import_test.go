package main

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/internal/ods/odstest"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

func TestImportODSRealFiles(t *testing.T) {
	epcn, epraccur := odstest.Files(t)
	env := map[string]string{"DATABASE_URL": modelstest.NewURL(t), "LOG_LEVEL": "warn"}
	out := mustCLI(t, env, "", "import", "ods", epcn, epraccur)
	for _, want := range []string{"tenants:   1264 created, 0 updated, 0 unchanged", "practices: 6391 created, 0 updated, 0 unchanged, 0 marked", "closed PCNs: 65 skipped (no tenant), 0 tenants closed now"} {
		if !strings.Contains(out, want) {
			t.Errorf("first import printed\n%s\nwant %q", out, want)
		}
	}
	out = mustCLI(t, env, "", "import", "ods", epraccur, epcn) // any order
	for _, want := range []string{"tenants:   0 created, 0 updated, 1264 unchanged", "practices: 0 created, 0 updated, 6391 unchanged, 0 marked"} {
		if !strings.Contains(out, want) {
			t.Errorf("second import printed\n%s\nwant %q", out, want)
		}
	}
	show := mustCLI(t, env, "", "tenant", "show", "west-merton-pcn")
	if !strings.Contains(show, "West Merton PCN") || !strings.Contains(show, "U00070") {
		t.Errorf("tenant show:\n%s", show)
	}
}

func TestImportODSRefusesBadInput(t *testing.T) {
	_, epraccur := odstest.Files(t)
	dbURL := modelstest.NewURL(t)
	env := map[string]string{"DATABASE_URL": dbURL, "LOG_LEVEL": "warn"}
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// The headerless CSV form of the two ePCN reports.
	pcns := write("pcns.csv", "U00070,WEST MERTON PCN,36L,NHS SOUTH WEST LONDON ICB - 36L,20191001,,TREVELYAN HOUSE,,,LONDON,,SW17 0RT\n"+
		"U00071,EAST MERTON PCN,36L,NHS SOUTH WEST LONDON ICB - 36L,20191001,,1 HIGH ST,,,LONDON,,SW17 0R\n")
	partners := write("partners.csv", "A81001,THE DENSHAM SURGERY,16C,X,U00070,WEST MERTON PCN,36L,X,20191001,,1\n")
	page := write("ePCN.xlsx", "<!DOCTYPE html>\n<html><title>Sign in</title></html>\n")
	var zbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	if w, err := zw.Create("ePCN/README.txt"); err != nil {
		t.Fatal(err)
	} else if _, err := w.Write([]byte("read me")); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	emptyZip := write("ePCN.zip", zbuf.String())
	for _, tt := range []struct {
		name  string
		files []string
		want  string
	}{
		{"bad postcode", []string{pcns, partners, epraccur}, `import ods: pcns.csv: row 2 column 12 (Postcode): "SW17 0R" is not a UK postcode`},
		{"no files", nil, "usage: pcnweb import ods FILE..."},
		{"missing report", []string{epraccur}, "PCN details"},
		{"no such file", []string{filepath.Join(dir, "nope.xlsx")}, "nope.xlsx"},
		{"a web page saved as the workbook", []string{page, epraccur}, "import ods: ePCN.xlsx: is a web page (HTML), not the data file, expected the ePCN .xlsx workbook"},
		{"a zip without the workbook", []string{emptyZip, epraccur}, `import ods: ePCN.zip: is a zip archive with no .xlsx or .csv file in it (found: "ePCN/README.txt")`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := cli(t, env, "", append([]string{"import", "ods"}, tt.files...)...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
			if code := exitCode(err); code != 2 {
				t.Errorf("exit %d, want 2 for bad input", code)
			}
		})
	}
	db := modelstest.Open(t, dbURL)
	if ts, err := db.ListTenants(context.Background()); err != nil || len(ts) != 0 {
		t.Errorf("bad input wrote %d tenants (%v)", len(ts), err)
	}
}

func TestImportODSDatabaseDown(t *testing.T) {
	epcn, epraccur := odstest.Files(t)
	env := map[string]string{"DATABASE_URL": "postgres://pcnweb@127.0.0.1:1/nowhere?connect_timeout=1", "LOG_LEVEL": "warn"}
	_, err := cli(t, env, "", "import", "ods", epcn, epraccur)
	var ue *usageError
	if err == nil || errors.As(err, &ue) || exitCode(err) != 1 {
		t.Errorf("error %v (exit %d), want a database error with exit 1", err, exitCode(err))
	}
}

// An older file, then a newer one in which West Merton PCN has closed and
// its practice joined East Merton: the tenant is closed, its status says so
// in tenant show/list --json, and the practice is East Merton's only.
func TestImportODSClosesTenant(t *testing.T) {
	_, epraccur := odstest.Files(t)
	env := map[string]string{"DATABASE_URL": modelstest.NewURL(t), "LOG_LEVEL": "warn"}
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pcns := "U00070,WEST MERTON PCN,36L,NHS SOUTH WEST LONDON ICB - 36L,20191001,%s,TREVELYAN HOUSE,,,LONDON,,SW17 0RT\n" +
		"U00071,EAST MERTON PCN,36L,NHS SOUTH WEST LONDON ICB - 36L,20191001,,1 HIGH ST,,,LONDON,,SW17 0RT\n"
	older := []string{write("pcns-2022.csv", fmt.Sprintf(pcns, "")),
		write("partners-2022.csv", "A81001,THE DENSHAM SURGERY,16C,X,U00070,WEST MERTON PCN,36L,X,20191001,,1\n"), epraccur}
	newer := []string{write("pcns-2023.csv", fmt.Sprintf(pcns, "20230331")),
		write("partners-2023.csv", "A81001,THE DENSHAM SURGERY,16C,X,U00070,WEST MERTON PCN,36L,X,20191001,20230331,1\n"+
			"A81001,THE DENSHAM SURGERY,16C,X,U00071,EAST MERTON PCN,36L,X,20230401,,1\n"), epraccur}
	mustCLI(t, env, "", append([]string{"import", "ods"}, older...)...)
	out := mustCLI(t, env, "", append([]string{"import", "ods"}, newer...)...)
	if !strings.Contains(out, "1 tenants closed now") || !strings.Contains(out, "1 marked as having left") {
		t.Errorf("the newer import printed\n%s", out)
	}
	if show := mustCLI(t, env, "", "tenant", "show", "west-merton-pcn", "--json"); !strings.Contains(show, `"status": "closed"`) {
		t.Errorf("tenant show --json:\n%s", show)
	}
	list := mustCLI(t, env, "", "tenant", "list", "--json")
	if !strings.Contains(list, `"status": "closed"`) || !strings.Contains(list, `"status": "active"`) {
		t.Errorf("tenant list --json:\n%s", list)
	}
	if list := mustCLI(t, env, "", "tenant", "list"); !regexp.MustCompile(`west-merton-pcn\s+West Merton PCN\s+U00070\s+closed`).MatchString(list) {
		t.Errorf("tenant list:\n%s", list)
	}
}
