-- +goose Up
-- The NHS ODS import (pcnweb import ods). A tenant made from an ODS PCN
-- records its sub-ICB location and the name and address ODS last gave it;
-- a practice records the name, address, postcode and phone ODS last gave
-- it. The importer compares a row's current values with these: a value
-- still equal to what ODS gave is ODS's to update, one a manager changed is
-- left alone. An ods_name of '' means the row was never imported.
ALTER TABLE tenants ADD COLUMN sub_icb_code TEXT NOT NULL DEFAULT '';
ALTER TABLE tenants ADD COLUMN sub_icb_name TEXT NOT NULL DEFAULT '';
ALTER TABLE tenants ADD COLUMN ods_name TEXT NOT NULL DEFAULT '';
ALTER TABLE tenants ADD COLUMN ods_address TEXT NOT NULL DEFAULT '';
ALTER TABLE tenants ADD COLUMN ods_postcode TEXT NOT NULL DEFAULT '';
CREATE INDEX tenants_ods_code ON tenants (ods_code) WHERE ods_code <> '';

ALTER TABLE practices ADD COLUMN ods_name TEXT NOT NULL DEFAULT '';
ALTER TABLE practices ADD COLUMN ods_address TEXT NOT NULL DEFAULT '';
ALTER TABLE practices ADD COLUMN ods_postcode TEXT NOT NULL DEFAULT '';
ALTER TABLE practices ADD COLUMN ods_phone TEXT NOT NULL DEFAULT '';
-- Set when ODS says the practice's membership of the PCN ended; cleared if
-- it joins again. Rows are kept so what managers wrote is not lost.
ALTER TABLE practices ADD COLUMN left_pcn_on DATE;

-- +goose Down
ALTER TABLE practices DROP COLUMN left_pcn_on;
ALTER TABLE practices DROP COLUMN ods_phone;
ALTER TABLE practices DROP COLUMN ods_postcode;
ALTER TABLE practices DROP COLUMN ods_address;
ALTER TABLE practices DROP COLUMN ods_name;
DROP INDEX tenants_ods_code;
ALTER TABLE tenants DROP COLUMN ods_postcode;
ALTER TABLE tenants DROP COLUMN ods_address;
ALTER TABLE tenants DROP COLUMN ods_name;
ALTER TABLE tenants DROP COLUMN sub_icb_name;
ALTER TABLE tenants DROP COLUMN sub_icb_code;
