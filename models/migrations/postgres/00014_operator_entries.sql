-- +goose Up
-- One-time links by which an operator, signed in to the console with
-- two-factor authentication, enters a tenant's admin panel (a suspended
-- tenant's too). Only the SHA-256 of the link's token is kept; a link works
-- once, for a minute.
CREATE TABLE operator_entries (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tenant_id  BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);

-- +goose Down
DROP TABLE operator_entries;
