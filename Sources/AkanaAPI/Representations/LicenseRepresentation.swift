import AkanaDomain
import JSONCodec

/// The licenses' wire objects (m_licenses_addLicense; o_businesses_License, o_businesses_LicenseDetails).
enum LicenseRepresentation {
    /// The License object, in the object page's member order (POST, PUT and DELETE answer it).
    static func license(_ license: LicenseDetails) -> JSONValue {
        object(license, partsKey: "LicenseParts")
    }

    /// The LicenseDetails object (GET /api/licenses/{LicenseID}, the licenses of an API version):
    /// the License with its parts under `LicensePartsDetails`. The help pages that could be read
    /// do not show what LicensePartsDetails holds; it holds the parts as LicenseParts does
    /// (`LicensePart[{Name, ResourceID[], PolicyKey[]}]`).
    static func details(_ license: LicenseDetails) -> JSONValue {
        object(license, partsKey: "LicensePartsDetails")
    }

    /// The licenses that apply to an API version: `{"License": [LicenseDetails…]}`. The response
    /// section of m_apis_getAPILicenses could not be read; this is the object list the page's
    /// "LicenseDetails … operations that reference the APILicense object" points to.
    static func list(_ licenses: [LicenseDetails]) -> JSONValue {
        .object([("License", .array(licenses.map(details)))])
    }

    private static func object(_ license: LicenseDetails, partsKey: String) -> JSONValue {
        .object([
            ("LicenseID", .string(license.id)),
            ("Name", .string(license.name)),
            ("Description", .string(license.description)),
            ("Visibility", .string(license.visibility)),
            ("SandboxAccessAutoApproved", .bool(license.sandboxAccessAutoApproved)),
            ("ProductionAccessAutoApproved", .bool(license.productionAccessAutoApproved)),
            (partsKey, .object([("LicensePart", .array(license.parts.map(part)))])),
            ("BusinessID", .string(license.businessID)),
            ("Active", .bool(license.active)),
            ("Environment", .array(license.environments.map(JSONValue.string))),
            ("AgreementDetails", .object([("AgreementDocument", .array(license.agreements.map(agreement)))]))
        ])
    }

    private static func part(_ part: LicensePart) -> JSONValue {
        var members: [(String, JSONValue)] = []
        if !part.name.isEmpty { members.append(("Name", .string(part.name))) }
        members.append(("ResourceID", .array(part.scopeIDs.map(JSONValue.string))))
        members.append(("PolicyKey", .array(part.policyKeys.map(JSONValue.string))))
        return .object(members)
    }

    private static func agreement(_ agreement: LicenseAgreement) -> JSONValue {
        .object([
            ("Name", .string(agreement.name)),
            ("Description", .string(agreement.description)),
            ("ContentPath", .string(agreement.contentPath)),
            ("AgreementType", .string(agreement.agreementType))
        ])
    }
}
