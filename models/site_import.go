package models

import (
	"errors"
	"time"
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
	Skipped []ImportNote
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
