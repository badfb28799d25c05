-- +goose Up
-- A tenant whose PCN ODS lists as closed (pcnweb import ods) is closed: its
-- site shows where its practices went. closed_on is the date ODS gave; NULL
-- while the PCN is open. (A column rather than a new value of status, whose
-- CHECK constraint SQLite cannot alter in place; the models report a closed
-- tenant's status as "closed".)
ALTER TABLE tenants ADD COLUMN closed_on DATE;

-- The slugs a tenant had before an operator changed it (pcnweb tenant
-- rename): the old platform host answers with a 301 to the new one. A
-- tenant given one of these slugs takes it over (the row is deleted).
CREATE TABLE tenant_old_slugs (
    slug       TEXT PRIMARY KEY,
    tenant_id  INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX tenant_old_slugs_tenant_id ON tenant_old_slugs (tenant_id);

-- +goose Down
DROP TABLE tenant_old_slugs;
ALTER TABLE tenants DROP COLUMN closed_on;
