-- 0018_groups: groups as the platform models them (cm/api/index_groups.htm: "app teams, API Scope
-- Groups, and independent groups", the Site Admin group tenantadmin.<tenant>, the Business Admin
-- group tenantbusiness.<tenant>) and their membership requests. Never edit this file once
-- released: add 0019_*.sql or later instead.
--
-- Every group is one groups row: an independent group (POST /api/groups), an app's team (app_id),
-- an API's admin group (api_id; its id is the API's AdminGroupID) or a tenant's system group.
-- kind says which; group_type is the wire value (com.soa.group.type.independent is documented, the
-- other four are the emulator's, following the same pattern).
CREATE TABLE groups (
    id          TEXT PRIMARY KEY NOT NULL,
    tenant      TEXT NOT NULL REFERENCES tenants(fedmemberid) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    group_type  TEXT NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    visibility  TEXT NOT NULL DEFAULT 'Private',
    app_id      TEXT REFERENCES apps(id) ON DELETE CASCADE,
    api_id      TEXT REFERENCES apis(id) ON DELETE CASCADE,
    created_by  TEXT NOT NULL DEFAULT '',
    created     TEXT NOT NULL,
    updated     TEXT NOT NULL
);
-- An app has one team, an API one admin group (NULLs are distinct, so other groups do not collide).
CREATE UNIQUE INDEX groups_by_app ON groups (app_id);
CREATE UNIQUE INDEX groups_by_api ON groups (api_id);
CREATE INDEX groups_by_tenant_kind ON groups (tenant, kind, name COLLATE NOCASE);

-- A group's tags (POST /api/groups "Tag"), in the order given.
CREATE TABLE group_tags (
    group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    tag      TEXT NOT NULL,
    PRIMARY KEY (group_id, position)
);

-- One row per (group, user): the membership request (obj/o_groups_MembershipRequest.htm). request_id
-- is the MembershipRequestID and the id of its workflow object (object type groupmembership, the
-- shipped Config/workflows/groupmembership.xml). state mirrors the workflow status (the triggers
-- below), so access checks read one indexed row: com.soa.group.membership.state.pending, .accepted,
-- .declined or .removed. role: com.soa.group.membership.role.admin (documented), .leader or .member.
-- invited_by is the inviting user's id (no foreign key: the inviter may be deleted).
CREATE TABLE group_members (
    request_id TEXT PRIMARY KEY NOT NULL,
    group_id   TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role       TEXT NOT NULL,
    state      TEXT NOT NULL,
    message    TEXT NOT NULL DEFAULT '',
    invited_by TEXT NOT NULL DEFAULT '',
    created    TEXT NOT NULL,
    updated    TEXT NOT NULL,
    UNIQUE (group_id, user_id)
);
CREATE INDEX group_members_by_user ON group_members (user_id, state);
CREATE INDEX group_members_by_group_state ON group_members (group_id, state);

CREATE TRIGGER group_members_state_on_workflow_start AFTER INSERT ON workflow_objects
WHEN NEW.object_type = 'groupmembership'
BEGIN
    UPDATE group_members SET state = NEW.status, updated = NEW.updated WHERE request_id = NEW.object_id;
END;

CREATE TRIGGER group_members_state_on_workflow_action AFTER UPDATE OF status ON workflow_objects
WHEN NEW.object_type = 'groupmembership'
BEGIN
    UPDATE group_members SET state = NEW.status, updated = NEW.updated WHERE request_id = NEW.object_id;
END;

-- A membership that goes (its group, app, API, user or tenant deleted) takes its workflow object along.
CREATE TRIGGER group_members_drop_workflow AFTER DELETE ON group_members
BEGIN
    DELETE FROM workflow_objects WHERE object_id = OLD.request_id;
END;

-- Existing app teams: the team of app <AppID> is group appteam-<AppID>.
INSERT INTO groups (id, tenant, kind, group_type, name, app_id, created, updated)
SELECT 'appteam-' || id, tenant, 'appteam', 'com.soa.group.type.appteam', name, id, created, updated FROM apps;

-- Existing APIs: their AdminGroupID becomes a real group (ids clients may hold stay as they are).
INSERT INTO groups (id, tenant, kind, group_type, name, api_id, created, updated)
SELECT admin_group_id, tenant, 'apiadmin', 'com.soa.group.type.apiadmin', name || ' Admins', id, created, updated FROM apis;

-- Team members and API admins become accepted memberships; pending invitations pending ones. Their
-- workflow objects are started when the emulator starts (GroupService.prepareTenant: @Import for
-- accepted rows, @Invite for pending ones), once the shipped definitions are installed.
INSERT INTO group_members (request_id, group_id, user_id, role, state, created, updated)
SELECT 'group_member_req-' || lower(hex(randomblob(16))) || '.' || a.tenant, 'appteam-' || m.app_id, m.user_id,
       CASE m.role WHEN 'Admin' THEN 'com.soa.group.membership.role.admin' ELSE 'com.soa.group.membership.role.member' END,
       'com.soa.group.membership.state.accepted', a.created, a.updated
  FROM app_team_members m JOIN apps a ON a.id = m.app_id;

INSERT INTO group_members (request_id, group_id, user_id, role, state, message, invited_by, created, updated)
SELECT 'group_member_req-' || lower(hex(randomblob(16))) || '.' || a.tenant, 'appteam-' || i.app_id, i.user_id,
       'com.soa.group.membership.role.member', 'com.soa.group.membership.state.pending', i.message, i.invited_by,
       i.created, i.created
  FROM app_team_invitations i JOIN apps a ON a.id = i.app_id
 WHERE NOT EXISTS (SELECT 1 FROM app_team_members m WHERE m.app_id = i.app_id AND m.user_id = i.user_id);

INSERT INTO group_members (request_id, group_id, user_id, role, state, created, updated)
SELECT 'group_member_req-' || lower(hex(randomblob(16))) || '.' || a.tenant, a.admin_group_id, m.user_id,
       'com.soa.group.membership.role.admin', 'com.soa.group.membership.state.accepted', m.added, m.added
  FROM api_admins m JOIN apis a ON a.id = m.api_id;

DROP TABLE app_team_invitations;
DROP TABLE app_team_members;
DROP TABLE api_admins;

-- The old names stay as read-only views of the same rows (the state browser, search and scripts
-- reading them keep working; a write to them fails).
CREATE VIEW app_team_members AS
SELECT g.app_id AS app_id, m.user_id AS user_id,
       CASE m.role WHEN 'com.soa.group.membership.role.member' THEN 'Member' ELSE 'Admin' END AS role
  FROM groups g JOIN group_members m ON m.group_id = g.id
 WHERE g.app_id IS NOT NULL AND m.state = 'com.soa.group.membership.state.accepted';

CREATE VIEW api_admins AS
SELECT g.api_id AS api_id, m.user_id AS user_id, m.created AS added
  FROM groups g JOIN group_members m ON m.group_id = g.id
 WHERE g.api_id IS NOT NULL AND m.state = 'com.soa.group.membership.state.accepted';

-- The Site Admin and Business Admin groups list the users holding the role.
CREATE INDEX user_roles_by_role ON user_roles (role, user_id);
