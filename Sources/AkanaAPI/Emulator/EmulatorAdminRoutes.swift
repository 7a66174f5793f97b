import AkanaDomain
import Dispatch
import DispatchHTTP
import EmulatorMachinery
import JSONCodec
import SQLiteStore

/// The emulator's own namespace, `/_emulator/…`, which never collides with Akana paths.
enum EmulatorAdminRoutes {
    static func register(into router: inout Router, environment: APIEnvironment) {
        // GET /_emulator/health: liveness plus the schema the database is at, read through a
        // reader connection so a wedged database shows up here.
        router.add(.get, "/_emulator/health", produces: [.json, .xml]) { request in
            let choice = try request.choice
            let applied = try environment.admin.schemaVersion(scope: request.scope)
            let uptime = Double(DispatchTime.now().uptimeNanoseconds &- environment.startedAt) / 1e9
            let integrity: JSONValue
            switch environment.integrity.current {
            case .skipped: integrity = .object([("state", .string("skipped")), ("reason", .string("the database was closed cleanly"))])
            case .checking: integrity = .object([("state", .string("checking"))])
            case .ok: integrity = .object([("state", .string("ok"))])
            case .damaged(let problems):
                integrity = .object([
                    ("state", .string("damaged")), ("problems", .array(problems.map(JSONValue.string))),
                    ("action", .string(IntegrityStatus.advice))
                ])
            }
            let damaged = if case .damaged = environment.integrity.current { true } else { false }
            // A full disk: writes are refused (507) until one commits again; reads go on.
            let diskFull = environment.admin.diskFull
            var members: [(String, JSONValue)] = [
                ("status", .string(damaged ? "damaged" : diskFull != nil ? "disk-full" : "ok")),
                ("version", .string(EmulatorVersion.current)),
                ("schemaVersion", applied.map(JSONValue.string) ?? .null),
                ("uptimeSeconds", .number((uptime * 1000).rounded() / 1000)),
                ("now", .string(Timestamp.iso8601(environment.clock.now()))),
                // Request journal writes lost since start (a batch whose transaction failed).
                ("journalDroppedEntries", .integer(Int64(environment.journal.droppedEntries))),
                // PRAGMA quick_check: skipped after a clean shutdown, run in the background after an unclean one.
                ("integrityCheck", integrity)
            ]
            if let diskFull {
                members.append(
                    (
                        "diskFull",
                        .object([
                            ("path", .string(diskFull.path)),
                            ("since", .string(Timestamp.iso8601(diskFull.since))),
                            ("failedWrites", .integer(Int64(diskFull.failures))),
                            ("error", .string(diskFull.detail)),
                            (
                                "action",
                                .string(
                                    "Free space on the filesystem holding \(diskFull.path); writes are answered 507 until then and succeed again without a restart."
                                )
                            )
                        ])
                    ))
            }
            return Responses.representation(.object(members), root: "health", choice: choice)
        }

        // PUT /_emulator/workflows/{ObjectType} {"Definition": "<Key or Name>"} — the definition new
        // objects of that type start under, for the request's tenant; {"Definition": null} clears it.
        // An alias of the business settings' workflow keys (`ApiVersionWorkflowDefKey`, …): the same
        // storage and service, built-in keys such as workflow:definition:apicontract:v72 included.
        router.add(.put, "/_emulator/workflows/{ObjectType}", produces: [.json, .xml]) { request in
            let choice = try request.choice
            let tenant = environment.tenant(of: request.http)
            let body = try request.jsonObject()
            let objectType = try FieldLimits.check(request.parameter("ObjectType"), field: "ObjectType")
            switch body.member(caseInsensitive: "Definition") {
            case .string(let key)?:
                try FieldLimits.check(key, field: "Definition")
                let stored = try environment.businessSettings.assignWorkflow(
                    tenant: tenant, objectType: objectType, key: key, scope: request.scope)
                return Responses.representation(
                    WorkflowRoutes.definitionJSON(stored, tenant: tenant), root: "WorkflowDefinition", choice: choice)
            case .null?:
                _ = try environment.businessSettings.clearWorkflow(tenant: tenant, objectType: objectType, scope: request.scope)
                return Responses.representation(
                    .object([("ObjectType", .string(objectType)), ("Definition", .null)]), root: "WorkflowAssignment", choice: choice)
            default:
                throw APIError.badRequest("The body must be {\"Definition\": \"<Key or Name>\"} or {\"Definition\": null}.")
            }
        }

        // POST /_emulator/objects {"ObjectType": "discussion", "ObjectID": "discussion11018.acmepaymentscorp"}
        // — makes an object of a type that has no create operation here, started through its
        // workflow's initial action (ObjectID minted when absent).
        router.add(.post, "/_emulator/objects", produces: [.json, .xml]) { request in
            let choice = try request.choice
            let tenant = environment.tenant(of: request.http)
            let body = try request.jsonObject()
            guard let objectType = body.member(caseInsensitive: "ObjectType")?.stringValue, !objectType.isEmpty else {
                throw APIError.badRequest("ObjectType is required (e.g. \"discussion\").")
            }
            try FieldLimits.check(objectType, field: "ObjectType")
            var objectID = ""
            if let given = body.member(caseInsensitive: "ObjectID"), given != .null {
                guard let text = given.stringValue else { throw APIError.badRequest("ObjectID must be a string, not \(given.typeName).") }
                objectID = try FieldLimits.check(text, field: "ObjectID")
            }
            var initialAction: String?
            if let given = body.member(caseInsensitive: "InitialAction"), given != .null {
                guard let text = given.stringValue else {
                    throw APIError.badRequest("InitialAction must be a string, not \(given.typeName).")
                }
                initialAction = try FieldLimits.check(text, field: "InitialAction")
            }
            let created = try environment.admin.createObject(
                tenant: tenant.fedmemberid, objectType: objectType,
                objectID: objectID.isEmpty ? nil : objectID, initialAction: initialAction,
                scope: request.scope)
            return Responses.representation(
                .object([
                    ("ObjectID", .string(created.objectID)), ("ObjectType", .string(created.objectType)),
                    ("Status", .string(created.status))
                ]),
                root: "WorkflowObject", choice: choice, status: .created)
        }

        // GET /_emulator/objects/{ObjectID}/history — every workflow action taken on the object.
        router.add(.get, "/_emulator/objects/{ObjectID}/history", produces: [.json, .xml]) { request in
            let choice = try request.choice
            let objectID = try request.parameter("ObjectID")
            let (state, history) = try environment.admin.history(objectID: objectID, scope: request.scope)
            let entries = history.map { entry -> JSONValue in
                .object([
                    ("ActionName", .string(entry.actionName)),
                    ("OldStatus", entry.oldStatus.map(JSONValue.string) ?? .null),
                    ("NewStatus", .string(entry.newStatus)),
                    ("UserID", entry.userID.map(JSONValue.string) ?? .null),
                    ("Comments", .array(entry.comments.map(JSONValue.string))),
                    ("Time", .string(entry.at))
                ])
            }
            return Responses.representation(
                .object([
                    ("ObjectID", .string(objectID)), ("ObjectType", .string(state.objectType)), ("Status", .string(state.status)),
                    ("Workflow", .string("\(state.definitionKey) v\(state.definitionVersion)")), ("Entry", .array(entries))
                ]), root: "WorkflowHistory", choice: choice)
        }

        // GET /_emulator/clock — the virtual clock every time-based rule reads.
        router.add(.get, "/_emulator/clock", produces: [.json, .xml]) { request in
            let choice = try request.choice
            return Responses.representation(clockJSON(environment.admin.clockReading), root: "Clock", choice: choice)
        }

        // POST /_emulator/clock — {"advanceSeconds": N}, {"frozenAt": "ISO-8601"} or {"realtime": true}; persisted.
        router.add(.post, "/_emulator/clock", produces: [.json, .xml]) { request in
            let choice = try request.choice
            let body = try request.jsonObject()
            let change: ClockStore.Change
            // Exactly one instruction: a body that names two would otherwise do one and ignore the other.
            let given = ["advanceSeconds", "frozenAt", "realtime"].filter { body.member(caseInsensitive: $0) != nil }
            guard given.count <= 1 else {
                throw APIError.badRequest("Send one of advanceSeconds, frozenAt and realtime, not \(given.joined(separator: " and ")).")
            }
            if let advance = body.member(caseInsensitive: "advanceSeconds") {
                guard let seconds = advance.doubleValue, seconds.isFinite, abs(seconds) <= 3.2e9 else {
                    throw APIError.badRequest("advanceSeconds must be a number of seconds.")
                }
                change = .advance(seconds: seconds)
            } else if let frozen = body.member(caseInsensitive: "frozenAt") {
                guard let text = frozen.stringValue, let date = Timestamp.parse(text) else {
                    throw APIError.badRequest("frozenAt must be an ISO-8601 UTC time such as 2026-01-01T00:00:00Z.")
                }
                change = .freeze(at: date)
            } else if body.member(caseInsensitive: "realtime") == .bool(true) {
                change = .realtime
            } else {
                throw APIError.badRequest("Send {\"advanceSeconds\": N}, {\"frozenAt\": \"2026-01-01T00:00:00Z\"} or {\"realtime\": true}.")
            }
            let reading = try environment.admin.changeClock(change, scope: request.scope)
            return Responses.representation(clockJSON(reading), root: "Clock", choice: choice)
        }

        // Snapshots: consistent copies of the whole state, restorable while traffic goes on.
        router.add(.post, "/_emulator/snapshots", produces: [.json, .xml]) { request in
            let choice = try request.choice
            guard let name = try request.jsonObject().member(caseInsensitive: "name")?.stringValue else {
                throw APIError.badRequest("The body must be {\"name\": \"<snapshot name>\"}.")
            }
            return Responses.representation(
                snapshotJSON(try environment.admin.createSnapshot(name, scope: request.scope)), root: "Snapshot", choice: choice,
                status: .created)
        }
        router.add(.get, "/_emulator/snapshots", produces: [.json, .xml]) { request in
            let choice = try request.choice
            return Responses.representation(
                .object([("Snapshot", .array(try environment.admin.listSnapshots().map(snapshotJSON)))]),
                root: "Snapshots", choice: choice)
        }
        router.add(.post, "/_emulator/snapshots/{name}/restore", produces: [.json, .xml]) { request in
            let choice = try request.choice
            let name = try request.parameter("name")
            let method = try environment.admin.restoreSnapshot(name, scope: request.scope)
            return Responses.representation(
                .object([("restored", .string(name)), ("method", .string(method.rawValue))]), root: "Restore", choice: choice)
        }
        router.add(.delete, "/_emulator/snapshots/{name}") { request in
            try environment.admin.deleteSnapshot(request.parameter("name"), scope: request.scope)
            return HTTPResponse(status: .noContent)
        }

        // Resets: every tenant, or one, back to the configured users, settings and workflows.
        router.add(.post, "/_emulator/reset", produces: [.json, .xml]) { request in
            let choice = try request.choice
            let reset = try environment.admin.reset(only: nil, scope: request.scope)
            return Responses.representation(.object([("reset", .array(reset.map(JSONValue.string)))]), root: "Reset", choice: choice)
        }
        router.add(.post, "/_emulator/tenants/{fedmemberid}/reset", produces: [.json, .xml]) { request in
            let choice = try request.choice
            let tenant = try request.parameter("fedmemberid")
            let reset = try environment.admin.reset(only: tenant, scope: request.scope)
            return Responses.representation(.object([("reset", .array(reset.map(JSONValue.string)))]), root: "Reset", choice: choice)
        }
    }

    static func snapshotJSON(_ snapshot: SnapshotStore.Snapshot) -> JSONValue {
        .object([
            ("name", .string(snapshot.name)), ("created", .string(snapshot.created)), ("sizeBytes", .integer(Int64(snapshot.sizeBytes)))
        ])
    }

    static func clockJSON(_ clock: EmulatorAdmin.ClockReading) -> JSONValue {
        var members: [(String, JSONValue)] = [("now", .string(Timestamp.iso8601(clock.now)))]
        switch clock.mode {
        case .realtime: members.append(("mode", .string("realtime")))
        case .offset(let seconds):
            members.append(("mode", .string("offset")))
            members.append(("offsetSeconds", .number(seconds)))
        case .frozen: members.append(("mode", .string("frozen")))
        }
        return .object(members)
    }
}
