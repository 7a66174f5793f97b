/// POST /api/licenses and PUT /api/licenses/{LicenseID}: the License object, decoded at the edge
/// (a member of the wrong type is refused there). Nil: absent (on PUT, keep the stored value).
public struct LicenseInput: Sendable, Equatable {
    /// LicenseID as the body gives it (ignored on POST; on PUT, when given, the license of the URL).
    public var licenseID: String?
    public var name: String?
    public var description: String?
    public var visibility: String?
    public var sandboxAccessAutoApproved: Bool?
    public var productionAccessAutoApproved: Bool?
    public var active: Bool?
    public var environments: [String]?
    public var agreements: [LicenseAgreement]?
    public var parts: [LicensePart]?
    public var businessID: String?

    public init(
        licenseID: String? = nil, name: String? = nil, description: String? = nil, visibility: String? = nil,
        sandboxAccessAutoApproved: Bool? = nil, productionAccessAutoApproved: Bool? = nil, active: Bool? = nil,
        environments: [String]? = nil, agreements: [LicenseAgreement]? = nil, parts: [LicensePart]? = nil,
        businessID: String? = nil
    ) {
        self.licenseID = licenseID
        self.name = name
        self.description = description
        self.visibility = visibility
        self.sandboxAccessAutoApproved = sandboxAccessAutoApproved
        self.productionAccessAutoApproved = productionAccessAutoApproved
        self.active = active
        self.environments = environments
        self.agreements = agreements
        self.parts = parts
        self.businessID = businessID
    }
}
