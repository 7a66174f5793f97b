import AkanaDomain
import DispatchHTTP
import Foundation
import SQLiteStore
import Synchronization
import Testing

@testable import AkanaAPI

/// Every statement the request paths prepare, run through `EXPLAIN QUERY PLAN`: none may scan a
/// table that grows with the data (a `SCAN <table>` step, with or without a covering index).
@Suite struct QueryPlanTests {
    /// Tables a request may scan, and why that cost does not grow with the data:
    static let scannable: [String: String] = [
        "tenants": "one row per configured tenant",
        "settings": "a few settings per tenant",
        "emulator_state": "a handful of keys (signing key, clock, id counter)",
        "schema_migrations": "one row per migration",
        "sqlite_sequence": "one row per AUTOINCREMENT table",
        "sqlite_master": "the schema",
        "undo_state": "one row",
        "undo_marks": "one row per live checkpoint or snapshot",
        "undo_mark_sequences": "a few rows per mark",
        "workflow_definitions": "the shipped definitions plus those posted by hand, per tenant",
        "workflow_assignments": "one row per object type and tenant",
        "request_journal": "bounded by journal.maxEntries; its filters scan in id order and stop at the limit (see 0004)"
    ]

    /// The number of parameters of `sql`: bare `?` are numbered one past the largest so far, `?N` are N.
    static func parameterCount(_ sql: String) -> Int {
        var largest = 0
        let characters = Array(sql)
        var index = 0
        while index < characters.count {
            if characters[index] == "?" {
                var end = index + 1
                while end < characters.count, characters[end].isNumber { end += 1 }
                largest = end > index + 1 ? max(largest, Int(String(characters[(index + 1)..<end])) ?? 0) : largest + 1
                index = end
            } else {
                index += 1
            }
        }
        return largest
    }

    /// `FROM table alias` / `JOIN table AS alias` in `sql`: the plan names tables by their alias.
    static func aliases(_ sql: String) -> [String: String] {
        let words = sql.split(whereSeparator: { $0.isWhitespace || $0 == "," || $0 == "(" || $0 == ")" }).map(String.init)
        var result: [String: String] = [:]
        for (index, word) in words.enumerated() where ["FROM", "JOIN"].contains(word.uppercased()) && index + 2 < words.count {
            var alias = words[index + 2]
            if alias.uppercased() == "AS", index + 3 < words.count { alias = words[index + 3] }
            if alias.allSatisfy({ $0.isLetter || $0 == "_" }),
                !["WHERE", "JOIN", "ON", "ORDER", "GROUP", "LIMIT", "LEFT", "INNER", "CROSS", "USING", "SET", "VALUES"].contains(
                    alias.uppercased())
            {
                result[alias] = words[index + 1]
            }
        }
        return result
    }

    final class Recorder: Sendable {
        let recording = Atomic<Bool>(false)
        let statements = Mutex<Set<String>>([])
        func note(_ sql: String) {
            guard recording.load(ordering: .relaxed) else { return }
            statements.withLock { _ = $0.insert(sql) }
        }
    }

    @Test func requestPathsUseIndexesOrKeys() throws {
        let recorder = Recorder()
        var configuration = DatabaseConfiguration()
        configuration.statementObserver = { recorder.note($0) }
        let app = try TestApp(
            users: [
                SeedUser(
                    tenant: "acmepaymentscorp", email: TestApp.admin, password: "password", name: "Administrator", roles: ["SiteAdmin"]),
                SeedUser(tenant: "acmepaymentscorp", email: TestApp.jane, password: "password", name: "Jane", roles: []),
                SeedUser(
                    tenant: "acmepaymentscorp", email: "dana@acmepaymentscorp.com", password: "password", name: "Dana",
                    roles: ["SchemaDesigner"]),
                SeedUser(
                    tenant: "acmepaymentscorp", email: "april@acmepaymentscorp.com", password: "password", name: "April",
                    roles: ["SchemaApprover"])
            ], configuration: configuration)
        recorder.recording.store(true, ordering: .relaxed)

        let admin = try app.login()
        let designer = try app.login("dana@acmepaymentscorp.com")
        let approver = try app.login("april@acmepaymentscorp.com")
        func send(_ method: HTTPMethod, _ target: String, _ session: TestApp.Session? = nil, _ body: String = "", accept: String = "*/*")
            throws -> HTTPResponse
        {
            var headers: HTTPHeaders = ["Content-Type": "application/json", "Accept": accept]
            if let session { headers = TestApp.headers(session, headers) }
            return try app.send(method, target, headers: headers, body: body)
        }
        // Login and sessions.
        #expect(try send(.get, "/api/login/status", admin).status == .ok)
        #expect(
            try app.send(
                .post, "/api/login", headers: ["Content-Type": "application/json"],
                body: #"{"email":"jane@acmepaymentscorp.com","password":"wrong"}"#
            ).status != .ok)
        // Apps, versions, actions, secrets.
        let checkpoint = try send(.post, "/_emulator/checkpoints").json()["id"]?.stringValue ?? ""
        _ = try send(
            .post, "/api/apps", admin,
            #"{"Name":"Plan 2","ApplicationVersion":{"Name":"1.0","Visibility":"Public","Identity":"plan-identity"}}"#, accept: "text/plain"
        )
        let appID = try send(.post, "/api/apps", admin, #"{"Name":"Plan"}"#, accept: "text/plain").text
        #expect(try send(.get, "/api/apps/\(appID)", admin).status == .ok)
        #expect(try send(.put, "/api/apps/\(appID)", admin, #"{"Name":"Plan renamed"}"#).status == .ok)
        let versionID =
            try send(.get, "/api/apps/\(appID)", admin, accept: "application/json").json()["DefaultVersionID"]?.stringValue ?? ""
        #expect(try send(.get, "/api/apps/versions/\(versionID)", admin).status == .ok)
        let put = try send(.put, "/api/apps/versions/\(versionID)", admin, #"{"Name":"1.1","Identity":"plan-identity-2"}"#, accept: "*/*")
        #expect(put.status == .ok, "\(put.text)")
        #expect(try send(.post, "/api/apps/versions/\(versionID)/action", admin, #"{"ActionName":"@RegeneratedSecret"}"#).status == .ok)
        #expect(try send(.get, "/api/apps/versions/\(versionID)/secret", admin).status == .ok)
        #expect(
            try send(.put, "/api/apps/versions/\(versionID)/secret", admin, #"{"SharedSecret":"abcdefghijklmnop1234"}"#).status
                != .internalServerError)
        let second = try send(.post, "/api/apps/\(appID)/versions", admin, #"{"Name":"2.0","Visibility":"Public"}"#)
        #expect(second.status != .internalServerError)
        #expect(try send(.get, "/api/apps/\(appID)/versions", admin).status == .ok)
        #expect(try send(.get, "/api/workflow/objects/\(versionID)/actions", admin).status != .internalServerError)
        #expect(try send(.delete, "/api/apps/versions/\(versionID)", admin).status != .internalServerError)
        #expect(try send(.delete, "/api/apps/\(appID)", admin).status == .ok)
        #expect(try send(.get, "/api/businesses/tenantbusiness.acmepaymentscorp/settings", admin).status != .internalServerError)
        // The business settings objects: read, and written with their workflow keys.
        let settingsPath = "/api/businesses/tenantbusiness.acmepaymentscorp"
        for section in [
            "securitysettings", "usersettings", "loginpolicy", "apisettings", "appsettings", "modelsettings", "connectionsettings"
        ] {
            #expect(try send(.get, "\(settingsPath)/\(section)", admin).status == .ok)
        }
        #expect(try send(.put, "\(settingsPath)/securitysettings", admin, #"{"AllowUserEnum":"com.soa.feature.enabled"}"#).status == .ok)
        #expect(try send(.put, "\(settingsPath)/loginpolicy", admin, #"{"InactiveSessionTimeout":"30"}"#).status == .ok)
        #expect(
            try send(.put, "\(settingsPath)/apisettings", admin, #"{"ApiVersionWorkflowDefKey":"workflow:definition:apiversion"}"#).status
                == .ok)
        #expect(try send(.put, "\(settingsPath)/modelsettings", admin, #"{"ModelVersionWorkflowDefKey":""}"#).status == .ok)
        #expect(
            try send(
                .put, "\(settingsPath)/connectionsettings", admin,
                #"{"WorkflowSetting":[{"WorkflowDefinitionKey":"apicontract","Environment":"Sandbox","ConnectionCommentWorkflowDefKey":""}]}"#
            ).status == .ok)
        // Models and their workflow.
        let model = try send(.post, "/api/models", designer, ModelRoutesTests.documentedBody, accept: "application/json").json()
        let modelID = model["ModelID"]?.stringValue ?? ""
        let modelVersionID = model["LatestVersionID"]?.stringValue ?? ""
        #expect(try send(.get, "/api/models/\(modelID)", designer).status == .ok)
        #expect(try send(.put, "/api/models/\(modelID)", designer, #"{"Name":"Renamed model"}"#).status != .internalServerError)
        #expect(try send(.get, "/api/models/\(modelID)/versions", designer).status == .ok)
        #expect(try send(.get, "/api/models/versions/\(modelVersionID)", designer).status == .ok)
        #expect(try send(.put, "/api/models/versions/\(modelVersionID)", designer, #"{"Name":"v1b"}"#).status != .internalServerError)
        #expect(try send(.post, "/api/models/\(modelID)/versions", designer, #"{"Name":"v2"}"#).status != .internalServerError)
        #expect(
            try send(.post, "/api/models/versions/\(modelVersionID)/action", designer, ModelRoutesTests.seed003Body).status
                != .internalServerError)
        #expect(
            try send(.post, "/api/models/versions/\(modelVersionID)/action", approver, #"{"ActionName":"model.action.approve"}"#).status
                != .internalServerError)
        #expect(try send(.delete, "/api/models/\(modelID)", designer).status != .internalServerError)
        // Teams, users, search (issue 16).
        let teamApp = try send(.post, "/api/apps", admin, #"{"Name":"Team plan"}"#, accept: "text/plain").text
        let newUser = try send(
            .post, "/api/users", admin, #"{"FirstName":"Pat","LastName":"Plan","Email":"pat@acmepaymentscorp.com","Password":"p4ss"}"#,
            accept: "application/json")
        let newUserID = try newUser.json()["UserID"]?.stringValue ?? ""
        let teamInvitation = try send(
            .post, "/api/apps/\(teamApp)/members", admin, #"{"Message":"m","Email":"pat@acmepaymentscorp.com"}"#, accept: "text/plain")
        #expect(teamInvitation.status == .ok)
        #expect(try send(.get, "/api/apps/\(teamApp)/members", admin).status == .ok)
        // Groups and membership requests.
        let group =
            try send(.post, "/api/groups", admin, #"{"Group":{"Name":"Plan group","Tag":["plan"]}}"#).json()["GroupID"]?
            .stringValue ?? ""
        #expect(try send(.get, "/api/groups/\(group)", admin).status == .ok)
        let groupInvitation = try send(
            .post, "/api/groups/\(group)/members", admin, #"{"Message":"m","Email":"pat@acmepaymentscorp.com"}"#, accept: "text/plain")
        #expect(groupInvitation.status == .ok)
        #expect(try send(.get, "/api/groups/\(group)/members", admin).status == .ok)
        #expect(try send(.get, "/api/groups/tenantadmin.acmepaymentscorp/members", admin).status == .ok)
        #expect(try send(.get, "/api/groups/requests/\(groupInvitation.text)", admin, accept: "text/plain").status == .ok)
        #expect(
            try send(
                .post, "/api/groups/requests/\(teamInvitation.text)/actions", admin, #"{"ActionName":"group.membership.action.resend"}"#,
                accept: "text/plain"
            ).status == .ok)
        #expect(try send(.get, "/api/workflow/objects/\(teamInvitation.text)/actions", admin).status == .ok)
        #expect(try send(.get, "/api/users/\(newUserID)/groups", admin).status == .ok)
        #expect(try send(.delete, "/api/groups/\(group)/members/\(newUserID)", admin, accept: "text/plain").status == .ok)
        #expect(try send(.delete, "/api/groups/\(group)", admin, accept: "text/plain").status == .ok)
        #expect(try send(.get, "/api/users/\(newUserID)", admin).status == .ok)
        #expect(try send(.get, "/api/users/\(newUserID)/apps", admin).status == .ok)
        // The outbox (issue 30 part 3): the invitations above wrote messages; listed by tenant, by
        // recipient (UserID or email), and as the recipient's notifications; cleared for a tenant.
        for query in ["", "?to=\(newUserID)&kind=appteam.invitation", "?to=pat@acmepaymentscorp.com&since=2020-01-01T00:00:00Z&limit=5"] {
            #expect(try send(.get, "/_emulator/outbox" + query).status == .ok)
        }
        #expect(try send(.get, "/api/users/\(newUserID)/notifications?start=0&count=5", admin).status == .ok)
        #expect(try send(.get, "/api/users/\(newUserID)/notifications/count", admin, accept: "text/plain").status == .ok)
        #expect(try send(.delete, "/_emulator/outbox?tenant=acmepaymentscorp").status == .ok)
        #expect(
            try app.send(
                .post, "/api/login/ssoLogin", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                body: "domain=siteusers&identity_username=pat%40acmepaymentscorp.com&secret_password=p4ss"
            ).status == .ok)
        for query in [
            "q=type:app&sortBy=com.soa.sort.order.alphabetical&count=20&start=0",
            "q=type:user&sort=desc&sortBy=com.soa.sort.order.title_sort",
            "q=type:model%20OR%20plan*&sortBy=updated", "q=type:app&sortBy=updated&sort=asc&count=1&start=1", "q=\(teamApp)"
        ] {
            #expect(try send(.get, "/api/search?\(query)", admin).status == .ok)
            #expect(try app.send(.get, "/api/search?\(query)", headers: [:]).status == .ok)
        }
        #expect(try send(.get, "/api/apps/versions?Identity=plan-identity", admin).status == .ok)
        #expect(try send(.put, "/api/users/\(newUserID)/password", admin, #"{"NewPassword":"n3w"}"#, accept: "text/plain").status == .ok)
        #expect(try send(.delete, "/api/apps/\(teamApp)/members/\(newUserID)", admin).status == .ok)
        #expect(try send(.delete, "/api/users/\(newUserID)", admin).status == .ok)
        // Workflow objects and definitions.
        #expect(try send(.get, "/api/workflow/definitions", admin).status == .ok)
        #expect(
            try send(.post, "/_emulator/objects", nil, #"{"ObjectType":"discussion","ObjectID":"discussion1.acmepaymentscorp"}"#).status
                != .internalServerError)
        #expect(try send(.get, "/api/workflow/objects/discussion1.acmepaymentscorp/actions", admin).status != .internalServerError)
        #expect(try send(.get, "/_emulator/objects/discussion1.acmepaymentscorp/history").status != .internalServerError)
        // APIs, API versions, contracts, the dropbox.
        let api = try send(.post, "/api/apis", admin, APIWorld.createBody(sandboxAuto: true), accept: "application/json").json()
        let apiID = api["APIID"]?.stringValue ?? ""
        let apiVersionID = api["LatestVersionID"]?.stringValue ?? ""
        #expect(try send(.get, "/api/apis", admin).status == .ok)
        #expect(try send(.get, "/api/apis/\(apiID)", admin).status == .ok)
        #expect(try send(.get, "/api/apis/\(apiID)/versions", admin).status == .ok)
        #expect(try send(.get, "/api/apis/versions", admin).status == .ok)
        #expect(try send(.get, "/api/apis/versions/\(apiVersionID)", admin).status == .ok)
        #expect(try send(.put, "/api/apis/versions/\(apiVersionID)/info", admin, #"{"Name":"1.1"}"#).status == .ok)
        let clone = try send(
            .post, "/api/apis/\(apiID)/versions", admin,
            #"{"APIVersionInfo":{"Name":"2"},"CloneAPIVersionRequest":{"SourceAPIVersionID":"\#(apiVersionID)"}}"#, accept: "text/plain")
        #expect(clone.status == .ok, "\(clone.text)")
        #expect(try send(.post, "/api/apis/versions/\(apiVersionID)/action", admin, #"{"ActionName":"x"}"#).status == .badRequest)
        let planApp =
            try send(.post, "/api/apps", admin, #"{"Name":"Contract plan"}"#, accept: "application/json").json()["DefaultVersionID"]?
            .stringValue ?? ""
        let contract = try send(
            .post, "/api/contracts", admin, #"{"APIVersionID":"\#(apiVersionID)","RuntimeID":"\#(planApp)","Environment":"Sandbox"}"#,
            accept: "application/json"
        ).json()
        let contractID = contract["ContractID"]?.stringValue ?? ""
        #expect(try send(.get, "/api/contracts/\(contractID)", admin).status == .ok)
        #expect(try send(.put, "/api/contracts/\(contractID)", admin, #"{"ContractScope":{"Restricted":false}}"#).status == .ok)
        #expect(
            try send(.post, "/api/contracts/\(contractID)/actions", admin, #"{"ActionName":"apicontract.action.suspend"}"#).status == .ok)
        #expect(try send(.get, "/api/contracts/\(contractID)/apidetails", admin).status == .ok)
        #expect(try send(.get, "/api/contracts/\(contractID)/appdetails", admin).status == .ok)
        // A revision of the (suspended) contract, auto-approved as the original was: its activation
        // cancels the original (issue 27).
        let revision = try send(
            .post, "/api/contracts", admin, #"{"APIVersionID":"\#(apiVersionID)","RuntimeID":"\#(planApp)","Environment":"Sandbox"}"#,
            accept: "application/json"
        ).json()
        #expect(revision["RevisionOf"] == .string(contractID), "\(revision)")
        #expect(try send(.get, "/api/contracts/\(contractID)", admin).json()["State"] == .string(Contract.cancelled))
        #expect(try send(.get, "/api/apps/versions/\(planApp)/contracts?ActivatedOnly=true", admin).status == .ok)
        #expect(try send(.get, "/api/apis/versions/\(apiVersionID)/contracts?Environment=Sandbox", admin).status == .ok)
        #expect(try send(.get, "/api/apis/versions/\(apiVersionID)/connectedapps?ActivatedOnly=true", admin).status == .ok)
        // The gateway: a call to an access point (implementation, app version by Identity, contracts,
        // operations, the transaction's record), and the stubs' routes.
        func gatewayCall(_ target: String, authorization: String) throws -> HTTPResponse {
            let answer = Mutex<HTTPResponse?>(nil)
            let done = DispatchSemaphore(value: 0)
            app.gateway.handle(
                try HTTPRequest(method: .get, target: target, headers: ["Host": "127.0.0.1:8081", "Authorization": authorization]),
                responder: HTTPResponder { response in
                    answer.withLock { $0 = response }
                    done.signal()
                })
            done.wait()
            return answer.withLock { $0 } ?? HTTPResponse(status: .internalServerError)
        }
        #expect(
            try gatewayCall(
                "/acmepaymentscorp/Sandbox/\(apiVersionID)/plan", authorization: #"Atmosphere atmosphere_app_id="plan-identity""#
            ).status != .internalServerError)
        let stub = #"{"APIVersionID":"\#(apiVersionID)","Method":"GET","Path":"/plan","Status":202}"#
        #expect(try send(.put, "/_emulator/gateway/responses", nil, stub).status == .ok)
        #expect(try send(.get, "/_emulator/gateway/responses?APIVersionID=\(apiVersionID)").status == .ok)
        #expect(try send(.get, "/_emulator/gateway/responses").status == .ok)
        #expect(try send(.delete, "/_emulator/gateway/responses?APIVersionID=\(apiVersionID)").status == .noContent)
        #expect(try send(.delete, "/_emulator/gateway/responses").status == .noContent)
        // Gateway traffic and the reports from it (issue 28): stated, listed, charted (whole minutes
        // from the per-minute totals, shorter intervals from the transactions), exported, cleared.
        let stated = try send(
            .post, "/_emulator/traffic", nil,
            #"[{"APIVersionID":"\#(apiVersionID)","AppVersionID":"\#(planApp)","Environment":"Sandbox","Time":"-5m","ResponseTime":12},"#
                + #"{"APIVersionID":"\#(apiVersionID)","Time":"-2d","Status":500,"Operation":"getPlan"}]"#)
        #expect(stated.status == .created, "\(stated.text)")
        let revisionID = revision["ContractID"]?.stringValue ?? ""
        let metrics = "/api/apis/versions/\(apiVersionID)/metrics"
        for query in [
            "", "?TimeInterval=30s&Duration=10m&Environment=Sandbox&ShowSummary=true", "?Duration=all&TimeInterval=1d",
            "?StartDate=2020-01-01&EndDate=2030-01-01&TimeInterval=1w", "?StartDate=2026-01-01T00:00:00&Duration=3M&TimeInterval=1M"
        ] {
            #expect(try send(.get, metrics + query, admin).status == .ok)
        }
        #expect(try send(.get, metrics + "/export?ReportType=service.all.operations&Environment=Sandbox", admin).status == .ok)
        #expect(try send(.get, metrics + "/export?TimeInterval=15s&Duration=1h", admin).status == .ok)
        #expect(try send(.get, metrics + "/export?TimeInterval=1Y&Duration=2Y&ReportType=service.all.operations", admin).status == .ok)
        for query in ["", "?AppVersionID=\(planApp)&ContractID=\(revisionID)&Environment=Sandbox", "?Duration=1d&ContractID=\(revisionID)"]
        {
            #expect(try send(.get, "/api/apis/versions/\(apiVersionID)/txlogs/export" + query, admin).status == .ok)
        }
        for query in ["", "?ApiVersionID=\(apiVersionID)&TimeInterval=10s&Duration=5m", "?Duration=all&ApiVersionID=\(apiVersionID)"] {
            #expect(try send(.get, "/api/apps/versions/\(planApp)/metrics" + query, admin).status == .ok)
        }
        for query in [
            "?TimeInterval=15m&Duration=all&Environment=All&ReportType=business.top10.apis",
            "?ShowIntervalData=true&TimeInterval=20s&Duration=1h"
        ] {
            #expect(try send(.get, "/api/businesses/tenantbusiness.acmepaymentscorp/metrics" + query, admin).status == .ok)
        }
        for query in [
            "", "?apiVersionId=\(apiVersionID)&appVersionId=\(planApp)&environment=Sandbox",
            "?tenant=acmepaymentscorp&limit=5&appVersionId=\(planApp)"
        ] {
            #expect(try send(.get, "/_emulator/traffic" + query).status == .ok)
        }
        // Kim-like callers: the contracted-developer and contracted-API-admin checks.
        #expect(try send(.get, metrics, designer).status == .forbidden)
        #expect([.forbidden, .notFound].contains(try send(.get, "/api/apps/versions/\(planApp)/metrics", designer).status))
        #expect(try send(.delete, "/_emulator/traffic?tenant=acmepaymentscorp").status == .ok)
        // Implementations and policies (issue 26 parts 2, 3).
        let implementations = "/api/apis/versions/\(apiVersionID)/implementations"
        #expect(try send(.put, "\(implementations)/Sandbox/info", admin, #"{"AnonymousAccessAllowed":true}"#).status == .ok)
        #expect(try send(.get, "\(implementations)/live", admin).status == .ok)
        for query in ["?APIID=\(apiID)", "?APIVersionID=\(apiVersionID)&ImplementationCode=Live", ""] {
            #expect(try send(.get, "/api/apis/versions/implementations\(query)", admin).status == .ok)
        }
        let auditing = #"{"PolicyKey":"acmepaymentscorp-DetailedAuditing"}"#
        #expect(
            try send(
                .put, "\(implementations)/Live/policies", admin,
                #"{"ApiOperationPolicy":[{"Operation":{"Name":"x"},"Policy":[\#(auditing)]}]}"#
            ).status == .badRequest)
        #expect(try send(.put, "\(implementations)/Live/policies", admin, #"{"Policy":[\#(auditing)]}"#).status == .ok)
        #expect(try send(.get, "\(implementations)/Live/policies", admin).status == .ok)
        #expect(try send(.get, "/api/policies?Type=Operational%20Policy", admin).status == .ok)
        #expect(try send(.get, "/api/policies/acmepaymentscorp-NotShipped", admin).status == .notFound)
        let liveOnly =
            try send(
                .post, "/api/apis", admin,
                #"{"APIVersionInfo":{"Name":"Live only"},"AddAPIImplementationRequest":{"CreateMechanism":"PROXY"}}"#,
                accept: "application/json"
            ).json()["LatestVersionID"]?.stringValue ?? ""
        #expect(
            try send(.post, "/api/apis/versions/\(liveOnly)/implementations", admin, #"{"ImplementationCode":"Sandbox"}"#).status == .ok)
        // Scopes, licenses and the operations mapped to scopes (issue 26 parts 4, 5).
        let business = "/api/businesses/tenantbusiness.acmepaymentscorp/resources"
        let scopeID =
            try send(.post, business, admin, #"{"Name":"Plan scope","Visibility":"Public"}"#).json()["ResourceID"]?.stringValue ?? ""
        let child = try send(.post, business, admin, #"{"Name":"Plan child","ParentResourceID":"\#(scopeID)"}"#)
        #expect(child.status == .ok, "\(child.text)")
        #expect(try send(.get, business, admin).status == .ok)
        #expect(try send(.get, "/api/businesses/resources/\(scopeID)", admin).status == .ok)
        #expect(try send(.put, "/api/businesses/resources/\(scopeID)", admin, #"{"ShortDescription":"s"}"#).status == .ok)
        let licenseBody =
            #"{"Name":"Plan","SandboxAccessAutoApproved":true,"LicenseParts":{"LicensePart":[{"ResourceID":["\#(scopeID)"],"PolicyKey":["acmepaymentscorp-ThroughputLimit"]}]},"AgreementDetails":{"AgreementDocument":[{"Name":"a"}]}}"#
        let licenseID = try send(.post, "/api/licenses", admin, licenseBody).json()["LicenseID"]?.stringValue ?? ""
        #expect(try send(.get, "/api/licenses/\(licenseID)", admin).status == .ok)
        #expect(try send(.put, "/api/licenses/\(licenseID)", admin, licenseBody).status == .ok)
        try app.pool.write { db in
            try APIRepository.replaceOperations(
                db, apiVersionID: apiVersionID, [APIOperation(name: "getPlan", method: "GET", path: "/plan", description: "")])
        }
        let mapped = try send(
            .put, "/api/apis/versions/\(apiVersionID)/resources", admin,
            #"{"OperationResource":[{"OperationName":"getPlan","ResourceID":["\#(scopeID)"]}]}"#)
        #expect(mapped.status == .ok, "\(mapped.text)")
        #expect(try send(.get, "/api/apis/versions/\(apiVersionID)/resources", admin).status == .ok)
        #expect(try send(.get, "/api/apis/versions/\(apiVersionID)/licenses?Environment=Sandbox", admin).status == .ok)
        // API packages: the export with every option, imported again into the tenant (an update in place).
        let package = try send(
            .get,
            "/api/apis/\(apiID)/package?migration.export.include.scopes=true&migration.export.include.api.admins=true"
                + "&migration.operationalpolicy.export=true&migration.qospolicy.export=true",
            admin, accept: "application/octet-stream")
        #expect(package.status == .ok, "\(package.text)")
        let imported = try HTTPRequest(
            method: .post, target: "/api/tenants/acmepaymentscorp/packages",
            headers: TestApp.headers(
                admin, ["Host": "127.0.0.1:8080", "Content-Type": "multipart/form-data; boundary=b", "Accept": "application/json"]),
            body: Array("--b\r\nContent-Disposition: form-data; name=\"Package\"; filename=\"p.zip\"\r\n\r\n".utf8) + package.body
                + Array("\r\n--b--\r\n".utf8))
        #expect(app.handle(imported).status == .ok)
        let appPackage = try send(
            .get,
            "/api/apps/versions/\(planApp)/package?exportVersion=all&migration.app.pki.export=true"
                + "&migration.export.include.api.connections=true&migration.export.include.app.team=true", admin,
            accept: "application/octet-stream")
        #expect(appPackage.status == .ok, "\(appPackage.text)")
        let contractPackage = try send(
            .get,
            "/api/contracts/\(contractID)/package?migration.export.include.apis=true&migration.export.include.apps=true"
                + "&migration.export.include.licenses=true&migration.qospolicy.export=true", admin, accept: "application/octet-stream")
        #expect(contractPackage.status == .ok, "\(contractPackage.text)")
        let licensed = try send(
            .post, "/api/contracts", admin,
            #"{"APIVersionID":"\#(apiVersionID)","RuntimeID":"\#(planApp)","Environment":"Production","ContractScope":{"LicenseID":["\#(licenseID)"]}}"#
        )
        #expect(licensed.status != .internalServerError)
        #expect(try send(.delete, "/api/businesses/resources/\(scopeID)", admin).status == .ok)
        #expect(try send(.delete, "/api/licenses/\(licenseID)", admin).status == .ok)
        #expect(try send(.get, "/api/apis/versions/\(apiVersionID)?includeOperations=true", admin).status == .ok)
        #expect(try send(.get, "/api/apis/versions/\(apiVersionID)/definition/openapi?Environment=Sandbox", admin).status == .ok)
        var upload = try HTTPRequest(
            method: .post, target: "/api/dropbox/readfiledetails",
            headers: TestApp.headers(
                admin,
                [
                    "Host": "127.0.0.1:8080", "Content-Type": "multipart/form-data; boundary=b", "Accept": "application/json"
                ]),
            body: Array("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.json\"\r\n\r\n{}\r\n--b--\r\n".utf8))
        #expect(app.handle(upload).status == .ok)
        upload = try HTTPRequest(
            method: .get, target: "/api/apis/versions/\(apiVersionID)", headers: ["Host": "127.0.0.1:8080", "Cookie": admin.cookieHeader])
        #expect(app.handle(upload).status == .ok)
        // An API from a document with operations, its clone, its definition.
        let swagger =
            #"{"swagger":"2.0","info":{"title":"Plan","version":"1"},"host":"h.example.com","paths":{"/a":{"get":{"operationId":"a"}}}}"#
        upload = try HTTPRequest(
            method: .post, target: "/api/dropbox/readfiledetails",
            headers: TestApp.headers(
                admin, ["Host": "127.0.0.1:8080", "Content-Type": "multipart/form-data; boundary=b", "Accept": "application/json"]),
            body: Array("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"s.json\"\r\n\r\n\(swagger)\r\n--b--\r\n".utf8))
        let fileID = try app.handle(upload).json()["DropboxFileId"]?.intValue ?? 0
        let fromDocument = try send(
            .post, "/api/apis", admin, #"{"DLDescriptor":{"DropboxFileId":\#(fileID)}}"#, accept: "application/json")
        #expect(fromDocument.status == .ok, "\(fromDocument.text)")
        let documentAPI = try fromDocument.json()["APIID"]?.stringValue ?? ""
        let documentVersion = try fromDocument.json()["LatestVersionID"]?.stringValue ?? ""
        #expect(try send(.get, "/api/apis/versions/\(documentVersion)/definition/swagger", admin).status == .ok)
        let designClone = try send(
            .post, "/api/apis/\(documentAPI)/versions", admin,
            #"{"APIVersionInfo":{"Name":"2"},"CloneAPIVersionRequest":{"SourceAPIVersionID":"\#(documentVersion)","CloneDesign":true}}"#,
            accept: "text/plain")
        #expect(designClone.status == .ok, "\(designClone.text)")
        // The content store: uploads (one file, a ZIP unpacked), listings, reads, a ZIP download,
        // a form, deletes, the anonymous /resources, and the API's documents going with the API.
        func uploadContent(_ target: String, _ name: String, _ bytes: [UInt8]) throws -> HTTPResponse {
            app.handle(
                try HTTPRequest(
                    method: .post, target: target,
                    headers: TestApp.headers(admin, ["Host": "127.0.0.1:8080", "Content-Type": "multipart/form-data; boundary=QP"]),
                    body: Array("--QP\r\nContent-Disposition: form-data; name=\"File\"; filename=\"\(name)\"\r\n\r\n".utf8) + bytes
                        + Array("\r\n--QP--\r\n".utf8)))
        }
        let siteZip = Array(
            try ZipArchive.write([.init(path: "index.htm", bytes: Array("<p/>".utf8)), .init(path: "css/a.css", bytes: [1])]))
        #expect(try uploadContent("/content/api/\(documentAPI)/documents?unpack=true", "docs.zip", siteZip).status == .ok)
        #expect(try uploadContent("/content/home/landing?unpack=true", "site.zip", siteZip).status == .ok)
        #expect(try uploadContent("/resources/theme/hermosa/less", "custom.less", [1]).status == .ok)
        #expect(try send(.get, "/content", admin).status == .ok)
        #expect(try send(.get, "/content/api", admin).status == .ok)
        #expect(try send(.get, "/content/api/\(documentAPI)/documents/index.htm", admin).status == .ok)
        #expect(try send(.get, "/content/home/landing?download=true&Zip=true", admin).status == .ok)
        #expect(try send(.get, "/content?download=true&Zip=true", admin).status == .ok)
        #expect(try send(.get, "/resources").status == .ok)
        #expect(try send(.get, "/resources/theme/hermosa/less/custom.less").status == .ok)
        #expect(
            try app.send(
                .post, "/content/docs", headers: TestApp.headers(admin, ["Content-Type": "application/x-www-form-urlencoded"]),
                body: "folder=true"
            ).status == .ok)
        #expect(
            try app.send(
                .post, "/resources/branding/generatestyles",
                headers: TestApp.headers(admin, ["Content-Type": "application/x-www-form-urlencoded"]), body: "theme=hermosa"
            ).status == .ok)
        #expect(try send(.delete, "/content/home/landing/index.htm", admin).status == .ok)
        #expect(try send(.delete, "/resources/theme/hermosa", admin).status == .ok)
        #expect(try send(.delete, "/api/apis/\(documentAPI)", admin).status == .ok)
        #expect(try send(.delete, "/api/apps/versions/\(planApp)", admin).status == .ok)
        #expect(try send(.delete, "/api/apis/versions/\(apiVersionID)", admin).status == .ok)
        #expect(try send(.delete, "/api/apis/\(apiID)", admin).status == .ok)
        // Emulator routes: health, clock, journal, checkpoints, snapshots, reset.
        #expect(try send(.get, "/_emulator/health").status == .ok)
        #expect(try send(.post, "/_emulator/clock", nil, #"{"advanceSeconds": 60}"#).status == .ok)
        #expect(try send(.get, "/_emulator/clock").status == .ok)
        app.environment.journal.flush()
        #expect(try send(.get, "/_emulator/requests?path=/api/apps&limit=20").status == .ok)
        #expect(try send(.get, "/_emulator/requests?status=200&since=2020-01-01T00:00:00Z&limit=5").status == .ok)
        #expect(try send(.get, "/_emulator/checkpoints").status == .ok)
        // The state browser's overview (per-tenant counts over tenant indexes) and request page
        // (the journal read newest first to the request id, the changed objects' pages).
        #expect(try send(.get, "/_emulator/ui", accept: "text/html").status == .ok)
        let journaled = try HTTPRequest(
            method: .post, target: "/api/apps",
            headers: TestApp.headers(admin, ["Host": "127.0.0.1:8080", "Content-Type": "application/json", "Accept": "text/plain"]),
            body: Array(#"{"Name":"Plan journaled"}"#.utf8), id: "plan-1")
        #expect(app.handle(journaled).status == .ok)
        #expect(try send(.get, "/_emulator/ui/requests/plan-1", accept: "text/html").status == .ok)
        #expect(try send(.post, "/_emulator/checkpoints/\(checkpoint)/rollback").status == .ok)
        #expect(try send(.delete, "/_emulator/checkpoints/\(checkpoint)").status == .noContent)
        #expect(try send(.post, "/_emulator/snapshots", nil, #"{"name":"plan"}"#).status == .created)
        _ = try send(.post, "/api/apps", admin, #"{"Name":"After snapshot"}"#, accept: "text/plain")
        #expect(try send(.post, "/_emulator/snapshots/plan/restore").status == .ok)
        #expect(try send(.post, "/_emulator/reset").status == .ok)
        #expect(try send(.post, "/_emulator/snapshots/plan/restore").status == .ok)
        let fresh = try app.login()
        #expect(try send(.post, "/api/login/renewToken", fresh).status == .ok)
        app.environment.journal.flush()
        recorder.recording.store(false, ordering: .relaxed)

        let statements = recorder.statements.withLock { $0 }
        #expect(statements.count > 60)
        var scans: [String] = []
        var planned = 0
        var unplanned: [String] = []
        try app.pool.write { db in
            for sql in statements.sorted() {
                let head = sql.trimmingCharacters(in: .whitespacesAndNewlines).prefix(7).uppercased()
                guard ["SELECT", "INSERT", "UPDATE", "DELETE", "WITH"].contains(where: { head.hasPrefix($0) }) else { continue }
                // Statements on a scratch database (a reset's, a copy restore's) name `source.`; the
                // plan is the same as on main.
                let plan: [SQLiteRow]
                // Dummy bindings: a plan does not depend on the values (none of these SQL texts has a
                // `?` inside a string literal).
                let dummies = [any SQLiteBindable](repeating: SQLiteValue.null, count: Self.parameterCount(sql))
                do { plan = try db.query("EXPLAIN QUERY PLAN " + sql, dummies) } catch {
                    if !sql.contains("source.") { unplanned.append("\(error)  <-  \(sql)") }
                    continue
                }
                planned += 1
                for row in plan {
                    let detail = try row.string("detail") ?? ""
                    // `SCAN 16 CONSTANT ROWS`: a multi-row VALUES list (a journal batch), no table.
                    guard detail.hasPrefix("SCAN "), !detail.hasSuffix(" CONSTANT ROWS") else { continue }
                    var table = detail.dropFirst(5).split(separator: " ").first.map(String.init) ?? ""
                    if table.hasPrefix("main.") { table.removeFirst(5) }
                    table = Self.aliases(sql)[table] ?? table
                    if Self.scannable[table] != nil || table.hasPrefix("(") || table == "CONSTANT" || table.hasPrefix("json_each")
                        || table.hasPrefix("pragma_")
                    {
                        continue
                    }
                    scans.append("\(detail)  <-  \(sql)")
                }
            }
        }
        #expect(planned > 50)
        #expect(unplanned.isEmpty, "statements that could not be planned:\n\(unplanned.joined(separator: "\n"))")
        #expect(scans.isEmpty, "full scans on request paths:\n\(scans.joined(separator: "\n"))")
    }
}
