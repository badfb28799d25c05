package models_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

// TestRecordReleaseKeepsTheLastReleases: each release's assets are stored
// when it starts; an asset stays while any of the newest keep releases has
// it, and a release starting again counts as the newest.
func TestRecordReleaseKeepsTheLastReleases(t *testing.T) {
	for _, dialect := range []struct {
		name string
		open func(testing.TB) *models.DB
	}{{"postgres", modelstest.NewDB}, {"sqlite", modelstest.NewSQLite}} {
		t.Run(dialect.name, func(t *testing.T) {
			ctx := context.Background()
			db := dialect.open(t)
			asset := func(url string) models.ReleaseAsset {
				return models.ReleaseAsset{URL: url, ContentType: "text/css; charset=utf-8", ETag: `"` + url + `"`, Body: []byte("body of " + url), Gzip: []byte{0x1f, 0x8b}}
			}
			shared := "/static/default/logo.11111111.svg" // unchanged in every release
			record := func(fp string) {
				t.Helper()
				if err := db.RecordRelease(ctx, fp, []models.ReleaseAsset{asset(shared), asset("/static/default/site." + fp + ".css")}, 3); err != nil {
					t.Fatalf("record %s: %v", fp, err)
				}
			}
			for _, fp := range []string{"r1", "r2", "r3", "r4"} {
				record(fp)
			}
			record("r2") // r2 is rolled back to: it is the newest now
			// Twice more of the same release (another replica): no change.
			record("r2")
			urls, err := db.ReleaseAssetURLs(ctx)
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(urls)
			want := []string{shared, "/static/default/site.r2.css", "/static/default/site.r3.css", "/static/default/site.r4.css"}
			slices.Sort(want)
			if !slices.Equal(urls, want) {
				t.Errorf("stored %v, want %v (the last three releases: r3, r4, r2)", urls, want)
			}
			got, err := db.ReleaseAssetByURL(ctx, "/static/default/site.r3.css")
			if err != nil || string(got.Body) != "body of /static/default/site.r3.css" || got.ContentType != "text/css; charset=utf-8" || got.ETag != `"/static/default/site.r3.css"` {
				t.Errorf("r3's stylesheet: %+v, %v", got, err)
			}
			if _, err := db.ReleaseAssetByURL(ctx, "/static/default/site.r1.css"); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("r1's stylesheet (pruned): %v, want ErrNotFound", err)
			}
		})
	}
}
