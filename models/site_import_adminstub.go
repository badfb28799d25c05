package models

// TEMPORARY (branch i12-adminimp): the import API the importer helper is
// writing (branch i12-importer), stubbed so the admin handlers compile.
// Deleted when i12-importer is merged.

import "errors"

var errImportStub = errors.New("models: import API not merged yet")

// ImportedDraft is a draft page or news story an import made.
type ImportedDraft struct {
	Kind                string // "page" or "news"
	ID                  int64
	Path, Title, Source string
	JobID               int64
}

// QueueImport (stub).
func (t *TenantDB) QueueImport(by Actor, kind, source string, payload []byte, maxPages int, publish bool) (ImportJob, error) {
	return ImportJob{}, errImportStub
}

// ImportJobs (stub).
func (t *TenantDB) ImportJobs(limit int) ([]ImportJob, error) { return nil, errImportStub }

// ImportJobByID (stub).
func (t *TenantDB) ImportJobByID(id int64) (ImportJob, error) { return ImportJob{}, ErrNotFound }

// ReportData (stub).
func (j ImportJob) ReportData() (ImportReport, error) { return ImportReport{}, errImportStub }

// ImportedDrafts (stub).
func (t *TenantDB) ImportedDrafts() ([]ImportedDraft, error) { return nil, errImportStub }

// PublishImported (stub).
func (t *TenantDB) PublishImported(by Actor, kind string, ids []int64) (int, error) { return 0, errImportStub }
