// Package handlers is the public listener's front door: New builds the one
// Fiber app that every request on PCNWEB_ADDR goes through, and routes.go
// shows where each request goes. Each audience is a package of its own,
// with every one of its routes in its own routes.go:
//
//   - site: the public sites of tenants (handlers/site/routes.go)
//   - admin: the tenant's admin panel at /admin (handlers/admin/routes.go)
//   - console: the operators' console on its own host (handlers/console/routes.go)
//   - api: the operators' JSON API at /api/v1 on the console host (handlers/api/routes.go)
//
// The internal listener (health, metrics, pprof) is handlers/ops.
package handlers

import (
	"github.com/pcnweb/pcnweb/internal/accesslog"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/handlers/admin"
	"github.com/pcnweb/pcnweb/handlers/api"
	"github.com/pcnweb/pcnweb/handlers/console"
	"github.com/pcnweb/pcnweb/handlers/site"
	"github.com/pcnweb/pcnweb/internal/hostname"
	"github.com/pcnweb/pcnweb/tenants"
)

// Deps are what the public listener needs: each audience's own Deps.
type Deps struct {
	// Site is the public site. Its Web, Logger, Metrics, Resolver, Scheme
	// and Port are the whole listener's: framing, security headers, access
	// log and tenant resolution.
	Site site.Deps
	// Admin is the admin panel, mounted at tenants.AdminPath on tenant
	// hosts; nil serves no panel.
	Admin *admin.Deps
	// ConsoleHost is the operators' host (normalised): its requests go to
	// the API (/api/...) or the console (everything else), never to a
	// tenant. "" has no console host. A nil Console or API answers 404.
	ConsoleHost string
	Console     *console.Deps
	API         *api.Deps
	// AccessLog is the listener's access log (nil: none).
	AccessLog *accesslog.Log
	// NoHitPath sends every request through the Fiber chain, the page
	// cache's hits included (hits.go); tests compare the two.
	NoHitPath bool
}

// consoleHost hands every request for the console host to the operators'
// apps: /api/... to the API, everything else to the console. The console
// host is never a tenant's, so this runs before tenant resolution and the
// page cache. Each app has its own middleware and error pages.
// A nil app answers 404.
func consoleHost(name string, consoleApp, apiApp *fiber.App) fiber.Handler {
	var consoleHandler, apiHandler fiber.Handler
	if consoleApp != nil {
		h := consoleApp.Handler()
		consoleHandler = func(c *fiber.Ctx) error { h(c.Context()); return nil }
	}
	if apiApp != nil {
		h := apiApp.Handler()
		apiHandler = func(c *fiber.Ctx) error { h(c.Context()); return nil }
	}
	return func(c *fiber.Ctx) error {
		host, err := hostname.Normalize(c.Hostname())
		if err != nil || host != name {
			return c.Next()
		}
		p := c.Path()
		switch {
		case (p == "/api" || strings.HasPrefix(p, "/api/")) && apiHandler != nil:
			return apiHandler(c)
		case consoleHandler != nil:
			return consoleHandler(c)
		}
		return fiber.ErrNotFound
	}
}

// build is the app newApp builds from d, or nil when d is nil (an audience
// left out).
func build[D any](d *D, newApp func(D) *fiber.App) *fiber.App {
	if d == nil {
		return nil
	}
	return newApp(*d)
}

// tenantID is the request's tenant for the access log; 0 before tenant
// resolution and on the console host.
func tenantID(c *fiber.Ctx) int64 {
	if t := tenants.FromCtx(c); t != nil {
		return t.ID
	}
	return 0
}
