-- +goose Up
-- Platform-wide announcements: a notice the operators put on every tenant's
-- site between two instants (an NHS-wide service disruption, say).
CREATE TABLE announcements (
    id         BIGSERIAL PRIMARY KEY,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL DEFAULT '',
    starts_at  TIMESTAMPTZ NOT NULL,
    ends_at    TIMESTAMPTZ NOT NULL CHECK (ends_at > starts_at),
    created_by TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX announcements_window ON announcements (ends_at, starts_at);

-- +goose Down
DROP TABLE announcements;
