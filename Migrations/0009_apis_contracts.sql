-- 0009_apis_contracts: APIs, their versions (implementations Sandbox / Live with their endpoints,
-- admins), licenses (tenant data), contracts between app versions and API versions (with the
-- licenses of their scope), and files uploaded to the dropbox. A contract's state is its row in
-- workflow_objects (object type apicontract); an API version's, where an apiversion workflow
-- governs it. Never edit this file once released: add 0010_*.sql instead.

-- APIs. id is <uuid>.<tenant>; admin_group_id names the API's admin group (AdminGroupID).
CREATE TABLE apis (
    id             TEXT PRIMARY KEY NOT NULL,
    tenant         TEXT NOT NULL REFERENCES tenants(fedmemberid) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    visibility     TEXT NOT NULL,
    admin_group_id TEXT NOT NULL,
    created        TEXT NOT NULL,
    updated        TEXT NOT NULL
);
-- GET /api/apis lists a tenant's APIs by name.
CREATE INDEX apis_by_tenant_name ON apis (tenant, name);

-- The API's administrators (the creator first). Lookups by API and by user.
CREATE TABLE api_admins (
    api_id  TEXT NOT NULL REFERENCES apis(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    added   TEXT NOT NULL,
    PRIMARY KEY (api_id, user_id)
);
CREATE INDEX api_admins_by_user ON api_admins (user_id);

CREATE TABLE api_versions (
    id          TEXT PRIMARY KEY NOT NULL,
    api_id      TEXT NOT NULL REFERENCES apis(id) ON DELETE CASCADE,
    tenant      TEXT NOT NULL REFERENCES tenants(fedmemberid) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    visibility  TEXT NOT NULL,
    -- The state of a version no apiversion workflow governs (a governed one shows its workflow status).
    state       TEXT NOT NULL,
    -- The API description document the version was made from (dropbox file), if any.
    descriptor_file_id INTEGER,
    created     TEXT NOT NULL,
    updated     TEXT NOT NULL
);
CREATE INDEX api_versions_by_api ON api_versions (api_id, created);
CREATE INDEX api_versions_by_tenant ON api_versions (tenant, created);

CREATE TABLE api_version_tags (
    api_version_id TEXT NOT NULL REFERENCES api_versions(id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    tag            TEXT NOT NULL,
    PRIMARY KEY (api_version_id, position)
);

-- An API version's implementations: code Sandbox or Live (contracts name them Sandbox / Production).
CREATE TABLE api_implementations (
    api_version_id   TEXT NOT NULL REFERENCES api_versions(id) ON DELETE CASCADE,
    code             TEXT NOT NULL CHECK (code IN ('Sandbox', 'Live')),
    description      TEXT NOT NULL DEFAULT '',
    create_mechanism TEXT NOT NULL,
    -- EndpointAccessAutoApproved: contracts for this implementation without licenses are approved at once.
    endpoint_access_auto_approved INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (api_version_id, code)
);

-- Target endpoints of an implementation (ProxyImplementationRequest.TargetEndpointURL[]), in order.
CREATE TABLE api_endpoints (
    api_version_id TEXT NOT NULL,
    code           TEXT NOT NULL,
    position       INTEGER NOT NULL,
    url            TEXT NOT NULL,
    PRIMARY KEY (api_version_id, code, position),
    FOREIGN KEY (api_version_id, code) REFERENCES api_implementations (api_version_id, code) ON DELETE CASCADE
);

-- Licenses are tenant data (fixtures). The flags are the platform's SandboxAccessAutoApproved /
-- ProductionAccessAutoApproved: a contract whose licenses all auto-approve its environment is
-- approved and activated when requested.
CREATE TABLE licenses (
    id          TEXT PRIMARY KEY NOT NULL,
    tenant      TEXT NOT NULL REFERENCES tenants(fedmemberid) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    sandbox_access_auto_approved    INTEGER NOT NULL DEFAULT 0,
    production_access_auto_approved INTEGER NOT NULL DEFAULT 0,
    created     TEXT NOT NULL
);
CREATE INDEX licenses_by_tenant ON licenses (tenant, name);

-- Contracts. runtime_id is the AppVersionID; neither id is a foreign key, because a contract
-- outlives a deleted app or API version (it moves on with @AppDeleted / @ApiDeleted instead).
CREATE TABLE contracts (
    id             TEXT PRIMARY KEY NOT NULL,
    tenant         TEXT NOT NULL REFERENCES tenants(fedmemberid) ON DELETE CASCADE,
    api_version_id TEXT NOT NULL,
    runtime_id     TEXT NOT NULL,
    environment    TEXT NOT NULL CHECK (environment IN ('Sandbox', 'Production')),
    restricted     INTEGER NOT NULL DEFAULT 0,
    requested_by   TEXT,
    created        TEXT NOT NULL,
    updated        TEXT NOT NULL
);
CREATE INDEX contracts_by_runtime ON contracts (runtime_id, environment);
CREATE INDEX contracts_by_api_version ON contracts (api_version_id, environment);
-- A tenant's reset deletes its rows through the tenants foreign key.
CREATE INDEX contracts_by_tenant ON contracts (tenant);

CREATE TABLE contract_licenses (
    contract_id TEXT NOT NULL REFERENCES contracts(id) ON DELETE CASCADE,
    license_id  TEXT NOT NULL REFERENCES licenses(id) ON DELETE CASCADE,
    PRIMARY KEY (contract_id, license_id)
);
CREATE INDEX contract_licenses_by_license ON contract_licenses (license_id);

-- Files uploaded with POST /api/dropbox/readfiledetails (DropboxFileId is the id), stored as given.
CREATE TABLE dropbox_files (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant    TEXT NOT NULL REFERENCES tenants(fedmemberid) ON DELETE CASCADE,
    user_id   TEXT,
    file_name TEXT NOT NULL,
    file_type TEXT NOT NULL,
    content   BLOB NOT NULL,
    created   TEXT NOT NULL
);
CREATE INDEX dropbox_files_by_tenant ON dropbox_files (tenant, id);
