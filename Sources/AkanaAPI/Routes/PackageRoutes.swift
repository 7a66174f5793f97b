import AkanaDomain
import DispatchHTTP
import Foundation
import JSONCodec

/// API packages (docs/packages.md): `GET /api/apis/{APIID}/package` exports an API as a ZIP (akana
/// help `cm/api/apis/m_apis_export.htm`) and `POST /api/tenants/{FedmemberID}/packages` imports one
/// into the tenant (`cm/api/tenantadmin/m_tenantadmin_importPackage.htm`: multipart field `Package`
/// and an optional properties file; Site Admin).
enum PackageRoutes {
    static func register(into router: inout Router, environment: APIEnvironment) {
        let packages = environment.packages

        // GET /api/apis/{APIID}/package[?exportVersion=all|current][&migration.…=true][&wrapInHTML…&download…]
        // The ZIP, as a download (Ref_DownloadableFilesInResponseMessages: api-export.zip). The
        // answer is the file whatever the Accept names among the page's types (application/json,
        // application/octet-stream); wrapInHTML and document.domain shape browser uploads only and
        // do not change a download.
        router.add(.get, "/api/apis/{APIID}/package", access: .session) { request in
            let contentType = try packageContentType(accept: request.http.headers["Accept"])
            let caller = try request.caller
            let options = APIPackageOptions(
                exportVersion: try exportVersion(request.http.queryValue(caseInsensitive: "exportVersion")),
                operationalPolicies: try request.booleanQuery("migration.operationalpolicy.export", default: false),
                qosPolicies: try request.booleanQuery("migration.qospolicy.export", default: false),
                pki: try request.booleanQuery("migration.pki.export", default: false),
                admins: try request.booleanQuery("migration.export.include.api.admins", default: false),
                connections: try request.booleanQuery("migration.export.include.api.connections", default: false),
                scopes: try request.booleanQuery("migration.export.include.scopes", default: false))
            _ = try request.booleanQuery("wrapInHTML", default: false)
            _ = try request.booleanQuery("download", default: false)
            let package = try packages.exportAPI(request.parameter("APIID"), caller: caller.session, options: options)
            return download(package, fileName: APIPackage.fileName, contentType: contentType)
        }

        // GET /api/apps/versions/{AppVersionID}/package[?exportVersion=current|all][&migration.app.pki.export=true]
        // [&migration.export.include.api.connections=true][&migration.export.include.app.team=true] (m_apps_exportAppVersion).
        router.add(.get, "/api/apps/versions/{AppVersionID}/package", access: .session) { request in
            let contentType = try packageContentType(accept: request.http.headers["Accept"])
            let caller = try request.caller
            let options = AppVersionPackageOptions(
                exportVersion: try exportVersion(request.http.queryValue(caseInsensitive: "exportVersion"), default: .current),
                pki: try request.booleanQuery("migration.app.pki.export", default: false),
                connections: try request.booleanQuery("migration.export.include.api.connections", default: false),
                team: try request.booleanQuery("migration.export.include.app.team", default: false))
            _ = try request.booleanQuery("wrapInHTML", default: false)
            _ = try request.booleanQuery("download", default: false)
            let package = try packages.exportAppVersion(request.parameter("AppVersionID"), caller: caller.session, options: options)
            return download(package, fileName: PackageService.appVersionFileName, contentType: contentType)
        }

        // GET /api/contracts/{ContractID}/package[?migration.export.include.apis=true][&migration.export.include.apps=true]
        // [&migration.export.include.licenses=true][&migration.qospolicy.export=true] (m_contracts_export). Its sample
        // request sends a browser's Accept; the page names application/octet-stream.
        router.add(.get, "/api/contracts/{ContractID}/package", access: .session) { request in
            let contentType = try packageContentType(accept: request.http.headers["Accept"])
            let caller = try request.caller
            let options = ContractPackageOptions(
                apis: try request.booleanQuery("migration.export.include.apis", default: false),
                apps: try request.booleanQuery("migration.export.include.apps", default: false),
                licenses: try request.booleanQuery("migration.export.include.licenses", default: false),
                qosPolicies: try request.booleanQuery("migration.qospolicy.export", default: false))
            _ = try request.booleanQuery("wrapInHTML", default: false)
            _ = try request.booleanQuery("download", default: false)
            let package = try packages.exportContract(request.parameter("ContractID"), caller: caller.session, options: options)
            return download(package, fileName: PackageService.contractFileName, contentType: contentType)
        }

        // POST /api/tenants/{FedmemberID}/packages — multipart/form-data: `Package` (the ZIP) and,
        // optionally, the migration properties file (any other file part). The page shows no answer
        // body; the emulator answers what it imported (PackageImport, docs/packages.md).
        router.add(
            .post, "/api/tenants/{FedmemberID}/packages", produces: [.json, .xml],
            access: .siteAdmin(refusal: "Only a Site Admin can import a package into the tenant.")
        ) { request in
            let choice = try request.choice
            let caller = try request.caller
            let contentType = request.http.headers["Content-Type"] ?? ""
            guard contentType.lowercased().hasPrefix("multipart/form-data") else {
                throw APIError.unsupportedMediaType(contentType.isEmpty ? "(none)" : contentType, accepted: "multipart/form-data")
            }
            guard let form = MultipartFormData(contentType: contentType, body: request.http.body) else {
                throw APIError.badRequest("The multipart/form-data body is malformed.")
            }
            guard let package = form.part("Package") else {
                throw APIError.badRequest("The multipart/form-data body has no Package part (the exported ZIP file).")
            }
            let properties = form.parts.first { $0.filename != nil && $0.name.lowercased() != "package" }
            let imported = try packages.importPackage(
                fedmemberID: request.parameter("FedmemberID"), caller: caller.session, package: package.body,
                properties: properties?.body)
            return Responses.representation(PackageRepresentation.imported(imported), root: "PackageImport", choice: choice)
        }
    }

    /// A package as a download (Ref_DownloadableFilesInResponseMessages: `Content-Disposition` names the file).
    static func download(_ package: APIPackage, fileName: String, contentType: String) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.set("Content-Type", contentType)
        headers.set("Content-Disposition", "attachment; filename=\"\(fileName)\"")
        return HTTPResponse(status: .ok, headers: headers, body: Array(package.bytes))
    }

    /// `exportVersion`: `all` or `current` (`defaultValue` when absent).
    static func exportVersion(_ text: String?, default defaultValue: APIPackageOptions.ExportVersion = .all) throws(APIError)
        -> APIPackageOptions.ExportVersion
    {
        guard let text else { return defaultValue }
        guard let value = APIPackageOptions.ExportVersion(rawValue: text.lowercased()) else {
            throw APIError.badRequest("Query parameter exportVersion must be all or current, not '\(text)'.")
        }
        return value
    }

    /// The media type of the ZIP for `accept`: `application/zip` when the client names it,
    /// `application/octet-stream` otherwise; 406 when the client accepts none of the pages' types
    /// (a browser's `*/*`, as the contract page's sample sends, accepts it).
    static func packageContentType(accept: String?) throws(APIError) -> String {
        guard let accept, !accept.allSatisfy({ $0 == " " }) else { return "application/octet-stream" }
        let ranges = MediaRange.parseList(accept).filter { $0.quality > 0 }
        if ranges.contains(where: { $0.fullType == "application/zip" }) { return "application/zip" }
        let accepted: Set<String> = ["application/octet-stream", "application/json", "application/*", "*/*"]
        guard ranges.contains(where: { accepted.contains($0.fullType) || $0.concreteRepresentation == .json }) else {
            throw APIError(
                .notAcceptable, "The package is a ZIP file: accept application/octet-stream, application/zip or application/json.")
        }
        return "application/octet-stream"
    }
}

/// The answer of an import.
enum PackageRepresentation {
    static func imported(_ imported: PackageImport) -> JSONValue {
        .object([
            ("APIID", .string(imported.apiID)), ("Name", .string(imported.apiName)),
            ("Result", .string(imported.created ? "Created" : "Updated")),
            ("APIVersionID", .array(imported.versionIDs.map { .string($0) })),
            ("ResourceID", .array(imported.addedScopes.map { .string($0) })),
            ("LicenseID", .array(imported.addedLicenses.map { .string($0) })),
            ("PolicyKey", .array(imported.addedPolicies.map { .string($0) })),
            ("Documents", .integer(Int64(imported.documents))),
            ("AdminEmail", .array(imported.admins.map { .string($0) })),
            ("Message", .array(imported.notes.map { .string($0) }))
        ])
    }
}
