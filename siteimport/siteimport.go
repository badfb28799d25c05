// Package siteimport moves an old website into a tenant: a crawl of its
// live address (internal/crawl) or a WordPress export (internal/wxr), its
// pages' main content as Markdown (internal/extract), its images and PDFs
// into the media library, and redirects from every old address. Jobs are
// queued in models (QueueImport) and run in the background by a Runner on
// whichever replica claims them; the CLI runs one in-process with RunJob.
//
// Decisions worth knowing:
//   - Everything is written through models' audited methods as
//     models.ImportActor ("import: <who>"), as drafts unless the job says
//     publish. models remembers what each old item became (import_items),
//     so a second run of the same source writes nothing, and a page a
//     person wrote or edited is never overwritten (a clash gets a "-2").
//   - The old home page is not imported over the new one ("/"): it becomes
//     a draft at /old-home (a draft even when publishing), and the report
//     says so under Found, for the manager to compare and copy from.
//   - A page the platform has its own home for (a news listing, a
//     vacancies page) is not made into a page: the report lists it under
//     Found. Opening hours and phone numbers are listed under Found too,
//     but the page they are on is imported.
//   - Old paths that collide with the platform's own pages (/services,
//     /news, /contact …) get an "our-" prefix (/contact → /contact-us).
//   - Redirects from the old addresses are added when a page is published
//     (models.PublishImported, or at once with publish), since a redirect
//     to a draft would answer 404.
//   - Images without alt text are imported with a placeholder alt text in
//     the media library (which requires one), an empty alt in the page,
//     and are listed under NoAlt.
package siteimport

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/pcnweb/pcnweb/internal/crawl"
	"github.com/pcnweb/pcnweb/internal/media"
	"github.com/pcnweb/pcnweb/internal/safefetch"
	"github.com/pcnweb/pcnweb/internal/wxr"
	"github.com/pcnweb/pcnweb/models"
)

// Options are what an import needs.
type Options struct {
	DB *models.DB
	// Fetch configures the SSRF-safe client every request goes through.
	Fetch safefetch.Options
	// Crawl bounds a site crawl; a job's MaxPages overrides MaxPages.
	Crawl crawl.Options
	// Images checks and resizes downloaded images and PDFs as uploads are.
	Images *media.Processor
	// Media stores the media library's files.
	Media  media.Storage
	Logger *slog.Logger
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	// Holder names this replica in a job's lease; empty makes one.
	Holder string
	// Poll is how often an idle Runner looks for a queued job; 0 is 5s.
	Poll time.Duration
	// LeaseTTL is how long a job's lease lasts unless renewed; 0 is
	// DefaultLeaseTTL.
	LeaseTTL time.Duration
	// MaxMedia bounds the files one job downloads; 0 is DefaultMaxMedia.
	MaxMedia int
}

// Defaults of Options.
const (
	DefaultLeaseTTL = 60 * time.Second
	DefaultPoll     = 5 * time.Second
	DefaultMaxMedia = 500
)

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Poll <= 0 {
		o.Poll = DefaultPoll
	}
	if o.LeaseTTL <= 0 {
		o.LeaseTTL = DefaultLeaseTTL
	}
	if o.MaxMedia <= 0 {
		o.MaxMedia = DefaultMaxMedia
	}
	if o.Images == nil {
		o.Images = media.NewProcessor(media.ProcessorOptions{})
	}
	return o
}

// Error is a failed import, with the message for a person.
type Error struct {
	Message string
	Err     error
}

func (e *Error) Error() string { return e.Message }
func (e *Error) Unwrap() error { return e.Err }

func failf(err error, format string, args ...any) error {
	return &Error{Message: fmt.Sprintf(format, args...), Err: err}
}

// Message is what to tell a person about err: an *Error's message, or a
// general one.
func Message(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return "The import was stopped before it finished."
	}
	return "The import failed: " + err.Error()
}

// RunJob runs one import for job's tenant and returns its report. A job
// that cannot start (an address refused, a file that is not a WordPress
// export) fails with an *Error before anything is written. progress, when
// not nil, hears how far it has got, in words.
func RunJob(ctx context.Context, o Options, job models.ImportJob, progress func(string)) (models.ImportReport, error) {
	o = o.withDefaults()
	if o.DB == nil || o.Media == nil {
		return models.ImportReport{}, errors.New("siteimport: Options need DB and Media")
	}
	if progress == nil {
		progress = func(string) {}
	}
	start := o.Now()
	r := &run{o: o, job: job, store: o.DB.ForTenant(ctx, job.TenantID), by: models.ImportActor(job),
		client: safefetch.New(o.Fetch), progress: progress, ctx: ctx,
		mediaByURL: map[string]string{}, rep: models.ImportReport{Source: job.Source, Publish: job.Publish}}
	var err error
	switch job.Kind {
	case models.ImportSite:
		err = r.site()
	case models.ImportWordPress:
		err = r.wordpress()
	default:
		err = failf(nil, "This kind of import (%q) is not known.", job.Kind)
	}
	r.rep.Duration = o.Now().Sub(start)
	r.rep.Unchanged = err == nil && r.nothingChanged()
	return r.rep, err
}

// run is one job's state.
type run struct {
	ctx      context.Context
	o        Options
	job      models.ImportJob
	store    *models.TenantDB
	by       models.Actor
	client   *safefetch.Client
	progress func(string)
	rep      models.ImportReport
	// mediaByURL maps a file's old URL to its media library address.
	mediaByURL map[string]string
	// fetched counts files downloaded, against MaxMedia.
	fetched int
}

// nothingChanged: every item came out unchanged and no redirect was added.
func (r *run) nothingChanged() bool {
	n := 0
	for _, list := range [][]models.ImportedItem{r.rep.Pages, r.rep.News, r.rep.Media} {
		for _, it := range list {
			if it.Result != models.ImportUnchanged && it.Result != models.ImportKept {
				return false
			}
			n++
		}
	}
	return n > 0 && len(r.rep.Redirects) == 0
}

// note adds a remark to one of the report's lists.
func note(list *[]models.ImportNote, page, kind, detail string) {
	*list = append(*list, models.ImportNote{Page: page, Kind: kind, Detail: detail})
}

// wxrMessage is what to tell a person about a WordPress file that could not
// be read.
func wxrMessage(err error) string {
	switch {
	case errors.Is(err, wxr.ErrNotWXR):
		return "This file is not a WordPress export. In WordPress, use Tools → Export → All content and upload the .xml file it gives you."
	default:
		return "The WordPress export could not be read: " + strings.TrimPrefix(err.Error(), "wxr: ") + "."
	}
}
