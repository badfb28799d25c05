package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// ImportJob is one import of an old website (a crawl of its address, or a
// WordPress export file) into a tenant, run in the background by whichever
// replica holds its lease.
type ImportJob struct {
	ID            int64 `gorm:"primaryKey"`
	TenantID      int64
	Kind          string // ImportSite or ImportWordPress
	Source        string // the address crawled, or the export's file name
	Payload       []byte // the export file (WordPress); nil for a crawl
	MaxPages      int
	Publish       bool
	Status        string // ImportQueued, ImportRunning, ImportDone, ImportFailed
	Progress      string // for a person: "Read 12 pages of about 40: /services/physio"
	Report        []byte // JSON of ImportReport, when done
	Error         string // why it failed, for a person
	CreatedByID   *int64
	CreatedByName string
	Holder        string
	LeaseUntil    *time.Time
	Attempts      int // how many times a replica has started it
	CreatedAt     time.Time
	StartedAt     *time.Time
	FinishedAt    *time.Time
}

// Kinds and states of an ImportJob.
const (
	ImportSite      = "site"
	ImportWordPress = "wordpress"

	ImportQueued  = "queued"
	ImportRunning = "running"
	ImportDone    = "done"
	ImportFailed  = "failed"
)

// ImportReport is what an import did and what the manager should look at.
type ImportReport struct {
	Source    string
	Publish   bool
	Unchanged bool // nothing changed: a second run of the same source
	Pages     []ImportedItem
	News      []ImportedItem
	Media     []ImportedItem
	Redirects []ImportedRedirect
	// NoAlt lists every image that came across without alt text.
	NoAlt []ImportNote
	// Dropped is what could not come across (forms, iframes, widgets …).
	Dropped []ImportNote
	// Found is content the platform already has a home for.
	Found []ImportNote
	// Skipped: URLs not taken, WordPress drafts and private items …
	Skipped  []ImportNote
	Stopped  string // why a crawl stopped early
	Duration time.Duration
}

// ImportedItem is one page, post or file and what became of it.
type ImportedItem struct {
	Source string // the old URL
	Target string // the new path, or /media/… URL
	Title  string
	Result string // "created", "updated", "unchanged", "renamed", "kept the manager's version"
	Note   string
}

// ImportedRedirect is an old address and the new path it redirects to.
type ImportedRedirect struct{ From, To string }

// ImportNote is a remark about one page of the old site.
type ImportNote struct {
	Page   string // the old URL of the page it is about
	Kind   string
	Detail string
}

// ErrImportBusy: the tenant has an import queued or running already.
var ErrImportBusy = errors.New("models: an import is already running for this site")

// ErrImportLost: another replica holds the job now (this one's lease ran
// out); the runner stops working on it.
var ErrImportLost = errors.New("models: the import job is held by another replica")

// Limits of import jobs.
const (
	// MaxImportPayload bounds an uploaded WordPress export.
	MaxImportPayload = 64 << 20
	// DefaultImportPages is a crawl's page limit when none is given.
	DefaultImportPages = 200
	// MaxImportPages bounds what a manager may ask for.
	MaxImportPages = 2000
	// MaxImportAttempts: a job whose replica died this many times is
	// failed rather than taken over again (it may be what kills them).
	MaxImportAttempts = 3
)

// AuditImportQueue is the audit action of queueing an import.
const AuditImportQueue = "import.queue"

// ImportActor is who an import's writes are made as: "import: <who>".
func ImportActor(job ImportJob) Actor {
	who := job.CreatedByName
	if who == "" {
		who = "unknown"
	}
	a := Actor{Name: importActorPrefix + who}
	if job.CreatedByID != nil {
		a.UserID = *job.CreatedByID
	}
	return a
}

// importActorPrefix starts the name of every import's actor: a revision
// by anyone else is a person's edit.
const importActorPrefix = "import: "

// importOpen is the condition of a job that is queued, or running and still
// held.
const importOpen = "(status = 'queued' OR (status = 'running' AND lease_until >= ?))"

// QueueImport records an import for the background runner. A site import
// needs an http(s) address with a host ("address"); a WordPress import a
// non-empty export of at most 64 MiB ("file"). A tenant with an import
// queued or running is ErrImportBusy.
func (t *TenantDB) QueueImport(by Actor, kind, source string, payload []byte, maxPages int, publish bool) (ImportJob, error) {
	source = strings.TrimSpace(source)
	switch kind {
	case ImportSite:
		if err := checkImportAddress(source); err != nil {
			return ImportJob{}, err
		}
		payload = nil
	case ImportWordPress:
		switch {
		case len(payload) == 0:
			return ImportJob{}, invalid("file", "choose the export file: in WordPress, Tools → Export → All content")
		case len(payload) > MaxImportPayload:
			return ImportJob{}, invalid("file", fmt.Sprintf("the file is too large: %d MB at most", MaxImportPayload>>20))
		}
		if source == "" {
			source = "export.xml"
		}
	default:
		return ImportJob{}, invalid("kind", "choose a website address or a WordPress export")
	}
	switch {
	case maxPages <= 0:
		maxPages = DefaultImportPages
	case maxPages > MaxImportPages:
		return ImportJob{}, invalid("max_pages", fmt.Sprintf("use %d pages or fewer", MaxImportPages))
	}
	job := ImportJob{TenantID: t.tenantID, Kind: kind, Source: source, Payload: payload, MaxPages: maxPages,
		Publish: publish, Status: ImportQueued, CreatedByName: by.Name, CreatedAt: time.Now().UTC()}
	if by.UserID != 0 {
		id := by.UserID
		job.CreatedByID = &id
	}
	err := t.changeAudited(by, func(tx *TenantDB) error {
		var n int64
		if err := tx.scoped.Model(&ImportJob{}).Where(importOpen, time.Now().UTC()).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return ErrImportBusy
		}
		if err := tx.scoped.Create(&job).Error; err != nil {
			return err
		}
		return tx.audit(AuditImportQueue, kind+" "+source)
	})
	if errors.Is(err, ErrImportBusy) {
		return ImportJob{}, ErrImportBusy
	}
	return job, translate("queue import", err)
}

// checkImportAddress accepts an http or https URL with a host.
func checkImportAddress(raw string) error {
	const msg = "enter the full address of the old website, like https://www.example-pcn.nhs.uk"
	if raw == "" {
		return invalid("address", msg)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.User != nil {
		return invalid("address", msg)
	}
	if len(raw) > 2000 {
		return invalid("address", "the address is too long")
	}
	return nil
}

// jobColumns are an ImportJob's columns without its payload.
const jobColumns = "id, tenant_id, kind, source, max_pages, publish, status, progress, report, error, attempts, " +
	"created_by_id, created_by_name, holder, lease_until, created_at, started_at, finished_at"

// ImportJobs lists the tenant's imports, newest first, without their
// payloads; limit 0 means all.
func (t *TenantDB) ImportJobs(limit int) ([]ImportJob, error) {
	q := t.scoped.Select(jobColumns).Order("id DESC")
	if limit > 0 {
		q = q.Limit(limit)
	}
	var jobs []ImportJob
	err := q.Find(&jobs).Error
	return jobs, translate("list imports", err)
}

// ImportJobByID returns one of the tenant's imports, without its payload;
// another tenant's id is ErrNotFound.
func (t *TenantDB) ImportJobByID(id int64) (ImportJob, error) {
	var j ImportJob
	err := t.scoped.Select(jobColumns).Where("id = ?", id).Take(&j).Error
	return j, translate(fmt.Sprintf("import %d", id), err)
}

// ReportData decodes the job's report; a job without one has the zero
// report.
func (j ImportJob) ReportData() (ImportReport, error) {
	var r ImportReport
	if len(j.Report) == 0 {
		return r, nil
	}
	if err := json.Unmarshal(j.Report, &r); err != nil {
		return r, fmt.Errorf("models: import %d report: %w", j.ID, err)
	}
	return r, nil
}

// ClaimImportJob takes the oldest job that is queued, or running under a
// lease that has expired (its replica died), for holder until now+ttl:
// nil when there is none. A job taken over MaxImportAttempts times is
// failed instead. Two replicas never take the same job.
func (d *DB) ClaimImportJob(ctx context.Context, holder string, now time.Time, ttl time.Duration) (*ImportJob, error) {
	now = now.UTC()
	g := d.gorm.WithContext(ctx)
	for range 5 {
		var cand ImportJob
		err := g.Select("id, attempts").Where("status = 'queued' OR (status = 'running' AND lease_until < ?)", now).
			Order("id").Take(&cand).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, translate("find import job", err)
		}
		open := "id = ? AND (status = 'queued' OR (status = 'running' AND lease_until < ?))"
		if cand.Attempts >= MaxImportAttempts {
			res := g.Model(&ImportJob{}).Where(open, cand.ID, now).Updates(map[string]any{
				"status": ImportFailed, "finished_at": now, "lease_until": nil, "payload": nil,
				"error": "The import stopped before it finished, several times; it has been given up. Try a smaller import or ask for help."})
			if res.Error != nil {
				return nil, translate("fail import job", res.Error)
			}
			continue
		}
		res := g.Model(&ImportJob{}).Where(open, cand.ID, now).Updates(map[string]any{
			"status": ImportRunning, "holder": holder, "lease_until": now.Add(ttl), "attempts": gorm.Expr("attempts + 1"),
			"started_at": gorm.Expr("COALESCE(started_at, ?)", now), "progress": "Starting"})
		if res.Error != nil {
			return nil, translate("claim import job", res.Error)
		}
		if res.RowsAffected == 0 {
			continue // another replica took it first
		}
		var job ImportJob
		if err := g.Where("id = ?", cand.ID).Take(&job).Error; err != nil {
			return nil, translate("read import job", err)
		}
		return &job, nil
	}
	return nil, nil
}

// ClaimImportJobByID takes the job with id for holder, as ClaimImportJob
// would (queued, or running under an expired lease): nil when it is held
// or finished (the command line queues a job and runs it itself, unless a
// server's runner took it first).
func (d *DB) ClaimImportJobByID(ctx context.Context, id int64, holder string, now time.Time, ttl time.Duration) (*ImportJob, error) {
	now = now.UTC()
	g := d.gorm.WithContext(ctx)
	res := g.Model(&ImportJob{}).Where("id = ? AND (status = 'queued' OR (status = 'running' AND lease_until < ?))", id, now).Updates(map[string]any{
		"status": ImportRunning, "holder": holder, "lease_until": now.Add(ttl), "attempts": gorm.Expr("attempts + 1"),
		"started_at": gorm.Expr("COALESCE(started_at, ?)", now), "progress": "Starting"})
	if res.Error != nil {
		return nil, translate("claim import job", res.Error)
	}
	if res.RowsAffected == 0 {
		return nil, nil
	}
	var job ImportJob
	if err := g.Where("id = ?", id).Take(&job).Error; err != nil {
		return nil, translate("read import job", err)
	}
	return &job, nil
}

// RenewImportJob extends holder's lease on a running job to now+ttl and
// records its progress; ErrImportLost when holder no longer has it.
func (d *DB) RenewImportJob(ctx context.Context, id int64, holder, progress string, now time.Time, ttl time.Duration) error {
	res := d.gorm.WithContext(ctx).Model(&ImportJob{}).
		Where("id = ? AND holder = ? AND status = ?", id, holder, ImportRunning).
		Updates(map[string]any{"lease_until": now.UTC().Add(ttl), "progress": truncateRunes(progress, 500)})
	if res.Error != nil {
		return translate("renew import job", res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrImportLost
	}
	return nil
}

// FinishImportJob records the end of holder's job: done with its report,
// or failed with errMsg (for a person) when errMsg is not empty. The
// payload is dropped. ErrImportLost when holder no longer has the job.
func (d *DB) FinishImportJob(ctx context.Context, id int64, holder string, report *ImportReport, errMsg string, now time.Time) error {
	up := map[string]any{"status": ImportDone, "finished_at": now.UTC(), "lease_until": nil, "payload": nil, "error": ""}
	if errMsg != "" {
		up["status"], up["error"] = ImportFailed, truncateRunes(errMsg, 2000)
	}
	if report != nil {
		b, err := json.Marshal(report)
		if err != nil {
			return fmt.Errorf("models: import %d report: %w", id, err)
		}
		up["report"] = b
	}
	res := d.gorm.WithContext(ctx).Model(&ImportJob{}).Where("id = ? AND holder = ? AND status = ?", id, holder, ImportRunning).Updates(up)
	if res.Error != nil {
		return translate("finish import job", res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrImportLost
	}
	return nil
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

// ImportItem remembers what one item of an old site (a page, a post, a
// file) became, so that running the same import again writes nothing.
type ImportItem struct {
	ID          int64 `gorm:"primaryKey"`
	TenantID    int64
	SourceKey   string // the old URL, or "wxr:<site>#<post id>"
	SourceURL   string // the old URL, for a person
	Kind        string // "page", "news" or "media"
	TargetID    int64  // the page's, post's or media item's id
	TargetPath  string // "/about", "/news/flu-clinics", "/media/12/file.pdf"
	ContentHash string
	// RedirectFrom are the old paths (with their query where it matters),
	// one a line, that redirect to TargetPath once the item is published.
	RedirectFrom string
	SourceDate   *time.Time // a post's date on the old site
	JobID        *int64
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Results of importing one item (ImportedItem.Result).
const (
	ImportCreated   = "created"
	ImportUpdated   = "updated"
	ImportUnchanged = "unchanged"
	ImportRenamed   = "renamed"
	ImportKept      = "kept the manager's version"
)

// Kinds of imported items.
const (
	ImportKindPage  = "page"
	ImportKindNews  = "news"
	ImportKindMedia = "media"
)

// ImportItemByKey returns what the source item key became; ErrNotFound
// when it has not been imported.
func (t *TenantDB) ImportItemByKey(key string) (ImportItem, error) {
	var it ImportItem
	err := t.scoped.Where("source_key = ?", key).Take(&it).Error
	return it, translate("import item "+key, err)
}

// saveImportItem records it (by its source key), replacing what was there.
// It is bookkeeping, not content: nothing the site shows changes.
func (t *TenantDB) saveImportItem(it ImportItem) error {
	it.TenantID = t.tenantID
	it.UpdatedAt = time.Now().UTC()
	var old ImportItem
	err := t.scoped.Where("source_key = ?", it.SourceKey).Take(&old).Error
	switch {
	case err == nil:
		it.ID, it.CreatedAt = old.ID, old.CreatedAt
		return t.scoped.Save(&it).Error
	case errors.Is(err, gorm.ErrRecordNotFound):
		it.ID, it.CreatedAt = 0, it.UpdatedAt
		return t.scoped.Create(&it).Error
	default:
		return err
	}
}

// contentHash is what an import compares to tell whether an item changed.
func importHash(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ImportPageInput is one page of an old site as an import writes it.
type ImportPageInput struct {
	JobID     int64
	SourceKey string // the old URL, or "wxr:<site>#<post id>"
	SourceURL string
	Path      string // the path it should have; a clash gets a suffix
	Title     string
	BodyMD    string
	Publish   bool // publish now (and add its redirects); else a draft
	// RedirectFrom are the old paths that should redirect to the page.
	RedirectFrom []string
}

// ImportPage writes one imported page as by (ImportActor): a draft unless
// in.Publish. The same source with the same content is "unchanged" and
// writes nothing; changed content updates the page the import made unless
// a person has edited it since ("kept the manager's version"). A page at
// in.Path that the import did not make is never touched: the imported one
// goes to the first free "-2", "-3" … path ("renamed"). A published page's
// redirects are added too, and returned.
func (t *TenantDB) ImportPage(by Actor, in ImportPageInput) (ImportedItem, []ImportedRedirect, error) {
	res := ImportedItem{Source: in.SourceURL, Title: in.Title}
	if err := ValidatePagePath(in.Path); err != nil || in.Path == "/" {
		return res, nil, invalid("path", "an imported page needs a path other than the home page")
	}
	hash := importHash(in.Title, in.BodyMD)
	item, err := t.ImportItemByKey(in.SourceKey)
	found := err == nil
	if err != nil && !errors.Is(err, ErrNotFound) {
		return res, nil, err
	}
	if found && item.Kind == ImportKindPage {
		d, err := t.pageByID(item.TargetID)
		switch {
		case errors.Is(err, ErrNotFound):
			found = false // deleted since: import it afresh
		case err != nil:
			return res, nil, err
		default:
			res.Target = d.Page.Path
			switch {
			case item.ContentHash == hash:
				res.Result = ImportUnchanged
			case !strings.HasPrefix(d.Revision.Author, importActorPrefix):
				res.Result = ImportKept
				res.Note = "edited by " + d.Revision.Author + " since the last import"
				return res, nil, nil
			default:
				if _, err := t.PutPage(PageInput{Path: d.Page.Path, Title: in.Title, BodyMD: in.BodyMD, Draft: !in.Publish, By: by,
					BaseRevisionID: &d.Revision.ID}); err != nil {
					return res, nil, err
				}
				res.Result = ImportUpdated
			}
			if res.Result == ImportUnchanged && (!in.Publish || d.Page.PublishedRevisionID != nil && *d.Page.PublishedRevisionID == d.Revision.ID) {
				return res, nil, nil
			}
			if res.Result == ImportUnchanged { // publish now what an earlier run left as a draft
				if _, err := t.PutPage(PageInput{Path: d.Page.Path, Title: d.Revision.Title, BodyMD: d.Revision.BodyMD, By: by,
					BaseRevisionID: &d.Revision.ID}); err != nil {
					return res, nil, err
				}
			}
			item.ContentHash, item.RedirectFrom, item.SourceURL = hash, joinLines(in.RedirectFrom), in.SourceURL
			item.JobID = importJobRef(in.JobID)
			if err := t.saveImportItem(item); err != nil {
				return res, nil, translate("record import item", err)
			}
			if !in.Publish {
				return res, nil, nil
			}
			reds, err := t.importRedirects(by, []ImportItem{item})
			return res, reds, err
		}
	}
	path, renamed, err := t.importPagePath(in.Path)
	if err != nil {
		return res, nil, err
	}
	page, err := t.CreatePage(PageInput{Path: path, Title: in.Title, BodyMD: in.BodyMD, Draft: !in.Publish, By: by})
	if err != nil {
		return res, nil, err
	}
	res.Target, res.Result = page.Path, ImportCreated
	if renamed {
		res.Result = ImportRenamed
		res.Note = in.Path + " already has a page of yours, left as it was"
	}
	item = ImportItem{SourceKey: in.SourceKey, SourceURL: in.SourceURL, Kind: ImportKindPage, TargetID: page.ID, TargetPath: page.Path,
		ContentHash: hash, RedirectFrom: joinLines(in.RedirectFrom), JobID: importJobRef(in.JobID)}
	if err := t.saveImportItem(item); err != nil {
		return res, nil, translate("record import item", err)
	}
	if !in.Publish {
		return res, nil, nil
	}
	reds, err := t.importRedirects(by, []ImportItem{item})
	return res, reds, err
}

// importPagePath is the first path of want, want-2, want-3 … that has no
// page; renamed when it is not want.
func (t *TenantDB) importPagePath(want string) (string, bool, error) {
	for n := 1; n <= 100; n++ {
		p := want
		if n > 1 {
			p = want + "-" + strconv.Itoa(n)
		}
		if ValidatePagePath(p) != nil {
			break
		}
		var c int64
		if err := t.scoped.Model(&Page{}).Where("path = ?", p).Count(&c).Error; err != nil {
			return "", false, translate("find a free path", err)
		}
		if c == 0 {
			return p, n > 1, nil
		}
	}
	return "", false, invalid("path", "no free path for the imported page "+want)
}

// pageByID loads a page with its latest revision.
func (t *TenantDB) pageByID(id int64) (PageDraft, error) {
	var d PageDraft
	if err := t.scoped.Where("id = ?", id).Take(&d.Page).Error; err != nil {
		return d, translate(fmt.Sprintf("page %d", id), err)
	}
	err := t.scoped.Where("page_id = ?", d.Page.ID).Order("id DESC").Take(&d.Revision).Error
	return d, translate(fmt.Sprintf("latest revision of page %d", id), err)
}

// ImportPostInput is one news post of an old site as an import writes it.
type ImportPostInput struct {
	JobID        int64
	SourceKey    string
	SourceURL    string
	Slug         string // the slug it should have; a clash gets a suffix
	Title        string
	Summary      string
	BodyMD       string
	Date         time.Time // its date on the old site: the published date
	Publish      bool
	RedirectFrom []string
}

// ImportPost writes one imported news post as by: a draft unless
// in.Publish, published with its old date when published. Unchanged,
// updated, kept and renamed work as for ImportPage (a post a person
// changed since is one whose text is no longer what the import wrote).
func (t *TenantDB) ImportPost(by Actor, in ImportPostInput) (ImportedItem, []ImportedRedirect, error) {
	res := ImportedItem{Source: in.SourceURL, Title: in.Title}
	hash := importHash(in.Title, in.BodyMD)
	date := in.Date.UTC()
	if date.IsZero() || date.After(time.Now()) {
		date = time.Now().UTC()
	}
	item, err := t.ImportItemByKey(in.SourceKey)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return res, nil, err
	}
	var post Post
	if err == nil && item.Kind == ImportKindNews {
		post, err = t.PostByID(item.TargetID)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return res, nil, err
		}
	}
	if post.ID != 0 {
		res.Target = postSubject(post.Slug)
		switch {
		case item.ContentHash == hash:
			res.Result = ImportUnchanged
			if !in.Publish || post.PublishedAt != nil {
				return res, nil, nil
			}
		case importHash(post.Title, post.BodyMD) != item.ContentHash:
			res.Result, res.Note = ImportKept, "changed on this site since the last import"
			return res, nil, nil
		default:
			res.Result = ImportUpdated
			post.Title, post.Summary, post.BodyMD = in.Title, in.Summary, in.BodyMD
		}
		if in.Publish {
			post.PublishedAt = &date
		}
		post.Version = 0
		if _, err := t.SavePost(by, post.ID, post); err != nil {
			return res, nil, err
		}
	} else {
		slug, renamed, err := t.importPostSlug(in.Slug, in.Title)
		if err != nil {
			return res, nil, err
		}
		p := Post{Slug: slug, Title: in.Title, Summary: in.Summary, BodyMD: in.BodyMD}
		if in.Publish {
			p.PublishedAt = &date
		}
		if post, err = t.SavePost(by, 0, p); err != nil {
			return res, nil, err
		}
		res.Target, res.Result = postSubject(post.Slug), ImportCreated
		if renamed {
			res.Result, res.Note = ImportRenamed, "another news item already had the address /news/"+in.Slug
		}
	}
	item = ImportItem{ID: item.ID, SourceKey: in.SourceKey, SourceURL: in.SourceURL, Kind: ImportKindNews, TargetID: post.ID,
		TargetPath: postSubject(post.Slug), ContentHash: hash, RedirectFrom: joinLines(in.RedirectFrom), SourceDate: &date,
		JobID: importJobRef(in.JobID)}
	if err := t.saveImportItem(item); err != nil {
		return res, nil, translate("record import item", err)
	}
	if !in.Publish {
		return res, nil, nil
	}
	reds, err := t.importRedirects(by, []ImportItem{item})
	return res, reds, err
}

// importPostSlug is the first free slug of want, want-2 …
func (t *TenantDB) importPostSlug(want, title string) (string, bool, error) {
	if want == "" || !contentSlugRE.MatchString(want) {
		want = Slugify(title)
	}
	if want == "" {
		want = "news"
	}
	for n := 1; n <= 100; n++ {
		s := want
		if n > 1 {
			s = want + "-" + strconv.Itoa(n)
		}
		var c int64
		if err := t.scoped.Model(&Post{}).Where("slug = ?", s).Count(&c).Error; err != nil {
			return "", false, translate("find a free slug", err)
		}
		if c == 0 {
			return s, n > 1, nil
		}
	}
	return "", false, invalid("slug", "no free address for the imported news item "+want)
}

// ImportedMedia returns the media item the source key (a file's old URL)
// became, when it is still in the library.
func (t *TenantDB) ImportedMedia(key string) (Media, bool, error) {
	item, err := t.ImportItemByKey(key)
	if errors.Is(err, ErrNotFound) || err == nil && item.Kind != ImportKindMedia {
		return Media{}, false, nil
	}
	if err != nil {
		return Media{}, false, err
	}
	m, err := t.MediaByID(item.TargetID)
	if errors.Is(err, ErrNotFound) {
		return Media{}, false, nil
	}
	return m, err == nil, err
}

// ImportMedia records a file of an old site (key: its old URL) as by: the
// library's item with the same content (SHA256) when there is one
// ("unchanged"), else a new item through AddMedia with store.
func (t *TenantDB) ImportMedia(by Actor, jobID int64, key string, m Media, store func(Media) error) (Media, ImportedItem, error) {
	res := ImportedItem{Source: key, Title: m.Filename}
	var same Media
	err := t.scoped.Where("sha256 = ? AND kind = ?", m.SHA256, m.Kind).Order("id").Take(&same).Error
	switch {
	case err == nil:
		m, res.Result = same, ImportUnchanged
	case errors.Is(err, gorm.ErrRecordNotFound):
		if m, err = t.AddMedia(by, m, store); err != nil {
			return m, res, err
		}
		res.Result = ImportCreated
	default:
		return m, res, translate("find media by content", err)
	}
	res.Target = m.Src()
	item := ImportItem{SourceKey: key, SourceURL: key, Kind: ImportKindMedia, TargetID: m.ID, TargetPath: m.Src(),
		ContentHash: m.SHA256, JobID: importJobRef(jobID)}
	if err := t.saveImportItem(item); err != nil {
		return m, res, translate("record import item", err)
	}
	return m, res, nil
}

// ImportedDraft is a page or news post an import made that is not
// published yet (or whose imported update is not).
type ImportedDraft struct {
	Kind   string // "page" or "news"
	ID     int64  // the page's or the post's id
	Path   string
	Title  string
	Source string // the old URL
	JobID  int64
}

// ImportedDrafts lists what imports made that waits to be published: pages
// (by path), then news posts (by path).
func (t *TenantDB) ImportedDrafts() ([]ImportedDraft, error) {
	var pages []struct {
		ImportItem
		Title string
	}
	err := t.scoped.Table("import_items").
		Select("import_items.*, pages.title AS title").
		Joins("JOIN pages ON pages.tenant_id = import_items.tenant_id AND pages.id = import_items.target_id").
		Where("import_items.kind = ?", ImportKindPage).
		Where(`pages.published_revision_id IS NULL OR pages.published_revision_id <>
			(SELECT MAX(r.id) FROM page_revisions r WHERE r.tenant_id = pages.tenant_id AND r.page_id = pages.id)`).
		Order("pages.path").Find(&pages).Error
	if err != nil {
		return nil, translate("list imported pages", err)
	}
	var posts []struct {
		ImportItem
		Title string
		Slug  string
	}
	err = t.scoped.Table("import_items").
		Select("import_items.*, posts.title AS title, posts.slug AS slug").
		Joins("JOIN posts ON posts.tenant_id = import_items.tenant_id AND posts.id = import_items.target_id").
		Where("import_items.kind = ? AND posts.published_at IS NULL", ImportKindNews).
		Order("posts.slug").Find(&posts).Error
	if err != nil {
		return nil, translate("list imported news", err)
	}
	out := make([]ImportedDraft, 0, len(pages)+len(posts))
	for _, p := range pages {
		out = append(out, ImportedDraft{Kind: ImportKindPage, ID: p.TargetID, Path: p.TargetPath, Title: p.Title, Source: p.SourceURL, JobID: importJobID(p.JobID)})
	}
	for _, p := range posts {
		out = append(out, ImportedDraft{Kind: ImportKindNews, ID: p.TargetID, Path: postSubject(p.Slug), Title: p.Title, Source: p.SourceURL, JobID: importJobID(p.JobID)})
	}
	return out, nil
}

// PublishImported publishes imported drafts of kind ("page" or "news") by
// their ids, each through the usual audited publish, and adds their
// redirects from the old addresses. It returns how many it published; an
// id that is not an import of this tenant is ErrNotFound, and nothing after
// it is published.
func (t *TenantDB) PublishImported(by Actor, kind string, ids []int64) (int, error) {
	if kind != ImportKindPage && kind != ImportKindNews {
		return 0, invalid("kind", "choose pages or news")
	}
	n := 0
	for _, id := range ids {
		var item ImportItem
		if err := t.scoped.Where("kind = ? AND target_id = ?", kind, id).Order("id").Take(&item).Error; err != nil {
			return n, translate(fmt.Sprintf("imported %s %d", kind, id), err)
		}
		switch kind {
		case ImportKindPage:
			d, err := t.pageByID(id)
			if err != nil {
				return n, err
			}
			if d.Page.PublishedRevisionID == nil || *d.Page.PublishedRevisionID != d.Revision.ID {
				if _, err := t.PutPage(PageInput{Path: d.Page.Path, Title: d.Revision.Title, BodyMD: d.Revision.BodyMD, By: by,
					BaseRevisionID: &d.Revision.ID}); err != nil {
					return n, err
				}
			}
			item.TargetPath = d.Page.Path
		case ImportKindNews:
			p, err := t.PostByID(id)
			if err != nil {
				return n, err
			}
			if p.PublishedAt == nil {
				at := time.Now().UTC()
				if item.SourceDate != nil && item.SourceDate.Before(at) {
					at = item.SourceDate.UTC()
				}
				p.PublishedAt, p.Version = &at, 0
				if _, err := t.SavePost(by, p.ID, p); err != nil {
					return n, err
				}
			}
			item.TargetPath = postSubject(p.Slug)
		}
		var items []ImportItem // every source that became this page or post
		if err := t.scoped.Where("kind = ? AND target_id = ?", kind, id).Find(&items).Error; err != nil {
			return n, translate("imported items", err)
		}
		for i := range items {
			items[i].TargetPath = item.TargetPath
		}
		if _, err := t.importRedirects(by, items); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// importRedirects adds the redirects from the items' old paths to their
// new ones and returns those that are in place. An old address the new
// site answers already ("/about/" for "/about"), one the redirects table
// refuses (a platform path, a chain) and one that already redirects
// elsewhere (a manager's choice) are left out: a redirect must never stop
// an import.
func (t *TenantDB) importRedirects(by Actor, items []ImportItem) ([]ImportedRedirect, error) {
	var in []RedirectInput
	seen := map[[2]string]bool{}
	for _, it := range items {
		for _, from := range strings.Split(it.RedirectFrom, "\n") {
			from = strings.TrimSpace(from)
			if from == "" {
				continue
			}
			x := RedirectInput{From: from, To: it.TargetPath, Status: 301, Source: "import"}
			r, err := ParseRedirect(x)
			if err != nil || r.FromQuery == "" && r.FromPath == it.TargetPath || seen[[2]string{r.FromPath, r.FromQuery}] {
				continue
			}
			seen[[2]string{r.FromPath, r.FromQuery}] = true
			in = append(in, x)
		}
	}
	for len(in) > 0 {
		added, err := t.AddRedirects(by, in)
		var le *RedirectLineError
		if errors.As(err, &le) && le.Index >= 0 && le.Index < len(in) {
			in = append(in[:le.Index:le.Index], in[le.Index+1:]...)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("models: add the redirects of imported items: %w", err)
		}
		conflict := map[string]bool{}
		for _, c := range added.Conflicts {
			conflict[c.From] = true
		}
		var out []ImportedRedirect
		for _, x := range in {
			if !conflict[x.From] {
				out = append(out, ImportedRedirect{From: x.From, To: x.To})
			}
		}
		return out, nil
	}
	return nil, nil
}

func joinLines(ss []string) string { return strings.Join(ss, "\n") }

func importJobRef(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func importJobID(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}
