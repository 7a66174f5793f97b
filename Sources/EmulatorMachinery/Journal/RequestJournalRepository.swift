import AkanaDomain
import Foundation
import JSONCodec
import SQLiteStore

/// SQL for `request_journal` (`RequestJournal` keeps the buffering, draining and pruning policy).
enum RequestJournalRepository {
    static let columns =
        "at, method, path, query, status, duration_ms, tenant, user_id, request_bytes, response_bytes, request_id, changed_ids, route, fault_id, request_body, "
        + "request_headers, response_headers, response_body"
    static let rowsPerStatement = 16
    static let multiRowInsert =
        "INSERT INTO request_journal (\(columns)) VALUES "
        + Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", count: rowsPerStatement).joined(separator: ", ")
    static let singleRowInsert = "INSERT INTO request_journal (\(columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

    static let completionUpdate = """
        UPDATE request_journal SET status = ?, duration_ms = ?, response_bytes = ?, response_headers = ?, response_body = ?
         WHERE id = ? AND request_id = ?
        """

    /// Rewrites the changed ids of the row `rowID`, if it is still `requestID`'s.
    static func updateChangedIDs(_ db: SQLiteConnection, rowID: Int64, requestID: String, _ ids: [String]) throws {
        try db.run("UPDATE request_journal SET changed_ids = ? WHERE id = ? AND request_id = ?", changedIDsText(ids), rowID, requestID)
    }

    /// Writes the response half of the row `rowID`, if it is still `requestID`'s.
    static func complete(
        _ db: SQLiteConnection, rowID: Int64, requestID: String, status: Int, durationMs: Double, responseBytes: Int,
        responseHeaders: String?, responseBody: String?
    ) throws {
        try db.run(completionUpdate, status, durationMs, responseBytes, responseHeaders, responseBody, rowID, requestID)
    }

    /// Inserts `entries` in order: 16 rows per statement, the rest one by one (both statements cached).
    static func insert(_ entries: [RequestJournalEntry], into db: SQLiteConnection) throws {
        var index = 0
        var arguments: [any SQLiteBindable] = []
        arguments.reserveCapacity(18 * rowsPerStatement)
        while entries.count - index >= rowsPerStatement {
            arguments.removeAll(keepingCapacity: true)
            for entry in entries[index..<(index + rowsPerStatement)] { append(entry, to: &arguments) }
            try db.run(multiRowInsert, arguments)
            index += rowsPerStatement
        }
        while index < entries.count {
            arguments.removeAll(keepingCapacity: true)
            append(entries[index], to: &arguments)
            try db.run(singleRowInsert, arguments)
            index += 1
        }
    }

    private static func append(_ entry: RequestJournalEntry, to arguments: inout [any SQLiteBindable]) {
        arguments.append(Timestamp.iso8601Milliseconds(entry.time))
        arguments.append(entry.method)
        arguments.append(entry.path)
        arguments.append(entry.query)
        arguments.append(entry.status)
        arguments.append(entry.durationMs)
        arguments.append(entry.tenant)
        arguments.append(entry.user)
        arguments.append(entry.requestBytes)
        arguments.append(entry.responseBytes)
        arguments.append(entry.requestID)
        arguments.append(changedIDsText(entry.changedIDs))
        arguments.append(entry.route)
        arguments.append(entry.faultID)
        arguments.append(entry.requestBody)
        arguments.append(entry.requestHeaders)
        arguments.append(entry.responseHeaders)
        arguments.append(entry.responseBody)
    }

    /// How `changed_ids` stores a list: a JSON array text, '' when empty.
    static func changedIDsText(_ ids: [String]) -> String {
        ids.isEmpty ? "" : JSONWriter.string(.array(ids.map(JSONValue.string)))
    }

    /// Keeps the newest `maxEntries` rows.
    static func pruneByCount(_ db: SQLiteConnection, maxEntries: Int) throws {
        try db.run("DELETE FROM request_journal WHERE id <= (SELECT MAX(id) FROM request_journal) - ?", maxEntries)
    }

    /// Removes rows from the oldest end (in id order) up to the first one at or after `cutoff`.
    static func pruneOlder(_ db: SQLiteConnection, than cutoff: Date) throws {
        try db.run(
            """
            DELETE FROM request_journal WHERE id < coalesce(
                (SELECT id FROM request_journal WHERE at >= ? ORDER BY id LIMIT 1), (SELECT MAX(id) + 1 FROM request_journal))
            """, Timestamp.iso8601Milliseconds(cutoff))
    }

    /// The WHERE clause (with its leading space, or "") and arguments of `filter`.
    static func condition(_ filter: RequestJournalFilter) -> (String, [any SQLiteBindable]) {
        var conditions: [String] = []
        var arguments: [any SQLiteBindable] = []
        if let method = filter.method {
            conditions.append("method = ?")
            arguments.append(method)
        }
        if let path = filter.path {
            if filter.pathIsPrefix {
                conditions.append("path GLOB ?")
                arguments.append(Self.globPrefix(path))
            } else {
                conditions.append("path = ?")
                arguments.append(path)
            }
        }
        if let status = filter.status {
            if status.count == 1 {
                conditions.append("status = ?")
                arguments.append(status.lowerBound)
            } else {
                conditions.append("status BETWEEN ? AND ?")
                arguments.append(status.lowerBound)
                arguments.append(status.upperBound)
            }
        }
        if let since = filter.since {
            conditions.append("at >= ?")
            arguments.append(Timestamp.iso8601Milliseconds(since))
        }
        if let text = filter.bodyContains {
            conditions.append("instr(request_body, ?) > 0")
            arguments.append(text)
        }
        if filter.unmatchedOnly { conditions.append("route = ''") }
        return (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "), arguments)
    }

    /// `prefix*` with GLOB's own characters in `prefix` taken literally.
    static func globPrefix(_ prefix: String) -> String {
        var pattern = ""
        for character in prefix {
            switch character {
            case "*": pattern += "[*]"
            case "?": pattern += "[?]"
            case "[": pattern += "[[]"
            default: pattern.append(character)
            }
        }
        return pattern + "*"
    }

    /// The entries matching `filter`, newest first, at most `limit`.
    static func entries(_ db: SQLiteConnection, matching filter: RequestJournalFilter, limit: Int) throws -> [RequestJournalEntry] {
        var (condition, arguments) = Self.condition(filter)
        arguments.append(limit)
        let sql = "SELECT \(Self.columns) FROM request_journal" + condition + " ORDER BY id DESC LIMIT ?"
        return try db.query(sql, arguments).map(Self.entry)
    }

    /// The newest entry with the server's request id `requestID` (ids restart with the daemon), or
    /// nil. No index: like the journal's filters it reads newest first and stops at the first match
    /// (a request just made is found in a few rows; an unknown id reads the journal, bounded by
    /// journal.maxEntries). An index on request_id cost every journaled request one more page in
    /// each commit (see 0004), enough to fill a nearly full disk sooner (DiskFullDaemonTests).
    static func latest(_ db: SQLiteConnection, requestID: String) throws -> RequestJournalEntry? {
        try db.query("SELECT \(Self.columns) FROM request_journal WHERE request_id = ? ORDER BY id DESC LIMIT 1", [requestID])
            .first.map(Self.entry)
    }

    /// Among the newest `window` entries, at most `limit`: the failures first (answered 4xx or 5xx,
    /// or by an injected fault), then the others, each newest first. Reads at most `window` rows.
    static func recentFailuresFirst(_ db: SQLiteConnection, window: Int, limit: Int) throws -> [RequestJournalEntry] {
        let sql = """
            SELECT \(Self.columns) FROM (SELECT id, \(Self.columns) FROM request_journal ORDER BY id DESC LIMIT ?)
            ORDER BY (coalesce(status, 0) >= 400 OR fault_id IS NOT NULL) DESC, id DESC LIMIT ?
            """
        return try db.query(sql, [window, limit]).map(Self.entry)
    }

    /// How many entries match `filter` (its limit aside).
    static func count(_ db: SQLiteConnection, matching filter: RequestJournalFilter) throws -> Int {
        let (condition, arguments) = Self.condition(filter)
        return try db.queryFirst("SELECT count(*) FROM request_journal" + condition, arguments)?.int(0) ?? 0
    }

    /// Removes every row.
    static func deleteAll(_ db: SQLiteConnection) throws {
        try db.run("DELETE FROM request_journal")
    }

    private static func entry(_ row: SQLiteRow) throws -> RequestJournalEntry {
        let changed = try row.requiredString("changed_ids")
        var changedIDs: [String] = []
        if !changed.isEmpty, let parsed = try? JSONParser.parse(Array(changed.utf8)), let elements = parsed.arrayValue {
            changedIDs = elements.compactMap(\.stringValue)
        }
        return RequestJournalEntry(
            time: try row.string("at").flatMap(Timestamp.parse) ?? Date(timeIntervalSince1970: 0),
            method: try row.requiredString("method"), path: try row.requiredString("path"), query: try row.requiredString("query"),
            status: try row.int("status"), durationMs: try row.double("duration_ms"), tenant: try row.requiredString("tenant"),
            user: try row.string("user_id"), requestBytes: try row.requiredInt("request_bytes"),
            responseBytes: try row.int("response_bytes"),
            requestID: try row.requiredString("request_id"), changedIDs: changedIDs, route: try row.string("route"),
            faultID: try row.string("fault_id"), requestBody: try row.string("request_body"),
            requestHeaders: try row.string("request_headers"), responseHeaders: try row.string("response_headers"),
            responseBody: try row.string("response_body"))
    }
}
