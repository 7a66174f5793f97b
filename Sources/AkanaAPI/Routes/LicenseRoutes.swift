import AkanaDomain
import DispatchHTTP
import Foundation

/// `/api/licenses…` (m_licenses_addLicense, …getLicense, …updateLicense, …deleteLicense) and
/// `GET /api/apis/versions/{APIVersionID}/licenses` (m_apis_getAPILicenses).
enum LicenseRoutes {
    static func register(into router: inout Router, environment: APIEnvironment) {
        let licenses = environment.licenses
        let refusal = "Only Business Admins and Site Admins may change licenses."

        // POST /api/licenses — Business Admin; answers the License with its new LicenseID.
        router.add(.post, "/api/licenses", produces: [.json, .xml], access: .businessOrSiteAdmin(refusal: refusal)) { request in
            let choice = try request.choice
            let caller = try request.caller
            let license = try licenses.addLicense(caller: caller.session, input: try LicenseInput(body: try request.structuredBody()))
            return Responses.representation(LicenseRepresentation.license(license), root: "License", choice: choice)
        }

        // GET /api/licenses/{LicenseID} — any user of the tenant; the LicenseDetails object.
        router.add(.get, "/api/licenses/{LicenseID}", produces: [.json, .xml], access: .session, cached: true) { request in
            let choice = try request.choice
            let caller = try request.caller
            let license = try licenses.license(request.parameter("LicenseID"), caller: caller.session)
            return Responses.representation(LicenseRepresentation.details(license), root: "LicenseDetails", choice: choice)
        }

        // PUT /api/licenses/{LicenseID} — Business Admin; the members given replace the stored ones.
        router.add(.put, "/api/licenses/{LicenseID}", produces: [.json, .xml], access: .businessOrSiteAdmin(refusal: refusal)) {
            request in
            let choice = try request.choice
            let caller = try request.caller
            let license = try licenses.updateLicense(
                request.parameter("LicenseID"), caller: caller.session, input: try LicenseInput(body: try request.structuredBody()))
            return Responses.representation(LicenseRepresentation.license(license), root: "License", choice: choice)
        }

        // DELETE /api/licenses/{LicenseID} — Business Admin; answers the deleted License.
        router.add(.delete, "/api/licenses/{LicenseID}", produces: [.json, .xml], access: .businessOrSiteAdmin(refusal: refusal)) {
            request in
            let choice = try request.choice
            let caller = try request.caller
            let license = try licenses.deleteLicense(request.parameter("LicenseID"), caller: caller.session)
            return Responses.representation(LicenseRepresentation.license(license), root: "License", choice: choice)
        }

        // GET /api/apis/versions/{APIVersionID}/licenses[?Environment=Sandbox|Production] — readers of the version.
        router.add(.get, "/api/apis/versions/{APIVersionID}/licenses", produces: [.json, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            let list = try licenses.licenses(
                apiVersionID: request.parameter("APIVersionID"), environment: request.http.queryValue(caseInsensitive: "Environment"),
                caller: caller.session)
            return Responses.representation(LicenseRepresentation.list(list), root: "Licenses", choice: choice)
        }
    }
}
