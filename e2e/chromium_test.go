package e2e

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// chromiumPath is where the Debian package installs Chromium.
// PCNWEB_E2E_CHROMIUM overrides it.
const chromiumPath = "/usr/bin/chromium"

// hostResolverRules makes every host name fail to resolve except the
// loopback names the test server answers on, so a request to a third party
// fails loudly (and shows up in the network log) instead of leaving the
// machine. Chromium resolves *.localhost to loopback itself, but only when
// the rules let the name through.
const hostResolverRules = "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost, EXCLUDE *.localhost"

var (
	browserOnce   sync.Once
	browserCtx    context.Context
	browserErr    error
	browserStop   func()
	browserStopMu sync.Mutex
)

// browser returns the context of the one Chromium that the package's tests
// share, starting it on first use. Without Chromium the test skips, or fails
// in CI.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath
	if p := os.Getenv("PCNWEB_E2E_CHROMIUM"); p != "" {
		path = p
	}
	if _, err := os.Stat(path); err != nil {
		msg := fmt.Sprintf("Chromium is not installed at %s (apt-get install -y chromium)", path)
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg + "; browser tests skip locally, and fail in CI")
	}
	browserOnce.Do(func() { browserCtx, browserErr = startBrowser(path) })
	if browserErr != nil {
		t.Fatalf("starting Chromium: %v", browserErr)
	}
	return browserCtx
}

func startBrowser(path string) (context.Context, error) {
	profile, err := os.MkdirTemp("", "pcnweb-e2e-chromium-")
	if err != nil {
		return nil, err
	}
	// The defaults already run headless with no first-run UI, background
	// networking off and /dev/shm unused.
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("host-resolver-rules", hostResolverRules),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	stop := func() {
		cancelBrowser()
		cancelAlloc()
		_ = os.RemoveAll(profile)
	}
	// The first Do starts the browser and binds it to its context, so that
	// context must not be one with a timeout.
	if err := chromedp.Do(ctx); err != nil {
		stop()
		return nil, err
	}
	browserStopMu.Lock()
	browserStop = stop
	browserStopMu.Unlock()
	return ctx, nil
}

// closeBrowser stops Chromium if a test started it.
func closeBrowser() {
	browserStopMu.Lock()
	defer browserStopMu.Unlock()
	if browserStop != nil {
		browserStop()
		browserStop = nil
	}
}

// viewport is a width the pages are checked at.
type viewport struct {
	name          string
	width, height int64
	mobile        bool
}

var (
	desktop   = viewport{"desktop", 1280, 900, false}
	mobile    = viewport{"mobile", 375, 812, true}
	viewports = []viewport{desktop, mobile}
)

// tab is a new browser tab with the network log on and the cache off.
type tab struct {
	ctx context.Context
	net *netLog
}

// openTab opens a tab at the viewport size. The tab closes when the test
// ends. chromedp.WithNewBrowserContext() among opts gives the tab cookies of
// its own (a separate signed-in user).
func openTab(t *testing.T, vp viewport, opts ...chromedp.ContextOption) *tab {
	t.Helper()
	return openTabFor(t, vp, time.Minute, opts...)
}

// openTabFor is openTab for a tab that may live longer than a minute (one
// tab walking many pages).
func openTabFor(t *testing.T, vp viewport, life time.Duration, opts ...chromedp.ContextOption) *tab {
	t.Helper()
	tabCtx, closeTab := chromedp.NewContext(browser(t), opts...)
	ctx, cancel := context.WithTimeout(tabCtx, life)
	t.Cleanup(func() { cancel(); closeTab() })
	log := &netLog{reqs: map[network.RequestID]*request{}}
	if err := chromedp.Listen(ctx, log.handle); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	emulate := []chromedp.EmulateViewportOption{}
	if vp.mobile {
		emulate = append(emulate, chromedp.EmulateMobile, chromedp.EmulatePortrait)
	}
	err := chromedp.Do(ctx,
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			if _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{}); err != nil {
				return err
			}
			_, err := cdp.Call(ctx, tg, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true})
			return err
		}),
		chromedp.EmulateViewport(vp.width, vp.height, emulate...),
	)
	if err != nil {
		t.Fatalf("set up tab: %v", err)
	}
	return &tab{ctx: ctx, net: log}
}

// load navigates to the page, checks its status and waits until the
// network is quiet (module scripts, late requests).
func (tb *tab) load(t *testing.T, pc pageCase) {
	t.Helper()
	if pc.err != "" {
		t.Fatal(pc.err)
	}
	resp, err := chromedp.Run(tb.ctx, chromedp.NavigateResponse(pc.url()))
	if err != nil {
		t.Fatalf("load %s: %v", pc.url(), err)
	}
	if resp == nil || int(resp.Status) != pc.wantStatus {
		status := int64(0)
		if resp != nil {
			status = resp.Status
		}
		t.Fatalf("load %s: status %d, want %d", pc.url(), status, pc.wantStatus)
	}
	tb.net.waitIdle(tb.ctx, 150*time.Millisecond, 5*time.Second)
}

//go:embed testdata/axe.min.js
var axeSource string

// axeTags are the rule sets of WCAG 2.2 level AA.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

type axeNode struct {
	Target  string `json:"target"`
	HTML    string `json:"html"`
	Summary string `json:"summary"`
}

type axeViolation struct {
	ID      string    `json:"id"`
	Impact  string    `json:"impact"`
	Help    string    `json:"help"`
	HelpURL string    `json:"helpUrl"`
	Count   int       `json:"count"`
	Nodes   []axeNode `json:"nodes"`
}

// runAxe injects axe-core into the loaded page and returns the violations
// of the WCAG 2.2 AA rules.
func (tb *tab) runAxe(t *testing.T) []axeViolation {
	t.Helper()
	loaded, err := chromedp.Run(tb.ctx, chromedp.Evaluate[bool](`typeof window.axe === "object"`))
	if err != nil {
		t.Fatalf("axe: %v", err)
	}
	if !loaded {
		if err := chromedp.Do(tb.ctx, chromedp.Evaluate[chromedp.Void](axeSource)); err != nil {
			t.Fatalf("inject axe-core: %v", err)
		}
	}
	tags, _ := json.Marshal(axeTags)
	js := `axe.run(document, {runOnly: {type: 'tag', values: ` + string(tags) + `}, resultTypes: ['violations']})
  .then(r => r.violations.map(v => ({
    id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl, count: v.nodes.length,
    nodes: v.nodes.slice(0, 5).map(n => ({target: JSON.stringify(n.target), html: n.html, summary: n.failureSummary || ''})),
  })))`
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]axeViolation](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe.run: %v", err)
	}
	return v
}

// request is one network request of a page.
type request struct {
	url       string
	typ       network.ResourceType
	status    int64
	bytes     float64 // encoded bytes on the wire, headers included
	done      bool
	failed    string
	fromCache bool
}

// netLog records the requests of a tab from CDP network events. Its handle
// func runs on the tab's event loop, so it only stores.
type netLog struct {
	mu    sync.Mutex
	reqs  map[network.RequestID]*request
	order []network.RequestID
	last  time.Time // last event
}

func (l *netLog) handle(ev any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	get := func(id network.RequestID) *request {
		r, ok := l.reqs[id]
		if !ok {
			r = &request{}
			l.reqs[id] = r
			l.order = append(l.order, id)
		}
		return r
	}
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		r := get(e.RequestID)
		if e.RedirectResponse != nil {
			// The same id carries on after a redirect; count the
			// redirect's headers as bytes on the wire.
			r.bytes += e.RedirectResponse.EncodedDataLength
		}
		if e.Request != nil {
			r.url = e.Request.URL
		}
		r.typ = e.Type
		r.done = false
	case *network.EventResponseReceived:
		r := get(e.RequestID)
		r.typ = e.Type
		if e.Response != nil {
			r.status = e.Response.Status
			if r.url == "" {
				r.url = e.Response.URL
			}
		}
	case *network.EventRequestServedFromCache:
		get(e.RequestID).fromCache = true
	case *network.EventLoadingFinished:
		r := get(e.RequestID)
		r.bytes += e.EncodedDataLength
		r.done = true
	case *network.EventLoadingFailed:
		r := get(e.RequestID)
		r.failed = e.ErrorText
		if e.BlockedReason != "" {
			r.failed += " (blocked: " + string(e.BlockedReason) + ")"
		}
		r.done = true
	default:
		return
	}
	l.last = time.Now()
}

// waitIdle waits until no request is in flight and no network event came
// for quiet, or until max has passed.
func (l *netLog) waitIdle(ctx context.Context, quiet, max time.Duration) {
	deadline := time.Now().Add(max)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		l.mu.Lock()
		busy := time.Since(l.last) < quiet
		for _, r := range l.reqs {
			if !r.done {
				busy = true
			}
		}
		l.mu.Unlock()
		if !busy {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// requests returns a copy of the requests in the order they started.
func (l *netLog) requests() []request {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]request, 0, len(l.order))
	for _, id := range l.order {
		out = append(out, *l.reqs[id])
	}
	return out
}

// foreign returns the requests to any host other than the test server:
// anything but http://<loopback name>:<server port>. data:, blob: and
// about: URLs make no request to a host.
func foreign(reqs []request) []request {
	var out []request
	for _, r := range reqs {
		u, err := url.Parse(r.url)
		if err != nil {
			out = append(out, r)
			continue
		}
		switch u.Scheme {
		case "data", "blob", "about":
			continue
		}
		h := u.Hostname()
		loopback := h == "127.0.0.1" || h == "localhost" || strings.HasSuffix(h, ".localhost")
		if u.Scheme != "http" || !loopback || u.Port() != srv.port {
			out = append(out, r)
		}
	}
	return out
}

// weight sums the bytes on the wire of a page's requests by kind.
type weight struct {
	requests                    int
	html, css, js, image, other float64
}

func (w weight) total() float64 { return w.html + w.css + w.js + w.image + w.other }

func weigh(reqs []request) weight {
	var w weight
	for _, r := range reqs {
		if strings.HasPrefix(r.url, "data:") {
			continue
		}
		w.requests++
		switch r.typ {
		case network.ResourceTypeDocument:
			w.html += r.bytes
		case network.ResourceTypeStylesheet:
			w.css += r.bytes
		case network.ResourceTypeScript:
			w.js += r.bytes
		case network.ResourceTypeImage:
			w.image += r.bytes
		default:
			w.other += r.bytes
		}
	}
	return w
}

// describe lists requests one a line, for failure messages.
func describe(reqs []request) string {
	lines := make([]string, 0, len(reqs))
	for _, r := range reqs {
		s := fmt.Sprintf("  %-10s %3d %7.0f B  %s", r.typ, r.status, r.bytes, r.url)
		if r.failed != "" {
			s += "  FAILED: " + r.failed
		}
		lines = append(lines, s)
	}
	return strings.Join(lines, "\n")
}
