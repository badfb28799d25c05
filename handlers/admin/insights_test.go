package admin_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/pcnweb/pcnweb/internal/hours"
	"github.com/pcnweb/pcnweb/models"
)

// insightsDoc is what the tests read off the Insights page.
type insightsDoc struct {
	svgRole, svgLabelledBy, svgTitle string
	titleID, descID                  string
	bars                             []string          // each bar's tooltip: "Monday 7 December 2026: 8"
	table                            map[string]string // day → views, from the table of views per day
	tableRows                        int
}

func readInsights(t *testing.T, body string) insightsDoc {
	t.Helper()
	root, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	d := insightsDoc{table: map[string]string{}}
	attr := func(n *html.Node, k string) string {
		for _, a := range n.Attr {
			if a.Key == k {
				return a.Val
			}
		}
		return ""
	}
	var text func(*html.Node) string
	text = func(n *html.Node) string {
		if n.Type == html.TextNode {
			return n.Data
		}
		var b strings.Builder
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			b.WriteString(text(c))
		}
		return b.String()
	}
	var walk func(*html.Node, string)
	walk = func(n *html.Node, in string) {
		if n.Type == html.ElementNode {
			switch {
			case n.Data == "svg":
				d.svgRole, d.svgLabelledBy = attr(n, "role"), attr(n, "aria-labelledby")
				in = "svg"
			case n.Data == "title" && in == "svg" && n.Parent.Data == "svg":
				d.svgTitle, d.titleID = text(n), attr(n, "id")
			case n.Data == "desc" && in == "svg":
				d.descID = attr(n, "id")
			case n.Data == "rect":
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					if c.Data == "title" {
						d.bars = append(d.bars, text(c))
					}
				}
			case n.Data == "table":
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					if c.Data == "caption" && strings.TrimSpace(text(c)) == "Page views for each day" {
						in = "days"
					}
				}
			case n.Data == "tr" && in == "days":
				var cells []string
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					if c.Data == "td" {
						cells = append(cells, strings.TrimSpace(text(c)))
					}
				}
				if len(cells) == 2 {
					d.table[cells[0]] = cells[1]
					d.tableRows++
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, in)
		}
	}
	walk(root, "")
	return d
}

func TestInsightsPage(t *testing.T) {
	s := newServer(t, options{})
	ctx := context.Background()
	alpha := s.tenant(t, "alpha")
	beta := s.tenant(t, "beta")
	gamma := s.tenant(t, "gamma")
	s.user(t, alpha, "jane@example.nhs.uk", models.RoleEditor)
	s.user(t, beta, "sam@example.nhs.uk", models.RoleManager)
	s.user(t, gamma, "kim@example.nhs.uk", models.RoleManager)

	today := time.Now().In(hours.Location())
	ago := func(n int) time.Time { return today.AddDate(0, 0, -n) }
	long := func(n int) string { return ago(n).Format("Monday 2 January 2006") }
	// What the replicas flushed: alpha's figures, and beta's, which
	// alpha's page must never show.
	err := s.db.AddCounts(ctx, []models.DailyCount{
		{TenantID: alpha.ID, Day: ago(0), Kind: models.KindView, Key: "/about", N: 5},
		{TenantID: alpha.ID, Day: ago(0), Kind: models.KindView, Key: "/", N: 3},
		{TenantID: alpha.ID, Day: ago(1), Kind: models.KindView, Key: "/about", N: 2},
		{TenantID: alpha.ID, Day: ago(10), Kind: models.KindView, Key: "/contact", N: 4},
		{TenantID: alpha.ID, Day: ago(60), Kind: models.KindView, Key: "/winter-clinics", N: 1200},
		{TenantID: alpha.ID, Day: ago(0), Kind: models.KindReferrer, Key: "www.google.com", N: 4},
		{TenantID: alpha.ID, Day: ago(0), Kind: models.KindSearch, Key: "flu jab", N: 3},
		{TenantID: alpha.ID, Day: ago(0), Kind: models.KindSearch, Key: "parking", N: 2},
		{TenantID: alpha.ID, Day: ago(0), Kind: models.KindSearchNone, Key: "parking", N: 2},
		{TenantID: alpha.ID, Day: ago(2), Kind: models.KindNotFound, Key: "/practice-leaflet.pdf", N: 7},
		{TenantID: alpha.ID, Day: ago(2), Kind: models.KindNotFound, Key: `/"><script>alert(1)</script>`, N: 1},
		{TenantID: beta.ID, Day: ago(0), Kind: models.KindView, Key: "/beta-secret", N: 99},
		{TenantID: beta.ID, Day: ago(0), Kind: models.KindReferrer, Key: "beta-referrer.example", N: 9},
		{TenantID: beta.ID, Day: ago(0), Kind: models.KindSearch, Key: "beta search", N: 9},
		{TenantID: beta.ID, Day: ago(0), Kind: models.KindNotFound, Key: "/beta-missing", N: 9},
	})
	if err != nil {
		t.Fatal(err)
	}

	// An editor may read Insights: it only reads, and it tells editors
	// what to write.
	jane := s.browser()
	jane.signIn(t, "alpha.localhost", "jane@example.nhs.uk")
	for _, tt := range []struct {
		query      string
		days       int
		total      string
		notice     bool
		hasPage    []string
		lacksPage  []string
		tableViews map[string]string
	}{
		{"", 30, "14", false, []string{"/about", "/contact"}, []string{"/winter-clinics"}, map[string]string{long(0): "8", long(1): "2", long(10): "4", long(29): "0"}},
		{"?days=30", 30, "14", false, []string{"/contact"}, []string{"/winter-clinics"}, map[string]string{long(0): "8"}},
		{"?days=7", 7, "10", false, []string{"/about"}, []string{"/contact", "/winter-clinics"}, map[string]string{long(0): "8", long(1): "2", long(6): "0"}},
		{"?days=90", 90, "1,214", false, []string{"/about", "/contact", "/winter-clinics"}, nil, map[string]string{long(60): "1,200", long(89): "0"}},
		{"?days=12", 30, "14", true, []string{"/contact"}, []string{"/winter-clinics"}, nil},
		{"?days=abc", 30, "14", true, nil, nil, nil},
	} {
		t.Run("days"+tt.query, func(t *testing.T) {
			r := jane.get(t, "alpha.localhost", "/admin/insights"+tt.query)
			if r.status != http.StatusOK {
				t.Fatalf("GET insights%s: %d\n%s", tt.query, r.status, r.body)
			}
			body := r.body
			for _, want := range []string{
				`<a href="/admin/insights" aria-current="page">Insights</a>`,
				`>` + tt.total + `</span> page views in the last ` + itoa(int64(tt.days)) + ` days`,
				`aria-current="page">Last ` + itoa(int64(tt.days)) + ` days</a>`,
				"From " + ago(tt.days-1).Format("2 January 2006") + " to " + today.Format("2 January 2006"),
			} {
				if !strings.Contains(body, want) {
					t.Errorf("page lacks %q", want)
				}
			}
			if got := strings.Contains(body, "You can see the last 7, 30 or 90 days"); got != tt.notice {
				t.Errorf("notice of an unknown period shown: %v, want %v", got, tt.notice)
			}
			for _, p := range tt.hasPage {
				if !strings.Contains(body, `<a href="http://alpha.localhost`+p+`">`+p+`</a>`) {
					t.Errorf("top pages lack a link to %s", p)
				}
			}
			for _, p := range tt.lacksPage {
				if strings.Contains(body, p) {
					t.Errorf("%s is counted outside the period but on the page", p)
				}
			}
			doc := readInsights(t, body)
			if doc.svgRole != "img" || doc.svgTitle == "" || doc.svgLabelledBy != doc.titleID+" "+doc.descID {
				t.Errorf("chart: role %q, title %q, labelled by %q (title %q, desc %q)", doc.svgRole, doc.svgTitle, doc.svgLabelledBy, doc.titleID, doc.descID)
			}
			if doc.tableRows != tt.days {
				t.Errorf("%d days in the table, want %d", doc.tableRows, tt.days)
			}
			for day, want := range tt.tableViews {
				if doc.table[day] != want {
					t.Errorf("table: %s has %q views, want %q", day, doc.table[day], want)
				}
			}
			// The chart draws exactly the table's days that have views,
			// with the same figures.
			var fromTable []string
			for day := tt.days - 1; day >= 0; day-- {
				if v := doc.table[long(day)]; v != "0" {
					fromTable = append(fromTable, long(day)+": "+v)
				}
			}
			if strings.Join(doc.bars, "|") != strings.Join(fromTable, "|") {
				t.Errorf("chart bars %q, table %q", doc.bars, fromTable)
			}
		})
	}

	r := jane.get(t, "alpha.localhost", "/admin/insights")
	body := r.body
	for _, want := range []string{
		"<td class=\"admin-insights__key\">www.google.com</td>",
		"<td class=\"admin-insights__key\">flu jab</td>",
		"<h2>Searches that found nothing</h2>\n<p>People looked for these", `<a href="/admin/pages/new">adding a page</a>`,
		`<a href="/admin/redirects/new?from=%2Fpractice-leaflet.pdf">Add a redirect<span class="nhsuk-u-visually-hidden"> for /practice-leaflet.pdf</span></a>`,
		"&lt;script&gt;alert(1)&lt;/script&gt;",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(body, "<script>alert") {
		t.Error("a counted path is written into the page unescaped")
	}
	// Tenant isolation: none of beta's figures on alpha's page.
	for _, k := range []string{"beta-secret", "beta-referrer.example", "beta search", "beta-missing", "99"} {
		if strings.Contains(body, k) {
			t.Errorf("alpha's Insights show beta's %q", k)
		}
	}

	// Beta's manager sees beta's figures only.
	sam := s.browser()
	sam.signIn(t, "beta.localhost", "sam@example.nhs.uk")
	r = sam.get(t, "beta.localhost", "/admin/insights?days=7")
	if r.status != http.StatusOK || !strings.Contains(r.body, ">99</span> page views") || !strings.Contains(r.body, "/beta-missing") ||
		strings.Contains(r.body, "/about") || strings.Contains(r.body, "flu jab") || strings.Contains(r.body, "practice-leaflet") {
		t.Errorf("beta's Insights: %d\n%s", r.status, r.body)
	}
	// Alpha's session does not open beta's Insights.
	if r := jane.get(t, "beta.localhost", "/admin/insights"); r.status == http.StatusOK && strings.Contains(r.body, "page views in the last") {
		t.Error("alpha's editor reads beta's Insights")
	}

	// A site with nothing counted: every list says so, the chart has no bars.
	kim := s.browser()
	kim.signIn(t, "gamma.localhost", "kim@example.nhs.uk")
	r = kim.get(t, "gamma.localhost", "/admin/insights")
	if r.status != http.StatusOK {
		t.Fatalf("GET gamma insights: %d", r.status)
	}
	for _, want := range []string{
		">0</span> page views in the last 30 days",
		"No page views have been counted in these days yet.",
		"No visitors came from a link on another website in these days.",
		"Nobody used the website's search in these days.",
		"Every search in these days found at least one page.",
		"Nobody reached a page that does not exist in these days.",
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("empty Insights lack %q", want)
		}
	}
	if doc := readInsights(t, r.body); len(doc.bars) != 0 || doc.tableRows != 30 || doc.svgRole != "img" {
		t.Errorf("empty chart: %d bars, %d table rows, role %q", len(doc.bars), doc.tableRows, doc.svgRole)
	}

	// Signed out: the sign-in page, not the figures.
	if r := s.browser().get(t, "alpha.localhost", "/admin/insights"); r.status != http.StatusSeeOther {
		t.Errorf("signed out: %d", r.status)
	}
}
