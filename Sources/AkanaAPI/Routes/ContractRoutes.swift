import AkanaDomain
import DispatchHTTP
import Foundation

/// `/api/contracts…` and an app version's contracts (akana help `cm/api/contracts/…`,
/// `cm/workflow/05_api_contract_wf.htm`): request, read, revise the scope, act.
enum ContractRoutes {
    static func register(into router: inout Router, environment: APIEnvironment) {
        let contracts = environment.contracts

        // POST /api/contracts — APIVersionID, RuntimeID (AppVersionID), Environment, ContractScope.
        router.add(.post, "/api/contracts", produces: [.json, .xml, .text], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            let contract = try contracts.request(caller: caller.session, input: try ContractInput(body: try request.structuredBody()))
            if choice.representation == .text { return Responses.text(contract.id) }
            return Responses.representation(ContractRepresentation.contract(contract), root: "Contract", choice: choice)
        }

        router.add(.get, "/api/contracts/{ContractID}", produces: [.json, .xml], access: .session, cached: true) { request in
            let choice = try request.choice
            let caller = try request.caller
            let contract = try contracts.contract(request.parameter("ContractID"), caller: caller.session)
            return Responses.representation(ContractRepresentation.contract(contract), root: "Contract", choice: choice)
        }

        // GET /api/contracts/{ContractID}/apidetails — the API object with the contract's API version.
        router.add(.get, "/api/contracts/{ContractID}/apidetails", produces: [.json, .xml], access: .session, cached: true) { request in
            let choice = try request.choice
            let caller = try request.caller
            let details = try contracts.apiDetails(request.parameter("ContractID"), caller: caller.session)
            return Responses.representation(
                ContractRepresentation.apiDetails(details, accessPoints: environment.accessPoints), root: "API", choice: choice)
        }

        // GET /api/contracts/{ContractID}/appdetails — the Application object with the contract's app version.
        router.add(.get, "/api/contracts/{ContractID}/appdetails", produces: [.json, .xml], access: .session, cached: true) { request in
            let choice = try request.choice
            let caller = try request.caller
            let details = try contracts.appDetails(request.parameter("ContractID"), caller: caller.session)
            return Responses.representation(ContractRepresentation.appDetails(details), root: "Application", choice: choice)
        }

        // PUT /api/contracts/{ContractID} — the ContractScope (licenses) changes.
        router.add(.put, "/api/contracts/{ContractID}", produces: [.json, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            let contract = try contracts.update(
                request.parameter("ContractID"), caller: caller.session,
                input: try ContractUpdateInput(body: try request.structuredBody()))
            return Responses.representation(ContractRepresentation.contract(contract), root: "Contract", choice: choice)
        }

        // POST /api/contracts/{ContractID}/actions — text/plain: the new state.
        router.add(.post, "/api/contracts/{ContractID}/actions", produces: [.text], access: .session) { request in
            let caller = try request.caller
            let action = try WorkflowActionInput(body: try request.structuredBody())
            return Responses.text(
                try contracts.perform(
                    request.parameter("ContractID"), actionName: action.name,
                    comments: action.comments, caller: caller.session))
        }

        // GET /api/apps/versions/{AppVersionID}/contracts[?Environment=…&ActivatedOnly=true]
        router.add(.get, "/api/apps/versions/{AppVersionID}/contracts", produces: [.json, .xml], access: .session) { request in
            let choice = try request.choice
            let caller = try request.caller
            let list = try contracts.contracts(
                appVersionID: request.parameter("AppVersionID"),
                environment: request.http.queryValue(caseInsensitive: "Environment"),
                activatedOnly: try request.booleanQuery("ActivatedOnly", default: false), caller: caller.session)
            return Self.list(list, choice: choice)
        }
    }

    /// A list of contracts: `{"Contract": [...]}` / `<Contracts><Contract>…</Contract></Contracts>`.
    static func list(_ contracts: [Contract], choice: ContentNegotiation.Choice) -> HTTPResponse {
        Responses.representation(ContractRepresentation.list(contracts), root: "Contracts", choice: choice)
    }
}
