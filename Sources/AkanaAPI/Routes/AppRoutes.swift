import AkanaDomain
import DispatchHTTP
import Foundation

/// `/api/apps…`: apps, app versions, the app-version action and shared secrets (akana-api.md §2).
enum AppRoutes {
    /// Operations that change what the login token reflects answer with this header (§1.4).
    static let renew: HTTPHeaders = ["Atmo-Renew-Token": "renew"]

    static func register(into router: inout Router, environment: APIEnvironment, apps: AppService) {
        // POST /api/apps — text/plain AppID (legacy, `*/*`) or the Application object (JSON/XML).
        router.add(.post, "/api/apps", produces: [.text, .json, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            let app = try apps.createApp(caller: caller.session, input: try ApplicationInput(creationBody: try request.jsonBody()))
            if choice.representation == .text { return Responses.text(app.id, headers: renew) }
            return Responses.representation(AppRepresentation.application(app), root: "Application", choice: choice, headers: renew)
        }

        router.add(.get, "/api/apps/{AppID}", produces: [.json, .xml], access: .session, cached: true) { request in
            let choice = try request.choice
            let caller = try request.caller
            let app = try apps.app(request.parameter("AppID"), caller: caller.session)
            return Responses.representation(AppRepresentation.application(app), root: "Application", choice: choice)
        }

        router.add(.put, "/api/apps/{AppID}", produces: [.text], access: .session) { request in
            let caller = try request.caller
            let app = try apps.updateApp(
                request.parameter("AppID"), caller: caller.session, input: try ApplicationInput(body: try request.jsonBody()))
            return Responses.text(app.id, headers: renew)
        }

        router.add(.delete, "/api/apps/{AppID}", produces: [.text], access: .session) { request in
            let caller = try request.caller
            let id = try request.parameter("AppID")
            try apps.deleteApp(id, caller: caller.session)
            return Responses.text(id, headers: renew)
        }

        // POST /api/apps/{AppID}/versions — Name is the minimum; text/plain new AppVersionID.
        router.add(.post, "/api/apps/{AppID}/versions", produces: [.text, .json, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            let version = try apps.addVersion(
                appID: request.parameter("AppID"), caller: caller.session,
                input: try AppVersionInput(body: try request.jsonBody()))
            if choice.representation == .text { return Responses.text(version.id, headers: renew) }
            return Responses.representation(
                AppRepresentation.version(version, AppRepresentation.VersionOptions()), root: "ApplicationVersion", choice: choice,
                headers: renew)
        }

        // GET /api/apps/{AppID}/versions — an RSS-style channel.
        router.add(.get, "/api/apps/{AppID}/versions", produces: [.json, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            let (app, versions) = try apps.versions(appID: request.parameter("AppID"), caller: caller.session)
            return RSSChannel.versions(of: app.name, versions).response(choice: choice)
        }

        // GET /api/apps/versions/{AppVersionID} — seed 004.
        router.add(.get, "/api/apps/versions/{AppVersionID}", produces: [.json, .xml], access: .session, cached: true) { request in
            let choice = try request.choice
            let caller = try request.caller
            var options = AppRepresentation.VersionOptions()
            let includeSettings = try request.booleanQuery("IncludeSettings", default: false)
            options.includeTags = try request.booleanQuery("IncludeTags", default: true)
            options.includeSecurityMechanism = try request.booleanQuery("IncludeSecurityMechanism", default: true)
            options.includeDeploymentState = try request.booleanQuery("IdentityAppDeploymentState", default: true)
            // An id that cannot be one of this tenant's app versions is "invalid": 204, as seed 004 documents.
            guard let reading = try apps.version(request.parameter("AppVersionID"), caller: caller.session) else {
                return HTTPResponse(status: .noContent)
            }
            if includeSettings { options.settings = reading.settings }
            return Responses.representation(
                AppRepresentation.version(reading.version, options),
                root: "ApplicationVersion", choice: choice)
        }

        // PUT /api/apps/versions/{AppVersionID} — seed 001.
        router.add(.put, "/api/apps/versions/{AppVersionID}", produces: [.text], access: .session) { request in
            let caller = try request.caller
            let version = try apps.updateVersion(
                request.parameter("AppVersionID"), caller: caller.session,
                input: try AppVersionInput(body: try request.jsonBody()))
            return Responses.text(version.id, headers: renew)
        }

        router.add(.delete, "/api/apps/versions/{AppVersionID}", produces: [.json, .text, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            let id = try request.parameter("AppVersionID")
            _ = try apps.deleteVersion(id, caller: caller.session)
            if choice.representation == .text { return Responses.text(id, headers: renew) }
            return Responses.representation(.object([("AppVersionID", .string(id))]), root: "AppVersion", choice: choice, headers: renew)
        }

        // POST /api/apps/versions/{AppVersionID}/action — seed 000.
        router.add(.post, "/api/apps/versions/{AppVersionID}/action", produces: [.text], access: .session) { request in
            let caller = try request.caller
            let action = try WorkflowActionInput(body: try request.structuredBody())
            let id = try apps.performAction(
                versionID: request.parameter("AppVersionID"), actionName: action.name,
                comments: action.comments, caller: caller.session)
            return Responses.text(id)
        }

        router.add(.get, "/api/apps/versions/{AppVersionID}/secret", produces: [.text], access: .session) { request in
            let caller = try request.caller
            return Responses.text(try apps.secret(versionID: request.parameter("AppVersionID"), caller: caller.session))
        }

        router.add(.put, "/api/apps/versions/{AppVersionID}/secret", produces: [.text], access: .session) { request in
            let caller = try request.caller
            let id = try request.parameter("AppVersionID")
            try apps.regenerateSecret(versionID: id, caller: caller.session)
            return Responses.text(id)
        }
    }
}
