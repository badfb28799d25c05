-- +goose Up
-- The operators' console: an audit log of operator actions (platform-wide,
-- optionally about one tenant, always with the operator's reason), a
-- verification token per custom domain, and sessions that belong to no
-- tenant (an operator's console session has tenant_id 0: the table is
-- rebuilt without its foreign key to tenants).

CREATE TABLE operator_audit (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    user_email  TEXT NOT NULL,
    action      TEXT NOT NULL,
    tenant_id   INTEGER REFERENCES tenants (id) ON DELETE SET NULL,
    tenant_slug TEXT NOT NULL DEFAULT '',
    subject     TEXT NOT NULL DEFAULT '',
    why         TEXT NOT NULL,
    at          DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX operator_audit_at ON operator_audit (at DESC);
CREATE INDEX operator_audit_tenant ON operator_audit (tenant_id, at DESC);

ALTER TABLE domains ADD COLUMN verify_token TEXT NOT NULL DEFAULT '';
ALTER TABLE domains ADD COLUMN verified_at DATETIME;
ALTER TABLE domains ADD COLUMN checked_at DATETIME;

CREATE TABLE sessions_console (
    token_hash   TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tenant_id    INTEGER NOT NULL,
    csrf_token   TEXT NOT NULL,
    created_at   DATETIME NOT NULL,
    last_seen_at DATETIME NOT NULL
);
INSERT INTO sessions_console SELECT token_hash, user_id, tenant_id, csrf_token, created_at, last_seen_at FROM sessions;
DROP TABLE sessions;
ALTER TABLE sessions_console RENAME TO sessions;
CREATE INDEX sessions_user ON sessions (user_id);

-- +goose Down
DELETE FROM sessions WHERE tenant_id NOT IN (SELECT id FROM tenants);
CREATE TABLE sessions_console (
    token_hash   TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tenant_id    INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    created_at   DATETIME NOT NULL,
    last_seen_at DATETIME NOT NULL
);
INSERT INTO sessions_console SELECT token_hash, user_id, tenant_id, csrf_token, created_at, last_seen_at FROM sessions;
DROP TABLE sessions;
ALTER TABLE sessions_console RENAME TO sessions;
CREATE INDEX sessions_user ON sessions (user_id);
ALTER TABLE domains DROP COLUMN checked_at;
ALTER TABLE domains DROP COLUMN verified_at;
ALTER TABLE domains DROP COLUMN verify_token;
DROP TABLE operator_audit;
