package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/internal/hours"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

func TestStats(t *testing.T) {
	dbURL := modelstest.NewURL(t)
	env := map[string]string{"DATABASE_URL": dbURL, "LOG_LEVEL": "warn"}
	mustCLI(t, env, "", "tenant", "create", "--slug", "alpha", "--name", "Alpha PCN")
	mustCLI(t, env, "", "tenant", "create", "--slug", "beta", "--name", "Beta PCN")
	db := modelstest.Open(t, dbURL)
	ctx := context.Background()
	alpha, _ := db.TenantBySlug(ctx, "alpha")
	beta, _ := db.TenantBySlug(ctx, "beta")
	today := time.Now().In(hours.Location())
	ago := func(n int) time.Time { return today.AddDate(0, 0, -n) }
	err := db.AddCounts(ctx, []models.DailyCount{
		{TenantID: alpha.ID, Day: ago(0), Kind: models.KindView, Key: "/about", N: 5},
		{TenantID: alpha.ID, Day: ago(1), Kind: models.KindView, Key: "/", N: 3},
		{TenantID: alpha.ID, Day: ago(20), Kind: models.KindView, Key: "/contact", N: 4},
		{TenantID: alpha.ID, Day: ago(0), Kind: models.KindReferrer, Key: "www.google.com", N: 2},
		{TenantID: alpha.ID, Day: ago(0), Kind: models.KindSearch, Key: "flu jab", N: 3},
		{TenantID: alpha.ID, Day: ago(0), Kind: models.KindSearchNone, Key: "parking", N: 1},
		{TenantID: alpha.ID, Day: ago(0), Kind: models.KindNotFound, Key: "/old\x1b[2Jpage", N: 6},
		{TenantID: beta.ID, Day: ago(0), Kind: models.KindView, Key: "/beta-only", N: 50},
	})
	if err != nil {
		t.Fatal(err)
	}

	var js statsJSON
	if err := json.Unmarshal([]byte(mustCLI(t, env, "", "stats", "--tenant", "alpha", "--json")), &js); err != nil {
		t.Fatal(err)
	}
	if js.Tenant != "alpha" || js.Name != "Alpha PCN" || js.Days != 30 || js.TotalViews != 12 || len(js.ViewsPerDay) != 30 ||
		js.To != today.Format(time.DateOnly) || js.From != ago(29).Format(time.DateOnly) {
		t.Errorf("JSON %+v", js)
	}
	if last := js.ViewsPerDay[29]; last.Day != js.To || last.Views != 5 {
		t.Errorf("today in JSON: %+v", last)
	}
	want := map[string][]countJSON{
		"top_pages":     {{"/about", 5}, {"/contact", 4}, {"/", 3}},
		"top_referrers": {{"www.google.com", 2}},
		"top_searches":  {{"flu jab", 3}},
		"no_results":    {{"parking", 1}},
		"not_found":     {{"/old\x1b[2Jpage", 6}},
	}
	got := map[string][]countJSON{"top_pages": js.TopPages, "top_referrers": js.TopReferrers, "top_searches": js.TopSearches, "no_results": js.NoResultSearches, "not_found": js.NotFound}
	for k, w := range want {
		if fmt.Sprint(got[k]) != fmt.Sprint(w) {
			t.Errorf("%s: %v, want %v", k, got[k], w)
		}
	}

	// The text says the same: every figure of the JSON, dates in UK format.
	text := mustCLI(t, env, "", "stats", "--tenant", "alpha")
	if !strings.HasPrefix(text, fmt.Sprintf("Alpha PCN (alpha): 12 page views in the last 30 days, %s to %s\n", ago(29).Format("Mon 02/01/2006"), today.Format("Mon 02/01/2006"))) {
		t.Errorf("heading:\n%s", text)
	}
	lines := map[string]bool{}
	for _, l := range strings.Split(text, "\n") {
		lines[strings.Join(strings.Fields(l), " ")] = true
	}
	for _, d := range js.ViewsPerDay {
		day, _ := time.Parse(time.DateOnly, d.Day)
		if l := fmt.Sprintf("%s %d", day.Format("Mon 02/01/2006"), d.Views); !lines[l] {
			t.Errorf("text lacks the line %q", l)
		}
	}
	for _, l := range []string{"/about 5", "/contact 4", "/ 3", "www.google.com 2", "flu jab 3", "parking 1", "/old\uFFFD[2Jpage 6"} {
		if !lines[l] {
			t.Errorf("text lacks the line %q:\n%s", l, text)
		}
	}
	if strings.Contains(text, "\x1b") || strings.Contains(text, "beta-only") {
		t.Errorf("text has a terminal escape or beta's figures:\n%q", text)
	}

	// --days: a week leaves out the day 20 days ago; a tenant with nothing
	// counted says so in each ranking.
	if err := json.Unmarshal([]byte(mustCLI(t, env, "", "stats", "--tenant", "alpha", "--days", "7", "--json")), &js); err != nil {
		t.Fatal(err)
	}
	if js.TotalViews != 8 || len(js.ViewsPerDay) != 7 || len(js.TopPages) != 2 {
		t.Errorf("7 days: %+v", js)
	}
	if err := json.Unmarshal([]byte(mustCLI(t, env, "", "stats", "--tenant", "alpha", "--days", "400", "--json")), &js); err != nil || len(js.ViewsPerDay) != 400 {
		t.Errorf("400 days: %d days, %v", len(js.ViewsPerDay), err)
	}
	mustCLI(t, env, "", "tenant", "create", "--slug", "gamma", "--name", "Gamma PCN")
	empty := mustCLI(t, env, "", "stats", "--tenant", "gamma", "--days", "1")
	if !strings.HasPrefix(empty, "Gamma PCN (gamma): 0 page views in the last 1 days") || strings.Count(empty, "(none)") != 5 {
		t.Errorf("empty tenant:\n%s", empty)
	}
	if out := mustCLI(t, env, "", "stats", "--tenant", "gamma", "--json"); !strings.Contains(out, `"top_pages": []`) {
		t.Errorf("empty rankings are not [] in JSON:\n%s", out)
	}

	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"no tenant", []string{}, "--tenant is required"},
		{"unknown tenant", []string{"--tenant", "nobody"}, "tenant nobody does not exist"},
		{"zero days", []string{"--tenant", "alpha", "--days", "0"}, "--days must be a whole number from 1 to 400"},
		{"too many days", []string{"--tenant", "alpha", "--days", "401"}, "--days must be a whole number from 1 to 400"},
		{"negative days", []string{"--tenant", "alpha", "--days", "-3"}, "--days must be a whole number from 1 to 400"},
		{"days not a number", []string{"--tenant", "alpha", "--days", "week"}, "invalid value"},
		{"stray argument", []string{"--tenant", "alpha", "extra"}, "unexpected argument"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := cli(t, env, "", append([]string{"stats"}, tt.args...)...)
			if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %v: want one line mentioning %q", err, tt.want)
			}
			if exitCode(err) != 2 {
				t.Errorf("exit code %d, want 2", exitCode(err))
			}
		})
	}
}
