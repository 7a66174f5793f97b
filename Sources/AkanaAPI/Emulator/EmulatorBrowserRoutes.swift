import AkanaDomain
import DispatchHTTP
import EmulatorMachinery
import Foundation
import SQLiteStore

/// `GET /_emulator/ui…`: a read-only state browser, HTML pages the daemon renders itself (no build
/// step, no external assets, no scripts). Every value shown is escaped. Same admin protection as
/// every `/_emulator/` route.
enum EmulatorBrowserRoutes {
    static func register(into router: inout Router, environment: APIEnvironment) {
        // The overview (a dashboard) and the request page: EmulatorDashboardRoutes.swift.
        registerDashboard(into: &router, environment: environment)

        router.add(.get, "/_emulator/ui/users") { request in
            let users = try environment.browser.users(scope: request.scope)
            var page = Page(title: "Users")
            page.section(
                "Users, their roles and live sessions",
                table(users, ["tenant", "email", "display_name", "roles", "live_sessions", "seeded", "id"]))
            return page.response
        }

        router.add(.get, "/_emulator/ui/apps") { request in
            let apps = try environment.browser.apps(scope: request.scope)
            var page = Page(title: "Apps")
            page.section(
                "Apps",
                table(
                    apps, ["name", "tenant", "versions", "members", "updated", "id"],
                    links: ["name": { "/_emulator/ui/apps/\(path($0["id"] ?? ""))" }]))
            return page.response
        }

        router.add(.get, "/_emulator/ui/apps/{AppID}") { request in
            let id = try request.parameter("AppID")
            guard let found = try environment.browser.app(id: id, scope: request.scope) else { throw Page.notFound("App \(id)") }
            let (app, versions, team, contracts) = (found.app, found.versions, found.team, found.contracts)
            var page = Page(title: "App \(app["name"] ?? "")")
            page.section("App", fields(app, ["id", "tenant", "name", "summary", "description", "business_id", "created", "updated"]))
            page.section(
                "Versions",
                table(
                    versions, ["name", "id", "visibility", "state", "workflow_status", "identity", "current_environment"],
                    links: [
                        "workflow_status": {
                            $0["workflow_status"]?.isEmpty == false ? "/_emulator/ui/workflow/\(path($0["id"] ?? ""))" : nil
                        }
                    ]))
            page.section("Team", table(team, ["email", "role", "user_id"]))
            page.section(
                "Contracts",
                table(
                    contracts, ["id", "runtime_id", "api", "api_version", "environment", "state", "revision_of", "updated"],
                    links: [
                        "id": { "/_emulator/ui/workflow/\(path($0["id"] ?? ""))" },
                        "revision_of": { row in
                            (row["revision_of"] ?? "").isEmpty ? nil : "/_emulator/ui/workflow/\(path(row["revision_of"] ?? ""))"
                        }
                    ]))
            return page.response
        }

        router.add(.get, "/_emulator/ui/apis") { request in
            let (apis, implementations, contracts) = try environment.browser.apis(scope: request.scope)
            var page = Page(title: "APIs and contracts")
            page.section("APIs", table(apis, ["name", "tenant", "visibility", "versions", "admins", "updated", "id"]))
            page.section(
                "Implementations",
                table(
                    implementations,
                    ["api", "api_version", "code", "pattern", "endpoints", "policies", "operations", "tenant", "api_version_id"]))
            page.section(
                "Contracts",
                table(
                    contracts, ["id", "tenant", "runtime_id", "api", "api_version", "environment", "state", "revision_of", "updated"],
                    links: [
                        "id": { "/_emulator/ui/workflow/\(path($0["id"] ?? ""))" },
                        "revision_of": { row in
                            (row["revision_of"] ?? "").isEmpty ? nil : "/_emulator/ui/workflow/\(path(row["revision_of"] ?? ""))"
                        }
                    ]))
            return page.response
        }

        router.add(.get, "/_emulator/ui/groups") { request in
            let found = try environment.browser.groups(scope: request.scope)
            var page = Page(title: "Groups")
            page.section(
                "Groups (independent, app teams, API admin groups, Site Admins, Business Admins)",
                table(found.groups, ["name", "kind", "tenant", "visibility", "belongs_to", "accepted", "pending", "updated", "id"]))
            page.section(
                "Membership requests, most recently changed first",
                table(
                    found.memberships, ["request_id", "group_name", "email", "role", "state", "workflow_status", "message", "updated"],
                    links: [
                        "request_id": { row in
                            (row["workflow_status"] ?? "").isEmpty ? nil : "/_emulator/ui/workflow/\(path(row["request_id"] ?? ""))"
                        }
                    ]))
            return page.response
        }

        router.add(.get, "/_emulator/ui/licenses") { request in
            let found = try environment.browser.licenses(scope: request.scope)
            var page = Page(title: "Licenses and scopes")
            page.section(
                "Licenses",
                table(
                    found.licenses,
                    [
                        "name", "tenant", "visibility", "environments", "sandbox_auto_approved", "production_auto_approved", "active",
                        "scopes",
                        "contracts", "id"
                    ]))
            page.section(
                "Scopes", table(found.scopes, ["name", "tenant", "visibility", "parent_id", "operations", "licenses", "updated", "id"]))
            page.section(
                "Operations mapped to scopes",
                table(found.operationScopes, ["api", "api_version", "operation_name", "scope", "api_version_id", "scope_id"]))
            return page.response
        }

        router.add(.get, "/_emulator/ui/content") { request in
            let files = try environment.browser.content(scope: request.scope)
            var page = Page(title: "Content")
            page.section(
                "Files and folders of /content and /resources",
                table(files, ["path", "tenant", "store", "kind", "size", "media_type", "updated"]))
            return page.response
        }

        router.add(.get, "/_emulator/ui/models") { request in
            let models = try environment.browser.models(scope: request.scope)
            var page = Page(title: "Models")
            page.section(
                "Models and their versions",
                table(
                    models, ["model_name", "tenant", "visibility", "version_name", "state", "workflow_status", "version_id"],
                    links: [
                        "workflow_status": {
                            $0["workflow_status"]?.isEmpty == false ? "/_emulator/ui/workflow/\(path($0["version_id"] ?? ""))" : nil
                        }
                    ]))
            return page.response
        }

        router.add(.get, "/_emulator/ui/traffic") { request in
            let found = try environment.browser.traffic(scope: request.scope)
            var page = Page(title: "Gateway traffic")
            page.section(
                "Calls per API version and environment",
                table(
                    found.byAPIVersion,
                    [
                        "api", "api_version", "environment", "calls", "faults", "avg_ms", "first_day", "last_day", "tenant",
                        "api_version_id"
                    ]))
            page.section(
                "Latest transactions, newest first",
                table(
                    found.latest,
                    [
                        "time", "api", "api_version", "environment", "operation", "method", "path", "app", "status", "fault", "duration_ms",
                        "contract_id", "source", "tenant", "transaction_id"
                    ],
                    links: [
                        "contract_id": { row in
                            (row["contract_id"] ?? "").isEmpty ? nil : "/_emulator/ui/workflow/\(path(row["contract_id"] ?? ""))"
                        }
                    ]))
            return page.response
        }

        router.add(.get, "/_emulator/ui/workflow") { request in
            let objects = try environment.browser.workflowObjects(scope: request.scope)
            var page = Page(title: "Workflow objects")
            page.section(
                "Workflow objects, most recently changed first",
                table(
                    objects, ["object_id", "object_type", "status", "definition_key", "definition_version", "tenant", "updated"],
                    links: ["object_id": { "/_emulator/ui/workflow/\(path($0["object_id"] ?? ""))" }]))
            return page.response
        }

        router.add(.get, "/_emulator/ui/workflow/{ObjectID}") { request in
            let id = try request.parameter("ObjectID")
            guard let found = try environment.browser.workflowObject(id: id, scope: request.scope) else {
                throw Page.notFound("Workflow object \(id)")
            }
            let object = found.object
            let history = found.history.map { entry -> StateBrowserRepository.Row in
                [
                    "at": entry.at, "action": entry.actionName, "from": entry.oldStatus ?? "", "to": entry.newStatus,
                    "user": entry.userID ?? "", "comments": entry.comments.joined(separator: " / ")
                ]
            }
            let actions = found.actions.map { ["action": $0.value, "label": $0.label] }
            var page = Page(title: "Workflow object \(id)")
            page.section(
                "Object",
                fields(object, ["object_id", "object_type", "status", "definition_key", "definition_version", "tenant", "updated"]))
            page.section("Actions valid now (for a caller with every role)", table(actions, ["action", "label"]))
            page.section("History", table(history, ["at", "action", "from", "to", "user", "comments"]))
            return page.response
        }

        router.add(.get, "/_emulator/ui/snapshots") { request in
            let found = try environment.browser.snapshotsAndCheckpoints(scope: request.scope)
            let snapshots = found.snapshots.map { snapshot -> StateBrowserRepository.Row in
                ["name": snapshot.name, "created": snapshot.created, "size": "\(snapshot.sizeBytes)"]
            }
            let checkpoints = found.checkpoints.map { checkpoint -> StateBrowserRepository.Row in
                ["id": checkpoint.mark.name, "created": checkpoint.mark.created, "changes_since": "\(checkpoint.changesSince)"]
            }
            var page = Page(title: "Snapshots and checkpoints")
            page.section("Snapshots", table(snapshots, ["name", "created", "size"]))
            page.section(
                "Checkpoints",
                table(
                    checkpoints, ["id", "created", "changes_since"],
                    links: ["changes_since": { "/_emulator/ui/checkpoints/\(path($0["id"] ?? ""))/diff" }]))
            return page.response
        }

        // What changed since a checkpoint (the JSON of GET /_emulator/checkpoints/{id}/diff, as tables).
        router.add(.get, "/_emulator/ui/checkpoints/{id}/diff") { request in
            let id = try request.parameter("id")
            let limit = EmulatorCheckpointRoutes.maxDiffRows
            guard let found = try environment.admin.diff(sinceCheckpoint: id, limit: limit, scope: request.scope) else {
                throw Page.notFound("Checkpoint \(id)")
            }
            func shown(_ value: ChangeDiff.Value?) -> String {
                switch value {
                case nil, .null?: "null"
                case .integer(let integer)?: String(integer)
                case .real(let real)?: String(real)
                case .text(let text)?: text
                case .blob(let size)?: "<\(size) bytes>"
                case .hidden?: "(hidden)"
                }
            }
            func rows(_ objects: [ChangeDiff.Object], _ value: @escaping (ChangeDiff.Field) -> String) -> [StateBrowserRepository.Row] {
                objects.flatMap { object in
                    object.fields.map { field -> StateBrowserRepository.Row in
                        [
                            "object": object.type.map { "\($0) \(object.id ?? "")" } ?? "\(object.table) #\(object.rowID)",
                            "field": field.name, "value": value(field), "before": shown(field.before), "after": shown(field.after)
                        ]
                    }
                }
            }
            let diff = found.diff
            var page = Page(title: "Changes since \(id)")
            page.section(
                "Checkpoint",
                fields(
                    ["id": id, "created": found.mark.created, "entries": "\(diff.entries)", "truncated": diff.truncated ? "yes" : "no"],
                    ["id", "created", "entries", "truncated"]))
            page.section("Created", table(rows(diff.created) { shown($0.after) }, ["object", "field", "value"]))
            page.section("Changed", table(rows(diff.changed) { _ in "" }, ["object", "field", "before", "after"]))
            page.section("Deleted", table(rows(diff.deleted) { shown($0.before) }, ["object", "field", "value"]))
            return page.response
        }

        router.add(.get, "/_emulator/ui/requests") { request in
            let filter = try RequestJournalRoutes.filter(request.http)
            let entries = try environment.journal.entries(matching: filter, scope: request.scope)
            var page = Page(title: "Request journal")
            let value = { (name: String) in escape(request.http.queryValue(name) ?? "") }
            page.section(
                "Filter",
                """
                <form method="get" action="/_emulator/ui/requests">
                <label>method <input name="method" value="\(value("method"))" size="6"></label>
                <label>path <input name="path" value="\(value("path"))" size="40" placeholder="/api/apps/*"></label>
                <label>status <input name="status" value="\(value("status"))" size="4" placeholder="4xx"></label>
                <label>body contains <input name="body" value="\(value("body"))" size="16"></label>
                <button type="submit">Show</button></form>
                """)
            page.section("Newest first (\(entries.count) shown)", requestTable(entries))
            return page.response
        }

        // An id from the journal: the page that shows that object.
        router.add(.get, "/_emulator/ui/objects/{ObjectID}") { request in
            let id = try request.parameter("ObjectID")
            let target: String
            switch try environment.browser.page(forObject: id, scope: request.scope) {
            case .app(let app): target = "/_emulator/ui/apps/\(path(app))"
            case .workflowObject(let object): target = "/_emulator/ui/workflow/\(path(object))"
            case nil: throw Page.notFound("Object \(id) (it may have been deleted since)")
            }
            return HTTPResponse(status: .seeOther, headers: ["Location": target])
        }
    }

    // MARK: - HTML

    /// `&`, `<`, `>` and `"` as character references (XMLWriter's escaping: safe in text and in the
    /// double-quoted attributes these pages use; control characters are dropped).
    static func escape(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        XMLWriter.escape(text, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A path segment, percent-encoded.
    static func path(_ segment: String) -> String {
        segment.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#"))) ?? segment
    }

    static func table(
        _ rows: [StateBrowserRepository.Row], _ columns: [String],
        links: [String: (StateBrowserRepository.Row) -> String?] = [:], shorten: Bool = true
    ) -> String {
        guard !rows.isEmpty else { return "<p class=\"empty\">None.</p>" }
        var html = "<table><thead><tr>" + columns.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead><tbody>"
        for row in rows {
            html += "<tr>"
            for column in columns {
                let value = shorten ? cell(row[column] ?? "") : escape(row[column] ?? "")
                if let link = links[column]?(row) {
                    html += "<td><a href=\"\(escape(link))\">\(value)</a></td>"
                } else {
                    html += "<td>\(value)</td>"
                }
            }
            html += "</tr>"
        }
        return html + "</tbody></table>"
    }

    static func fields(_ row: StateBrowserRepository.Row, _ columns: [String], shorten: Bool = true) -> String {
        "<dl>" + columns.map { "<dt>\(escape($0))</dt><dd>\(shorten ? cell(row[$0] ?? "") : escape(row[$0] ?? ""))</dd>" }.joined()
            + "</dl>"
    }

    /// Values longer than this are shown shortened, the whole value on hover (`title`).
    static let shortenedLength = 48

    /// A cell's value, escaped: a long one (ids, FDNs, paths) shortened to its start and end with the
    /// whole value in a `title`, so a table fits a 1,280 px window; the CSS also lets any value wrap.
    static func cell(_ value: String) -> String {
        guard value.count > shortenedLength, !value.contains("\n") else { return escape(value) }
        let shown = "\(value.prefix(shortenedLength / 2 + 8))…\(value.suffix(shortenedLength / 2 - 8))"
        return "<span class=\"long\" title=\"\(escape(value))\">\(escape(shown))</span>"
    }

    struct Page {
        let title: String
        var body = ""

        mutating func section(_ heading: String, _ html: String) {
            body += "<section><h2>\(EmulatorBrowserRoutes.escape(heading))</h2>\n\(html)\n</section>\n"
        }

        static let navigation = [
            ("Overview", "/_emulator/ui"), ("Users", "/_emulator/ui/users"), ("Apps", "/_emulator/ui/apps"),
            ("APIs", "/_emulator/ui/apis"), ("Groups", "/_emulator/ui/groups"), ("Traffic", "/_emulator/ui/traffic"),
            ("Licenses", "/_emulator/ui/licenses"), ("Content", "/_emulator/ui/content"),
            ("Models", "/_emulator/ui/models"),
            ("Workflow", "/_emulator/ui/workflow"),
            ("Snapshots", "/_emulator/ui/snapshots"), ("Requests", "/_emulator/ui/requests")
        ]

        var response: HTTPResponse {
            // The empty icon link keeps browsers from asking for /favicon.ico (a 404 in the journal each
            // time a page is shown). The CSS lets every table fit a 1,280 px window: values wrap anywhere.
            let nav = Self.navigation.map { "<a href=\"\($0.1)\">\($0.0)</a>" }.joined(separator: " · ")
            let html = """
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>\(EmulatorBrowserRoutes.escape(title)) · akana-emulator</title>
                <style>
                *{box-sizing:border-box}html{overflow-wrap:anywhere}
                body{font:14px/1.4 system-ui,sans-serif;margin:0 auto;padding:1em 1.5em;max-width:1280px;color:#222;background:#fafafa}
                nav{margin:0 -1.5em 1em;padding:.6em 1.5em;background:#243447}nav a{color:#fff;margin-right:.9em;text-decoration:none}
                nav a:hover{text-decoration:underline}a{color:#1558b0}
                table{border-collapse:collapse;margin:.5em 0;max-width:100%;background:#fff}
                th,td{border:1px solid #d8dde3;padding:.25em .5em;text-align:left;vertical-align:top;overflow-wrap:anywhere}
                th{background:#eef1f5;font-weight:600;overflow-wrap:normal}.nw{white-space:nowrap}tbody tr:nth-child(even){background:#f7f9fb}
                dl{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.2em 1em;margin:.4em 0}dt{font-weight:600}
                dd{margin:0;overflow-wrap:anywhere}h1{font-size:1.4em;overflow-wrap:anywhere}h2{font-size:1.1em;margin-top:1.5em}
                .empty{color:#777}.long{cursor:help;border-bottom:1px dotted #999}
                pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#fff;border:1px solid #d8dde3;padding:.5em;max-height:30em;overflow-y:auto}
                .cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(14em,1fr));gap:.8em}
                .card{background:#fff;border:1px solid #d8dde3;border-radius:6px;padding:.5em .9em;min-width:0}
                .card h3{margin:.2em 0;font-size:.95em;color:#555;text-transform:uppercase;letter-spacing:.04em}
                .card p{margin:.2em 0}.big{font-size:1.8em;font-weight:600;margin:.1em 0}.ok{color:#1a7f37}.fail{color:#b42318}
                tbody tr.fail td.status{color:#b42318;font-weight:600}tbody tr.fail{background:#fff4f2}
                input{max-width:100%}
                </style></head>
                <body><nav>\(nav)</nav><h1>\(EmulatorBrowserRoutes.escape(title))</h1>
                \(body)</body></html>
                """
            return HTTPResponse(status: .ok, headers: ["Content-Type": "text/html; charset=utf-8"], body: Array(html.utf8))
        }

        /// A 404 Akana fault (a browser, asking for HTML, gets its text form).
        static func notFound(_ what: String) -> APIError {
            APIError.notFound("\(what) does not exist.")
        }
    }
}
