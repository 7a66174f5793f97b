-- 0010_teams_users_search: what POST /api/users records about a user, and the lookups of app
-- teams, users' apps and search. Never edit this file once released: add 0011_*.sql instead.
--
-- Users added through POST /api/users carry their first and last names (display_name stays the
-- name shown everywhere: "First Last") and whether they must change the password at first login.
-- Seeded users leave the names empty (their configured name is the display name).
ALTER TABLE users ADD COLUMN first_name TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN last_name TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN force_password_change INTEGER NOT NULL DEFAULT 0;

-- Invitations to app teams (POST /api/apps/{AppID}/members) the invitee has not accepted or
-- declined yet (group.membership.action.accept / .decline). Accepting moves the row to
-- app_team_members. invited_by is the inviting user's id (no foreign key: the inviter may be deleted).
CREATE TABLE app_team_invitations (
    app_id     TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    message    TEXT NOT NULL,
    invited_by TEXT NOT NULL,
    created    TEXT NOT NULL,
    PRIMARY KEY (app_id, user_id)
);
CREATE INDEX app_team_invitations_by_user ON app_team_invitations (user_id);

-- GET /api/users/{UserID}/apps, and deleting a user (its team memberships go by cascade).
CREATE INDEX app_team_members_by_user ON app_team_members (user_id);

-- GET /api/search walks each type in title order and stops after start + count visible matches.
CREATE INDEX apps_by_tenant_name ON apps (tenant, name COLLATE NOCASE, id);
CREATE INDEX users_by_tenant_name ON users (tenant, display_name COLLATE NOCASE, id);
CREATE INDEX models_by_tenant_name_id ON models (tenant, name COLLATE NOCASE, id);

-- Resets keep the seeded users' password hashes: now that requests create users, find those by
-- an index rather than a scan of every user.
CREATE INDEX users_by_seeded ON users (seeded);
