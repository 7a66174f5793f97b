import AkanaDomain
import DispatchHTTP
import JSONCodec
import SQLiteStore
import Testing

@testable import AkanaAPI

/// The model operations and seed 003 (POST /api/models/versions/{ModelVersionID}/action) sent
/// exactly as printed, driven through the shipped model workflow.
@Suite struct ModelRoutesTests {
    let app: TestApp
    let admin: TestApp.Session
    let designer: TestApp.Session
    let approver: TestApp.Session
    let businessAdmin: TestApp.Session
    let jane: TestApp.Session

    /// §4.2 sample request body #1, verbatim.
    static let documentedBody = """
        {
          "Visibility":"Public",
          "BusinessID":"tenantbusiness.acmepaymentscorp",
          "Name":"Credit Card Purchase2",
          "Summary":"Credit card purchase transaction",
          "Description":"For use in multiple top-level model objects.",
          "ModelCategory":"Transaction",
          "VersionName":"v1",
          "VersionDescription":"First version"
        }
        """

    /// Seed 003 sample request body, verbatim.
    static let seed003Body = """
        {
          "Comments":"Requesting approval. This one is ready to go.",
          "ActionName":"model.action.submit.approval"
        }
        """

    static let modelMembers = [
        "ModelID", "Name", "Description", "Summary", "ModelCategory", "LatestVersionID", "Tag", "Visibility",
        "Created", "Updated", "State", "BusinessID"
    ]
    static let versionMembers = [
        "ModelVersionID", "ModelID", "Name", "Description", "Tag", "Visibility", "Created", "Updated", "State", "Schema"
    ]

    init() throws {
        app = try TestApp(users: [
            SeedUser(tenant: "acmepaymentscorp", email: TestApp.admin, password: "password", name: "Administrator", roles: ["SiteAdmin"]),
            SeedUser(tenant: "acmepaymentscorp", email: TestApp.jane, password: "password", name: "Jane", roles: []),
            SeedUser(
                tenant: "acmepaymentscorp", email: "dana@acmepaymentscorp.com", password: "password", name: "Dana",
                roles: ["SchemaDesigner"]),
            SeedUser(
                tenant: "acmepaymentscorp", email: "april@acmepaymentscorp.com", password: "password", name: "April",
                roles: ["SchemaApprover"]),
            SeedUser(
                tenant: "acmepaymentscorp", email: "bob@acmepaymentscorp.com", password: "password", name: "Bob", roles: ["BusinessAdmin"])
        ])
        admin = try app.login()
        designer = try app.login("dana@acmepaymentscorp.com")
        approver = try app.login("april@acmepaymentscorp.com")
        businessAdmin = try app.login("bob@acmepaymentscorp.com")
        jane = try app.login(TestApp.jane)
    }

    func json(_ session: TestApp.Session) -> HTTPHeaders {
        TestApp.headers(session, ["Accept": "application/json", "Content-Type": "application/json"])
    }

    /// Creates a model (the documented one by default); returns the Model JSON.
    @discardableResult
    func createModel(as session: TestApp.Session? = nil, body: String = ModelRoutesTests.documentedBody) throws -> JSONValue {
        let response = try app.send(.post, "/api/models", headers: json(session ?? designer), body: body)
        try #require(response.status == .ok, "\(response.text)")
        #expect(response.headers["Content-Type"] == "application/json")
        return try response.json()
    }

    func model(named name: String, as session: TestApp.Session? = nil, extra: String = "") throws -> (modelID: String, versionID: String) {
        let body = try createModel(as: session, body: #"{"Name":"\#(name)","VersionName":"v1","Visibility":"Public"\#(extra)}"#)
        return (try #require(body["ModelID"]?.stringValue), try #require(body["LatestVersionID"]?.stringValue))
    }

    /// POST …/action with the seed's headers; returns the response.
    func action(_ versionID: String, _ name: String, as session: TestApp.Session, comments: String? = nil) throws -> HTTPResponse {
        let body = comments.map { #"{"Comments":"\#($0)","ActionName":"\#(name)"}"# } ?? #"{"ActionName":"\#(name)"}"#
        return try app.send(
            .post, "/api/models/versions/\(versionID)/action",
            headers: TestApp.headers(session, ["Accept": "text/plain", "Content-Type": "application/json"]), body: body)
    }

    func getVersion(_ versionID: String, query: String = "", as session: TestApp.Session? = nil) throws -> HTTPResponse {
        try app.send(
            .get, "/api/models/versions/\(versionID)\(query)",
            headers: ["Cookie": (session ?? designer).cookieHeader, "Accept": "application/json"])
    }

    func history(_ objectID: String) throws -> [(action: String, old: String?, new: String, comments: String)] {
        try app.pool.read { db in
            try db.query(
                "SELECT action_name, old_status, new_status, comments FROM workflow_history WHERE object_id = ? ORDER BY id", objectID
            )
            .map {
                (
                    try $0.string("action_name") ?? "", try $0.string("old_status"), try $0.string("new_status") ?? "",
                    try $0.string("comments") ?? ""
                )
            }
        }
    }

    func row(_ sql: String, _ id: String) throws -> SQLiteRowSnapshot? {
        try app.pool.read { db in
            guard let row = try db.queryFirst(sql, id) else { return nil }
            var values: [String: String?] = [:]
            for name in row.columnNames { values[name] = try row.string(name) }
            return SQLiteRowSnapshot(values: values)
        }
    }

    // MARK: - The issue's "done when"

    @Test func documentedModelIsSubmittedWithTheSeedRequestApprovedAndFrozen() throws {
        let created = try createModel()
        #expect(created.objectMembers?.map(\.0) == Self.modelMembers + ["ModelVersion"])
        let modelID = try #require(created["ModelID"]?.stringValue)
        let versionID = try #require(created["LatestVersionID"]?.stringValue)
        #expect(modelID.hasSuffix(".acmepaymentscorp") && modelID.split(separator: ".")[0].count == 36)
        #expect(versionID.hasSuffix(".acmepaymentscorp") && versionID.split(separator: ".")[0].count == 36)
        #expect(created["Name"] == .string("Credit Card Purchase2"))
        #expect(created["Summary"] == .string("Credit card purchase transaction"))
        #expect(created["ModelCategory"] == .string("Transaction"))
        #expect(created["BusinessID"] == .string("tenantbusiness.acmepaymentscorp"))
        #expect(created["Created"] == .string("2027-01-15T08:00:00Z"))
        #expect(created["State"] == .string("com.akana.model.state.draft"))
        let first = try #require(created["ModelVersion"])
        #expect(first.objectMembers?.map(\.0) == Self.versionMembers)
        #expect(first["ModelVersionID"] == .string(versionID))
        #expect(first["ModelID"] == .string(modelID))
        #expect(first["Name"] == .string("v1"))
        #expect(first["Description"] == .string("First version"))
        #expect(first["Visibility"] == .string("Public"))
        #expect(first["State"] == .string("com.akana.model.state.draft"))

        // Seed 003, sample request headers and body as printed (the CSRF value is this session's).
        let submitted = try app.send(
            .post, "/api/models/versions/\(versionID)/action",
            headers: [
                "Accept": "text/plain",
                "Content-Type": "application/json",
                "X-Csrf-Token_acmepaymentscorp": designer.csrf,
                "Cookie": designer.cookieHeader
            ], body: Self.seed003Body)
        #expect(submitted.status == .ok)
        #expect(submitted.headers["Content-Type"] == "text/plain")
        #expect(submitted.text == "Pending Approval")

        // The valid actions: the generic workflow endpoint and IncludeActions agree.
        let generic = try app.send(
            .get, "/api/workflow/objects/\(versionID)/actions", headers: ["Cookie": approver.cookieHeader, "Accept": "application/json"])
        #expect(generic.status == .ok)
        let expected: JSONValue = .array([
            .object([("Value", .string("model.action.approve")), ("Label", .string("Approve"))]),
            .object([("Value", .string("model.action.reject")), ("Label", .string("Reject"))])
        ])
        #expect(try generic.json()["Action"] == expected)
        let withActions = try getVersion(versionID, query: "?IncludeActions=true", as: approver)
        #expect(withActions.status == .ok)
        let withActionsBody = try withActions.json()
        #expect(
            withActionsBody.objectMembers?.map(\.0) == [
                "ModelVersionID", "ModelID", "Name", "Description", "Visibility", "Created", "Updated",
                "State", "Schema", "Action"
            ])
        #expect(withActionsBody["Action"] == expected)
        #expect(withActionsBody["State"] == .string("com.akana.model.state.pending_approval"))
        // The designer who submitted it has nothing left to do.
        #expect(try getVersion(versionID, query: "?IncludeActions=true").json()["Action"] == .array([]))

        let approved = try action(versionID, "model.action.approve", as: approver, comments: "Looks right.")
        #expect(approved.status == .ok)
        #expect(approved.text == "Active")
        let modelJSON = try app.send(.get, "/api/models/\(modelID)", headers: ["Cookie": jane.cookieHeader, "Accept": "application/json"])
        #expect(modelJSON.status == .ok)
        #expect(try modelJSON.json()["State"] == .string("com.akana.model.state.active"))
        #expect(try modelJSON.json().objectMembers?.map(\.0) == Self.modelMembers)

        // Active: no edit goes through, and nothing changes.
        let before = try getVersion(versionID, query: "?IncludeTags=true").text
        let edit = try app.send(
            .put, "/api/models/versions/\(versionID)", headers: json(designer),
            body: #"{"Description":"Changed","Schema":"{\"type\":\"object\"}","Tag":["x"]}"#)
        #expect(edit.status == .conflict)
        #expect(try edit.json()["faultcode"] == .string("Client"))
        #expect(edit.text.contains("Active"))
        let editModel = try app.send(.put, "/api/models/\(modelID)", headers: json(businessAdmin), body: #"{"Summary":"Changed"}"#)
        #expect(editModel.status == .conflict)
        app.clock.advance(by: 60)
        #expect(try getVersion(versionID, query: "?IncludeTags=true").text == before)
        #expect(
            try app.send(.get, "/api/models/\(modelID)", headers: ["Cookie": jane.cookieHeader]).json()["Summary"]
                == .string("Credit card purchase transaction"))

        // Visible with sqlite3.
        let stored = try #require(try row("SELECT state, description, schema_text FROM model_versions WHERE id = ?", versionID))
        #expect(stored["state"] == "com.akana.model.state.active")
        #expect(stored["description"] == "First version")
        #expect(try row("SELECT object_type, status FROM workflow_objects WHERE object_id = ?", versionID)?["status"] == "Active")
        #expect(try row("SELECT object_type, status FROM workflow_objects WHERE object_id = ?", versionID)?["object_type"] == "model")
        let steps = try history(versionID)
        #expect(steps.map(\.action) == ["@Create", "model.action.submit.approval", "model.action.approve"])
        #expect(steps.map(\.new) == ["Draft", "Pending Approval", "Active"])
        #expect(steps[1].comments.contains("Requesting approval. This one is ready to go."))
        #expect(steps[2].comments.contains("Looks right."))
    }

    @Test func rejectedModelIsEditedAndResubmitted() throws {
        _ = try createModel()
        let (modelID, versionID) = try model(named: "Pet")
        #expect(try action(versionID, "model.action.submit.approval", as: designer).text == "Pending Approval")
        // Pending Approval is not editable either.
        #expect(
            try app.send(.put, "/api/models/versions/\(versionID)", headers: json(designer), body: #"{"Description":"x"}"#).status
                == .conflict)
        let rejected = try action(versionID, "model.action.reject", as: approver, comments: "The schema is missing.")
        #expect(rejected.status == .ok && rejected.text == "Rejected")
        #expect(try getVersion(versionID).json()["State"] == .string("com.akana.model.state.rejected"))
        #expect(
            try app.send(.get, "/api/models/\(modelID)", headers: ["Cookie": designer.cookieHeader]).json()["State"]
                == .string("com.akana.model.state.rejected"))

        app.clock.advance(by: 600)
        let schema = #"{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}}}"#
        let edited = try app.send(
            .put, "/api/models/versions/\(versionID)", headers: json(designer),
            body: #"{"Description":"A pet, with its schema.","Schema":"\#(schema)","Tag":["pet","store"]}"#)
        #expect(edited.status == .ok, "\(edited.text)")
        let editedBody = try edited.json()
        #expect(editedBody.objectMembers?.map(\.0) == Self.versionMembers + ["ModelReferences"])
        #expect(editedBody["Description"] == .string("A pet, with its schema."))
        #expect(editedBody["Schema"] == .string(#"{"type":"object","properties":{"name":{"type":"string"}}}"#))
        #expect(editedBody["Tag"] == .array([.string("pet"), .string("store")]))
        // Modifying a rejected model puts it back in Draft (the workflow's @modify).
        #expect(editedBody["State"] == .string("com.akana.model.state.draft"))
        #expect(editedBody["Updated"] == .string("2027-01-15T08:10:00Z"))
        // A model-level edit is allowed in Draft too.
        let renamed = try app.send(
            .put, "/api/models/\(modelID)", headers: json(businessAdmin),
            body: #"{"Summary":"Pets of the store","Tag":["pets"],"ModelCategory":"Catalog"}"#)
        #expect(renamed.status == .ok, "\(renamed.text)")
        #expect(try renamed.json()["Summary"] == .string("Pets of the store"))
        #expect(try renamed.json()["Tag"] == .array([.string("pets")]))
        #expect(try renamed.json()["Name"] == .string("Pet"))

        let resubmitted = try action(versionID, "model.action.submit.approval", as: designer, comments: "Schema added.")
        #expect(resubmitted.text == "Pending Approval")
        #expect(
            try history(versionID).map(\.action) == [
                "@Create", "model.action.submit.approval", "model.action.reject", "@modify", "@modify",
                "model.action.submit.approval"
            ])
        #expect(try history(versionID).map(\.new) == ["Draft", "Pending Approval", "Rejected", "Draft", "Draft", "Pending Approval"])
        let stored = try #require(try row("SELECT state, schema_text FROM model_versions WHERE id = ?", versionID))
        #expect(stored["state"] == "com.akana.model.state.pending_approval")
        #expect(stored["schema_text"] == #"{"type":"object","properties":{"name":{"type":"string"}}}"#)
        #expect(try row("SELECT status FROM workflow_objects WHERE object_id = ?", versionID)?["status"] == "Pending Approval")
        #expect(try action(versionID, "model.action.approve", as: businessAdmin).text == "Active")
    }

    // MARK: - Roles

    @Test func rolesDecideWhoChangesAndWhoApproves() throws {
        // Only Site Admins, Business Admins and Schema Designers create.
        #expect(try app.send(.post, "/api/models", headers: json(jane), body: Self.documentedBody).status == .forbidden)
        #expect(try app.send(.post, "/api/models", headers: json(approver), body: Self.documentedBody).status == .forbidden)
        let (modelID, versionID) = try model(named: "Account")
        _ = try model(named: "By Bob", as: businessAdmin)
        _ = try model(named: "By Admin", as: admin)

        // A designer cannot approve; an approver cannot submit; a plain user can do neither.
        #expect(try action(versionID, "model.action.submit.approval", as: approver).status == .forbidden)
        #expect(try action(versionID, "model.action.submit.approval", as: jane).status == .forbidden)
        #expect(try action(versionID, "model.action.submit.approval", as: designer).text == "Pending Approval")
        let designerApproves = try action(versionID, "model.action.approve", as: designer)
        #expect(designerApproves.status == .forbidden)
        #expect(designerApproves.text.contains("model.action.approve"))
        #expect(try action(versionID, "model.action.reject", as: jane).status == .forbidden)
        #expect(try history(versionID).count == 2)

        // A plain user reads a Public model but changes nothing.
        #expect(try app.send(.get, "/api/models/\(modelID)", headers: ["Cookie": jane.cookieHeader]).status == .ok)
        #expect(try getVersion(versionID, as: jane).status == .ok)
        #expect(try app.send(.put, "/api/models/\(modelID)", headers: json(jane), body: #"{"Summary":"x"}"#).status == .forbidden)
        #expect(
            try app.send(.put, "/api/models/versions/\(versionID)", headers: json(jane), body: #"{"Summary":"x"}"#).status == .forbidden)
        #expect(
            try app.send(.post, "/api/models/\(modelID)/versions", headers: json(jane), body: #"{"VersionName":"v2"}"#).status == .forbidden
        )
        #expect(
            try app.send(.delete, "/api/models/\(modelID)", headers: TestApp.headers(jane, ["Accept": "text/plain"])).status == .forbidden)
        #expect(
            try app.send(.delete, "/api/models/versions/\(versionID)", headers: TestApp.headers(jane, ["Accept": "text/plain"])).status
                == .forbidden)
        // An approver edits nothing either.
        #expect(
            try app.send(.post, "/api/models/\(modelID)/versions", headers: json(approver), body: #"{"VersionName":"v2"}"#).status
                == .forbidden)
        #expect(try action(versionID, "model.action.approve", as: approver).text == "Active")

        // Limited models are for the model roles (and their creator); other users get 404.
        let (limitedID, limitedVersion) = try model(named: "Secret", extra: #","Tag":"internal""#)
        #expect(try app.send(.put, "/api/models/\(limitedID)", headers: json(designer), body: #"{"Visibility":"Limited"}"#).status == .ok)
        #expect(try app.send(.get, "/api/models/\(limitedID)", headers: ["Cookie": jane.cookieHeader]).status == .notFound)
        #expect(try getVersion(limitedVersion, as: jane).status == .notFound)
        #expect(try app.send(.get, "/api/models/\(limitedID)/versions", headers: ["Cookie": jane.cookieHeader]).status == .notFound)
        #expect(try action(limitedVersion, "model.action.submit.approval", as: jane).status == .notFound)
        // The generic workflow routes hide it the same way; its designer still sees its actions.
        #expect(
            try app.send(.get, "/api/workflow/objects/\(limitedVersion)/actions", headers: ["Cookie": jane.cookieHeader]).status
                == .notFound)
        #expect(
            try app.send(
                .post, "/api/workflow/objects/\(limitedVersion)/actions",
                headers: TestApp.headers(jane, ["Accept": "text/plain", "Content-Type": "application/json"]),
                body: #"{"ActionName":"model.action.submit.approval"}"#
            ).status == .notFound)
        let designerActions = try app.send(
            .get, "/api/workflow/objects/\(limitedVersion)/actions", headers: ["Cookie": designer.cookieHeader])
        #expect(designerActions.status == .ok)
        #expect(try designerActions.json()["Action"]?.arrayValue?.isEmpty == false)
        #expect(try app.send(.get, "/api/models/\(limitedID)", headers: ["Cookie": approver.cookieHeader]).status == .ok)
        // A Limited version of a Public model is left out of what a plain user sees.
        let v2 = try app.send(
            .post, "/api/models/\(modelID)/versions", headers: json(designer), body: #"{"VersionName":"v2","Visibility":"Limited"}"#)
        #expect(v2.status == .ok)
        let janeView = try app.send(.get, "/api/models/\(modelID)?IncludeVersions=true", headers: ["Cookie": jane.cookieHeader]).json()
        #expect(janeView["LatestVersionID"] == .string(versionID))
        #expect(janeView["ModelVersions"]?["ModelVersion"]?.arrayValue?.count == 1)
        #expect(
            try app.send(.get, "/api/models/\(modelID)", headers: ["Cookie": designer.cookieHeader]).json()["LatestVersionID"]
                == (try v2.json()["ModelVersionID"]))
    }

    // MARK: - Faults

    @Test func negotiationBodiesAndUnknownIDs() throws {
        let (modelID, versionID) = try model(named: "Order")
        // The action answers text/plain only: an Accept that rules it out is a 406 that changes nothing.
        let notAcceptable = try app.send(
            .post, "/api/models/versions/\(versionID)/action",
            headers: TestApp.headers(designer, ["Accept": "application/json", "Content-Type": "application/json"]), body: Self.seed003Body)
        #expect(notAcceptable.status == .notAcceptable)
        #expect(try notAcceptable.json()["faultcode"] == .string("Client"))
        let star = try app.send(
            .post, "/api/models/versions/\(versionID)/action",
            headers: TestApp.headers(designer, ["Accept": "*/*", "Content-Type": "application/json", "X-Ignored": "1"]),
            body: #"{"ActionName":"@modify"}"#)
        #expect(star.status == .ok && star.text == "Draft")
        // Content-Type application/json only.
        let xmlBody = try app.send(
            .post, "/api/models/versions/\(versionID)/action",
            headers: TestApp.headers(designer, ["Accept": "text/plain", "Content-Type": "application/xml"]),
            body: "<Action><ActionName>model.action.submit.approval</ActionName></Action>")
        #expect(xmlBody.status == .unsupportedMediaType)
        #expect(try action(versionID, "", as: designer).status == .badRequest)
        #expect(try action(versionID, "model.action.unknown", as: designer).status == .badRequest)
        #expect(try action(versionID, "model.action.approve", as: admin).status == .conflict)
        #expect(try history(versionID).map(\.action) == ["@Create", "@modify"])

        // XML comes from the same tree.
        let xml = try app.send(
            .get, "/api/models/\(modelID)?IncludeVersions=true", headers: ["Cookie": designer.cookieHeader, "Accept": "application/xml"])
        #expect(xml.headers["Content-Type"] == "application/xml")
        #expect(xml.text.contains("<Model><ModelID>\(modelID)</ModelID><Name>Order</Name>"))
        #expect(xml.text.contains("<ModelVersions><ModelVersion><ModelVersionID>\(versionID)</ModelVersionID>"))
        #expect(xml.text.contains("<State>com.akana.model.state.draft</State>"))
        let versionXML = try app.send(
            .get, "/api/models/versions/\(versionID)?IncludeActions=true",
            headers: ["Cookie": designer.cookieHeader, "Accept": "application/vnd.soa.v81+xml"])
        #expect(versionXML.headers["Content-Type"] == "application/vnd.soa.v81+xml")
        #expect(versionXML.text.contains("<Action><Value>model.action.submit.approval</Value><Label>Submit for Approval</Label></Action>"))
        #expect(
            try app.send(.get, "/api/models/\(modelID)", headers: ["Cookie": designer.cookieHeader, "Accept": "text/plain"]).status
                == .notAcceptable)

        // Unknown ids: 404 everywhere.
        let unknown = "00000000-0000-0000-0000-000000000000.acmepaymentscorp"
        #expect(try app.send(.get, "/api/models/\(unknown)", headers: ["Cookie": designer.cookieHeader]).status == .notFound)
        #expect(try getVersion(unknown).status == .notFound)
        #expect(try app.send(.get, "/api/models/\(unknown)/versions", headers: ["Cookie": designer.cookieHeader]).status == .notFound)
        #expect(try app.send(.put, "/api/models/\(unknown)", headers: json(designer), body: "{}").status == .notFound)
        #expect(try app.send(.put, "/api/models/versions/\(unknown)", headers: json(designer), body: "{}").status == .notFound)
        #expect(
            try app.send(.post, "/api/models/\(unknown)/versions", headers: json(designer), body: #"{"VersionName":"v2"}"#).status
                == .notFound)
        #expect(
            try app.send(.delete, "/api/models/\(unknown)", headers: TestApp.headers(designer, ["Accept": "text/plain"])).status
                == .notFound)
        #expect(
            try app.send(.delete, "/api/models/versions/\(unknown)", headers: TestApp.headers(designer, ["Accept": "text/plain"])).status
                == .notFound)
        #expect(try action(unknown, "model.action.submit.approval", as: designer).status == .notFound)
        // A model id is not a version id, nor the other way round.
        #expect(try getVersion(modelID).status == .notFound)
        #expect(try app.send(.get, "/api/models/\(versionID)", headers: ["Cookie": designer.cookieHeader]).status == .notFound)

        // Bad bodies: 400 naming the field; nothing is written.
        func fault(_ method: HTTPMethod, _ path: String, _ body: String) throws -> (HTTPStatus, String) {
            let response = try app.send(method, path, headers: json(designer), body: body)
            return (response.status, try response.json()["faultstring"]?.stringValue ?? "")
        }
        let cases: [(HTTPMethod, String, String, String)] = [
            (.post, "/api/models", #"{"Summary":"no name"}"#, "Model.Name is required"),
            (.post, "/api/models", #"{"Name":"  "}"#, "Model.Name must not be empty"),
            (.post, "/api/models", #"{"Name":"X","Visibility":"Everyone"}"#, "Model.Visibility"),
            (.post, "/api/models", #"{"Name":"X","Tag":[1]}"#, "Model.Tag"),
            (.post, "/api/models", #"{"Name":"X","VersionName":7}"#, "Model.VersionName"),
            (.post, "/api/models", #"{"Name":"X","Schema":true}"#, "Model.Schema"),
            (.post, "/api/models", #"["Name"]"#, "Model must be a JSON object"),
            (
                .post, "/api/models", #"{"Visibility":"Public","ModelCategory":"global","SchemaDocumentReference":{"DropboxFileId":1150}}"#,
                "SchemaDocumentReference"
            ),
            (
                .post, "/api/models/\(modelID)/versions", #"{"VersionDescription":"no name"}"#,
                "AddModelVersionRequest.VersionName is required"
            ),
            (.put, "/api/models/versions/\(versionID)", #"{"Tag":"a","Description":5}"#, "ModelVersion.Description"),
            (.put, "/api/models/versions/\(versionID)", #"{"ModelReferences":[{"Name":"x"}]}"#, "ModelVersion.ModelReferences[0]"),
            (.put, "/api/models/\(modelID)", #"{"ModelCategory":["a"]}"#, "Model.ModelCategory")
        ]
        for (method, path, body, fragment) in cases {
            let (status, message) = try fault(method, path, body)
            #expect(status == .badRequest, "\(path) \(body): \(status.code) \(message)")
            #expect(message.contains(fragment), "'\(fragment)' missing from: \(message)")
        }
        #expect(try fault(.post, "/api/models", #"{"Name":"X","BusinessID":"tenantbusiness.globex"}"#).0 == .badRequest)
        #expect(try fault(.post, "/api/models", #"{"Name":"X",}"#).0 == .ok)
        #expect(try fault(.post, "/api/models", #"{"Name":"x"}"#).0 == .conflict)
        #expect(
            try app.send(.post, "/api/models", headers: TestApp.headers(designer, ["Content-Type": "text/plain"]), body: "Name").status
                == .unsupportedMediaType)
        #expect(try app.pool.read { db in try db.queryFirst("SELECT COUNT(*) FROM models")?.int(0) } == 2)
        // Not logged in, or no CSRF header on a write: 401.
        #expect(try app.send(.get, "/api/models/\(modelID)").status == .unauthorized)
        #expect(
            try app.send(
                .post, "/api/models/versions/\(versionID)/action",
                headers: [
                    "Cookie": designer.cookieHeader, "Accept": "text/plain",
                    "Content-Type": "application/json"
                ], body: Self.seed003Body
            ).status == .unauthorized)
    }

    // MARK: - Versions

    @Test func newVersionCopiesItsSource() throws {
        let (modelID, v1) = try model(named: "Pet", extra: #","VersionDescription":"Tag for a pet","Schema":{"type":"object"}"#)
        #expect(
            try app.send(
                .put, "/api/models/versions/\(v1)", headers: json(designer),
                body: #"{"Tag":["pet"],"Visibility":"com.soa.visibility.registered.users"}"#
            ).status == .ok)
        #expect(try action(v1, "model.action.submit.approval", as: designer).text == "Pending Approval")
        #expect(try action(v1, "model.action.approve", as: approver).text == "Active")
        app.clock.advance(by: 60)

        // The documented add-version body, with the source being v1.
        let added = try app.send(
            .post, "/api/models/\(modelID)/versions", headers: json(designer),
            body: """
                {
                  "Visibility":"Public",
                  "BusinessID":"tenantbusiness.acmepaymentscorp",
                  "SourceModelVersionID":"\(v1)",
                  "VersionName":"Version 2",
                  "VersionDescription":"Tag for a pet -- Version 2"
                }
                """)
        #expect(added.status == .ok, "\(added.text)")
        let v2Body = try added.json()
        #expect(v2Body.objectMembers?.map(\.0) == Self.versionMembers)
        let v2 = try #require(v2Body["ModelVersionID"]?.stringValue)
        #expect(v2 != v1)
        #expect(v2Body["Name"] == .string("Version 2"))
        #expect(v2Body["Description"] == .string("Tag for a pet -- Version 2"))
        #expect(v2Body["Schema"] == .string(#"{"type":"object"}"#))
        #expect(v2Body["Tag"] == .array([.string("pet")]))
        #expect(v2Body["Visibility"] == .string("Public"))
        #expect(v2Body["State"] == .string("com.akana.model.state.draft"))
        #expect(v2Body["Created"] == .string("2027-01-15T08:01:00Z"))
        #expect(try row("SELECT source_version_id FROM model_versions WHERE id = ?", v2)?["source_version_id"] == v1)
        // Without Visibility the copy keeps the source's.
        let v3 = try app.send(
            .post, "/api/models/\(modelID)/versions", headers: json(designer),
            body: #"{"SourceModelVersionID":"\#(v1)","VersionName":"Version 3"}"#)
        #expect(try v3.json()["Visibility"] == .string("com.soa.visibility.registered.users"))
        #expect(try v3.json()["Description"] == .string("Tag for a pet"))
        // v1 stays Active and untouched; the new versions are editable.
        #expect(try getVersion(v1).json()["State"] == .string("com.akana.model.state.active"))
        #expect(try app.send(.put, "/api/models/versions/\(v2)", headers: json(designer), body: #"{"Schema":"{}"}"#).status == .ok)
        #expect(try getVersion(v1).json()["Schema"] == .string(#"{"type":"object"}"#))

        let modelJSON = try app.send(.get, "/api/models/\(modelID)?IncludeVersions=true", headers: ["Cookie": designer.cookieHeader]).json()
        #expect(modelJSON.objectMembers?.map(\.0) == Self.modelMembers + ["ModelVersions"])
        let v3ID = try #require(try v3.json()["ModelVersionID"]?.stringValue)
        #expect(modelJSON["LatestVersionID"] == .string(v3ID))
        #expect(modelJSON["State"] == .string("com.akana.model.state.draft"))
        #expect(modelJSON["ModelVersions"]?["ModelVersion"]?.arrayValue?.compactMap { $0["ModelVersionID"]?.stringValue } == [v1, v2, v3ID])

        // The versions list is an RSS channel, oldest first.
        let list = try app.send(
            .get, "/api/models/\(modelID)/versions", headers: ["Cookie": designer.cookieHeader, "Accept": "application/json"])
        #expect(list.status == .ok)
        let channel = try #require(try list.json()["channel"])
        #expect(channel["title"] == .string("Versions of Pet"))
        let items = try #require(channel["item"]?.arrayValue)
        #expect(items.map { $0["guid"]?["value"]?.stringValue } == [v1, v2, v3ID])
        #expect(items.map { $0["title"]?.stringValue } == ["v1", "Version 2", "Version 3"])
        #expect(
            items[0]["category"]
                == .array([
                    .object([("domain", .string("uddi:soa.com:visibility")), ("value", .string("com.soa.visibility.registered.users"))]),
                    .object([("domain", .string("uddi:soa.com:state")), ("value", .string("com.akana.model.state.active"))])
                ]))
        #expect(
            try app.send(.get, "/api/models/\(modelID)/versions?includeSchema=maybe", headers: ["Cookie": designer.cookieHeader]).status
                == .badRequest)

        // The source must be a version of this model; names are unique within the model.
        let (_, otherVersion) = try model(named: "Other")
        #expect(
            try app.send(
                .post, "/api/models/\(modelID)/versions", headers: json(designer),
                body: #"{"SourceModelVersionID":"\#(otherVersion)","VersionName":"v9"}"#
            ).status == .badRequest)
        #expect(
            try app.send(
                .post, "/api/models/\(modelID)/versions", headers: json(designer),
                body: #"{"SourceModelVersionID":"nope.acmepaymentscorp","VersionName":"v9"}"#
            ).status == .badRequest)
        #expect(
            try app.send(.post, "/api/models/\(modelID)/versions", headers: json(designer), body: #"{"VersionName":"version 2"}"#).status
                == .conflict)
        #expect(
            try app.send(.put, "/api/models/versions/\(v2)", headers: json(designer), body: #"{"Name":"Version 3"}"#).status == .conflict)
    }

    // MARK: - Delete

    @Test func deleteIsRefusedWhileReferencedOrPending() throws {
        let (addressID, addressVersion) = try model(named: "Address")
        let (customerID, customerVersion) = try model(named: "Customer")
        // Customer's version uses Address.
        let referencing = try app.send(
            .put, "/api/models/versions/\(customerVersion)", headers: json(designer),
            body: #"{"ModelReferences":{"ModelReference":[{"ModelID":"\#(addressID)"}]}}"#)
        #expect(referencing.status == .ok, "\(referencing.text)")
        #expect(
            try referencing.json()["ModelReferences"]
                == .object([
                    (
                        "ModelReference",
                        .array([
                            .object([("ModelID", .string(addressID)), ("Name", .string("Address"))])
                        ])
                    )
                ]))
        let withReferences = try getVersion(customerVersion, query: "?includeReferences=true").json()
        #expect(withReferences["ModelReferences"]?["ModelReference"]?.arrayValue?.first?["ModelID"] == .string(addressID))
        #expect(try getVersion(customerVersion).json()["ModelReferences"] == nil)
        #expect(
            try app.send(
                .put, "/api/models/versions/\(customerVersion)", headers: json(designer),
                body: #"{"ModelReferences":["\#(customerID)"]}"#
            ).status == .badRequest)
        #expect(
            try app.send(
                .put, "/api/models/versions/\(customerVersion)", headers: json(designer),
                body: #"{"ModelReferences":["nope.acmepaymentscorp"]}"#
            ).status == .badRequest)

        // Address is referenced: refused, nothing changed.
        let refused = try app.send(.delete, "/api/models/\(addressID)", headers: TestApp.headers(designer, ["Accept": "text/plain"]))
        #expect(refused.status == .conflict)
        #expect(refused.text.contains("Customer"))
        #expect(
            try app.send(.delete, "/api/models/versions/\(addressVersion)", headers: TestApp.headers(designer, ["Accept": "text/plain"]))
                .status == .conflict)
        #expect(try action(addressVersion, "@delete", as: designer).status == .conflict)
        #expect(try getVersion(addressVersion).json()["State"] == .string("com.akana.model.state.draft"))
        #expect(try history(addressVersion).map(\.action) == ["@Create"])

        // Pending Approval: the workflow has no @delete there.
        #expect(try action(customerVersion, "model.action.submit.approval", as: designer).text == "Pending Approval")
        let pending = try app.send(.delete, "/api/models/\(customerID)", headers: TestApp.headers(designer, ["Accept": "text/plain"]))
        #expect(pending.status == .conflict)
        #expect(pending.text.contains("Pending Approval"))
        #expect(try action(customerVersion, "model.action.reject", as: approver).text == "Rejected")

        // Deleting Customer (Accept must allow text/plain) frees Address.
        #expect(
            try app.send(.delete, "/api/models/\(customerID)", headers: TestApp.headers(designer, ["Accept": "application/json"])).status
                == .notAcceptable)
        let deleted = try app.send(.delete, "/api/models/\(customerID)", headers: TestApp.headers(designer, ["Accept": "text/plain"]))
        #expect(deleted.status == .ok)
        #expect(deleted.body.isEmpty)
        #expect(try app.send(.get, "/api/models/\(customerID)", headers: ["Cookie": designer.cookieHeader]).status == .notFound)
        #expect(try row("SELECT object_id FROM workflow_objects WHERE object_id = ?", customerVersion) == nil)
        #expect(try history(customerVersion).isEmpty)
        #expect(try app.send(.delete, "/api/models/\(addressID)", headers: TestApp.headers(businessAdmin, ["Accept": "*/*"])).status == .ok)
        #expect(try app.pool.read { db in try db.queryFirst("SELECT COUNT(*) FROM model_versions")?.int(0) } == 0)
    }

    @Test func activeModelsAndSingleVersionsCanBeDeleted() throws {
        let (modelID, v1) = try model(named: "Invoice")
        let v2 = try #require(
            try app.send(.post, "/api/models/\(modelID)/versions", headers: json(designer), body: #"{"VersionName":"v2"}"#)
                .json()["ModelVersionID"]?.stringValue)
        #expect(try action(v1, "model.action.submit.approval", as: designer).text == "Pending Approval")
        #expect(try action(v1, "model.action.approve", as: approver).text == "Active")
        // One version goes; the model stays with the other.
        #expect(
            try app.send(.delete, "/api/models/versions/\(v2)", headers: TestApp.headers(designer, ["Accept": "text/plain"])).status == .ok)
        #expect(try getVersion(v2).status == .notFound)
        #expect(
            try app.send(.get, "/api/models/\(modelID)", headers: ["Cookie": designer.cookieHeader]).json()["LatestVersionID"]
                == .string(v1))
        // @delete through the action operation deletes the last version, and the model with it.
        let viaAction = try action(v1, "@delete", as: businessAdmin)
        #expect(viaAction.status == .ok && viaAction.text == "Deleted")
        #expect(try app.send(.get, "/api/models/\(modelID)", headers: ["Cookie": designer.cookieHeader]).status == .notFound)
    }

    // MARK: - The generic workflow endpoint

    @Test func genericWorkflowActionsMoveTheModelState() throws {
        let (modelID, versionID) = try model(named: "Payment")
        let submitted = try app.send(
            .post, "/api/workflow/objects/\(versionID)/actions",
            headers: TestApp.headers(designer, ["Accept": "text/plain", "Content-Type": "application/json"]), body: Self.seed003Body)
        #expect(submitted.text == "Pending Approval")
        #expect(try getVersion(versionID).json()["State"] == .string("com.akana.model.state.pending_approval"))
        #expect(
            try app.send(.get, "/api/models/\(modelID)", headers: ["Cookie": designer.cookieHeader]).json()["State"]
                == .string("com.akana.model.state.pending_approval"))
        #expect(try row("SELECT state FROM model_versions WHERE id = ?", versionID)?["state"] == "com.akana.model.state.pending_approval")
        let reserved = try app.send(
            .get, "/api/workflow/objects/\(versionID)/actions?IncludeReservedActions=true",
            headers: ["Cookie": businessAdmin.cookieHeader, "Accept": "application/json"])
        #expect(
            try reserved.json()["Action"]?.arrayValue?.compactMap { $0["Value"]?.stringValue } == [
                "model.action.approve", "model.action.reject"
            ])
        // @delete through the generic endpoint leaves the row, which then counts as deleted.
        #expect(try action(versionID, "model.action.reject", as: approver).text == "Rejected")
        let deleted = try app.send(
            .post, "/api/workflow/objects/\(versionID)/actions",
            headers: TestApp.headers(designer, ["Accept": "text/plain", "Content-Type": "application/json"]),
            body: #"{"ActionName":"@delete"}"#)
        #expect(deleted.text == "Deleted")
        #expect(try getVersion(versionID).status == .notFound)
        let modelJSON = try app.send(.get, "/api/models/\(modelID)", headers: ["Cookie": designer.cookieHeader]).json()
        #expect(modelJSON["LatestVersionID"] == nil && modelJSON["State"] == nil)
        #expect(try app.send(.delete, "/api/models/\(modelID)", headers: TestApp.headers(designer, ["Accept": "text/plain"])).status == .ok)
        #expect(try row("SELECT object_id FROM workflow_objects WHERE object_id = ?", versionID) == nil)
    }
}

/// A row's columns as text, for comparing what `sqlite3` would show.
struct SQLiteRowSnapshot {
    var values: [String: String?]
    subscript(_ column: String) -> String? { values[column] ?? nil }
}
