/// `GET /api/businesses/{BusinessID}/settings`: the tenant business's settings. A tenant has one
/// business, `tenantbusiness.<fedmemberid>`; any other id is not found.
public struct BusinessSettings: Sendable, Equatable {
    public var businessID: String
    /// `ReadRequestCSRFSupport`.
    public var readRequestCSRF: Bool
    /// `WriteRequestCSRFSupport`.
    public var writeRequestCSRF: Bool
}

extension TenantSettings {
    /// The settings of business `businessID`: the tenant's own business, else not found.
    public func businessSettings(_ businessID: String) throws -> BusinessSettings {
        try TenantBusiness.named(businessID, tenant: fedmemberid)
        return BusinessSettings(businessID: businessID, readRequestCSRF: readRequestCSRF, writeRequestCSRF: writeRequestCSRF)
    }
}
