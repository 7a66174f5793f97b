import AkanaDomain
import JSONCodec

/// The implementations' wire objects: APIImplementation (help `obj/o_apis_APIImplementation.htm`),
/// the APIImplementations list, and the policies attached to an implementation.
enum ImplementationRepresentation {
    /// The APIImplementation object in the documented order: Environment, Name, ImplementationCode,
    /// Description, Pattern, AccessPoints, Endpoints {Endpoint[]}, Policies {Policy[]}; then
    /// AnonymousAccessAllowed and EndpointAccessAutoApproved (what `…/info` sets) and the APIVersionID
    /// it belongs to. ServiceKey is left out: there is no Policy Manager service behind an emulated
    /// implementation. AccessPoints lists the implementation's access point on the emulated gateway
    /// (`{Category, ImplementationCode, Uri}`, the shape of an Endpoint: the help gives no sample)
    /// while the gateway listens, and is empty otherwise: an address nothing listens on would send
    /// consumers nowhere.
    static func implementation(_ details: ImplementationDetails, tenant: String, accessPoints: GatewayAccessPoints) -> JSONValue {
        let implementation = details.implementation
        let accessPoint = accessPoints.url(tenant: tenant, implementationCode: implementation.code, apiVersionID: details.apiVersionID)
        return .object([
            ("Environment", .string(implementation.environment)),
            // "The name of the service": the help gives no example of the platform's form, so the
            // emulator names it after the API, its version and the implementation code.
            ("Name", .string("\(details.apiName) (\(details.versionName)) \(implementation.code)")),
            ("ImplementationCode", .string(implementation.code)),
            ("Description", .string(implementation.description)),
            ("Pattern", .string(implementation.pattern)),
            (
                "AccessPoints",
                .array(
                    accessPoint.map { url in
                        [
                            .object([
                                ("Category", .string(implementation.environment)), ("ImplementationCode", .string(implementation.code)),
                                ("Uri", .string(url))
                            ])
                        ]
                    } ?? [])
            ),
            (
                "Endpoints",
                .object([
                    (
                        "Endpoint",
                        .array(
                            implementation.endpoints.map { url in
                                .object([
                                    ("Category", .string(implementation.environment)),
                                    ("ImplementationCode", .string(implementation.code)),
                                    ("Uri", .string(url)),
                                    ("CreateMechanism", .string(implementation.createMechanism))
                                ])
                            })
                    )
                ])
            ),
            ("Policies", .object([("Policy", .array(details.policies.map(PolicyRepresentation.policy)))])),
            ("AnonymousAccessAllowed", .bool(implementation.anonymousAccessAllowed)),
            ("EndpointAccessAutoApproved", .bool(implementation.endpointAccessAutoApproved)),
            ("APIVersionID", .string(details.apiVersionID))
        ])
    }

    /// `GET /api/apis/versions/implementations`: `{APIImplementation: [APIImplementation…]}` (root APIImplementations).
    static func list(_ list: [ImplementationDetails], tenant: String, accessPoints: GatewayAccessPoints) -> JSONValue {
        .object([("APIImplementation", .array(list.map { implementation($0, tenant: tenant, accessPoints: accessPoints) }))])
    }

    /// `GET`/`PUT …/implementations/{ImplementationCode}/policies`: `{Policy: […], ApiOperationPolicy:
    /// [{Operation: {Name, Method, Path, Description}, Policy: […]}]}` (root APIImplementationPolicies).
    static func policies(_ attached: ImplementationPolicies) -> JSONValue {
        .object([
            ("Policy", .array(attached.policies.map(PolicyRepresentation.policy))),
            (
                "ApiOperationPolicy",
                .array(
                    attached.operationPolicies.map { entry in
                        .object([
                            (
                                "Operation",
                                .object([
                                    ("Name", .string(entry.operation.name)),
                                    ("Method", .string(entry.operation.method)),
                                    ("Path", .string(entry.operation.path)),
                                    ("Description", .string(entry.operation.description))
                                ])
                            ),
                            ("Policy", .array(entry.policies.map(PolicyRepresentation.policy)))
                        ])
                    })
            )
        ])
    }
}
