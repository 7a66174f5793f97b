import SQLiteStore
import TestSupport
import Testing

@testable import AkanaDomain

/// The built-in policies shipped in `Config/policies/` and `PolicyRepository.policyExists`, which
/// licenses' `PolicyKey[]` are checked with too.
@Suite struct PolicyCatalogueTests {
    @Test func theShippedCatalogueHasEveryTypeAndUniqueNames() {
        let policies = PolicyCatalogue.builtIns(tenant: "acmepaymentscorp")
        #expect(Set(policies.map(\.type)) == Set(Policy.types))
        #expect(Set(policies.map(\.name)).count == policies.count)
        #expect(policies.allSatisfy { $0.key == "acmepaymentscorp-\($0.name)" && $0.active && !$0.subType.isEmpty })
        let security = PolicyCatalogue.builtIn(tenant: "acmepaymentscorp", key: "acmepaymentscorp-AtmosphereApplicationSecurityPolicy")
        #expect(security?.type == "Operational Policy")
        #expect(security?.subType == "policy.apisec")
        #expect(PolicyCatalogue.builtIn(tenant: "acmepaymentscorp", key: "other-AtmosphereApplicationSecurityPolicy") == nil)
        #expect(PolicyCatalogue.builtIn(tenant: "acme", key: "acmepaymentscorp-AtmosphereApplicationSecurityPolicy") == nil)
    }

    @Test func aBrokenShippedFileIsRefusedWithItsName() {
        for text in [#"{"policies": 3}"#, #"{"policies": [{"Name": "X", "Description": "", "PolicyType": "Weird", "PolicySubType": "p"}]}"#]
        {
            #expect(throws: DomainError.self) { try PolicyCatalogue.parse(text, fileName: "broken.json") }
        }
    }

    @Test func policyExistsKnowsTheBuiltInsOfTheTenantOnly() throws {
        let database = try TemporaryDatabase()
        let found = try database.pool.read(in: .detached) { db in
            try ["acmepaymentscorp-DetailedAuditing", "othertenant-DetailedAuditing", "acmepaymentscorp-NoSuchPolicy"].map {
                try PolicyRepository.policyExists(db, tenant: "acmepaymentscorp", key: $0)
            }
        }
        #expect(found == [true, false, false])
    }
}
