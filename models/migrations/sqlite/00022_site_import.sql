-- +goose Up
-- Site import (issue 12): a job moves an old website (a crawl of its
-- address, or a WordPress export file) into a tenant. Jobs run in the
-- background on whichever replica holds the job's lease (holder,
-- lease_until); a job whose replica died is taken over once its lease has
-- expired and runs again from the start (attempts counts the runs).
CREATE TABLE import_jobs (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id       INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('site', 'wordpress')),
    source          TEXT NOT NULL,
    payload         BLOB,
    max_pages       INTEGER NOT NULL DEFAULT 0,
    publish         BOOLEAN NOT NULL DEFAULT 0,
    status          TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
    progress        TEXT NOT NULL DEFAULT '',
    report          BLOB,
    error           TEXT NOT NULL DEFAULT '',
    attempts        INTEGER NOT NULL DEFAULT 0,
    created_by_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_by_name TEXT NOT NULL DEFAULT '',
    holder          TEXT NOT NULL DEFAULT '',
    lease_until     DATETIME,
    created_at      DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    started_at      DATETIME,
    finished_at     DATETIME
);
CREATE INDEX import_jobs_tenant ON import_jobs (tenant_id, id);
CREATE INDEX import_jobs_open ON import_jobs (id) WHERE status IN ('queued', 'running');

-- import_items remember what each source item became, so that a second
-- run of the same source writes nothing (same content_hash), a page a
-- person has edited since is left alone, and the redirects of a draft
-- (redirect_from: old paths, one a line) are added when it is published.
CREATE TABLE import_items (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id     INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    source_key    TEXT NOT NULL,
    source_url    TEXT NOT NULL DEFAULT '',
    kind          TEXT NOT NULL CHECK (kind IN ('page', 'news', 'media')),
    target_id     INTEGER NOT NULL,
    target_path   TEXT NOT NULL DEFAULT '',
    content_hash  TEXT NOT NULL DEFAULT '',
    redirect_from TEXT NOT NULL DEFAULT '',
    source_date   DATETIME,
    job_id        INTEGER REFERENCES import_jobs (id) ON DELETE SET NULL,
    created_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (tenant_id, source_key)
);
CREATE INDEX import_items_target ON import_items (tenant_id, kind, target_id);

-- +goose Down
DROP TABLE import_items;
DROP TABLE import_jobs;
