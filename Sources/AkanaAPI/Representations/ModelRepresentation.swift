import AkanaDomain
import JSONCodec

/// The models' wire objects: Model and ModelVersion, fields in the documented order (akana-api.md §4.3, §4.4).
enum ModelRepresentation {
    /// Which optional parts of the ModelVersion to render.
    struct VersionOptions: Sendable {
        var includeTags = true
        var includeSchema = true
        var includeReferences = false
    }

    /// The platform's Model object.
    static func model(_ model: ModelObject) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("ModelID", .string(model.id)),
            ("Name", .string(model.name)),
            ("Description", .string(model.description)),
            ("Summary", .string(model.summary)),
            ("ModelCategory", .string(model.category))
        ]
        if let latestVersion = model.latestVersion { members.append(("LatestVersionID", .string(latestVersion.id))) }
        members.append(("Tag", .array(model.tags.map(JSONValue.string))))
        members.append(("Visibility", .string(model.visibility)))
        members.append(("Created", .string(model.created)))
        members.append(("Updated", .string(model.updated)))
        if let latestVersion = model.latestVersion { members.append(("State", .string(latestVersion.state))) }
        if let businessID = model.businessID { members.append(("BusinessID", .string(businessID))) }
        if let embeddedVersion = model.embeddedVersion { members.append(("ModelVersion", version(embeddedVersion))) }
        if let versions = model.versions {
            members.append(("ModelVersions", .object([("ModelVersion", .array(versions.map { version($0) }))])))
        }
        return .object(members)
    }

    /// The platform's ModelVersion object.
    static func version(_ version: ModelVersion, _ options: VersionOptions = VersionOptions()) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("ModelVersionID", .string(version.id)),
            ("ModelID", .string(version.modelID)),
            ("Name", .string(version.name)),
            ("Description", .string(version.description))
        ]
        if options.includeTags { members.append(("Tag", .array(version.tags.map(JSONValue.string)))) }
        members.append(("Visibility", .string(version.visibility)))
        members.append(("Created", .string(version.created)))
        members.append(("Updated", .string(version.updated)))
        members.append(("State", .string(version.state)))
        if options.includeSchema { members.append(("Schema", .string(version.schema))) }
        if options.includeReferences {
            members.append(("ModelReferences", .object([("ModelReference", .array(version.references.map(reference)))])))
        }
        if let actions = version.actions {
            members.append(("Action", .array(actions.map { .object([("Value", .string($0.value)), ("Label", .string($0.label))]) })))
        }
        return .object(members)
    }

    /// One entry of `ModelReferences`.
    static func reference(_ reference: ModelReference) -> JSONValue {
        var members: [(String, JSONValue)] = [("ModelID", .string(reference.modelID))]
        if let versionID = reference.versionID { members.append(("ModelVersionID", .string(versionID))) }
        members.append(("Name", .string(reference.name)))
        return .object(members)
    }
}
