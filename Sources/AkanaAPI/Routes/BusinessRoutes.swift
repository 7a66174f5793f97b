import AkanaDomain
import DispatchHTTP
import JSONCodec

/// `/api/businesses/{BusinessID}/…`: the tenant business's settings.
enum BusinessRoutes {
    static func register(into router: inout Router, environment: APIEnvironment) {
        // GET /api/businesses/{BusinessID}/settings[?IncludeSecuritySettings=true]
        router.add(.get, "/api/businesses/{BusinessID}/settings", produces: [.json, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            let settings = try caller.tenant.businessSettings(request.parameter("BusinessID"))
            var members: [(String, JSONValue)] = [("BusinessID", .string(settings.businessID))]
            if try request.booleanQuery("IncludeSecuritySettings", default: false) {
                members.append(("ReadRequestCSRFSupport", .bool(settings.readRequestCSRF)))
                members.append(("WriteRequestCSRFSupport", .bool(settings.writeRequestCSRF)))
            }
            return Responses.representation(.object(members), root: "BusinessSettings", choice: choice)
        }
    }
}
