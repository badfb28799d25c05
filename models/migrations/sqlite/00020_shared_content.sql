-- +goose Up
-- Shared content (issue 11 §2): a notice or a page that an operator or a
-- group editor writes once and shares with many tenants: all of them, those
-- of one ICB or one sub-ICB (from ODS), or a hand-picked list. Each tenant
-- inherits it until it hides it or replaces it with its own version
-- (shared_item_states). Group editors are console accounts limited to a
-- group of tenants (group_editors), invited by an operator.

CREATE TABLE shared_items (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    kind           TEXT NOT NULL CHECK (kind IN ('notice', 'page')),
    path           TEXT NOT NULL DEFAULT '',
    title          TEXT NOT NULL,
    body_md        TEXT NOT NULL DEFAULT '',
    body_html      TEXT NOT NULL DEFAULT '',
    owner          TEXT NOT NULL,
    audience       TEXT NOT NULL CHECK (audience IN ('all', 'icb', 'sub_icb', 'list')),
    audience_value TEXT NOT NULL DEFAULT '',
    version        INTEGER NOT NULL DEFAULT 1,
    created_by     TEXT NOT NULL DEFAULT '',
    updated_by     TEXT NOT NULL DEFAULT '',
    created_at     DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at     DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
-- Two shared pages never claim one path.
CREATE UNIQUE INDEX shared_items_page_path ON shared_items (path) WHERE kind = 'page';
CREATE INDEX shared_items_audience ON shared_items (audience, audience_value);

CREATE TABLE shared_item_tenants (
    item_id   INTEGER NOT NULL REFERENCES shared_items (id) ON DELETE CASCADE,
    tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    PRIMARY KEY (item_id, tenant_id)
);
CREATE INDEX shared_item_tenants_tenant ON shared_item_tenants (tenant_id);

-- A tenant's own choice about a shared item; no row means it inherits.
CREATE TABLE shared_item_states (
    tenant_id  INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    item_id    INTEGER NOT NULL REFERENCES shared_items (id) ON DELETE CASCADE,
    state      TEXT NOT NULL CHECK (state IN ('hidden', 'replaced')),
    title      TEXT NOT NULL DEFAULT '',
    body       TEXT NOT NULL DEFAULT '',
    updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (tenant_id, item_id)
);
CREATE INDEX shared_item_states_item ON shared_item_states (item_id);

CREATE TABLE group_editors (
    user_id           INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    label             TEXT NOT NULL,
    audience          TEXT NOT NULL CHECK (audience IN ('icb', 'sub_icb', 'list')),
    audience_value    TEXT NOT NULL DEFAULT '',
    invite_token_hash TEXT NOT NULL DEFAULT '',
    invite_expires_at DATETIME,
    created_by        TEXT NOT NULL DEFAULT '',
    created_at        DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE group_editor_tenants (
    user_id   INTEGER NOT NULL REFERENCES group_editors (user_id) ON DELETE CASCADE,
    tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, tenant_id)
);

-- +goose Down
DROP TABLE group_editor_tenants;
DROP TABLE group_editors;
DROP TABLE shared_item_states;
DROP TABLE shared_item_tenants;
DROP TABLE shared_items;
