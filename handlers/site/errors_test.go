package site_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

// TestSuspendedPageShowsNameAndPhones: the 503 page of a suspended site
// names the PCN and lists its and its practices' phone numbers, whether
// the site was rendered before (the contact card) or never (the card is
// made from the database); never another tenant's.
func TestSuspendedPageShowsNameAndPhones(t *testing.T) {
	s := newServer(t, serverOptions{})
	ctx := context.Background()
	for _, x := range []struct{ slug, ods, practice, phone string }{
		{"highfives", "Y99001", "Fivefields Medical Centre", "0113 496 0999"},
		{"moorland", "Y99021", "Upper Dale Surgery", "01632 960200"},
	} {
		store := s.db.ForTenant(ctx, modelstest.Tenant(t, s.db, x.slug).ID)
		seedPractice(t, store, x.ods, x.practice)
		settings, err := store.Settings()
		if err != nil {
			t.Fatal(err)
		}
		settings.Phone = x.phone
		if _, err := store.SaveSettingsAt(testActor, settings, settings.Version, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	// highfives is rendered before it is suspended; moorland never is.
	if r := s.get(t, "highfives.localhost", "/"); r.status != 200 {
		t.Fatalf("home page: %d", r.status)
	}
	for _, slug := range []string{"highfives", "moorland"} {
		if _, err := s.db.SetTenantStatus(ctx, slug, models.StatusSuspended, "moving provider"); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		host         string
		want, refuse []string
	}{
		{"highfives.localhost", []string{"The website of highfives PCN is temporarily unavailable", "highfives PCN: <a href=\"tel:&#43;441134960999\">0113 496 0999</a>",
			"Fivefields Medical Centre: <a href=\"tel:&#43;441134960000\">0113 496 0000</a>", "111", "999"}, []string{"Upper Dale", "01632"}},
		{"moorland.localhost", []string{"The website of moorland PCN is temporarily unavailable", "01632 960200", "Upper Dale Surgery"}, []string{"Fivefields", "0113 496 0999"}},
	} {
		for range 2 { // the second time from the card the first one made
			r := s.get(t, c.host, "/news")
			if r.status != 503 || r.header.Get("Retry-After") == "" {
				t.Fatalf("%s: %d, Retry-After %q", c.host, r.status, r.header.Get("Retry-After"))
			}
			for _, w := range c.want {
				if !strings.Contains(r.body, w) {
					t.Errorf("%s: the page does not say %q\n%s", c.host, w, r.body)
				}
			}
			for _, w := range c.refuse {
				if strings.Contains(r.body, w) {
					t.Errorf("%s: the page shows another tenant's %q", c.host, w)
				}
			}
		}
	}
}
