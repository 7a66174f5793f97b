import SQLiteStore

/// Who may read and change an API and its versions, for every service that works on them (APIs,
/// implementations and policies, scope mappings, licenses, contracts): the API's admins, Business
/// Admins and Site Admins read and change; other users of the tenant read APIs that are `Public`
/// or `com.soa.visibility.registered.users` (403 on change) and get 404 for `Limited` ones.
package enum APIAccess {
    /// Whether the caller may read an API (or one of its versions) of their own tenant.
    package static func canRead(_ db: SQLiteConnection, apiID: String, visibility: String, caller: AuthenticatedSession) throws -> Bool {
        if caller.isSiteAdmin || caller.isBusinessAdmin { return true }
        if try APIRepository.isAdmin(db, apiID: apiID, userID: caller.userID) { return true }
        return visibility == Visibility.public || visibility == Visibility.registeredUsers
    }

    package static func canModify(_ db: SQLiteConnection, apiID: String, caller: AuthenticatedSession) throws -> Bool {
        try caller.isSiteAdmin || caller.isBusinessAdmin || APIRepository.isAdmin(db, apiID: apiID, userID: caller.userID)
    }

    package static func visibleAPI(_ db: SQLiteConnection, id: String, caller: AuthenticatedSession) throws -> API {
        guard let api = try APIRepository.api(db, id: id), api.tenant == caller.tenant,
            try canRead(db, apiID: id, visibility: api.visibility, caller: caller)
        else { throw DomainError.notFound("API \(id) was not found.") }
        return api
    }

    package static func modifiableAPI(_ db: SQLiteConnection, id: String, caller: AuthenticatedSession) throws -> API {
        let api = try visibleAPI(db, id: id, caller: caller)
        guard try canModify(db, apiID: id, caller: caller) else {
            throw DomainError.forbidden("Only the API's admins, Business Admins and Site Admins can change API \(id).")
        }
        return api
    }

    /// The version, when the caller may read it (404 otherwise), and whether they may change it.
    package static func visibleVersion(_ db: SQLiteConnection, id: String, caller: AuthenticatedSession) throws -> (
        version: APIVersion, canModify: Bool
    ) {
        guard let version = try APIRepository.version(db, id: id), version.tenant == caller.tenant,
            try canRead(db, apiID: version.apiID, visibility: version.visibility, caller: caller)
        else { throw DomainError.notFound("API version \(id) was not found.") }
        return (version, try canModify(db, apiID: version.apiID, caller: caller))
    }

    /// The version, when the caller may change it (`what` names the change in the 403's message).
    package static func modifiableVersion(
        _ db: SQLiteConnection, id: String, caller: AuthenticatedSession, what: String = "API version"
    ) throws -> APIVersion {
        let (version, canModify) = try visibleVersion(db, id: id, caller: caller)
        guard canModify else {
            throw DomainError.forbidden("Only the API's admins, Business Admins and Site Admins can change \(what) \(id).")
        }
        return version
    }
}

extension AuthenticatedSession {
    /// Tenant-wide API catalogue changes (licenses, scopes) are for Business Admins and Site Admins.
    package func requireBusinessAdmin(to what: String) throws {
        guard isSiteAdmin || isBusinessAdmin else { throw DomainError.forbidden("Only Business Admins and Site Admins may \(what).") }
    }
}
