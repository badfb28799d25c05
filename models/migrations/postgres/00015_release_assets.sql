-- +goose Up
-- The static assets of recent releases. Each release records its hashed
-- assets when it starts (models.RecordRelease), so that while two releases
-- run side by side in a rolling deploy, and for pages an earlier release
-- rendered into the shared cache, every asset URL a page links resolves on
-- every replica. Only the last few releases are kept.
CREATE TABLE releases (
    fingerprint TEXT PRIMARY KEY,
    started_at  TIMESTAMPTZ NOT NULL
);

-- One row per asset URL (the URL names the content's hash, so a URL that
-- several releases share is stored once). fingerprint and seen_at are those
-- of the newest release that has it: the pruning key.
CREATE TABLE release_assets (
    url          TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    etag         TEXT NOT NULL,
    body         BYTEA NOT NULL,
    gzip         BYTEA NOT NULL,
    fingerprint  TEXT NOT NULL,
    seen_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX release_assets_seen_at ON release_assets (seen_at);

-- +goose Down
DROP TABLE release_assets;
DROP TABLE releases;
