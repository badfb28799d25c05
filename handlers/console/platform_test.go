package console_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/internal/hours"
	"github.com/pcnweb/pcnweb/models"
)

// TestPlatformShowsSharedFigures: the platform view reads the figures
// every replica flushed to the database, per tenant and with its name, for
// the last 7 and 30 days; this replica's own counters are labelled so.
func TestPlatformShowsSharedFigures(t *testing.T) {
	s := newServer(t, options{})
	alpha := s.tenant(t, "alpha")
	beta := s.tenant(t, "beta")
	s.tenant(t, "gamma") // nothing counted: not listed
	s.operator(t, "op@pcnweb.example", secret)
	b := s.browser()
	b.signIn(t, "op@pcnweb.example", secret)

	if r := b.get(t, "/platform"); r.status != http.StatusOK || !strings.Contains(r.body, "No page views counted in the last 30 days.") {
		t.Fatalf("platform before any figures: %d\n%s", r.status, r.body)
	}

	today := time.Now().In(hours.Location())
	ago := func(n int) time.Time { return today.AddDate(0, 0, -n) }
	// As two replicas would flush them: the same keys twice add up.
	for _, batch := range [][]models.DailyCount{
		{
			{TenantID: alpha.ID, Day: ago(0), Kind: models.KindView, Key: "/", N: 700},
			{TenantID: alpha.ID, Day: ago(3), Kind: models.KindNotFound, Key: "/old", N: 2},
			{TenantID: beta.ID, Day: ago(0), Kind: models.KindView, Key: "/", N: 40},
		},
		{
			{TenantID: alpha.ID, Day: ago(0), Kind: models.KindView, Key: "/", N: 300},
			{TenantID: alpha.ID, Day: ago(20), Kind: models.KindView, Key: "/about", N: 1500},
			{TenantID: alpha.ID, Day: ago(20), Kind: models.KindNotFound, Key: "/gone", N: 5},
			{TenantID: beta.ID, Day: ago(10), Kind: models.KindView, Key: "/news", N: 3000},
			{TenantID: beta.ID, Day: ago(40), Kind: models.KindView, Key: "/news", N: 9999}, // outside 30 days
			{TenantID: beta.ID, Day: ago(0), Kind: models.KindSearch, Key: "flu", N: 8},     // not a view
		},
	} {
		if err := s.db.AddCounts(context.Background(), batch); err != nil {
			t.Fatal(err)
		}
	}

	r := b.get(t, "/platform")
	if r.status != http.StatusOK {
		t.Fatalf("platform: %d", r.status)
	}
	cell := `<td class="nhsuk-table__cell--numeric">`
	row := func(name, slug string, v7, n7, v30, n30 string) string {
		return `<tr><td><a href="/tenants/` + slug + `">` + name + `</a></td>` + cell + v7 + `</td>` + cell + n7 + `</td>` + cell + v30 + `</td>` + cell + n30 + `</td></tr>`
	}
	for _, want := range []string{
		"<h2>Page views per tenant</h2>",
		"added up from all servers",
		"the last 7 days (" + ago(6).Format("2 January 2006") + " to " + today.Format("2 January 2006") + ")",
		row(beta.Name, "beta", "40", "0", "3,040", "0"),
		row(alpha.Name, "alpha", "1,000", "2", "2,500", "7"),
		`<th scope="row">All tenants</th>` + cell + `1,040</td>` + cell + `2</td>` + cell + `5,540</td>` + cell + `7</td>`,
		"<h2>This server: requests since it started</h2>",
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("platform lacks %q", want)
		}
	}
	// Busiest over 30 days first; gamma, with nothing counted, not listed.
	if i, j := strings.Index(r.body, `href="/tenants/beta"`), strings.Index(r.body, `href="/tenants/alpha"`); i < 0 || j < 0 || i > j {
		t.Errorf("beta (3,040 in 30 days) is not listed before alpha (2,500)")
	}
	if strings.Contains(r.body, `href="/tenants/gamma"`) || strings.Contains(r.body, "9,999") {
		t.Error("the platform view lists a tenant with nothing counted, or a day outside 30 days")
	}
	if regexp.MustCompile(`Traffic on this server`).MatchString(r.body) {
		t.Error("the old unlabelled per-replica heading is still there")
	}
}
