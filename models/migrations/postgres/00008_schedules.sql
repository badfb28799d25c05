-- +goose Up
-- Scheduled publish and unpublish. A row is one change a manager asked for
-- at a time: publish a page's revision, unpublish a page, publish or
-- unpublish a news post (target is the page's path or the post's id). The
-- runner applies a due row in the same transaction that marks it done; a
-- change that fails is marked done with its error and not retried. Pending
-- rows are those without done_at; a cancelled change is deleted.
CREATE TABLE schedules (
    id          BIGSERIAL PRIMARY KEY,
    tenant_id   BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('page', 'post')),
    target      TEXT NOT NULL,
    revision_id BIGINT,
    action      TEXT NOT NULL CHECK (action IN ('publish', 'unpublish')),
    run_at      TIMESTAMPTZ NOT NULL,
    created_by  TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    done_at     TIMESTAMPTZ,
    error       TEXT NOT NULL DEFAULT '',
    UNIQUE (tenant_id, id),
    CHECK (kind <> 'page' OR action <> 'publish' OR revision_id IS NOT NULL),
    FOREIGN KEY (tenant_id, revision_id) REFERENCES page_revisions (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX schedules_due ON schedules (run_at) WHERE done_at IS NULL;
CREATE INDEX schedules_tenant ON schedules (tenant_id, kind, target, run_at);

-- leases elect one replica to do a platform-wide job: the holder renews
-- its row before expires_at; when it stops, another replica takes over.
CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE leases;
DROP TABLE schedules;
