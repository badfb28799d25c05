// Package e2e holds the browser quality bars of the public site: every page
// type of the demo tenants is loaded in headless Chromium and checked with
// axe-core (WCAG 2.2 AA), weighed on the wire, driven with the keyboard, and
// its served HTML is checked for structure.
//
// The tests build cmd/pcnweb, run `pcnweb serve --demo` as a subprocess on
// embedded SQLite, and drive /usr/bin/chromium through chromedp. Run them
// with
//
//	go test ./e2e/
//
// Set PCNWEB_WRITE_WEIGHTS=path to also write the measured page weights as a
// Markdown table (for BENCHMARKS.md):
//
//	PCNWEB_WRITE_WEIGHTS=$PWD/weights.md go test ./e2e/ -run TestPageWeight -v
//
// Without Chromium the browser tests skip locally and fail in CI (when CI is
// set). PCNWEB_E2E_CHROMIUM points at another Chromium, PCNWEB_E2E_BIN at a
// prebuilt pcnweb binary (instead of building ./cmd/pcnweb), and -short skips
// the package.
package e2e
