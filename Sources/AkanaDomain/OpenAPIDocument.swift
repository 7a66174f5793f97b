/// The OpenAPI 3.1 document of every route the daemon serves: `Config/openapi/openapi.json`,
/// embedded at build time (see `EmbedMigrationsPlugin`), so any binary serves the document it was
/// built with.
public enum OpenAPIDocument {
    /// The file's name in `Config/openapi/`.
    public static let fileName = "openapi.json"

    /// The document's exact bytes.
    public static let bytes: [UInt8] = {
        guard let file = EmbeddedOpenAPI.files.first(where: { $0.name == fileName }) else {
            preconditionFailure("Config/openapi/\(fileName) was not embedded at build time")
        }
        return Array(file.text.utf8)
    }()
}
