package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/pcnweb/pcnweb/internal/chart"
	"github.com/pcnweb/pcnweb/internal/demo"
	"github.com/pcnweb/pcnweb/internal/hours"
	"github.com/pcnweb/pcnweb/internal/testenv"
	"github.com/pcnweb/pcnweb/models"
)

// TestInsightsInChromium: figures stored as the replicas flush them
// (models.DB.AddCounts, on PostgreSQL), a manager opens Insights in
// Chromium: the chart is an image with its name, the table beside it
// holds the same figures, the rankings are there, and axe finds nothing,
// at desktop and mobile widths.
func TestInsightsInChromium(t *testing.T) {
	dbURL := testenv.CreateDatabase(t, testenv.DatabaseName("e2e_insights"), "")
	redisURL, prefix := testenv.Redis(t)
	const password = "a-long-e2e-test-password"
	s, err := startServerWith(binPath, []string{"serve", "--demo"}, true, "DATABASE_URL="+dbURL, "REDIS_URL="+redisURL,
		"PCNWEB_REDIS_PREFIX="+prefix, "PCNWEB_DEMO_PASSWORD="+password, "PCNWEB_DATA_DIR="+t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.stop() })

	ctx := context.Background()
	db, err := models.Open(ctx, models.Options{URL: dbURL})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	tn, err := db.TenantBySlug(ctx, "highfives")
	if err != nil {
		t.Fatal(err)
	}
	today := time.Now().In(hours.Location())
	var batch []models.DailyCount
	add := func(daysAgo int, kind, key string, n int64) {
		batch = append(batch, models.DailyCount{TenantID: tn.ID, Day: today.AddDate(0, 0, -daysAgo), Kind: kind, Key: key, N: n})
	}
	var total int64
	for i := 0; i < 30; i++ {
		// Quieter at weekends, busier on Mondays, like a surgery's site.
		n := int64(120 + 35*(i%7) - 20*(i%3))
		if wd := today.AddDate(0, 0, -i).Weekday(); wd == time.Saturday || wd == time.Sunday {
			n /= 3
		}
		add(i, models.KindView, "/", n*2/3)
		add(i, models.KindView, "/about", n-n*2/3)
		total += n
	}
	add(0, models.KindView, "/services/physiotherapy", 42)
	total += 42
	add(1, models.KindReferrer, "www.google.com", 310)
	add(2, models.KindReferrer, "www.nhs.uk", 57)
	add(0, models.KindSearch, "flu jab", 64)
	add(0, models.KindSearch, "blood test", 21)
	add(0, models.KindSearchNone, "covid booster walk in", 9)
	add(3, models.KindNotFound, "/old-site/repeat-prescriptions.aspx", 18)
	if err := db.AddCounts(ctx, batch); err != nil {
		t.Fatal(err)
	}

	base := "http://" + s.host("highfives")
	for _, vp := range viewports {
		t.Run(vp.name, func(t *testing.T) {
			tb := openTab(t, vp, chromedp.WithNewBrowserContext())
			tb.adminSignIn(t, base, demo.Accounts[0].Email, password)
			tb.visit(t, base+"/admin/insights")
			tb.screenshot(t, "admin-insights-"+vp.name)
			tb.noAxeViolations(t, "insights "+vp.name)

			if got := tb.text(t, ".admin-insights__total-number"); got != chart.Thousands(total) {
				t.Errorf("total %q, want %s", got, chart.Thousands(total))
			}
			// Each bar's tooltip ("Monday 7 December 2026: 123") against
			// the table's row of that day.
			check, err := chromedp.Run(tb.ctx, chromedp.Evaluate[chartCheck](`(() => {
				const svg = document.querySelector('.admin-insights__chart svg');
				const rows = [...document.querySelectorAll('table')].find(t => t.caption && t.caption.textContent.trim() === 'Page views for each day').tBodies[0].rows;
				const table = {};
				for (const r of rows) table[r.cells[0].textContent.trim()] = r.cells[1].textContent.trim();
				const bars = [...svg.querySelectorAll('rect > title')].map(t => t.textContent);
				const same = bars.every(b => { const i = b.lastIndexOf(': '); return table[b.slice(0, i)] === b.slice(i + 2); });
				return {Role: svg.getAttribute('role'), Title: svg.querySelector('title').textContent, Bars: bars.length, Rows: rows.length, Same: same};
			})()`))
			if err != nil {
				t.Fatal(err)
			}
			if check.Role != "img" || !strings.Contains(check.Title, "Page views per day") || check.Bars != 30 || check.Rows != 30 || !check.Same {
				t.Errorf("chart and table: %+v", check)
			}
			main := tb.text(t, "#maincontent")
			for _, want := range []string{"www.google.com", "flu jab", "covid booster walk in", "/old-site/repeat-prescriptions.aspx", "Add a redirect", "/services/physiotherapy"} {
				if !strings.Contains(main, want) {
					t.Errorf("Insights lack %q", want)
				}
			}

			// The Redirects page lists the same 404s from the same figures:
			// the path, its count and a button to redirect it.
			tb.visit(t, base+"/admin/redirects")
			tb.screenshot(t, "admin-redirects-"+vp.name)
			tb.noAxeViolations(t, "redirects "+vp.name)
			row, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]string](`(() => {
				const tr = [...document.querySelectorAll('tbody tr')].find(r => r.cells[0].textContent.trim() === '/old-site/repeat-prescriptions.aspx');
				return tr ? [...tr.cells].map(c => c.textContent.trim()) : [];
			})()`))
			if err != nil {
				t.Fatal(err)
			}
			if len(row) != 4 || row[1] != "18" || row[2] != today.AddDate(0, 0, -3).Format("2 January 2006") || !strings.Contains(row[3], "Add a redirect") {
				t.Errorf("the Redirects page's row for the missing address: %q", row)
			}
		})
	}
}

// chartCheck is what the page's chart and its table say.
type chartCheck struct {
	Role, Title string
	Bars, Rows  int
	Same        bool // every bar's figure is its day's in the table
}
