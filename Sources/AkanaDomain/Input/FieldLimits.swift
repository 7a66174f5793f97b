/// The one length rule for every string a request stores (documented in docs/api-coverage.md,
/// "Field limits"). A field's limit follows from its member name, whatever object carries it:
///
/// | Member | Limit (characters) |
/// |---|---|
/// | `Name`, `VersionName` and every other short value (ids, `Identity`, `SharedSecret`, `BusinessID`, `ModelCategory`, `ObjectType`, `Key`, `ActionName`, emails, each `Tag`) | 255 |
/// | `Summary` | 1,024 |
/// | `WebsiteAddress` | 2,048 |
/// | `Description`, `VersionDescription`, `Message`, each of `Comments` | 8,192 |
/// | `password` and `secret_password` (login, ssoLogin), `Password`, `OldPassword`, `NewPassword` | 1,024 |
/// | `Schema`, a workflow definition's XML | none beyond `limits.maxBodyBytes` (documents) |
///
/// Lists: at most 100 tags and 100 comments. Characters are Swift `Character`s (what a person
/// counts: `é` is one, however it is encoded). A violation is a 400 that names the field.
public enum FieldLimits {
    public static let short = 255
    public static let summary = 1_024
    public static let websiteAddress = 2_048
    public static let longText = 8_192
    public static let password = 1_024
    public static let maxListItems = 100

    /// The limit of a member (`"Application.Summary"` and `"Summary"` alike: the last component decides).
    public static func limit(for field: String) -> Int {
        let member = field.split(separator: ".").last.map { $0.lowercased() } ?? ""
        switch member {
        case "summary": return summary
        case "websiteaddress": return websiteAddress
        case "description", "versiondescription", "comments", "message": return longText
        case "password", "secret_password", "oldpassword", "newpassword": return password
        case "schema": return Int.max  // a document: bounded by the body size
        default: return short
        }
    }

    /// Whether `text` has at most `limit` characters: the one way every length limit is counted.
    public static func fits(_ text: String, _ limit: Int) -> Bool {
        // Most values are short ASCII: the byte count bounds the character count from above.
        text.utf8.count <= limit || text.count <= limit
    }

    /// `text` when it is within `field`'s limit; otherwise a 400 naming the field.
    @discardableResult
    public static func check(_ text: String, field: String) throws(DomainError) -> String {
        let limit = limit(for: field)
        guard !fits(text, limit) else { return text }
        throw DomainError.badRequest("\(field) is longer than \(limit) characters.")
    }

    /// Every item of a list within the field's limit, and at most `maxListItems` items.
    @discardableResult
    public static func check(_ items: [String], field: String) throws(DomainError) -> [String] {
        guard items.count <= maxListItems else {
            throw DomainError.badRequest("\(field) has \(items.count) entries; at most \(maxListItems) are accepted.")
        }
        for item in items { try check(item, field: field) }
        return items
    }
}
