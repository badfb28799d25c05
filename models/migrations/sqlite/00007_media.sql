-- +goose Up
-- The media library: images and PDFs a PCN uploads. The files live in the
-- media Storage under "<tenant>/<id>/<name>"; this table records what they
-- are. widths lists the stored widths of an image ("320,640,1024"), smallest
-- first. Alt text is required for images; package models checks it.
CREATE TABLE media (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id    INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('image', 'pdf')),
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    alt          TEXT NOT NULL DEFAULT '',
    title        TEXT NOT NULL DEFAULT '',
    widths       TEXT NOT NULL DEFAULT '',
    width        INTEGER NOT NULL DEFAULT 0,
    height       INTEGER NOT NULL DEFAULT 0,
    bytes        INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at   DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    version      INTEGER NOT NULL DEFAULT 1,
    UNIQUE (tenant_id, id)
);
CREATE INDEX media_tenant ON media (tenant_id, created_at DESC);

-- +goose Down
DROP TABLE media;
