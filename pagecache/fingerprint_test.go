package pagecache_test

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/internal/redishealth"
	"github.com/pcnweb/pcnweb/pagecache"
)

// release is a harness whose cache is of render fingerprint fp and whose
// pages say so.
func release(t *testing.T, mon *redishealth.Monitor, prefix, fp string, configure ...func(*pagecache.Options)) *harness {
	t.Helper()
	h := newHarness(t, mon, prefix, append([]func(*pagecache.Options){func(o *pagecache.Options) { o.Fingerprint = fp }}, configure...)...)
	h.body.Store("<p>rendered by " + fp + "</p>")
	return h
}

// waitInRedis waits until the entry at key is the render of fingerprint want
// (the L2 write happens in the background).
func waitInRedis(t *testing.T, mon *redishealth.Monitor, key, want string) {
	t.Helper()
	waitFor(t, func() bool {
		b, _ := mon.Client().Get(context.Background(), key).Bytes()
		return bytes.Contains(b, []byte(want)) // the wire format keeps the fingerprint in the clear
	})
}

// TestOtherFingerprintIsNeverAHit: release A's render of /about is in Redis;
// release B (another fingerprint) on the same Redis renders its own instead
// of answering A's as a hit, and the other way round.
func TestOtherFingerprintIsNeverAHit(t *testing.T) {
	for _, order := range [][2]string{{"release-1", "release-2"}, {"release-2", "release-1"}} {
		t.Run(order[0]+" then "+order[1], func(t *testing.T) {
			mon, prefix := sharedRedis(t)
			first := release(t, mon, prefix, order[0])
			second := release(t, mon, prefix, order[1])
			if r := first.get(t, "/about"); r.header.Get("Cache-Status") != "pcnweb; fwd=miss" {
				t.Fatalf("first render: %q", r.header.Get("Cache-Status"))
			}
			waitInRedis(t, mon, prefix+"page:7|/about", order[0])
			r := second.get(t, "/about")
			if got := r.header.Get("Cache-Status"); got != "pcnweb; fwd=miss" || string(r.body) != "<p>rendered by "+order[1]+"</p>" {
				t.Fatalf("other release: %q %q, want its own render (a miss), not the first release's page", got, r.body)
			}
			if r := second.get(t, "/about"); r.header.Get("Cache-Status") != "pcnweb; hit" || string(r.body) != "<p>rendered by "+order[1]+"</p>" {
				t.Errorf("other release, again: %q %q, want a hit of its own render", r.header.Get("Cache-Status"), r.body)
			}
			// The first release keeps its own copy in L1; a new replica of
			// it finds the second release's copy in Redis and renders.
			if r := first.get(t, "/about"); r.header.Get("Cache-Status") != "pcnweb; hit" || string(r.body) != "<p>rendered by "+order[0]+"</p>" {
				t.Errorf("first release from L1: %q %q", r.header.Get("Cache-Status"), r.body)
			}
			waitInRedis(t, mon, prefix+"page:7|/about", order[1])
			again := release(t, mon, prefix, order[0])
			if r := again.get(t, "/about"); r.header.Get("Cache-Status") != "pcnweb; fwd=miss" || string(r.body) != "<p>rendered by "+order[0]+"</p>" {
				t.Errorf("new replica of the first release: %q %q, want its own render", r.header.Get("Cache-Status"), r.body)
			}
		})
	}
}

// TestPreviousReleaseStandsInWhileRendering: the first request after a
// deploy renders; every request for the page meanwhile gets the previous
// release's copy at once, labelled stale, instead of waiting on the render.
func TestPreviousReleaseStandsInWhileRendering(t *testing.T) {
	mon, prefix := sharedRedis(t)
	old := release(t, mon, prefix, "release-1")
	old.get(t, "/about")
	waitInRedis(t, mon, prefix+"page:7|/about", "release-1")

	next := release(t, mon, prefix, "release-2")
	next.delay = 500 * time.Millisecond
	leader := make(chan response, 1)
	go func() { leader <- next.get(t, "/about") }()
	waitFor(t, func() bool { return next.running.Load() == 1 })
	for i := range 10 {
		start := time.Now()
		r := next.get(t, "/about")
		if r.status != 200 || r.header.Get("Cache-Status") != "pcnweb; hit; detail=stale" || string(r.body) != "<p>rendered by release-1</p>" {
			t.Fatalf("request %d during the render: %d %q %q, want the previous release's copy, stale", i, r.status, r.header.Get("Cache-Status"), r.body)
		}
		if d := time.Since(start); d > 250*time.Millisecond {
			t.Errorf("request %d waited %v for the previous copy", i, d)
		}
	}
	if r := <-leader; r.header.Get("Cache-Status") != "pcnweb; fwd=miss" || string(r.body) != "<p>rendered by release-2</p>" {
		t.Errorf("the render: %q %q", r.header.Get("Cache-Status"), r.body)
	}
	if r := next.get(t, "/about"); r.header.Get("Cache-Status") != "pcnweb; hit" || string(r.body) != "<p>rendered by release-2</p>" {
		t.Errorf("after the render: %q %q", r.header.Get("Cache-Status"), r.body)
	}
	if n := next.renders.Load(); n != 1 {
		t.Errorf("rendered %d times, want 1", n)
	}
}

// TestNoStandInAfterAPublish: a copy of an older generation never stands
// in, whichever release rendered it: requests wait for the new render.
func TestNoStandInAfterAPublish(t *testing.T) {
	mon, prefix := sharedRedis(t)
	old := release(t, mon, prefix, "release-1")
	old.get(t, "/about")
	waitInRedis(t, mon, prefix+"page:7|/about", "release-1")
	for _, fp := range []string{"release-1", "release-2"} {
		h := release(t, mon, prefix, fp)
		h.gen.Add(1) // a publish
		h.body.Store("<p>published</p>")
		h.delay = 200 * time.Millisecond
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if r := h.get(t, "/about"); string(r.body) != "<p>published</p>" {
					t.Errorf("%s after a publish: %q %q, want the new page", fp, r.header.Get("Cache-Status"), r.body)
				}
			}()
		}
		wg.Wait()
		if n := h.renders.Load(); n != 1 {
			t.Errorf("%s: rendered %d times, want 1", fp, n)
		}
	}
}

// TestRendersAreBounded: after a deploy every page is a miss at once; no
// more than MaxRenders render together. Pages with a previous release's
// copy are served from it while the slots are busy, pages without one wait
// for a slot; none gets an error.
func TestRendersAreBounded(t *testing.T) {
	mon, prefix := sharedRedis(t)
	const pages = 24
	old := release(t, mon, prefix, "release-1")
	for i := range pages / 2 {
		old.get(t, fmt.Sprintf("/p%d", i))
	}
	waitInRedis(t, mon, fmt.Sprintf("%spage:7|/p%d", prefix, pages/2-1), "release-1")

	next := release(t, mon, prefix, "release-2", func(o *pagecache.Options) { o.MaxRenders = 2 })
	next.delay = 50 * time.Millisecond
	var wg sync.WaitGroup
	statuses := make([]string, pages)
	for i := range pages {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := next.get(t, fmt.Sprintf("/p%d", i))
			if r.status != 200 {
				t.Errorf("/p%d: status %d", i, r.status)
			}
			statuses[i] = r.header.Get("Cache-Status")
		}()
	}
	wg.Wait()
	if p := next.peak.Load(); p > 2 {
		t.Errorf("%d renders at once, want at most 2", p)
	}
	for i, s := range statuses {
		hadCopy := i < pages/2
		switch {
		case !hadCopy && s != "pcnweb; fwd=miss":
			t.Errorf("/p%d (no previous copy): %q, want a miss (it waits for a slot)", i, s)
		case hadCopy && s != "pcnweb; fwd=miss" && s != "pcnweb; hit; detail=stale":
			t.Errorf("/p%d (previous copy): %q, want a miss or the stale copy", i, s)
		}
	}
	// Every page is rendered by the new release in the end.
	for i := range pages {
		for {
			r := next.get(t, fmt.Sprintf("/p%d", i))
			if r.header.Get("Cache-Status") == "pcnweb; hit" && string(r.body) == "<p>rendered by release-2</p>" {
				break
			}
			if r.header.Get("Cache-Status") == "pcnweb; fwd=miss" {
				continue
			}
			t.Fatalf("/p%d after the storm: %q %q", i, r.header.Get("Cache-Status"), r.body)
		}
	}
}

// TestBusyWithoutACopy: a miss with no copy of any kind waits for a slot
// for RenderTimeout, then gets 503 with Retry-After (never a 500).
func TestBusyWithoutACopy(t *testing.T) {
	h := newHarness(t, nil, "", func(o *pagecache.Options) { o.MaxRenders, o.RenderTimeout = 1, 100*time.Millisecond })
	h.delay = 600 * time.Millisecond
	done := make(chan response, 1)
	go func() { done <- h.get(t, "/slow") }()
	waitFor(t, func() bool { return h.running.Load() == 1 })
	r := h.get(t, "/other")
	if r.status != 503 || r.header.Get("Retry-After") == "" {
		t.Errorf("no slot, no copy: %d Retry-After %q, want 503 with Retry-After", r.status, r.header.Get("Retry-After"))
	}
	if r := <-done; r.status != 200 {
		t.Errorf("the render holding the slot: %d", r.status)
	}
}

// TestStaleIfErrorAcrossReleases: when this release cannot render (the
// database is down), the previous release's copy is the last good copy,
// for the current generation and for an older one alike.
func TestStaleIfErrorAcrossReleases(t *testing.T) {
	mon, prefix := sharedRedis(t)
	old := release(t, mon, prefix, "release-1")
	old.get(t, "/about")
	waitInRedis(t, mon, prefix+"page:7|/about", "release-1")
	for _, publish := range []bool{false, true} {
		h := release(t, mon, prefix, "release-2")
		if publish {
			h.gen.Add(1)
		}
		h.fail.Store(true)
		r := h.get(t, "/about")
		if r.status != 200 || r.header.Get("Cache-Status") != "pcnweb; hit; detail=stale" || string(r.body) != "<p>rendered by release-1</p>" {
			t.Errorf("publish %v, render failing: %d %q %q, want release 1's copy", publish, r.status, r.header.Get("Cache-Status"), r.body)
		}
	}
}

// TestBusyNeverUndoesAPublish: overload is not a failed render. When no
// render slot comes free after a publish, the copy from before the publish
// must not answer for the page (a corrected clinic time would be undone):
// the request gets 503 with Retry-After instead.
func TestBusyNeverUndoesAPublish(t *testing.T) {
	h := newHarness(t, nil, "", func(o *pagecache.Options) { o.MaxRenders, o.RenderTimeout = 1, 100*time.Millisecond })
	if r := h.get(t, "/about"); r.status != 200 {
		t.Fatalf("first render: %d", r.status)
	}
	h.delay = 600 * time.Millisecond
	done := make(chan response, 1)
	go func() { done <- h.get(t, "/slow") }()
	waitFor(t, func() bool { return h.running.Load() == 1 })
	h.gen.Add(1) // a publish
	r := h.get(t, "/about")
	if r.status != 503 || r.header.Get("Retry-After") == "" {
		t.Errorf("busy after a publish: %d %q %q, want 503 with Retry-After, not the copy from before the publish",
			r.status, r.header.Get("Cache-Status"), r.body)
	}
	if r := <-done; r.status != 200 {
		t.Errorf("the render holding the slot: %d", r.status)
	}
}
