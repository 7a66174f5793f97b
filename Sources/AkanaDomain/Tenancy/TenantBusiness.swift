/// The one business each tenant has, `tenantbusiness.<tenant>`: what every
/// `/api/businesses/{BusinessID}/…` URL and every body's `BusinessID` must name.
public enum TenantBusiness {
    public static func id(of tenant: String) -> String { "tenantbusiness.\(tenant)" }

    /// A BusinessID in a URL: the tenant's business, else 404.
    @discardableResult
    public static func named(_ businessID: String, tenant: String) throws -> String {
        guard businessID == id(of: tenant) else { throw DomainError.notFound("Business \(businessID) was not found.") }
        return businessID
    }

    /// A body's BusinessID member `field` (absent = the tenant's business): the tenant's business, else 400.
    public static func member(_ businessID: String?, tenant: String, field: String) throws -> String {
        guard let businessID else { return id(of: tenant) }
        guard businessID == id(of: tenant) else { throw DomainError.badRequest("\(field): business \(businessID) was not found.") }
        return businessID
    }
}
