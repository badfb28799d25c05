-- +goose Up
-- NHS England's content templates (/appointments, /test-results, /fit-notes,
-- …) link to each practice's own online services: its online consultation
-- tool, where to see test results, how to ask for a fit note, and the "You
-- and Your General Practice" patient charter (practices must link to it
-- under the 2025/26 contract). Each is optional: a page whose practice has
-- no link says to phone the practice instead.
ALTER TABLE practices ADD COLUMN online_consultation_url TEXT NOT NULL DEFAULT '';
ALTER TABLE practices ADD COLUMN test_results_url TEXT NOT NULL DEFAULT '';
ALTER TABLE practices ADD COLUMN fit_notes_url TEXT NOT NULL DEFAULT '';
ALTER TABLE practices ADD COLUMN charter_url TEXT NOT NULL DEFAULT '';
-- The patient participation group, as the manager describes it; empty: the
-- /patient-group page says to ask a practice.
ALTER TABLE site_settings ADD COLUMN patient_group TEXT NOT NULL DEFAULT '';
ALTER TABLE site_settings ADD COLUMN patient_group_join TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE site_settings DROP COLUMN patient_group_join;
ALTER TABLE site_settings DROP COLUMN patient_group;
ALTER TABLE practices DROP COLUMN charter_url;
ALTER TABLE practices DROP COLUMN fit_notes_url;
ALTER TABLE practices DROP COLUMN test_results_url;
ALTER TABLE practices DROP COLUMN online_consultation_url;
