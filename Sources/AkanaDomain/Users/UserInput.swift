/// POST /api/users: the User to add, decoded at the edge (a member of the wrong type is refused
/// there). The service checks what is required, the email's form and the limits.
public struct UserInput: Sendable, Equatable {
    public var firstName: String?
    public var lastName: String?
    public var email: String?
    /// Nil when absent or not a string.
    public var password: String?
    public var forcePasswordChangeOnLogin: Bool

    public init(firstName: String?, lastName: String?, email: String?, password: String?, forcePasswordChangeOnLogin: Bool) {
        self.firstName = firstName
        self.lastName = lastName
        self.email = email
        self.password = password
        self.forcePasswordChangeOnLogin = forcePasswordChangeOnLogin
    }
}

/// PUT /api/users/{UserID}/password: `OldPassword` and `NewPassword`, decoded at the edge.
public struct PasswordChangeInput: Sendable, Equatable {
    /// Nil when absent or not a string.
    public var newPassword: String?
    /// Nil when absent (a member that is not a string is refused where the body is decoded).
    public var oldPassword: String?

    public init(newPassword: String?, oldPassword: String?) {
        self.newPassword = newPassword
        self.oldPassword = oldPassword
    }
}
