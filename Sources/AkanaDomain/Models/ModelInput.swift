/// The model's own fields (POST /api/models top level, PUT /api/models/{ModelID}).
struct ModelFields: BodyInput {
    var name: String?
    var summary: String?
    var description: String?
    var category: String?
    var visibility: String?
    var businessID: String?
    var tags: [String]?

    init(_ reader: BodyReader) throws {
        name = try reader.name("Name")
        summary = try reader.string("Summary")
        description = try reader.string("Description")
        category = try reader.string("ModelCategory")
        visibility = try reader.visibility()
        businessID = try reader.string("BusinessID").flatMap { $0.isEmpty ? nil : $0 }
        tags = try reader.tags()
    }
}
