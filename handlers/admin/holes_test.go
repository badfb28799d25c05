package admin_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/models"
)

// The logo setting takes only an image of the site's own media library,
// by its path or its https:// address on one of the site's own hosts;
// anything else is an error next to the field and nothing is saved.
func TestSettingsLogoOnlyFromOwnMedia(t *testing.T) {
	s := newServer(t, options{})
	tn := s.tenant(t, "alpha", "www.alphapcn.nhs.uk")
	beta := s.tenant(t, "beta")
	s.user(t, tn, "boss@example.nhs.uk", models.RoleManager)
	ctx := context.Background()
	img, err := s.db.ForTenant(ctx, tn.ID).AddMedia(models.Media{Kind: models.MediaImage, Filename: "logo.png", ContentType: "image/png", Alt: "Logo", Widths: "320"})
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := s.db.ForTenant(ctx, beta.ID).AddMedia(models.Media{Kind: models.MediaImage, Filename: "b.png", ContentType: "image/png", Alt: "B", Widths: "320"})
	if err != nil {
		t.Fatal(err)
	}
	const host = "alpha.localhost"
	b := s.browser()
	b.signIn(t, host, "boss@example.nhs.uk")
	for _, logo := range []string{
		"//evil.example/logo.png",
		`/\evil.example/logo.png`,
		"/\t/evil.example/logo.png",
		"https://evil.example/media/1/320.png",
		"https:evil.example/logo.png",
		"javascript:alert(1)",
		theirs.URL("320.png"),
		"/media/424242/320.png",
	} {
		form := settingsOpen(t, b, host)
		form.Set("logo_url", logo)
		r := b.post(t, host, "/admin/settings", form)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="logo_url-error"`) || !strings.Contains(r.body, `<a href="#logo_url">`) {
			t.Errorf("logo %q: %d\n%.2000s", logo, r.status, r.body)
		}
	}
	if cur, _ := s.db.ForTenant(ctx, tn.ID).Settings(); cur.Version != 0 {
		t.Fatalf("refused logos were saved: %+v", cur)
	}
	for _, logo := range []string{img.URL("320.png"), "https://www.alphapcn.nhs.uk" + img.URL("320.png"), "https://alpha.localhost" + img.URL("320.png")} {
		form := settingsOpen(t, b, host)
		form.Set("logo_url", logo)
		if r := b.post(t, host, "/admin/settings", form); r.status != http.StatusSeeOther {
			t.Fatalf("logo %q: %d\n%s", logo, r.status, r.body)
		}
		if cur, _ := s.db.ForTenant(ctx, tn.ID).Settings(); cur.LogoURL != img.URL("320.png") {
			t.Errorf("logo %q stored as %q, want the path %q", logo, cur.LogoURL, img.URL("320.png"))
		}
	}
}
