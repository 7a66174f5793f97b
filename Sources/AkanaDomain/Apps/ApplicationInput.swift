/// The Application's own fields (POST and PUT /api/apps…): Name, Summary, Description. Absent
/// fields are nil (PUT keeps the stored value); the version fields are an `AppVersionInput`.
struct ApplicationInput: BodyInput {
    var name: String?
    var summary: String?
    var description: String?

    static let notAnObject = "The Application must be a JSON object."

    init(_ reader: BodyReader) throws {
        name = try reader.string("Name")
        summary = try reader.string("Summary")
        description = try reader.string("Description")
    }
}
