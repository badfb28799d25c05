package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/pcnweb/pcnweb/internal/testenv"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

// TestSentinelFailover: two servers on PostgreSQL and a Redis master watched
// by three sentinels (REDIS_URL=redis+sentinel://…). The master is killed
// while both serve cached and uncached pages: no request gets a 5xx, the
// sentinels promote the replica, and then a publish made with the CLI
// reaches the other server through the invalidation bus again (its
// acknowledgement counter moves and the new page is there the moment the
// command returns, well before the 30 s poll).
func TestSentinelFailover(t *testing.T) {
	sentinels := testenv.StartSentinels(t)
	prefix := "failover" + testenv.Token(4) + ":"
	env := map[string]string{
		"DATABASE_URL": modelstest.NewURL(t), "REDIS_URL": sentinels.URL, "PCNWEB_REDIS_PREFIX": prefix, "LOG_LEVEL": "error",
	}
	mustCLI(t, env, "", "migrate")
	mustCLI(t, env, "", "tenant", "create", "--slug", "highfives", "--name", "High Fives PCN")
	mustCLI(t, env, "", "tenant", "launch", "highfives")
	mustCLI(t, env, "Before the failover.", "page", "put", "--tenant", "highfives", "--path", "/about", "--title", "About us")
	a, b := startServer(t, env), startServer(t, env)
	for _, s := range []*instance{a, b} {
		s.get(t, "highfives.localhost", "/about") // into the cache
		if p := s.get(t, "highfives.localhost", "/about"); p.header.Get("Cache-Status") != "pcnweb; hit" {
			t.Fatalf("%s: /about not cached before the failover: %d %q", s.addr, p.status, p.header.Get("Cache-Status"))
		}
	}

	// Load: cached /about and uncached searches (a new query each time) on
	// both servers, until the test says stop.
	var (
		stop     atomic.Bool
		requests atomic.Int64
		mu       sync.Mutex
		failures []string
		wg       sync.WaitGroup
	)
	client := &http.Client{Timeout: 10 * time.Second}
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				s := []*instance{a, b}[(w+i)%2]
				path := "/about"
				if i%2 == 1 {
					path = "/search?q=clinic" + strconv.Itoa(w*1_000_000+i)
				}
				req, _ := http.NewRequest(http.MethodGet, "http://"+s.addr+path, nil)
				req.Host = "highfives.localhost"
				resp, err := client.Do(req)
				requests.Add(1)
				if err != nil {
					mu.Lock()
					failures = append(failures, fmt.Sprintf("%s %s: %v", s.addr, path, err))
					mu.Unlock()
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode >= 500 {
					mu.Lock()
					failures = append(failures, fmt.Sprintf("%s %s: %d %s", s.addr, path, resp.StatusCode, resp.Header.Get("Cache-Status")))
					mu.Unlock()
				}
			}
		}()
	}
	time.Sleep(500 * time.Millisecond)

	old := sentinels.MasterAddr(t)
	killed := time.Now()
	sentinels.Master.Stop(t)
	newMaster := sentinels.WaitFailover(t, old, 30*time.Second)
	t.Logf("failover: master %s killed, %s promoted after %s", old, newMaster, time.Since(killed).Round(time.Millisecond))

	// Both servers follow the new master: readiness (which pings Redis)
	// recovers, and both are subscribed to the invalidations on it.
	nm := redis.NewClient(&redis.Options{Addr: newMaster})
	defer nm.Close()
	ctx := context.Background()
	waitFor(t, 30*time.Second, func() bool {
		for _, s := range []*instance{a, b} {
			resp, err := http.Get("http://" + s.internal + "/readyz")
			if err != nil {
				return false
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !strings.Contains(string(body), `"redis":"ok"`) {
				return false
			}
		}
		return nm.PubSubNumSub(ctx, prefix+"invalidate").Val()[prefix+"invalidate"] == 2
	})
	t.Logf("servers back on Redis %s after the kill", time.Since(killed).Round(time.Millisecond))

	// A publish on the CLI reaches both servers through the bus.
	before := invalidations(t, b)
	mustCLI(t, env, "After the failover.", "page", "put", "--tenant", "highfives", "--path", "/about", "--title", "About us")
	for _, s := range []*instance{a, b} {
		if p := s.get(t, "highfives.localhost", "/about"); p.status != 200 || !strings.Contains(p.body, "After the failover.") {
			t.Errorf("%s right after the publish: %d %q, want the new page", s.addr, p.status, p.header.Get("Cache-Status"))
		}
	}
	if after := invalidations(t, b); after <= before {
		t.Errorf("server B applied %v invalidation messages before the publish and %v after: the publish did not travel on the bus", before, after)
	}
	// And the page cache is in Redis again: an entry for /about is on the new master.
	waitFor(t, 5*time.Second, func() bool {
		keys, _ := nm.Keys(ctx, prefix+"page:*").Result()
		return len(keys) > 0
	})

	stop.Store(true)
	wg.Wait()
	t.Logf("%d requests during the test", requests.Load())
	if len(failures) > 0 {
		t.Errorf("%d of %d requests failed during the failover; first: %s", len(failures), requests.Load(), strings.Join(failures[:min(5, len(failures))], "; "))
	}
}

// invalidations is the server's pcnweb_invalidations_total.
func invalidations(t *testing.T, s *instance) float64 {
	t.Helper()
	resp, err := http.Get("http://" + s.internal + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for line := range strings.Lines(string(body)) {
		if v, ok := strings.CutPrefix(line, "pcnweb_invalidations_total "); ok {
			n, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				t.Fatalf("metrics: %q", line)
			}
			return n
		}
	}
	t.Fatal("metrics: no pcnweb_invalidations_total")
	return 0
}
