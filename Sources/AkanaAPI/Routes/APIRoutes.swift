import AkanaDomain
import DispatchHTTP
import Foundation

/// `/api/apis…` and `/api/dropbox/readfiledetails`: APIs, API versions, the API-version workflow
/// action, an API version's contracts and uploads of API description documents (akana help
/// `cm/api/apis/…`). Objects come as JSON or XML, vendor types `application/vnd.soa.vNN+json|+xml`
/// included; deletes and the action answer text/plain.
enum APIRoutes {
    static func register(into router: inout Router, environment: APIEnvironment) {
        let apis = environment.apis
        let contracts = environment.contracts
        let renew = AppRoutes.renew
        // Each implementation's access point on the gateway, listed in the version's Endpoints.
        let shown = APIRepresentation.VersionOptions(accessPoints: environment.accessPoints)

        // POST /api/apis — APIVersionInfo + AddAPIImplementationRequest, or DLDescriptor.
        router.add(.post, "/api/apis", produces: [.json, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            let (api, version) = try apis.createAPI(caller: caller.session, input: try APIInput(body: try request.structuredBody()))
            return Responses.representation(
                APIRepresentation.api(api, defaultVersion: version, options: shown), root: "API", choice: choice, headers: renew)
        }

        // GET /api/apis — the APIs the caller may see, as an RSS channel; each item's EntityReference
        // names its default (newest) version.
        router.add(.get, "/api/apis", produces: [.json, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            let items = try apis.apis(caller: caller.session).map { api, defaultVersion in
                RSSChannel.Item(
                    title: api.name, description: api.description, guid: api.id,
                    categories: [("uddi:soa.com:visibility", api.visibility), ("uddi:soa.com:resourcetype", "api")],
                    pubDate: Timestamp.parse(api.created) ?? Date(timeIntervalSince1970: 0),
                    fields: APIRepresentation.apiItemFields(api, defaultVersion: defaultVersion))
            }
            return RSSChannel(title: "APIs", items: items).response(choice: choice)
        }

        // GET /api/apis/{APIID}[?includeDefaultVersion=true] — the API; with the flag, its newest version as APIVersion.
        router.add(.get, "/api/apis/{APIID}", produces: [.json, .xml], access: .session, cached: true) { request in
            let choice = try request.choice
            let caller = try request.caller
            let include = try request.booleanQuery("includeDefaultVersion", default: false)
            let (api, version) = try apis.api(request.parameter("APIID"), caller: caller.session, includeDefaultVersion: include)
            return Responses.representation(
                APIRepresentation.api(api, defaultVersion: version, options: shown), root: "API", choice: choice)
        }

        router.add(.delete, "/api/apis/{APIID}", produces: [.text], access: .session) { request in
            let caller = try request.caller
            let id = try request.parameter("APIID")
            try apis.deleteAPI(id, caller: caller.session)
            return Responses.text(id, headers: renew)
        }

        // POST /api/apis/{APIID}/versions — APIVersionInfo, with a CloneAPIVersionRequest,
        // AddAPIImplementationRequest or DLDescriptor.
        router.add(.post, "/api/apis/{APIID}/versions", produces: [.json, .xml, .text], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            let version = try apis.addVersion(
                apiID: request.parameter("APIID"), caller: caller.session,
                input: try APIVersionInput(body: try request.structuredBody()))
            if choice.representation == .text { return Responses.text(version.id, headers: renew) }
            return Responses.representation(APIRepresentation.version(version, shown), root: "APIVersion", choice: choice, headers: renew)
        }

        router.add(.get, "/api/apis/{APIID}/versions", produces: [.json, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            let (api, versions) = try apis.versions(apiID: request.parameter("APIID"), caller: caller.session)
            return RSSChannel.versions(of: api.name, versions).response(choice: choice)
        }

        // GET /api/apis/versions — every version the caller may see, as an RSS channel; each item names
        // its API (EntityReferences) and lists its Endpoints.
        router.add(.get, "/api/apis/versions", produces: [.json, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            let items = try apis.allVersions(caller: caller.session).map { version, apiName in
                var entry = Self.item(version)
                entry.fields = APIRepresentation.versionItemFields(version, apiName: apiName, accessPoints: environment.accessPoints)
                return entry
            }
            return RSSChannel(title: "API versions", items: items).response(choice: choice)
        }

        // GET /api/apis/versions/{APIVersionID}[?IncludeEndpoints=false&includeOperations=true] — with
        // includeOperations, `Operations {Operation[]}` (the operations its description document
        // declares). includeSettings is accepted (a boolean) but adds nothing: settings are not emulated.
        router.add(.get, "/api/apis/versions/{APIVersionID}", produces: [.json, .xml], access: .session, cached: true) { request in
            let choice = try request.choice
            let caller = try request.caller
            var options = shown
            options.includeEndpoints = try request.booleanQuery("IncludeEndpoints", default: true)
            let includeOperations = try request.booleanQuery("includeOperations", default: false)
            _ = try request.booleanQuery("includeSettings", default: false)
            let id = try request.parameter("APIVersionID")
            let version: APIVersion
            if includeOperations {
                (version, options.operations) = try apis.versionWithOperations(id, caller: caller.session)
            } else {
                version = try apis.version(id, caller: caller.session)
            }
            return Responses.representation(APIRepresentation.version(version, options), root: "APIVersion", choice: choice)
        }

        router.add(.put, "/api/apis/versions/{APIVersionID}/info", produces: [.json, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            let version = try apis.updateInfo(
                request.parameter("APIVersionID"), caller: caller.session,
                input: try APIVersionInfoInput(updateBody: try request.structuredBody()))
            return Responses.representation(APIRepresentation.version(version, shown), root: "APIVersion", choice: choice, headers: renew)
        }

        router.add(.delete, "/api/apis/versions/{APIVersionID}", produces: [.text], access: .session) { request in
            let caller = try request.caller
            let id = try request.parameter("APIVersionID")
            try apis.deleteVersion(id, caller: caller.session)
            return Responses.text(id, headers: renew)
        }

        // POST /api/apis/versions/{APIVersionID}/action — text/plain: the new workflow status.
        router.add(.post, "/api/apis/versions/{APIVersionID}/action", produces: [.text], access: .session) { request in
            let caller = try request.caller
            let action = try WorkflowActionInput(body: try request.structuredBody())
            return Responses.text(
                try apis.performAction(
                    versionID: request.parameter("APIVersionID"), actionName: action.name,
                    comments: action.comments, caller: caller.session))
        }

        // GET /api/apis/versions/{APIVersionID}/contracts[?Environment=…&ActivatedOnly=true]
        router.add(.get, "/api/apis/versions/{APIVersionID}/contracts", produces: [.json, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            let list = try contracts.contracts(
                apiVersionID: request.parameter("APIVersionID"),
                environment: request.http.queryValue(caseInsensitive: "Environment"),
                activatedOnly: try request.booleanQuery("ActivatedOnly", default: false), caller: caller.session)
            return ContractRoutes.list(list, choice: choice)
        }

        // GET /api/apis/versions/{APIVersionID}/connectedapps[?ActivatedOnly=true&Environment=…&IncludeActions=…]
        // — the apps with contracts, as an RSS channel. IncludeActions is read (a boolean) but adds
        // nothing: the items' workflow actions are not emulated.
        router.add(.get, "/api/apis/versions/{APIVersionID}/connectedapps", produces: [.json, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            _ = try request.booleanQuery("IncludeActions", default: false)
            let connected = try contracts.connectedApps(
                apiVersionID: request.parameter("APIVersionID"),
                environment: request.http.queryValue(caseInsensitive: "Environment"),
                activatedOnly: try request.booleanQuery("ActivatedOnly", default: false), caller: caller.session)
            return ContractRepresentation.connectedApps(connected).response(choice: choice)
        }

        // POST /api/dropbox/readfiledetails — multipart/form-data with one file (and wrapInHTML=false).
        router.add(.post, "/api/dropbox/readfiledetails", produces: [.json, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            let contentType = request.http.headers["Content-Type"] ?? ""
            guard contentType.lowercased().hasPrefix("multipart/form-data") else {
                throw APIError.unsupportedMediaType(contentType.isEmpty ? "(none)" : contentType, accepted: "multipart/form-data")
            }
            guard let form = MultipartFormData(contentType: contentType, body: request.http.body) else {
                throw APIError.badRequest("The multipart/form-data body is malformed.")
            }
            if let wrap = form.part("wrapInHTML").map({ String(decoding: $0.body, as: UTF8.self).lowercased() }), wrap != "false" {
                guard wrap == "true" else { throw APIError.badRequest("wrapInHTML must be true or false, not '\(wrap)'.") }
                throw APIError.badRequest(
                    "wrapInHTML=true (an HTML-wrapped answer for browser iframes) is not supported; send wrapInHTML=false.")
            }
            guard let file = form.parts.first(where: { $0.filename != nil }) else {
                throw APIError.badRequest("The multipart/form-data body has no file part.")
            }
            let stored = try apis.upload(caller: caller.session, fileName: file.filename ?? "", content: file.body)
            return Responses.representation(APIRepresentation.dropboxFile(stored), root: "DropboxFileDetails", choice: choice)
        }
    }

    static func item(_ version: APIVersion) -> RSSChannel.Item {
        RSSChannel.Item(
            title: version.name, description: version.description, guid: version.id,
            categories: [
                ("uddi:soa.com:visibility", version.visibility), ("uddi:soa.com:state", version.state),
                ("uddi:soa.com:apiid", version.apiID)
            ],
            pubDate: Timestamp.parse(version.created) ?? Date(timeIntervalSince1970: 0))
    }
}

extension APIVersion: ChannelVersion {}
