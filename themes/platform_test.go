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
