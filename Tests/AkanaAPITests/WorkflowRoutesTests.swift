import AkanaDomain
import DispatchHTTP
import Testing

@testable import AkanaAPI

@Suite struct WorkflowRoutesTests {
    let app: TestApp
    let admin: TestApp.Session

    init() throws {
        app = try TestApp(users: [
            SeedUser(tenant: "acmepaymentscorp", email: TestApp.admin, password: "password", name: "Administrator", roles: ["SiteAdmin"]),
            SeedUser(tenant: "acmepaymentscorp", email: TestApp.jane, password: "password", name: "Jane", roles: []),
            SeedUser(
                tenant: "acmepaymentscorp", email: "bob@acmepaymentscorp.com", password: "password", name: "Bob", roles: ["BusinessAdmin"])
        ])
        admin = try app.login()
    }

    @Test func seed002UnpublishADiscussionAsPrinted() throws {
        let created = try app.send(
            .post, "/_emulator/objects", headers: ["Content-Type": "application/json"],
            body: #"{"ObjectType":"discussion","ObjectID":"discussion11018.acmepaymentscorp"}"#)
        #expect(created.status == .created)
        #expect(try created.json()["Status"] == .string("Published"))
        // Seed 002's headers and body as printed (its HTTP/1.0 request line is the server's concern).
        let response = try app.send(
            .post, "/api/workflow/objects/discussion11018.acmepaymentscorp/actions",
            headers: TestApp.headers(admin, ["Accept": "*/*", "Content-Type": "application/json; charset=UTF-8"]),
            body: "{\n  \"ActionName\":\"discussion.action.unpublish\",\n  \"Comments\":\"Unpublishing while I edit.\"\n}")
        #expect(response.status == .ok)
        #expect(response.headers["Content-Type"] == "text/plain")
        #expect(response.text == "Pending")
        // Not valid any more in Pending: 409, nothing changed.
        let again = try app.send(
            .post, "/api/workflow/objects/discussion11018.acmepaymentscorp/actions",
            headers: TestApp.headers(admin, ["Content-Type": "application/json"]), body: #"{"ActionName":"discussion.action.unpublish"}"#)
        #expect(again.status == .conflict)
        let actions = try app.send(
            .get, "/api/workflow/objects/discussion11018.acmepaymentscorp/actions", headers: ["Cookie": admin.cookieHeader])
        let values = try actions.json()["Action"]?.arrayValue?.compactMap { $0["Value"]?.stringValue } ?? []
        #expect(values.contains("discussion.action.publish") || values.contains("discussion.action.approve"))
        #expect(!values.contains("discussion.action.unpublish"))
        let history = try app.send(.get, "/_emulator/objects/discussion11018.acmepaymentscorp/history").json()
        let entries = try #require(history["Entry"]?.arrayValue)
        #expect(entries.count == 2)
        #expect(entries[1]["ActionName"] == .string("discussion.action.unpublish"))
        #expect(entries[1]["Comments"] == .array([.string("Unpublishing while I edit.")]))
        #expect(entries[1]["OldStatus"] == .string("Published") && entries[1]["NewStatus"] == .string("Pending"))
        // Comments as an array, and an XML body.
        let xml = try app.send(
            .post, "/api/workflow/objects/discussion11018.acmepaymentscorp/actions",
            headers: TestApp.headers(admin, ["Content-Type": "application/xml"]),
            body: "<Action><ActionName>discussion.action.publish</ActionName><Comments>a</Comments><Comments>b</Comments></Action>")
        #expect(xml.text == "Published")
    }

    @Test func unknownObjectsAndBadBodies() throws {
        #expect(
            try app.send(
                .post, "/api/workflow/objects/nothing.acmepaymentscorp/actions",
                headers: TestApp.headers(admin, ["Content-Type": "application/json"]),
                body: #"{"ActionName":"x"}"#
            ).status == .notFound)
        _ = try app.send(
            .post, "/_emulator/objects", headers: ["Content-Type": "application/json"],
            body: #"{"ObjectType":"ticket","ObjectID":"ticket1.acmepaymentscorp"}"#)
        #expect(
            try app.send(
                .post, "/api/workflow/objects/ticket1.acmepaymentscorp/actions",
                headers: TestApp.headers(admin, ["Content-Type": "application/json"]),
                body: #"{"Comments":["x"]}"#
            ).status == .badRequest)
        #expect(
            try app.send(
                .post, "/api/workflow/objects/ticket1.acmepaymentscorp/actions",
                headers: TestApp.headers(admin, ["Content-Type": "application/json"]),
                body: #"{"ActionName":"ticket.action.fly"}"#
            ).status == .badRequest)
        #expect(
            try app.send(
                .post, "/_emulator/objects", headers: ["Content-Type": "application/json"],
                body: #"{"ObjectType":"ticket","ObjectID":"ticket1.acmepaymentscorp"}"#
            ).status == .conflict)
        #expect(
            try app.send(.post, "/_emulator/objects", headers: ["Content-Type": "application/json"], body: #"{"ObjectType":"spaceship"}"#)
                .status == .badRequest)
    }

    /// A custom app-version workflow, written by hand in the platform's XML, uploaded and assigned,
    /// governs the app-version action, the PUT and the generic endpoint, including its role conditions.
    static let customWorkflow = """
        <?xml version="1.0" encoding="UTF-8"?>
        <workflow>
          <initial-actions>
            <action id="1" name="@Create">
              <results><unconditional-result old-status="Finished" status="Draft" step="1"/></results>
            </action>
          </initial-actions>
          <steps>
            <step id="1" name="Draft">
              <actions>
                <action id="10" name="@Modify">
                  <results><unconditional-result old-status="Draft" status="Draft" step="1"/></results>
                </action>
                <action id="11" name="app.action.publish" view="Publish">
                  <restrict-to>
                    <conditions type="OR">
                      <condition type="authorizeByAtmosphereRole"><arg name="role">BusinessAdmin</arg></condition>
                    </conditions>
                  </restrict-to>
                  <results><unconditional-result old-status="Draft" status="Published" step="2"/></results>
                </action>
              </actions>
            </step>
            <step id="2" name="Published">
              <actions>
                <action id="20" name="@RegeneratedSecret">
                  <restrict-to>
                    <conditions type="OR">
                      <condition type="authorizeByAtmosphereRole"><arg name="role">AppTeamMember</arg></condition>
                    </conditions>
                  </restrict-to>
                  <results><unconditional-result old-status="Published" status="Published" step="2"/></results>
                </action>
              </actions>
            </step>
          </steps>
        </workflow>
        """

    @Test func aCustomAppVersionWorkflowGovernsTheAppOperations() throws {
        let boundary = "XyZ123"
        let multipart = [
            "--\(boundary)", "Content-Disposition: form-data; name=\"Name\"", "", "Publish gate",
            "--\(boundary)", "Content-Disposition: form-data; name=\"ObjectType\"", "", "appversion",
            "--\(boundary)", "Content-Disposition: form-data; name=\"file\"; filename=\"publish-gate.xml\"", "Content-Type: text/xml", "",
            Self.customWorkflow, "--\(boundary)--", ""
        ].joined(separator: "\r\n")
        let uploaded = try app.send(
            .post, "/api/workflow/definitions",
            headers: TestApp.headers(admin, ["Content-Type": "multipart/form-data; boundary=\(boundary)", "Accept": "application/json"]),
            body: multipart)
        #expect(uploaded.status == .ok)
        #expect(try uploaded.json()["Key"] == .string("publish-gate"))
        #expect(try uploaded.json()["ObjectType"] == .string("appversion"))
        let jane = try app.login(TestApp.jane)
        let bob = try app.login("bob@acmepaymentscorp.com")
        // Only a Site Admin uploads.
        #expect(
            try app.send(
                .post, "/api/workflow/definitions",
                headers: TestApp.headers(jane, ["Content-Type": "multipart/form-data; boundary=\(boundary)"]),
                body: multipart
            ).status == .forbidden)
        let assigned = try app.send(
            .put, "/_emulator/workflows/appversion", headers: ["Content-Type": "application/json"], body: #"{"Definition":"publish-gate"}"#)
        #expect(assigned.status == .ok)

        let created = try app.send(
            .post, "/api/apps", headers: TestApp.headers(jane, ["Content-Type": "application/json", "Accept": "text/plain"]),
            body: #"{"Name":"Gated","ApplicationVersion":{"Name":"1.0"}}"#)
        let appID = created.text
        let versionID = try #require(
            try app.send(.get, "/api/apps/\(appID)", headers: ["Cookie": jane.cookieHeader]).json()["DefaultVersionID"]?.stringValue)
        let secret = { try self.app.send(.get, "/api/apps/versions/\(versionID)/secret", headers: ["Cookie": jane.cookieHeader]).text }
        let before = try secret()

        // Draft: editing works, the secret cannot be regenerated, and only a Business Admin publishes.
        #expect(
            try app.send(
                .put, "/api/apps/versions/\(versionID)", headers: TestApp.headers(jane, ["Content-Type": "application/json"]),
                body: #"{"Description":"d1"}"#
            ).status == .ok)
        #expect(
            try app.send(
                .post, "/api/apps/versions/\(versionID)/action", headers: TestApp.headers(jane, ["Content-Type": "application/json"]),
                body: #"{"ActionName":"@RegeneratedSecret"}"#
            ).status == .conflict)
        #expect(try secret() == before)
        #expect(
            try app.send(
                .post, "/api/apps/versions/\(versionID)/action", headers: TestApp.headers(jane, ["Content-Type": "application/json"]),
                body: #"{"ActionName":"app.action.publish"}"#
            ).status == .forbidden)
        let janeActions = try app.send(
            .get, "/api/workflow/objects/\(versionID)/actions?IncludeReservedActions", headers: ["Cookie": jane.cookieHeader])
        #expect(try janeActions.json()["Action"]?.arrayValue?.compactMap { $0["Value"]?.stringValue } == ["@Modify"])
        let published = try app.send(
            .post, "/api/workflow/objects/\(versionID)/actions", headers: TestApp.headers(bob, ["Content-Type": "application/json"]),
            body: #"{"ActionName":"app.action.publish","Comments":"ship it"}"#)
        #expect(published.text == "Published")

        // Published: no @Modify (a 4xx and nothing changed), but the team can regenerate the secret.
        let edit = try app.send(
            .put, "/api/apps/versions/\(versionID)", headers: TestApp.headers(jane, ["Content-Type": "application/json"]),
            body: #"{"Description":"d2"}"#)
        #expect(edit.status == .conflict)
        #expect(
            try app.send(.get, "/api/apps/versions/\(versionID)", headers: ["Cookie": jane.cookieHeader]).json()["Description"]
                == .string("d1"))
        let rotated = try app.send(
            .post, "/api/apps/versions/\(versionID)/action",
            headers: TestApp.headers(jane, ["Content-Type": "application/json", "Accept": "text/plain"]),
            body: #"{"ActionName":"@RegeneratedSecret"}"#)
        #expect(rotated.status == .ok && rotated.text == versionID)
        #expect(try secret() != before)
        // Bob is a Business Admin but not on the team: the team-only action is refused.
        #expect(
            try app.send(
                .post, "/api/apps/versions/\(versionID)/action", headers: TestApp.headers(bob, ["Content-Type": "application/json"]),
                body: #"{"ActionName":"@RegeneratedSecret"}"#
            ).status == .forbidden)

        let definitions = try app.send(.get, "/api/workflow/definitions?ObjectType=appversion", headers: ["Cookie": admin.cookieHeader])
        let guids = try definitions.json()["channel"]?["item"]?.arrayValue?.compactMap { $0["guid"]?["value"]?.stringValue } ?? []
        #expect(guids.contains("publish-gate") && guids.contains("appversion"))
        #expect(try app.send(.get, "/api/workflow/definitions", headers: ["Cookie": jane.cookieHeader]).status == .forbidden)
    }

    @Test func aBadDefinitionIsRefusedWithItsLine() throws {
        let response = try app.send(
            .post, "/api/workflow/definitions?Name=broken&ObjectType=appversion",
            headers: TestApp.headers(admin, ["Content-Type": "application/xml"]), body: "<workflow>\n<steps>\n</workflow>")
        #expect(response.status == .badRequest)
        #expect(try response.json()["faultstring"]?.stringValue?.contains("line") == true)
    }

    @Test func theShippedAppVersionTemplateMarksDeletesForApproval() throws {
        #expect(
            try app.send(
                .put, "/_emulator/workflows/appversion", headers: ["Content-Type": "application/json"],
                body: #"{"Definition":"appversion"}"#
            ).status == .ok)
        let jane = try app.login(TestApp.jane)
        let bob = try app.login("bob@acmepaymentscorp.com")
        let appID = try app.send(
            .post, "/api/apps", headers: TestApp.headers(jane, ["Content-Type": "application/json", "Accept": "text/plain"]),
            body: #"{"Name":"Doomed","ApplicationVersion":{"Name":"1.0"}}"#
        ).text
        let versionID = try #require(
            try app.send(.get, "/api/apps/\(appID)", headers: ["Cookie": jane.cookieHeader]).json()["DefaultVersionID"]?.stringValue)
        // Jane's delete only marks the version; Bob approves through the generic endpoint and it is gone.
        #expect(
            try app.send(.delete, "/api/apps/versions/\(versionID)", headers: TestApp.headers(jane, ["Accept": "text/plain"])).status == .ok
        )
        #expect(try app.send(.get, "/api/apps/versions/\(versionID)", headers: ["Cookie": jane.cookieHeader]).status == .ok)
        #expect(
            try app.send(
                .post, "/api/workflow/objects/\(versionID)/actions", headers: TestApp.headers(bob, ["Content-Type": "application/json"]),
                body: #"{"ActionName":"appversion.action.approve.delete"}"#
            ).text == "Deleted")
        #expect(try app.send(.get, "/api/apps/versions/\(versionID)", headers: ["Cookie": jane.cookieHeader]).status == .notFound)
        #expect(try app.send(.get, "/api/apps/\(appID)", headers: ["Cookie": jane.cookieHeader]).status == .notFound)
        // Clearing the assignment: new versions are free again.
        #expect(
            try app.send(
                .put, "/_emulator/workflows/appversion", headers: ["Content-Type": "application/json"], body: #"{"Definition":null}"#
            ).status == .ok)
    }

    // schemathesis: {"ObjectID": {}} used to mint an id as if none were given.
    @Test func testObjectIDsAndInitialActionsAreStrings() throws {
        let json: HTTPHeaders = ["Content-Type": "application/json"]
        for body in [
            #"{"ObjectType":"discussion","ObjectID":{}}"#, #"{"ObjectType":"discussion","ObjectID":7}"#,
            #"{"ObjectType":"discussion","InitialAction":["@StartDiscussion"]}"#
        ] {
            let refused = try app.send(.post, "/_emulator/objects", headers: json, body: body)
            #expect(refused.status == .badRequest, "\(body)")
            #expect(try refused.json()["faultstring"]?.stringValue?.contains("must be a string") == true)
        }
        let minted = try app.send(.post, "/_emulator/objects", headers: json, body: #"{"ObjectType":"discussion","ObjectID":null}"#)
        #expect(minted.status == .created)
        #expect(try minted.json()["ObjectID"]?.stringValue?.hasSuffix(".acmepaymentscorp") == true)
    }
}
