-- +goose Up
-- Bearer tokens of the operators' API (/api/v1 on the console host). Only
-- the SHA-256 of a token is kept; scopes are space-separated
-- (tenants:read tenants:write domains:write users:write pages:write).
CREATE TABLE api_tokens (
    id           BIGSERIAL PRIMARY KEY,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    prefix       TEXT NOT NULL, -- the first characters, to tell tokens apart
    scopes       TEXT NOT NULL,
    created_by   TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_used_at TIMESTAMPTZ,
    expires_at   TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);

-- +goose Down
DROP TABLE api_tokens;
