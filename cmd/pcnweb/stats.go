package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/pcnweb/pcnweb/internal/hours"
	"github.com/pcnweb/pcnweb/models"
)

// The range of `pcnweb stats --days`.
const (
	statsDefaultDays = 30
	statsMaxDays     = 400
	statsTop         = 10
)

// statsJSON is the --json shape of `pcnweb stats`: the figures the admin
// Insights page shows, dates as YYYY-MM-DD.
type statsJSON struct {
	Tenant           string         `json:"tenant"`
	Name             string         `json:"name"`
	Days             int            `json:"days"`
	From             string         `json:"from"`
	To               string         `json:"to"`
	TotalViews       int64          `json:"total_views"`
	ViewsPerDay      []dayViewsJSON `json:"views_per_day"`
	TopPages         []countJSON    `json:"top_pages"`
	TopReferrers     []countJSON    `json:"top_referrers"`
	TopSearches      []countJSON    `json:"top_searches"`
	NoResultSearches []countJSON    `json:"no_result_searches"`
	NotFound         []countJSON    `json:"not_found"`
}

type dayViewsJSON struct {
	Day   string `json:"day"`
	Views int64  `json:"views"`
}

type countJSON struct {
	Key   string `json:"key"`
	Count int64  `json:"count"`
}

// stats runs `pcnweb stats --tenant S [--days N] [--json]`: a tenant's
// cookieless figures over the last N days (today, UK date, included), as
// text tables or JSON.
func (e *env) stats(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("stats", flag.ContinueOnError)
	var (
		slug   = fs.String("tenant", "", "tenant slug")
		days   = fs.Int("days", statsDefaultDays, "how many days, today included (1 to 400)")
		asJSON = fs.Bool("json", false, "print JSON")
	)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return usagef("stats: unexpected argument %q (usage: pcnweb stats --tenant S [--days N] [--json])", pos[0])
	case *slug == "":
		return usagef("stats: --tenant is required")
	case *days < 1 || *days > statsMaxDays:
		return usagef("stats: --days must be a whole number from 1 to %d", statsMaxDays)
	}
	p, t, store, err := e.openTenant(ctx, *slug)
	if err != nil {
		return err
	}
	defer p.close()
	to := time.Now().In(hours.Location())
	in, err := store.Insights(to.AddDate(0, 0, 1-*days), to, statsTop)
	if err != nil {
		return err
	}
	out := statsView(t, *days, in)
	if *asJSON {
		return writeJSON(e.stdout, out)
	}
	return writeStats(e.stdout, out)
}

// statsView is the figures in their JSON shape, which the text tables
// print too, so both say the same.
func statsView(t models.Tenant, days int, in models.Insights) statsJSON {
	counts := func(cs []models.Count) []countJSON {
		out := make([]countJSON, 0, len(cs))
		for _, c := range cs {
			out = append(out, countJSON{Key: c.Key, Count: c.N})
		}
		return out
	}
	v := statsJSON{Tenant: t.Slug, Name: t.Name, Days: days, From: in.From.Format(time.DateOnly), To: in.To.Format(time.DateOnly),
		TotalViews: in.TotalViews, ViewsPerDay: make([]dayViewsJSON, 0, len(in.Days)),
		TopPages: counts(in.TopPages), TopReferrers: counts(in.TopReferrers), TopSearches: counts(in.TopSearches),
		NoResultSearches: counts(in.NoResultSearches), NotFound: counts(in.NotFound)}
	for _, d := range in.Days {
		v.ViewsPerDay = append(v.ViewsPerDay, dayViewsJSON{Day: d.Day.Format(time.DateOnly), Views: d.Views})
	}
	return v
}

// writeStats prints the figures as text: a heading line, the views per
// day (dates in UK format), then each ranking.
func writeStats(w io.Writer, v statsJSON) error {
	ukDay := func(iso string) string {
		d, err := time.Parse(time.DateOnly, iso)
		if err != nil {
			return iso
		}
		return d.Format("Mon 02/01/2006")
	}
	fmt.Fprintf(w, "%s (%s): %d page views in the last %d days, %s to %s\n", v.Name, v.Tenant, v.TotalViews, v.Days, ukDay(v.From), ukDay(v.To))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\nDAY\tVIEWS")
	for _, d := range v.ViewsPerDay {
		fmt.Fprintf(tw, "%s\t%d\n", ukDay(d.Day), d.Views)
	}
	for _, r := range []struct {
		heading, column string
		rows            []countJSON
	}{
		{"Most read pages", "PAGE", v.TopPages},
		{"Websites that sent visitors", "WEBSITE", v.TopReferrers},
		{"Searches", "SEARCH", v.TopSearches},
		{"Searches that found nothing", "SEARCH", v.NoResultSearches},
		{"Addresses not found (404)", "ADDRESS", v.NotFound},
	} {
		fmt.Fprintf(tw, "\n%s\n", r.heading)
		if len(r.rows) == 0 {
			fmt.Fprintln(tw, "(none)")
			continue
		}
		fmt.Fprintf(tw, "%s\tCOUNT\n", r.column)
		for _, c := range r.rows {
			fmt.Fprintf(tw, "%s\t%d\n", printable(c.Key), c.Count)
		}
	}
	return tw.Flush()
}

// printable is a counted key (from a visitor's request) safe to print to
// a terminal: control characters, which could move the cursor or break
// the table's columns, become U+FFFD.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return unicode.ReplacementChar
		}
		return r
	}, s)
}
