import Foundation
import PackagePlugin

/// Embeds the package's top-level `Migrations/*.sql`, `Config/workflows/*.xml` and
/// `Config/openapi/*.json` and `Config/policies/*.json` into the target as Swift source, so the binary carries its schema, its
/// shipped workflow definitions and its OpenAPI document: copied alone to an empty directory it still
/// migrates a new database and serves `/_emulator/openapi.json`. The folders stay the single source of
/// truth; the generated files are never committed.
@main
struct EmbedMigrationsPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let tool = try context.tool(named: "embed-migrations").url
        return [
            ("Migrations", "sql", "EmbeddedMigrations"),
            ("Config/workflows", "xml", "EmbeddedWorkflows"),
            ("Config/openapi", "json", "EmbeddedOpenAPI"),
            ("Config/policies", "json", "EmbeddedPolicies")
        ].map { folder, fileExtension, enumName in
            let directory = context.package.directoryURL.appending(path: folder)
            let files = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []
            let selected = files.filter { $0.pathExtension == fileExtension }.sorted { $0.lastPathComponent < $1.lastPathComponent }
            let output = context.pluginWorkDirectoryURL.appending(path: "\(enumName).swift")
            return .buildCommand(
                displayName: "Embedding \(selected.count) file(s) from \(folder)/",
                executable: tool,
                arguments: [output.path(), enumName] + selected.map { $0.path() },
                inputFiles: selected,
                outputFiles: [output]
            )
        }
    }
}
