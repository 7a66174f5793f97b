import Foundation
import SQLiteStore
import Testing

@testable import AkanaDomain

/// LicenseService and ScopeService over a real database: tenants do not see or use each other's
/// scopes and licenses, refusals change nothing, and the auto-approval flags reach `License`,
/// which contracts read.
@Suite struct LicenseServiceTests {
    static let other = "othercorp"

    let fixture: WorkflowFixture
    let licenses: LicenseService
    let scopes: ScopeService
    let bob = ModelServiceTests.session("bob", [Role.businessAdmin])
    let jane = ModelServiceTests.session("jane", [])
    let stranger: AuthenticatedSession

    init() throws {
        fixture = try WorkflowFixture()
        try fixture.pool.write { db in
            try db.run("INSERT INTO tenants (fedmemberid, created) VALUES (?, ?)", Self.other, "2026-01-01T00:00:00Z")
        }
        licenses = LicenseService(database: fixture.pool, clock: fixture.clock, ids: IDGenerator())
        scopes = ScopeService(database: fixture.pool, clock: fixture.clock, ids: IDGenerator())
        var stranger = ModelServiceTests.session("sam", [Role.businessAdmin])
        stranger.tenant = Self.other
        self.stranger = stranger
    }

    func count(_ table: String) throws -> Int {
        try fixture.pool.read { db in try db.queryFirst("SELECT COUNT(*) FROM \(table)")?.int(0) ?? -1 }
    }

    @Test func anotherTenantsScopesAndLicensesAreNotThere() throws {
        let theirs = try scopes.addScope(
            businessID: "tenantbusiness.\(Self.other)", caller: stranger, input: ScopeInput(name: "Theirs"))
        let theirLicense = try licenses.addLicense(
            caller: stranger, input: LicenseInput(name: "Theirs", parts: [LicensePart(scopeIDs: [theirs.id], policyKeys: [])]))
        #expect(theirs.id.hasSuffix(".\(Self.other)"))
        // Acme's Business Admin can neither name their scope nor read their license or scope.
        expectDomainError(.badRequest, "not a scope of this tenant") {
            _ = try licenses.addLicense(
                caller: bob, input: LicenseInput(name: "Ours", parts: [LicensePart(scopeIDs: [theirs.id], policyKeys: [])]))
        }
        expectDomainError(.notFound) { _ = try licenses.license(theirLicense.id, caller: bob) }
        expectDomainError(.notFound) { _ = try scopes.scope(theirs.id, caller: bob) }
        expectDomainError(.notFound) { _ = try scopes.scopes(businessID: "tenantbusiness.\(Self.other)", caller: bob) }
        #expect(try scopes.scopes(businessID: "tenantbusiness.\(WorkflowFixture.tenant)", caller: jane).isEmpty)
        #expect(try count("licenses") == 1)
    }

    @Test func onlyAdminsChangeAndTheFlagsReachTheContractsView() throws {
        let scope = try scopes.addScope(
            businessID: "tenantbusiness.\(WorkflowFixture.tenant)", caller: bob, input: ScopeInput(name: "Bronze"))
        expectDomainError(.forbidden) {
            _ = try scopes.addScope(businessID: "tenantbusiness.\(WorkflowFixture.tenant)", caller: jane, input: ScopeInput(name: "x"))
        }
        expectDomainError(.forbidden) { _ = try licenses.addLicense(caller: jane, input: LicenseInput(name: "x")) }
        let license = try licenses.addLicense(
            caller: bob,
            input: LicenseInput(
                name: "Bronze", sandboxAccessAutoApproved: true, environments: ["sandbox"],
                parts: [LicensePart(scopeIDs: [scope.id], policyKeys: ["acmepaymentscorp-ThroughputLimit"])]))
        #expect(license.environments == ["Sandbox"])
        let seen = try fixture.pool.read { db in try LicenseRepository.details(db, id: license.id) }
        #expect(seen?.sandboxAccessAutoApproved == true)
        #expect(seen?.productionAccessAutoApproved == false)
        expectDomainError(.badRequest, "PolicyKey") {
            _ = try licenses.updateLicense(
                license.id, caller: bob, input: LicenseInput(parts: [LicensePart(scopeIDs: [scope.id], policyKeys: [" "])]))
        }
        expectDomainError(.badRequest, "not a policy of this tenant") {
            _ = try licenses.updateLicense(
                license.id, caller: bob,
                input: LicenseInput(parts: [LicensePart(scopeIDs: [scope.id], policyKeys: ["\(Self.other)-ThroughputLimit"])]))
        }
        #expect(try licenses.license(license.id, caller: jane).parts.first?.policyKeys == ["acmepaymentscorp-ThroughputLimit"])
    }
}
