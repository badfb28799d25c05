package admin

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/tenants"
	"github.com/pcnweb/pcnweb/themes"
)

// Redirects (editors and managers): the old website's addresses and where
// each now goes — list, add, edit, remove, download and upload as CSV —
// and the addresses patients asked for that do not exist, each with a
// button that starts a redirect from it.

// redirectsPage is the view of "redirects".
type redirectsPage struct {
	themes.Admin
	Redirects []redirectRow
	Missing   []missingRow
	// Upload is what the last CSV upload did, shown on the page it returns
	// to; Conflicts the old addresses it left as they were.
	Upload    string
	Conflicts []redirectRow
}

// redirectRow is a redirect in the list.
type redirectRow struct {
	ID     int64
	From   string
	To     string
	Status int
	Source string // "Added by hand", "CSV upload", "Import"
}

// missingRow is an address patients asked for that does not exist.
type missingRow struct {
	Path     string
	Hits     int64
	LastSeen string // "3 May 2026"
	AddURL   string // the redirect form with this address filled in
}

// redirectPage is the view of "redirect-edit".
type redirectPage struct {
	themes.Admin
	Redirect *redirectEdit
}

// redirectEdit is the redirect form, as stored or as typed.
type redirectEdit struct {
	ID     int64
	From   string
	To     string
	Status int // 301 or 302
}

// redirectsList is the list page's address.
const redirectsList = tenants.AdminPath + "/redirects"

// redirectFields maps the model's fields to the form's inputs.
var redirectFields = map[string]string{"from": "from", "to": "to", "status": "status"}

// sourceWords says where a redirect came from.
func sourceWords(s string) string {
	switch s {
	case models.RedirectManual:
		return "Added here"
	case models.RedirectCSV:
		return "CSV upload"
	case models.RedirectImport:
		return "Website import"
	case models.RedirectCLI:
		return "Command line"
	}
	return s
}

func redirectRowOf(r models.Redirect) redirectRow {
	return redirectRow{ID: r.ID, From: r.From(), To: r.To, Status: r.Status, Source: sourceWords(r.Source)}
}

// redirectsView builds the list page.
func redirectsView(c *fiber.Ctx, d Deps) (redirectsPage, error) {
	store := tenantStore(c)
	rs, err := store.Redirects()
	if err != nil {
		return redirectsPage{}, err
	}
	missing, err := store.MissingAddresses(d.now(), 50)
	if err != nil {
		return redirectsPage{}, err
	}
	view := redirectsPage{Admin: baseView(c, d, "Redirects")}
	for _, r := range rs {
		view.Redirects = append(view.Redirects, redirectRowOf(r))
	}
	for _, m := range missing {
		view.Missing = append(view.Missing, missingRow{Path: m.Path, Hits: m.Hits,
			LastSeen: m.LastSeen.Format("2 January 2006"), // a London date
			AddURL:   redirectsList + "/new?" + url.Values{"from": {m.Path}}.Encode()})
	}
	return view, nil
}

func listRedirects(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		view, err := redirectsView(c, d)
		if err != nil {
			return err
		}
		switch c.Query("done") {
		case "saved":
			view.Notice = "The redirect has been saved. The website uses it now."
		case "deleted":
			view.Notice = "The redirect has been removed."
		case "dismissed":
			view.Notice = "The address has been taken off the list."
		}
		return render(c, d, fiber.StatusOK, "redirects", view)
	}
}

func redirectFormView(c *fiber.Ctx, d Deps, f redirectEdit, errs []themes.FieldError) redirectPage {
	title := "Add a redirect"
	if f.ID != 0 {
		title = "Change a redirect"
	}
	view := redirectPage{Admin: baseView(c, d, title)}
	view.Errors = errs
	if f.Status == 0 {
		f.Status = fiber.StatusMovedPermanently
	}
	view.Redirect = &f
	return view
}

// newRedirect shows the empty form, or one starting from ?from= (a
// missing address's "Add a redirect").
func newRedirect(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		f := redirectEdit{From: strings.Clone(c.Query("from"))}
		return render(c, d, fiber.StatusOK, "redirect-edit", redirectFormView(c, d, f, nil))
	}
}

func editRedirect(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := routeID(c, "id")
		if err != nil {
			return err
		}
		r, err := tenantStore(c).RedirectByID(id)
		if err != nil {
			return err
		}
		f := redirectEdit{ID: r.ID, From: r.From(), To: r.To, Status: r.Status}
		return render(c, d, fiber.StatusOK, "redirect-edit", redirectFormView(c, d, f, nil))
	}
}

// saveRedirect adds (no :id) or changes a redirect.
func saveRedirect(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := optionalRouteID(c, "id")
		if err != nil {
			return err
		}
		store := tenantStore(c)
		if id != 0 {
			if _, err := store.RedirectByID(id); err != nil { // another tenant's id: 404, nothing written
				return err
			}
		}
		status, _ := strconv.Atoi(c.FormValue("status"))
		f := redirectEdit{ID: id, From: c.FormValue("from"), To: c.FormValue("to"), Status: status}
		_, err = store.PutRedirect(actor(c), id, models.RedirectInput{From: f.From, To: f.To, Status: f.Status})
		if status, errs, ok := formRefusal(err, "redirect", redirectFields); ok {
			return render(c, d, status, "redirect-edit", redirectFormView(c, d, f, errs))
		}
		if err != nil {
			return err
		}
		return redirectDone(c, redirectsList, "saved")
	}
}

// redirectDeletion removes a redirect after asking.
var redirectDeletion = deletion[models.Redirect]{
	title: "Remove redirect", list: redirectsList,
	load: (*models.TenantDB).RedirectByID, remove: (*models.TenantDB).RemoveRedirect,
	ask: func(_ *models.TenantDB, r models.Redirect) (string, string, error) {
		return "Are you sure you want to remove the redirect from " + r.From() + "?",
			"Patients who follow an old link to " + r.From() + " will see a “page not found” message instead of going to " + r.To + ".", nil
	},
}

func confirmDeleteRedirect(d Deps) fiber.Handler { return redirectDeletion.confirm(d) }
func deleteRedirect(d Deps) fiber.Handler        { return redirectDeletion.delete(d) }

// downloadRedirects sends the redirects as CSV: from,to,status, the
// columns an upload reads back.
func downloadRedirects(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		rs, err := tenantStore(c).Redirects()
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		_ = w.Write([]string{"from", "to", "status"})
		for _, r := range rs {
			_ = w.Write([]string{r.From(), r.To, strconv.Itoa(r.Status)})
		}
		w.Flush()
		if err := w.Error(); err != nil {
			return err
		}
		slug := "site"
		if t := tenants.FromCtx(c); t != nil {
			slug = t.Slug
		}
		c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="redirects-`+slug+`.csv"`)
		return c.Send(buf.Bytes())
	}
}

// maxRedirectsCSV bounds an uploaded CSV file.
const maxRedirectsCSV = 1 << 20

// csvLineError is a line of an uploaded CSV file that cannot be used.
type csvLineError struct {
	Line    int
	Message string
}

func (e *csvLineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Message) }

// parseRedirectsCSV reads an uploaded CSV file of redirects: one a line,
// from,to and optionally status (301 when empty), with an optional header
// line ("from,to,status"), as downloadRedirects writes it and as a
// spreadsheet saves it (a byte-order mark, CRLF line ends). lines holds the
// file's line number of each redirect. The first line that cannot be used
// is a *csvLineError.
func parseRedirectsCSV(r io.Reader) (in []models.RedirectInput, lines []int, err error) {
	data, err := io.ReadAll(io.LimitReader(r, maxRedirectsCSV+1))
	if err != nil {
		return nil, nil, &csvLineError{Line: 1, Message: "the file could not be read: try again"}
	}
	if len(data) > maxRedirectsCSV {
		return nil, nil, &csvLineError{Line: 1, Message: "the file is bigger than 1 MB: split it into smaller files"}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = false
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, nil, &csvLineError{Line: max(pe.StartLine, 1), Message: "it is not a valid CSV line (check its quotes)"}
		}
		if err != nil {
			return nil, nil, &csvLineError{Line: 1, Message: "the file could not be read: try again"}
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(in) == 0 && len(lines) == 0 && strings.EqualFold(strings.TrimSpace(rec[0]), "from") {
			lines = []int{} // the header line: not a redirect
			continue
		}
		if len(rec) < 2 || len(rec) > 3 {
			return nil, nil, &csvLineError{Line: line, Message: "give the old address, the new address and, if you like, the status (301 or 302), separated by commas"}
		}
		status := 0
		if len(rec) == 3 && strings.TrimSpace(rec[2]) != "" {
			status, err = strconv.Atoi(strings.TrimSpace(rec[2]))
			if err != nil || (status != 301 && status != 302) {
				return nil, nil, &csvLineError{Line: line, Message: "the status must be 301 (moved for good) or 302 (moved for now)"}
			}
		}
		if len(in) >= models.MaxRedirects {
			return nil, nil, &csvLineError{Line: line, Message: fmt.Sprintf("a site can have at most %d redirects", models.MaxRedirects)}
		}
		in = append(in, models.RedirectInput{From: rec[0], To: rec[1], Status: status, Source: models.RedirectCSV})
		lines = append(lines, line)
	}
	if len(in) == 0 {
		return nil, nil, &csvLineError{Line: 1, Message: "the file has no redirects: put one on each line, like /about-us.html,/about"}
	}
	return in, lines, nil
}

// uploadRedirects adds the redirects of a CSV file, all or none: the first
// line that cannot be used is named, and nothing is written.
func uploadRedirects(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		refuse := func(msg string) error {
			view, err := redirectsView(c, d)
			if err != nil {
				return err
			}
			view.Errors = []themes.FieldError{{Field: "file", Message: msg}}
			return render(c, d, fiber.StatusUnprocessableEntity, "redirects", view)
		}
		fh, err := c.FormFile("file")
		if err != nil || fh.Filename == "" && fh.Size == 0 {
			return refuse("Select a CSV file to upload")
		}
		f, err := fh.Open()
		if err != nil {
			return refuse("The selected file could not be read: try again")
		}
		defer f.Close()
		in, lines, err := parseRedirectsCSV(f)
		var le *csvLineError
		if errors.As(err, &le) {
			return refuse("Nothing has been added. Line " + strconv.Itoa(le.Line) + ": " + le.Message)
		}
		if err != nil {
			return err
		}
		res, err := tenantStore(c).AddRedirects(actor(c), in)
		var rle *models.RedirectLineError
		var ve *models.ValidationError
		if errors.As(err, &rle) && errors.As(err, &ve) {
			return refuse("Nothing has been added. Line " + strconv.Itoa(lines[rle.Index]) + ": " + ve.Message)
		}
		if err != nil {
			return err
		}
		view, err := redirectsView(c, d)
		if err != nil {
			return err
		}
		view.Upload = fmt.Sprintf("%s added, %s already there.", plural(res.Added, "redirect"), plural(res.Unchanged, "line"))
		if n := len(res.Conflicts); n > 0 {
			view.Upload += fmt.Sprintf(" %s not added because the old address already redirects somewhere else: change those here if you need to.", plural(n, "line was", "lines were"))
		}
		for _, x := range res.Conflicts {
			view.Conflicts = append(view.Conflicts, redirectRow{From: x.From, To: x.To, Status: x.Status})
		}
		return render(c, d, fiber.StatusOK, "redirects", view)
	}
}

// plural is "1 redirect" or "3 redirects" (or the given plural form).
func plural(n int, one string, many ...string) string {
	if n == 1 {
		return "1 " + one
	}
	if len(many) > 0 {
		return strconv.Itoa(n) + " " + many[0]
	}
	return strconv.Itoa(n) + " " + one + "s"
}

// dismissMissing takes an address off the list of missing ones.
func dismissMissing(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := tenantStore(c).DismissNotFound(actor(c), c.FormValue("path"), d.now()); err != nil {
			return err
		}
		return redirectDone(c, redirectsList, "dismissed")
	}
}
