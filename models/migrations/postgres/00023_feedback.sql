-- +goose Up
-- Patients' feedback (issue 13). feedback_settings is one row per tenant
-- that a manager has saved: which forms the site shows (the Friends and
-- Family Test is on for a tenant without a row), how many months free text
-- is kept, where new responses are emailed and whether editors may read
-- them. feedback_responses holds what patients sent: never an IP address.
-- The scheduler blanks text, name and reply_to after the retention period
-- and sets text_deleted_at; the answer and the practice stay for the
-- published results.
CREATE TABLE feedback_settings (
    tenant_id        BIGINT PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    fft_enabled      BOOLEAN NOT NULL DEFAULT true,
    comments_enabled BOOLEAN NOT NULL DEFAULT false,
    contact_enabled  BOOLEAN NOT NULL DEFAULT false,
    retention_months INTEGER NOT NULL DEFAULT 12 CHECK (retention_months BETWEEN 1 AND 36),
    notify_email     TEXT NOT NULL DEFAULT '',
    editors_may_read BOOLEAN NOT NULL DEFAULT false,
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE feedback_responses (
    id              BIGSERIAL PRIMARY KEY,
    tenant_id       BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    form            TEXT NOT NULL CHECK (form IN ('fft', 'comments', 'contact')),
    rating          INTEGER NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 6),
    practice_id     BIGINT,
    service_id      BIGINT,
    text            TEXT NOT NULL DEFAULT '',
    name            TEXT NOT NULL DEFAULT '',
    reply_to        TEXT NOT NULL DEFAULT '',
    text_deleted_at TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, id),
    CHECK (form <> 'fft' OR rating > 0),
    FOREIGN KEY (tenant_id, practice_id) REFERENCES practices (tenant_id, id) ON DELETE SET NULL (practice_id),
    FOREIGN KEY (tenant_id, service_id) REFERENCES services (tenant_id, id) ON DELETE SET NULL (service_id)
);
CREATE INDEX feedback_responses_tenant_created ON feedback_responses (tenant_id, created_at);
CREATE INDEX feedback_responses_text_kept ON feedback_responses (created_at) WHERE text_deleted_at IS NULL;

-- +goose Down
DROP TABLE feedback_responses;
DROP TABLE feedback_settings;
