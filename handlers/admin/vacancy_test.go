package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/internal/hours"
	"github.com/pcnweb/pcnweb/models"
)

func TestVacanciesLifecycle(t *testing.T) {
	s, a, _, b := servicesSignedIn(t)
	const host = "alpha.localhost"
	store := s.db.ForTenant(context.Background(), a.ID)
	public := s.browser()
	public.get(t, host, "/vacancies") // cached
	if _, err := store.SaveVacancy(testActor, 0, 0, models.Vacancy{Title: "Old job", ClosesOn: time.Date(2020, 1, 31, 0, 0, 0, 0, time.UTC), Published: true}); err != nil {
		t.Fatal(err)
	}

	closes := time.Now().In(hours.Location()).AddDate(0, 0, 14).Format("2006-01-02")
	form := b.servicesOpenForm(t, host, "/admin/vacancies/new")
	r := b.post(t, host, "/admin/vacancies/new", servicesWith(form, url.Values{"title": {"Clinical pharmacist"}, "summary": {"Join us"},
		"closes_on": {closes}, "salary": {"Band 7"}, "hours_text": {"37.5 hours a week"}, "body": {"## The role"},
		"apply_url": {"https://jobs.example/1"}, "published": {"on"}}))
	if r.status != http.StatusSeeOther || r.location() != "/admin/vacancies?done=saved" {
		t.Fatalf("add: %d %q\n%s", r.status, r.location(), r.body)
	}
	if r := public.get(t, host, "/vacancies"); !strings.Contains(r.body, "Clinical pharmacist") {
		t.Errorf("public /vacancies after adding:\n%s", r.body)
	}
	if r := public.get(t, host, "/vacancies/clinical-pharmacist"); r.status != http.StatusOK || !strings.Contains(r.body, "Band 7") || !strings.Contains(r.body, "37.5 hours a week") {
		t.Errorf("public vacancy: %d", r.status)
	}
	list := b.get(t, host, "/admin/vacancies").body
	op, cl := strings.Index(list, "<h2>Open</h2>"), strings.Index(list, "<h2>Closed</h2>")
	if op < 0 || cl < 0 || !(op < strings.Index(list, "Clinical pharmacist") && strings.Index(list, "Clinical pharmacist") < cl && cl < strings.Index(list, "Old job")) {
		t.Errorf("open and closed:\n%s", list)
	}
	all, _ := store.AllVacancies()
	v := all[len(all)-1]
	if v.ClosesOn.UTC().Format("2006-01-02") != closes || v.Salary != "Band 7" || v.ApplyURL != "https://jobs.example/1" {
		t.Fatalf("stored: %+v", v)
	}

	for _, tt := range []struct {
		fields url.Values
		field  string
		msg    string
	}{
		{url.Values{"title": {""}, "closes_on": {closes}}, "title", "Enter a title"},
		{url.Values{"title": {"X"}}, "closes_on", "Enter the closing date"},
		{url.Values{"title": {"X"}, "closes_on": {"31/2/2026"}}, "closes_on", "Enter a real date"},
		{url.Values{"title": {"X"}, "closes_on": {closes}, "apply_url": {"jobs.example"}}, "apply_url", "Enter a full web address"},
		{url.Values{"title": {"Clinical pharmacist"}, "closes_on": {closes}}, "slug", "Another vacancy already uses this web address"},
	} {
		tt.fields.Set("salary", "My unsaved words")
		r := b.post(t, host, "/admin/vacancies/new", servicesWith(form, tt.fields))
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `<a href="#`+tt.field+`">`+tt.msg) ||
			!strings.Contains(r.body, `id="`+tt.field+`-error"`) || !strings.Contains(r.body, "My unsaved words") {
			t.Errorf("%v: %d\n%s", tt.fields, r.status, r.body)
		}
	}

	edit := "/admin/vacancies/" + itoa(v.ID) + "/edit"
	if r := b.get(t, host, edit); !strings.Contains(r.body, `value="`+closes+`"`) {
		t.Errorf("edit form closing date:\n%s", r.body)
	}
	first := b.servicesOpenForm(t, host, edit)
	second := b.servicesOpenForm(t, host, edit)
	if r := b.post(t, host, edit, servicesWith(first, url.Values{"title": {"Senior clinical pharmacist"}, "slug": {"clinical-pharmacist"},
		"closes_on": {closes}, "published": {"on"}})); r.status != http.StatusSeeOther {
		t.Fatalf("edit: %d\n%s", r.status, r.body)
	}
	if r := public.get(t, host, "/vacancies/clinical-pharmacist"); !strings.Contains(r.body, "Senior clinical pharmacist") {
		t.Errorf("public vacancy after the edit:\n%s", r.body)
	}
	r = b.post(t, host, edit, servicesWith(second, url.Values{"title": {"Second person's title"}, "closes_on": {closes}}))
	if r.status != http.StatusConflict || !strings.Contains(r.body, "Someone else changed this vacancy") {
		t.Errorf("stale: %d\n%s", r.status, r.body)
	}

	del := "/admin/vacancies/" + itoa(v.ID) + "/delete"
	for _, path := range []string{"/admin/vacancies/new", edit, del} {
		if r := b.post(t, host, path, url.Values{"title": {"Forged"}}); r.status != http.StatusForbidden {
			t.Errorf("POST %s without a token: %d", path, r.status)
		}
	}
	confirm := b.get(t, host, del)
	if r := b.post(t, host, del, url.Values{"_csrf": {csrf(t, confirm.body)}}); r.status != http.StatusSeeOther || r.location() != "/admin/vacancies?done=deleted" {
		t.Fatalf("delete: %d %q", r.status, r.location())
	}
	if r := public.get(t, host, "/vacancies/clinical-pharmacist"); r.status != http.StatusNotFound {
		t.Errorf("deleted vacancy on the public site: %d", r.status)
	}
	want := "vacancy.delete vacancy.save vacancy.save"
	if got := strings.Join(servicesAudit(t, s, a, "vacancy."), " "); got != want {
		t.Errorf("audit %s, want %s", got, want)
	}
}
