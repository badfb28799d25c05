-- +goose Up
-- One-time links by which an operator, signed in to the console with
-- two-factor authentication, enters a tenant's admin panel (a suspended
-- tenant's too). Only the SHA-256 of the link's token is kept; a link works
-- once, for a minute.
CREATE TABLE operator_entries (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tenant_id  INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    expires_at DATETIME NOT NULL,
    used_at    DATETIME
);

-- +goose Down
DROP TABLE operator_entries;
