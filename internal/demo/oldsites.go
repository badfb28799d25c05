package demo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/pcnweb/pcnweb/internal/oldsites"
)

// OldSite is a sample old website the demo serves on loopback, so that a
// newcomer can try "Import from your old website" without the internet.
type OldSite struct {
	Name   string // "wix", "nightingale", "plain"
	URL    string // "http://127.0.0.1:8081/": what to type into the import form
	Origin string // "127.0.0.1:8081": for safefetch.Options.AllowOrigins
}

// OldSitesPort is the first port the demo tries for its sample old sites.
const OldSitesPort = 8081

// ServeOldSites serves each sample old site (oldsites.Sites) on a port of
// its own on 127.0.0.1, from firstPort up (a port in use gives way to a
// free one), until ctx ends. One port per site, because the importer keeps
// to the host and port it was given and the sample sites' links are
// root-relative. The sites are only reachable from this machine; the
// importer reaches them because their origins go into its AllowOrigins,
// not by allowing private addresses in general.
func ServeOldSites(ctx context.Context, firstPort int, log *slog.Logger) ([]OldSite, error) {
	var served []OldSite
	var listeners []net.Listener
	for i, name := range oldsites.Sites() {
		ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(firstPort+i)))
		if err != nil {
			ln, err = net.Listen("tcp", "127.0.0.1:0")
		}
		if err != nil {
			for _, l := range listeners {
				_ = l.Close()
			}
			return nil, fmt.Errorf("demo: listen for the sample site %s: %w", name, err)
		}
		listeners = append(listeners, ln)
		addr := ln.Addr().String()
		served = append(served, OldSite{Name: name, URL: "http://" + addr + "/", Origin: addr})
	}
	for i, ln := range listeners {
		srv := &http.Server{Handler: oldsites.Handler(served[i].Name), ReadHeaderTimeout: 5 * time.Second}
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) && log != nil {
				log.Warn("demo: a sample old site stopped", "site", served[i].Name, "error", err)
			}
		}()
		go func() {
			<-ctx.Done()
			_ = srv.Close()
		}()
	}
	return served, nil
}
