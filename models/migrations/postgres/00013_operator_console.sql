-- +goose Up
-- The operators' console: an audit log of operator actions (platform-wide,
-- optionally about one tenant, always with the operator's reason), a
-- verification token per custom domain, and sessions that belong to no
-- tenant (an operator's console session has tenant_id 0).

CREATE TABLE operator_audit (
    id          BIGSERIAL PRIMARY KEY,
    user_id     BIGINT REFERENCES users (id) ON DELETE SET NULL,
    user_email  TEXT NOT NULL,
    action      TEXT NOT NULL,
    tenant_id   BIGINT REFERENCES tenants (id) ON DELETE SET NULL,
    tenant_slug TEXT NOT NULL DEFAULT '',
    subject     TEXT NOT NULL DEFAULT '',
    why         TEXT NOT NULL,
    at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX operator_audit_at ON operator_audit (at DESC);
CREATE INDEX operator_audit_tenant ON operator_audit (tenant_id, at DESC);

ALTER TABLE domains ADD COLUMN verify_token TEXT NOT NULL DEFAULT '';
ALTER TABLE domains ADD COLUMN verified_at TIMESTAMPTZ;
ALTER TABLE domains ADD COLUMN checked_at TIMESTAMPTZ;

ALTER TABLE sessions DROP CONSTRAINT IF EXISTS sessions_tenant_id_fkey;

-- +goose Down
DELETE FROM sessions WHERE tenant_id NOT IN (SELECT id FROM tenants);
ALTER TABLE sessions ADD CONSTRAINT sessions_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE;
ALTER TABLE domains DROP COLUMN checked_at;
ALTER TABLE domains DROP COLUMN verified_at;
ALTER TABLE domains DROP COLUMN verify_token;
DROP TABLE operator_audit;
