import SQLiteStore

/// The messages a contract's workflow sends (captured in the `Outbox`), in the transaction of the
/// transition: a contract waiting for approval goes to the API's admins (`contract.requested`); its
/// approval, activation and rejection go to the app's team (`contract.approved`,
/// `contract.activated`, `contract.rejected`). Each accepted member of the group gets one.
enum ContractNotices {
    static let pendingApproval = "apicontract.status.pending_approval"
    static let resubmitted = "apicontract.status.resubmitted"
    static let approved = "apicontract.status.approved"
    static let rejected = "apicontract.status.rejected"

    /// After the contract's workflow moved to `status` (by `actor`; "" when the API's access settings
    /// approved it automatically): the message that status sends, if any.
    static func moved(_ db: SQLiteConnection, contractID: String, to status: String, by actor: String, stamp: String) throws {
        let kind: String
        switch status {
        case pendingApproval, resubmitted: kind = OutboxKind.contractRequested
        case approved: kind = OutboxKind.contractApproved
        case Contract.activated: kind = OutboxKind.contractActivated
        case rejected: kind = OutboxKind.contractRejected
        default: return
        }
        guard let contract = try ContractRepository.contract(db, id: contractID),
            let apiVersion = try APIRepository.version(db, id: contract.apiVersionID),
            let api = try APIRepository.api(db, id: apiVersion.apiID),
            let appVersion = try AppRepository.version(db, id: contract.runtimeID),
            let app = try AppRepository.app(db, id: appVersion.appID)
        else { return }
        let who = actor.isEmpty ? "The API's access settings" : "\(try Outbox.name(db, userID: actor, tenant: contract.tenant)) (\(actor))"
        let about = """
            the \(contract.environment) contract \(contract.id) between app \(app.name) version \(appVersion.name) \
            (AppVersionID \(appVersion.id)) and API \(api.name) version \(apiVersion.name) (APIVersionID \(apiVersion.id))
            """
        let subject: String
        var body: String
        let groupID: String?
        switch kind {
        case OutboxKind.contractRequested:
            subject = "App \(app.name) requests access to API \(api.name) (\(contract.environment))"
            body = "\(who) requested \(about).\nApprove or reject it: POST /api/contracts/\(contract.id)/actions.\n"
            groupID = api.adminGroupID
        case OutboxKind.contractApproved:
            subject = "Access of app \(app.name) to API \(api.name) was approved (\(contract.environment))"
            body = "\(who) approved \(about).\n"
            groupID = try GroupRepository.group(db, appID: app.id)?.id
        case OutboxKind.contractActivated:
            subject = "Access of app \(app.name) to API \(api.name) is active (\(contract.environment))"
            body = "\(who) activated \(about).\n"
            groupID = try GroupRepository.group(db, appID: app.id)?.id
        default:
            subject = "Access of app \(app.name) to API \(api.name) was rejected (\(contract.environment))"
            body = "\(who) rejected \(about).\n"
            groupID = try GroupRepository.group(db, appID: app.id)?.id
        }
        guard let groupID else { return }
        for member in try GroupRepository.members(db, groupID: groupID) where member.state == Membership.accepted {
            try Outbox.send(
                db, tenant: contract.tenant, to: member.userID, kind: kind, subject: subject, body: body,
                about: Outbox.Subject(type: "Contract", id: contract.id), stamp: stamp)
        }
    }
}
