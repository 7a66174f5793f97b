-- Search walks a tenant's APIs by name (case-insensitive) and id, in keyset pages, like apps,
-- users and models (0010). Contracts are counted per app version for an app's Connections.
CREATE INDEX apis_by_tenant_name_id ON apis (tenant, name COLLATE NOCASE, id);
