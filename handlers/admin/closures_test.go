package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/internal/hours"
	"github.com/pcnweb/pcnweb/models"
)

// TestOneClosureForSeveralPractices: the new-closure form offers the
// network's practices (this one ticked) and "all practices"; a closure
// saved for several is written for each in one change (one generation
// bump, an audit row per practice), shown on each practice's page; a clash
// with one practice's own closure refuses the whole change, naming it.
func TestOneClosureForSeveralPractices(t *testing.T) {
	s := newServer(t, options{})
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "jane@example.nhs.uk", models.RoleEditor)
	const host = "alpha.localhost"
	ctx := context.Background()
	store := s.db.ForTenant(ctx, tn.ID)
	var ps []models.Practice
	for i, name := range []string{"Riverside Surgery", "Hill Surgery", "Fivefields Surgery"} {
		p, err := store.SavePractice(testActor, 0, 0, models.Practice{ODSCode: "K8100" + strconv.Itoa(i+1), Name: name})
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	b := s.browser()
	b.signIn(t, host, "jane@example.nhs.uk")
	public := s.browser()
	excURL := func(p models.Practice) string {
		return "/admin/practices/" + strconv.FormatInt(p.ID, 10) + "/exceptions"
	}
	id := func(p models.Practice) string { return strconv.FormatInt(p.ID, 10) }

	r := b.get(t, host, excURL(ps[0])+"/new")
	for _, want := range []string{
		`name="practices_shown" value="1"`, "Practices this applies to", "All practices (3)",
		`id="practices-` + id(ps[0]) + `" name="practices" type="checkbox" value="` + id(ps[0]) + `" checked>`,
		`id="practices-` + id(ps[1]) + `" name="practices" type="checkbox" value="` + id(ps[1]) + `">`,
		`id="starts_on" name="starts_on" type="date"`, `id="ends_on" name="ends_on" type="date"`,
		`id="exception-1-open" name="exception-1-open" type="time"`, "for example 08:00 or 18:30",
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("new closure form lacks %q", want)
		}
	}
	tok := csrf(t, r.body)
	day := time.Now().In(hours.Location()).AddDate(0, 0, 10)
	iso := day.Format("2006-01-02")
	training := url.Values{"_csrf": {tok}, "practices_shown": {"1"}, "starts_on": {iso}, "kind": {"open"},
		"exception-1-open": {"08:00"}, "exception-1-close": {"13:00"}, "reason": {"Staff training"}}
	with := func(extra url.Values) url.Values {
		out := url.Values{}
		for k, v := range training {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}

	// Nothing ticked: asked to choose, nothing written.
	gen, audits := tenantState(t, s, "alpha")
	r = b.post(t, host, excURL(ps[0])+"/new", training)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Choose the practices this applies to, or all practices") || !strings.Contains(r.body, `href="#practices"`) {
		t.Fatalf("no practice ticked: %d\n%s", r.status, r.body)
	}

	// Two practices: one change.
	r = b.post(t, host, excURL(ps[0])+"/new", with(url.Values{"practices": {id(ps[0]), id(ps[1])}}))
	if r.status != http.StatusSeeOther || r.location() != excURL(ps[0])+"?done=several&n=2" {
		t.Fatalf("closure for two practices: %d %q\n%s", r.status, r.location(), r.body)
	}
	if l := b.get(t, host, r.location()); !strings.Contains(l.body, "saved for 2 practices") {
		t.Errorf("the list does not say it was saved for 2 practices:\n%s", l.body)
	}
	gen2, audits2 := tenantState(t, s, "alpha")
	if gen2 != gen+1 || audits2 != audits+2 {
		t.Errorf("generation %d → %d, audit rows %d → %d: want one bump and a row per practice", gen, gen2, audits, audits2)
	}
	for i, p := range ps {
		es, _ := store.ExceptionsOf(p.ID)
		want := i < 2
		if (len(es) == 1) != want || want && (es[0].Reason != "Staff training" || es[0].StartsOn.Format("2006-01-02") != iso) {
			t.Errorf("%s has %+v", p.Name, es)
		}
		if want {
			if pg := public.get(t, host, "/practices/"+p.ODSCode); !strings.Contains(pg.body, "Staff training") {
				t.Errorf("the public page of %s lacks the closure", p.Name)
			}
		}
	}

	// All practices, from the third practice's form: Riverside and Hill
	// already have a closure that day, so nothing is written, and the
	// message names the practice.
	gen, audits = tenantState(t, s, "alpha")
	r = b.post(t, host, excURL(ps[2])+"/new", with(url.Values{"all_practices": {"on"}}))
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "overlap another change to the hours of Riverside Surgery") {
		t.Fatalf("all practices, clashing: %d\n%s", r.status, r.body)
	}
	if !strings.Contains(r.body, `id="practices" name="all_practices" type="checkbox" value="on" checked>`) {
		t.Error("the form again does not keep 'all practices' ticked")
	}
	if g, a := tenantState(t, s, "alpha"); g != gen || a != audits {
		t.Errorf("a refused change wrote something: generation %d → %d, audit rows %d → %d", gen, g, audits, a)
	}
	// Another day, typed the UK way (a browser without date inputs): all.
	other := day.AddDate(0, 0, 1)
	r = b.post(t, host, excURL(ps[2])+"/new", with(url.Values{"all_practices": {"on"}, "starts_on": {other.Format("2/1/2006")}, "kind": {"closed"}}))
	if r.status != http.StatusSeeOther || r.location() != excURL(ps[2])+"?done=several&n=3" {
		t.Fatalf("closure for all practices: %d %q\n%s", r.status, r.location(), r.body)
	}
	for _, p := range ps {
		es, _ := store.ExceptionsOf(p.ID)
		if len(es) == 0 || !es[len(es)-1].Closed || es[len(es)-1].StartsOn.Format("2006-01-02") != other.Format("2006-01-02") {
			t.Errorf("%s after 'all practices': %+v", p.Name, es)
		}
	}
	// Another tenant's practice among the ticked ones: nothing written.
	beta := s.tenant(t, "beta")
	bp, err := s.db.ForTenant(ctx, beta.ID).SavePractice(testActor, 0, 0, models.Practice{ODSCode: "K89999", Name: "Beta Surgery"})
	if err != nil {
		t.Fatal(err)
	}
	gen, audits = tenantState(t, s, "alpha")
	r = b.post(t, host, excURL(ps[0])+"/new", with(url.Values{"practices": {id(ps[0]), strconv.FormatInt(bp.ID, 10)}, "starts_on": {day.AddDate(0, 0, 5).Format("2006-01-02")}}))
	if r.status != http.StatusNotFound {
		t.Errorf("with another tenant's practice: %d, want 404", r.status)
	}
	if g, a := tenantState(t, s, "alpha"); g != gen || a != audits {
		t.Errorf("a refused change wrote something: generation %d → %d, audit rows %d → %d", gen, g, audits, a)
	}
	if es, _ := s.db.ForTenant(ctx, beta.ID).ExceptionsOf(bp.ID); len(es) != 0 {
		t.Error("another tenant's practice got the closure")
	}

	// The edit form of one closure: that practice only, the date and times
	// in the native inputs' form.
	es, _ := store.ExceptionsOf(ps[0].ID)
	r = b.get(t, host, excURL(ps[0])+"/"+strconv.FormatInt(es[0].ID, 10)+"/edit")
	if strings.Contains(r.body, "Practices this applies to") || !strings.Contains(r.body, `type="date" value="`+iso+`"`) ||
		!strings.Contains(r.body, `type="time" value="08:00"`) || !strings.Contains(r.body, `type="time" value="13:00"`) {
		t.Errorf("edit form of one closure:\n%s", r.body)
	}
}

// TestTimesShowInNativeInputs: stored times appear as a time input shows
// them (08:00), a closing time at midnight as 00:00, which saves back as
// the end of the day; every time field of the panel is a time input.
func TestTimesShowInNativeInputs(t *testing.T) {
	s := newServer(t, options{})
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "jane@example.nhs.uk", models.RoleManager)
	const host = "alpha.localhost"
	store := s.db.ForTenant(context.Background(), tn.ID)
	p, err := store.SavePractice(testActor, 0, 0, models.Practice{ODSCode: "K81001", Name: "Riverside"})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.SetPracticeHours(testActor, p.ID, p.Version, models.WeeklyHours{"monday": {{Open: "08:00", Close: "24:00"}}}); err != nil {
		t.Fatal(err)
	}
	b := s.browser()
	b.signIn(t, host, "jane@example.nhs.uk")
	hoursPath := "/admin/practices/" + strconv.FormatInt(p.ID, 10) + "/hours"
	r := b.get(t, host, hoursPath)
	for _, want := range []string{
		`id="monday-1-open" name="monday-1-open" type="time" value="08:00"`,
		`id="monday-1-close" name="monday-1-close" type="time" value="00:00"`,
		"for example 08:00 or 18:30; a closing time of 00:00 is midnight",
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("hours form lacks %q", want)
		}
	}
	if strings.Contains(r.body, `type="text" value="`) && strings.Contains(r.body, "-open") {
		for _, l := range strings.Split(r.body, "\n") {
			if strings.Contains(l, "-open\"") && strings.Contains(l, `type="text"`) {
				t.Errorf("a time field is not a time input: %s", strings.TrimSpace(l))
			}
		}
	}
	// Saved back as shown: 00:00 closing is the end of the day.
	form := url.Values{"_csrf": {csrf(t, r.body)}, "version": {practiceVersionRE.FindStringSubmatch(r.body)[1]},
		"monday-1-open": {"08:00"}, "monday-1-close": {"00:00"}}
	for _, day := range []string{"tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"} {
		form.Set(day+"-closed", "on")
	}
	if r := b.post(t, host, hoursPath, form); r.status != http.StatusSeeOther {
		t.Fatalf("save hours: %d\n%s", r.status, r.body)
	}
	p, _ = store.PracticeByID(p.ID)
	if got := hours.FormatSpans(p.Week()[time.Monday]); got != "8am to midnight" {
		t.Errorf("Monday saved as %q, want 8am to midnight", got)
	}
	for _, path := range []string{"/admin/sessions/new", "/admin/events/new", "/admin/news/new", "/admin/pages/schedule?path=%2fabout"} {
		r := b.get(t, host, path)
		if r.status != http.StatusOK {
			continue // /pages/schedule needs a page
		}
		if strings.Contains(r.body, `type="text"`) {
			for _, l := range strings.Split(r.body, "\n") {
				if strings.Contains(l, `type="text"`) && (strings.Contains(l, "time") || strings.Contains(l, "_at\"") || strings.Contains(l, "date")) {
					t.Errorf("%s: a date or time field is a text input: %s", path, strings.TrimSpace(l))
				}
			}
		}
	}
	if r := b.get(t, host, "/admin/sessions/new"); !strings.Contains(r.body, `id="starts_at" name="starts_at" type="time"`) || !strings.Contains(r.body, "for example 18:30") {
		t.Errorf("session form:\n%s", r.body)
	}
}
