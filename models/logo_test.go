package models_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

func TestLogoPath(t *testing.T) {
	hosts := []string{"alpha.localhost", "www.alphapcn.nhs.uk"}
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"", "", true},
		{"/media/12/640.png", "/media/12/640.png", true},
		{" /media/12/320.jpg ", "/media/12/320.jpg", true},
		{"https://www.alphapcn.nhs.uk/media/12/640.png", "/media/12/640.png", true},
		{"https://ALPHA.localhost./media/3/320.png", "/media/3/320.png", true},
		{"//evil.example/logo.png", "", false},
		{`/\evil.example/logo.png`, "", false},
		{`/media/12/..\640.png`, "", false},
		{"/media/12/640.png?x=1", "", false},
		{"/media/12/640.png#x", "", false},
		{"/media/012/640.png", "", false},
		{"/media/12/../../admin", "", false},
		{"/media//evil.example/640.png", "", false},
		{"/static/default/logo.svg", "", false},
		{"/media/\t12/640.png", "", false},
		{"https://evil.example/media/12/640.png", "", false},
		{"https://www.alphapcn.nhs.uk.evil.example/media/12/640.png", "", false},
		{"https://www.alphapcn.nhs.uk@evil.example/media/12/640.png", "", false},
		{"https://evil.example@www.alphapcn.nhs.uk/media/12/640.png", "", false},
		{"https://www.alphapcn.nhs.uk:8443/media/12/640.png", "", false},
		{"http://www.alphapcn.nhs.uk/media/12/640.png", "", false},
		{"https:www.alphapcn.nhs.uk/media/12/640.png", "", false},
		{"javascript:alert(1)", "", false},
		{"data:image/png;base64,AAAA", "", false},
		{"logo.png", "", false},
	}
	for _, tt := range tests {
		got, err := models.LogoPath(tt.in, hosts)
		var ve *models.ValidationError
		switch {
		case tt.ok && (err != nil || got != tt.want):
			t.Errorf("LogoPath(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		case !tt.ok && (!errors.As(err, &ve) || ve.Field != "logo_url"):
			t.Errorf("LogoPath(%q) = %q, %v; want a logo_url error", tt.in, got, err)
		}
	}
}

func FuzzLogoPath(f *testing.F) {
	for _, s := range []string{"/media/12/640.png", "https://alpha.localhost/media/1/320.jpg", "//evil.example/x.png", `/\evil`, "https://evil.example/media/1/320.png"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := models.LogoPath(in, []string{"alpha.localhost"})
		if err != nil || got == "" {
			return
		}
		id, file, ok := models.ParseMediaPath(got)
		if !ok || got != "/media/"+strconv.FormatInt(id, 10)+"/"+file || strings.ContainsAny(got, "\\?#%@:") {
			t.Fatalf("LogoPath(%q) = %q", in, got)
		}
	})
}

// A logo is an image of the tenant's own media library that exists.
func TestSettingsLogoMustBeOwnImage(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		alpha := db.ForTenant(ctx, modelstest.Tenant(t, db, "alpha").ID)
		beta := db.ForTenant(ctx, modelstest.Tenant(t, db, "beta").ID)
		img, err := alpha.AddMedia(testActor, models.Media{Kind: models.MediaImage, Filename: "logo.png", ContentType: "image/png", Alt: "Logo", Widths: "320,640"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		pdf, err := alpha.AddMedia(testActor, models.Media{Kind: models.MediaPDF, Filename: "x.pdf", ContentType: "application/pdf"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := beta.AddMedia(testActor, models.Media{Kind: models.MediaImage, Filename: "b.png", ContentType: "image/png", Alt: "B", Widths: "320"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		for _, tt := range []struct {
			logo string
			ok   bool
		}{
			{img.URL("640.png"), true},
			{img.URL("320.png"), true},
			{img.URL("1024.png"), false},   // a width it does not have
			{pdf.URL("file.pdf"), false},   // not an image
			{theirs.URL("320.png"), false}, // another tenant's
			{"/media/999999/320.png", false},
			{"//evil.example/logo.png", false},
			{`/\evil.example/logo.png`, false},
		} {
			s, _ := alpha.Settings()
			s.LogoURL, s.AccessibilityStatus = tt.logo, "partial"
			_, err := alpha.SaveSettingsAt(testActor, s, s.Version, now)
			var ve *models.ValidationError
			switch {
			case tt.ok && err != nil:
				t.Errorf("logo %q refused: %v", tt.logo, err)
			case !tt.ok && (!errors.As(err, &ve) || ve.Field != "logo_url"):
				t.Errorf("logo %q: %v, want a logo_url error", tt.logo, err)
			}
		}
	})
}
