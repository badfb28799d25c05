-- +goose Up
-- Redirects from a tenant's old addresses (the website it had before
-- pcnweb: "/About-Us.html", "/index.php?page_id=7") to where the content
-- lives now: a path of the site or an https URL, answered 301 or 302 where
-- the site would answer 404 (a from_query redirect also where a page
-- exists: "/?page_id=7"). from_path is normalised (decoded, no trailing
-- slash); from_query is the canonical query that must match, '' for any.
CREATE TABLE redirects (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id  INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    from_path  TEXT NOT NULL,
    from_query TEXT NOT NULL DEFAULT '',
    target     TEXT NOT NULL,
    status     INTEGER NOT NULL DEFAULT 301 CHECK (status IN (301, 302)),
    source     TEXT NOT NULL DEFAULT 'manual',
    created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (tenant_id, from_path, from_query)
);

-- Paths patients asked for that the site answered 404, counted so the
-- admin can suggest a redirect. Bounded per tenant by the application
-- (models.MaxNotFoundPaths distinct paths, each at most 300 bytes).
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

-- +goose Down
DROP TABLE not_found_paths;
DROP TABLE redirects;
