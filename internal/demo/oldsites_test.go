package demo

import (
	"context"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pcnweb/pcnweb/internal/oldsites"
)

// TestServeOldSitesServesEachSampleSiteOnItsOwnPort: every sample site
// answers its home page on a loopback port of its own, a port in use gives
// way to another, and the sites stop with the context.
func TestServeOldSitesServesEachSampleSiteOnItsOwnPort(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	_, port, _ := net.SplitHostPort(busy.Addr().String())
	first, err := strconv.Atoi(port)
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	sites, err := ServeOldSites(ctx, first, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(sites) != len(oldsites.Sites()) {
		t.Fatalf("served %d sites, want %d", len(sites), len(oldsites.Sites()))
	}
	seen := map[string]bool{}
	for i, s := range sites {
		if s.Name != oldsites.Sites()[i] || seen[s.Origin] || s.URL != "http://"+s.Origin+"/" {
			t.Errorf("site %d: %+v", i, s)
		}
		seen[s.Origin] = true
		if s.Origin == busy.Addr().String() {
			t.Errorf("%s is served on the port already in use", s.Name)
		}
		if host, _, _ := net.SplitHostPort(s.Origin); host != "127.0.0.1" {
			t.Errorf("%s is served on %s, not on loopback", s.Name, s.Origin)
		}
		resp, err := http.Get(s.URL)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(strings.ToLower(string(body)), "<title>") {
			t.Errorf("%s: %d\n%.300s", s.URL, resp.StatusCode, body)
		}
	}
	stop()
	deadline := time.Now().Add(5 * time.Second)
	for _, s := range sites {
		for {
			c, err := net.DialTimeout("tcp", s.Origin, time.Second)
			if err != nil {
				break
			}
			c.Close()
			if time.Now().After(deadline) {
				t.Fatalf("%s still answers after the context ended", s.Name)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}
