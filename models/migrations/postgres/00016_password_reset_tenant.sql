-- +goose Up
-- A password reset link belongs to the tenant on whose host it was asked
-- for, and works only there: a link asked for on tenant B's host no longer
-- resets the account on tenant A's host (and writes to A's audit log).
-- Outstanding links (an hour's worth at most) were made without a tenant:
-- they are dropped, and whoever asked can ask again.
DELETE FROM password_resets;
ALTER TABLE password_resets ADD COLUMN tenant_id BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE;

-- +goose Down
ALTER TABLE password_resets DROP COLUMN tenant_id;
