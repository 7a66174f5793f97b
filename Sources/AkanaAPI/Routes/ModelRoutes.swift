import AkanaDomain
import DispatchHTTP
import Foundation

/// `/api/models…`: business model objects, their versions and the model workflow action
/// (akana-api.md §4; seed 003). Model and ModelVersion come as JSON or XML (`<Model>`,
/// `<ModelVersion>`); deletes and the action answer text/plain.
enum ModelRoutes {
    static func register(into router: inout Router, environment: APIEnvironment) {
        let models = environment.models

        // POST /api/models — the Model, with its first version as ModelVersion.
        router.add(.post, "/api/models", produces: [.json, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            let model = try models.createModel(caller: caller.session, input: try ModelInput(creationBody: try request.jsonBody()))
            return Responses.representation(ModelRepresentation.model(model), root: "Model", choice: choice)
        }

        // GET /api/models/{ModelID}[?IncludeVersions=true]
        router.add(.get, "/api/models/{ModelID}", produces: [.json, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            let includeVersions = try request.booleanQuery("IncludeVersions", default: false)
            let model = try models.model(request.parameter("ModelID"), caller: caller.session, includeVersions: includeVersions)
            return Responses.representation(ModelRepresentation.model(model), root: "Model", choice: choice)
        }

        // PUT /api/models/{ModelID} — the Model in the request and the response.
        router.add(.put, "/api/models/{ModelID}", produces: [.json, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            let model = try models.updateModel(
                request.parameter("ModelID"), caller: caller.session, input: try ModelInput(body: try request.jsonBody()))
            return Responses.representation(ModelRepresentation.model(model), root: "Model", choice: choice)
        }

        // DELETE /api/models/{ModelID} — 200, no content (Accept must allow text/plain).
        router.add(.delete, "/api/models/{ModelID}", produces: [.text], access: .session) { request in
            let caller = try request.caller
            try models.deleteModel(request.parameter("ModelID"), caller: caller.session)
            return HTTPResponse(status: .ok)
        }

        // POST /api/models/{ModelID}/versions — AddModelVersionRequest → the new ModelVersion.
        router.add(.post, "/api/models/{ModelID}/versions", produces: [.json, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            let version = try models.addVersion(
                modelID: request.parameter("ModelID"), caller: caller.session,
                input: try ModelVersionInput(additionBody: try request.jsonBody()))
            return Responses.representation(ModelRepresentation.version(version), root: "ModelVersion", choice: choice)
        }

        // GET /api/models/{ModelID}/versions — an RSS channel, like the app versions list. The
        // documented flags are accepted (and checked); the channel's items carry no schema or references.
        router.add(.get, "/api/models/{ModelID}/versions", produces: [.json, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            for flag in ["includeSchema", "includeReferences", "includeTargetResources"] {
                _ = try request.booleanQuery(flag, default: false)
            }
            let (model, versions) = try models.versions(modelID: request.parameter("ModelID"), caller: caller.session)
            return RSSChannel.versions(of: model.name, versions).response(choice: choice)
        }

        // GET /api/models/versions/{ModelVersionID}[?includeReferences][&IncludeTags][&IncludeActions]
        router.add(.get, "/api/models/versions/{ModelVersionID}", produces: [.json, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            let options = ModelRepresentation.VersionOptions(
                includeTags: try request.booleanQuery("IncludeTags", default: false),
                includeSchema: true,
                includeReferences: try request.booleanQuery("includeReferences", default: false))
            let version = try models.version(
                request.parameter("ModelVersionID"), caller: caller.session,
                includeActions: try request.booleanQuery("IncludeActions", default: false),
                includeReservedActions: try request.booleanQuery("IncludeReservedActions", default: false))
            return Responses.representation(ModelRepresentation.version(version, options), root: "ModelVersion", choice: choice)
        }

        // PUT /api/models/versions/{ModelVersionID} — the ModelVersion in the request and the response.
        router.add(.put, "/api/models/versions/{ModelVersionID}", produces: [.json, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            let version = try models.updateVersion(
                request.parameter("ModelVersionID"), caller: caller.session,
                input: try ModelVersionInput(body: try request.jsonBody()))
            return Responses.representation(
                ModelRepresentation.version(version, .init(includeReferences: true)), root: "ModelVersion", choice: choice)
        }

        // DELETE /api/models/versions/{ModelVersionID} — 200, no content; the last version takes its model along.
        router.add(.delete, "/api/models/versions/{ModelVersionID}", produces: [.text], access: .session) { request in
            let caller = try request.caller
            _ = try models.deleteVersion(request.parameter("ModelVersionID"), caller: caller.session)
            return HTTPResponse(status: .ok)
        }

        // POST /api/models/versions/{ModelVersionID}/action — seed 003: the Action as JSON
        // (Content-Type application/json only) → 200 text/plain with the new workflow status.
        router.add(.post, "/api/models/versions/{ModelVersionID}/action", produces: [.text], access: .session) { request in
            let caller = try request.caller
            let action = try WorkflowActionInput(body: try request.jsonBody())
            let status = try models.performAction(
                versionID: request.parameter("ModelVersionID"), actionName: action.name,
                comments: action.comments, caller: caller.session)
            return Responses.text(status)
        }
    }
}
