/// An app (`apps`), with its default (newest) version.
public struct Application: Sendable, Equatable {
    public var id: String
    public var tenant: String
    public var name: String
    public var summary: String
    public var description: String
    public var businessID: String?
    public var created: String
    public var updated: String
    public var defaultVersion: AppVersion?
}
