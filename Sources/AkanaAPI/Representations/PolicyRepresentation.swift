import AkanaDomain
import Foundation
import JSONCodec

/// The policies' wire shapes (help `policies/m_policies_getPoliciesList.htm`).
enum PolicyRepresentation {
    /// A policy as the attach body names it (help `apis/m_apis_modifyAPIImplementationPolicies.htm`):
    /// PolicyKey, Name, Description, PolicyType, PolicySubType.
    static func policy(_ policy: Policy) -> JSONValue {
        .object([
            ("PolicyKey", .string(policy.key)),
            ("Name", .string(policy.name)),
            ("Description", .string(policy.description)),
            ("PolicyType", .string(policy.type)),
            ("PolicySubType", .string(policy.subType))
        ])
    }

    /// One policy with its state, for `GET /api/policies/{PolicyKey}` and the v2020 list.
    static func detail(_ policy: Policy) -> JSONValue {
        guard case .object(var members) = Self.policy(policy) else { return .null }
        if let businessID = policy.businessID { members.append(("BusinessID", .string(businessID))) }
        members.append(("Active", .bool(policy.active)))
        return .object(members)
    }

    /// The JSON object form of the list (`application/vnd.akana.v2020+json`): `{Policy: […]}`.
    static func list(_ policies: [Policy]) -> JSONValue {
        .object([("Policy", .array(policies.map(detail)))])
    }

    /// The RSS form of the list (`application/json`, `vnd.soa.v71–v81`, XML): each item's title is the
    /// policy's Name, its guid the PolicyKey, `category[0]` the sub-type and `category[1]` the type
    /// (what rwctl and deployment pipelines read). Policies carry no date: pubDate is the epoch.
    static func channel(_ policies: [Policy]) -> RSSChannel {
        RSSChannel(
            title: "Policies",
            items: policies.map { policy in
                RSSChannel.Item(
                    title: policy.name, description: policy.description, guid: policy.key,
                    categories: [("uddi:soa.com:policysubtype", policy.subType), ("uddi:soa.com:policytype", policy.type)],
                    pubDate: Date(timeIntervalSince1970: 0))
            })
    }

    /// Whether the negotiated form is the JSON object one (`application/vnd.akana.v2020+json`).
    static func wantsObjectForm(_ choice: ContentNegotiation.Choice) -> Bool {
        choice.contentType.lowercased().hasPrefix("application/vnd.akana.v2020")
    }
}
