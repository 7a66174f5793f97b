import AkanaDomain
import JSONCodec

/// The users' request bodies, decoded in the routes.
extension UserInput {
    /// POST /api/users: FirstName, LastName, Email, Password, ForcePasswordChangeOnLogin ("true"/"false" or a boolean).
    init(body: JSONValue) throws {
        guard case .object = body else { throw DomainError.badRequest("The User must be a JSON object.") }
        func string(_ key: String) throws -> String? {
            guard let value = body.member(caseInsensitive: key), value != .null else { return nil }
            guard let text = value.stringValue else { throw DomainError.badRequest("User.\(key) must be a string, not \(value.typeName).") }
            return text
        }
        let first = try string("FirstName")
        let last = try string("LastName")
        let email = try string("Email")
        let force: Bool
        switch body.member(caseInsensitive: "ForcePasswordChangeOnLogin") {
        case nil, .null?: force = false
        case .bool(let flag)?: force = flag
        case .string(let text)? where ["true", "false"].contains(text.lowercased()): force = text.lowercased() == "true"
        case let other?: throw DomainError.badRequest("User.ForcePasswordChangeOnLogin must be true or false, not \(other.typeName).")
        }
        self.init(
            firstName: first, lastName: last, email: email, password: body.member(caseInsensitive: "Password")?.stringValue,
            forcePasswordChangeOnLogin: force)
    }
}

extension PasswordChangeInput {
    /// PUT /api/users/{UserID}/password: `{"OldPassword", "NewPassword"}` (a NewPassword that is not a string counts as absent).
    init(body: JSONValue) throws {
        guard case .object = body else {
            throw DomainError.badRequest("The PasswordChange must be a JSON object with OldPassword and NewPassword.")
        }
        let oldMember = body.member(caseInsensitive: "OldPassword")
        let old = oldMember?.stringValue
        if oldMember != nil && old == nil {
            throw DomainError.badRequest("PasswordChange.OldPassword must be a string.")
        }
        self.init(newPassword: body.member(caseInsensitive: "NewPassword")?.stringValue, oldPassword: old)
    }
}
