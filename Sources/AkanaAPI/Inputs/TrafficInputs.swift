import AkanaDomain
import DispatchHTTP
import JSONCodec

extension StatedTransactionInput {
    /// `POST /_emulator/traffic`: a JSON list of transactions, or `{"Transaction": [...]}` (one
    /// object for one). Members as `GET /_emulator/traffic` lists them; names without case.
    static func list(body: JSONValue) throws -> [StatedTransactionInput] {
        let items: [JSONValue]
        if let list = body.arrayValue {
            items = list
        } else if case .object = body, let member = body.member(caseInsensitive: "Transaction") {
            items = member.arrayValue ?? [member]
        } else {
            throw DomainError.badRequest("The body must be a JSON list of transactions, or {\"Transaction\": [...]}; not \(body.typeName).")
        }
        guard items.count <= TrafficService.maxStatedPerRequest else {
            throw DomainError.badRequest(
                "\(items.count) transactions in one request; at most \(TrafficService.maxStatedPerRequest) are accepted (send several requests)."
            )
        }
        return try items.enumerated().map { index, item in try StatedTransactionInput(body: item, context: "Transaction[\(index)]") }
    }

    init(body: JSONValue, context: String) throws {
        let reader = try BodyReader(body, context: context)
        func integer(_ key: String) throws -> Int? {
            guard let value = reader.value(key) else { return nil }
            guard let number = value.intValue, let exact = Int(exactly: number) else {
                throw DomainError.badRequest("\(context).\(key) must be a whole number, not \(value.typeName).")
            }
            return exact
        }
        var responseTime: Double?
        if let value = reader.value("ResponseTime") {
            guard let number = value.doubleValue else {
                throw DomainError.badRequest("\(context).ResponseTime must be a number of milliseconds, not \(value.typeName).")
            }
            responseTime = number
        }
        var fault: Bool?
        if let value = reader.value("Fault") {
            guard let flag = value.boolValue else {
                throw DomainError.badRequest("\(context).Fault must be true or false, not \(value.typeName).")
            }
            fault = flag
        }
        self.init(
            transactionID: try reader.string("TransactionID"), time: try reader.string("Time"),
            apiVersionID: try reader.string("APIVersionID"), environment: try reader.string("Environment"),
            implementationCode: try reader.string("ImplementationCode"), operation: try reader.string("Operation"),
            method: try reader.string("Method"), path: try reader.string("Path"), appVersionID: try reader.string("AppVersionID"),
            contractID: try reader.string("ContractID"), status: try integer("Status"), fault: fault,
            faultMessage: try reader.string("FaultMessage"), responseTime: responseTime, requestSize: try integer("RequestSize"),
            responseSize: try integer("ResponseSize"), clientAddress: try reader.string("ClientAddress"))
    }
}

extension MetricsQuery {
    /// The reports' query parameters (names without case, as the platform binds them).
    init(request: RouteRequest) throws {
        let http = request.http
        func text(_ name: String) throws -> String? {
            guard let value = http.queryValue(caseInsensitive: name) else { return nil }
            return try FieldLimits.check(value, field: name)
        }
        func flag(_ name: String) throws -> Bool? {
            http.queryValue(caseInsensitive: name) == nil ? nil : try request.booleanQuery(name, default: false)
        }
        self.init(
            startDate: try text("StartDate"), endDate: try text("EndDate"), duration: try text("Duration"),
            timeInterval: try text("TimeInterval"), environment: try text("Environment"), timeZone: try text("TimeZone"),
            showSummary: try flag("ShowSummary"), showIntervalData: try flag("ShowIntervalData"),
            apiVersionID: try text("ApiVersionID"), appVersionID: try text("AppVersionID"), contractID: try text("ContractID"),
            reportType: try text("ReportType"))
    }
}
