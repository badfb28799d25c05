-- +goose Up
-- The admin's list of missing addresses (paths patients asked for that
-- answered 404) is read from the analytics' daily 404 counts
-- (analytics_daily, kind '404') since issue 14: one store for Insights and
-- for the Redirects page, written in the analytics' batched flush instead
-- of a write per 404. What stays per path is the manager's dismissal: a
-- path dismissed on a day is listed again only for 404s on later days.
CREATE TABLE dismissed_paths (
    tenant_id    INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    path         TEXT NOT NULL CHECK (length(path) <= 300),
    dismissed_on DATE NOT NULL,
    PRIMARY KEY (tenant_id, path)
);
DROP TABLE not_found_paths;

-- +goose Down
CREATE TABLE not_found_paths (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id  INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    path       TEXT NOT NULL,
    hits       INTEGER NOT NULL DEFAULT 1,
    first_seen DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    last_seen  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (tenant_id, path)
);
CREATE INDEX not_found_paths_hits ON not_found_paths (tenant_id, hits DESC);
DROP TABLE dismissed_paths;
