-- 0013_api_operations: the operations of an API version, as its description document declares them
-- (an OpenAPI 3 / Swagger 2 path + method, a WSDL portType operation). Scope mappings and
-- operation-level policies name them. Replaced as a whole when the version's document changes.
-- Never edit this file once released: add 0014_*.sql instead.
CREATE TABLE api_operations (
    api_version_id TEXT NOT NULL REFERENCES api_versions(id) ON DELETE CASCADE,
    -- Document order, from 0.
    position       INTEGER NOT NULL,
    -- The operation's name: its operationId (OpenAPI/Swagger) or operation name (WSDL), else
    -- "<method> <path>"; unique within the version.
    name           TEXT NOT NULL,
    -- HTTP method in capitals (GET, POST…); '' for a WSDL operation.
    method         TEXT NOT NULL DEFAULT '',
    -- The path template as the document gives it ('/pets/{petId}'); '' for a WSDL operation.
    path           TEXT NOT NULL DEFAULT '',
    description    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (api_version_id, position)
);
CREATE UNIQUE INDEX api_operations_by_name ON api_operations (api_version_id, name);
