import AkanaDomain
import DispatchHTTP
import Foundation
import JSONCodec

/// `/api/workflow/…`: the actions valid on any workflow object and performing one (seed 002), and
/// the tenant's workflow definitions (akana-api.md §3.2).
enum WorkflowRoutes {
    static func register(into router: inout Router, environment: APIEnvironment) {
        let engine = environment.workflow
        let objects = environment.workflowActions

        // GET /api/workflow/objects/{ObjectID}/actions[?IncludeReservedActions]
        router.add(.get, "/api/workflow/objects/{ObjectID}/actions", produces: [.json, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            let objectID = try request.parameter("ObjectID")
            let actions = try objects.availableActions(
                objectID: objectID,
                includeReserved: try request.booleanQuery("IncludeReservedActions", default: false),
                caller: caller.session)
            return Responses.representation(actionList(actions), root: "Actions", choice: choice)
        }

        // POST /api/workflow/objects/{ObjectID}/actions — seed 002: 200 text/plain with the new status.
        router.add(.post, "/api/workflow/objects/{ObjectID}/actions", produces: [.text], access: .session) { request in
            let caller = try request.caller
            let action = try WorkflowActionInput(body: try request.structuredBody())
            let objectID = try request.parameter("ObjectID")
            return Responses.text(try objects.perform(objectID: objectID, action: action, caller: caller.session))
        }

        // GET /api/workflow/definitions[?ObjectType=] — an RSS channel (Business and Site Admins).
        router.add(
            .get, "/api/workflow/definitions", produces: [.json, .xml],
            access: .businessOrSiteAdmin(refusal: "Only Business Admins and Site Admins can see workflow definitions.")
        ) { request in
            let choice = try request.choice
            let caller = try request.caller
            let definitions = try engine.definitions(
                tenant: caller.tenant.fedmemberid, objectType: request.http.queryValue(caseInsensitive: "ObjectType"),
                scope: request.scope)
            let items = definitions.map { definition in
                RSSChannel.Item(
                    title: definition.name, description: definition.description, guid: definition.key,
                    categories: [
                        ("uddi:soa.com:workflow:objecttype", definition.objectType),
                        ("uddi:soa.com:workflow:state", definition.isActive ? "Active" : "Inactive")
                    ],
                    created: definition.created)
            }
            return RSSChannel(title: "Workflow definitions", items: items).response(choice: choice)
        }

        // POST /api/workflow/definitions — multipart/form-data: the XML file plus Name, Description,
        // ObjectType (Site Admin). A raw XML body with those as query parameters works too.
        router.add(
            .post, "/api/workflow/definitions", produces: [.json, .xml],
            access: .siteAdmin(refusal: "Only a Site Admin can upload workflow definitions.")
        ) { request in
            let choice = try request.choice
            let caller = try request.caller
            let contentType = request.http.headers["Content-Type"] ?? ""
            var fields: [String: String] = [:]
            let xml: String
            if contentType.lowercased().hasPrefix("multipart/form-data") {
                guard let form = MultipartFormData(contentType: contentType, body: request.http.body) else {
                    throw APIError.badRequest("The multipart/form-data body is malformed.")
                }
                guard let file = form.parts.first(where: { $0.filename != nil }) ?? form.part("file") ?? form.part("Definition") else {
                    throw APIError.badRequest("The upload needs the workflow XML as a file part.")
                }
                guard let text = UntrustedText.string(file.body) else {
                    throw APIError.badRequest("The workflow definition file is not valid UTF-8.")
                }
                xml = text
                for key in ["Name", "Description", "ObjectType", "Key"] {
                    guard let part = form.part(key) else { continue }
                    guard let value = UntrustedText.string(part.body) else {
                        throw APIError.badRequest("The \(key) part is not valid UTF-8.")
                    }
                    fields[key] = value
                }
                if fields["Key"] == nil, let filename = file.filename {
                    fields["Key"] = String(filename.split(separator: "/").last ?? "").replacingOccurrences(of: ".xml", with: "")
                }
            } else if ContentNegotiation.bodyRepresentation(contentType: contentType) == .xml {
                guard let text = UntrustedText.string(request.http.body) else {
                    throw APIError.badRequest("The workflow definition is not valid UTF-8.")
                }
                xml = text
                for key in ["Name", "Description", "ObjectType", "Key"] { fields[key] = request.http.queryValue(caseInsensitive: key) }
            } else {
                throw APIError.unsupportedMediaType(
                    contentType.isEmpty ? "(none)" : contentType, accepted: "multipart/form-data or application/xml")
            }
            let stored = try engine.uploadDefinition(
                tenant: caller.tenant.fedmemberid, name: fields["Name"], key: fields["Key"],
                description: fields["Description"], objectType: fields["ObjectType"], xml: xml,
                scope: request.scope)
            return Responses.representation(definitionJSON(stored, tenant: caller.tenant), root: "WorkflowDefinition", choice: choice)
        }
    }

    static func actionList(_ actions: [WorkflowActionChoice]) -> JSONValue {
        .object([("Action", .array(actions.map { .object([("Value", .string($0.value)), ("Label", .string($0.label))]) }))])
    }

    /// The platform's WorkflowDefinition object.
    static func definitionJSON(_ definition: StoredWorkflowDefinition, tenant: TenantSettings) -> JSONValue {
        .object([
            ("Key", .string(definition.key)),
            ("Name", .string(definition.name)),
            ("Description", .string(definition.description)),
            ("ObjectType", .string(definition.objectType)),
            ("State", .string(definition.isActive ? "Active" : "Inactive")),
            ("Version", .integer(Int64(definition.version))),
            ("ObjectReferenceCount", .integer(Int64(definition.objectReferenceCount))),
            ("BusinessID", .string(tenant.tenantBusinessID)),
            ("Updated", .string(definition.created)),
            ("Warnings", .array(definition.warnings.map(JSONValue.string)))
        ])
    }
}
