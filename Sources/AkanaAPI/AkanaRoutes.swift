import Logging

/// Builds the complete route table of the emulator.
public enum AkanaRoutes {
    public static func makeApplication(
        environment: APIEnvironment, logger: Logger, adminToken: String?, execution: HandlerExecution
    ) -> AkanaApplication {
        AkanaApplication(
            router: makeRouter(environment: environment), logger: logger, adminToken: adminToken, environment: environment,
            execution: execution)
    }

    /// Every route: the one list of registrations (a routes file registers only its own routes).
    /// Each one needs its entry in Config/openapi/openapi.json (a test compares the two).
    public static func makeRouter(environment: APIEnvironment) -> Router {
        var router = Router(environment: environment)
        let table = RouteTableReference()
        OpenAPIRoutes.register(into: &router)
        EmulatorAdminRoutes.register(into: &router, environment: environment)
        EmulatorFixtureRoutes.register(into: &router, environment: environment)
        EmulatorFaultRoutes.register(into: &router, environment: environment)
        EmulatorGatewayRoutes.register(into: &router, environment: environment)
        EmulatorMetricsRoutes.register(into: &router, environment: environment)
        EmulatorBrowserRoutes.register(into: &router, environment: environment)
        EmulatorCheckpointRoutes.register(into: &router, environment: environment)
        EmulatorInstanceRoutes.register(into: &router, environment: environment)
        EmulatorTrafficRoutes.register(into: &router, environment: environment)
        EmulatorOutboxRoutes.register(into: &router, environment: environment)
        RequestJournalRoutes.register(into: &router, environment: environment, routes: table)
        LoginRoutes.register(into: &router, environment: environment)
        BusinessRoutes.register(into: &router, environment: environment)
        AppRoutes.register(into: &router, environment: environment, apps: environment.apps)
        AppTeamRoutes.register(into: &router, environment: environment, apps: environment.apps)
        GroupRoutes.register(into: &router, environment: environment)
        UserRoutes.register(into: &router, environment: environment, users: environment.users)
        SearchRoutes.register(into: &router, environment: environment)
        WorkflowRoutes.register(into: &router, environment: environment)
        ModelRoutes.register(into: &router, environment: environment)
        APIRoutes.register(into: &router, environment: environment)
        APIDefinitionRoutes.register(into: &router, environment: environment)
        ContractRoutes.register(into: &router, environment: environment)
        ImplementationRoutes.register(into: &router, environment: environment)
        PolicyRoutes.register(into: &router, environment: environment)
        LicenseRoutes.register(into: &router, environment: environment)
        ScopeRoutes.register(into: &router, environment: environment)
        MetricsRoutes.register(into: &router, environment: environment)
        PackageRoutes.register(into: &router, environment: environment)
        ContentRoutes.register(into: &router, environment: environment)
        table.set(router.table)
        return router
    }
}
