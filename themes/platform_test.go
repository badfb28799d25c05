package themes

// The platform's own pages, shown when no tenant answers for a host.

import (
	"bytes"
	"strings"
	"testing"
)

func TestRenderPlatform(t *testing.T) {
	r := mustLoad(t)
	wantH1 := map[string]string{
		"unknown-host": "No website at this address",
		"suspended":    "This website is temporarily unavailable",
		"bad-request":  "Sorry, there is a problem with this web address",
		"closed":       "This website has closed",
	}
	for _, name := range RequiredPlatformPages {
		for _, tc := range []struct {
			label string
			data  Platform
		}{
			{"empty", Platform{}},
			{"full", Platform{Title: hostileTitle, Status: 503, Message: "Back on <Monday>", Detail: "Detail & more"}},
		} {
			t.Run(name+"/"+tc.label, func(t *testing.T) {
				var buf bytes.Buffer
				if err := r.RenderPlatform(&buf, name, tc.data); err != nil {
					t.Fatal(err)
				}
				out := buf.String()
				doc := checkDocument(t, r, out)
				h1 := text(elements(doc, "h1")[0])
				if tc.label == "empty" {
					if h1 != wantH1[name] || titleOf(doc) != wantH1[name] {
						t.Errorf("h1 %q title %q, want %q", h1, titleOf(doc), wantH1[name])
					}
					return
				}
				if h1 != hostileTitle || strings.Contains(out, hostileTitle) {
					t.Errorf("Title not shown escaped")
				}
				if !strings.Contains(out, "Back on &lt;Monday&gt;") || !strings.Contains(out, "Detail &amp; more") {
					t.Errorf("Message/Detail not shown escaped")
				}
				if strings.Contains(out, "nhsuk-header") {
					t.Errorf("platform page has a (tenant) header")
				}
			})
		}
	}
}

// TestSuspendedPageNamesTheSite: a suspended site's page names the PCN and
// lists its phone numbers as links, escaped; without them it is the
// generic page.
func TestSuspendedPageNamesTheSite(t *testing.T) {
	r := mustLoad(t)
	var buf bytes.Buffer
	data := Platform{Status: 503, SiteName: "High <Fives> PCN", Phones: []Practice{
		{Name: "High <Fives> PCN", Phone: "0113 496 0999", PhoneHref: "tel:+441134960999"},
		{Name: "Fivefields Medical Centre", Phone: "0113 496 0000"},
		{Name: "No number"},
	}}
	if err := r.RenderPlatform(&buf, "suspended", data); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	doc := checkDocument(t, r, out)
	if h1 := text(elements(doc, "h1")[0]); h1 != "The website of High <Fives> PCN is temporarily unavailable" {
		t.Errorf("h1 = %q", h1)
	}
	wantLink(t, doc, "0113 496 0999", "tel:+441134960999")
	wantLink(t, doc, "0113 496 0000", "tel:+441134960000")
	wantText(t, doc, "Fivefields Medical Centre: 0113 496 0000", "111", "999")
	if strings.Contains(out, "<Fives>") || strings.Contains(out, "No number") {
		t.Errorf("name not escaped, or a practice without a number listed")
	}
}

// TestClosedPageSaysWherePracticesWent: a closed site's page names the
// PCN and, escaped, each practice's new network, linked where it has a site.
func TestClosedPageSaysWherePracticesWent(t *testing.T) {
	r := mustLoad(t)
	var buf bytes.Buffer
	data := Platform{Status: 410, SiteName: "Moor <land> PCN", ClosedOn: "30 September 2026", Moves: []Moved{
		{Practice: "Acklam <Medical> Centre", Phone: "01642 828210", PCN: "Riverside & Tooting PCN", URL: "https://riverside.example/"},
		{Practice: "Green Lane Surgery", PCN: "Dale PCN"},
		{Practice: "Hill Surgery"},
	}}
	if err := r.RenderPlatform(&buf, "closed", data); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	doc := checkDocument(t, r, out)
	if h1 := text(elements(doc, "h1")[0]); h1 != "Moor <land> PCN has closed" {
		t.Errorf("h1 = %q", h1)
	}
	wantLink(t, doc, "Riverside & Tooting PCN", "https://riverside.example/")
	wantLink(t, doc, "01642 828210", "tel:+441642828210")
	wantText(t, doc, "Acklam <Medical> Centre is now part of Riverside & Tooting PCN.", "Green Lane Surgery is now part of Dale PCN.",
		"Hill Surgery is not part of a network on this website now.", "30 September 2026", "111", "999")
	if strings.Contains(out, "<land>") || strings.Contains(out, "<Medical>") {
		t.Error("names not escaped")
	}
}
