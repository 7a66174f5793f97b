import AkanaDomain
import DispatchHTTP
import JSONCodec

/// The portal's content store, outside `/api` (help `cm/api/content/` and `cm/api/consoleresource/`):
/// `/content/{path}` and `/resources/{path}` for any depth (`{path...}`: the rest of the URL's path),
/// their roots, and `POST /resources/branding/generatestyles`. Who may do what: `ContentService`.
enum ContentRoutes {
    static let siteAdminOnly = RouteAccess.siteAdmin(refusal: "Only Site Admins may change console resources.")

    static func register(into router: inout Router, environment: APIEnvironment) {
        let content = environment.content

        // GET /content[/{path}][?download=true&Zip=true] — "the CSRF header is never required".
        router.add(.get, "/content", access: .sessionWithoutCSRF) { request in
            let caller = try request.caller.session
            return try read(request, store: .content, path: "", tenant: caller.tenant, caller: caller, content: content)
        }
        router.add(.get, "/content/{path...}", access: .sessionWithoutCSRF) { request in
            let caller = try request.caller.session
            return try read(
                request, store: .content, path: try request.parameter("path"), tenant: caller.tenant, caller: caller, content: content)
        }
        // POST /content/{path}: multipart `File` (upload, `unpack=true` for a ZIP) or form-encoded (add).
        router.add(.post, "/content/{path...}", access: .session) { request in
            try write(request, store: .content, caller: try request.caller.session, content: content)
        }
        router.add(.delete, "/content/{path...}", access: .session) { request in
            try content.delete(store: .content, path: try request.parameter("path"), caller: try request.caller.session)
            return HTTPResponse(status: .ok)
        }

        // GET /resources[/{path}] — "No permission needed. Anyone can run this operation": the
        // tenant is the request host's.
        router.add(.get, "/resources") { request in
            try read(request, store: .resources, path: "", tenant: tenant(request, environment), caller: nil, content: content)
        }
        router.add(.get, "/resources/{path...}") { request in
            try read(
                request, store: .resources, path: try request.parameter("path"), tenant: tenant(request, environment), caller: nil,
                content: content)
        }
        router.add(.post, "/resources/{path...}", access: siteAdminOnly) { request in
            try write(request, store: .resources, caller: try request.caller.session, content: content)
        }
        router.add(.delete, "/resources/{path...}", access: siteAdminOnly) { request in
            try content.delete(store: .resources, path: try request.parameter("path"), caller: try request.caller.session)
            return HTTPResponse(status: .ok)
        }

        // POST /resources/branding/generatestyles (form `theme`, optional): nothing is compiled here;
        // the answer says it succeeded (rwctl reads `result`).
        router.add(.post, "/resources/branding/generatestyles", produces: [.json], access: siteAdminOnly) { request in
            let choice = try request.choice
            let caller = try request.caller.session
            let fields = try formFields(request, required: false)
            let theme = try content.generateStyles(theme: fields.first { $0.0.lowercased() == "theme" }?.1, caller: caller)
            return Responses.representation(
                .object([("result", .string("success"))] + (theme.map { [("theme", JSONValue.string($0))] } ?? [])), root: "Result",
                choice: choice)
        }
    }

    static func tenant(_ request: RouteRequest, _ environment: APIEnvironment) -> String {
        environment.tenants.tenant(forHost: request.http.headers["Host"]).fedmemberid
    }

    /// A file as stored (its own media type, whatever `Accept` says: "the platform already has the
    /// content type"), a folder's listing (JSON or XML), or with `Zip=true` a ZIP of it.
    static func read(
        _ request: RouteRequest, store: ContentStore, path: String, tenant: String, caller: AuthenticatedSession?, content: ContentService
    ) throws -> HTTPResponse {
        let download = try request.booleanQuery("download", default: false)
        if try request.booleanQuery("Zip", default: false) {
            let archive = try content.archive(store: store, path: path, tenant: tenant, caller: caller, scope: request.scope)
            return HTTPResponse(
                status: .ok,
                headers: ["Content-Type": "application/zip", "Content-Disposition": disposition(archive.fileName)],
                body: Array(archive.data))
        }
        switch try content.item(store: store, path: path, tenant: tenant, caller: caller, scope: request.scope) {
        case .file(let file, let bytes):
            var headers: HTTPHeaders = ["Content-Type": file.mediaType]
            if download { headers.set("Content-Disposition", disposition(file.name)) }
            return HTTPResponse(status: .ok, headers: headers, body: bytes)
        case .folder(let store, let path, let children):
            let choice = try request.negotiate([.json, .xml])
            return ContentRepresentation.listing(store: store, path: path, children).response(choice: choice)
        }
    }

    /// `attachment; filename="…"` with the name's quotes, backslashes and non-ASCII replaced.
    static func disposition(_ name: String) -> String {
        let safe = String(name.unicodeScalars.map { $0.isASCII && $0 != "\"" && $0 != "\\" && $0.value >= 0x20 ? Character($0) : "_" })
        return "attachment; filename=\"\(safe)\""
    }

    /// POST: multipart (`File`, upload) or form-encoded (`folder`, `body`, `type`: add). The
    /// upload answers the channel of what it wrote; the add answers the path made, as text.
    static func write(_ request: RouteRequest, store: ContentStore, caller: AuthenticatedSession, content: ContentService) throws
        -> HTTPResponse
    {
        let path = try request.parameter("path")
        let contentType = request.http.headers["Content-Type"] ?? ""
        // Checked whatever the body: a bad flag is a 400 even where it would change nothing.
        let unpack = try request.booleanQuery("unpack", default: false)
        let wrap = try request.booleanQuery("wrapInHTML", default: false)
        if contentType.lowercased().hasPrefix("multipart/form-data") {
            guard let form = MultipartFormData(contentType: contentType, body: request.http.body) else {
                throw APIError.badRequest("The multipart/form-data body is malformed.")
            }
            guard let file = form.part("File") ?? form.parts.first(where: { $0.filename != nil }) else {
                throw APIError.badRequest("The multipart/form-data body has no File part.")
            }
            let written = try content.upload(
                ContentUploadInput(
                    store: store, path: path, fileName: file.filename ?? ContentPath.name(of: path), bytes: file.body,
                    declaredType: file.contentType, unpack: unpack),
                caller: caller)
            let listing = RSSChannel(title: ContentPath.urlPath(store, path), items: written.map(ContentRepresentation.item))
            if wrap {
                return HTTPResponse(
                    status: .ok, headers: ["Content-Type": "text/html"],
                    body: ContentRepresentation.wrappedInHTML(JSONWriter.bytes(listing.json())))
            }
            // "Accept: Not applicable" (rwctl sends a browser's): always JSON.
            return listing.response(choice: ContentNegotiation.Choice(representation: .json, contentType: "application/json"))
        }
        let fields = try formFields(request, required: true)
        func field(_ name: String) -> String? { fields.first { $0.0.lowercased() == name.lowercased() }?.1 }
        let folder: Bool
        switch field("folder")?.lowercased() {
        case nil, "false": folder = false
        case "true", "": folder = true
        case let other?: throw APIError.badRequest("The form parameter folder must be true or false, not '\(other)'.")
        }
        let made = try content.add(
            ContentAdditionInput(store: store, path: path, folder: folder, body: field("body"), type: field("type")), caller: caller)
        return Responses.text(made.urlPath)
    }

    /// The form's fields, then the query's (the pages' samples put `body` in the query string). A
    /// body of another type is a 415 (`required`: also when there is no Content-Type but a body).
    static func formFields(_ request: RouteRequest, required: Bool) throws -> [(String, String)] {
        let contentType = request.http.headers["Content-Type"] ?? ""
        var fields: [(String, String)] = []
        if ContentNegotiation.isFormEncoded(contentType) {
            guard let text = UntrustedText.string(request.http.body) else {
                throw APIError.badRequest("The form-encoded body is not valid UTF-8.")
            }
            guard let pairs = PercentEncoding.decodeForm(text) else {
                throw APIError.badRequest("The form-encoded body is malformed (a bad %-escape, or escapes that are not UTF-8).")
            }
            fields = pairs
        } else if !request.http.body.isEmpty || (required && !contentType.isEmpty) {
            throw APIError.unsupportedMediaType(
                contentType.isEmpty ? "(none)" : contentType, accepted: "application/x-www-form-urlencoded or multipart/form-data")
        }
        return fields + request.http.query.map { ($0.name, $0.value) }
    }
}
