package site

import (
	"context"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/pcnweb/pcnweb/models"
)

// frameData is what every page of a tenant reads from the store besides
// its own content: the settings, the published pages, the menu, the
// upcoming events and open vacancies, the feedback settings, and (for the
// public site) the platform's announcement and the notices shared with
// the tenant. Once read it is never written to: requests share it.
type frameData struct {
	settings  models.SiteSettings
	pages     []models.Page
	items     []models.NavItem
	upcoming  []models.Event   // not over yet, soonest first
	vacancies []models.Vacancy // open, by closing date
	feedback  models.FeedbackSettings
	// announcement is the one on now (nil for none), shared the notices;
	// both are read only with platform.
	announcement *models.Announcement
	shared       []models.SharedNoticeView
	// until is when what this frame shows next changes with the clock
	// alone (an event ends, a vacancy closes, an announcement starts or
	// ends); zero for never. It is right from read on.
	read, until time.Time
}

// frameReads bounds the frame's statements in flight at once for one
// render: enough to overlap most of the round trips, few enough that the
// renders pagecache allows at once (DefaultMaxRenders) stay inside the
// database pool (models.Options.MaxOpenConns).
const frameReads = 4

// readFrame reads the frame of store's tenant as it is at now; platform
// adds the announcement and the shared notices. The reads are independent
// of each other, so they run side by side (frameReads at a time): after a
// publish the first render waits for about two round trips to the database
// instead of nine. store records the clock changes of what it read
// (NextChange), as every read of the store does; it may be used from
// several goroutines.
func readFrame(ctx context.Context, d Deps, store *models.TenantDB, now time.Time, platform bool) (*frameData, error) {
	fd := &frameData{read: now}
	var (
		events       []models.Event
		vacancies    []models.Vacancy
		announceNext time.Time
		g            errgroup.Group
	)
	g.SetLimit(frameReads)
	g.Go(func() (err error) { fd.settings, err = store.Settings(); return err })
	g.Go(func() (err error) { fd.pages, err = store.PublishedPages(); return err })
	g.Go(func() (err error) { fd.items, err = store.NavItems(); return err })
	g.Go(func() (err error) { events, err = store.Events(now); return err })
	g.Go(func() (err error) { vacancies, err = store.Vacancies(now); return err })
	g.Go(func() (err error) { fd.feedback, err = store.FeedbackSettings(); return err })
	if platform {
		g.Go(func() (err error) {
			fd.announcement, announceNext, err = d.DB.ActiveAnnouncement(ctx, now)
			return err
		})
		g.Go(func() (err error) { fd.shared, err = store.SharedNotices(); return err })
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	// Patients reach events and vacancies from the frame, the home page and
	// the news while there are some (the store records when the last one
	// ends or closes, so no page keeps a link to an empty list).
	for _, e := range events {
		if !e.Over(now) {
			fd.upcoming = append(fd.upcoming, e)
		}
	}
	for _, v := range vacancies {
		if v.OpenAt(now) {
			fd.vacancies = append(fd.vacancies, v)
		}
	}
	// The store is new to this request: what it has read so far is the
	// frame's reads.
	fd.until = store.NextChange()
	if !announceNext.IsZero() && (fd.until.IsZero() || announceNext.Before(fd.until)) {
		fd.until = announceNext
	}
	return fd, nil
}

// Frames keeps each tenant's latest frame in this process, so that a page
// render (a cache miss) does not read the same eight things from the
// database that the previous render read. A frame is used only for the
// tenant generation it was read at and until its clock changes (until):
// every change of what a frame shows is written through the mutation path,
// which bumps the tenant's generation (a publish, a settings save, the
// menu, an event or vacancy saved, and the platform's announcements and
// shared items, which bump every tenant they reach), and what changes with
// the clock alone is in until. That is the page cache's own rule: a frame
// is reused exactly when a page rendered from it would still be a hit.
// One frame per tenant (a few kilobytes); a nil *Frames keeps none.
type Frames struct {
	mu sync.Mutex
	m  map[int64]frameEntry
}

type frameEntry struct {
	gen   int64
	frame *frameData
}

// NewFrames makes an empty frame store.
func NewFrames() *Frames { return &Frames{m: map[int64]frameEntry{}} }

// get is tenant id's frame at generation gen, if one is kept and has not
// changed with the clock by now (nor is now before it was read, as an
// injected clock may be); nil otherwise.
func (f *Frames) get(id, gen int64, now time.Time) *frameData {
	if f == nil {
		return nil
	}
	f.mu.Lock()
	e, ok := f.m[id]
	f.mu.Unlock()
	if !ok || e.gen != gen || now.Before(e.frame.read) || (!e.frame.until.IsZero() && !now.Before(e.frame.until)) {
		return nil
	}
	return e.frame
}

// put keeps fd as tenant id's frame read at generation gen, unless a frame
// of a later generation is kept already.
func (f *Frames) put(id, gen int64, fd *frameData) {
	if f == nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if e, ok := f.m[id]; ok && e.gen > gen {
		return
	}
	f.m[id] = frameEntry{gen: gen, frame: fd}
}
