-- 0020_content_store: the portal's content store, per tenant (help cm/api/content/ and
-- cm/api/consoleresource/): files and folders under /content/{path} (store 'content': pages,
-- API documents under api/{APIID}/documents/…) and /resources/{path} (store 'resources', Site
-- Admin: themes, branding). path is relative, '/'-separated, without a leading or trailing '/'
-- ('' is the store's root folder, never stored); parent is the folder holding it ('' for the root),
-- name its last component. A folder has is_folder = 1 and no bytes.
-- Never edit this file once released: add 0021_*.sql instead.

CREATE TABLE content_files (
    tenant     TEXT NOT NULL REFERENCES tenants(fedmemberid) ON DELETE CASCADE,
    store      TEXT NOT NULL CHECK (store IN ('content', 'resources')),
    path       TEXT NOT NULL,
    parent     TEXT NOT NULL,
    name       TEXT NOT NULL,
    is_folder  INTEGER NOT NULL DEFAULT 0,
    bytes      BLOB,
    size       INTEGER NOT NULL DEFAULT 0,
    media_type TEXT NOT NULL DEFAULT '',
    created    TEXT NOT NULL,
    updated    TEXT NOT NULL,
    PRIMARY KEY (tenant, store, path)
);
-- A folder's listing.
CREATE INDEX content_files_by_parent ON content_files (tenant, store, parent, name);
