-- 0015_licenses_scopes: licenses as an API (m_licenses_addLicense and neighbours), scopes
-- (m_businesses_addBusinessResource: a business's "resources") and the mapping of an API version's
-- operations to scopes (m_apis_saveOperationResources). A license's parts (LicenseParts.LicensePart[])
-- name scopes (ResourceID[]) and QoS policies (PolicyKey[]); a scope maps to operations of API
-- versions. Deleting a scope removes its mappings and the license parts' references to it
-- (cascades); deleting a license detaches it from the contracts that named it (0009's cascade).
-- Never edit this file once released: add 0016_*.sql instead.

-- The License object's members the fixtures-only table of 0009 lacked.
ALTER TABLE licenses ADD COLUMN visibility TEXT NOT NULL DEFAULT 'Public';
ALTER TABLE licenses ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
-- Environment[]: the environments the license applies to, comma-separated in the order given
-- (Sandbox, Production).
ALTER TABLE licenses ADD COLUMN environments TEXT NOT NULL DEFAULT 'Sandbox,Production';
ALTER TABLE licenses ADD COLUMN business_id TEXT NOT NULL DEFAULT '';
ALTER TABLE licenses ADD COLUMN updated TEXT NOT NULL DEFAULT '';

-- AgreementDetails.AgreementDocument[] of a license, in order.
CREATE TABLE license_agreements (
    license_id     TEXT NOT NULL REFERENCES licenses(id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    name           TEXT NOT NULL DEFAULT '',
    description    TEXT NOT NULL DEFAULT '',
    content_path   TEXT NOT NULL DEFAULT '',
    agreement_type TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (license_id, position)
);

-- LicenseParts.LicensePart[] of a license (its terms), in order.
CREATE TABLE license_parts (
    license_id TEXT NOT NULL REFERENCES licenses(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    name       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (license_id, position)
);

-- Scopes (the Resource object). id is <uuid>.<tenant>; parent_id the ParentResourceID ('' for none).
CREATE TABLE scopes (
    id                    TEXT PRIMARY KEY NOT NULL,
    tenant                TEXT NOT NULL REFERENCES tenants(fedmemberid) ON DELETE CASCADE,
    business_id           TEXT NOT NULL,
    name                  TEXT NOT NULL,
    short_description     TEXT NOT NULL DEFAULT '',
    long_description      TEXT NOT NULL DEFAULT '',
    visibility            TEXT NOT NULL DEFAULT 'Public',
    parent_id             TEXT NOT NULL DEFAULT '',
    sandbox_anonymous_access_allowed    INTEGER NOT NULL DEFAULT 0,
    production_anonymous_access_allowed INTEGER NOT NULL DEFAULT 0,
    resource_path         TEXT NOT NULL DEFAULT '',
    oauth_grant_default_resource            INTEGER NOT NULL DEFAULT 0,
    oauth_grant_user_authorization_required INTEGER NOT NULL DEFAULT 0,
    created               TEXT NOT NULL,
    updated               TEXT NOT NULL
);
CREATE INDEX scopes_by_tenant ON scopes (tenant, name);
CREATE INDEX scopes_by_parent ON scopes (parent_id);

-- The scopes (ResourceID[]) and QoS policy keys (PolicyKey[]) of a license part, in order.
CREATE TABLE license_part_scopes (
    license_id TEXT NOT NULL,
    part       INTEGER NOT NULL,
    position   INTEGER NOT NULL,
    scope_id   TEXT NOT NULL REFERENCES scopes(id) ON DELETE CASCADE,
    PRIMARY KEY (license_id, part, position),
    FOREIGN KEY (license_id, part) REFERENCES license_parts (license_id, position) ON DELETE CASCADE
);
CREATE INDEX license_part_scopes_by_scope ON license_part_scopes (scope_id);

CREATE TABLE license_part_policies (
    license_id TEXT NOT NULL,
    part       INTEGER NOT NULL,
    position   INTEGER NOT NULL,
    policy_key TEXT NOT NULL,
    PRIMARY KEY (license_id, part, position),
    FOREIGN KEY (license_id, part) REFERENCES license_parts (license_id, position) ON DELETE CASCADE
);

-- OperationResource[]: the scopes each operation of an API version maps to. Keyed by the
-- operation's name, not a foreign key to api_operations: the operations are replaced as a whole
-- when the version's document changes, and a mapping of an operation the new document still has
-- must survive that. Reads join api_operations, so a mapping of a vanished operation is not shown.
CREATE TABLE operation_scopes (
    api_version_id TEXT NOT NULL REFERENCES api_versions(id) ON DELETE CASCADE,
    operation_name TEXT NOT NULL,
    -- Order of the scope within the operation's ResourceID[].
    position       INTEGER NOT NULL,
    scope_id       TEXT NOT NULL REFERENCES scopes(id) ON DELETE CASCADE,
    PRIMARY KEY (api_version_id, operation_name, position)
);
CREATE INDEX operation_scopes_by_scope ON operation_scopes (scope_id);
