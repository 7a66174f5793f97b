/// Platform roles a user can hold.
public enum Role {
    public static let siteAdmin = "SiteAdmin"
    public static let businessAdmin = "BusinessAdmin"
    public static let schemaDesigner = "SchemaDesigner"
    public static let schemaApprover = "SchemaApprover"

    public static let all = [siteAdmin, businessAdmin, schemaDesigner, schemaApprover]
}
