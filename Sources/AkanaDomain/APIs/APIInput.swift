/// `APIVersionInfo` of the create and update operations: Name, Description, Visibility, Tag,
/// decoded at the edge. Absent (or null) fields are nil (keep the stored value on update).
public struct APIVersionInfoInput: Sendable, Equatable {
    /// Trimmed, not blank (checked where it is decoded).
    public var name: String?
    public var description: String?
    /// Normalised (`Visibility.normalize`).
    public var visibility: String?
    public var tags: [String]?

    public init(name: String? = nil, description: String? = nil, visibility: String? = nil, tags: [String]? = nil) {
        self.name = name
        self.description = description
        self.visibility = visibility
        self.tags = tags
    }
}

/// POST /api/apis: `APIVersionInfo` (+ `AddAPIImplementationRequest`), or a `DLDescriptor` naming
/// an uploaded description document (at least one of the two, checked where it is decoded).
public struct APIInput: Sendable, Equatable {
    public var info: APIVersionInfoInput?
    public var descriptor: DropboxDescriptorInput?
    /// Checked implementations (`AddAPIImplementationRequest`), in the order given.
    public var implementations: [APIImplementation]

    public init(info: APIVersionInfoInput?, descriptor: DropboxDescriptorInput?, implementations: [APIImplementation]) {
        self.info = info
        self.descriptor = descriptor
        self.implementations = implementations
    }
}

/// POST /api/apis/{APIID}/versions: `APIVersionInfo` with an optional
/// `AddAPIImplementationRequest`, `DLDescriptor` or `CloneAPIVersionRequest`.
public struct APIVersionInput: Sendable, Equatable {
    public var info: APIVersionInfoInput
    public var implementations: [APIImplementation]
    public var descriptor: DropboxDescriptorInput?
    public var clone: CloneAPIVersionInput?

    public init(
        info: APIVersionInfoInput, implementations: [APIImplementation], descriptor: DropboxDescriptorInput?,
        clone: CloneAPIVersionInput?
    ) {
        self.info = info
        self.implementations = implementations
        self.descriptor = descriptor
        self.clone = clone
    }
}

/// `DLDescriptor`: {"DropboxFileId": 1150, "FileName": "…", "ServiceName": "…"}.
public struct DropboxDescriptorInput: Sendable, Equatable {
    public var fileID: Int64
    public var fileName: String?
    public var serviceName: String?

    public init(fileID: Int64, fileName: String?, serviceName: String?) {
        self.fileID = fileID
        self.fileName = fileName
        self.serviceName = serviceName
    }
}

/// `CloneAPIVersionRequest`: the version to copy, and whether its design (description, tags,
/// document) and its implementations are copied where the request gives none.
public struct CloneAPIVersionInput: Sendable, Equatable {
    public var sourceID: String
    public var design: Bool
    public var implementations: Bool

    public init(sourceID: String, design: Bool, implementations: Bool) {
        self.sourceID = sourceID
        self.design = design
        self.implementations = implementations
    }
}

extension APIImplementation {
    /// The values of `CreateMechanism`.
    public static let mechanisms = ["PROXY", "ORCHESTRATION", "PHYSICAL"]
    /// At most this many target endpoint URLs per implementation.
    public static let maxEndpoints = 20
}
