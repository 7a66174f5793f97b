import AkanaDomain
import DispatchHTTP
import JSONCodec
import Testing

@testable import AkanaAPI

/// Gateway traffic a test states (`/_emulator/traffic`) and the platform's reports from it (issue 28
/// parts 2 and 3): `GET /api/apis/versions/{id}/metrics` (akana help apis/m_apis_getMetrics.htm),
/// `…/metrics/export`, `…/txlogs/export`, `GET /api/apps/versions/{id}/metrics` and
/// `GET /api/businesses/{BusinessID}/metrics`, with exact counts, intervals and summaries.
@Suite struct TrafficMetricsTests {
    let world: APIWorld
    /// Jane's public API (Sandbox auto-approved); Kim's app with an activated Sandbox contract.
    let apiID: String
    let apiVersionID: String
    let kims: String
    let contractID: String

    static let now = "2026-03-10T12:30:00Z"

    init() throws {
        world = try APIWorld()
        (apiID, apiVersionID) = try world.createAPI(as: world.jane, sandboxAuto: true)
        kims = try world.createApp(as: world.kim, name: "Kim's app")
        let contract = try world.requestContract(as: world.kim, apiVersionID: apiVersionID, appVersionID: kims)
        try #require(try contract.json()["State"] == .string(Contract.activated), "\(contract.text)")
        contractID = try #require(try contract.json()["ContractID"]?.stringValue)
        let clock = try world.app.send(
            .post, "/_emulator/clock", headers: ["Content-Type": "application/json"], body: #"{"frozenAt":"\#(Self.now)"}"#)
        try #require(clock.status == .ok, "\(clock.text)")
    }

    @discardableResult
    func state(_ json: String, status: HTTPStatus = .created) throws -> HTTPResponse {
        let response = try world.app.send(
            .post, "/_emulator/traffic", headers: ["Content-Type": "application/json", "Accept": "application/json"], body: json)
        #expect(response.status == status, "\(response.text)")
        return response
    }

    /// `{"APIVersionID": …, <members>}` for Jane's API version.
    func tx(_ members: String) -> String { #"{"APIVersionID":"\#(apiVersionID)",\#(members)}"# }

    /// Name → Value of a `Metric` list.
    func metrics(_ value: JSONValue?) -> [String: Int64] {
        var result: [String: Int64] = [:]
        for metric in value?.arrayValue ?? [] {
            if let name = metric["Name"]?.stringValue, case .integer(let number)? = metric["Value"] { result[name] = number }
        }
        return result
    }

    func expected(_ total: Int64, _ faults: Int64, avg: Int64, min: Int64, max: Int64) -> [String: Int64] {
        [
            "totalCount": total, "successCount": total - faults, "faultCount": faults, "avgResponseTime": avg, "minResponseTime": min,
            "maxResponseTime": max
        ]
    }

    /// Traffic around 10:00–12:00 on the frozen day, in both environments, one call outside.
    func stateMorning() throws {
        try state(
            "["
                + [
                    tx(#""Time":"2026-03-10T09:59:59Z","Environment":"Sandbox","ResponseTime":1000"#),
                    tx(#""Time":"2026-03-10T10:05:00Z","Environment":"Sandbox","ResponseTime":10,"AppVersionID":"\#(kims)""#),
                    tx(#""Time":"2026-03-10T10:20:00.250Z","Environment":"Sandbox","ResponseTime":30,"Status":500"#),
                    tx(#""Time":"2026-03-10T11:10:00Z","Environment":"Sandbox","ResponseTime":20,"AppVersionID":"\#(kims)""#),
                    tx(#""Time":"2026-03-10T11:50:00Z","Environment":"Sandbox","ResponseTime":40.6"#),
                    tx(#""Time":"2026-03-10T11:15:00Z","Environment":"Production","ResponseTime":100"#)
                ].joined(separator: ",") + "]")
    }

    // MARK: - API version metrics

    @Test func theChartAddsUpEachIntervalAndTheSummary() throws {
        try stateMorning()
        let range = "StartDate=2026-03-10T10:00:00Z&EndDate=2026-03-10T12:00:00Z&TimeInterval=1h"
        let response = try world.get(
            "/api/apis/versions/\(apiVersionID)/metrics?\(range)&Environment=Sandbox&ShowSummary=true", as: world.jane)
        #expect(response.status == .ok, "\(response.text)")
        #expect(response.headers["Content-Type"] == "application/json")
        let json = try response.json()
        #expect(json.objectMembers?.map(\.0) == ["StartTime", "EndTime", "Interval", "Summary"])
        #expect(json["StartTime"] == .string("2026-03-10T10:00:00Z"))
        #expect(json["EndTime"] == .string("2026-03-10T12:00:00Z"))
        let intervals = try #require(json["Interval"]?.arrayValue)
        #expect(intervals.map { $0["StartTime"]?.stringValue ?? "" } == ["2026-03-10T10:00:00Z", "2026-03-10T11:00:00Z"])
        // The metric names in the report's order; every value a whole number (rwctl reads `Value int`).
        #expect(
            intervals[0]["Metric"]?.arrayValue?.map { $0["Name"]?.stringValue ?? "" } == [
                "totalCount", "successCount", "faultCount", "avgResponseTime", "minResponseTime", "maxResponseTime"
            ])
        #expect(metrics(intervals[0]["Metric"]) == expected(2, 1, avg: 20, min: 10, max: 30))
        #expect(metrics(intervals[1]["Metric"]) == expected(2, 0, avg: 30, min: 20, max: 41))
        #expect(json["Summary"]?["StartTime"] == .string("2026-03-10T10:00:00Z"))
        #expect(metrics(json["Summary"]?["Metric"]) == expected(4, 1, avg: 25, min: 10, max: 41))

        // Every environment (the default): the Production call joins 11:00; no Summary unless asked.
        let all = try world.get("/api/apis/versions/\(apiVersionID)/metrics?\(range)", as: world.jane).json()
        #expect(all["Summary"] == nil)
        #expect(metrics(all["Interval"]?.arrayValue?.dropFirst().first?["Metric"]) == expected(3, 0, avg: 54, min: 20, max: 100))
        // Production only; without intervals.
        let production = try world.get(
            "/api/apis/versions/\(apiVersionID)/metrics?\(range)&Environment=production&ShowIntervalData=false&ShowSummary=true",
            as: world.jane
        ).json()
        #expect(production["Interval"] == nil)
        #expect(metrics(production["Summary"]?["Metric"]) == expected(1, 0, avg: 100, min: 100, max: 100))

        // XML: the same chart.
        let xml = try world.get("/api/apis/versions/\(apiVersionID)/metrics?\(range)", as: world.jane, accept: "application/xml")
        #expect(xml.status == .ok)
        #expect(xml.text.contains("<MetricInfo>"), "\(xml.text)")
        #expect(xml.text.contains("<Name>totalCount</Name><Value>3</Value>"), "\(xml.text)")
    }

    @Test func intervalsShorterThanAMinuteCountTheTransactionsThemselves() throws {
        try state(
            "["
                + [
                    tx(#""Time":"2026-03-10T10:00:05Z","ResponseTime":1"#), tx(#""Time":"2026-03-10T10:00:40Z","ResponseTime":3"#),
                    tx(#""Time":"2026-03-10T10:01:10Z","ResponseTime":5"#)
                ].joined(separator: ",") + "]")
        let path = "/api/apis/versions/\(apiVersionID)/metrics?StartDate=2026-03-10T10:00:00Z&EndDate=2026-03-10T10:02:00Z"
        let fine = try world.get(path + "&TimeInterval=30s", as: world.jane).json()
        #expect((fine["Interval"]?.arrayValue ?? []).map { metrics($0["Metric"])["totalCount"] ?? -1 } == [1, 1, 1, 0])
        // Whole minutes come from the per-minute totals: the same calls.
        let minutes = try world.get(path + "&TimeInterval=1m&ShowSummary=true", as: world.jane).json()
        #expect((minutes["Interval"]?.arrayValue ?? []).map { metrics($0["Metric"])["totalCount"] ?? -1 } == [2, 1])
        #expect(metrics(minutes["Summary"]?["Metric"]) == expected(3, 0, avg: 3, min: 1, max: 5))
    }

    /// What rwctl `apis metrics` sends: no parameters. The last day in hourly intervals, ending with
    /// the interval that holds now, every environment.
    @Test func withoutParametersTheLastDayInHoursEndingNow() throws {
        try state("[" + [tx(#""Time":"-5m","Environment":"Sandbox","ResponseTime":7"#), tx(#""Time":"-2d""#)].joined(separator: ",") + "]")
        let json = try world.get("/api/apis/versions/\(apiVersionID)/metrics", as: world.kim).json()
        #expect(json["StartTime"] == .string("2026-03-09T12:00:00Z"))
        #expect(json["EndTime"] == .string("2026-03-10T13:00:00Z"))
        let intervals = json["Interval"]?.arrayValue ?? []
        #expect(intervals.count == 25)
        #expect(intervals.last?["StartTime"] == .string("2026-03-10T12:00:00Z"))
        #expect(metrics(intervals.last?["Metric"]) == expected(1, 0, avg: 7, min: 7, max: 7))
        #expect(intervals.dropLast().allSatisfy { metrics($0["Metric"])["totalCount"] == 0 })
        // Duration=all starts at the first call; a day interval aligns at midnight UTC.
        let all = try world.get("/api/apis/versions/\(apiVersionID)/metrics?Duration=all&TimeInterval=1d", as: world.kim).json()
        #expect(all["StartTime"] == .string("2026-03-08T00:00:00Z"))
        #expect((all["Interval"]?.arrayValue ?? []).map { metrics($0["Metric"])["totalCount"] ?? -1 } == [1, 0, 1])
    }

    @Test func badParametersAre400AndNamed() throws {
        let base = "/api/apis/versions/\(apiVersionID)/metrics"
        for (query, named) in [
            ("TimeInterval=5x", "TimeInterval"), ("Duration=forever", "Duration"), ("StartDate=yesterday", "StartDate"),
            ("EndDate=2026-02-30", "EndDate"), ("Environment=Moon", "Environment"), ("TimeZone=Mars/Olympus", "TimeZone"),
            ("StartDate=2026-03-02&EndDate=2026-03-01", "StartDate"), ("TimeInterval=1s&Duration=4w", "TimeInterval"),
            ("ShowSummary=maybe", "ShowSummary")
        ] {
            let response = try world.get("\(base)?\(query)", as: world.jane)
            #expect(response.status == .badRequest, "\(query): \(response.text)")
            #expect(try response.json()["faultstring"]?.stringValue?.contains(named) == true, "\(query): \(response.text)")
        }
        #expect(try world.get("\(base)?TimeZone=America/Los_Angeles", as: world.jane).status == .ok)
    }

    // MARK: - Who may read

    @Test func apiAdminsBusinessAdminsAndContractedDevelopersReadOthersAreRefused() throws {
        try stateMorning()
        let path = "/api/apis/versions/\(apiVersionID)/metrics"
        #expect(try world.get(path, as: world.jane).status == .ok)  // the API's admin
        #expect(try world.get(path, as: world.bob).status == .ok)  // Business Admin
        #expect(try world.get(path, as: world.admin).status == .ok)  // Site Admin
        #expect(try world.get(path, as: world.kim).status == .ok)  // her app has a contract
        // An API Kim's app has no contract with: 403 while she can see it, 404 when it is Limited.
        let (_, other) = try world.createAPI(as: world.jane, name: "Other API")
        let refused = try world.get("/api/apis/versions/\(other)/metrics", as: world.kim)
        #expect(refused.status == .forbidden, "\(refused.text)")
        let (_, limited) = try world.createAPI(as: world.jane, name: "Limited API", visibility: "Limited")
        #expect(try world.get("/api/apis/versions/\(limited)/metrics", as: world.kim).status == .notFound)
        #expect(try world.get("/api/apis/versions/\(limited)/txlogs/export", as: world.kim).status == .notFound)
        #expect(try world.get("/api/apis/versions/\(other)/metrics/export", as: world.kim).status == .forbidden)
        // Not logged in.
        #expect(try world.app.send(.get, path, headers: ["Accept": "application/json"]).status == .unauthorized)
    }

    // MARK: - App version metrics

    @Test func anAppVersionsChartCountsItsOwnCallsToOneAPIOrAll() throws {
        try stateMorning()
        let (_, second) = try world.createAPI(as: world.jane, name: "Second API", sandboxAuto: true)
        try state("[" + #"{"APIVersionID":"\#(second)","Time":"2026-03-10T10:30:00Z","AppVersionID":"\#(kims)","ResponseTime":4}"# + "]")
        let range = "StartDate=2026-03-10T10:00:00Z&EndDate=2026-03-10T12:00:00Z&TimeInterval=1h&ShowSummary=true"
        let one = try world.get("/api/apps/versions/\(kims)/metrics?ApiVersionID=\(apiVersionID)&\(range)", as: world.kim)
        #expect(one.status == .ok, "\(one.text)")
        let json = try one.json()
        #expect((json["Interval"]?.arrayValue ?? []).map { metrics($0["Metric"])["totalCount"] ?? -1 } == [1, 1])
        #expect(metrics(json["Summary"]?["Metric"]) == expected(2, 0, avg: 15, min: 10, max: 20))
        let all = try world.get("/api/apps/versions/\(kims)/metrics?\(range)", as: world.kim).json()
        #expect(metrics(all["Summary"]?["Metric"]) == expected(3, 0, avg: 11, min: 4, max: 20))
        // What a dashboard sends (CMReporting): ShowIntervalData=false, Environment=Production.
        let dashboard = try world.get(
            "/api/apps/versions/\(kims)/metrics?ApiVersionID=\(apiVersionID)&StartDate=2026-03-10&EndDate=2026-03-11"
                + "&TimeInterval=1d&ShowSummary=true&Environment=Production&ShowIntervalData=false", as: world.kim
        ).json()
        #expect(dashboard["Interval"] == nil)
        #expect(metrics(dashboard["Summary"]?["Metric"])["totalCount"] == 0)
        // The admin of an API the app has a contract with reads it; an unknown ApiVersionID is 400.
        #expect(try world.get("/api/apps/versions/\(kims)/metrics", as: world.jane).status == .ok)
        #expect(try world.get("/api/apps/versions/\(kims)/metrics?ApiVersionID=nosuch", as: world.kim).status == .badRequest)
        // Someone else's app: 403 while it is visible, 404 when Limited.
        let janes = try world.createApp(as: world.jane, name: "Jane's app")
        #expect(try world.get("/api/apps/versions/\(janes)/metrics", as: world.kim).status == .forbidden)
        let hidden = try world.createApp(as: world.jane, name: "Hidden app", visibility: "Limited")
        #expect(try world.get("/api/apps/versions/\(hidden)/metrics", as: world.kim).status == .notFound)
        #expect(try world.get("/api/apps/versions/\(hidden)/metrics", as: world.bob).status == .ok)
    }

    /// What the CMReporting dashboard sends for a month: local times without a zone, `1M`.
    @Test func calendarMonthsAndYearsAsTheDashboardAsks() throws {
        try stateMorning()
        try state("[" + tx(#""Time":"2026-02-27T10:00:00Z","AppVersionID":"\#(kims)","ResponseTime":2"#) + "]")
        let month = try world.get(
            "/api/apps/versions/\(kims)/metrics?ApiVersionID=\(apiVersionID)&StartDate=2026-03-01T00:00:00&EndDate=2026-03-31T23:59:59"
                + "&TimeInterval=1M&ShowSummary=true&Environment=All&ShowIntervalData=false", as: world.kim)
        #expect(month.status == .ok, "\(month.text)")
        let json = try month.json()
        #expect(json["StartTime"] == .string("2026-03-01T00:00:00Z"))
        #expect(json["EndTime"] == .string("2026-04-01T00:00:00Z"))
        #expect(metrics(json["Summary"]?["Metric"]) == expected(2, 0, avg: 15, min: 10, max: 20))
        let months = try world.get(
            "/api/apis/versions/\(apiVersionID)/metrics?StartDate=2026-02-01&EndDate=2026-03-31T23:59:59&TimeInterval=1M", as: world.jane
        ).json()
        #expect(
            (months["Interval"]?.arrayValue ?? []).map { $0["StartTime"]?.stringValue ?? "" } == [
                "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z"
            ])
        #expect((months["Interval"]?.arrayValue ?? []).map { metrics($0["Metric"])["totalCount"] ?? -1 } == [1, 6])
        let year = try world.get(
            "/api/apis/versions/\(apiVersionID)/metrics/export?StartDate=2026-01-01T00:00:01&EndDate=2026-12-31T23:59:59&TimeInterval=1Y",
            as: world.jane)
        #expect(
            year.text.split(separator: "\r\n").dropFirst().map(String.init) == [
                "2026-01-01T00:00:00Z,2027-01-01T00:00:00Z,7,6,1,172,2,1000"
            ])
    }

    // MARK: - Exports

    @Test func theMetricsExportIsOneCSVRowPerIntervalOrOperation() throws {
        try state(
            "["
                + [
                    tx(#""Time":"2026-03-10T10:05:00Z","Operation":"getPet","ResponseTime":10"#),
                    tx(#""Time":"2026-03-10T10:06:00Z","Operation":"addPet","ResponseTime":20,"Status":503"#),
                    tx(#""Time":"2026-03-10T11:05:00Z","Operation":"getPet","ResponseTime":30"#)
                ].joined(separator: ",") + "]")
        let range = "StartDate=2026-03-10T10:00:00Z&EndDate=2026-03-10T12:00:00Z&TimeInterval=1h"
        let response = try world.get("/api/apis/versions/\(apiVersionID)/metrics/export?\(range)", as: world.jane, accept: "text/csv")
        #expect(response.status == .ok, "\(response.text)")
        #expect(response.headers["Content-Type"] == "text/csv; charset=utf-8")
        #expect(
            response.text == """
                StartTime,EndTime,totalCount,successCount,faultCount,avgResponseTime,minResponseTime,maxResponseTime\r
                2026-03-10T10:00:00Z,2026-03-10T11:00:00Z,2,1,1,15,10,20\r
                2026-03-10T11:00:00Z,2026-03-10T12:00:00Z,1,1,0,30,30,30\r

                """)
        // Per operation (the page's sample ReportType), a browser's Accept: rows with calls only.
        let operations = try world.get(
            "/api/apis/versions/\(apiVersionID)/metrics/export?\(range)&ReportType=service.all.operations", as: world.jane,
            accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
        #expect(
            operations.text == """
                StartTime,EndTime,Operation,totalCount,successCount,faultCount,avgResponseTime,minResponseTime,maxResponseTime\r
                2026-03-10T10:00:00Z,2026-03-10T11:00:00Z,addPet,1,0,1,20,20,20\r
                2026-03-10T10:00:00Z,2026-03-10T11:00:00Z,getPet,1,1,0,10,10,10\r
                2026-03-10T11:00:00Z,2026-03-10T12:00:00Z,getPet,1,1,0,30,30,30\r

                """)
    }

    /// rwctl `apis logs` sends Accept: application/json and prints the body: the CSV lists the calls.
    @Test func theTransactionLogListsTheCallsNewestFirst() throws {
        try state(
            "["
                + [
                    tx(
                        #""TransactionID":"tx-1","Time":"2026-03-01T08:00:00Z","AppVersionID":"\#(kims)","Environment":"Sandbox","Method":"POST","Path":"/pets","Operation":"addPet","Status":201,"ResponseTime":12.5,"RequestSize":40,"ResponseSize":80,"ClientAddress":"10.0.0.7""#
                    ),
                    tx(
                        #""TransactionID":"tx-2","Time":"2026-03-10T12:00:00Z","Path":"/pets/1,2","FaultMessage":"said \"no\"","Status":404"#
                    )
                ].joined(separator: ",") + "]")
        let response = try world.get("/api/apis/versions/\(apiVersionID)/txlogs/export", as: world.kim)
        #expect(response.status == .ok, "\(response.text)")
        #expect(response.headers["Content-Type"] == "text/csv; charset=utf-8")
        let lines = response.text.split(separator: "\r\n").map(String.init)
        #expect(
            lines == [
                "TransactionID,Time,APIID,APIVersionID,ImplementationCode,Environment,Operation,Method,Path,AppID,AppVersionID,ContractID,Status,Fault,FaultMessage,ResponseTime,RequestSize,ResponseSize,ClientAddress",
                "tx-2,2026-03-10T12:00:00.000Z,\(apiID),\(apiVersionID),Live,Production,,GET,\"/pets/1,2\",,,,404,true,\"said \"\"no\"\"\",0,0,0,",
                "tx-1,2026-03-01T08:00:00.000Z,\(apiID),\(apiVersionID),Sandbox,Sandbox,addPet,POST,/pets,\(try appID(kims)),\(kims),\(contractID),201,false,,12.5,40,80,10.0.0.7"
            ])
        // Filters: the app version, the contract, a range.
        for query in ["AppVersionID=\(kims)", "ContractID=\(contractID)", "StartDate=2026-03-01&EndDate=2026-03-02", "Environment=Sandbox"]
        {
            let filtered = try world.get("/api/apis/versions/\(apiVersionID)/txlogs/export?\(query)", as: world.kim)
            #expect(filtered.text.split(separator: "\r\n").dropFirst().map { $0.prefix(4) } == ["tx-1"], "\(query)")
        }
        #expect(try world.get("/api/apis/versions/\(apiVersionID)/txlogs/export?ContractID=nosuch", as: world.kim).status == .badRequest)
    }

    func appID(_ appVersionID: String) throws -> String {
        try #require(try world.get("/api/apps/versions/\(appVersionID)", as: world.kim).json()["AppID"]?.stringValue)
    }

    // MARK: - Business metrics

    /// What atmotool `list topapis` sends; the API versions with the most calls first, only those the
    /// caller may see listed.
    @Test func theBusinessReportListsItsTopAPIVersions() throws {
        let (secondAPI, second) = try world.createAPI(as: world.jane, name: "Second API")
        let (_, limited) = try world.createAPI(as: world.jane, name: "Limited API", visibility: "Limited")
        let calls =
            Array(repeating: tx(#""Time":"-1h","ResponseTime":10"#), count: 2)
            + Array(repeating: #"{"APIVersionID":"\#(second)","Time":"-2h","ResponseTime":30,"Environment":"Sandbox"}"#, count: 3)
            + [#"{"APIVersionID":"\#(second)","Time":"-2d","ResponseTime":30,"Environment":"Sandbox"}"#]
            + [#"{"APIVersionID":"\#(limited)","Time":"-3d","ResponseTime":50,"Status":500}"#]
        try state("[" + calls.joined(separator: ",") + "]")
        let atmotool =
            "/api/businesses/tenantbusiness.acmepaymentscorp/metrics?TimeInterval=15m&Duration=all&Environment=All&ReportType=business.top10.apis"
        let response = try world.get(atmotool, as: world.bob)
        #expect(response.status == .ok, "\(response.text)")
        let json = try response.json()
        #expect(json["ReportType"] == .string("business.top10.apis"))
        #expect(json["Environment"] == .string("All"))
        let apis = json["API"]?.arrayValue ?? []
        #expect(apis.map { $0["APIVersionID"]?.stringValue ?? "" } == [second, apiVersionID, limited])
        #expect(apis.first?["APIID"] == .string(secondAPI))
        #expect(apis.first?["Name"] == .string("Second API"))
        // Whole days, hours and minutes of the range add up from their totals: the call two days ago
        // (a whole day), those of the last hours, the one three days ago (the range's first minutes).
        #expect(metrics(apis.first?["Metric"]) == expected(4, 0, avg: 30, min: 30, max: 30))
        #expect(metrics(json["Summary"]?["Metric"]) == expected(7, 1, avg: 27, min: 10, max: 50))
        #expect(json["Interval"] == nil)
        // Kim does not see the Limited API listed; the default environment is Production.
        let kims = try world.get(atmotool, as: world.kim).json()
        #expect((kims["API"]?.arrayValue ?? []).map { $0["APIVersionID"]?.stringValue ?? "" } == [second, apiVersionID])
        let production = try world.get("/api/businesses/tenantbusiness.acmepaymentscorp/metrics?Duration=4w", as: world.bob).json()
        #expect((production["API"]?.arrayValue ?? []).map { $0["APIVersionID"]?.stringValue ?? "" } == [apiVersionID, limited])
        #expect(production["Environment"] == .string("Production"))
        #expect(try world.get("/api/businesses/tenantbusiness.globex/metrics", as: world.bob).status == .notFound)
        #expect(
            try world.get("/api/businesses/tenantbusiness.acmepaymentscorp/metrics?ReportType=business.top10.pets", as: world.bob)
                .status == .badRequest)
    }

    // MARK: - /_emulator/traffic

    @Test func statedTrafficIsCheckedListedAndCleared() throws {
        // The contract that lets Kim's app through is filled in; ids and defaults as the gateway's.
        let recorded = try state("[" + tx(#""AppVersionID":"\#(kims)","Environment":"Sandbox","Time":"-90s""#) + "]").json()
        #expect(recorded["recorded"] == .integer(1))
        let id = try #require(recorded["TransactionID"]?.arrayValue?.first?.stringValue)
        let listed = try world.app.send(.get, "/_emulator/traffic?apiVersionId=\(apiVersionID)", headers: ["Accept": "application/json"])
        let first = try #require(try listed.json()["Transaction"]?.arrayValue?.first)
        #expect(first["TransactionID"] == .string(id))
        #expect(first["Time"] == .string("2026-03-10T12:28:30.000Z"))
        #expect(first["ContractID"] == .string(contractID))
        #expect(first["ImplementationCode"] == .string("Sandbox"))
        #expect(first["APIID"] == .string(apiID))
        #expect(first["Status"] == .integer(200))
        #expect(first["Fault"] == .bool(false))
        #expect(first["Source"] == .string("stated"))
        // Refused (400/409), nothing recorded: the whole list is one transaction.
        try state("[" + tx(#""TransactionID":"a""#) + "," + tx(#""Time":"someday""#) + "]", status: .badRequest)
        try state("[" + tx(#""TransactionID":"\#(id)""#) + "]", status: .conflict)
        try state(#"[{"APIVersionID":"nosuch.acmepaymentscorp"}]"#, status: .badRequest)
        #expect(try world.count("gateway_transactions") == 1)
        // Newest first, filtered, limited.
        try state("[" + tx(#""Time":"-1m","Environment":"Production""#) + "]")
        let production = try world.app.send(
            .get, "/_emulator/traffic?environment=Production&limit=5", headers: ["Accept": "application/json"])
        #expect(try production.json()["Transaction"]?.arrayValue?.count == 1)
        let all = try world.app.send(.get, "/_emulator/traffic", headers: ["Accept": "application/json"]).json()
        #expect(all["Transaction"]?.arrayValue?.map { $0["Environment"]?.stringValue ?? "" } == ["Production", "Sandbox"])
        // Another tenant's list is empty; clearing one tenant, then all.
        let globex = try world.app.send(.delete, "/_emulator/traffic?tenant=globex", headers: ["Accept": "application/json"])
        #expect(globex.status == .badRequest)
        let cleared = try world.app.send(.delete, "/_emulator/traffic?tenant=acmepaymentscorp", headers: ["Accept": "application/json"])
        #expect(try cleared.json()["deleted"] == .integer(2))
        #expect(try world.count("gateway_transactions") == 0)
        #expect(try world.count("gateway_traffic_minutes") == 0)
        let summary = try world.get("/api/apis/versions/\(apiVersionID)/metrics?ShowSummary=true", as: world.jane).json()
        #expect(metrics(summary["Summary"]?["Metric"])["totalCount"] == 0)
    }

    /// A checkpoint rollback takes stated traffic back, the per-minute totals with it.
    @Test func aCheckpointRollbackRemovesStatedTraffic() throws {
        try state("[" + tx(#""Time":"-10m","ResponseTime":5"#) + "]")
        let checkpoint = try world.app.send(.post, "/_emulator/checkpoints", headers: ["Accept": "application/json"])
        let id = try #require(try checkpoint.json()["id"]?.stringValue)
        try stateMorning()
        try state("[" + tx(#""Time":"-10m","ResponseTime":15"#) + "]")
        let path = "/api/apis/versions/\(apiVersionID)/metrics?Duration=20m&TimeInterval=1m&ShowSummary=true&ShowIntervalData=false"
        #expect(metrics(try world.get(path, as: world.jane).json()["Summary"]?["Metric"]) == expected(2, 0, avg: 10, min: 5, max: 15))
        #expect(try world.count("gateway_transactions") == 8)
        let rollback = try world.app.send(.post, "/_emulator/checkpoints/\(id)/rollback", headers: ["Accept": "application/json"])
        #expect(rollback.status == .ok, "\(rollback.text)")
        #expect(try world.count("gateway_transactions") == 1)
        #expect(try world.count("gateway_traffic_minutes") == 1)
        #expect(metrics(try world.get(path, as: world.jane).json()["Summary"]?["Metric"]) == expected(1, 0, avg: 5, min: 5, max: 5))
    }

    /// A snapshot restore puts the traffic of its moment back; a reset removes it all.
    @Test func snapshotsAndResetsCoverStatedTraffic() throws {
        try state("[" + tx(#""Time":"-10m""#) + "]")
        let snapshot = try world.app.send(
            .post, "/_emulator/snapshots", headers: ["Content-Type": "application/json", "Accept": "application/json"],
            body: #"{"name":"traffic"}"#)
        #expect(snapshot.status == .created, "\(snapshot.text)")
        try stateMorning()
        #expect(try world.count("gateway_transactions") == 7)
        let restore = try world.app.send(.post, "/_emulator/snapshots/traffic/restore", headers: ["Accept": "application/json"])
        #expect(restore.status == .ok, "\(restore.text)")
        for table in ["gateway_transactions", "gateway_traffic_minutes", "gateway_traffic_hours", "gateway_traffic_days"] {
            #expect(try world.count(table) == 1, "\(table)")
        }
        #expect(try world.app.send(.post, "/_emulator/reset", headers: ["Accept": "application/json"]).status == .ok)
        for table in ["gateway_transactions", "gateway_traffic_minutes", "gateway_traffic_hours", "gateway_traffic_days"] {
            #expect(try world.count(table) == 0, "\(table)")
        }
    }

    // MARK: - State browser

    @Test func theTrafficPageShowsTheLatestCallsAndTheCountsPerAPIVersion() throws {
        try state("[" + tx(#""TransactionID":"browse-1","Time":"-1m","Operation":"getPet""#) + "," + tx(#""Time":"-2m""#) + "]")
        let page = try world.app.send(.get, "/_emulator/ui/traffic")
        #expect(page.status == .ok)
        #expect(page.headers["Content-Type"] == "text/html; charset=utf-8")
        #expect(page.text.contains("browse-1"))
        #expect(page.text.contains("getPet"))
        #expect(page.text.contains("<td>ACME Payments</td>"), "\(page.text)")
        #expect(page.text.contains("<td>2</td>"), "the per-API-version count")
        let overview = try world.app.send(.get, "/_emulator/ui")
        #expect(overview.text.contains(#"<a href="/_emulator/ui/traffic">Traffic</a>"#))
    }
}
