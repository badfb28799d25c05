package admin

import (
	"errors"
	"io"
	"net/url"
	"regexp"
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

// "Import from your old website": a manager enters the old site's address
// (or uploads a WordPress export), the import runs in the background
// (siteimport's runner, on whichever replica holds the job's lease), the
// job's page shows its progress and then its report, and the review page
// publishes the drafts it made. Managers only: an import writes many pages
// and redirects at once and makes the server fetch another website.

// importsPage is the view of "import": the form and the past imports.
type importsPage struct {
	themes.Admin
	Address string // as typed
	// Reselect: the form is shown again after a problem with a chosen
	// file, which the browser does not keep.
	Reselect bool
	Jobs     []importRow
	// Drafts counts the imported drafts waiting for review.
	Drafts int
}

// importRow is an import in the list, or the job of "import-job".
type importRow struct {
	ID      int64
	When    string // "7 December 2026 at 18:40"
	Who     string
	Source  string
	Kind    string // models.ImportSite or models.ImportWordPress
	Status  string // models.ImportQueued …
	Label   string // the status in words: "Finished"
	Running bool   // queued or running
}

// importJobPage is the view of "import-job": progress, then the report.
type importJobPage struct {
	themes.Admin
	Job      importRow
	Progress string
	Error    string // why it failed, for a person
	Report   *importReportView
}

// importReportView is a finished import's report, ready to show.
type importReportView struct {
	Unchanged bool
	Stopped   string
	Duration  string // "2 minutes 5 seconds"
	Pages     []importItemRow
	News      []importItemRow
	Files     []importItemRow
	Redirects []models.ImportedRedirect
	NoAlt     []importNoteRow
	Dropped   []importPageNotes // by page, in the report's order
	Found     []importNoteRow
	Skipped   []importNoteRow
	// Drafts: some of the pages and news are drafts waiting for review.
	Drafts bool
}

// importItemRow is a page, news story or file the import brought in.
type importItemRow struct {
	Source  string // the old address
	Target  string // the new path or file address
	Title   string
	Result  string
	Note    string
	EditURL string // its editor in the panel; "" when there is none
	ViewURL string // on the public site
}

// importNoteRow is a remark about a page of the old site, with a link to
// where the manager deals with it.
type importNoteRow struct {
	Page     string
	Kind     string
	Detail   string
	Link     string
	LinkText string
}

// importPageNotes is what could not come across from one old page.
type importPageNotes struct {
	Page  string
	Notes []importNoteRow
}

// importReviewPage is the view of "import-review": the imported drafts.
type importReviewPage struct {
	themes.Admin
	Drafts []importDraftRow
}

// importDraftRow is an imported draft with its checkbox.
type importDraftRow struct {
	Value      string // the checkbox's value: "page:12", "news:4"
	Kind       string // "page" or "news"
	Title      string
	Path       string
	Source     string
	EditURL    string
	PreviewURL string
	Checked    bool
}

// importListLength is how many past imports the import page lists.
const importListLength = 20

// importFileMax is the largest WordPress export the form takes (the
// panel's body limit is a little above it).
const importFileMax = 20 << 20

// importFields maps the models' field names to the form's inputs.
var importFields = map[string]string{"address": "address", "file": "file"}

// importBusyMessage is shown next to the address while another import of
// the site is queued or running.
const importBusyMessage = "An import of your website is already running. Wait for it to finish, then start another"

func showImports(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		view, err := importsView(c, d, "", nil)
		if err != nil {
			return err
		}
		view.Address = c.Query("address")
		return render(c, d, fiber.StatusOK, "import", view)
	}
}

// importsView builds the import page with the past imports.
func importsView(c *fiber.Ctx, d Deps, address string, errs []themes.FieldError) (importsPage, error) {
	store := tenantStore(c)
	jobs, err := store.ImportJobs(importListLength)
	if err != nil {
		return importsPage{}, err
	}
	drafts, err := store.ImportedDrafts()
	if err != nil {
		return importsPage{}, err
	}
	view := importsPage{Admin: baseView(c, d, "Import from your old website"), Address: address, Drafts: len(drafts)}
	view.Errors = errs
	for _, j := range jobs {
		view.Jobs = append(view.Jobs, importRowOf(j))
	}
	return view, nil
}

// startImport queues an import of the address typed, or of the WordPress
// export chosen, and goes to its progress page. Managers always get
// drafts: publishing straight away is an operator's option (the CLI).
func startImport(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		address := strings.TrimSpace(c.FormValue("address"))
		refuse := func(status int, fe themes.FieldError, reselect bool) error {
			view, err := importsView(c, d, address, []themes.FieldError{fe})
			if err != nil {
				return err
			}
			view.Reselect = reselect
			return render(c, d, status, "import", view)
		}
		kind, source, payload := models.ImportSite, address, []byte(nil)
		if fh, err := c.FormFile("file"); err == nil && (fh.Size > 0 || fh.Filename != "") {
			if address != "" {
				return refuse(fiber.StatusUnprocessableEntity, themes.FieldError{Field: "address",
					Message: "Enter your old website's address or choose a WordPress export file, not both"}, true)
			}
			if fh.Size > importFileMax {
				return refuse(fiber.StatusUnprocessableEntity, themes.FieldError{Field: "file",
					Message: "The selected file is larger than 20 MB: export the pages and posts only"}, true)
			}
			f, err := fh.Open()
			if err != nil {
				return refuse(fiber.StatusUnprocessableEntity, themes.FieldError{Field: "file", Message: "The selected file could not be read: try again"}, true)
			}
			data, err := io.ReadAll(io.LimitReader(f, importFileMax+1))
			f.Close()
			if err != nil {
				return refuse(fiber.StatusUnprocessableEntity, themes.FieldError{Field: "file", Message: "The selected file could not be read: try again"}, true)
			}
			kind, source, payload = models.ImportWordPress, strings.Clone(fh.Filename), data
		} else if address == "" {
			return refuse(fiber.StatusUnprocessableEntity, themes.FieldError{Field: "address",
				Message: "Enter your old website's address, like https://www.example-pcn.nhs.uk, or choose a WordPress export file"}, false)
		}
		job, err := tenantStore(c).QueueImport(actor(c), kind, source, payload, 0, false)
		if errors.Is(err, models.ErrImportBusy) {
			return refuse(fiber.StatusConflict, themes.FieldError{Field: "address", Message: importBusyMessage}, kind == models.ImportWordPress)
		}
		if status, errs, ok := formRefusal(err, "import", importFields); ok {
			view, err := importsView(c, d, address, errs)
			if err != nil {
				return err
			}
			view.Reselect = kind == models.ImportWordPress
			return render(c, d, status, "import", view)
		}
		if err != nil {
			return err
		}
		return redirect.To(c, tenants.AdminPath+"/import/"+formatID(job.ID), fiber.StatusSeeOther)
	}
}

// showImportJob shows a job's progress while it waits or runs (the page
// refreshes itself; the job goes on if the browser closes), then its
// report, or why it failed.
func showImportJob(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := routeID(c, "id")
		if err != nil {
			return err
		}
		store := tenantStore(c)
		job, err := store.ImportJobByID(id) // another tenant's job: 404
		if err != nil {
			return err
		}
		row := importRowOf(job)
		title := "Importing " + job.Source
		switch job.Status {
		case models.ImportDone:
			title = "Import of " + job.Source
		case models.ImportFailed:
			title = "The import of " + job.Source + " did not work"
		}
		view := importJobPage{Admin: baseView(c, d, title), Job: row, Progress: job.Progress, Error: job.Error}
		if job.Status == models.ImportDone {
			rep, err := job.ReportData()
			if err != nil {
				return err
			}
			drafts, err := store.ImportedDrafts()
			if err != nil {
				return err
			}
			view.Report = importReportOf(rep, drafts, view.SiteURL)
		}
		if row.Running {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(importRefreshSeconds))
		}
		return render(c, d, fiber.StatusOK, "import-job", view)
	}
}

// importRefreshSeconds is how often the progress page reloads itself.
const importRefreshSeconds = 3

// showImportReview lists the imported drafts to publish.
func showImportReview(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		view, err := importReviewView(c, d, nil, nil)
		if err != nil {
			return err
		}
		if c.Query("done") == "published" {
			n, _ := strconv.Atoi(c.Query("n"))
			view.Notice = publishedNotice(n)
		}
		return render(c, d, fiber.StatusOK, "import-review", view)
	}
}

// publishedNotice is the review page's banner after publishing.
func publishedNotice(n int) string {
	switch n {
	case 0:
		return "Nothing was published: the drafts had been published or deleted already."
	case 1:
		return "1 imported page or news story has been published. Patients can see it now."
	}
	return strconv.Itoa(n) + " imported pages and news stories have been published. Patients can see them now."
}

// importReviewView builds the review page; checked are the boxes ticked.
func importReviewView(c *fiber.Ctx, d Deps, checked map[string]bool, errs []themes.FieldError) (importReviewPage, error) {
	drafts, err := tenantStore(c).ImportedDrafts()
	if err != nil {
		return importReviewPage{}, err
	}
	view := importReviewPage{Admin: baseView(c, d, "Review your imported drafts")}
	view.Errors = errs
	for _, dr := range drafts {
		row := importDraftRow{Value: dr.Kind + ":" + formatID(dr.ID), Kind: dr.Kind, Title: dr.Title, Path: dr.Path, Source: dr.Source}
		row.EditURL, row.PreviewURL = draftLinks(dr.Kind, dr.ID, dr.Path)
		row.Checked = checked[row.Value]
		view.Drafts = append(view.Drafts, row)
	}
	return view, nil
}

// draftLinks are an imported draft's editor and preview in the panel.
func draftLinks(kind string, id int64, path string) (edit, preview string) {
	if kind == "news" {
		base := tenants.AdminPath + "/news/" + formatID(id)
		return base + "/edit", base + "/preview"
	}
	q := "?path=" + url.QueryEscape(path)
	return tenants.AdminPath + "/pages/edit" + q, tenants.AdminPath + "/pages/preview" + q
}

// publishImports publishes the drafts ticked ("Publish selected") or every
// imported draft ("Publish all"), each through the models' mutation path.
func publishImports(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		store := tenantStore(c)
		ids := map[string][]int64{}
		checked := map[string]bool{}
		if c.FormValue("action") == "all" {
			drafts, err := store.ImportedDrafts()
			if err != nil {
				return err
			}
			for _, dr := range drafts {
				ids[dr.Kind] = append(ids[dr.Kind], dr.ID)
			}
			if len(drafts) == 0 {
				view, err := importReviewView(c, d, nil, []themes.FieldError{{Message: "There are no imported drafts to publish"}})
				if err != nil {
					return err
				}
				return render(c, d, fiber.StatusUnprocessableEntity, "import-review", view)
			}
		} else {
			args := c.Request().PostArgs()
			for _, v := range args.PeekMulti("item") {
				value := string(v) // a copy: the request's buffer is reused
				kind, n, ok := parseDraftItem(value)
				if !ok {
					return fiber.ErrBadRequest
				}
				checked[value] = true
				ids[kind] = append(ids[kind], n)
			}
			if len(checked) == 0 {
				view, err := importReviewView(c, d, nil, []themes.FieldError{{Field: "drafts", Message: "Select the drafts to publish, or publish them all"}})
				if err != nil {
					return err
				}
				return render(c, d, fiber.StatusUnprocessableEntity, "import-review", view)
			}
		}
		total := 0
		for _, kind := range []string{"page", "news"} {
			if len(ids[kind]) == 0 {
				continue
			}
			n, err := store.PublishImported(actor(c), kind, ids[kind])
			if status, errs, ok := formRefusal(err, "draft", nil); ok {
				view, err := importReviewView(c, d, checked, errs)
				if err != nil {
					return err
				}
				return render(c, d, status, "import-review", view)
			}
			if err != nil {
				return err
			}
			total += n
		}
		return redirect.To(c, tenants.AdminPath+"/import/review?done=published&n="+strconv.Itoa(total), fiber.StatusSeeOther)
	}
}

// parseDraftItem reads a review checkbox's value, "page:12" or "news:4".
func parseDraftItem(value string) (kind string, id int64, ok bool) {
	kind, num, found := strings.Cut(value, ":")
	if !found || (kind != models.ImportKindPage && kind != models.ImportKindNews) {
		return "", 0, false
	}
	id, err := strconv.ParseInt(num, 10, 64)
	if err != nil || id <= 0 || formatID(id) != num {
		return "", 0, false
	}
	return kind, id, true
}

// importRowOf is a job as the panel lists it.
func importRowOf(j models.ImportJob) importRow {
	r := importRow{ID: j.ID, When: importWhen(j.CreatedAt), Who: j.CreatedByName, Source: j.Source, Kind: j.Kind, Status: j.Status}
	if r.Who == "" {
		r.Who = "An operator"
	}
	switch j.Status {
	case models.ImportQueued:
		r.Label, r.Running = "Waiting to start", true
	case models.ImportRunning:
		r.Label, r.Running = "Running", true
	case models.ImportDone:
		r.Label = "Finished"
	case models.ImportFailed:
		r.Label = "Did not work"
	default:
		r.Label = j.Status
	}
	return r
}

// importWhen is a time as the panel shows it, in UK time.
func importWhen(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(hours.Location()).Format("2 January 2006 at 15:04")
}

// mediaIDRE finds a media library item's id in its public address.
var mediaIDRE = regexp.MustCompile(`^/media/(\d+)/`)

// mediaEditURL is the panel's page of the media item an address names
// (/media/12/640.jpg), or "" when it names none.
func mediaEditURL(addr string) string {
	if m := mediaIDRE.FindStringSubmatch(addr); m != nil {
		return tenants.AdminPath + "/media/" + m[1] + "/edit"
	}
	return ""
}

// importReportOf turns a report into the page's sections, linking each
// item to where the manager edits it (drafts are matched to the report by
// their old address).
func importReportOf(rep models.ImportReport, drafts []models.ImportedDraft, siteURL string) *importReportView {
	bySource := map[string]models.ImportedDraft{}
	for _, dr := range drafts {
		bySource[dr.Kind+" "+dr.Source] = dr
	}
	v := &importReportView{Unchanged: rep.Unchanged, Stopped: rep.Stopped, Duration: importDuration(rep.Duration), Redirects: rep.Redirects}
	item := func(kind string, it models.ImportedItem) importItemRow {
		row := importItemRow{Source: it.Source, Target: it.Target, Title: it.Title, Result: it.Result, Note: it.Note}
		if dr, ok := bySource[kind+" "+it.Source]; ok {
			row.EditURL, _ = draftLinks(kind, dr.ID, dr.Path)
			v.Drafts = true
		} else if kind == "page" && strings.HasPrefix(it.Target, "/") {
			row.EditURL, _ = draftLinks(kind, 0, it.Target)
		}
		if strings.HasPrefix(it.Target, "/") {
			row.ViewURL = siteURL + it.Target
		}
		return row
	}
	for _, it := range rep.Pages {
		v.Pages = append(v.Pages, item("page", it))
	}
	for _, it := range rep.News {
		v.News = append(v.News, item("news", it))
	}
	mediaBySource := map[string]string{} // old address → the media item's page
	for _, it := range rep.Media {
		row := importItemRow{Source: it.Source, Target: it.Target, Title: it.Title, Result: it.Result, Note: it.Note, EditURL: mediaEditURL(it.Target)}
		if strings.HasPrefix(it.Target, "/") {
			row.ViewURL = siteURL + it.Target
		}
		mediaBySource[it.Source] = row.EditURL
		v.Files = append(v.Files, row)
	}
	for _, n := range rep.NoAlt {
		row := noteRow(n)
		// The note names the image by its old address, or by its new one.
		row.Link, row.LinkText = mediaBySource[n.Detail], "Add alt text"
		if row.Link == "" {
			row.Link = mediaEditURL(n.Detail)
		}
		if row.Link == "" {
			row.Link, row.LinkText = tenants.AdminPath+"/media", "Find it in images and files"
		}
		v.NoAlt = append(v.NoAlt, row)
	}
	for _, n := range rep.Dropped {
		if len(v.Dropped) == 0 || v.Dropped[len(v.Dropped)-1].Page != n.Page {
			v.Dropped = append(v.Dropped, importPageNotes{Page: n.Page})
		}
		last := &v.Dropped[len(v.Dropped)-1]
		last.Notes = append(last.Notes, noteRow(n))
	}
	for _, n := range rep.Found {
		row := noteRow(n)
		row.Link, row.LinkText = foundHome(n.Kind)
		v.Found = append(v.Found, row)
	}
	for _, n := range rep.Skipped {
		v.Skipped = append(v.Skipped, noteRow(n))
	}
	return v
}

func noteRow(n models.ImportNote) importNoteRow {
	return importNoteRow{Page: n.Page, Kind: n.Kind, Detail: n.Detail}
}

// foundHome is where the platform keeps what an import found (opening
// hours, phone numbers, news, vacancies), for the report's link.
func foundHome(kind string) (link, text string) {
	k := strings.ToLower(kind)
	switch {
	case strings.Contains(k, "hour"):
		return tenants.AdminPath + "/practices", "Set opening hours on each practice"
	case strings.Contains(k, "phone"):
		return tenants.AdminPath + "/practices", "Check the phone numbers of your practices"
	case strings.Contains(k, "news"):
		return tenants.AdminPath + "/news", "Go to news"
	case strings.Contains(k, "vacanc"):
		return tenants.AdminPath + "/vacancies", "Go to vacancies"
	case strings.Contains(k, "event"):
		return tenants.AdminPath + "/events", "Go to events"
	case strings.Contains(k, "team") || strings.Contains(k, "staff"):
		return tenants.AdminPath + "/team", "Go to your team"
	case strings.Contains(k, "service"):
		return tenants.AdminPath + "/services", "Go to services"
	}
	return "", ""
}

// importDuration is how long an import took, in words.
func importDuration(d time.Duration) string {
	if d <= 0 {
		return ""
	}
	d = d.Round(time.Second)
	m, s := int(d/time.Minute), int((d%time.Minute)/time.Second)
	plural := func(n int, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return strconv.Itoa(n) + " " + unit + "s"
	}
	switch {
	case m == 0 && s == 0:
		return "less than a second"
	case m == 0:
		return plural(s, "second")
	case s == 0:
		return plural(m, "minute")
	}
	return plural(m, "minute") + " " + plural(s, "second")
}
