/// App and model visibility values as the API spells them.
public enum Visibility {
    public static let `public` = "Public"
    /// "Private" in the UI: only the team sees it.
    public static let limited = "Limited"
    public static let registeredUsers = "com.soa.visibility.registered.users"

    /// The API value for `text`, accepting the UI names too; nil for anything else.
    public static func normalize(_ text: String) -> String? {
        switch text.lowercased() {
        case "public": return `public`
        case "limited", "private": return limited
        case "com.soa.visibility.registered.users", "registered users", "registeredusers": return registeredUsers
        default: return nil
        }
    }
}
