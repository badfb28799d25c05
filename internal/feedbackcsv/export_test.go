package feedbackcsv

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

func TestMain(m *testing.M) { os.Exit(modelstest.Main(m)) }

// readCSV parses an export, checking its byte order mark and header.
func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	s, ok := strings.CutPrefix(string(b), BOM)
	if !ok {
		t.Fatalf("no byte order mark: %q", b)
	}
	records, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, s)
	}
	if len(records) == 0 || strings.Join(records[0], ",") != strings.Join(Header, ",") {
		t.Fatalf("header %v", records)
	}
	return records[1:]
}

// TestExport exports a tenant's responses: newest first, with practice and
// service names, answer labels, the text removed by the retention period
// marked as such, filters applied, a page at a time, and never another
// tenant's responses.
func TestExport(t *testing.T) {
	db := modelstest.NewDB(t)
	ctx := context.Background()
	actor := models.Actor{Name: "test"}
	alpha := db.ForTenant(ctx, modelstest.Tenant(t, db, "alpha").ID)
	beta := db.ForTenant(ctx, modelstest.Tenant(t, db, "beta").ID)
	practice, err := alpha.SavePractice(actor, 0, 0, models.Practice{Name: "Fivefields Surgery", ODSCode: "Y99001"})
	if err != nil {
		t.Fatal(err)
	}
	service, err := alpha.SaveService(actor, 0, 0, models.Service{Name: "Social prescribing", Published: true})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	old := now.AddDate(0, -14, 0)
	for _, r := range []struct {
		in   models.FeedbackInput
		when time.Time
	}{
		{models.FeedbackInput{Form: models.FormFFT, Rating: models.RatingPoor, Text: "Long wait, ages ago"}, old},
		{models.FeedbackInput{Form: models.FormFFT, Rating: models.RatingVeryGood, PracticeID: practice.ID, Text: "=HYPERLINK(\"http://evil.example\")"}, now.Add(-3 * time.Hour)},
		{models.FeedbackInput{Form: models.FormComments, ServiceID: service.ID, Text: "Thank you"}, now.Add(-2 * time.Hour)},
		{models.FeedbackInput{Form: models.FormContact, Name: "Sam Jones", ReplyTo: "sam@example.org", Text: "Please call me"}, now.Add(-time.Hour)},
	} {
		if _, err := alpha.SaveFeedback(r.in, r.when); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := beta.SaveFeedback(models.FeedbackInput{Form: models.FormFFT, Rating: models.RatingGood, Text: "beta's secret"}, now.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if n, err := db.PurgeFeedbackText(ctx, now); err != nil || n != 1 {
		t.Fatalf("purge: %d %v", n, err)
	}

	defer func(n int) { pageSize = n }(pageSize)
	pageSize = 2 // four responses: three pages read

	var b bytes.Buffer
	if err := Export(&b, alpha, models.FeedbackFilter{}, now); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, b.Bytes())
	uk := func(t time.Time) string { return t.In(londonForTest()).Format(TimeLayout) }
	want := [][]string{
		{uk(now.Add(-time.Hour)), "Contact the PCN team", "", "", "", "Please call me", "Sam Jones", "sam@example.org"},
		{uk(now.Add(-2 * time.Hour)), "Comments", "", "", "Social prescribing", "Thank you", "", ""},
		{uk(now.Add(-3 * time.Hour)), "Friends and Family Test", "Very good", "Fivefields Surgery", "", "'=HYPERLINK(\"http://evil.example\")", "", ""},
		{uk(old), "Friends and Family Test", "Poor", "", "", "(deleted after 12 months)", "", ""},
	}
	if got, w := join(rows), join(want); got != w {
		t.Errorf("export:\n%s\nwant\n%s", got, w)
	}

	b.Reset()
	if err := Export(&b, alpha, models.FeedbackFilter{PracticeID: practice.ID}, now); err != nil {
		t.Fatal(err)
	}
	if got := readCSV(t, b.Bytes()); len(got) != 1 || got[0][3] != "Fivefields Surgery" {
		t.Errorf("practice filter: %v", got)
	}
	b.Reset()
	if err := Export(&b, alpha, models.FeedbackFilter{Form: models.FormFFT, From: now.AddDate(0, -1, 0)}, now); err != nil {
		t.Fatal(err)
	}
	if got := readCSV(t, b.Bytes()); len(got) != 1 || got[0][2] != "Very good" {
		t.Errorf("form and date filter: %v", got)
	}
	b.Reset()
	if err := Export(&b, alpha, models.FeedbackFilter{}, now.Add(-90*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if got := readCSV(t, b.Bytes()); len(got) != 3 {
		t.Errorf("responses received after the export began are left out: %v", got)
	}
	b.Reset()
	if err := Export(&b, beta, models.FeedbackFilter{}, now); err != nil {
		t.Fatal(err)
	}
	if got := readCSV(t, b.Bytes()); len(got) != 1 || got[0][5] != "beta's secret" || strings.Contains(b.String(), "Sam Jones") {
		t.Errorf("beta's export: %v", got)
	}
}

func join(rows [][]string) string {
	var s []string
	for _, r := range rows {
		s = append(s, strings.Join(r, " | "))
	}
	return strings.Join(s, "\n")
}

func londonForTest() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic(err)
	}
	return loc
}
