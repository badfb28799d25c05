// Package demo seeds the demonstration tenants that `pcnweb serve --demo`
// shows: three PCNs with content written for this project.
package demo

import (
	"context"
	"embed"
	"fmt"
	"strings"

	"github.com/pcnweb/pcnweb/models"
)

//go:embed content
var content embed.FS

type tenant struct {
	slug, name, ods string
	theme           string
	pages           []string // file names under content/<slug>/, in navigation order
}

var tenants = []tenant{
	{"highfives", "High Fives PCN", "U99001", "default", []string{"home", "about", "services", "enhanced-access", "contact", "accessibility", "privacy", "cookies"}},
	{"riverside", "Riverside Health PCN", "U99002", "default", []string{"home", "about", "services", "contact"}},
	{"moorland", "Moorland Villages PCN", "U99003", "civic", []string{"home", "about", "enhanced-access"}},
}

// legal pages are published but kept out of the header navigation: the
// footer links to them.
var legal = map[string]bool{"accessibility": true, "privacy": true, "cookies": true}

// Seed creates the demo tenants when the store has no tenants at all, and
// reports how many it created.
func Seed(ctx context.Context, db *models.DB) (int, error) {
	existing, err := db.ListTenants(ctx)
	if err != nil {
		return 0, err
	}
	if len(existing) > 0 {
		return 0, nil
	}
	for _, t := range tenants {
		tn, err := db.CreateTenant(ctx, models.NewTenant{Slug: t.slug, Name: t.name, ODSCode: t.ods, Theme: t.theme})
		if err != nil {
			return 0, err
		}
		store := db.ForTenant(ctx, tn.ID)
		for i, name := range t.pages {
			raw, err := content.ReadFile("content/" + t.slug + "/" + name + ".md")
			if err != nil {
				return 0, fmt.Errorf("demo: %w", err)
			}
			title, body := splitTitle(string(raw))
			path := "/" + name
			if name == "home" {
				path = "/"
			}
			if _, err := store.PutPage(models.PageInput{Path: path, Title: title, BodyMD: body, Author: "demo"}); err != nil {
				return 0, fmt.Errorf("demo: %s %s: %w", t.slug, path, err)
			}
			if err := store.SetNavigation(path, i, !legal[name] && path != "/"); err != nil {
				return 0, err
			}
		}
	}
	return len(tenants), nil
}

// splitTitle takes the first "# " heading as the page title.
func splitTitle(md string) (title, body string) {
	first, rest, _ := strings.Cut(md, "\n")
	return strings.TrimSpace(strings.TrimPrefix(first, "# ")), strings.TrimLeft(rest, "\n")
}
