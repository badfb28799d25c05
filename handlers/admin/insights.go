package admin

import (
	"html/template"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/internal/chart"
	"github.com/pcnweb/pcnweb/internal/hours"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

// insightsPeriods are the ranges a manager can choose, in days; the first
// is the default.
var insightsPeriods = []int{30, 7, 90}

// insightsTop is how many keys each ranking shows.
const insightsTop = 10

// insightsPage is the view of "insights": what patients read and looked
// for over the last Days days (cookieless counts, see models.Insights).
type insightsPage struct {
	themes.Admin
	Days     int
	Periods  []insightsPeriod
	From, To string // "8 November 2026"
	Total    string // "1,234"
	Chart    template.HTML
	Table    []insightsDay
	// The rankings, most first. Pages link to the public page, 404s to
	// the form adding a redirect.
	Pages, Referrers, Searches, NoResults, NotFound insightsRanking
}

// insightsRanking is one ranking's table: its caption, the heading of
// its keys' column and of its counts', the text of each row's action link if rows have one
// (else a row's URL links its key), and its rows.
type insightsRanking struct {
	Caption, Head, Unit, Action string
	Rows                        []insightsRow
}

// insightsPeriod is one choice of range.
type insightsPeriod struct {
	Days    int
	URL     string
	Current bool
}

// insightsDay is one row of the table of views per day.
type insightsDay struct {
	Date  string // "Monday 7 December 2026"
	Views string
}

// insightsRow is one key of a ranking with its count; URL is where its
// link goes, if it has one.
type insightsRow struct {
	Key, N, URL string
}

// insightsDays reads ?days=: 7, 30 or 90; empty is 30. Anything else is
// 30 too, with ok false so the page says so.
func insightsDays(q string) (days int, ok bool) {
	if q == "" {
		return insightsPeriods[0], true
	}
	n, err := strconv.Atoi(q)
	for _, p := range insightsPeriods {
		if err == nil && n == p {
			return p, true
		}
	}
	return insightsPeriods[0], false
}

// showInsights shows the site's figures over the last 7, 30 or 90 days,
// today (UK date) included: views per day as a chart and a table, and the
// rankings. Editors and managers alike: it only reads, and what patients
// search for and do not find is what editors write next.
func showInsights(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		days, ok := insightsDays(c.Query("days"))
		to := d.now().In(hours.Location())
		from := to.AddDate(0, 0, 1-days)
		in, err := tenantStore(c).Insights(from, to, insightsTop)
		if err != nil {
			return err
		}
		v := insightsPage{Admin: baseView(c, d, "Insights"), Days: days,
			From: ukDate(in.From), To: ukDate(in.To), Total: chart.Thousands(in.TotalViews)}
		if !ok {
			v.Notice = "You can see the last 7, 30 or 90 days. This is the last 30 days."
		}
		for _, p := range []int{7, 30, 90} {
			v.Periods = append(v.Periods, insightsPeriod{Days: p, URL: tenants.AdminPath + "/insights?days=" + strconv.Itoa(p), Current: p == days})
		}
		bars := chart.Bars{ID: "views-chart", Title: "Page views per day, last " + strconv.Itoa(days) + " days"}
		var busiest models.DayViews
		for _, day := range in.Days {
			long := ukLongDate(day.Day)
			bars.Bars = append(bars.Bars, chart.Bar{Label: long, Tick: day.Day.Format("2 Jan"), Value: day.Views})
			v.Table = append(v.Table, insightsDay{Date: long, Views: chart.Thousands(day.Views)})
			if day.Views > busiest.Views {
				busiest = day
			}
		}
		bars.Desc = "Bar chart of page views for each day from " + v.From + " to " + v.To + ": " + v.Total + " in all"
		if busiest.Views > 0 {
			bars.Desc += ", the most on " + ukLongDate(busiest.Day) + " (" + chart.Thousands(busiest.Views) + ")"
		}
		bars.Desc += ". The table below the chart gives the figure for each day."
		v.Chart = bars.SVG()
		site := siteURL(c, d, tenants.FromCtx(c))
		v.Pages = insightsRanking{Caption: "Most read pages", Head: "Page", Unit: "Views"}
		v.Referrers = insightsRanking{Caption: "Websites that sent visitors", Head: "Website", Unit: "Visits", Rows: insightsRows(in.TopReferrers, nil)}
		v.Searches = insightsRanking{Caption: "What people searched for", Head: "Search", Unit: "Times", Rows: insightsRows(in.TopSearches, nil)}
		v.NoResults = insightsRanking{Caption: "Searches that found nothing", Head: "Search", Unit: "Times", Rows: insightsRows(in.NoResultSearches, nil)}
		v.NotFound = insightsRanking{Caption: "Addresses not found", Head: "Address", Unit: "Times", Action: "Add a redirect"}
		v.Pages.Rows = insightsRows(in.TopPages, func(k string) string {
			if strings.HasPrefix(k, "/") && !strings.HasPrefix(k, "//") {
				return site + k
			}
			return ""
		})
		v.NotFound.Rows = insightsRows(in.NotFound, func(k string) string {
			if !strings.HasPrefix(k, "/") {
				return ""
			}
			return tenants.AdminPath + "/redirects/new?from=" + url.QueryEscape(k)
		})
		return render(c, d, fiber.StatusOK, "insights", v)
	}
}

// insightsRows is a ranking as the page shows it; link, if not nil, is
// where a key links ("" for no link). The bucket of keys beyond a
// replica's cap (models.OtherKey) never links.
func insightsRows(cs []models.Count, link func(string) string) []insightsRow {
	rows := make([]insightsRow, 0, len(cs))
	for _, c := range cs {
		r := insightsRow{Key: c.Key, N: chart.Thousands(c.N)}
		if link != nil && c.Key != models.OtherKey {
			r.URL = link(c.Key)
		}
		rows = append(rows, r)
	}
	return rows
}

// ukDate writes a calendar date as "7 December 2026".
func ukDate(t time.Time) string { return t.Format("2 January 2006") }

// ukLongDate writes a calendar date as "Monday 7 December 2026".
func ukLongDate(t time.Time) string { return t.Format("Monday 2 January 2006") }
