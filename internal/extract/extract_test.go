package extract

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/pcnweb/pcnweb/internal/oldsites"
)

// pageCase is what a manager would check on one imported page.
type pageCase struct {
	site, path string
	title      string
	published  string   // 2006-01-02, or "" for none
	post       bool     // a single post by its markup (Doc.Post)
	headings   []string // Markdown heading lines, in order
	text       []string // in the Markdown
	absent     []string // not in the Markdown (besides the site's chrome)
	images     []string // "src suffix|alt" ("src suffix|" for no alt)
	links      []string // substrings of Links' URLs
	dropped    []string // "kind|detail substring"
	found      []string // "kind|detail substring"
}

// chrome is text on every page of a sample site that must not come across.
var chrome = map[string][]string{
	"wix": {"top of page", "bottom of page", "This website uses cookies", "Decline All", "Share on", "Share this page",
		"Facebook", "LinkedIn", "Proudly created with", "Wix.com", "Skip to Main Content", "Join Our Team", "c/o Riverside Medical Centre", "© 2024"},
	"nightingale": {"Skip to main content", "We use cookies", "Privacy policy", "Share this page", "addtoany", "Staff login",
		"Recent news", "Widget text", "Built with the Nightingale theme", "Search the site", "Older posts", "Post navigation", "Back to", "Menu"},
	"plain": {"Copyright", "Last updated", "Webmaster", "E-mail us", "Eastbank Primary Care Network**", "[Opening times]"},
}

var cases = []pageCase{
	{
		site: "wix", path: "/", title: "Welcome to Riverside Primary Care Network",
		headings: []string{"## Meet the team", "## Need help now?"},
		text: []string{"Riverside PCN brings together **four GP practices** in Riverton",
			"[Find your practice](/our-practices)", "[NHS 111 online](https://111.nhs.uk/)"},
		images:  []string{"/media/8d1f2a_3c5e9b7a~mv2.jpg|The Riverside PCN team outside Riverside Medical Centre"},
		dropped: []string{"iframe|a YouTube video “Meet the Riverside PCN team” (www.youtube.com)"},
	},
	{
		site: "wix", path: "/about-us", title: "About Us",
		headings: []string{"## Our clinical director", "### Our additional roles team"},
		text:     []string{"Dr Amara Okafor has been a GP partner", "- Clinical pharmacists\n- First contact physiotherapists"},
		images:   []string{"/media/8d1f2a_77ab01cd~mv2.jpg|", "/media/8d1f2a_4e2f90aa~mv2.jpg|Dr Amara Okafor, Clinical Director"},
		absent:   []string{"blur_2", "X (Twitter)"},
	},
	{
		site: "wix", path: "/our-practices", title: "Our Practices",
		headings: []string{"## Riverside Medical Centre", "## Millbrook Surgery", "## The Weir Practice", "## Extended access"},
		text:     []string{"Monday to Friday: 8:00am – 6:30pm", "Telephone: 01632 960456"},
		links:    []string{"https://www.riversidemedicalcentre.nhs.uk"},
		found: []string{"hours|Monday to Friday: 8:00am – 6:30pm", "phone|01632 960123", "phone|01632 960456",
			"phone|+44 1632 960789", "phone|0306 999 0123"},
	},
	{
		site: "wix", path: "/copy-of-services", title: "Social Prescribing",
		headings: []string{"## Who can be referred?", "#### Groups we work with"},
		text:     []string{"Not everything that affects your health can be fixed by a doctor.", "[Contact us](/contact)"},
		images:   []string{"/media/8d1f2a_3c5e9b7a~mv2.jpg|Members of the Riverton walking group on the towpath"},
	},
	{
		site: "wix", path: "/news", title: "Latest News",
		headings: []string{"## [Spring COVID-19 boosters now available](/post/spring-covid-19-boosters)", "## [Welcome to our new care coordinators](/post/welcome-care-coordinators)"},
		text:     []string{"Patients aged 75 and over and those with a weakened immune system"},
		absent:   []string{"Read more", "1 min read"},
		found:    []string{"news|a news listing (5 dated items)"},
	},
	{
		site: "wix", path: "/post/flu-clinics-2023", title: "Flu clinics this autumn", published: "2023-09-14", post: true,
		text:   []string{"Saturday flu clinics will run at Riverside Medical Centre"},
		absent: []string{"Flu clinics this autumn"},
	},
	{
		site: "wix", path: "/vacancies", title: "Vacancies",
		headings: []string{"## Clinical Pharmacist (Band 7)", "## Care Coordinator (Band 4)"},
		links:    []string{"https://www.jobs.nhs.uk/candidate/jobadvert/A1234-24-0001", "mailto:riverside.pcn@nhs.net"},
		found:    []string{"vacancies|Vacancies"},
	},
	{
		site: "wix", path: "/policies", title: "Policies and Documents",
		text:  []string{"[minutes of the March 2024 meeting (PDF)](/_files/ugd/8d1f2a_9c41b2e7f0d84a.pdf)"},
		links: []string{"/_files/ugd/8d1f2a_9c41b2e7f0d84a.pdf"},
	},
	{
		site: "wix", path: "/contact", title: "Contact Us",
		text:    []string{"This form is for general enquiries about the network only."},
		absent:  []string{"First name", "Submit", "Thanks for submitting"},
		dropped: []string{"form|a form “Contact form” (fields: First name, Email, Message)", "iframe|a map “Google Maps” (www.google.com)"},
	},
	{
		site: "nightingale", path: "/", title: "Welcome to Riverside Primary Care Network",
		headings: []string{"## Contact your GP online", "## Our services", "### [Social prescribing](/services/social-prescribing/)", "### [Clinical pharmacists](/?page_id=27)"},
		absent:   []string{"Loading online consultation"},
		dropped:  []string{"widget|an online-consultation widget (eConsult)"},
	},
	{
		site: "nightingale", path: "/about/", title: "About us",
		headings: []string{"## Find out more"},
		text:     []string{"- [Meet our team](/about/our-team/)", "[Privacy notice (PDF, 1 page)](/wp-content/uploads/2024/02/Riverside-PCN-Privacy-Notice.pdf)"},
		links:    []string{"/?page_id=3", "/about/our-team/"},
	},
	{
		site: "nightingale", path: "/about/our-team/", title: "Our team",
		headings: []string{"## Clinical pharmacists", "### Lead pharmacist", "## First contact physiotherapists"},
		text:     []string{"The team at our away day in May 2023", "you can **book directly** with a physiotherapist"},
		images:   []string{"/wp-content/uploads/2023/05/team-photo.jpg|The Riverside PCN team at the 2023 away day", "/wp-content/uploads/2024/01/pharmacist.png|"},
		absent:   []string{"-1024x640", "-300x188"},
		dropped:  []string{"iframe|a YouTube video “What does a first contact physiotherapist do?” (www.youtube-nocookie.com)"},
	},
	{
		site: "nightingale", path: "/our-practices/", title: "Our practices",
		headings: []string{"## Ferry Road Health Centre", "## Riverside Medical Centre"},
		text:     []string{"| Thursday  | 8am to 8pm    |", "When the practices are closed, call NHS 111."},
		found:    []string{"hours|Monday 8am to 6:30pm", "phone|01632 960321", "phone|01632 960123", "phone|0306 999 0123"},
	},
	{
		site: "nightingale", path: "/news/", title: "News",
		headings: []string{"## [Spring COVID-19 boosters](/2024/03/12/spring-covid-19-boosters/)"},
		text:     []string{"12 March 2024"},
		absent:   []string{"Read more"},
		found:    []string{"news|a news listing (5 dated items)"},
	},
	{
		site: "nightingale", path: "/2023/09/14/flu-clinics-this-autumn/", title: "Flu clinics this autumn", published: "2023-09-14", post: true,
		headings: []string{"## Saturday clinics"},
		text:     []string{"This year’s flu vaccinations are available", "- Saturday 7 October, 9am to 1pm"},
		images:   []string{"/wp-content/uploads/2023/09/flu-clinic.jpg|A nurse giving a flu vaccination"},
		links:    []string{"https://www.nhs.uk/vaccinations/flu-vaccine/"},
		absent:   []string{"Read more\n", "[Read more]", "Posted on", "admin", "data:image/svg"},
	},
	{
		site: "nightingale", path: "/work-for-us/", title: "Work for us",
		headings: []string{"## Current vacancies", "### Social Prescribing Link Worker"},
		found:    []string{"vacancies|Work for us"},
	},
	{
		site: "nightingale", path: "/contact/", title: "Contact us",
		text:    []string{"Use this form for questions about the PCN.", "Post: Riverside PCN, Riverside Medical Centre"},
		absent:  []string{"Contact the PCN", "indicates required fields", "gform"},
		dropped: []string{"form|a Gravity Forms form “Contact the PCN” (fields: Name, Email, Your message)", "script|an inline script"},
	},
	{
		site: "plain", path: "/index.html", title: "Welcome to Eastbank PCN",
		headings: []string{"### Repeat prescriptions"},
		text: []string{"The Eastbank Primary Care Network is made up of **Brookfield Surgery**", "[practice leaflet](/docs/practice-leaflet.pdf)",
			"a private medical report costs £45 and a holiday vaccination certificate £15.",
			"| Baby clinic     | Tuesday afternoons |"},
		images: []string{"/images/surgery.jpg|"},
		links:  []string{"mailto:brookfield.scripts@nhs.net", "https://www.nhs.uk/nhs-app/", "/docs/practice-leaflet.pdf"},
		absent: []string{"spacer.png", "nhslogo.png"},
	},
	{
		site: "plain", path: "/practices/opening.htm", title: "Opening Times",
		text:   []string{"| Monday                 | 8.00am - 6.30pm |", "Eastbank Health Centre is open **Mon-Fri 8am-8pm**"},
		absent: []string{"## Opening Times", "[Opening times]"},
		found:  []string{"hours|Monday 8.00am - 6.30pm", "phone|020 7946 0321", "phone|020 7946 0322 (fax)", "phone|07700 900123"},
	},
	{
		site: "plain", path: "/practices/staff.htm", title: "Our Staff",
		headings: []string{"## Doctors", "## Nurses", "## Pharmacist"},
		text:     []string{"- Dr J. Patel MB ChB MRCGP (Senior Partner)", "Practice manager: Mrs D. Hughes.", "[See the leaflet](/docs/practice-leaflet.pdf)"},
		images:   []string{"/images/surgery.jpg|"},
	},
	{
		site: "plain", path: "/news.htm", title: "Latest News",
		text:  []string{"**12/01/2022** - The practice will close at 1pm"},
		found: []string{"news|a news listing (5 dated items)"},
	},
}

var rawHTML = regexp.MustCompile(`<[A-Za-z/!?]`)

// rootRelative is the Rewrite the tests use: links and images on the
// sample site's host become root-relative, so expectations do not depend
// on the test server's port.
func rootRelative(host string) Rewrite {
	rel := func(u *url.URL) string {
		if u.Host != host {
			return ""
		}
		r := *u
		r.Scheme, r.Host = "", ""
		return r.String()
	}
	return Rewrite{Link: rel, Image: func(img Image) string { return rel(img.Src) }}
}

func TestSamplePages(t *testing.T) {
	servers := map[string]*httptest.Server{}
	for _, s := range oldsites.Sites() {
		servers[s] = httptest.NewServer(oldsites.Handler(s))
		defer servers[s].Close()
	}
	for _, tc := range cases {
		t.Run(tc.site+tc.path, func(t *testing.T) {
			srv := servers[tc.site]
			pageURL, _ := url.Parse(srv.URL + tc.path)
			resp, err := http.Get(pageURL.String())
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("GET %s: %d", tc.path, resp.StatusCode)
			}
			d, err := Page(body, pageURL)
			if err != nil {
				t.Fatal(err)
			}
			md := d.Markdown(rootRelative(pageURL.Host))
			t.Logf("Markdown:\n%s", md)

			if d.Title != tc.title {
				t.Errorf("title %q, want %q", d.Title, tc.title)
			}
			if got := d.Published.Format("2006-01-02"); (tc.published == "" && !d.Published.IsZero()) || (tc.published != "" && got != tc.published) {
				t.Errorf("published %v, want %q", d.Published, tc.published)
			}
			if d.Post != tc.post {
				t.Errorf("post = %v, want %v", d.Post, tc.post)
			}
			if strings.Contains(md, tc.title+"\n") && strings.HasPrefix(md, "# ") || regexp.MustCompile(`(?m)^# `).MatchString(md) {
				t.Errorf("the Markdown has an h1 of its own; the title is the page's only h1")
			}
			if rawHTML.MatchString(md) {
				t.Errorf("raw HTML left in the Markdown: %q", rawHTML.FindString(md))
			}
			last := -1
			for _, h := range tc.headings {
				i := strings.Index(md, "\n"+h+"\n")
				if i < 0 && strings.HasPrefix(md, h+"\n") {
					i = 0
				}
				if i < 0 {
					t.Errorf("no heading line %q", h)
				} else if i < last {
					t.Errorf("heading %q out of order", h)
				} else {
					last = i
				}
			}
			for _, s := range tc.text {
				if !strings.Contains(md, s) {
					t.Errorf("Markdown lacks %q", s)
				}
			}
			for _, s := range append(append([]string{}, chrome[tc.site]...), tc.absent...) {
				if strings.Contains(md, s) {
					t.Errorf("Markdown has %q, which should not have come across", s)
				}
			}
			checkImages(t, d, tc.images)
			for _, want := range tc.links {
				ok := false
				for _, l := range d.Links {
					if !l.URL.IsAbs() {
						t.Errorf("link %s is not absolute", l.URL)
					}
					ok = ok || strings.HasSuffix(l.URL.String(), want) || l.URL.String() == want
				}
				if !ok {
					t.Errorf("no link to %s in %v", want, d.Links)
				}
			}
			checkReported(t, "dropped", tc.dropped, func() (out [][2]string) {
				for _, x := range d.Dropped {
					out = append(out, [2]string{x.Kind, x.Detail})
				}
				return out
			}())
			checkReported(t, "found", tc.found, func() (out [][2]string) {
				for _, x := range d.Found {
					out = append(out, [2]string{x.Kind, x.Detail})
				}
				return out
			}())
		})
	}
}

func checkImages(t *testing.T, d *Doc, want []string) {
	t.Helper()
	if len(d.Images) != len(want) {
		t.Errorf("%d images %v, want %d", len(d.Images), d.Images, len(want))
	}
	noAlt := 0
	for _, w := range want {
		src, alt, _ := strings.Cut(w, "|")
		if alt == "" {
			noAlt++
		}
		found := false
		for _, img := range d.Images {
			if !img.Src.IsAbs() {
				t.Errorf("image %s is not absolute", img.Src)
			}
			if strings.HasSuffix(img.Src.Path, src) && img.Alt == alt {
				found = true
			}
		}
		if !found {
			t.Errorf("no image %s with alt %q in %v", src, alt, d.Images)
		}
	}
	if got := len(d.ImagesWithoutAlt()); got != noAlt {
		t.Errorf("%d images without alt, want %d", got, noAlt)
	}
}

// checkReported: every wanted "kind|detail" is reported (detail as a
// substring), and nothing else is.
func checkReported(t *testing.T, what string, want []string, got [][2]string) {
	t.Helper()
	for _, w := range want {
		kind, detail, _ := strings.Cut(w, "|")
		ok := false
		for _, g := range got {
			ok = ok || (g[0] == kind && strings.Contains(g[1], detail))
		}
		if !ok {
			t.Errorf("%s: no %s %q in %q", what, kind, detail, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%s: %d entries %q, want %d", what, len(got), got, len(want))
	}
}

func TestMarkdownRewritesLinksAndImages(t *testing.T) {
	base, _ := url.Parse("https://old.example/about/")
	d, err := Fragment(`<p>See <a href="../team">the team</a>, <a href="https://nhs.uk/">NHS</a> and <a href="/leaflet.pdf">our leaflet</a>.</p><p><img src="photo.jpg" alt="Our building"></p>`, "About", base)
	if err != nil {
		t.Fatal(err)
	}
	rw := Rewrite{
		Link: func(u *url.URL) string {
			switch u.String() {
			case "https://old.example/team":
				return "/team"
			case "https://old.example/leaflet.pdf":
				return "/media/7/leaflet.pdf"
			}
			return ""
		},
		Image: func(img Image) string { return "/media/8/" + img.Alt },
	}
	got := d.Markdown(rw)
	want := "See [the team](/team), [NHS](https://nhs.uk/) and [our leaflet](/media/7/leaflet.pdf).\n\n![Our building](/media/8/Our%20building)\n"
	if got != want {
		t.Fatalf("Markdown:\n%q\nwant\n%q", got, want)
	}
	if abs := d.Markdown(Rewrite{}); !strings.Contains(abs, "[the team](https://old.example/team)") || !strings.Contains(abs, "![Our building](https://old.example/about/photo.jpg)") {
		t.Fatalf("with no Rewrite the URLs should be absolute:\n%s", abs)
	}
}

func TestHeadingsBelowTheTitle(t *testing.T) {
	for _, tc := range []struct {
		name, html, title, want string
	}{
		{"the title h1 is not repeated, levels kept",
			`<h1>Our team</h1><p>Intro.</p><h2>Doctors</h2><h3>Partners</h3><p>Dr A.</p>`, "Our team",
			"Intro.\n\n## Doctors\n\n### Partners\n\nDr A.\n"},
		{"a second h1 shifts every heading down one level",
			`<h1>Our team</h1><h1>Doctors</h1><h2>Partners</h2><p>Dr A.</p><h6>Note</h6><p>x</p>`, "Our team",
			"## Doctors\n\n### Partners\n\nDr A.\n\n###### Note\n\nx\n"},
		{"an h1 that is not the title is shifted too",
			`<h1>Welcome</h1><p>Hello.</p><h2>More</h2>`, "Home",
			"## Welcome\n\nHello.\n\n### More\n"},
		{"a first h2 repeating the title goes",
			`<h2>Opening times</h2><p>Monday 8am to 6pm</p>`, "Opening times",
			"Monday 8am to 6pm\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Fragment(tc.html, tc.title, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := d.Markdown(Rewrite{}); got != tc.want {
				t.Fatalf("got\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

func TestFragmentCleansAWordPressBody(t *testing.T) {
	base, _ := url.Parse("https://www.riversidepcn.nhs.uk/")
	body := `<!-- wp:paragraph -->
<p>Our flu clinics are back.&nbsp;&nbsp;&nbsp;</p>
<!-- /wp:paragraph -->
<p>&nbsp;</p>
<!-- wp:image -->
<figure class="wp-block-image"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-lazy-src="/wp-content/uploads/2023/09/flu.jpg" alt="Flu jab"><noscript><img src="/wp-content/uploads/2023/09/flu.jpg" alt="Flu jab"></noscript></figure>
<!-- /wp:image -->
<iframe src="https://www.youtube.com/embed/xyz" title="Flu film"></iframe>
[gallery ids="1,2"]
<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">Share this:</h3><a href="https://twitter.com/share">Twitter</a></div>
<script>alert(1)</script>
<p><a href="/2023/09/14/flu/">Read more</a> <a href="/2023/09/14/flu/">Flu clinics</a></p>`
	d, err := Fragment(body, "Flu clinics", base)
	if err != nil {
		t.Fatal(err)
	}
	md := d.Markdown(Rewrite{})
	for _, s := range []string{"Our flu clinics are back.", "![Flu jab](https://www.riversidepcn.nhs.uk/wp-content/uploads/2023/09/flu.jpg)", "[Flu clinics](https://www.riversidepcn.nhs.uk/2023/09/14/flu/)"} {
		if !strings.Contains(md, s) {
			t.Errorf("Markdown lacks %q:\n%s", s, md)
		}
	}
	for _, s := range []string{"Share this", "Twitter", "alert", "Read more", "\u00a0", "wp:paragraph", "data:image"} {
		if strings.Contains(md, s) {
			t.Errorf("Markdown has %q:\n%s", s, md)
		}
	}
	if len(d.Images) != 1 {
		t.Errorf("images %v, want the one flu jab (the noscript copy is not a second)", d.Images)
	}
	checkReported(t, "dropped", []string{"iframe|a YouTube video “Flu film” (www.youtube.com)", "script|an inline script"}, func() (out [][2]string) {
		for _, x := range d.Dropped {
			out = append(out, [2]string{x.Kind, x.Detail})
		}
		return out
	}())
}

func TestFragmentWrapsClassicEditorParagraphs(t *testing.T) {
	d, err := Fragment("First paragraph\nsame paragraph.\n\nSecond paragraph.\n\n<ul><li>a list</li></ul>", "Classic", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := "First paragraph\nsame paragraph.\n\nSecond paragraph.\n\n- a list\n"
	if got := d.Markdown(Rewrite{}); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestTitleFromTheTitleTag(t *testing.T) {
	for _, tc := range []struct{ title, site, want string }{
		{"About Us | Riverside PCN", "Riverside PCN", "About Us"},
		{"Our team &#8211; Riverside Primary Care Network", "", "Our team"},
		{"Eastbank Primary Care Network - Home", "", "Home"},
		{"Opening Times", "", "Opening Times"},
		{"Riverside PCN | News | Riverside PCN", "Riverside PCN", "News"},
	} {
		page := fmt.Sprintf(`<html><head><title>%s</title><meta property="og:site_name" content="%s"></head><body><main><p>Some words about this page for its readers.</p></main></body></html>`, tc.title, tc.site)
		d, err := Page([]byte(page), nil)
		if err != nil {
			t.Fatal(err)
		}
		if d.Title != tc.want {
			t.Errorf("%q: title %q, want %q", tc.title, d.Title, tc.want)
		}
	}
}

func TestFoundRecognisesHoursAndPhonesButNotEvents(t *testing.T) {
	for _, tc := range []struct {
		html  string
		found []string
	}{
		{`<p>Open Monday to Friday, 8am to 6.30pm.</p>`, []string{"hours|Monday to Friday, 8am to 6.30pm."}},
		{`<table><tr><td>Tuesday</td><td>08:00 - 18:30</td></tr><tr><td>Sat</td><td>Closed</td></tr></table>`, []string{"hours|Tuesday 08:00 - 18:30"}},
		{`<p>Flu clinic on Saturday 7 October, 9am to 1pm.</p>`, nil},
		{`<p>We close at 1pm on Wednesday 26th January.</p>`, nil},
		{`<p>Call 01632 960123 or (01632) 960124, or 0300 123 4567.</p>`, []string{"phone|01632 960123", "phone|(01632) 960124", "phone|0300 123 4567"}},
		{`<p>From abroad: +44 (0)20 7946 0321. Fax 020 7946 0322.</p>`, []string{"phone|+44 (0)20 7946 0321", "phone|020 7946 0322 (fax)"}},
		{`<p>Call <a href="tel:+441632960123">01632 960123</a> (same as 01632 960123).</p>`, []string{"phone|01632 960123"}},
		{`<p>We look after 52,000 patients; ring 111 or 999. Ref 12/01/2022, 2023-09-14.</p>`, nil},
		{`<h2>Careers at Riverside</h2><p>Come and work with us.</p>`, []string{"vacancies|Careers at Riverside"}},
		{`<p>12/01/2022 - closed for training afternoon.</p><p>03/12/2021 - flu vaccines still available.</p>`, nil},
	} {
		d, err := Fragment(tc.html, "A page", nil)
		if err != nil {
			t.Fatal(err)
		}
		var got [][2]string
		for _, f := range d.Found {
			got = append(got, [2]string{f.Kind, f.Detail})
		}
		t.Run(tc.html, func(t *testing.T) { checkReported(t, "found", tc.found, got) })
	}
}

func TestTooLargeIsRefusedWithAMessage(t *testing.T) {
	big := make([]byte, MaxInput+1)
	if _, err := Page(big, nil); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "limit") {
		t.Fatalf("Page: %v", err)
	}
	if _, err := Fragment(string(big), "x", nil); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Fragment: %v", err)
	}
	many := strings.Repeat("<br>", maxElements+10)
	if _, err := Page([]byte(many), nil); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Page with %d elements: %v", maxElements+10, err)
	}
}

func TestHostileInputEndsQuickly(t *testing.T) {
	inputs := map[string]string{
		"deep nesting":   strings.Repeat("<div>", 50000) + "deep" + strings.Repeat("</div>", 10),
		"deep tables":    strings.Repeat("<table><tr><td>", 5000) + "<h1>T</h1><p>x</p>",
		"unclosed tags":  "<html><body><main><h1>Title<p>text <b><i>bold <a href='/x'>link <table><tr><td>cell" + strings.Repeat("<p>para", 3000),
		"binary":         string([]byte{0, 1, 2, 0xff, 0xfe, '<', 0, 'p', '>', 0x80}),
		"many links":     "<main><h1>L</h1>" + strings.Repeat(`<a href="/p">read more</a> `, 5000) + "</main>",
		"huge attribute": `<main><h1>A</h1><img src="/a.png" alt="` + strings.Repeat("x", MaxInput-200) + `"></main>`,
		"bad urls":       `<main><h1>U</h1><a href="http://[::1">x</a><img src="%zz"><iframe src="::"></iframe><a href="javascript:alert(1)">js</a></main>`,
		"bad json":       `<main><h1>W</h1><wow-image data-image-info='{"imageData":'><img src="/media/x/v1/fill/blur_2/x.jpg"></wow-image></main>`,
		"empty":          ``,
		"only chrome":    `<header>Menu</header><nav><a href="/">Home</a></nav><footer>© 2024</footer>`,
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			d, err := Page([]byte(in), &url.URL{Scheme: "https", Host: "old.example", Path: "/"})
			if err != nil && !errors.Is(err, ErrNoContent) && !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrMalformed) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			if d != nil {
				if md := d.Markdown(Rewrite{}); rawHTML.MatchString(md) {
					t.Fatalf("raw HTML in %q", md)
				}
			}
			if _, err := Fragment(in, "t", nil); err != nil && !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrMalformed) {
				t.Fatalf("Fragment: %v", err)
			}
			if el := time.Since(start); el > 10*time.Second {
				t.Fatalf("took %s", el)
			}
		})
	}
}

func TestNoContent(t *testing.T) {
	_, err := Page([]byte(`<html><head><title></title></head><body><nav><a href="/">Home</a></nav></body></html>`), nil)
	if !errors.Is(err, ErrNoContent) {
		t.Fatalf("a page of navigation only: %v, want ErrNoContent", err)
	}
}

// fuzzBound is how long one fuzz input may take; far above what any
// input should need, even on a loaded machine.
var fuzzBound = 30 * time.Second

// within crashes the process if the test does not finish within d: a
// fuzz worker that hangs is then reported with its input, instead of
// stalling the fuzzer.
func within(t *testing.T, d time.Duration) (stop func()) {
	timer := time.AfterFunc(d, func() { panic(fmt.Sprintf("%s: still running after %s", t.Name(), d)) })
	return func() { timer.Stop() }
}

func samplePages(f *testing.F) {
	for _, tc := range cases {
		srv := httptest.NewServer(oldsites.Handler(tc.site))
		resp, err := http.Get(srv.URL + tc.path)
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			f.Add(b)
		}
		srv.Close()
	}
	f.Add([]byte(`<main><h1>T</h1><table><tr><td><table><tr><td><h2>x</h2></td></tr></table></td></tr></table></main>`))
	f.Add([]byte(`<p>Monday 8am</p><a href="tel:0">0</a><article><time>1</time></article>`))
}

func FuzzPage(f *testing.F) {
	samplePages(f)
	base, _ := url.Parse("https://old.example/a/b")
	f.Fuzz(func(t *testing.T, page []byte) {
		defer within(t, fuzzBound)()
		d, err := Page(page, base)
		if err != nil {
			if d != nil {
				t.Fatal("a Doc and an error")
			}
			return
		}
		md := d.Markdown(Rewrite{})
		if rawHTML.MatchString(md) {
			t.Fatalf("raw HTML in the Markdown: %q", md)
		}
		if strings.ContainsAny(d.Title, "\n\t") {
			t.Fatalf("title %q has layout whitespace", d.Title)
		}
		for _, img := range d.Images {
			if img.Src == nil {
				t.Fatal("image without a source")
			}
		}
	})
}

func FuzzFragment(f *testing.F) {
	samplePages(f)
	f.Add([]byte("Para one.\n\nPara two <b>bold\n\n<ul><li>x"))
	base, _ := url.Parse("https://old.example/")
	f.Fuzz(func(t *testing.T, body []byte) {
		defer within(t, fuzzBound)()
		d, err := Fragment(string(body), "Title", base)
		if err != nil {
			return
		}
		if md := d.Markdown(Rewrite{Link: func(*url.URL) string { return "/x" }}); rawHTML.MatchString(md) {
			t.Fatalf("raw HTML in the Markdown: %q", md)
		}
	})
}

func TestLazyImagesResolveToTheRealSource(t *testing.T) {
	base, _ := url.Parse("https://www.riversidepcn.co.uk/about")
	for _, tc := range []struct{ name, html, want string }{
		{"Wix image info on static.wixstatic.com",
			`<wow-image data-image-info='{"imageData":{"width":980,"height":653,"uri":"8d1f2a_3c5e~mv2.jpg","name":"team.jpg"}}'><img src="https://static.wixstatic.com/media/8d1f2a_3c5e~mv2.jpg/v1/fill/w_49,h_33,al_c,q_80,blur_2,enc_auto/team.jpg" alt="Team"></wow-image>`,
			"https://static.wixstatic.com/media/8d1f2a_3c5e~mv2.jpg"},
		{"Wix blurred URL without image info",
			`<img src="https://static.wixstatic.com/media/abc~mv2.png/v1/fill/w_20,h_20,blur_2/abc.png" alt="x">`,
			"https://static.wixstatic.com/media/abc~mv2.png"},
		{"data-src behind a placeholder GIF",
			`<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="/images/surgery.jpg" alt="x">`,
			"https://www.riversidepcn.co.uk/images/surgery.jpg"},
		{"WP Rocket data-lazy-srcset: the widest",
			`<img src="data:image/svg+xml,%3Csvg%3E" data-lazy-src="/u/a-300x200.jpg" data-lazy-srcset="/u/a-300x200.jpg 300w, /u/a.jpg 1200w, /u/a-768x512.jpg 768w" alt="x">`,
			"https://www.riversidepcn.co.uk/u/a.jpg"},
		{"srcset with density descriptors",
			`<img src="/u/b.jpg" srcset="/u/b.jpg 1x, /u/b@2x.jpg 2x" alt="x">`,
			"https://www.riversidepcn.co.uk/u/b@2x.jpg"},
		{"only inside noscript",
			`<div class="lazy-wrapper"><noscript><img src="/u/c.jpg" alt="x"></noscript></div>`,
			"https://www.riversidepcn.co.uk/u/c.jpg"},
		{"a placeholder and nothing else is no image",
			`<img src="/wp-content/plugins/lazy/placeholder.png" alt="x">`,
			""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Fragment(`<p>Words.</p>`+tc.html, "T", base)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, img := range d.Images {
				got = append(got, img.Src.String())
			}
			if tc.want == "" && len(got) != 0 || tc.want != "" && (len(got) != 1 || got[0] != tc.want) {
				t.Fatalf("images %v, want %q", got, tc.want)
			}
		})
	}
}

func TestChromeIsStrippedFromAnUnknownBuilder(t *testing.T) {
	page := `<html><head><title>Services - Northgate PCN</title></head><body>
<div id="cookie-banner">We use cookies to improve this site. <a href="/cookies">Accept</a></div>
<a class="skip-link" href="#content">Skip to content</a>
<div role="banner"><img src="/logo.png" alt="Northgate PCN"></div>
<div role="navigation"><a href="/">Home</a> <a href="/services">Services</a></div>
<div id="content" role="main"><h1>Services</h1>
<div class="breadcrumbs"><a href="/">Home</a> &gt; Services</div>
<p>We offer physiotherapy, pharmacy and social prescribing.</p>
<div class="social-share"><a href="https://facebook.com/sharer">Share on Facebook</a></div>
<p><a href="#top">Back to top</a></p>
</div>
<div role="contentinfo">© Northgate PCN 2024</div>
</body></html>`
	base, _ := url.Parse("https://northgate.example/services")
	d, err := Page([]byte(page), base)
	if err != nil {
		t.Fatal(err)
	}
	md := d.Markdown(Rewrite{})
	if md != "We offer physiotherapy, pharmacy and social prescribing.\n" || d.Title != "Services" {
		t.Fatalf("title %q, Markdown:\n%s", d.Title, md)
	}
}

func TestLinkPDF(t *testing.T) {
	for raw, want := range map[string]bool{
		"https://a.example/docs/Leaflet.PDF": true,
		"https://a.example/x.pdf?ver=2":      true,
		"https://a.example/pdf-guide/":       false,
	} {
		u, _ := url.Parse(raw)
		if got := (Link{URL: u}).PDF(); got != want {
			t.Errorf("%s: PDF() = %v", raw, got)
		}
	}
}

func TestASiteTitleInTheHeaderIsNotThePageTitle(t *testing.T) {
	page := `<html><head><title>Flu clinics | Old Town Surgery</title></head><body>
<header id="masthead"><h1 class="site-title"><a href="/">Old Town Surgery</a></h1></header>
<div class="content"><div class="post"><h2 class="entry-title">Flu clinics</h2><p>Book your flu vaccination at reception from September.</p></div></div>
<div class="site-info">Powered by WordPress</div>
</body></html>`
	d, err := Page([]byte(page), nil)
	if err != nil {
		t.Fatal(err)
	}
	md := d.Markdown(Rewrite{})
	if d.Title != "Flu clinics" || md != "Book your flu vaccination at reception from September.\n" {
		t.Fatalf("title %q, Markdown:\n%s", d.Title, md)
	}
}

// TestPostsAreKnownByTheirMarkup: a page is a post (Doc.Post) only where
// its markup says so, never for carrying a date: SEO plugins date every
// WordPress page.
func TestPostsAreKnownByTheirMarkup(t *testing.T) {
	const (
		yoastPage = `<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebPage","datePublished":"2022-01-10T09:00:00+00:00"},{"@type":"Organization","name":"X PCN"}]}</script>`
		yoastPost = `<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebPage","datePublished":"2023-05-01T09:00:00+00:00"},{"@type":"Article","datePublished":"2023-05-02T09:00:00+00:00"}]}</script>`
		body      = `<main><h1>Title</h1><p>Some words of the page, long enough to be content.</p></main>`
	)
	for _, tc := range []struct {
		name, head, body string
		date             string // 2006-01-02 or ""
		post             bool
	}{
		{"a page with an SEO plugin's WebPage date", yoastPage, body, "2022-01-10", false},
		{"a post in an SEO plugin's graph", yoastPost, body, "2023-05-02", true},
		{"a BlogPosting, its type a list", `<script type="application/ld+json">[{"@type":["BlogPosting"],"datePublished":"2024-02-03"}]</script>`, body, "2024-02-03", true},
		{"article:published_time", `<meta property="article:published_time" content="2021-11-30T12:00:00Z">`, body, "2021-11-30", true},
		{"WordPress's post classes", "", `<article class="post type-post hentry"><h1>Flu</h1><time class="entry-date published" datetime="2023-09-14T09:30:00+01:00">14 Sep</time><p>Flu clinics are on Saturdays this autumn, book now.</p></article>`, "2023-09-14", true},
		{"WordPress's single-post body", "", `<main><h1>Flu</h1><time class="published" datetime="2023-09-14">14 Sep</time><p>Flu clinics are on Saturdays this autumn, book now.</p></main>`, "2023-09-14", true},
		{"a WebPage date in the head, the post's in the body", yoastPage, `<article class="type-post"><h1>Flu</h1><time class="published" datetime="2023-09-14">14 Sep</time><p>Flu clinics are on Saturdays this autumn, book now.</p></article>`, "2023-09-14", true},
		{"a dated page that is no post", "", `<main><h1>Policies</h1><time class="published" datetime="2020-06-01">1 June</time><p>Our policies, reviewed every year by the board.</p></main>`, "2020-06-01", false},
		{"a listing of dated posts", "", `<main><h1>News</h1><article class="type-post"><time class="published" datetime="2023-01-01">1</time><p>One item of news.</p></article><article class="type-post"><time class="published" datetime="2023-02-01">2</time><p>Another item of news.</p></article></main>`, "", false},
		{"JSON-LD that is not JSON", `<script type="application/ld+json">{"@type":"Article",</script>`, body, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bodyTag := "<body>"
			if strings.Contains(tc.name, "single-post body") {
				bodyTag = `<body class="post-template-default single single-post">`
			}
			page := "<!doctype html><html><head><title>T</title>" + tc.head + "</head>" + bodyTag + tc.body + "</body></html>"
			d, err := Page([]byte(page), &url.URL{Scheme: "https", Host: "old.example", Path: "/p/"})
			if err != nil {
				t.Fatal(err)
			}
			if got := d.Published.Format("2006-01-02"); (tc.date == "" && !d.Published.IsZero()) || (tc.date != "" && got != tc.date) {
				t.Errorf("published %v, want %q", d.Published, tc.date)
			}
			if d.Post != tc.post {
				t.Errorf("post = %v, want %v", d.Post, tc.post)
			}
		})
	}
}

// TestLead: a post's summary, when the old site gives none, is its first
// real paragraph in its own words, cut at a word.
func TestLead(t *testing.T) {
	long := strings.Repeat("Flu vaccinations are available at every practice this autumn. ", 8)
	for _, tc := range []struct {
		name, body string
		max        int
		want       string
	}{
		{"the first paragraph", `<p>This year’s flu vaccinations are available for everyone aged 65 and over.</p><p>Second.</p>`, 300,
			"This year’s flu vaccinations are available for everyone aged 65 and over."},
		{"a caption is not a lead", `<p>Photo: the team</p><p>Our care coordinators help patients find the support they need.</p>`, 300,
			"Our care coordinators help patients find the support they need."},
		{"links and emphasis keep their spacing", `<p>Book through <a href="/p">your practice</a> or <strong>call 111</strong>, today.</p>`, 300,
			"Book through your practice or call 111, today."},
		{"a line break is a space", `<p>Saturday clinics run in October<br>at Riverside Medical Centre.</p>`, 300,
			"Saturday clinics run in October at Riverside Medical Centre."},
		{"cut at a word", "<p>" + long + "</p>", 60, "Flu vaccinations are available at every practice this…"},
		{"no paragraph", `<ul><li>Only a list of things to bring along to the clinic</li></ul>`, 300, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Fragment(tc.body, "Title", &url.URL{Scheme: "https", Host: "old.example", Path: "/"})
			if err != nil {
				t.Fatal(err)
			}
			got := d.Lead(tc.max)
			if got != tc.want {
				t.Errorf("Lead(%d) = %q, want %q", tc.max, got, tc.want)
			}
			if n := utf8.RuneCountInString(got); n > tc.max {
				t.Errorf("Lead(%d) has %d characters", tc.max, n)
			}
		})
	}
}

func TestCutAtWord(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want string
	}{
		{"short enough", 20, "short enough"},
		{"one two three four", 10, "one two…"},
		{"abcdefghijklmnop", 6, "abcde…"}, // no word to end at: cut inside it
		{"Flu, jabs", 5, "Flu…"},
		{"éééééé", 3, "éé…"},
	} {
		if got := CutAtWord(tc.in, tc.max); got != tc.want {
			t.Errorf("CutAtWord(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
	}
}
