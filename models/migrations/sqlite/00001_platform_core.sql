-- +goose Up
CREATE TABLE tenants (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    slug          TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    ods_code      TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'archived')),
    status_reason TEXT NOT NULL DEFAULT '',
    theme         TEXT NOT NULL DEFAULT 'default',
    generation    INTEGER NOT NULL DEFAULT 1,
    created_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE domains (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id  INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    host       TEXT NOT NULL UNIQUE,
    is_primary BOOLEAN NOT NULL DEFAULT 0,
    created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX domains_tenant_id ON domains (tenant_id);
CREATE UNIQUE INDEX domains_one_primary ON domains (tenant_id) WHERE is_primary;

CREATE TABLE pages (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id             INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    path                  TEXT NOT NULL,
    title                 TEXT NOT NULL,
    nav_order             INTEGER NOT NULL DEFAULT 0,
    in_nav                BOOLEAN NOT NULL DEFAULT 0,
    published_revision_id INTEGER,
    published_at          DATETIME,
    created_at            DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at            DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (tenant_id, path),
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, published_revision_id) REFERENCES page_revisions (tenant_id, id) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE page_revisions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id  INTEGER NOT NULL,
    page_id    INTEGER NOT NULL,
    title      TEXT NOT NULL,
    body_md    TEXT NOT NULL,
    body_html  TEXT NOT NULL,
    author     TEXT NOT NULL DEFAULT '',
    created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, page_id) REFERENCES pages (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX page_revisions_page ON page_revisions (tenant_id, page_id, id);

-- +goose Down
DROP TABLE page_revisions;
DROP TABLE pages;
DROP TABLE domains;
DROP TABLE tenants;
