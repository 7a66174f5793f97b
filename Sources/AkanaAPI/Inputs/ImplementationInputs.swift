import AkanaDomain
import JSONCodec

extension ImplementationInput {
    /// `POST /api/apis/versions/{APIVersionID}/implementations` (help `apis/m_apis_addAPIImplementation.htm`):
    /// `{ImplementationCode, Description, CreateMechanism, ProxyImplementationRequest {TargetEndpointURL[]},
    /// APIVersionID}`. ImplementationCode is required; an empty TargetEndpointURL list is an
    /// implementation with no endpoint yet (what a deployment pipeline sends).
    init(body: JSONValue) throws {
        let reader = try BodyReader(body, context: "AddAPIImplementationRequest")
        guard try reader.string("ImplementationCode") != nil else {
            throw DomainError.badRequest("AddAPIImplementationRequest.ImplementationCode is required (Sandbox or Live).")
        }
        guard let implementation = try APIImplementation.decode(body).first else {
            throw DomainError.badRequest("AddAPIImplementationRequest must be a JSON object.")
        }
        self.init(implementation: implementation, apiVersionID: try reader.string("APIVersionID"))
    }
}

extension ImplementationInfoInput {
    /// `PUT …/implementations/{ImplementationCode}/info` (help `apis/m_apis_updateAPIImplementationInfo.htm`):
    /// `{AnonymousAccessAllowed, EndpointAccessAutoApproved, Description, Pattern}`, each optional.
    init(body: JSONValue) throws {
        let reader = try BodyReader(body, context: "APIImplementationInfo")
        self.init(
            anonymousAccessAllowed: try reader.bool("AnonymousAccessAllowed"),
            endpointAccessAutoApproved: try reader.bool("EndpointAccessAutoApproved"),
            description: try reader.string("Description"), pattern: try reader.string("Pattern"))
    }
}

extension ImplementationPoliciesInput {
    /// `PUT …/implementations/{ImplementationCode}/policies` (help
    /// `apis/m_apis_modifyAPIImplementationPolicies.htm`): `{Policy: [{PolicyKey, Name, Description,
    /// PolicyType, PolicySubType}], ApiOperationPolicy: [{Operation: {Name, Method, Path…}, Policy: […]}]}`.
    /// Only PolicyKey and Operation.Name are read: the catalogue and the version's operations give the rest.
    init(body: JSONValue) throws {
        let reader = try BodyReader(body, context: "APIImplementationPolicies")
        let keys = try Self.keys(reader.value("Policy"), context: "Policy")
        var operations: [OperationPolicies] = []
        if let value = reader.value("ApiOperationPolicy") {
            let items = value.arrayValue ?? [value]
            guard items.count <= ImplementationService.maxOperations else {
                throw DomainError.badRequest("ApiOperationPolicy names more than \(ImplementationService.maxOperations) operations.")
            }
            for (index, item) in items.enumerated() {
                let context = "ApiOperationPolicy[\(index)]"
                let entry = try BodyReader(item, context: context)
                guard let operation = try entry.object("Operation"), let name = try operation.string("Name"), !name.isEmpty else {
                    throw DomainError.badRequest("\(context).Operation.Name is required.")
                }
                operations.append(
                    OperationPolicies(operationName: name, policyKeys: try Self.keys(entry.value("Policy"), context: "\(context).Policy")))
            }
        }
        self.init(policyKeys: keys, operationPolicies: operations)
    }

    /// `Policy[]` (a single object counts as a list of one): each an object with a PolicyKey.
    private static func keys(_ value: JSONValue?, context: String) throws -> [String] {
        guard let value else { return [] }
        let items = value.arrayValue ?? [value]
        guard items.count <= ImplementationService.maxPolicies else {
            throw DomainError.badRequest("\(context) has more than \(ImplementationService.maxPolicies) policies.")
        }
        return try items.enumerated().map { index, item in
            let policy = try BodyReader(item, context: "\(context)[\(index)]")
            guard let key = try policy.string("PolicyKey"), !key.isEmpty else {
                throw DomainError.badRequest("\(context)[\(index)].PolicyKey is required.")
            }
            return key
        }
    }
}
