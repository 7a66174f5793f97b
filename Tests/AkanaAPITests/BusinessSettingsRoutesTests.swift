import AkanaDomain
import DispatchHTTP
import Foundation
import JSONCodec
import SQLiteStore
import Testing

@testable import AkanaAPI

/// `/api/businesses/{BusinessID}/…settings` and `…/loginpolicy` (help: cm/api/businesses/m_businesses_save…Settings.htm).
@Suite struct BusinessSettingsRoutesTests {
    let app: TestApp
    let admin: TestApp.Session
    static let business = "/api/businesses/tenantbusiness.acmepaymentscorp"

    init() throws {
        // A Site Admin, Jane, Bob the Business Admin (and Kim).
        app = try TestApp(users: APIWorld.users)
        admin = try app.login()
    }

    func put(_ path: String, _ body: String, as session: TestApp.Session? = nil) throws -> HTTPResponse {
        try app.send(
            .put, Self.business + path,
            headers: TestApp.headers(session ?? admin, ["Content-Type": "application/json", "Accept": "application/json"]),
            body: body)
    }

    func get(_ path: String, as session: TestApp.Session? = nil, csrf: Bool = false) throws -> HTTPResponse {
        let session = session ?? admin
        return try app.send(
            .get, Self.business + path,
            headers: csrf ? TestApp.headers(session) : ["Cookie": session.cookieHeader, "Accept": "application/json"])
    }

    @Test func turningOnCSRFForReadsMakesTheNextGETWithoutTheHeaderA401() throws {
        #expect(try get("/securitysettings").status == .ok)
        #expect(try get("/securitysettings").json()["ReadRequestCSRFSupport"] == .string("com.soa.feature.disabled"))
        let saved = try put("/securitysettings", #"{"ReadRequestCSRFSupport":"com.soa.feature.enabled"}"#)
        #expect(saved.status == .ok, "\(saved.text)")
        #expect(try saved.json()["ReadRequestCSRFSupport"] == .string("com.soa.feature.enabled"))
        #expect(try saved.json()["WriteRequestCSRFSupport"] == .string("com.soa.feature.enabled"))
        #expect(try app.send(.get, "/api/login/status", headers: ["Cookie": admin.cookieHeader]).status == .unauthorized)
        let withHeader = try get("/securitysettings", csrf: true)
        #expect(withHeader.status == .ok)
        #expect(try withHeader.json()["ReadRequestCSRFSupport"] == .string("com.soa.feature.enabled"))
        // And off again: the next GET without the header is fine.
        #expect(try put("/securitysettings", #"{"ReadRequestCSRFSupport":"com.soa.feature.disabled"}"#).status == .ok)
        #expect(try app.send(.get, "/api/login/status", headers: ["Cookie": admin.cookieHeader]).status == .ok)
    }

    @Test func writeSwitchOffLetsWritesThroughWithoutTheHeader() throws {
        #expect(try put("/securitysettings", #"{"WriteRequestCSRFSupport":"com.soa.feature.disabled"}"#).status == .ok)
        let write = try app.send(
            .put, Self.business + "/usersettings", headers: ["Cookie": admin.cookieHeader, "Content-Type": "application/json"],
            body: #"{"SelfSignup":"com.soa.feature.disabled"}"#)
        #expect(write.status == .ok, "\(write.text)")
    }

    @Test func onlySiteAndBusinessAdminsOfTheTenantBusiness() throws {
        let jane = try app.login(TestApp.jane)
        let bob = try app.login("bob@acmepaymentscorp.com")
        #expect(try get("/securitysettings", as: jane).status == .forbidden)
        #expect(try put("/securitysettings", #"{"ReadRequestCSRFSupport":"com.soa.feature.enabled"}"#, as: jane).status == .forbidden)
        #expect(try get("/usersettings", as: bob).status == .ok)
        #expect(try put("/usersettings", #"{"InviteUnregisteredUsers":"com.soa.feature.enabled"}"#, as: bob).status == .ok)
        let other = try app.send(.get, "/api/businesses/tenantbusiness.other/securitysettings", headers: ["Cookie": admin.cookieHeader])
        #expect(other.status == .notFound)
        // Jane's refusal changed nothing.
        #expect(try app.send(.get, "/api/login/status", headers: ["Cookie": admin.cookieHeader]).status == .ok)
    }

    @Test func badValuesAre400AndChangeNothing() throws {
        for body in [
            #"{"ReadRequestCSRFSupport":"com.soa.feature.enabled","WriteRequestCSRFSupport":"yes"}"#,
            #"{"ReadRequestCSRFSupport":"com.soa.feature.enabled","ChallengeCount":"three"}"#,
            #"{"ReadRequestCSRFSupport":"com.soa.feature.enabled","NoSuchSetting":"x"}"#,
            #"{"ReadRequestCSRFSupport":"com.soa.feature.enabled","ChallengeCount":[3]}"#,
            #"["ReadRequestCSRFSupport"]"#
        ] {
            let response = try put("/securitysettings", body)
            #expect(response.status == .badRequest, "\(body): \(response.text)")
        }
        #expect(try get("/securitysettings").json()["ReadRequestCSRFSupport"] == .string("com.soa.feature.disabled"))
        #expect(try get("/securitysettings").json()["ChallengeCount"] == nil)
    }

    @Test func membersTheEmulatorDoesNotActOnAreStoredAndAnsweredBack() throws {
        let saved = try put(
            "/usersettings",
            #"{"NewsUpdateNotification":"com.soa.feature.enabled","InviteUnregisteredUsers":"com.soa.feature.enabled","ResetValidCodeHours":48}"#
        )
        #expect(saved.status == .ok, "\(saved.text)")
        let read = try get("/usersettings").json()
        #expect(read["InviteUnregisteredUsers"] == .string("com.soa.feature.enabled"))
        #expect(read["ResetValidCodeHours"] == .integer(48))
        #expect(read["SelfSignup"] == nil)
    }

    @Test func loginPolicyTimeoutsGovernTheNextLogin() throws {
        let saved = try put(
            "/loginpolicy",
            #"{"MaxSequentialFailureAttemptsAllowed":"6","InactiveSessionTimeout":"5","ActiveSessionTimeout":"60","PersistentSession":"true"}"#
        )
        #expect(saved.status == .ok, "\(saved.text)")
        #expect(try saved.json()["InactiveSessionTimeout"] == .integer(5))
        #expect(try saved.json()["PersistentSession"] == .bool(true))
        let login = try app.send(
            .post, "/api/login", headers: ["Content-Type": "application/json"],
            body: #"{"email":"jane@acmepaymentscorp.com","password":"password"}"#)
        let validUntil = try #require(try login.json()["authTokenValidUntil"]?.stringValue)
        let now = app.clock.now()
        #expect(validUntil == Timestamp.iso8601(now.addingTimeInterval(5 * 60)))
        #expect(try put("/loginpolicy", #"{"InactiveSessionTimeout":"soon"}"#).status == .badRequest)
    }

    @Test func loginPolicyShowsTheConfiguredPolicyAndItsLockHoldsFromTheNextLogin() throws {
        let read = try get("/loginpolicy").json()
        #expect(read["InactiveSessionTimeout"] == .integer(30))
        #expect(read["ActiveSessionTimeout"] == .integer(480))
        #expect(read["MaxSequentialFailureAttemptsAllowed"] == .integer(5))
        #expect(read["PersistentSession"] == nil)
        #expect(try put("/loginpolicy", #"{"MaxSequentialFailureAttemptsAllowed":2,"SuspensionMinutes":"10"}"#).status == .ok)
        for _ in 0..<2 {
            let failed = try app.send(
                .post, "/api/login", headers: ["Content-Type": "application/json"],
                body: #"{"email":"jane@acmepaymentscorp.com","password":"guess"}"#)
            #expect(failed.status == .unauthorized)
        }
        let locked = try app.send(
            .post, "/api/login", headers: ["Content-Type": "application/json"],
            body: #"{"email":"jane@acmepaymentscorp.com","password":"password"}"#)
        #expect(locked.status == .tooManyRequests)
        #expect(locked.headers["Retry-After"] == "600")
    }

    @Test func workflowKeysAreTheTenantsAssignments() throws {
        #expect(try get("/apisettings").json()["ApiVersionWorkflowDefKey"] == .string(""))
        #expect(try get("/modelsettings").json()["ModelVersionWorkflowDefKey"] == .string("model"))
        let saved = try put("/apisettings", #"{"ApiVersionWorkflowDefKey":"apiversion","PublicAPISupport":"com.soa.feature.enabled"}"#)
        #expect(saved.status == .ok, "\(saved.text)")
        #expect(try saved.json()["ApiVersionWorkflowDefKey"] == .string("apiversion"))
        let active = try app.send(.get, "/api/workflow/definitions?ObjectType=apiversion", headers: ["Cookie": admin.cookieHeader])
        #expect(active.status != .internalServerError)
        // The /_emulator alias writes the same setting.
        #expect(
            try app.send(
                .put, "/_emulator/workflows/apiversion", headers: ["Content-Type": "application/json"], body: #"{"Definition":null}"#
            ).status == .ok)
        #expect(try get("/apisettings").json()["ApiVersionWorkflowDefKey"] == .string(""))
        // A key for another object type, an unknown key: 400, nothing changed.
        #expect(try put("/appsettings", #"{"AppVersionWorkflowDefKey":"model"}"#).status == .badRequest)
        #expect(try put("/appsettings", #"{"AppVersionWorkflowDefKey":"nope"}"#).status == .badRequest)
        #expect(try put("/appsettings", #"{"AppVersionWorkflowDefKey":"workflow:definition:apicontract:v72"}"#).status == .badRequest)
        #expect(try get("/appsettings").json()["AppVersionWorkflowDefKey"] == .string(""))
        // "": the system default (model's shipped workflow is active by default).
        #expect(try put("/modelsettings", #"{"ModelVersionWorkflowDefKey":"workflow:definition:model"}"#).status == .ok)
        #expect(try put("/modelsettings", #"{"ModelVersionWorkflowDefKey":""}"#).json()["ModelVersionWorkflowDefKey"] == .string("model"))
    }

    @Test func connectionSettingsChooseTheContractWorkflowWithVersionedKeys() throws {
        let read = try get("/connectionsettings")
        #expect(read.status == .ok)
        let saved = try put(
            "/connectionsettings",
            #"{"WorkflowSetting":[{"WorkflowDefinitionKey":"workflow:definition:apicontract:v72","Environment":"Production","ConnectionCommentWorkflowDefKey":"workflow:definition:comment"},{"WorkflowDefinitionKey":"workflow:definition:apicontract:v72","Environment":"Sandbox","ConnectionCommentWorkflowDefKey":""}]}"#
        )
        #expect(saved.status == .ok, "\(saved.text)")
        let settings = try #require(saved.json()["WorkflowSetting"]?.arrayValue)
        #expect(settings.count == 2)
        #expect(settings[0]["WorkflowDefinitionKey"] == .string("apicontract"))
        #expect(settings[0]["ConnectionCommentWorkflowDefKey"] == .string("workflow:definition:comment"))
        #expect(settings[1]["Environment"] == .string("Sandbox"))
        for body in [
            #"{"WorkflowSetting":[{"WorkflowDefinitionKey":"apicontract","Environment":"Staging"}]}"#,
            #"{"WorkflowSetting":[{"WorkflowDefinitionKey":"apicontract","Environment":"Production"},{"WorkflowDefinitionKey":"model","Environment":"Sandbox"}]}"#,
            #"{"WorkflowSetting":[{"WorkflowDefinitionKey":"workflow:definition:apiversion","Environment":"Production"}]}"#,
            #"{"Workflows":[]}"#,
            // A member the object does not have, in an entry or beside the list (schemathesis found the first).
            #"{"WorkflowSetting":[{"WorkflowDefinitionKey":"apicontract","Environment":"Sandbox","Extra":42}]}"#,
            #"{"WorkflowSetting":[{"WorkflowDefinitionKey":"apicontract","Environment":"Sandbox"}],"Extra":42}"#
        ] {
            #expect(try put("/connectionsettings", body).status == .badRequest, "\(body)")
        }
    }

    @Test func aSettingSurvivesARestartsBootstrap() throws {
        #expect(try put("/securitysettings", #"{"ReadRequestCSRFSupport":"com.soa.feature.enabled"}"#).status == .ok)
        // What the daemon runs at startup on an existing database: the configured switches are a
        // new tenant's starting values, not a reset of the stored ones.
        try PlatformBootstrap.run(
            database: app.pool, tenants: app.environment.tenants, users: [], now: app.clock.now(),
            hasher: PasswordHasher(iterations: 1_000),
            knownHashes: [:], ids: IDGenerator(), scope: .startup)
        try app.environment.tenants.reloadSettings(from: app.pool)
        #expect(try app.send(.get, "/api/login/status", headers: ["Cookie": admin.cookieHeader]).status == .unauthorized)
    }

    @Test func fixturesSetTheSameSettings() throws {
        let applied = try app.send(
            .post, "/_emulator/fixtures", headers: ["Content-Type": "application/json"],
            body:
                #"{"settings": {"ReadRequestCSRFSupport": "com.soa.feature.enabled", "challengecount": 3, "InactiveSessionTimeout": "5"}}"#)
        #expect(applied.status == .ok, "\(applied.text)")
        #expect(try app.send(.get, "/api/login/status", headers: ["Cookie": admin.cookieHeader]).status == .unauthorized)
        let security = try get("/securitysettings", csrf: true).json()
        #expect(security["ChallengeCount"] == .integer(3))
        #expect(try get("/loginpolicy", csrf: true).json()["InactiveSessionTimeout"] == .integer(5))
        for body in [#"{"settings": {"ChallengeCount": "three"}}"#, #"{"settings": {"ApiVersionWorkflowDefKey": "apiversion"}}"#] {
            let refused = try app.send(.post, "/_emulator/fixtures", headers: ["Content-Type": "application/json"], body: body)
            #expect(refused.status == .badRequest, "\(body): \(refused.text)")
        }
    }

    @Test func aCheckpointRollbackRestoresASetting() throws {
        let checkpoint = try app.send(.post, "/_emulator/checkpoints")
        let id = try #require(try checkpoint.json()["id"]?.stringValue)
        #expect(try put("/securitysettings", #"{"ReadRequestCSRFSupport":"com.soa.feature.enabled"}"#).status == .ok)
        #expect(try app.send(.get, "/api/login/status", headers: ["Cookie": admin.cookieHeader]).status == .unauthorized)
        #expect(try app.send(.post, "/_emulator/checkpoints/\(id)/rollback").status == .ok)
        #expect(try app.send(.get, "/api/login/status", headers: ["Cookie": admin.cookieHeader]).status == .ok)
        #expect(try get("/securitysettings").json()["ReadRequestCSRFSupport"] == .string("com.soa.feature.disabled"))
    }
}
