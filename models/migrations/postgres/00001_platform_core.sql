-- +goose Up
CREATE TABLE tenants (
    id            BIGSERIAL PRIMARY KEY,
    slug          TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    ods_code      TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'archived')),
    status_reason TEXT NOT NULL DEFAULT '',
    theme         TEXT NOT NULL DEFAULT 'default',
    generation    BIGINT NOT NULL DEFAULT 1,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE domains (
    id         BIGSERIAL PRIMARY KEY,
    tenant_id  BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    host       TEXT NOT NULL UNIQUE,
    is_primary BOOLEAN NOT NULL DEFAULT false,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX domains_tenant_id ON domains (tenant_id);
CREATE UNIQUE INDEX domains_one_primary ON domains (tenant_id) WHERE is_primary;

CREATE TABLE pages (
    id                    BIGSERIAL PRIMARY KEY,
    tenant_id             BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    path                  TEXT NOT NULL,
    title                 TEXT NOT NULL,
    nav_order             INTEGER NOT NULL DEFAULT 0,
    in_nav                BOOLEAN NOT NULL DEFAULT false,
    published_revision_id BIGINT,
    published_at          TIMESTAMPTZ,
    created_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, path),
    UNIQUE (tenant_id, id)
);

CREATE TABLE page_revisions (
    id         BIGSERIAL PRIMARY KEY,
    tenant_id  BIGINT NOT NULL,
    page_id    BIGINT NOT NULL,
    title      TEXT NOT NULL,
    body_md    TEXT NOT NULL,
    body_html  TEXT NOT NULL,
    author     TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, page_id) REFERENCES pages (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX page_revisions_page ON page_revisions (tenant_id, page_id, id);

-- A page can only publish one of its own tenant's revisions.
ALTER TABLE pages ADD CONSTRAINT pages_published_revision_fk
    FOREIGN KEY (tenant_id, published_revision_id) REFERENCES page_revisions (tenant_id, id)
    DEFERRABLE INITIALLY DEFERRED;

-- +goose Down
DROP TABLE pages CASCADE;
DROP TABLE page_revisions;
DROP TABLE domains;
DROP TABLE tenants;
