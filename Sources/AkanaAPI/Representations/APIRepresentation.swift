import AkanaDomain
import JSONCodec

/// The APIs' wire objects: API, APIVersion and the dropbox's DropboxFileDetails.
enum APIRepresentation {
    struct VersionOptions: Sendable {
        var includeEndpoints = true
    }

    /// The platform's API object: APIID, Name, Description, Visibility, LatestVersionID,
    /// AdminGroupID, [APIVersion], Created, Updated.
    static func api(_ api: API, defaultVersion: APIVersion?, options: VersionOptions = VersionOptions()) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("APIID", .string(api.id)),
            ("Name", .string(api.name)),
            ("Description", .string(api.description)),
            ("Visibility", .string(api.visibility))
        ]
        if let latestVersionID = api.latestVersionID { members.append(("LatestVersionID", .string(latestVersionID))) }
        members.append(("AdminGroupID", .string(api.adminGroupID)))
        if let defaultVersion { members.append(("APIVersion", version(defaultVersion, options))) }
        members.append(("Created", .string(api.created)))
        members.append(("Updated", .string(api.updated)))
        return .object(members)
    }

    /// The APIVersion object: APIVersionID, APIID, Name, Description, Visibility, State, Tag,
    /// [Endpoints{Endpoint[]}], ProductionEndpointAccessAutoApproved, SandboxEndpointAccessAutoApproved,
    /// [DropboxFileId], Created, Updated.
    static func version(_ version: APIVersion, _ options: VersionOptions = VersionOptions()) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("APIVersionID", .string(version.id)),
            ("APIID", .string(version.apiID)),
            ("Name", .string(version.name)),
            ("Description", .string(version.description)),
            ("Visibility", .string(version.visibility)),
            ("State", .string(version.state)),
            ("Tag", .array(version.tags.map(JSONValue.string)))
        ]
        if options.includeEndpoints {
            var endpoints: [JSONValue] = []
            for implementation in version.implementations {
                for url in implementation.endpoints {
                    endpoints.append(
                        .object([
                            ("Category", .string(implementation.environment)),
                            ("ImplementationCode", .string(implementation.code)),
                            ("Uri", .string(url)),
                            ("CreateMechanism", .string(implementation.createMechanism))
                        ]))
                }
            }
            members.append(("Endpoints", .object([("Endpoint", .array(endpoints))])))
        }
        members.append(
            (
                "ProductionEndpointAccessAutoApproved",
                .bool(version.implementations.first { $0.code == "Live" }?.endpointAccessAutoApproved ?? false)
            ))
        members.append(
            (
                "SandboxEndpointAccessAutoApproved",
                .bool(version.implementations.first { $0.code == "Sandbox" }?.endpointAccessAutoApproved ?? false)
            ))
        if let descriptorFileID = version.descriptorFileID { members.append(("DropboxFileId", .integer(descriptorFileID))) }
        members.append(("Created", .string(version.created)))
        members.append(("Updated", .string(version.updated)))
        return .object(members)
    }

    /// The `readfiledetails` answer: FileName, FileType, DropboxFileId, ServiceDescriptorDocument[].
    static func dropboxFile(_ file: DropboxFile) -> JSONValue {
        .object([
            ("FileName", .string(file.fileName)),
            ("FileType", .string(file.fileType)),
            ("DropboxFileId", .integer(file.id)),
            (
                "ServiceDescriptorDocument",
                .array([
                    .object([
                        ("FileName", .string(file.fileName)),
                        ("DocumentType", .string(file.fileType)),
                        ("DropboxFileId", .integer(file.id))
                    ])
                ])
            )
        ])
    }
}
