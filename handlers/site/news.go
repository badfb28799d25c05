package site

import (
	"bytes"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/internal/feeds"
	"github.com/pcnweb/pcnweb/themes"
)

// listNews renders published news, newest first.
func listNews(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		r, err := load(c, d)
		if err != nil {
			return err
		}
		now := d.Now()
		posts, err := r.store.PublishedPosts(now, 0)
		if err != nil {
			return err
		}
		view := r.view("News", "/news")
		view.Description = "News from " + r.t.Name + "."
		view.FeedURL = "/news/feed.xml"
		view.Breadcrumbs = crumbs()
		for _, p := range posts {
			view.Posts = append(view.Posts, postView(p))
		}
		// The news links to the events and vacancies while there are some.
		for _, e := range r.upcoming {
			view.Upcoming = append(view.Upcoming, eventView(e))
		}
		for _, v := range r.vacancies {
			view.Vacancies = append(view.Vacancies, vacancyView(v))
		}
		return render(c, d, r.t, "news", view)
	}
}

// showPost renders one news post.
func showPost(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		r, err := load(c, d)
		if err != nil {
			return err
		}
		p, err := r.store.PostBySlug(c.Params("slug"), d.Now())
		if err != nil {
			return err
		}
		pv := postView(p)
		pv.Body = r.body(p.BodyHTML)
		view := r.view(p.Title, pv.URL)
		view.Description = p.Summary
		view.OGType = "article"
		view.Post = &pv
		view.FeedURL = "/news/feed.xml"
		view.Updated = p.UpdatedAt
		view.Breadcrumbs = crumbs(themes.NavLink{Title: "News", URL: "/news"})
		return render(c, d, r.t, "post", view)
	}
}

// newsFeed serves the news as an Atom feed.
func newsFeed(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		r, err := load(c, d)
		if err != nil {
			return err
		}
		posts, err := r.store.PublishedPosts(d.Now(), 20)
		if err != nil {
			return err
		}
		base := r.site.BaseURL
		f := feeds.AtomFeed{
			Title: r.t.Name + " news", Subtitle: r.settings.Description, ID: base + "/news",
			SelfURL: base + "/news/feed.xml", SiteURL: base + "/", Author: r.t.Name,
			Updated: time.Date(2019, 7, 1, 0, 0, 0, 0, time.UTC),
		}
		for _, p := range posts {
			e := feeds.AtomEntry{Title: p.Title, ID: base + "/news/" + p.Slug, URL: base + "/news/" + p.Slug,
				Summary: p.Summary, ContentHTML: p.BodyHTML, Updated: p.UpdatedAt}
			if p.PublishedAt != nil {
				e.Published = *p.PublishedAt
			}
			f.Entries = append(f.Entries, e)
		}
		var buf bytes.Buffer
		if err := feeds.WriteAtom(&buf, f); err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, "application/atom+xml; charset=utf-8")
		return c.Send(buf.Bytes())
	}
}
