package site

import (
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/pagecache"
	"github.com/pcnweb/pcnweb/themes"
)

// searchSite renders the site search: everything published that matches q.
func searchSite(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		r, err := load(c, d)
		if err != nil {
			return err
		}
		q := strings.TrimSpace(pagecache.Param(c, "q"))
		if len(q) > models.MaxQuery {
			return fiber.NewError(fiber.StatusBadRequest, fmt.Sprintf("The search is too long: use %d characters or fewer.", models.MaxQuery))
		}
		view := r.view("Search", "/search")
		view.NoIndex = true
		view.Search = &themes.Search{Query: q}
		if q != "" {
			view.Title = "Search results for " + q
			results, err := r.store.Search(q, d.Now())
			if err != nil {
				return err
			}
			for _, res := range results {
				view.Search.Results = append(view.Search.Results, themes.SearchResult{Title: res.Title, URL: res.URL, Kind: res.Kind, Snippet: res.Snippet})
			}
			if len(results) == 0 {
				pagecache.SetNote(c, noteNoResults) // for the analytics, on hits too
			}
		}
		return render(c, d, r.t, "search", view)
	}
}
