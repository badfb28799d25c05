package site_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

// TestBodyImagesHaveTheirSize: an image of the media library in a body has
// the width and height of the library's record (scaled to the stored width
// its src names), so the page keeps its room and nothing jumps; and every
// page loads the sheet that fits body images to the column. Another
// tenant's page naming the same id gets no size from this library.
func TestBodyImagesHaveTheirSize(t *testing.T) {
	s := newServer(t, serverOptions{})
	ctx := context.Background()
	store := s.db.ForTenant(ctx, modelstest.Tenant(t, s.db, "highfives").ID)
	modelstest.Tenant(t, s.db, "riverside")
	m, err := store.AddMedia(testActor, models.Media{Kind: models.MediaImage, Filename: "door.jpg", ContentType: "image/jpeg", Alt: "The front door",
		Widths: "320,640,1024", Width: 2048, Height: 1536}, func(models.Media) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	body := fmt.Sprintf("Our new building.\n\n![The front door](/media/%d/1024.jpg)", m.ID)
	s.putPage(t, "highfives", "/about", "About us", body)
	s.putPage(t, "riverside", "/about", "About us", body)
	if _, err := store.SavePost(testActor, 0, models.Post{Slug: "opening", Title: "We have moved", BodyMD: fmt.Sprintf("![The front door](/media/%d/640.jpg)", m.ID),
		PublishedAt: ptrTime(london("2026-01-05 09:00"))}); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{"/about": `width="1024" height="768"`, "/news/opening": `width="640" height="480"`} {
		r := s.get(t, "highfives.localhost", path)
		if r.status != 200 || !strings.Contains(r.body, want) || !strings.Contains(r.body, `srcset="/media/`) {
			t.Errorf("%s: %d, the library image lacks %s", path, r.status, want)
		}
		if !strings.Contains(r.body, "/static/default/site.") {
			t.Errorf("%s: the page does not load site.css", path)
		}
	}
	if r := s.get(t, "riverside.localhost", "/about"); strings.Contains(r.body, `height="768"`) {
		t.Errorf("another tenant's page got its size from highfives's library")
	}
}

func ptrTime(t time.Time) *time.Time { return &t }
