import AkanaDomain
import JSONCodec

/// The users' wire object.
enum UserRepresentation {
    /// The platform's User object (m_users_getUser's local-user sample, its field order). Fields
    /// the emulator keeps nothing for answer empty, as a fresh local user's do.
    static func user(_ user: PlatformUser) -> JSONValue {
        .object([
            ("UserID", .string(user.id)),
            ("UserName", .string(user.displayName)),
            ("FirstName", .string(user.firstName.isEmpty && user.lastName.isEmpty ? user.displayName : user.firstName)),
            ("LastName", .string(user.lastName)),
            ("AuthIdentifier", .string("")),
            ("Visibility", .string("0")),
            ("Email", .string(user.email)),
            ("Title", .string("")),
            ("Industry", .string("")),
            ("Language", .array([])),
            ("Technology", .array([])),
            ("Favorites", .string("")),
            ("HasPicture", .bool(false)),
            ("State", .string("registered")),
            ("Domain", .string(UserService.localDomainName)),
            ("Disabled", .bool(false)),
            ("ForcePasswordChangeOnLogin", .bool(user.forcePasswordChange)),
            ("Created", .string(user.created)),
            ("Updated", .string(user.updated))
        ])
    }
}
