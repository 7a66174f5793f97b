/// A user the configuration asks for: created at startup when missing, left alone when present.
public struct SeedUser: Sendable, Equatable {
    public var tenant: String
    public var email: String
    public var password: String
    public var name: String
    public var roles: [String]

    public init(tenant: String, email: String, password: String, name: String, roles: [String]) {
        self.tenant = tenant
        self.email = email
        self.password = password
        self.name = name
        self.roles = roles
    }

    /// The password every shipped configuration uses; such accounts must not face a network.
    public static let defaultPassword = "password"
}
