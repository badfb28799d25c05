package admin

import (
	"errors"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/internal/hours"
	"github.com/pcnweb/pcnweb/internal/redirect"
	"github.com/pcnweb/pcnweb/internal/textdiff"
	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/themes"
)

// pageHistoryPage is the view of "page-history".
type pageHistoryPage struct {
	themes.Admin
	PageHistory *pageHistory
}

// pageComparePage is the view of "page-compare".
type pageComparePage struct {
	themes.Admin
	PageCompare *pageCompare
}

// pageHistory is the "page-history" page: a page's revisions, newest first.
type pageHistory struct {
	Path      string
	Title     string
	Latest    int64 // the latest revision: the base of a restore
	Revisions []revisionRow
}

// revisionRow is one revision of a page.
type revisionRow struct {
	ID     int64
	Number int // 1 for the first version saved, counting up
	Title  string
	Author string // "" when unknown (the command line)
	When   string // UK time to the second, "3 March 2026 at 9:30:05am"
	Live   bool   // the version on the website
	Draft  bool   // saved after the live version (or none is live): not yet published
	Latest bool   // the newest version: what the editor opens
}

// pageCompare is the "page-compare" page: the line diff of two revisions'
// Markdown.
type pageCompare struct {
	Path      string
	Title     string
	From, To  revisionRow
	Lines     []diffLine
	Added     int
	Removed   int
	Revisions []revisionRow // for choosing another pair
}

// diffLine is one line of a comparison. Kind is "same", "added" or "removed".
type diffLine struct {
	Kind string
	Text string
}

// pageRevisionRows turns a page's revisions (newest first) into rows.
func pageRevisionRows(h models.PageHistory) []revisionRow {
	rows := make([]revisionRow, 0, len(h.Revisions))
	draft := true // newest first: drafts until the live version is passed
	for i, r := range h.Revisions {
		live := h.Page.PublishedRevisionID != nil && *h.Page.PublishedRevisionID == r.ID
		if live {
			draft = false
		}
		rows = append(rows, revisionRow{ID: r.ID, Number: len(h.Revisions) - i, Title: r.Title, Author: r.Author,
			When: revisionWhen(r.CreatedAt), Live: live, Draft: draft && !live, Latest: i == 0})
	}
	return rows
}

// revisionWhen writes when a revision was saved in UK time to the second,
// "4 December 2026 at 8:11:05pm", so two saves in one minute read apart.
func revisionWhen(t time.Time) string {
	return t.In(hours.Location()).Format("2 January 2006 at 3:04:05pm")
}

// pageHistoryView is the history page of h.
func pageHistoryView(c *fiber.Ctx, d Deps, h models.PageHistory) pageHistoryPage {
	view := pageHistoryPage{Admin: baseView(c, d, "History of "+h.Page.Title)}
	ph := &pageHistory{Path: h.Page.Path, Title: h.Page.Title, Revisions: pageRevisionRows(h)}
	if len(h.Revisions) > 0 {
		ph.Latest = h.Revisions[0].ID
	}
	view.PageHistory = ph
	return view
}

func showPageHistory(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		path, err := pagePath(c.Query("path"))
		if err != nil {
			return err
		}
		h, err := tenantStore(c).History(path)
		if err != nil {
			return err
		}
		return render(c, d, fiber.StatusOK, "page-history", pageHistoryView(c, d, h))
	}
}

// comparePageRevisions shows what changed in the Markdown between two
// revisions ("from" the older, "to" the newer; by default the live version
// and the latest, or the two latest).
func comparePageRevisions(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		path, err := pagePath(c.Query("path"))
		if err != nil {
			return err
		}
		h, err := tenantStore(c).History(path)
		if err != nil {
			return err
		}
		from, err := queryID(c, "from")
		if err != nil {
			return err
		}
		to, err := queryID(c, "to")
		if err != nil {
			return err
		}
		rows := pageRevisionRows(h)
		if len(rows) == 0 {
			return fiber.ErrNotFound
		}
		if to == 0 {
			to = rows[0].ID
		}
		if from == 0 {
			from = to
			switch {
			case h.Page.PublishedRevisionID != nil && *h.Page.PublishedRevisionID != to:
				from = *h.Page.PublishedRevisionID
			case len(rows) > 1:
				from = rows[1].ID
			}
		}
		// Only this page's revisions: any other id is a 404.
		find := func(id int64) (models.PageRevision, revisionRow, bool) {
			for i, r := range h.Revisions {
				if r.ID == id {
					return r, rows[i], true
				}
			}
			return models.PageRevision{}, revisionRow{}, false
		}
		a, fromRow, ok1 := find(from)
		b, toRow, ok2 := find(to)
		if !ok1 || !ok2 {
			return fiber.ErrNotFound
		}
		cmp := &pageCompare{Path: path, Title: h.Page.Title, From: fromRow, To: toRow, Revisions: rows}
		diff := textdiff.Lines(a.Title+"\n\n"+a.BodyMD, b.Title+"\n\n"+b.BodyMD)
		kinds := map[textdiff.Kind]string{textdiff.Same: "same", textdiff.Added: "added", textdiff.Removed: "removed"}
		for _, l := range diff {
			cmp.Lines = append(cmp.Lines, diffLine{Kind: kinds[l.Kind], Text: l.Text})
		}
		cmp.Added, cmp.Removed = textdiff.Count(diff)
		view := pageComparePage{Admin: baseView(c, d, "Compare versions of "+h.Page.Title)}
		view.PageCompare = cmp
		return render(c, d, fiber.StatusOK, "page-compare", view)
	}
}

// restorePageRevision copies an old revision into a new draft; the user
// then checks and publishes it in the editor.
func restorePageRevision(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		path, err := pagePath(c.FormValue("path"))
		if err != nil {
			return err
		}
		store := tenantStore(c)
		id, err := strconv.ParseInt(c.FormValue("restore"), 10, 64)
		if err != nil || id <= 0 {
			return fiber.ErrNotFound
		}
		if _, err := store.RevisionByID(path, id); err != nil { // another tenant's or page's: 404
			return err
		}
		base, err := pageBase(c)
		if err != nil {
			return err
		}
		a := AccountFromCtx(c)
		_, err = store.RestoreRevision(a.Actor(), path, id, &base)
		if errors.Is(err, models.ErrStale) {
			h, err := store.History(path)
			if err != nil {
				return err
			}
			view := pageHistoryView(c, d, h)
			view.Errors = []themes.FieldError{{Message: "Someone else changed this page while you were looking at its history, so nothing has been restored. " +
				"Look at the list again, then choose the version to restore."}}
			return render(c, d, fiber.StatusConflict, "page-history", view)
		}
		if err != nil {
			return err
		}
		return redirect.To(c, pageURL("edit", path)+"&saved=restored", fiber.StatusSeeOther)
	}
}
