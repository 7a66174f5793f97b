/// `POST /content/{path}` (or `/resources/{path}`) with `multipart/form-data`: the `File` part, to
/// store as it is or, with `unpack=true`, to unpack as a ZIP into the folder `path`.
public struct ContentUploadInput: Sendable, Equatable {
    public var store: ContentStore
    /// The request's path below the store, percent-decoded, not yet checked.
    public var path: String
    public var fileName: String
    public var bytes: [UInt8]
    /// The part's `Content-Type`, used when the name's extension says nothing.
    public var declaredType: String?
    public var unpack: Bool

    public init(store: ContentStore, path: String, fileName: String, bytes: [UInt8], declaredType: String?, unpack: Bool) {
        self.store = store
        self.path = path
        self.fileName = fileName
        self.bytes = bytes
        self.declaredType = declaredType
        self.unpack = unpack
    }
}

/// `POST /content/{path}` with `application/x-www-form-urlencoded` (help `m_content_add.htm`,
/// `m_consoleresource_add.htm`): `folder=true` adds a folder; otherwise `body` (never empty) is a
/// new file of media type `type` (default `text/html`).
public struct ContentAdditionInput: Sendable, Equatable {
    public var store: ContentStore
    public var path: String
    public var folder: Bool
    public var body: String?
    public var type: String?

    public init(store: ContentStore, path: String, folder: Bool, body: String?, type: String?) {
        self.store = store
        self.path = path
        self.folder = folder
        self.body = body
        self.type = type
    }
}
