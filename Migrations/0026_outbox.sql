-- 0026_outbox: the messages the platform would send a person (issue 30 part 3), captured instead of
-- sent: app-team and group invitations and their answers, contract requests and decisions, accounts
-- created with a password to set, password changes. Each row is written by the service's write, in
-- the same transaction as the change that causes it, so a refused or rolled-back change leaves no
-- row and a checkpoint rollback takes its rows back. Read through GET /_emulator/outbox and, for
-- the recipient, GET /api/users/{UserID}/notifications[/count].
-- Never edit this file once released: add the next migration instead.
--
-- id orders the rows as they were written; time is the emulator clock (ISO-8601 UTC with
-- milliseconds, so text order is time order). to_user / to_email: the recipient's UserID and the
-- address the message would have gone to (no foreign key: a deleted user's messages stay). kind is
-- a stable name (group.invitation, contract.requested, user.created, …). object_type / object_id:
-- what the message is about. request_id: the server's id of the request that caused it, the same
-- request_id its request journal entry holds ('' when the journal was off or nothing requested it).
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    tenant      TEXT NOT NULL REFERENCES tenants(fedmemberid) ON DELETE CASCADE,
    time        TEXT NOT NULL,
    to_user     TEXT NOT NULL,
    to_email    TEXT NOT NULL,
    kind        TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    object_type TEXT NOT NULL DEFAULT '',
    object_id   TEXT NOT NULL DEFAULT '',
    request_id  TEXT NOT NULL DEFAULT ''
);
-- GET /_emulator/outbox (a tenant's newest first, since=), and ?to= a UserID or an email address;
-- the users' notifications and their count read the recipient's index.
CREATE INDEX outbox_by_tenant_time ON outbox (tenant, time, id);
CREATE INDEX outbox_by_recipient ON outbox (tenant, to_user, time, id);
CREATE INDEX outbox_by_email ON outbox (tenant, to_email COLLATE NOCASE, time, id);
