import Testing

@testable import AkanaDomain

/// Rules the routes used to decide themselves: the tenant business's id, the login domain.
@Suite struct TenancyRulesTests {
    let acme = TenantSettings(fedmemberid: "acmepaymentscorp", readRequestCSRF: true, writeRequestCSRF: false)

    @Test func onlyTheTenantBusinessHasSettings() throws {
        let settings = try acme.businessSettings("tenantbusiness.acmepaymentscorp")
        #expect(
            settings == BusinessSettings(businessID: "tenantbusiness.acmepaymentscorp", readRequestCSRF: true, writeRequestCSRF: false))
        #expect { try acme.businessSettings("tenantbusiness.globex") } throws: { error in
            (error as? DomainError)?.kind == .notFound
                && (error as? DomainError)?.message == "Business tenantbusiness.globex was not found."
        }
    }
}
