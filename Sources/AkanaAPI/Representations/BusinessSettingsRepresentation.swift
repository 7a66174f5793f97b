import AkanaDomain
import JSONCodec

/// The business settings objects as the platform shows them: their members in the catalogue's
/// order, features as `com.soa.feature.…` strings.
enum BusinessSettingsRepresentation {
    static func json(_ settings: BusinessSettingsObject) -> JSONValue {
        .object(
            settings.values.map { name, value in
                switch value {
                case .text(let text): (name, .string(text))
                case .integer(let number): (name, .integer(number))
                case .boolean(let flag): (name, .bool(flag))
                }
            })
    }

    static func json(_ settings: BusinessSettingsService.ConnectionSettings) -> JSONValue {
        .object([
            (
                "WorkflowSetting",
                .array(
                    settings.workflowSettings.map {
                        .object([
                            ("WorkflowDefinitionKey", .string($0.workflowDefinitionKey ?? "")),
                            ("Environment", .string($0.environment)),
                            ("ConnectionCommentWorkflowDefKey", .string($0.connectionCommentWorkflowDefKey ?? ""))
                        ])
                    })
            )
        ])
    }
}
