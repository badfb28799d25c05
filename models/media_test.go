package models_test

import (
	"context"
	"errors"
	"reflect"
	"strconv"
	"testing"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

func testMediaImage(alt string) models.Media {
	return models.Media{Kind: models.MediaImage, Filename: "clinic.jpg", ContentType: "image/jpeg", Alt: alt,
		Widths: "320,640,700", Width: 700, Height: 350, Bytes: 12345, SHA256: "ab"}
}

func TestMediaLifecycle(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		store := db.ForTenant(ctx, modelstest.Tenant(t, db, "highfives").ID)

		if _, err := store.AddMedia(testActor, testMediaImage("   "), nil); !isMediaFieldError(err, "alt") {
			t.Errorf("an image without alt text: %v, want a validation error on alt", err)
		}
		img, err := store.AddMedia(testActor, testMediaImage("The  surgery's front door"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if img.ID == 0 || img.Alt != "The surgery's front door" || img.Version != 1 {
			t.Errorf("added %+v", img)
		}
		if got := img.Files(); !reflect.DeepEqual(got, []string{"320.jpg", "640.jpg", "700.jpg"}) {
			t.Errorf("files %v", got)
		}
		if img.Src() != "/media/"+strconv.FormatInt(img.ID, 10)+"/700.jpg" {
			t.Errorf("src %s", img.Src())
		}
		pdf, err := store.AddMedia(testActor, models.Media{Kind: models.MediaPDF, Filename: "../../Annual report 2025.pdf", ContentType: "application/pdf", Bytes: 230 << 10, SHA256: "cd"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if pdf.Filename != "Annual report 2025.pdf" || pdf.Title != "Annual report 2025" || pdf.Src() != "/media/"+strconv.FormatInt(pdf.ID, 10)+"/file.pdf" {
			t.Errorf("PDF recorded as %q titled %q at %s", pdf.Filename, pdf.Title, pdf.Src())
		}

		all, err := store.AllMedia()
		if err != nil || len(all) != 2 || all[0].ID != pdf.ID {
			t.Fatalf("AllMedia: %v %+v, want the PDF first (newest)", err, all)
		}

		// Alt text: required, saved at the version it was opened at.
		if _, err := store.SetMediaAlt(testActor, img.ID, 1, "", ""); !isMediaFieldError(err, "alt") {
			t.Errorf("clearing the alt text: %v", err)
		}
		saved, err := store.SetMediaAlt(testActor, img.ID, 1, "Front door of Fivefields surgery", "")
		if err != nil || saved.Version != 2 {
			t.Fatalf("SetMediaAlt: %v version %d", err, saved.Version)
		}
		if _, err := store.SetMediaAlt(testActor, img.ID, 1, "An older edit", ""); !errors.Is(err, models.ErrStale) {
			t.Errorf("a save from version 1 after version 2: %v, want ErrStale", err)
		}
		if m, _ := store.MediaByID(img.ID); m.Alt != "Front door of Fivefields surgery" || m.Version != 2 {
			t.Errorf("after the refused save: %q version %d", m.Alt, m.Version)
		}

		if err := store.DeleteMedia(testActor, img.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := store.MediaByID(img.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("after delete: %v", err)
		}
	})
}

func TestMediaOfAnotherTenantIsNotFound(t *testing.T) {
	dialects(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		a := db.ForTenant(ctx, modelstest.Tenant(t, db, "alpha").ID)
		b := db.ForTenant(ctx, modelstest.Tenant(t, db, "bravo").ID)
		m, err := a.AddMedia(testActor, testMediaImage("A photo"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.MediaByID(m.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("read: %v", err)
		}
		if _, err := b.SetMediaAlt(testActor, m.ID, 1, "Taken over", ""); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("set alt: %v", err)
		}
		if err := b.DeleteMedia(testActor, m.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("delete: %v", err)
		}
		if list, _ := b.AllMedia(); len(list) != 0 {
			t.Errorf("bravo lists %d items of alpha", len(list))
		}
		if got, err := a.MediaByID(m.ID); err != nil || got.Alt != "A photo" || got.Version != 1 {
			t.Errorf("alpha's item after bravo's attempts: %v %+v", err, got)
		}
	})
}

func TestSanitizeFilename(t *testing.T) {
	for in, want := range map[string]string{
		"photo.jpg":                  "photo.jpg",
		`C:\Users\jane\My photo.JPG`: "My photo.JPG",
		"../../etc/passwd":           "passwd",
		`a"b<c>.pdf`:                 "a-b-c-.pdf",
		"...":                        "file",
		"":                           "file",
		"Café\tmenu.pdf":             "Caf menu.pdf",
	} {
		if got := models.SanitizeFilename(in); got != want {
			t.Errorf("SanitizeFilename(%q) = %q, want %q", in, got, want)
		}
	}
}

func isMediaFieldError(err error, field string) bool {
	var ve *models.ValidationError
	return errors.As(err, &ve) && ve.Field == field
}
