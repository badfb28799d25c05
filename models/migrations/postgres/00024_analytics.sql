-- +goose Up
-- Cookieless analytics (issue 13): what each replica counted in memory,
-- flushed every few seconds and added up here, one row per tenant, London
-- calendar day, kind and key. Kinds: 'view' (key: the page's path),
-- 'referrer' (the referring site's domain), 'search' and 'search-none'
-- (the normalised search term; search-none counts the searches that found
-- nothing), '404' (the path). Key '' is a day's total for its kind once
-- the per-key detail has been rolled up (models.RollUpCounts); '(other)'
-- holds what a replica counted beyond its cap of distinct keys. Nothing
-- here names a visitor: no address, no user agent, no identifier.
CREATE TABLE analytics_daily (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    day       DATE NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('view', 'referrer', 'search', 'search-none', '404')),
    key       TEXT NOT NULL CHECK (char_length(key) <= 300),
    n         BIGINT NOT NULL CHECK (n >= 0),
    PRIMARY KEY (tenant_id, day, kind, key)
);
-- The platform view and the roll-up read by day across tenants.
CREATE INDEX analytics_daily_day ON analytics_daily (day, kind);

-- +goose Down
DROP TABLE analytics_daily;
