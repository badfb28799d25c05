package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/internal/testenv"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

// TestServeRecordsItsRelease: `pcnweb serve` stores its assets for the other
// releases of a rolling deploy, and serves theirs from the database: a
// stylesheet URL of another release (recorded there as that release
// starting would) resolves with that release's bytes.
func TestServeRecordsItsRelease(t *testing.T) {
	redisURL, prefix := testenv.Redis(t)
	dbURL := modelstest.NewURL(t)
	env := map[string]string{"DATABASE_URL": dbURL, "REDIS_URL": redisURL, "PCNWEB_REDIS_PREFIX": prefix, "LOG_LEVEL": "warn"}
	srv := startServer(t, env)
	db := modelstest.Open(t, dbURL)
	ctx := context.Background()
	urls, err := db.ReleaseAssetURLs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var css string
	for _, u := range urls {
		if strings.HasPrefix(u, "/static/default/nhsuk-frontend.min.") && strings.HasSuffix(u, ".css") {
			css = u
		}
	}
	if css == "" {
		t.Fatalf("serve recorded no stylesheet among %v", urls)
	}
	if p := srv.get(t, "anything.example", css); p.status != 200 || !strings.Contains(p.header.Get("Cache-Control"), "immutable") {
		t.Errorf("this release's stylesheet: %d %q", p.status, p.header.Get("Cache-Control"))
	}

	other := "/static/default/nhsuk-frontend.min.0badc0de.css"
	body := []byte("body{color:#212b32}")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write(body)
	_ = zw.Close()
	if err := db.RecordRelease(ctx, "another-release", []models.ReleaseAsset{{
		URL: other, ContentType: "text/css; charset=utf-8", ETag: `"0badc0de"`, Body: body, Gzip: gz.Bytes(),
	}}, 5); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10e9, func() bool {
		p := srv.get(t, "anything.example", other)
		return p.status == 200 && p.body == "body{color:#212b32}" && strings.Contains(p.header.Get("Cache-Control"), "immutable")
	})
}
