package site

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/sync/singleflight"

	"github.com/pcnweb/pcnweb/models"
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
		gz := strings.Contains(c.Get(fiber.HeaderAcceptEncoding), "gzip") && len(a.Gzip) < len(a.Body)
		gzTag := strings.TrimSuffix(a.ETag, `"`) + `-gz"`
		if gz {
			h.Set(fiber.HeaderETag, gzTag)
		} else {
			h.Set(fiber.HeaderETag, a.ETag)
		}
		if inm := c.Get(fiber.HeaderIfNoneMatch); inm == a.ETag || inm == gzTag {
			return c.SendStatus(fiber.StatusNotModified)
		}
		h.SetContentType(a.ContentType)
		if gz {
			h.Set(fiber.HeaderContentEncoding, "gzip")
			c.Response().SetBodyRaw(a.Gzip)
			return nil
		}
		c.Response().SetBodyRaw(a.Body)
		return nil
	}
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
		a := &themes.Asset{Body: ra.Body, Gzip: ra.Gzip, ContentType: ra.ContentType, ETag: ra.ETag}
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
