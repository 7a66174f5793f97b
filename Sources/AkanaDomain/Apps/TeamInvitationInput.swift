/// The body of POST /api/apps/{AppID}/members: `Email` and `Message`, decoded at the edge (a
/// member that is not a string is nil, as an absent one). The service checks both are given.
public struct TeamInvitationInput: Sendable, Equatable {
    public var email: String?
    public var message: String?

    public init(email: String?, message: String?) {
        self.email = email
        self.message = message
    }
}
