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

        // GET/PUT /api/businesses/{BusinessID}/securitysettings, …/usersettings, …/loginpolicy,
        // …/apisettings, …/appsettings, …/modelsettings (help: businesses/m_businesses_save…Settings.htm).
        for section in BusinessSettingsSection.allCases {
            let path = "/api/businesses/{BusinessID}/\(section.rawValue)"
            router.add(.get, path, produces: [.json, .xml], access: .session) { request in
                let choice = try request.choice
                let caller = try request.caller
                let settings = try environment.businessSettings.settings(
                    section, caller: caller.session, tenant: caller.tenant, businessID: request.parameter("BusinessID"))
                return Responses.representation(BusinessSettingsRepresentation.json(settings), root: section.root, choice: choice)
            }
            router.add(.put, path, produces: [.json, .xml], access: .session) { request in
                let choice = try request.choice
                let caller = try request.caller
                let values = try BusinessSettingsInputs.values(try request.structuredBody(), section: section)
                let settings = try environment.businessSettings.save(
                    section, values: values, caller: caller.session, tenant: caller.tenant, businessID: request.parameter("BusinessID"))
                return Responses.representation(BusinessSettingsRepresentation.json(settings), root: section.root, choice: choice)
            }
        }

        // GET/PUT /api/businesses/{BusinessID}/connectionsettings: the contract workflow per environment.
        let connections = "/api/businesses/{BusinessID}/connectionsettings"
        router.add(.get, connections, produces: [.json, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            let settings = try environment.businessSettings.connectionSettings(
                caller: caller.session, tenant: caller.tenant, businessID: request.parameter("BusinessID"))
            return Responses.representation(
                BusinessSettingsRepresentation.json(settings), root: "BusinessConnectionSettings", choice: choice)
        }
        router.add(.put, connections, produces: [.json, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            let settings = try BusinessSettingsInputs.connectionSettings(try request.structuredBody())
            let saved = try environment.businessSettings.saveConnectionSettings(
                settings, caller: caller.session, tenant: caller.tenant, businessID: request.parameter("BusinessID"))
            return Responses.representation(BusinessSettingsRepresentation.json(saved), root: "BusinessConnectionSettings", choice: choice)
        }
    }
}
