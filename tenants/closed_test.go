package tenants_test

import (
	"context"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/internal/ods"
	"github.com/pcnweb/pcnweb/models/modelstest"
	"github.com/pcnweb/pcnweb/tenants"
)

// TestHostSetClosedAndOldSlugs: the TLS ask says yes to a closed tenant's
// host (it shows where its practices went) and to a renamed tenant's old
// host (it redirects).
func TestHostSetClosedAndOldSlugs(t *testing.T) {
	db := modelstest.NewDB(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	opened := now.AddDate(-5, 0, 0)
	data := &ods.Data{PCNs: []ods.PCN{{Code: "U00002", Name: "MOORLAND PCN", SubICBCode: "A3A8R", Opened: opened, Postcode: "RM7 0JU"}}}
	if _, err := db.ImportODS(ctx, data, now); err != nil {
		t.Fatal(err)
	}
	data.PCNs[0].Closed = now.AddDate(0, -1, 0)
	if _, err := db.ImportODS(ctx, data, now); err != nil {
		t.Fatal(err)
	}
	modelstest.Tenant(t, db, "oldname")
	if _, err := db.RenameTenant(ctx, "oldname", "newname"); err != nil {
		t.Fatal(err)
	}
	set := tenants.NewHostSet(db, tenants.HostSetOptions{BaseDomain: "localhost"})
	if err := set.Load(ctx); err != nil {
		t.Fatal(err)
	}
	for host, want := range map[string]bool{
		"moorland-pcn.localhost": true, // closed
		"newname.localhost":      true,
		"oldname.localhost":      true, // redirects to newname
		"other.localhost":        false,
	} {
		if got := set.Has(ctx, host); got != want {
			t.Errorf("Has(%q) = %v, want %v", host, got, want)
		}
	}
}
