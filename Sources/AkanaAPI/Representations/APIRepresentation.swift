import AkanaDomain
import JSONCodec

/// The APIs' wire objects: API, APIVersion and the dropbox's DropboxFileDetails.
enum APIRepresentation {
    struct VersionOptions: Sendable {
        var includeEndpoints = true
        /// `includeOperations=true`: the version's operations, answered as `Operations {Operation[]}`.
        var operations: [APIOperation]?
        /// Where the gateway listens: each implementation's access point is listed in `Endpoints`
        /// (none while nothing listens, or when not given).
        var accessPoints: GatewayAccessPoints?

        init(accessPoints: GatewayAccessPoints? = nil) { self.accessPoints = accessPoints }
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
    /// [DropboxFileId], [Operations {Operation[]}], Created, Updated.
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
        if options.includeEndpoints { members.append(("Endpoints", endpoints(version, accessPoints: options.accessPoints))) }
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
        if let operations = options.operations { members.append(("Operations", Self.operations(operations))) }
        members.append(("Created", .string(version.created)))
        members.append(("Updated", .string(version.updated)))
        return .object(members)
    }

    /// `Operations {Operation[]}` (help `obj/o_apis_Operations.htm`): each operation's Name, then
    /// for a REST operation its Method and Path, for a WSDL one its WsdlOperationName (the members a
    /// dashboard reads: `Name, Method, Path, …, WsdlOperationName`), then its Description when it
    /// has one. The content types, `Input` and `InterfaceQName` the platform also keeps are not read
    /// from documents, so they are left out rather than made up.
    static func operations(_ operations: [APIOperation]) -> JSONValue {
        .object([
            (
                "Operation",
                .array(
                    operations.map { operation in
                        var members: [(String, JSONValue)] = [("Name", .string(operation.name))]
                        if operation.method.isEmpty {
                            members.append(("WsdlOperationName", .string(operation.name)))
                        } else {
                            members.append(("Method", .string(operation.method)))
                            members.append(("Path", .string(operation.path)))
                        }
                        if !operation.description.isEmpty { members.append(("Description", .string(operation.description))) }
                        return .object(members)
                    })
            )
        ])
    }

    /// `Endpoints {Endpoint[]}`: each target URL of the version's implementations (Category,
    /// ImplementationCode, Uri, CreateMechanism); then, while the emulated gateway listens, each
    /// implementation's access point on it (Category, ImplementationCode, Uri: the URL consumers
    /// call; no CreateMechanism, which is how a client tells the two apart); an empty list when
    /// there is none.
    static func endpoints(_ version: APIVersion, accessPoints: GatewayAccessPoints?) -> JSONValue {
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
        for implementation in version.implementations {
            guard
                let url = accessPoints?.url(tenant: version.tenant, implementationCode: implementation.code, apiVersionID: version.id)
            else { continue }
            endpoints.append(
                .object([
                    ("Category", .string(implementation.environment)), ("ImplementationCode", .string(implementation.code)),
                    ("Uri", .string(url))
                ]))
        }
        return .object([("Endpoint", .array(endpoints))])
    }

    /// The members an item of `GET /api/apis` adds after the RSS ones: `EntityReference {Title:
    /// "<API name> (<version name>)", Guid: <APIVersionID>}`, the API's default (newest) version.
    static func apiItemFields(_ api: API, defaultVersion: APIVersion?) -> [(String, JSONValue)] {
        guard let defaultVersion else { return [] }
        return [
            (
                "EntityReference",
                .object([("Title", .string("\(api.name) (\(defaultVersion.name))")), ("Guid", .string(defaultVersion.id))])
            )
        ]
    }

    /// The members an item of `GET /api/apis/versions` adds after the RSS ones: `EntityReferences
    /// {EntityReference[] {Title, Guid, Category[]}}` (the version's API) and `Endpoints {Endpoint[]}`.
    static func versionItemFields(_ version: APIVersion, apiName: String, accessPoints: GatewayAccessPoints?) -> [(String, JSONValue)] {
        [
            (
                "EntityReferences",
                .object([
                    (
                        "EntityReference",
                        .array([
                            .object([
                                ("Title", .string(apiName)), ("Guid", .string(version.apiID)),
                                (
                                    "Category",
                                    .array([.object([("domain", .string("uddi:soa.com:resourcetype")), ("value", .string("api"))])])
                                )
                            ])
                        ])
                    )
                ])
            ),
            ("Endpoints", endpoints(version, accessPoints: accessPoints))
        ]
    }

    /// The `readfiledetails` answer: FileName, FileType, DropboxFileId, ServiceDescriptorDocument[]
    /// {FileName, DescriptorType, ServiceName[], DropboxFileId}.
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
                        ("DescriptorType", .string(file.fileType)),
                        ("ServiceName", .array(file.serviceNames.map(JSONValue.string))),
                        ("DropboxFileId", .integer(file.id))
                    ])
                ])
            )
        ])
    }
}
