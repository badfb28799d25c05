package tenants_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/internal/testenv"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
	"github.com/pcnweb/pcnweb/tenants"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// TestHostSetAnswersFromMemory: the TLS ask answers come from the loaded set;
// an unknown name reloads it at most once a second, so a new domain is known
// within a second and a flood of made-up names cannot reach the database
// more often than that; a known host is still known with the database down.
func TestHostSetAnswersFromMemory(t *testing.T) {
	url := modelstest.NewURL(t)
	proxy := testenv.StartProxy(t, "127.0.0.1:5432")
	db := modelstest.Open(t, testenv.WithDatabase("postgres://postgres@"+proxy.Addr+"/x?sslmode=disable", dbName(url)))
	ctx := context.Background()
	modelstest.Tenant(t, db, "highfives", "www.highfivespcn.example")
	modelstest.Tenant(t, db, "closed", "www.closed.example")
	if _, err := db.SetTenantStatus(ctx, "closed", models.StatusSuspended, "test"); err != nil {
		t.Fatal(err)
	}
	clk := &fakeClock{t: time.Now()}
	set := tenants.NewHostSet(db, tenants.HostSetOptions{BaseDomain: "localhost", Now: clk.Now})
	if err := set.Load(ctx); err != nil {
		t.Fatal(err)
	}
	for host, want := range map[string]bool{
		"highfives.localhost":          true,
		"WWW.HighFivesPCN.example.":    true,
		"www.highfivespcn.example:443": true,
		"www.closed.example":           false, // suspended
		"closed.localhost":             false,
		"nobody.example":               false,
		"not a host":                   false,
		"127.0.0.1":                    false,
	} {
		if got := set.Has(ctx, host); got != want {
			t.Errorf("Has(%q) = %v, want %v", host, got, want)
		}
	}

	// A domain attached now is unknown until a second has passed since the
	// last reload; then the first question about it reloads the set.
	if _, err := db.AddDomain(ctx, "highfives", "new.highfivespcn.example", false); err != nil {
		t.Fatal(err)
	}
	if set.Has(ctx, "new.highfivespcn.example") {
		t.Error("the set reloaded less than a second after the last reload")
	}
	clk.Add(time.Second)
	if !set.Has(ctx, "new.highfivespcn.example") {
		t.Error("a domain attached a second ago is still unknown")
	}

	// With the database cut, known hosts are answered from memory.
	proxy.Cut()
	clk.Add(time.Minute)
	if !set.Has(ctx, "highfives.localhost") {
		t.Error("a known host is unknown while the database is down")
	}
	if set.Has(ctx, "made-up.example") {
		t.Error("an unknown host was accepted while the database is down")
	}
}
