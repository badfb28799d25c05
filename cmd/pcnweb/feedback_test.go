package main

import (
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/internal/feedbackcsv"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

// TestFeedbackExport prints a tenant's responses as the admin's CSV, from
// --since on, and refuses bad input with a one-line message and exit 2.
func TestFeedbackExport(t *testing.T) {
	dbURL := modelstest.NewURL(t)
	env := map[string]string{"DATABASE_URL": dbURL, "LOG_LEVEL": "warn"}
	mustCLI(t, env, "", "tenant", "create", "--slug", "alpha", "--name", "Alpha PCN")
	mustCLI(t, env, "", "tenant", "create", "--slug", "beta", "--name", "Beta PCN")
	db := modelstest.Open(t, dbURL)
	ctx := context.Background()
	store := func(slug string) *models.TenantDB {
		tn, err := db.TenantBySlug(ctx, slug)
		if err != nil {
			t.Fatal(err)
		}
		return db.ForTenant(ctx, tn.ID)
	}
	alpha, beta := store("alpha"), store("beta")
	practice, err := alpha.SavePractice(models.Actor{Name: "test"}, 0, 0, models.Practice{Name: "Fivefields Surgery", ODSCode: "Y99001"})
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("Europe/London")
	march := time.Date(2026, 3, 2, 9, 30, 0, 0, loc)
	may := time.Date(2026, 5, 20, 14, 0, 0, 0, loc)
	for _, r := range []struct {
		store *models.TenantDB
		in    models.FeedbackInput
		when  time.Time
	}{
		{alpha, models.FeedbackInput{Form: models.FormFFT, Rating: models.RatingNeither, Text: "-1 for parking"}, march},
		{alpha, models.FeedbackInput{Form: models.FormFFT, Rating: models.RatingVeryGood, PracticeID: practice.ID, Text: "Seen on time"}, may},
		{beta, models.FeedbackInput{Form: models.FormFFT, Rating: models.RatingGood, Text: "beta's words"}, may},
	} {
		if _, err := r.store.SaveFeedback(r.in, r.when); err != nil {
			t.Fatal(err)
		}
	}

	read := func(out string) [][]string {
		t.Helper()
		body, ok := strings.CutPrefix(out, feedbackcsv.BOM)
		if !ok {
			t.Fatalf("no byte order mark: %q", out)
		}
		records, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil || len(records) == 0 || strings.Join(records[0], ",") != strings.Join(feedbackcsv.Header, ",") {
			t.Fatalf("not the feedback CSV: %v\n%s", err, out)
		}
		return records[1:]
	}
	rows := read(mustCLI(t, env, "", "feedback", "export", "--tenant", "alpha"))
	want := [][]string{
		{"20/05/2026 14:00", "Friends and Family Test", "Very good", "Fivefields Surgery", "", "Seen on time", "", ""},
		{"02/03/2026 09:30", "Friends and Family Test", "Neither good nor poor", "", "", "'-1 for parking", "", ""},
	}
	if got := strings.Join(flatten(rows), "|"); got != strings.Join(flatten(want), "|") {
		t.Errorf("export:\n%q\nwant\n%q", rows, want)
	}
	// --since is the start of that UK day; a day after everything is the
	// header alone.
	if rows := read(mustCLI(t, env, "", "feedback", "export", "--tenant", "alpha", "--since", "2026-05-20")); len(rows) != 1 || rows[0][5] != "Seen on time" {
		t.Errorf("--since 2026-05-20: %q", rows)
	}
	if rows := read(mustCLI(t, env, "", "feedback", "export", "--since", "2026-05-21", "--tenant", "alpha")); len(rows) != 0 {
		t.Errorf("--since after every response: %q", rows)
	}
	if out := mustCLI(t, env, "", "feedback", "export", "--tenant", "beta"); strings.Contains(out, "Seen on time") || !strings.Contains(out, "beta's words") {
		t.Errorf("beta's export:\n%s", out)
	}

	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"no subcommand", []string{"feedback"}, "usage: pcnweb feedback export --tenant S"},
		{"unknown subcommand", []string{"feedback", "import"}, "usage: pcnweb feedback export --tenant S"},
		{"no tenant", []string{"feedback", "export"}, "--tenant is required"},
		{"unknown tenant", []string{"feedback", "export", "--tenant", "nobody"}, "tenant nobody does not exist"},
		{"bad date", []string{"feedback", "export", "--tenant", "alpha", "--since", "20/05/2026"}, `--since "20/05/2026" is not a date in the form YYYY-MM-DD`},
		{"no such day", []string{"feedback", "export", "--tenant", "alpha", "--since", "2026-02-30"}, `--since "2026-02-30" is not a date`},
		{"stray argument", []string{"feedback", "export", "--tenant", "alpha", "extra"}, `unexpected argument "extra"`},
		{"unknown flag", []string{"feedback", "export", "--tenant", "alpha", "--until", "2026-01-01"}, "flag provided but not defined: -until"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, err := cli(t, env, "", tt.args...)
			if err == nil {
				t.Fatalf("succeeded, want an error; printed %q", out)
			}
			if !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q: want one line mentioning %q", err, tt.want)
			}
			if exitCode(err) != 2 {
				t.Errorf("exit code %d, want 2", exitCode(err))
			}
			if out != "" {
				t.Errorf("printed %q on an error", out)
			}
		})
	}
}

func flatten(rows [][]string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, strings.Join(r, ","))
	}
	return out
}
