-- +goose Up
-- Launch control (issue 11 §3). A tenant's public host shows a short
-- holding page (its practices' phone numbers, 111 and 999, noindex) until
-- a manager or an operator launches it; launched_at says when, NULL while
-- it has not been. Tenants made from now on start not launched; every
-- tenant that exists already has been public all along, so it stays
-- launched, as of when it was made.
ALTER TABLE tenants ADD COLUMN launched_at DATETIME;
UPDATE tenants SET launched_at = created_at;

-- +goose Down
ALTER TABLE tenants DROP COLUMN launched_at;
