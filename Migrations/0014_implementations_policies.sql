-- 0014_implementations_policies: what an API implementation carries beyond its code and endpoints
-- (akana help apis/m_apis_updateAPIImplementationInfo.htm: AnonymousAccessAllowed, Pattern), the
-- policies a tenant adds to the built-in catalogue (Config/policies/*.json, not stored: the same
-- for every tenant), and the policies attached to an implementation or to one of its operations
-- (apis/m_apis_modifyAPIImplementationPolicies.htm). Never edit this file once released.

ALTER TABLE api_implementations ADD COLUMN anonymous_access_allowed INTEGER NOT NULL DEFAULT 0;
-- The implementation pattern (com.akana.pattern.proxy …); '' = the pattern of its create_mechanism.
ALTER TABLE api_implementations ADD COLUMN pattern TEXT NOT NULL DEFAULT '';

-- Policies a tenant has beyond the built-in ones (fixtures' "policies" section).
CREATE TABLE policies (
    tenant      TEXT NOT NULL REFERENCES tenants(fedmemberid) ON DELETE CASCADE,
    policy_key  TEXT NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    -- "Operational Policy", "Service Level Policy", "Denial of Service", "Compliance Policy".
    type        TEXT NOT NULL,
    sub_type    TEXT NOT NULL DEFAULT '',
    -- The business the policy belongs to; NULL = every business of the tenant.
    business_id TEXT,
    active      INTEGER NOT NULL DEFAULT 1,
    created     TEXT NOT NULL,
    PRIMARY KEY (tenant, policy_key)
);

-- Policies attached to an implementation (operation = '') or to one of its operations (the
-- operation's name in api_operations), in the order the PUT gave them. Replaced as a whole.
CREATE TABLE api_implementation_policies (
    api_version_id TEXT NOT NULL,
    code           TEXT NOT NULL,
    operation      TEXT NOT NULL DEFAULT '',
    position       INTEGER NOT NULL,
    policy_key     TEXT NOT NULL,
    PRIMARY KEY (api_version_id, code, operation, position),
    FOREIGN KEY (api_version_id, code) REFERENCES api_implementations (api_version_id, code) ON DELETE CASCADE
);
