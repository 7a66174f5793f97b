-- 0002_models: what business model objects need beyond 0001's models / model_versions tables.
-- Never edit this file once released: add 0003_*.sql instead.

-- Who created a model: with the model roles (Site Admin, Business Admin, Schema Designer, Schema
-- Approver) they may see it even when its Visibility is Limited.
ALTER TABLE models ADD COLUMN created_by TEXT;

-- Each version has its own Visibility (AddModelVersionRequest carries one); the version it was copied
-- from (SourceModelVersionID), if any.
ALTER TABLE model_versions ADD COLUMN visibility TEXT NOT NULL DEFAULT 'Public';
ALTER TABLE model_versions ADD COLUMN source_version_id TEXT;

-- Model.Tag and ModelVersion.Tag, in the order given.
CREATE TABLE model_tags (
    model_id TEXT NOT NULL REFERENCES models(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    tag      TEXT NOT NULL,
    PRIMARY KEY (model_id, position)
);

CREATE TABLE model_version_tags (
    model_version_id TEXT NOT NULL REFERENCES model_versions(id) ON DELETE CASCADE,
    position         INTEGER NOT NULL,
    tag              TEXT NOT NULL,
    PRIMARY KEY (model_version_id, position)
);

-- ModelVersion.ModelReferences: the other model objects a version uses. A model (or a version named
-- by referenced_version_id) that a version of another model references cannot be deleted. No
-- foreign key on the referenced side: the service refuses the delete with a fault that names the
-- referencing model, instead of a constraint error.
CREATE TABLE model_version_references (
    model_version_id      TEXT NOT NULL REFERENCES model_versions(id) ON DELETE CASCADE,
    position              INTEGER NOT NULL,
    referenced_model_id   TEXT NOT NULL,
    referenced_version_id TEXT,
    PRIMARY KEY (model_version_id, position)
);
CREATE INDEX model_version_references_by_model ON model_version_references (referenced_model_id);

-- model_versions.state follows the version's workflow status, whichever operation moved it (the
-- model operations or the generic /api/workflow/objects/{ObjectID}/actions): the platform's wire value
-- is com.akana.model.state. + the status in lower case with spaces as underscores
-- (Draft -> com.akana.model.state.draft, Pending Approval -> com.akana.model.state.pending_approval,
-- Active -> com.akana.model.state.active, Rejected -> com.akana.model.state.rejected).
-- ModelState.wireValue(status:) in Sources/AkanaDomain/Models spells the same rule.
CREATE TRIGGER model_versions_state_on_workflow_start AFTER INSERT ON workflow_objects
WHEN NEW.object_type = 'model'
BEGIN
    UPDATE model_versions
       SET state = 'com.akana.model.state.' || lower(replace(NEW.status, ' ', '_'))
     WHERE id = NEW.object_id;
END;

CREATE TRIGGER model_versions_state_on_workflow_action AFTER UPDATE OF status ON workflow_objects
WHEN NEW.object_type = 'model'
BEGIN
    UPDATE model_versions
       SET state = 'com.akana.model.state.' || lower(replace(NEW.status, ' ', '_')),
           updated = CASE WHEN NEW.status = OLD.status THEN updated ELSE NEW.updated END
     WHERE id = NEW.object_id;
END;
