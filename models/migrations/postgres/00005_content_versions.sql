-- +goose Up
-- Optimistic concurrency for the admin panel: every editable content row
-- carries a version that a save must name. A save claims the version it was
-- opened at (UPDATE ... SET version = version + 1 WHERE version = ?); when no
-- row matches, someone else saved first and the save is refused.
ALTER TABLE site_settings ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE practices ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE practice_exceptions ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE enhanced_access_sessions ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE services ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE staff ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE posts ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE events ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE vacancies ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- +goose Down
ALTER TABLE vacancies DROP COLUMN version;
ALTER TABLE events DROP COLUMN version;
ALTER TABLE posts DROP COLUMN version;
ALTER TABLE staff DROP COLUMN version;
ALTER TABLE services DROP COLUMN version;
ALTER TABLE enhanced_access_sessions DROP COLUMN version;
ALTER TABLE practice_exceptions DROP COLUMN version;
ALTER TABLE practices DROP COLUMN version;
ALTER TABLE site_settings DROP COLUMN version;
