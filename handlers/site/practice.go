package site

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/internal/redirect"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/themes"
)

// listPractices renders every member practice with its open/closed state.
func listPractices(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		r, err := load(c, d)
		if err != nil {
			return err
		}
		practices, err := r.store.Practices()
		if err != nil {
			return err
		}
		view := r.view("Our practices", "/practices")
		view.Description = "Contact details and opening times of the GP practices in " + r.t.Name + "."
		view.Breadcrumbs = crumbs()
		now := d.Now()
		for _, p := range practices {
			pv, next := practiceView(p, now)
			view.Practices = append(view.Practices, pv)
			expireAt(c, next)
		}
		return render(c, d, r.t, "practices", view)
	}
}

// showPractice renders one practice: contact, online services, hours.
func showPractice(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ods := strings.ToUpper(c.Params("ods"))
		r, err := load(c, d)
		if err != nil {
			return err
		}
		// An unknown code is a 404 (which a redirect from an old website's
		// /practices/… address may answer); a known one typed in lower
		// case moves to its canonical address.
		p, err := r.store.PracticeByODS(ods)
		if err != nil {
			return err
		}
		if ods != c.Params("ods") {
			return redirect.To(c, "/practices/"+ods, fiber.StatusMovedPermanently)
		}
		pv, next := practiceView(p, d.Now())
		expireAt(c, next)
		view := r.view(p.Name, pv.URL)
		view.Description = "Contact details and opening times of " + p.Name + "."
		view.Practice = &pv
		view.Breadcrumbs = crumbs(themes.NavLink{Title: "Our practices", URL: "/practices"})
		view.JSONLD = practiceLD(r, p)
		return render(c, d, r.t, "practice", view)
	}
}

// practiceLD is schema.org data for a practice: a MedicalClinic with its
// address and usual opening hours.
func practiceLD(r *request, p models.Practice) map[string]any {
	ld := map[string]any{
		"@context": "https://schema.org", "@type": "MedicalClinic",
		"name": p.Name, "url": r.site.BaseURL + "/practices/" + p.ODSCode,
		"identifier": p.ODSCode, "isAcceptingNewPatients": p.RegistrationURL != "",
		"parentOrganization": map[string]any{"@type": "MedicalOrganization", "name": r.t.Name, "url": r.site.BaseURL + "/"},
	}
	if p.Phone != "" {
		ld["telephone"] = p.Phone
	}
	if lines := strings.Split(strings.TrimSpace(p.Address), "\n"); p.Address != "" {
		addr := map[string]any{"@type": "PostalAddress", "streetAddress": strings.Join(lines[:max(1, len(lines)-1)], ", "), "postalCode": p.Postcode, "addressCountry": "GB"}
		if len(lines) > 1 {
			addr["addressLocality"] = strings.TrimSpace(lines[len(lines)-1])
		}
		ld["address"] = addr
	}
	var spec []map[string]any
	for wd, spans := range p.Week() {
		for _, s := range spans {
			spec = append(spec, map[string]any{
				"@type": "OpeningHoursSpecification", "dayOfWeek": "https://schema.org/" + weekdayNames[wd],
				"opens": clock24(s.Open), "closes": clock24(s.Close),
			})
		}
	}
	if len(spec) > 0 {
		ld["openingHoursSpecification"] = spec
	}
	return ld
}

// organisationLD is schema.org data for the network's home page.
func organisationLD(r *request, practices []models.Practice) map[string]any {
	ld := map[string]any{"@context": "https://schema.org", "@type": "MedicalOrganization", "name": r.t.Name, "url": r.site.BaseURL + "/"}
	if r.settings.Phone != "" {
		ld["telephone"] = r.settings.Phone
	}
	if r.settings.Description != "" {
		ld["description"] = r.settings.Description
	}
	var members []map[string]any
	for _, p := range practices {
		members = append(members, map[string]any{"@type": "MedicalClinic", "name": p.Name, "url": r.site.BaseURL + "/practices/" + p.ODSCode})
	}
	if len(members) > 0 {
		ld["subOrganization"] = members
	}
	return ld
}

func clock24(min int) string {
	if min >= 1440 {
		return "23:59"
	}
	return twoDigits(min/60) + ":" + twoDigits(min%60)
}

func twoDigits(n int) string { return string([]byte{byte('0' + n/10), byte('0' + n%10)}) }
