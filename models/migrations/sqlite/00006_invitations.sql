-- +goose Up
-- Invitations to join a tenant's admin panel. A manager invites an email
-- address with a role; the link's token is single-use and valid for 7 days.
-- token_hash is the hex SHA-256 of the link's token: a copy of this table
-- does not let anyone accept an invitation. One pending invitation per email
-- and tenant; accepting or cancelling deletes the row (the audit log keeps
-- the history).
CREATE TABLE invitations (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id        INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    email            TEXT NOT NULL, -- lower-cased
    role             TEXT NOT NULL CHECK (role IN ('manager', 'editor')),
    token_hash       TEXT NOT NULL UNIQUE,
    invited_by       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    invited_by_email TEXT NOT NULL DEFAULT '',
    created_at       DATETIME NOT NULL,
    expires_at       DATETIME NOT NULL,
    UNIQUE (tenant_id, email)
);

-- +goose Down
DROP TABLE invitations;
