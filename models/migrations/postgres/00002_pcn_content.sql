-- +goose Up
-- The PCN content model: site settings, practices with hours and exceptions,
-- enhanced access sessions, services and team, news, events, vacancies, the
-- navigation menu, and review dates on pages. Every table is tenant-owned:
-- tenant_id NOT NULL, unique constraints include it, and references between
-- tenant tables are composite so they can never cross tenants.

CREATE TABLE site_settings (
    tenant_id            BIGINT PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    description          TEXT NOT NULL DEFAULT '',
    logo_url             TEXT NOT NULL DEFAULT '',
    phone                TEXT NOT NULL DEFAULT '',
    email                TEXT NOT NULL DEFAULT '',
    address              TEXT NOT NULL DEFAULT '',
    clinical_director    TEXT NOT NULL DEFAULT '',
    nhs_identity         BOOLEAN NOT NULL DEFAULT false,
    social_facebook      TEXT NOT NULL DEFAULT '',
    social_x             TEXT NOT NULL DEFAULT '',
    social_instagram     TEXT NOT NULL DEFAULT '',
    social_youtube       TEXT NOT NULL DEFAULT '',
    data_controller      TEXT NOT NULL DEFAULT '',
    dpo_contact          TEXT NOT NULL DEFAULT '',
    accessibility_status TEXT NOT NULL DEFAULT 'partial' CHECK (accessibility_status IN ('full', 'partial', 'not')),
    accessibility_issues TEXT NOT NULL DEFAULT '',
    statement_prepared   DATE,
    statement_reviewed   DATE,
    updated_at           TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE practices (
    id                      BIGSERIAL PRIMARY KEY,
    tenant_id               BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    ods_code                TEXT NOT NULL,
    name                    TEXT NOT NULL,
    address                 TEXT NOT NULL DEFAULT '',
    postcode                TEXT NOT NULL DEFAULT '',
    phone                   TEXT NOT NULL DEFAULT '',
    email                   TEXT NOT NULL DEFAULT '',
    website                 TEXT NOT NULL DEFAULT '',
    appointments_url        TEXT NOT NULL DEFAULT '',
    registration_url        TEXT NOT NULL DEFAULT '',
    prescriptions_url       TEXT NOT NULL DEFAULT '',
    hours                   TEXT NOT NULL DEFAULT '',
    closed_on_bank_holidays BOOLEAN NOT NULL DEFAULT true,
    accessibility_notes     TEXT NOT NULL DEFAULT '',
    sort_order              INTEGER NOT NULL DEFAULT 0,
    created_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, ods_code),
    UNIQUE (tenant_id, id)
);

CREATE TABLE practice_exceptions (
    id          BIGSERIAL PRIMARY KEY,
    tenant_id   BIGINT NOT NULL,
    practice_id BIGINT NOT NULL,
    starts_on   DATE NOT NULL,
    ends_on     DATE NOT NULL,
    closed      BOOLEAN NOT NULL DEFAULT true,
    hours       TEXT NOT NULL DEFAULT '',
    reason      TEXT NOT NULL DEFAULT '',
    CHECK (ends_on >= starts_on),
    FOREIGN KEY (tenant_id, practice_id) REFERENCES practices (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX practice_exceptions_practice ON practice_exceptions (tenant_id, practice_id, starts_on);

CREATE TABLE enhanced_access_sessions (
    id          BIGSERIAL PRIMARY KEY,
    tenant_id   BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    practice_id BIGINT,
    weekdays    TEXT NOT NULL,
    starts_at   INTEGER NOT NULL CHECK (starts_at BETWEEN 0 AND 1440),
    ends_at     INTEGER NOT NULL CHECK (ends_at BETWEEN 0 AND 1440),
    clinicians  TEXT NOT NULL DEFAULT '',
    how_to_book TEXT NOT NULL DEFAULT '',
    sort_order  INTEGER NOT NULL DEFAULT 0,
    CHECK (ends_at > starts_at),
    FOREIGN KEY (tenant_id, practice_id) REFERENCES practices (tenant_id, id) ON DELETE SET NULL (practice_id)
);

CREATE TABLE services (
    id               BIGSERIAL PRIMARY KEY,
    tenant_id        BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    slug             TEXT NOT NULL,
    name             TEXT NOT NULL,
    summary          TEXT NOT NULL DEFAULT '',
    body_md          TEXT NOT NULL DEFAULT '',
    body_html        TEXT NOT NULL DEFAULT '',
    who_for          TEXT NOT NULL DEFAULT '',
    how_to_access    TEXT NOT NULL DEFAULT '',
    self_referral    BOOLEAN NOT NULL DEFAULT false,
    published        BOOLEAN NOT NULL DEFAULT true,
    sort_order       INTEGER NOT NULL DEFAULT 0,
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, slug),
    UNIQUE (tenant_id, id)
);

CREATE TABLE staff (
    id         BIGSERIAL PRIMARY KEY,
    tenant_id  BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    service_id BIGINT,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL,
    photo_url  TEXT NOT NULL DEFAULT '',
    bio        TEXT NOT NULL DEFAULT '',
    sort_order INTEGER NOT NULL DEFAULT 0,
    FOREIGN KEY (tenant_id, service_id) REFERENCES services (tenant_id, id) ON DELETE SET NULL (service_id)
);

CREATE TABLE posts (
    id           BIGSERIAL PRIMARY KEY,
    tenant_id    BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    slug         TEXT NOT NULL,
    title        TEXT NOT NULL,
    summary      TEXT NOT NULL DEFAULT '',
    body_md      TEXT NOT NULL DEFAULT '',
    body_html    TEXT NOT NULL DEFAULT '',
    published_at TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, slug)
);
CREATE INDEX posts_published ON posts (tenant_id, published_at DESC);

CREATE TABLE events (
    id          BIGSERIAL PRIMARY KEY,
    tenant_id   BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    slug        TEXT NOT NULL,
    title       TEXT NOT NULL,
    summary     TEXT NOT NULL DEFAULT '',
    body_md     TEXT NOT NULL DEFAULT '',
    body_html   TEXT NOT NULL DEFAULT '',
    starts_at   TIMESTAMPTZ NOT NULL,
    ends_at     TIMESTAMPTZ,
    location    TEXT NOT NULL DEFAULT '',
    online      BOOLEAN NOT NULL DEFAULT false,
    booking_url TEXT NOT NULL DEFAULT '',
    published   BOOLEAN NOT NULL DEFAULT true,
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, slug),
    CHECK (ends_at IS NULL OR ends_at >= starts_at)
);

CREATE TABLE vacancies (
    id         BIGSERIAL PRIMARY KEY,
    tenant_id  BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    slug       TEXT NOT NULL,
    title      TEXT NOT NULL,
    summary    TEXT NOT NULL DEFAULT '',
    body_md    TEXT NOT NULL DEFAULT '',
    body_html  TEXT NOT NULL DEFAULT '',
    closes_on  DATE NOT NULL,
    salary     TEXT NOT NULL DEFAULT '',
    hours_text TEXT NOT NULL DEFAULT '',
    apply_url  TEXT NOT NULL DEFAULT '',
    published  BOOLEAN NOT NULL DEFAULT true,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, slug)
);

CREATE TABLE nav_items (
    id         BIGSERIAL PRIMARY KEY,
    tenant_id  BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    title      TEXT NOT NULL,
    path       TEXT NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 0,
    UNIQUE (tenant_id, path)
);

ALTER TABLE pages ADD COLUMN review_due DATE;

-- +goose Down
ALTER TABLE pages DROP COLUMN review_due;
DROP TABLE nav_items;
DROP TABLE vacancies;
DROP TABLE events;
DROP TABLE posts;
DROP TABLE staff;
DROP TABLE services;
DROP TABLE enhanced_access_sessions;
DROP TABLE practice_exceptions;
DROP TABLE practices;
DROP TABLE site_settings;
