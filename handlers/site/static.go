package site

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/sync/singleflight"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/pagecache"
	"github.com/pcnweb/pcnweb/themes"
)

// Cache-Control of static assets: a URL of this build or a stored release
// names its bytes' hash, so it may be cached for a year; a URL of another
// build answered with this build's file of the same name (the stored
// releases did not have it) may not.
const (
	immutableAsset = "public, max-age=31536000, immutable"
	standInAsset   = "public, max-age=300"
)

// KeepReleases is how many releases' assets the database keeps (RecordRelease).
const KeepReleases = 5

// ServeAsset serves the themes' static assets (/static/...), for every
// host: platform pages have their CSS too (serveAsset).
func ServeAsset(d Deps) fiber.Handler {
	return serveAsset(d.Themes, newReleaseAssets(d.DB, d.Logger))
}

// serveAsset serves theme assets from memory: this build's, else a recent
// release's from the database (a page that release rendered links them:
// during a rolling deploy, or from the shared cache), else this build's
// file of the same name with short caching. Only then a 404.
func serveAsset(reg *themes.Registry, past *releaseAssets) fiber.Handler {
	return func(c *fiber.Ctx) error {
		cacheControl := immutableAsset
		a, ok := reg.Asset(c.Path())
		if !ok {
			if p := past.asset(c.UserContext(), c.Path()); p != nil {
				a, ok = *p, true
			}
		}
		if !ok {
			if a, _, ok = reg.AssetByName(c.Path()); ok {
				cacheControl = standInAsset
			}
		}
		if !ok {
			return fiber.ErrNotFound
		}
		h := &c.Response().Header
		h.Set(fiber.HeaderCacheControl, cacheControl)
		h.Set(fiber.HeaderVary, fiber.HeaderAcceptEncoding)
		h.Set("Cross-Origin-Resource-Policy", "same-origin") // no other site embeds them
		body, etag, enc := representation(&a, pagecache.Negotiate(c.Request().Header.Peek(fiber.HeaderAcceptEncoding)))
		h.Set(fiber.HeaderETag, etag)
		if inm := c.Request().Header.Peek(fiber.HeaderIfNoneMatch); len(inm) > 0 && etagListed(inm, &a) {
			return c.SendStatus(fiber.StatusNotModified)
		}
		h.SetContentType(a.ContentType)
		if enc != pagecache.Identity {
			h.Set(fiber.HeaderContentEncoding, enc.String())
		}
		c.Response().SetBodyRaw(body)
		return nil
	}
}

// representation picks the body of a in the encoding the client prefers,
// or the next best that a has (an image has no brotli body, and its gzip
// body is no smaller than itself).
func representation(a *themes.Asset, want pagecache.Encoding) (body []byte, etag string, enc pagecache.Encoding) {
	if want == pagecache.Brotli && a.Brotli != nil {
		return a.Brotli, a.BrotliETag, pagecache.Brotli
	}
	if want != pagecache.Identity && len(a.Gzip) < len(a.Body) {
		return a.Gzip, a.GzipETag, pagecache.Gzip
	}
	return a.Body, a.ETag, pagecache.Identity
}

// etagListed is the weak comparison of If-None-Match (a list, "*", W/)
// against each representation's tag of a.
func etagListed(inm []byte, a *themes.Asset) bool {
	for part := range bytes.SplitSeq(inm, []byte{','}) {
		tag := bytes.TrimPrefix(bytes.TrimSpace(part), []byte("W/"))
		if string(tag) == "*" || string(tag) == a.ETag || string(tag) == a.GzipETag || string(tag) == a.BrotliETag {
			return true
		}
	}
	return false
}

// RecordRelease stores this build's assets in the database, under its render
// fingerprint, for the replicas of other releases to serve (serveAsset), and
// prunes those of all but the last KeepReleases releases. serve calls it at
// start-up.
func RecordRelease(ctx context.Context, db *models.DB, reg *themes.Registry) error {
	urls := reg.AssetURLs()
	assets := make([]models.ReleaseAsset, 0, len(urls))
	for _, u := range urls {
		a, _ := reg.Asset(u)
		assets = append(assets, models.ReleaseAsset{URL: u, ContentType: a.ContentType, ETag: a.ETag, Body: a.Body, Gzip: a.Gzip})
	}
	return db.RecordRelease(ctx, reg.Fingerprint(), assets, KeepReleases)
}

// releaseAssets answers asset URLs of other releases from the database. The
// list of stored URLs is kept in memory, so a request for a URL that no
// release has costs no query; it is read again on such a request at most
// every refreshEvery (a release that started since has added its own), and
// each stored asset is read once.
type releaseAssets struct {
	db  *models.DB
	log *slog.Logger

	mu       sync.Mutex
	urls     map[string]bool
	loadedAt time.Time
	assets   map[string]*themes.Asset
	sf       singleflight.Group
}

const refreshEvery = 2 * time.Second

func newReleaseAssets(db *models.DB, log *slog.Logger) *releaseAssets {
	if log == nil {
		log = slog.Default()
	}
	return &releaseAssets{db: db, log: log, assets: map[string]*themes.Asset{}}
}

// asset returns the stored asset at url, or nil.
func (r *releaseAssets) asset(ctx context.Context, url string) *themes.Asset {
	if r == nil || r.db == nil || !strings.HasPrefix(url, "/static/") {
		return nil
	}
	r.mu.Lock()
	a, known, fresh := r.assets[url], r.urls[url], time.Since(r.loadedAt) < refreshEvery
	r.mu.Unlock()
	if a != nil {
		return a
	}
	if !known && !fresh {
		r.refresh(ctx)
		r.mu.Lock()
		known = r.urls[url]
		r.mu.Unlock()
	}
	if !known {
		return nil
	}
	v, err, _ := r.sf.Do("asset\x00"+url, func() (any, error) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		ra, err := r.db.ReleaseAssetByURL(ctx, url)
		if err != nil {
			return nil, err
		}
		// Compressed with brotli here, once per URL: a release stores
		// only the identity and gzip bodies.
		a, err := themes.NewAsset(ra.Body, ra.Gzip, ra.ContentType, ra.ETag)
		if err != nil {
			return nil, err
		}
		r.mu.Lock()
		r.assets[strings.Clone(url)] = a
		r.mu.Unlock()
		return a, nil
	})
	if err != nil {
		if errors.Is(err, models.ErrNotFound) {
			// Pruned since the list was read: not worth a query per
			// request until the next refresh finds it (or doesn't).
			r.mu.Lock()
			delete(r.urls, url)
			r.mu.Unlock()
		} else {
			r.log.WarnContext(ctx, "load a release asset", "url", url, "error", err)
		}
		return nil
	}
	return v.(*themes.Asset)
}

// refresh reads the list of stored URLs again, and forgets the assets loaded
// that are no longer stored.
func (r *releaseAssets) refresh(ctx context.Context) {
	_, _, _ = r.sf.Do("urls", func() (any, error) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		list, err := r.db.ReleaseAssetURLs(ctx)
		r.mu.Lock()
		defer r.mu.Unlock()
		r.loadedAt = time.Now() // also after an error: retried after refreshEvery
		if err != nil {
			r.log.WarnContext(ctx, "list release assets", "error", err)
			return nil, nil
		}
		r.urls = make(map[string]bool, len(list))
		for _, u := range list {
			r.urls[u] = true
		}
		for u := range r.assets {
			if !r.urls[u] {
				delete(r.assets, u)
			}
		}
		return nil, nil
	})
}
