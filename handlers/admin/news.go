package admin

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/internal/hours"
	"github.com/pcnweb/pcnweb/internal/redirect"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

// newsListPage is the view of "news".
type newsListPage struct {
	themes.Admin
	News []newsRow
}

// newsPage is the view of "news-edit" and "news-delete".
type newsPage struct {
	themes.Admin
	Post        *postEdit
	Unpublish   whenInput // the optional unpublish time
	PostVersion int       // the version the form was opened at
}

// newsRow is a row of the list of news items.
type newsRow struct {
	Title   string
	EditURL string
	Status  string // "Draft", "Published 3 March 2026 at 9:30am", "Scheduled for …"
}

// postEdit is the news item form, as stored or as typed.
type postEdit struct {
	ID        int64 // 0 for a new item
	Title     string
	Slug      string
	Summary   string
	Body      string // Markdown
	Date      string // publish date, 2006-01-02, UK time; "" for a draft
	Time      string // publish time, 15:04
	Status    string // the status line shown above the form
	PublicURL string // the live item, when published
	// AltMissing are the images without alt text that stopped a publish
	// (the form offers "Publish anyway").
	AltMissing []string
}

// newsForm is the news form as typed.
type newsForm struct {
	Title, Slug, Summary, Body, Date, Time string
	// UnpublishDate and UnpublishTime: when the item comes off the
	// website by itself (UK time); empty for never.
	UnpublishDate, UnpublishTime string
	// Version is the post's version when the form was opened (0: none
	// given, no check).
	Version int
}

const msgNewsStale = "Someone else changed this news item while you were editing it. Your changes have not been saved: " +
	"copy anything you need, then reload the page."

// postStatus is "draft", "scheduled" or "published" at now.
func postStatus(p models.Post, now time.Time) string {
	switch {
	case p.PublishedAt == nil:
		return "draft"
	case p.PublishedAt.After(now):
		return "scheduled"
	}
	return "published"
}

func listNews(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		posts, err := tenantStore(c).AllPosts()
		if err != nil {
			return err
		}
		view := newsListPage{Admin: baseView(c, d, "News")}
		now := time.Now()
		for _, p := range posts {
			row := newsRow{EditURL: tenants.AdminPath + "/news/" + strconv.FormatInt(p.ID, 10) + "/edit", Title: p.Title, Status: "Draft"}
			switch postStatus(p, now) {
			case "published":
				row.Status = "Published " + hours.FormatInstant(*p.PublishedAt)
			case "scheduled":
				row.Status = "Scheduled for " + hours.FormatInstant(*p.PublishedAt)
			}
			view.News = append(view.News, row)
		}
		switch c.Query("done") {
		case "published":
			view.Notice = "Your news item has been published."
		case "scheduled":
			view.Notice = "Your news item has been scheduled. It will appear on the website at the time you chose."
		case "draft":
			view.Notice = "Your draft has been saved. It is not on the website until you give it a publish date."
		case "unpublished":
			view.Notice = "The news item has been unpublished. It is no longer on the website."
		case "deleted":
			view.Notice = "The news item has been deleted."
		}
		return render(c, d, fiber.StatusOK, "news", view)
	}
}

// newsFormView builds the edit form's view.
func newsFormView(c *fiber.Ctx, d Deps, id int64, f newsForm, current *models.Post, errs []themes.FieldError) newsPage {
	title := "New news item"
	if id != 0 {
		title = "Edit news item"
	}
	view := newsPage{Admin: baseView(c, d, title)}
	view.Errors = errs
	pe := &postEdit{ID: id, Title: f.Title, Slug: f.Slug, Summary: f.Summary, Body: f.Body, Date: f.Date, Time: f.Time,
		Status: "Draft: not on the website."}
	if current != nil {
		switch postStatus(*current, time.Now()) {
		case "scheduled":
			pe.Status = "Scheduled: appears on the website on " + hours.FormatInstant(*current.PublishedAt) + "."
		case "published":
			pe.Status = "Published on " + hours.FormatInstant(*current.PublishedAt) + "."
			pe.PublicURL = view.SiteURL + "/news/" + current.Slug
		}
	}
	view.Post = pe
	view.Unpublish = whenInput{Date: f.UnpublishDate, Time: f.UnpublishTime}
	view.PostVersion = f.Version
	return view
}

func formOfPost(p models.Post) newsForm {
	f := newsForm{Title: p.Title, Slug: p.Slug, Summary: p.Summary, Body: p.BodyMD, Version: p.Version}
	if p.PublishedAt != nil {
		l := p.PublishedAt.In(hours.Location())
		f.Date, f.Time = l.Format("2006-01-02"), l.Format("15:04")
	}
	return f
}

func newNews(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		return render(c, d, fiber.StatusOK, "news-edit", newsFormView(c, d, 0, newsForm{}, nil, nil))
	}
}

func editNews(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := routeID(c, "id")
		if err != nil {
			return err
		}
		store := tenantStore(c)
		p, err := store.PostByID(id)
		if err != nil {
			return err
		}
		f := formOfPost(p)
		when, err := pendingUnpublish(store, id)
		if err != nil {
			return err
		}
		f.UnpublishDate, f.UnpublishTime = when.Date, when.Time
		return render(c, d, fiber.StatusOK, "news-edit", newsFormView(c, d, id, f, &p, nil))
	}
}

// saveNews creates (no :id) or updates a post.
func saveNews(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := optionalRouteID(c, "id")
		if err != nil {
			return err
		}
		a := AccountFromCtx(c)
		store := tenantStore(c)
		var current *models.Post
		if id != 0 {
			p, err := store.PostByID(id) // another tenant's id: 404, nothing written
			if err != nil {
				return err
			}
			current = &p
		}
		f := newsForm{
			Title: c.FormValue("title"), Slug: strings.TrimSpace(strings.ToLower(c.FormValue("slug"))),
			Summary: c.FormValue("summary"), Body: strings.ReplaceAll(c.FormValue("body"), "\r\n", "\n"),
			Date: c.FormValue("date"), Time: c.FormValue("time"),
			UnpublishDate: c.FormValue("unpublish_date"), UnpublishTime: c.FormValue("unpublish_time"),
		}
		if v := c.FormValue("version"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				return fiber.ErrBadRequest
			}
			f.Version = n
		}
		at, fe := parsePublish(f.Date, f.Time)
		if fe != nil {
			return render(c, d, fiber.StatusUnprocessableEntity, "news-edit", newsFormView(c, d, id, f, current, []themes.FieldError{*fe}))
		}
		now := time.Now()
		until, fe := parseUnpublish(f.UnpublishDate, f.UnpublishTime)
		switch {
		case fe != nil:
		case until == nil:
		case !until.After(now):
			fe = &themes.FieldError{Field: "unpublish_date", Message: "Enter an unpublish date and time in the future, or leave both empty"}
		case at == nil:
			fe = &themes.FieldError{Field: "unpublish_date", Message: "A draft is not on the website: give the item a publish date, or leave the unpublish date empty"}
		case !until.After(*at):
			fe = &themes.FieldError{Field: "unpublish_date", Message: "Enter an unpublish date and time after the publish date and time"}
		}
		if fe != nil {
			return render(c, d, fiber.StatusUnprocessableEntity, "news-edit", newsFormView(c, d, id, f, current, []themes.FieldError{*fe}))
		}
		if missing, fe := altWarning(f.Body, at != nil, c.FormValue("action")); fe != nil {
			view := newsFormView(c, d, id, f, current, []themes.FieldError{*fe})
			view.Post.AltMissing = missing
			return render(c, d, fiber.StatusUnprocessableEntity, "news-edit", view)
		}
		saved, err := store.SavePost(actor(c), id, models.Post{Title: f.Title, Slug: f.Slug, Summary: f.Summary, BodyMD: f.Body, PublishedAt: at, Version: f.Version})
		if errors.Is(err, models.ErrStale) {
			errs := []themes.FieldError{{Message: msgNewsStale}}
			return render(c, d, fiber.StatusConflict, "news-edit", newsFormView(c, d, id, f, current, errs))
		}
		var ve *models.ValidationError
		if errors.As(err, &ve) {
			field := ve.Field
			switch field {
			case "title", "slug", "summary", "body":
			default:
				field = ""
			}
			errs := []themes.FieldError{{Field: field, Message: sentence(ve.Message)}}
			return render(c, d, fiber.StatusUnprocessableEntity, "news-edit", newsFormView(c, d, id, f, current, errs))
		}
		if err != nil {
			return err
		}
		status := postStatus(saved, now)
		if _, err := store.SetPostUnpublish(a.Actor(), saved.ID, until, now); err != nil {
			return err
		}
		return redirect.To(c, tenants.AdminPath+"/news?done="+status, fiber.StatusSeeOther)
	}
}

// postAction runs a change (which audits it) on the post named by the URL
// (404 for another tenant's or an unknown id) and returns to the list.
func postAction(d Deps, change func(*models.TenantDB, models.Actor, int64) error, done string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := routeID(c, "id")
		if err != nil {
			return err
		}
		if err := change(tenantStore(c), actor(c), id); err != nil {
			return err
		}
		return redirect.To(c, tenants.AdminPath+"/news?done="+done, fiber.StatusSeeOther)
	}
}

func unpublishNews(d Deps) fiber.Handler {
	return postAction(d, (*models.TenantDB).UnpublishPost, "unpublished")
}

// confirmDeleteNews asks before deleting.
func confirmDeleteNews(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := routeID(c, "id")
		if err != nil {
			return err
		}
		p, err := tenantStore(c).PostByID(id)
		if err != nil {
			return err
		}
		view := newsPage{Admin: baseView(c, d, "Delete news item")}
		view.Post = &postEdit{ID: p.ID, Title: p.Title, Slug: p.Slug}
		return render(c, d, fiber.StatusOK, "news-delete", view)
	}
}

// deleteNews deletes the post and the unpublish scheduled for it.
func deleteNews(d Deps) fiber.Handler {
	return postAction(d, (*models.TenantDB).DeletePost, "deleted")
}
