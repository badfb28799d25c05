package pagecache_test

import (
	"context"
	"net"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/pcnweb/pcnweb/internal/testenv"
)

// getCounter is a go-redis hook that counts the GETs a client sends.
type getCounter struct{ n atomic.Int64 }

func (g *getCounter) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) { return next(ctx, network, addr) }
}

func (g *getCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if cmd.Name() == "get" {
			g.n.Add(1)
		}
		return next(ctx, cmd)
	}
}

func (g *getCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		for _, cmd := range cmds {
			if cmd.Name() == "get" {
				g.n.Add(1)
			}
		}
		return next(ctx, cmds)
	}
}

// TestRedisIsReadOncePerRequest: a request reads the page from Redis at
// most once, whatever happens after: a hit, a render, a failed render
// answered with the copy it read, or a failed render with no copy at all.
func TestRedisIsReadOncePerRequest(t *testing.T) {
	url, prefix := testenv.Redis(t)
	writer := newHarness(t, redisMonitor(t, url), prefix)

	tests := []struct {
		name       string
		path       string
		newerGen   bool // the tenant published since the copy in Redis
		fail       bool // rendering fails (the database is away)
		wantStatus int
		wantCache  string
	}{
		{"hit in Redis", "/hit", false, false, 200, "pcnweb; hit"},
		{"older copy in Redis, render", "/render", true, false, 200, "pcnweb; fwd=miss"},
		{"older copy in Redis, render fails: that copy", "/stale", true, true, 200, "pcnweb; hit; detail=stale"},
		{"nothing in Redis, render fails", "/never", false, true, 500, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.path != "/never" {
				writer.get(t, tt.path, "Accept-Encoding", "gzip")
				waitForKey(t, prefix+"page:7|"+tt.path)
			}
			mon := redisMonitor(t, url)
			gets := &getCounter{}
			mon.Client().AddHook(gets)
			h := newHarness(t, mon, prefix) // a replica with an empty L1
			if tt.newerGen {
				h.gen.Add(1)
			}
			h.fail.Store(tt.fail)
			r := h.get(t, tt.path, "Accept-Encoding", "gzip")
			if r.status != tt.wantStatus || r.header.Get("Cache-Status") != tt.wantCache {
				t.Fatalf("%d %q, want %d %q", r.status, r.header.Get("Cache-Status"), tt.wantStatus, tt.wantCache)
			}
			if n := gets.n.Load(); n != 1 {
				t.Errorf("%d GETs from Redis, want 1", n)
			}
		})
	}
}

func waitForKey(t *testing.T, key string) {
	t.Helper()
	mon := redisMonitor(t, testenv.RedisURL())
	waitFor(t, func() bool {
		n, _ := mon.Client().Exists(context.Background(), key).Result()
		return n == 1
	})
}
