package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/pcnweb/pcnweb/models"
)

// peopleHTMLProblems checks the structure the accessibility rules rely on:
// one h1, unique ids, a label for every visible field, aria-describedby
// pointing at ids that exist, and th with scope in tables.
func peopleHTMLProblems(body string) []string {
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		return []string{"parse: " + err.Error()}
	}
	attr := func(n *html.Node, key string) (string, bool) {
		for _, a := range n.Attr {
			if a.Key == key {
				return a.Val, true
			}
		}
		return "", false
	}
	var problems []string
	ids, labels := map[string]int{}, map[string]bool{}
	h1s := 0
	var fields, described []*html.Node
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		if id, ok := attr(n, "id"); ok {
			ids[id]++
		}
		switch n.Data {
		case "h1":
			h1s++
		case "label":
			if f, ok := attr(n, "for"); ok {
				labels[f] = true
			}
		case "input", "select", "textarea":
			if typ, _ := attr(n, "type"); typ != "hidden" {
				fields = append(fields, n)
			}
		case "th":
			if _, ok := attr(n, "scope"); !ok {
				problems = append(problems, "a table header without scope")
			}
		}
		if _, ok := attr(n, "aria-describedby"); ok {
			described = append(described, n)
		}
	}
	if h1s != 1 {
		problems = append(problems, "h1 count is not 1")
	}
	for id, n := range ids {
		if n > 1 {
			problems = append(problems, "duplicate id "+id)
		}
	}
	for _, f := range fields {
		id, _ := attr(f, "id")
		if id == "" || !labels[id] {
			problems = append(problems, "a field without a label: "+id)
		}
	}
	for _, n := range described {
		v, _ := attr(n, "aria-describedby")
		for _, id := range strings.Fields(v) {
			if ids[id] == 0 {
				problems = append(problems, "aria-describedby names a missing id "+id)
			}
		}
	}
	return problems
}

// Every page of users, invitations, audit log, settings and menu, in its
// plain and its error states, has the structure accessibility needs.
func TestPeoplePagesStructure(t *testing.T) {
	if got := peopleHTMLProblems(`<h1>a</h1><h1>b</h1><input id="x" aria-describedby="y"><p id="z"></p><p id="z"></p>`); len(got) != 4 {
		t.Fatalf("the checker finds %q in a page with four problems", got)
	}
	s, box := newAuthServer(t)
	tn := s.tenant(t, "alpha")
	beta := s.tenant(t, "beta")
	s.user(t, tn, "boss@example.nhs.uk", models.RoleManager)
	ed := s.user(t, tn, "ed@example.nhs.uk", models.RoleEditor)
	s.user(t, beta, "bob@example.nhs.uk", models.RoleEditor)
	const host = "alpha.localhost"
	b := s.browser()
	b.signIn(t, host, "boss@example.nhs.uk")
	newLink := peopleInvite(t, b, box, "new@example.nhs.uk", "editor")
	oldLink := peopleInvite(t, b, box, "bob@example.nhs.uk", "manager")
	_, fp, _ := s.db.ForTenant(context.Background(), tn.ID).Menu()
	item, err := s.db.ForTenant(context.Background(), tn.ID).AddMenuItem(testActor, fp, "Practices", "/practices")
	if err != nil {
		t.Fatal(err)
	}
	tok := b.peopleToken(t, host, "/admin/users")
	type page struct {
		name, path string
		form       url.Values // POST when set
		status     int
	}
	pages := []page{
		{"users", "/admin/users", nil, 200},
		{"users with errors", "/admin/users/invite", url.Values{"email": {""}}, 422},
		{"role", "/admin/users/" + itoa(ed.ID) + "/edit", nil, 200},
		{"role with error", "/admin/users/" + itoa(ed.ID) + "/edit", url.Values{"role": {"x"}, "was": {"editor"}}, 422},
		{"remove", "/admin/users/" + itoa(ed.ID) + "/remove", nil, 200},
		{"audit", "/admin/audit", nil, 200},
		{"settings", "/admin/settings", nil, 200},
		{"settings with errors", "/admin/settings", url.Values{"version": {"0"}, "phone": {"x"}, "accessibility_status": {"q"}}, 422},
		{"settings with a date error", "/admin/settings", url.Values{"version": {"0"}, "statement_prepared": {"x"}}, 422},
		{"settings stale", "/admin/settings", url.Values{"version": {"7"}, "accessibility_status": {"full"}}, 409},
		{"menu", "/admin/menu", nil, 200},
		{"menu with error", "/admin/menu/add", url.Values{"path": {"/nowhere"}}, 422},
		{"menu stale", "/admin/menu/add", url.Values{"path": {"/news"}, "fingerprint": {"old"}}, 409},
		{"menu item", "/admin/menu/" + itoa(item.ID) + "/edit", nil, 200},
		{"menu item with error", "/admin/menu/" + itoa(item.ID) + "/edit", url.Values{"title": {""}}, 422},
	}
	for _, p := range pages {
		var r response
		if p.form != nil {
			p.form.Set("_csrf", tok)
			r = b.post(t, host, p.path, p.form)
		} else {
			r = b.get(t, host, p.path)
		}
		if r.status != p.status {
			t.Errorf("%s: %d, want %d\n%s", p.name, r.status, p.status, r.body)
			continue
		}
		for _, problem := range peopleHTMLProblems(r.body) {
			t.Errorf("%s: %s", p.name, problem)
		}
	}
	visitor := s.browser()
	for _, link := range []string{newLink, oldLink} {
		r := visitor.get(t, host, link)
		if r.status != http.StatusOK {
			t.Fatalf("GET %s: %d", link, r.status)
		}
		for _, problem := range peopleHTMLProblems(r.body) {
			t.Errorf("invitation %s: %s", link, problem)
		}
		r = visitor.post(t, host, link, url.Values{"_csrf": {csrf(t, r.body)}})
		if r.status != http.StatusUnprocessableEntity {
			t.Errorf("empty accept: %d", r.status)
		}
		for _, problem := range peopleHTMLProblems(r.body) {
			t.Errorf("invitation with errors %s: %s", link, problem)
		}
	}
}
