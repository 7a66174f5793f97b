import SQLiteStore

/// SQL for the gateway's recorded transactions (`gateway_transactions`). The gateway records
/// through `record(_:_:)`; the reports (metrics, transaction logs, exports) add their queries here.
package enum TrafficRepository {
    static let columns = """
        seq, tenant, transaction_id, time, time_ms, api_id, api_version_id, implementation_code, environment, operation, \
        method, path, app_id, app_version_id, contract_id, status, fault, fault_message, duration_ms, request_size, \
        response_size, client_address, source
        """

    /// Records one transaction; returns its `seq`. The row changes the API version's traffic (the
    /// journal names the API version as the object changed).
    @discardableResult
    package static func record(_ db: SQLiteConnection, _ tx: GatewayTransaction) throws -> Int64 {
        try db.change(
            tx.apiVersionID,
            """
            INSERT INTO gateway_transactions (tenant, transaction_id, time, time_ms, api_id, api_version_id, implementation_code, \
            environment, operation, method, path, app_id, app_version_id, contract_id, status, fault, fault_message, duration_ms, \
            request_size, response_size, client_address, source)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, tx.tenant, tx.transactionID, tx.time, tx.timeMillis, tx.apiID, tx.apiVersionID, tx.implementationCode,
            tx.environment, tx.operation, tx.method, tx.path, tx.appID, tx.appVersionID, tx.contractID, tx.status, tx.fault,
            tx.faultMessage, tx.durationMillis, tx.requestSize, tx.responseSize, tx.clientAddress, tx.source.rawValue)
        return db.lastInsertRowID
    }

    /// The transaction with this id, if the tenant has it.
    package static func transaction(_ db: SQLiteConnection, tenant: String, id: String) throws -> GatewayTransaction? {
        try db.queryFirst(
            "SELECT \(columns) FROM gateway_transactions WHERE transaction_id = ? AND tenant = ?", id, tenant
        ).map(Self.transaction)
    }

    /// Reads a row selected with `columns`.
    package static func transaction(_ row: SQLiteRow) throws -> GatewayTransaction {
        GatewayTransaction(
            seq: try row.requiredInt64("seq"), tenant: try row.requiredString("tenant"),
            transactionID: try row.requiredString("transaction_id"), time: try row.requiredString("time"),
            timeMillis: try row.requiredInt64("time_ms"), apiID: try row.requiredString("api_id"),
            apiVersionID: try row.requiredString("api_version_id"), implementationCode: try row.requiredString("implementation_code"),
            environment: try row.requiredString("environment"), operation: try row.requiredString("operation"),
            method: try row.requiredString("method"), path: try row.requiredString("path"), appID: try row.requiredString("app_id"),
            appVersionID: try row.requiredString("app_version_id"), contractID: try row.requiredString("contract_id"),
            status: try row.requiredInt("status"), fault: try row.requiredBool("fault"),
            faultMessage: try row.requiredString("fault_message"), durationMillis: try row.requiredDouble("duration_ms"),
            requestSize: try row.requiredInt("request_size"), responseSize: try row.requiredInt("response_size"),
            clientAddress: try row.requiredString("client_address"),
            source: GatewayTransaction.Source(rawValue: try row.requiredString("source")) ?? .gateway)
    }
}
