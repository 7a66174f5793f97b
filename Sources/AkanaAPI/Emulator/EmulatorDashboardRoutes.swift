import AkanaDomain
import DispatchHTTP
import EmulatorMachinery
import Foundation
import JSONCodec
import SQLiteStore

/// The state browser's overview (`GET /_emulator/ui`, a dashboard) and request page
/// (`GET /_emulator/ui/requests/{requestID}`). Emulator pages: the Akana platform has no
/// counterpart, so their content is what a tester needs at a glance; every value is escaped.
extension EmulatorBrowserRoutes {
    /// How many of the newest journal entries the overview looks at, and how many it shows.
    static let overviewWindow = 200
    static let overviewRequests = 25

    /// The per-tenant resource counts: the repository's column and the heading shown.
    static let countColumns: [(column: String, heading: String)] = [
        ("users", "users"), ("groups", "groups"), ("apps", "apps"), ("app_versions", "app versions"), ("apis", "APIs"),
        ("api_versions", "API versions"), ("contracts", "contracts"), ("models", "models"), ("licenses", "licenses"),
        ("scopes", "scopes"), ("content_files", "content files"), ("transactions", "gateway transactions")
    ]

    static func registerDashboard(into router: inout Router, environment: APIEnvironment) {
        router.add(.get, "/_emulator/ui") { request in
            let found = try environment.browser.dashboard(scope: request.scope)
            let requests = try environment.journal.recentFailuresFirst(
                window: overviewWindow, limit: overviewRequests, scope: request.scope)
            let schema = try environment.admin.schemaVersion(scope: request.scope)
            let faults = environment.faults.all
            let instances = environment.instances.directory?.list()
            var page = Page(title: "Overview")

            page.section(
                "At a glance",
                cards([
                    ("Health", health(environment, schema: schema)), ("Clock", clock(environment.clock)),
                    (
                        "Faults",
                        "<p class=\"big\">\(faults.count)</p><p>injected failures in force (<code>/_emulator/faults</code>)</p>"
                    ),
                    (
                        "Checkpoints",
                        "<p class=\"big\">\(found.checkpoints.count)</p><p><a href=\"/_emulator/ui/snapshots\">and \(found.snapshots.count) snapshot\(found.snapshots.count == 1 ? "" : "s")</a></p>"
                    ),
                    (
                        "Instances",
                        instances.map { "<p class=\"big\">\($0.count)</p><p>isolated instances (<code>/_emulator/instances</code>)</p>" }
                            ?? "<p class=\"empty\">None here: instances are made through the daemon's main listener.</p>"
                    )
                ]))

            let present = countColumns.filter { column in found.counts.contains { $0[column.column] != nil } }
            let counts = found.counts.map { row -> StateBrowserRepository.Row in
                var shown = ["tenant": row["tenant"] ?? ""]
                for column in present { shown[column.heading] = row[column.column] ?? "" }
                return shown
            }
            page.section(
                "Resources per tenant",
                table(
                    counts, ["tenant"] + present.map(\.heading),
                    links: [
                        "apps": { _ in "/_emulator/ui/apps" }, "users": { _ in "/_emulator/ui/users" },
                        "groups": { _ in "/_emulator/ui/groups" }, "APIs": { _ in "/_emulator/ui/apis" },
                        "models": { _ in "/_emulator/ui/models" }, "licenses": { _ in "/_emulator/ui/licenses" },
                        "scopes": { _ in "/_emulator/ui/licenses" }, "gateway transactions": { _ in "/_emulator/ui/traffic" },
                        "content files": { _ in "/_emulator/ui/content" }
                    ]))
            page.section("Contracts by state", table(found.contractStates, ["tenant", "state", "contracts"]))

            page.section(
                "Latest requests, failures first (of the newest \(overviewWindow))",
                requestTable(requests) + "<p><a href=\"/_emulator/ui/requests\">The whole journal</a></p>")

            let faultRows = faults.map { listed -> StateBrowserRepository.Row in
                [
                    "id": listed.rule.id, "rule": JSONWriter.string(listed.rule.source), "created": listed.created,
                    "matched": "\(listed.matched)", "hits": "\(listed.hits)"
                ]
            }
            page.section("Active faults", table(faultRows, ["id", "rule", "matched", "hits", "created"], shorten: false))

            let checkpoints = found.checkpoints.map { checkpoint -> StateBrowserRepository.Row in
                ["id": checkpoint.mark.name, "created": checkpoint.mark.created, "changes since": "\(checkpoint.changesSince)"]
            }
            page.section(
                "Checkpoints",
                table(
                    checkpoints, ["id", "created", "changes since"],
                    links: [
                        "id": { "/_emulator/ui/checkpoints/\(path($0["id"] ?? ""))/diff" },
                        "changes since": { "/_emulator/ui/checkpoints/\(path($0["id"] ?? ""))/diff" }
                    ]))
            let snapshots = found.snapshots.map { snapshot -> StateBrowserRepository.Row in
                ["name": snapshot.name, "created": snapshot.created, "size": "\(snapshot.sizeBytes)"]
            }
            page.section("Snapshots", table(snapshots, ["name", "created", "size"], links: ["name": { _ in "/_emulator/ui/snapshots" }]))

            if let instances {
                let rows = instances.map { instance -> StateBrowserRepository.Row in
                    ["id": instance.id, "url": instance.url, "created": instance.created, "last used": instance.lastUsed]
                }
                page.section(
                    "Instances",
                    table(
                        rows, ["id", "url", "created", "last used"],
                        links: ["url": { "\($0["url"] ?? "")/_emulator/ui" }]))
            }

            page.section("Tenants", table(found.tenants, ["fedmemberid", "created"]))
            page.section("Tenant settings", table(found.settings, ["tenant", "name", "value", "updated"]))
            return page.response
        }

        router.add(.get, "/_emulator/ui/requests/{requestID}") { request in
            let id = try request.parameter("requestID")
            guard let entry = try environment.journal.entry(requestID: id, scope: request.scope) else {
                throw Page.notFound("Request \(id) (it is not in the journal: never journaled, pruned or cleared)")
            }
            let objects = try environment.browser.requestObjects(
                tenant: entry.tenant, requestID: entry.requestID, changedIDs: entry.changedIDs, scope: request.scope)
            var page = Page(title: "\(entry.method) \(entry.path)")
            let status = entry.status.map { "\($0) \(HTTPStatus(code: $0).reasonPhrase)" } ?? "— (no response recorded)"
            page.section(
                "Request \(entry.requestID)",
                fields(
                    [
                        "request id": entry.requestID, "time": Timestamp.iso8601Milliseconds(entry.time), "method": entry.method,
                        "path": entry.path, "query": entry.query, "status": status,
                        "duration": entry.durationMs.map { String(format: "%.3f ms", $0) } ?? "—",
                        "route": entry.route ?? "(answered before routing)",
                        "tenant": entry.tenant, "user": entry.user ?? "", "request bytes": "\(entry.requestBytes)",
                        "response bytes": entry.responseBytes.map(String.init) ?? "—"
                    ],
                    [
                        "request id", "time", "method", "path", "query", "status", "duration", "route", "tenant", "user", "request bytes",
                        "response bytes"
                    ]))
            if let faultID = entry.faultID {
                if let listed = environment.faults.all.first(where: { $0.rule.id == faultID }) {
                    page.section(
                        "The injected fault it hit",
                        fields(
                            [
                                "id": faultID, "rule": JSONWriter.string(listed.rule.source), "matched": "\(listed.matched)",
                                "hits": "\(listed.hits)"
                            ], ["id", "rule", "matched", "hits"], shorten: false))
                } else {
                    page.section(
                        "The injected fault it hit", fields(["id": faultID, "rule": "(no longer in force)"], ["id", "rule"]))
                }
            }
            page.section("Request headers", headerTable(entry.requestHeaders))
            var requestBody = entry.requestBody
            if let body = requestBody, entry.path.hasSuffix("/login") || entry.path.hasSuffix("/ssoLogin") {
                requestBody = HARExport.maskedPassword(body)
            }
            page.section("Request body", body(requestBody, bytes: entry.requestBytes))
            page.section("Response headers", headerTable(entry.responseHeaders))
            page.section("Response body", body(entry.responseBody, bytes: entry.responseBytes ?? 0))
            let changed = objects.changed.map { object -> StateBrowserRepository.Row in
                let (shown, link): (String, String) =
                    switch object.page {
                    case .app(let app)?: (app == object.id ? "app" : "app version (on its app's page)", "/_emulator/ui/apps/\(path(app))")
                    case .workflowObject(let workflowObject)?: ("workflow object", "/_emulator/ui/workflow/\(path(workflowObject))")
                    case nil: ("no page (another kind of object, or deleted since)", "")
                    }
                return ["id": object.id, "shown as": shown, "link": link]
            }
            page.section(
                "Objects it changed",
                table(changed, ["id", "shown as"], links: ["id": { ($0["link"] ?? "").isEmpty ? nil : $0["link"] }]))
            if let outbox = objects.outbox {
                page.section(
                    "Outbox entries it caused (captured notifications)",
                    table(
                        outbox, ["time", "kind", "to_email", "subject", "body", "object_type", "object_id"],
                        links: [
                            "object_id": { row in
                                (row["object_id"] ?? "").isEmpty ? nil : "/_emulator/ui/objects/\(path(row["object_id"] ?? ""))"
                            }
                        ],
                        shorten: false))
            } else {
                page.section(
                    "Outbox entries it caused", "<p class=\"empty\">This emulator's schema has no outbox (captured notifications).</p>")
            }
            return page.response
        }
    }

    // MARK: - Pieces

    static func cards(_ cards: [(String, String)]) -> String {
        "<div class=\"cards\">"
            + cards.map { "<div class=\"card\"><h3>\(escape($0.0))</h3>\($0.1)</div>" }.joined() + "</div>"
    }

    /// What `GET /_emulator/health` knows: status, version, schema, uptime, integrity, disk, journal.
    static func health(_ environment: APIEnvironment, schema: String?) -> String {
        let integrity: String
        var damaged = false
        switch environment.integrity.current {
        case .skipped: integrity = "skipped (closed cleanly)"
        case .checking: integrity = "checking"
        case .ok: integrity = "ok"
        case .damaged(let problems):
            damaged = true
            integrity = "damaged: " + problems.joined(separator: "; ")
        }
        let diskFull = environment.admin.diskFull
        let status = damaged ? "damaged" : diskFull != nil ? "disk-full" : "ok"
        let uptime = Double(DispatchTime.now().uptimeNanoseconds &- environment.startedAt) / 1e9
        var row: StateBrowserRepository.Row = [
            "status": status, "version": EmulatorVersion.current, "schema": schema ?? "", "uptime": String(format: "%.0f s", uptime),
            "integrity": integrity, "journal drops": "\(environment.journal.droppedEntries)"
        ]
        var columns = ["status", "version", "schema", "uptime", "integrity", "journal drops"]
        if let diskFull {
            row["disk full"] = "\(diskFull.path) since \(Timestamp.iso8601(diskFull.since)): \(diskFull.detail)"
            columns.append("disk full")
        }
        return "<p class=\"big \(status == "ok" ? "ok" : "fail")\">\(escape(status))</p>" + fields(row, columns)
    }

    static func clock(_ clock: EmulatorClock) -> String {
        let now = Timestamp.iso8601(clock.now())
        let (mode, detail): (String, String) =
            switch clock.mode {
            case .realtime: ("real", "the system clock")
            case .offset(let seconds): ("offset", String(format: "%+.0f s from the system clock", seconds))
            case .frozen(let date): ("frozen", "at \(Timestamp.iso8601(date))")
            }
        return "<p class=\"big\">\(escape(mode))</p>" + fields(["now": now, "mode": detail], ["now", "mode"])
    }

    /// Journal entries as a table, each linked to its request page; failures marked.
    static func requestTable(_ entries: [RequestJournalEntry]) -> String {
        guard !entries.isEmpty else { return "<p class=\"empty\">None.</p>" }
        var html =
            "<table><thead><tr><th>time (UTC)</th><th>method</th><th>path</th><th>status</th><th>ms</th><th>user</th><th>route</th><th>fault</th><th>changed</th><th>request</th></tr></thead><tbody>"
        for entry in entries {
            let failed = (entry.status ?? 0) >= 400 || entry.faultID != nil
            // Entries handled without a server request id (in-process callers) have no page.
            let link = { (text: String) in
                entry.requestID.isEmpty ? text : "<a href=\"\(escape("/_emulator/ui/requests/\(path(entry.requestID))"))\">\(text)</a>"
            }
            let changed = entry.changedIDs.map { "<a href=\"/_emulator/ui/objects/\(escape(path($0)))\">\(cell($0))</a>" }
                .joined(separator: "<br>")
            let shownPath = entry.path + (entry.query.isEmpty ? "" : "?" + entry.query)
            // The time of day shown (the journal's times are fixed-width ISO-8601), the whole time on hover.
            let time = Timestamp.iso8601Milliseconds(entry.time)
            html +=
                "<tr class=\"entry\(failed ? " fail" : "")\"><td class=\"nw\" title=\"\(escape(time))\">\(escape(String(time.dropFirst(11).dropLast())))</td>"
                + "<td>\(escape(entry.method))</td>"
                + "<td>\(link(cell(shownPath)))</td><td class=\"status nw\">\(entry.status.map(String.init) ?? "—")</td>"
                + "<td class=\"nw\">\(entry.durationMs.map { String(format: "%.3f", $0) } ?? "—")</td><td>\(cell(entry.user ?? ""))</td>"
                + "<td>\(cell(entry.route ?? ""))</td><td>\(cell(entry.faultID ?? ""))</td><td>\(changed)</td>"
                + "<td>\(link(escape(entry.requestID)))</td></tr>"
        }
        return html + "</tbody></table>"
    }

    /// The journal's header lines as a table, cookie values, the CSRF header and credentials masked
    /// as the HAR export masks them.
    static func headerTable(_ lines: String?) -> String {
        let rows = HARExport.headers(lines).map { header -> StateBrowserRepository.Row in
            ["name": header.name, "value": HARExport.masked(header.name, header.value)]
        }
        // Whole values (a Cookie header is read cookie by cookie); the CSS wraps them.
        return table(rows, ["name", "value"], shorten: false)
    }

    static func body(_ text: String?, bytes: Int) -> String {
        guard bytes > 0 else { return "<p class=\"empty\">None.</p>" }
        guard let text else { return "<p class=\"empty\">\(bytes) bytes, not kept (not UTF-8 text).</p>" }
        let note = bytes > text.utf8.count ? "<p class=\"empty\">The first \(text.utf8.count) of \(bytes) bytes.</p>" : ""
        return "<pre>\(escape(text))</pre>" + note
    }
}
