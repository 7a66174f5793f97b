-- 0001_initial: the tables akana-emulator keeps its state in.
-- Named plainly so `sqlite3 akana-emulator.sqlite .tables` and ordinary SELECTs explain the state.
-- Timestamps are ISO-8601 UTC text (2018-03-27T19:40:01Z). Ids are the platform's ids
-- (<local-id>.<fedmemberid>). Never edit this file once released: add 0002_*.sql instead.

-- One row per tenant (Akana "fedmemberid"), e.g. acmepaymentscorp.
CREATE TABLE tenants (
    fedmemberid TEXT PRIMARY KEY NOT NULL,
    created     TEXT NOT NULL
);

-- Tenant settings such as ReadRequestCSRFSupport / WriteRequestCSRFSupport.
CREATE TABLE settings (
    tenant  TEXT NOT NULL REFERENCES tenants(fedmemberid) ON DELETE CASCADE,
    name    TEXT NOT NULL,
    value   TEXT NOT NULL,
    updated TEXT NOT NULL,
    PRIMARY KEY (tenant, name)
);

-- The emulator's own state that is not Akana data (e.g. the cookie signing key, the virtual clock).
CREATE TABLE emulator_state (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

-- Platform users. id is the userFDN (<uuid>.<fedmemberid>). password_hash is a PHC-style KDF string.
CREATE TABLE users (
    id            TEXT PRIMARY KEY NOT NULL,
    tenant        TEXT NOT NULL REFERENCES tenants(fedmemberid) ON DELETE CASCADE,
    email         TEXT NOT NULL COLLATE NOCASE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    seeded        INTEGER NOT NULL DEFAULT 0,
    created       TEXT NOT NULL,
    updated       TEXT NOT NULL,
    UNIQUE (tenant, email)
);

-- Platform roles: SiteAdmin, BusinessAdmin, SchemaDesigner, SchemaApprover, …
CREATE TABLE user_roles (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role    TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);

-- Failed logins, for throttling password guessing per account.
CREATE TABLE login_failures (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant    TEXT NOT NULL REFERENCES tenants(fedmemberid) ON DELETE CASCADE,
    email     TEXT NOT NULL COLLATE NOCASE,
    failed_at TEXT NOT NULL
);
CREATE INDEX login_failures_by_account ON login_failures (tenant, email, failed_at);

-- Login sessions (the AtmoAuthToken cookie). token_id is the cookie's TokenID.
CREATE TABLE sessions (
    token_id        TEXT PRIMARY KEY NOT NULL,
    tenant          TEXT NOT NULL REFERENCES tenants(fedmemberid) ON DELETE CASCADE,
    user_id         TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token      TEXT NOT NULL,
    started_at      TEXT NOT NULL,
    issued_at       TEXT NOT NULL,
    expires_at      TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Apps and their versions.
CREATE TABLE apps (
    id          TEXT PRIMARY KEY NOT NULL,
    tenant      TEXT NOT NULL REFERENCES tenants(fedmemberid) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    summary     TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    business_id TEXT,
    created     TEXT NOT NULL,
    updated     TEXT NOT NULL
);

CREATE TABLE app_team_members (
    app_id  TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role    TEXT NOT NULL DEFAULT 'Member',
    PRIMARY KEY (app_id, user_id)
);

CREATE TABLE app_versions (
    id                  TEXT PRIMARY KEY NOT NULL,
    app_id              TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    tenant              TEXT NOT NULL REFERENCES tenants(fedmemberid) ON DELETE CASCADE,
    name                TEXT NOT NULL,
    description         TEXT NOT NULL DEFAULT '',
    website_address     TEXT NOT NULL DEFAULT '',
    visibility          TEXT NOT NULL,
    initial_environment TEXT NOT NULL,
    current_environment TEXT NOT NULL,
    state               TEXT NOT NULL,
    identity            TEXT NOT NULL,
    identity_user_defined INTEGER NOT NULL DEFAULT 0,
    shared_secret       TEXT NOT NULL,
    has_key_info        INTEGER NOT NULL DEFAULT 0,
    created             TEXT NOT NULL,
    updated             TEXT NOT NULL
);
CREATE INDEX app_versions_by_app ON app_versions (app_id, created);

CREATE TABLE app_version_tags (
    app_version_id TEXT NOT NULL REFERENCES app_versions(id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    tag            TEXT NOT NULL,
    PRIMARY KEY (app_version_id, position)
);

CREATE TABLE app_version_security_mechanisms (
    app_version_id TEXT NOT NULL REFERENCES app_versions(id) ON DELETE CASCADE,
    mechanism      TEXT NOT NULL,
    PRIMARY KEY (app_version_id, mechanism)
);

-- Business model objects and their versions.
CREATE TABLE models (
    id          TEXT PRIMARY KEY NOT NULL,
    tenant      TEXT NOT NULL REFERENCES tenants(fedmemberid) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    summary     TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    category    TEXT NOT NULL DEFAULT '',
    visibility  TEXT NOT NULL,
    business_id TEXT,
    created     TEXT NOT NULL,
    updated     TEXT NOT NULL
);

CREATE TABLE model_versions (
    id          TEXT PRIMARY KEY NOT NULL,
    model_id    TEXT NOT NULL REFERENCES models(id) ON DELETE CASCADE,
    tenant      TEXT NOT NULL REFERENCES tenants(fedmemberid) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    schema_text TEXT NOT NULL DEFAULT '',
    state       TEXT NOT NULL,
    created     TEXT NOT NULL,
    updated     TEXT NOT NULL
);
CREATE INDEX model_versions_by_model ON model_versions (model_id, created);

-- Workflow definitions in the platform's XML (OSWorkflow 2.8), versioned per key.
CREATE TABLE workflow_definitions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant      TEXT NOT NULL REFERENCES tenants(fedmemberid) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    version     INTEGER NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    object_type TEXT NOT NULL,
    xml         TEXT NOT NULL,
    created     TEXT NOT NULL,
    UNIQUE (tenant, key, version)
);

-- Which definition new objects of a type run under, per tenant (e.g. app versions, models).
CREATE TABLE workflow_assignments (
    tenant        TEXT NOT NULL REFERENCES tenants(fedmemberid) ON DELETE CASCADE,
    object_type   TEXT NOT NULL,
    definition_id INTEGER NOT NULL REFERENCES workflow_definitions(id),
    PRIMARY KEY (tenant, object_type)
);

-- The workflow state of every object that runs under a definition.
CREATE TABLE workflow_objects (
    object_id     TEXT PRIMARY KEY NOT NULL,
    tenant        TEXT NOT NULL REFERENCES tenants(fedmemberid) ON DELETE CASCADE,
    object_type   TEXT NOT NULL,
    definition_id INTEGER NOT NULL REFERENCES workflow_definitions(id),
    step_id       INTEGER NOT NULL,
    status        TEXT NOT NULL,
    updated       TEXT NOT NULL
);

-- Every workflow action taken, in order.
CREATE TABLE workflow_history (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    object_id   TEXT NOT NULL REFERENCES workflow_objects(object_id) ON DELETE CASCADE,
    action_id   INTEGER NOT NULL,
    action_name TEXT NOT NULL,
    old_status  TEXT,
    new_status  TEXT NOT NULL,
    step_id     INTEGER NOT NULL,
    user_id     TEXT,
    comments    TEXT NOT NULL DEFAULT '',
    at          TEXT NOT NULL
);
CREATE INDEX workflow_history_by_object ON workflow_history (object_id, id);
