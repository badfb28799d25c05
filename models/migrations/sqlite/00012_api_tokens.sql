-- +goose Up
-- Bearer tokens of the operators' API (/api/v1 on the console host). Only
-- the SHA-256 of a token is kept; scopes are space-separated
-- (tenants:read tenants:write domains:write users:write pages:write).
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    prefix       TEXT NOT NULL, -- the first characters, to tell tokens apart
    scopes       TEXT NOT NULL,
    created_by   TEXT NOT NULL DEFAULT '',
    created_at   DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    last_used_at DATETIME,
    expires_at   DATETIME,
    revoked_at   DATETIME
);

-- +goose Down
DROP TABLE api_tokens;
