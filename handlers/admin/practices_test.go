package admin_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/internal/hours"
	"github.com/pcnweb/pcnweb/models"
)

var (
	practiceVersionRE = regexp.MustCompile(`name="version" value="(\d+)"`)
	practiceIDRE      = regexp.MustCompile(`href="/admin/practices/(\d+)/edit"`)
	practiceExcIDRE   = regexp.MustCompile(`href="/admin/practices/\d+/exceptions/(\d+)/edit"`)
)

// practiceForm opens a form page and returns its CSRF token and, when the
// form has one, its version, ready to post.
func (b *browser) practiceForm(t *testing.T, host, path string) url.Values {
	t.Helper()
	r := b.get(t, host, path)
	if r.status != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", path, r.status, r.body)
	}
	v := url.Values{"_csrf": {csrf(t, r.body)}}
	if m := practiceVersionRE.FindStringSubmatch(r.body); m != nil {
		v.Set("version", m[1])
	}
	return v
}

// practiceWith adds fields to a form.
func practiceWith(base url.Values, fields url.Values) url.Values {
	out := url.Values{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range fields {
		out[k] = v
	}
	return out
}

// practiceWeek is the hours form of a usual week: Monday to Friday 8am to
// 6:30pm with a lunchtime closure on Wednesday, closed at the weekend.
func practiceWeek() url.Values {
	v := url.Values{}
	for _, d := range []string{"monday", "tuesday", "thursday", "friday"} {
		v.Set(d+"-1-open", "8am")
		v.Set(d+"-1-close", "6.30pm")
	}
	v.Set("wednesday-1-open", "08:00")
	v.Set("wednesday-1-close", "12:30")
	v.Set("wednesday-2-open", "1:30pm")
	v.Set("wednesday-2-close", "18:30")
	v.Set("saturday-closed", "on")
	v.Set("sunday-closed", "on")
	return v
}

// practiceSeed stores a practice directly, with a week of hours.
func practiceSeed(t *testing.T, store *models.TenantDB, ods, name string) models.Practice {
	t.Helper()
	p, err := store.SavePractice(testActor, 0, 0, models.Practice{ODSCode: ods, Name: name, Phone: "01632 960 001", ClosedOnBankHolidays: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.SetPracticeHours(testActor, p.ID, p.Version, models.WeeklyHours{"monday": {{Open: "08:00", Close: "18:30"}}}); err != nil {
		t.Fatal(err)
	}
	p, err = store.PracticeByID(p.ID)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPracticeLifecycleReachesPublicSite(t *testing.T) {
	s := newServer(t, options{})
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "sam@example.nhs.uk", models.RoleManager)
	const host = "alpha.localhost"
	store := s.db.ForTenant(context.Background(), tn.ID)
	public := s.browser()
	public.get(t, host, "/practices") // cached
	b := s.browser()
	b.signIn(t, host, "sam@example.nhs.uk")

	// Add: then straight to its opening hours.
	form := b.practiceForm(t, host, "/admin/practices/new")
	r := b.post(t, host, "/admin/practices/new", practiceWith(form, url.Values{
		"name": {"Riverside Surgery"}, "ods_code": {"k81001"}, "address": {"1 High Street\r\nReading"}, "postcode": {"rg1 1aa"},
		"phone": {"0118 496 0000"}, "appointments_url": {"https://book.example.org/riverside"}, "closed_on_bank_holidays": {"on"},
		"accessibility_notes": {"Step-free access"},
	}))
	if r.status != http.StatusSeeOther || !strings.HasSuffix(r.location(), "/hours?done=created") {
		t.Fatalf("add: %d %q\n%s", r.status, r.location(), r.body)
	}
	hoursPath := strings.TrimSuffix(r.location(), "?done=created")
	base := strings.TrimSuffix(hoursPath, "/hours")
	list := b.get(t, host, "/admin/practices")
	if !strings.Contains(list.body, "Riverside Surgery") || !strings.Contains(list.body, "K81001") || !strings.Contains(list.body, "Opening hours: <strong>missing</strong>") {
		t.Errorf("list after adding:\n%s", list.body)
	}
	if r := public.get(t, host, "/practices/K81001"); r.status != http.StatusOK || !strings.Contains(r.body, "0118 496 0000") || !strings.Contains(r.body, "RG1 1AA") {
		t.Errorf("public practice page after adding: %d", r.status)
	}

	// Copy Monday to every weekday: shown again, not saved.
	form = b.practiceForm(t, host, hoursPath)
	r = b.post(t, host, hoursPath, practiceWith(form, url.Values{"monday-1-open": {"8am"}, "monday-1-close": {"6.30pm"}, "copy": {"monday"}}))
	if r.status != http.StatusOK || strings.Count(r.body, `value="6.30pm"`) != 5 || !strings.Contains(r.body, "copied to Tuesday") {
		t.Errorf("copy Monday: %d\n%s", r.status, r.body)
	}
	// Save the week.
	r = b.post(t, host, hoursPath, practiceWith(form, practiceWeek()))
	if r.status != http.StatusSeeOther || r.location() != hoursPath+"?done=saved" {
		t.Fatalf("save hours: %d %q\n%s", r.status, r.location(), r.body)
	}
	p, _ := store.PracticeByODS("K81001")
	w := p.Week()
	if got := hours.FormatSpans(w[time.Wednesday]); got != "8am to 12:30pm, 1:30pm to 6:30pm" {
		t.Errorf("Wednesday stored as %q", got)
	}
	if got := hours.FormatSpans(w[time.Monday]); got != "8am to 6:30pm" || len(w[time.Saturday]) != 0 {
		t.Errorf("Monday %q, Saturday %v", got, w[time.Saturday])
	}
	if r := public.get(t, host, "/practices/K81001"); !strings.Contains(r.body, "8am to 6:30pm") || !strings.Contains(r.body, "1:30pm to 6:30pm") {
		t.Errorf("public page lacks the new hours:\n%s", r.body)
	}
	// The form shows them back, Saturday ticked closed.
	if r := b.get(t, host, hoursPath); !strings.Contains(r.body, `id="saturday-closed" name="saturday-closed" type="checkbox" value="on" checked`) ||
		!strings.Contains(r.body, `id="wednesday-2-open" name="wednesday-2-open" type="time" value="13:30"`) {
		t.Errorf("hours form after saving:\n%s", r.body)
	}
	if list := b.get(t, host, "/admin/practices"); !strings.Contains(list.body, "Opening hours: set") {
		t.Error("list still says hours missing")
	}

	// Edit the details; the hours stay.
	form = b.practiceForm(t, host, base+"/edit")
	r = b.post(t, host, base+"/edit", practiceWith(form, url.Values{"name": {"Riverside Medical Centre"}, "ods_code": {"K81001"}, "phone": {"0118 496 0999"}}))
	if r.status != http.StatusSeeOther || r.location() != "/admin/practices?done=saved" {
		t.Fatalf("edit: %d %q\n%s", r.status, r.location(), r.body)
	}
	p, _ = store.PracticeByODS("K81001")
	if p.Name != "Riverside Medical Centre" || p.ClosedOnBankHolidays || p.Hours == "" || p.AccessibilityNotes != "" {
		t.Errorf("after edit: %+v", p)
	}
	if r := public.get(t, host, "/practices/K81001"); !strings.Contains(r.body, "Riverside Medical Centre") {
		t.Error("public page lacks the new name")
	}

	// A closure: listed as coming up, on the public page; edited; deleted.
	excPath := base + "/exceptions"
	next := time.Now().In(hours.Location()).AddDate(0, 0, 7)
	form = b.practiceForm(t, host, excPath+"/new")
	r = b.post(t, host, excPath+"/new", practiceWith(form, url.Values{"starts_on": {next.Format("2/1/2006")}, "kind": {"closed"}, "reason": {"Staff training"}}))
	if r.status != http.StatusSeeOther || r.location() != excPath+"?done=saved" {
		t.Fatalf("add exception: %d %q\n%s", r.status, r.location(), r.body)
	}
	exc := b.get(t, host, excPath)
	if !strings.Contains(exc.body, hours.DateOf(next).Long()) || !strings.Contains(exc.body, "Staff training") || !strings.Contains(exc.body, "There are no past closures") {
		t.Errorf("exceptions list:\n%s", exc.body)
	}
	if r := public.get(t, host, "/practices/K81001"); !strings.Contains(r.body, "Staff training") {
		t.Error("public page lacks the closure")
	}
	m := practiceExcIDRE.FindStringSubmatch(exc.body)
	if m == nil {
		t.Fatalf("no edit link:\n%s", exc.body)
	}
	editExc := excPath + "/" + m[1] + "/edit"
	form = b.practiceForm(t, host, editExc)
	r = b.post(t, host, editExc, practiceWith(form, url.Values{"starts_on": {next.Format("2006-01-02")}, "ends_on": {next.AddDate(0, 0, 1).Format("2 January 2006")},
		"kind": {"open"}, "exception-1-open": {"10am"}, "exception-1-close": {"4pm"}, "reason": {"Half day"}}))
	if r.status != http.StatusSeeOther {
		t.Fatalf("edit exception: %d\n%s", r.status, r.body)
	}
	if exc := b.get(t, host, excPath); !strings.Contains(exc.body, "Open 10am to 4pm") || !strings.Contains(exc.body, " to "+hours.DateOf(next.AddDate(0, 0, 1)).Long()) {
		t.Errorf("exceptions after edit:\n%s", exc.body)
	}
	// A past closure is allowed, with a word that it is in the past.
	r = b.post(t, host, excPath+"/new", practiceWith(form, url.Values{"starts_on": {"1/3/2020"}, "kind": {"closed"}}))
	if r.location() != excPath+"?done=past" {
		t.Errorf("past exception: %d %q", r.status, r.location())
	}
	if exc := b.get(t, host, r.location()); !strings.Contains(exc.body, "Its dates are in the past") || !strings.Contains(exc.body, "Sunday 1 March 2020") {
		t.Errorf("past exception listed:\n%s", exc.body)
	}
	confirm := b.get(t, host, excPath+"/"+m[1]+"/delete")
	if confirm.status != http.StatusOK || !strings.Contains(confirm.body, "Are you sure") {
		t.Fatalf("delete exception confirmation: %d", confirm.status)
	}
	r = b.post(t, host, excPath+"/"+m[1]+"/delete", url.Values{"_csrf": {csrf(t, confirm.body)}})
	if r.status != http.StatusSeeOther || r.location() != excPath+"?done=deleted" {
		t.Fatalf("delete exception: %d %q", r.status, r.location())
	}
	if es, _ := store.ExceptionsOf(p.ID); len(es) != 1 {
		t.Errorf("exceptions after delete: %+v", es)
	}

	// Order: a second practice, moved above the first.
	second := practiceSeed(t, store, "K81002", "Hill Surgery")
	tok := b.practiceForm(t, host, "/admin/practices").Get("_csrf")
	r = b.post(t, host, "/admin/practices/"+itoa(second.ID)+"/move", url.Values{"_csrf": {tok}, "direction": {"up"}})
	if r.status != http.StatusSeeOther || r.location() != "/admin/practices?done=moved" {
		t.Fatalf("move: %d %q", r.status, r.location())
	}
	list = b.get(t, host, "/admin/practices")
	if ids := practiceIDRE.FindAllStringSubmatch(list.body, -1); len(ids) != 2 || ids[0][1] != itoa(second.ID) {
		t.Errorf("order after move: %v", ids)
	}
	if r := public.get(t, host, "/practices"); strings.Index(r.body, "Hill Surgery") > strings.Index(r.body, "Riverside Medical Centre") {
		t.Error("public list not in the new order")
	}

	// Delete, after a confirmation that says the closures go too.
	confirm = b.get(t, host, base+"/delete")
	if confirm.status != http.StatusOK || !strings.Contains(confirm.body, "Are you sure you want to delete Riverside Medical Centre?") ||
		!strings.Contains(confirm.body, "1 closure or change") {
		t.Fatalf("delete confirmation: %d\n%s", confirm.status, confirm.body)
	}
	r = b.post(t, host, base+"/delete", url.Values{"_csrf": {csrf(t, confirm.body)}})
	if r.status != http.StatusSeeOther || r.location() != "/admin/practices?done=deleted" {
		t.Fatalf("delete: %d %q", r.status, r.location())
	}
	if r := public.get(t, host, "/practices/K81001"); r.status != http.StatusNotFound {
		t.Errorf("deleted practice on the public site: %d", r.status)
	}

	var got []string
	for _, a := range auditActions(t, s, tn) {
		if strings.HasPrefix(a, "practice.") {
			got = append(got, a)
		}
	}
	want := "practice.delete practice.move practice.exception-delete practice.exception-create practice.exception-update practice.exception-create practice.update practice.hours practice.create"
	if strings.Join(got, " ") != want {
		t.Errorf("audit log:\n%s\nwant\n%s", strings.Join(got, " "), want)
	}
}

// The message is next to the exact field, the error summary links to it,
// and what the user typed is kept.
func TestPracticeValidationNextToTheField(t *testing.T) {
	s := newServer(t, options{})
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "sam@example.nhs.uk", models.RoleManager)
	const host = "alpha.localhost"
	store := s.db.ForTenant(context.Background(), tn.ID)
	p := practiceSeed(t, store, "K81001", "Riverside")
	practiceSeed(t, store, "K81002", "Hill")
	b := s.browser()
	b.signIn(t, host, "sam@example.nhs.uk")
	edit := "/admin/practices/" + itoa(p.ID)

	check := func(t *testing.T, r response, field, msg, kept string) {
		t.Helper()
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `<a href="#`+field+`">`+html.EscapeString(msg)) ||
			!strings.Contains(r.body, `id="`+field+`-error"`) || !strings.Contains(r.body, kept) {
			t.Errorf("want %q on %s: %d\n%s", msg, field, r.status, r.body)
		}
	}
	details := b.practiceForm(t, host, edit+"/edit")
	for _, tt := range []struct {
		form       url.Values
		field, msg string
	}{
		{url.Values{"name": {" "}, "ods_code": {"K81001"}, "accessibility_notes": {"Typed"}}, "name", "Enter the practice name"},
		{url.Values{"name": {"Riverside"}, "ods_code": {"K81002"}, "accessibility_notes": {"Typed"}}, "ods_code", "Another practice of this network already has the ODS code K81002"},
		{url.Values{"name": {"Riverside"}, "ods_code": {"K8!"}, "accessibility_notes": {"Typed"}}, "ods_code", "Enter the practice's ODS code"},
		{url.Values{"name": {"Riverside"}, "ods_code": {"K81001"}, "postcode": {"nowhere"}, "accessibility_notes": {"Typed"}}, "postcode", "\"nowhere\" is not a UK postcode"},
		{url.Values{"name": {"Riverside"}, "ods_code": {"K81001"}, "phone": {"0118 496 0000"}, "email": {"Typed"}}, "email", "Enter an email address"},
		{url.Values{"name": {"Riverside"}, "ods_code": {"K81001"}, "phone": {"call us"}, "address": {"Typed"}}, "phone", "Enter a phone number"},
		{url.Values{"name": {"Riverside"}, "ods_code": {"K81001"}, "prescriptions_url": {"example.org"}, "phone": {"0118 496 0000"}, "address": {"Typed"}}, "prescriptions_url", "Enter a full web address"},
		{url.Values{"name": {"Riverside"}, "ods_code": {"K81001"}, "online_consultation_url": {"ask.example.org"}, "address": {"Typed"}}, "online_consultation_url", "Enter a full web address"},
		{url.Values{"name": {"Riverside"}, "ods_code": {"K81001"}, "test_results_url": {"javascript:alert(1)"}, "address": {"Typed"}}, "test_results_url", "Enter a full web address"},
		{url.Values{"name": {"Riverside"}, "ods_code": {"K81001"}, "fit_notes_url": {"www.example.org/fit"}, "address": {"Typed"}}, "fit_notes_url", "Enter a full web address"},
		{url.Values{"name": {"Riverside"}, "ods_code": {"K81001"}, "charter_url": {"https://"}, "address": {"Typed"}}, "charter_url", "Enter a full web address"},
	} {
		check(t, b.post(t, host, edit+"/edit", practiceWith(details, tt.form)), tt.field, tt.msg, "Typed")
	}

	hoursForm := b.practiceForm(t, host, edit+"/hours")
	week := practiceWeek()
	for _, tt := range []struct {
		set        url.Values
		field, msg string
	}{
		{url.Values{"monday-1-open": {"8 in the morning"}}, "monday-1-open", "Enter Monday's opening time in 24-hour form, for example 08:00"},
		{url.Values{"tuesday-1-close": {"7am"}}, "tuesday-1-close", "Tuesday's closing time must be after its opening time"},
		{url.Values{"wednesday-2-open": {"12pm"}}, "wednesday-2-open", "Wednesday's second period must start after the first one closes (12:30pm)"},
		{url.Values{"thursday-1-open": {""}}, "thursday-1-open", "Enter the time Thursday's first period opens"},
		{url.Values{"friday-1-open": {""}, "friday-1-close": {""}}, "friday-1-open", "Enter the times Friday opens and closes, or tick closed all day"},
		{url.Values{"saturday-1-open": {"9am"}}, "saturday-closed", "Saturday is marked closed all day"},
	} {
		form := practiceWith(practiceWith(hoursForm, week), tt.set)
		r := b.post(t, host, edit+"/hours", form)
		check(t, r, tt.field, tt.msg, `value="6.30pm"`)
	}
	if got, _ := store.PracticeByID(p.ID); got.Version != p.Version || got.Hours != p.Hours {
		t.Errorf("refused hours were written: %+v", got)
	}

	exc := b.practiceForm(t, host, edit+"/exceptions/new")
	if _, err := store.SaveException(testActor, p.ID, 0, 0, models.PracticeException{StartsOn: time.Date(2030, 12, 24, 0, 0, 0, 0, time.UTC), EndsOn: time.Date(2030, 12, 27, 0, 0, 0, 0, time.UTC), Closed: true}, nil); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		form       url.Values
		field, msg string
	}{
		{url.Values{"kind": {"closed"}, "reason": {"Typed"}}, "starts_on", "Enter the first date"},
		{url.Values{"starts_on": {"31/2/2030"}, "kind": {"closed"}, "reason": {"Typed"}}, "starts_on", "Enter a real date for the first date"},
		{url.Values{"starts_on": {"2/3/2030"}, "ends_on": {"1/3/2030"}, "kind": {"closed"}, "reason": {"Typed"}}, "ends_on", "The last date must be the same as or after the first date"},
		{url.Values{"starts_on": {"2/3/2030"}, "reason": {"Typed"}}, "kind", "Choose whether the practice is closed all day or open at different times"},
		{url.Values{"starts_on": {"2/3/2030"}, "kind": {"open"}, "reason": {"Typed"}}, "exception-1-open", "Enter the special opening times"},
		{url.Values{"starts_on": {"2/3/2030"}, "kind": {"open"}, "exception-1-open": {"9am"}, "exception-1-close": {"8am"}, "reason": {"Typed"}}, "exception-1-close", "That day's closing time must be after its opening time"},
		{url.Values{"starts_on": {"26/12/2030"}, "kind": {"closed"}, "reason": {"Typed"}}, "starts_on", "These dates overlap another change to the hours (Tuesday 24 December 2030 to Friday 27 December 2030)"},
	} {
		check(t, b.post(t, host, edit+"/exceptions/new", practiceWith(exc, tt.form)), tt.field, tt.msg, `value="Typed"`)
	}
	if es, _ := store.ExceptionsOf(p.ID); len(es) != 1 {
		t.Errorf("refused exceptions were written: %+v", es)
	}
}

// Two people editing: the second save is refused with 409, what they typed
// is kept and nothing is overwritten.
func TestPracticeStaleSaveIsRefused(t *testing.T) {
	s := newServer(t, options{})
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "sam@example.nhs.uk", models.RoleManager)
	s.user(t, tn, "jo@example.nhs.uk", models.RoleEditor)
	const host = "alpha.localhost"
	store := s.db.ForTenant(context.Background(), tn.ID)
	p := practiceSeed(t, store, "K81001", "Riverside")
	e, err := store.SaveException(testActor, p.ID, 0, 0, models.PracticeException{StartsOn: time.Date(2030, 3, 1, 0, 0, 0, 0, time.UTC), Closed: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ss, err := store.SaveEASessionByID(testActor, 0, 0, models.EASession{Weekdays: "6", StartsAt: 540, EndsAt: 720})
	if err != nil {
		t.Fatal(err)
	}
	sam, jo := s.browser(), s.browser()
	sam.signIn(t, host, "sam@example.nhs.uk")
	jo.signIn(t, host, "jo@example.nhs.uk")
	base := "/admin/practices/" + itoa(p.ID)

	for _, tt := range []struct {
		path   string
		first  url.Values
		second url.Values
		kept   string
	}{
		{base + "/edit", url.Values{"name": {"Sam's name"}, "ods_code": {"K81001"}}, url.Values{"name": {"Jo's name"}, "ods_code": {"K81001"}}, `value="Jo&#39;s name"`},
		{base + "/hours", practiceWeek(), practiceWith(practiceWeek(), url.Values{"monday-1-open": {"7:45am"}}), `value="7:45am"`},
		{base + "/exceptions/" + itoa(e.ID) + "/edit", url.Values{"starts_on": {"1/3/2030"}, "kind": {"closed"}, "reason": {"Sam"}}, url.Values{"starts_on": {"1/3/2030"}, "kind": {"closed"}, "reason": {"Jo's reason"}}, `value="Jo&#39;s reason"`},
		{"/admin/sessions/" + itoa(ss.ID) + "/edit", url.Values{"days": {"6"}, "starts_at": {"9am"}, "ends_at": {"1pm"}}, url.Values{"days": {"6"}, "starts_at": {"9am"}, "ends_at": {"2pm"}, "clinicians": {"Jo's nurses"}}, "Jo&#39;s nurses"},
	} {
		samForm := sam.practiceForm(t, host, tt.path)
		joForm := jo.practiceForm(t, host, tt.path)
		if r := sam.post(t, host, tt.path, practiceWith(samForm, tt.first)); r.status != http.StatusSeeOther {
			t.Fatalf("%s: first save %d\n%s", tt.path, r.status, r.body)
		}
		r := jo.post(t, host, tt.path, practiceWith(joForm, tt.second))
		if r.status != http.StatusConflict || !strings.Contains(r.body, "while you were editing it. Your changes have not been saved") || !strings.Contains(r.body, tt.kept) {
			t.Errorf("%s: second save %d\n%s", tt.path, r.status, r.body)
		}
	}
	got, _ := store.PracticeByID(p.ID)
	if got.Name != "Sam's name" || !strings.Contains(got.Hours, `"08:00"`) || got.Exceptions[0].Reason != "Sam" {
		t.Errorf("Jo's saves overwrote Sam's: %+v", got)
	}
	if s2, _ := store.EASessionByID(ss.ID); s2.EndsAt != 780 {
		t.Errorf("session overwritten: %+v", s2)
	}
}

// Every form refuses a POST without its CSRF token and writes nothing.
func TestPracticeFormsRefuseMissingCSRF(t *testing.T) {
	s := newServer(t, options{})
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "sam@example.nhs.uk", models.RoleManager)
	const host = "alpha.localhost"
	store := s.db.ForTenant(context.Background(), tn.ID)
	p := practiceSeed(t, store, "K81001", "Riverside")
	e, _ := store.SaveException(testActor, p.ID, 0, 0, models.PracticeException{StartsOn: time.Date(2030, 3, 1, 0, 0, 0, 0, time.UTC), Closed: true}, nil)
	ss, _ := store.SaveEASessionByID(testActor, 0, 0, models.EASession{Weekdays: "6", StartsAt: 540, EndsAt: 720})
	b := s.browser()
	b.signIn(t, host, "sam@example.nhs.uk")
	base := "/admin/practices/" + itoa(p.ID)
	exc := base + "/exceptions/" + itoa(e.ID)
	sess := "/admin/sessions/" + itoa(ss.ID)
	form := url.Values{"version": {"1"}, "name": {"Forged"}, "ods_code": {"K81001"}, "direction": {"down"}, "starts_on": {"2/3/2030"}, "kind": {"closed"},
		"days": {"1"}, "starts_at": {"6pm"}, "ends_at": {"8pm"}}
	for _, path := range []string{"/admin/practices/new", base + "/edit", base + "/move", base + "/hours", base + "/delete",
		base + "/exceptions/new", exc + "/edit", exc + "/delete", "/admin/sessions/new", sess + "/edit", sess + "/move", sess + "/delete"} {
		if r := b.post(t, host, path, form); r.status != http.StatusForbidden {
			t.Errorf("POST %s without a token: %d", path, r.status)
		}
	}
	if got, _ := store.PracticeByID(p.ID); got.Name != "Riverside" || got.Version != p.Version || len(got.Exceptions) != 1 || got.Exceptions[0].Version != 1 {
		t.Errorf("practice after forged posts: %+v", got)
	}
	if ps, _ := store.Practices(); len(ps) != 1 {
		t.Errorf("practices after forged posts: %d", len(ps))
	}
	if all, _ := store.EASessions(); len(all) != 1 || all[0].Version != 1 {
		t.Errorf("sessions after forged posts: %+v", all)
	}
}

// An editor keeps practices up to date but cannot add or delete one.
func TestPracticeEditorCannotAddOrDelete(t *testing.T) {
	s := newServer(t, options{})
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "jo@example.nhs.uk", models.RoleEditor)
	const host = "alpha.localhost"
	store := s.db.ForTenant(context.Background(), tn.ID)
	p := practiceSeed(t, store, "K81001", "Riverside")
	b := s.browser()
	b.signIn(t, host, "jo@example.nhs.uk")
	list := b.get(t, host, "/admin/practices")
	if list.status != http.StatusOK || strings.Contains(list.body, "/admin/practices/new") {
		t.Errorf("editor's list: %d, offers Add", list.status)
	}
	tok := csrf(t, list.body)
	base := "/admin/practices/" + itoa(p.ID)
	for _, path := range []string{"/admin/practices/new", base + "/delete"} {
		if r := b.get(t, host, path); r.status != http.StatusForbidden || !strings.Contains(r.body, "Only the website&#39;s managers") {
			t.Errorf("GET %s as editor: %d", path, r.status)
		}
		if r := b.post(t, host, path, url.Values{"_csrf": {tok}, "name": {"New"}, "ods_code": {"K81009"}}); r.status != http.StatusForbidden {
			t.Errorf("POST %s as editor: %d", path, r.status)
		}
	}
	if ps, _ := store.Practices(); len(ps) != 1 {
		t.Errorf("practices after editor's refused writes: %d", len(ps))
	}
	// Details and hours are theirs to edit.
	form := b.practiceForm(t, host, base+"/edit")
	if strings.Contains(b.get(t, host, base+"/edit").body, base+"/delete") {
		t.Error("editor is offered delete")
	}
	if r := b.post(t, host, base+"/edit", practiceWith(form, url.Values{"name": {"Riverside Surgery"}, "ods_code": {"K81001"}})); r.status != http.StatusSeeOther {
		t.Errorf("editor edits details: %d\n%s", r.status, r.body)
	}
	form = b.practiceForm(t, host, base+"/hours")
	if r := b.post(t, host, base+"/hours", practiceWith(form, practiceWeek())); r.status != http.StatusSeeOther {
		t.Errorf("editor edits hours: %d\n%s", r.status, r.body)
	}
}

// Another tenant's practice, exception or session is a 404 on every route,
// shows nothing and writes nothing; so is an exception reached through
// another practice of the same tenant.
func TestPracticeOfAnotherTenantIs404(t *testing.T) {
	s := newServer(t, options{})
	a := s.tenant(t, "alpha")
	bt := s.tenant(t, "beta")
	s.user(t, a, "jane@example.nhs.uk", models.RoleManager)
	alpha := s.db.ForTenant(context.Background(), a.ID)
	beta := s.db.ForTenant(context.Background(), bt.ID)
	mine := practiceSeed(t, alpha, "K81001", "Alpha surgery")
	theirs := practiceSeed(t, beta, "B00001", "Beta secret surgery")
	theirExc, err := beta.SaveException(testActor, theirs.ID, 0, 0, models.PracticeException{StartsOn: time.Date(2030, 3, 1, 0, 0, 0, 0, time.UTC), Closed: true, Reason: "Beta secret reason"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	mineOther := practiceSeed(t, alpha, "K81002", "Alpha other")
	otherExc, err := alpha.SaveException(testActor, mineOther.ID, 0, 0, models.PracticeException{StartsOn: time.Date(2030, 3, 1, 0, 0, 0, 0, time.UTC), Closed: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	theirSess, err := beta.SaveEASessionByID(testActor, 0, 0, models.EASession{Weekdays: "6", StartsAt: 540, EndsAt: 720, PracticeID: &theirs.ID, HowToBook: "Beta secret booking"})
	if err != nil {
		t.Fatal(err)
	}
	const host = "alpha.localhost"
	jane := s.browser()
	jane.signIn(t, host, "jane@example.nhs.uk")
	tok := jane.practiceForm(t, host, "/admin/practices").Get("_csrf")

	theirBase := "/admin/practices/" + itoa(theirs.ID)
	theirExcPath := theirBase + "/exceptions/" + itoa(theirExc.ID)
	crossExc := "/admin/practices/" + itoa(mine.ID) + "/exceptions/" + itoa(otherExc.ID)
	theirSessPath := "/admin/sessions/" + itoa(theirSess.ID)
	for _, path := range []string{theirBase + "/edit", theirBase + "/hours", theirBase + "/delete", theirBase + "/exceptions", theirBase + "/exceptions/new",
		theirExcPath + "/edit", theirExcPath + "/delete", crossExc + "/edit", crossExc + "/delete", theirSessPath + "/edit", theirSessPath + "/delete",
		"/admin/practices/abc/edit", "/admin/sessions/0/edit"} {
		if r := jane.get(t, host, path); r.status != http.StatusNotFound || strings.Contains(r.body, "Beta secret") {
			t.Errorf("GET %s: %d", path, r.status)
		}
	}
	form := url.Values{"_csrf": {tok}, "version": {"1"}, "name": {"Owned"}, "ods_code": {"B00001"}, "direction": {"up"}, "starts_on": {"2/3/2030"},
		"kind": {"closed"}, "reason": {"Owned"}, "days": {"1"}, "starts_at": {"6pm"}, "ends_at": {"8pm"}, "monday-closed": {"on"}}
	for _, path := range []string{theirBase + "/edit", theirBase + "/move", theirBase + "/hours", theirBase + "/delete", theirBase + "/exceptions/new",
		theirExcPath + "/edit", theirExcPath + "/delete", crossExc + "/edit", crossExc + "/delete", theirSessPath + "/edit", theirSessPath + "/move", theirSessPath + "/delete"} {
		if r := jane.post(t, host, path, form); r.status != http.StatusNotFound {
			t.Errorf("POST %s: %d", path, r.status)
		}
	}
	// A session cannot be hosted at beta's practice either.
	r := jane.post(t, host, "/admin/sessions/new", practiceWith(form, url.Values{"practice_id": {itoa(theirs.ID)}}))
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="practice_id-error"`) || strings.Contains(r.body, "Beta secret") {
		t.Errorf("session at beta's practice: %d\n%s", r.status, r.body)
	}
	for _, path := range []string{"/admin/practices", "/admin/sessions", "/admin/sessions/new"} {
		if r := jane.get(t, host, path); strings.Contains(r.body, "Beta secret") {
			t.Errorf("%s shows beta's data", path)
		}
	}
	got, err := beta.PracticeByID(theirs.ID)
	if err != nil || got.Name != "Beta secret surgery" || got.Version != theirs.Version || len(got.Exceptions) != 1 || got.Exceptions[0].Reason != "Beta secret reason" {
		t.Errorf("beta's practice changed: %+v %v", got, err)
	}
	if sess, err := beta.EASessionByID(theirSess.ID); err != nil || sess.Version != 1 {
		t.Errorf("beta's session changed: %+v %v", sess, err)
	}
	if es, _ := alpha.ExceptionsOf(mineOther.ID); len(es) != 1 || es[0].Version != 1 {
		t.Errorf("alpha's other exception changed through the wrong practice: %+v", es)
	}
	if all, _ := alpha.EASessions(); len(all) != 0 {
		t.Errorf("alpha gained sessions: %+v", all)
	}
	if log := withoutSetup(beta.AuditLog(10)); len(log) != 0 {
		t.Errorf("beta's audit log: %+v", log)
	}
}

// A practice where enhanced access sessions are held cannot be deleted
// until they are moved: the page lists them with links.
func TestPracticeDeleteBlockedBySessions(t *testing.T) {
	s := newServer(t, options{})
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "sam@example.nhs.uk", models.RoleManager)
	const host = "alpha.localhost"
	store := s.db.ForTenant(context.Background(), tn.ID)
	p := practiceSeed(t, store, "K81001", "Riverside")
	ss, err := store.SaveEASessionByID(testActor, 0, 0, models.EASession{Weekdays: "1,2,3,4,5", StartsAt: 1110, EndsAt: 1200, PracticeID: &p.ID})
	if err != nil {
		t.Fatal(err)
	}
	b := s.browser()
	b.signIn(t, host, "sam@example.nhs.uk")
	path := "/admin/practices/" + itoa(p.ID) + "/delete"
	r := b.get(t, host, path)
	if r.status != http.StatusOK || !strings.Contains(r.body, "You cannot delete Riverside yet") || !strings.Contains(r.body, `href="/admin/sessions/`+itoa(ss.ID)+`/edit">Monday to Friday, 6:30pm to 8pm`) ||
		strings.Contains(r.body, "Yes, delete") {
		t.Errorf("confirmation with sessions: %d\n%s", r.status, r.body)
	}
	r = b.post(t, host, path, url.Values{"_csrf": {csrf(t, r.body)}})
	if r.status != http.StatusConflict || !strings.Contains(r.body, "Move them to another practice or delete them first") {
		t.Errorf("delete with sessions: %d\n%s", r.status, r.body)
	}
	if _, err := store.PracticeByID(p.ID); err != nil {
		t.Errorf("practice deleted: %v", err)
	}
}

// The site health page links a practice without hours to its hours form,
// and missing enhanced access to the sessions.
func TestPracticeHealthLinksToTheEditors(t *testing.T) {
	s := newServer(t, options{})
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "jo@example.nhs.uk", models.RoleEditor)
	const host = "alpha.localhost"
	p, err := s.db.ForTenant(context.Background(), tn.ID).SavePractice(testActor, 0, 0, models.Practice{ODSCode: "K81001", Name: "Riverside"})
	if err != nil {
		t.Fatal(err)
	}
	b := s.browser()
	b.signIn(t, host, "jo@example.nhs.uk")
	health := b.get(t, host, "/admin/health")
	for _, link := range []string{`href="/admin/practices/ods/K81001/hours"`, `href="/admin/practices/ods/K81001/edit#phone"`, `href="/admin/sessions">Fix this<span class="nhsuk-u-visually-hidden">: There are no enhanced access sessions`} {
		if !strings.Contains(health.body, link) {
			t.Errorf("health page lacks %s", link)
		}
	}
	if r := b.get(t, host, "/admin/practices/ods/K81001/hours"); r.status != http.StatusSeeOther || r.location() != "/admin/practices/"+itoa(p.ID)+"/hours" {
		t.Errorf("link by ODS code: %d %q", r.status, r.location())
	}
	for _, path := range []string{"/admin/practices/ods/B00001/hours", "/admin/practices/ods/K81001/delete"} {
		if r := b.get(t, host, path); r.status != http.StatusNotFound {
			t.Errorf("GET %s: %d", path, r.status)
		}
	}
}

// The links NHS England's template pages use are saved from the practice
// form and shown on the practice's public page and the template pages.
func TestPracticeTemplateLinks(t *testing.T) {
	s := newServer(t, options{})
	tn := s.tenant(t, "alpha")
	s.user(t, tn, "sam@example.nhs.uk", models.RoleManager)
	const host = "alpha.localhost"
	store := s.db.ForTenant(context.Background(), tn.ID)
	p := practiceSeed(t, store, "K81001", "Riverside")
	b := s.browser()
	b.signIn(t, host, "sam@example.nhs.uk")
	edit := "/admin/practices/" + itoa(p.ID) + "/edit"
	form := b.practiceForm(t, host, edit)
	page := b.get(t, host, edit).body
	for _, f := range []string{"online_consultation_url", "test_results_url", "fit_notes_url", "charter_url"} {
		if !strings.Contains(page, `id="`+f+`"`) || !strings.Contains(page, `id="`+f+`-hint"`) {
			t.Errorf("the practice form has no %s field with a hint", f)
		}
	}
	r := b.post(t, host, edit, practiceWith(form, url.Values{"name": {"Riverside"}, "ods_code": {"K81001"}, "phone": {"01632 960 001"},
		"online_consultation_url": {" https://ask.example.org/riverside "}, "test_results_url": {"https://riverside.example.org/results"},
		"fit_notes_url": {"https://riverside.example.org/fit-notes"}, "charter_url": {"https://riverside.example.org/charter"}}))
	if r.status != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", r.status, r.body)
	}
	got, err := store.PracticeByID(p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.OnlineConsultationURL != "https://ask.example.org/riverside" || got.TestResultsURL != "https://riverside.example.org/results" ||
		got.FitNotesURL != "https://riverside.example.org/fit-notes" || got.CharterURL != "https://riverside.example.org/charter" {
		t.Errorf("saved links: %+v", got)
	}
	public := s.browser()
	pp := public.get(t, host, "/practices/K81001").body
	for _, w := range []string{`href="https://ask.example.org/riverside"`, `href="https://riverside.example.org/results"`,
		`href="https://riverside.example.org/fit-notes"`, `<a href="https://riverside.example.org/charter">You and Your General Practice</a>`} {
		if !strings.Contains(pp, w) {
			t.Errorf("the practice page lacks %s", w)
		}
	}
	if fit := public.get(t, host, "/fit-notes").body; !strings.Contains(fit, `<a href="https://riverside.example.org/fit-notes">Ask Riverside for a fit note</a>`) {
		t.Errorf("/fit-notes lacks the practice's link")
	}
	// Clearing a link brings the phone number back on the template page.
	form = b.practiceForm(t, host, edit)
	r = b.post(t, host, edit, practiceWith(form, url.Values{"name": {"Riverside"}, "ods_code": {"K81001"}, "phone": {"01632 960 001"}}))
	if r.status != http.StatusSeeOther {
		t.Fatalf("clear: %d\n%s", r.status, r.body)
	}
	if fit := public.get(t, host, "/fit-notes").body; !strings.Contains(fit, "To ask for a fit note, call") {
		t.Errorf("/fit-notes gives no phone number once the link is gone")
	}
}
