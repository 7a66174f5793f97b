import Foundation
import SQLiteStore
import TestSupport
import Testing

@testable import AkanaDomain

@Suite struct SessionServiceTests {
    let database: TemporaryDatabase
    let clock = EmulatorClock(mode: .frozen(Date(timeIntervalSince1970: 1_800_000_000)))
    let tenants = TenantDirectory(
        defaultTenant: TenantSettings(fedmemberid: "acmepaymentscorp"),
        others: [TenantSettings(fedmemberid: "globex", hosts: ["globex.localhost"])])
    let service: SessionService
    var acme: TenantSettings { tenants.defaultTenant }

    init() throws {
        database = try TemporaryDatabase()
        let (key, created) = try PlatformBootstrap.run(
            database: database.pool, tenants: tenants,
            users: [
                SeedUser(
                    tenant: "acmepaymentscorp", email: "administrator@acmepaymentscorp.com", password: "password", name: "Administrator",
                    roles: ["SiteAdmin"]),
                SeedUser(tenant: "globex", email: "hank@globex.com", password: "s3cret", name: "Hank", roles: [])
            ],
            now: clock.now(), hasher: .fast, knownHashes: [:], ids: IDGenerator(), scope: .detached)
        #expect(created.count == 2)
        var policy = SessionPolicy()
        policy.lifetime = 30 * 60
        policy.maxLifetime = 2 * 3600
        service = SessionService(database: database.pool, clock: clock, policy: policy, signingKey: key, hasher: .fast, ids: IDGenerator())
    }

    @Test func loginIssuesACookieOfTheDocumentedShape() throws {
        let login = try service.login(tenant: acme, email: "administrator@acmepaymentscorp.com", password: "password", scope: .detached)
        #expect(login.session.userID.hasSuffix(".acmepaymentscorp"))
        #expect(login.session.roles == ["SiteAdmin"])
        #expect(login.session.expiresAt == clock.now().addingTimeInterval(1800))
        let decoded = try #require(PercentEncoding.decode(login.authCookie))
        let uuid = String(login.session.userID.prefix { $0 != "." })
        #expect(
            decoded.hasPrefix(
                "TokenID=\(login.session.tokenID),claimed_id=urn:atmosphere:user:acmepaymentscorp:\(uuid),issueTime=1800000000000,expirationTime=1800001800000,UserName=Administrator,UserFDN=\(uuid)%2Eacmepaymentscorp,AttributesIncluded=false,sig="
            ))
        #expect(login.authCookie.contains("%252Eacmepaymentscorp"))
        #expect(PercentEncoding.decode(login.session.csrfToken)?.hasPrefix("TokenID=\(login.session.tokenID),expirationTime=") == true)
        let session = try service.authenticate(tenant: acme, cookieValue: login.authCookie, scope: .detached)
        #expect(session == login.session)
    }

    @Test func wrongPasswordAndUnknownUserGetTheSameFault() throws {
        var faults: [DomainError] = []
        for (email, password) in [("administrator@acmepaymentscorp.com", "nope"), ("nobody@acmepaymentscorp.com", "password")] {
            #expect { try service.login(tenant: acme, email: email, password: password, scope: .detached) } throws: { error in
                faults.append(error as! DomainError)
                return true
            }
        }
        #expect(faults.count == 2)
        #expect(faults[0] == faults[1])
        #expect(faults[0].kind == .unauthorized)
    }

    @Test func emailIsCaseInsensitive() throws {
        _ = try service.login(tenant: acme, email: "Administrator@AcmePaymentsCorp.com", password: "password", scope: .detached)
    }

    @Test func editedOrForgedCookiesAreRefused() throws {
        let login = try service.login(tenant: acme, email: "administrator@acmepaymentscorp.com", password: "password", scope: .detached)
        let decoded = try #require(PercentEncoding.decode(login.authCookie))
        let edited = decoded.replacingOccurrences(of: "expirationTime=1800001800000", with: "expirationTime=1900001800000")
        #expect(throws: DomainError.unauthorized("The AtmoAuthToken_acmepaymentscorp cookie is not valid. Log in again.")) {
            try service.authenticate(tenant: acme, cookieValue: PercentEncoding.encode(edited), scope: .detached)
        }
        let otherKey = SessionCookie(
            tokenID: login.session.tokenID, tenant: "acmepaymentscorp", userUUID: "x", issueTime: 0, expirationTime: 0, userName: "x"
        )
        .cookieValue(key: Array(repeating: 7, count: 32))
        #expect(throws: DomainError.self) { try service.authenticate(tenant: acme, cookieValue: otherKey, scope: .detached) }
        #expect(throws: DomainError.self) { try service.authenticate(tenant: acme, cookieValue: "garbage", scope: .detached) }
        #expect(throws: DomainError.self) { try service.authenticate(tenant: acme, cookieValue: nil, scope: .detached) }
        // The decoded (not percent-encoded) form of a genuine cookie is accepted.
        _ = try service.authenticate(tenant: acme, cookieValue: decoded, scope: .detached)
    }

    @Test func sessionsExpireWithTheClock() throws {
        let login = try service.login(tenant: acme, email: "administrator@acmepaymentscorp.com", password: "password", scope: .detached)
        clock.advance(by: 29 * 60)
        _ = try service.authenticate(tenant: acme, cookieValue: login.authCookie, scope: .detached)
        clock.advance(by: 60)
        #expect(throws: DomainError.self) { try service.authenticate(tenant: acme, cookieValue: login.authCookie, scope: .detached) }
    }

    @Test func renewalExtendsButNeverPastTheCap() throws {
        let login = try service.login(tenant: acme, email: "administrator@acmepaymentscorp.com", password: "password", scope: .detached)
        let start = clock.now()
        clock.advance(by: 20 * 60)
        let renewed = try service.renew(
            try service.authenticate(tenant: acme, cookieValue: login.authCookie, scope: .detached), tenant: acme)
        #expect(renewed.session.expiresAt == start.addingTimeInterval(50 * 60))
        #expect(renewed.authCookie != login.authCookie)
        // Renew at 45, 70 and 95 minutes: the last one reaches the two-hour cap.
        var cookie = renewed.authCookie
        for _ in 0..<3 {
            clock.advance(by: 25 * 60)
            cookie = try service.renew(try service.authenticate(tenant: acme, cookieValue: cookie, scope: .detached), tenant: acme)
                .authCookie
        }
        let capped = try service.authenticate(tenant: acme, cookieValue: cookie, scope: .detached)
        #expect(capped.expiresAt == start.addingTimeInterval(2 * 3600))
        // Renewing a minute before the cap does not extend it.
        clock.advance(by: 24 * 60)
        #expect(try service.renew(capped, tenant: acme).session.expiresAt == start.addingTimeInterval(2 * 3600))
        clock.advance(by: 60)
        #expect(throws: DomainError.self) { try service.authenticate(tenant: acme, cookieValue: cookie, scope: .detached) }
    }

    @Test func logoutEndsEveryCopyOfTheCookie() throws {
        let login = try service.login(tenant: acme, email: "administrator@acmepaymentscorp.com", password: "password", scope: .detached)
        try service.logout(try service.authenticate(tenant: acme, cookieValue: login.authCookie, scope: .detached))
        #expect(throws: DomainError.self) { try service.authenticate(tenant: acme, cookieValue: login.authCookie, scope: .detached) }
        let rows = try database.pool.read { try $0.query("SELECT * FROM sessions") }
        #expect(rows.isEmpty)
    }

    @Test func repeatedFailuresLockTheAccountForAWhile() throws {
        for _ in 0..<5 {
            #expect(throws: DomainError.self) {
                try service.login(tenant: acme, email: "administrator@acmepaymentscorp.com", password: "guess", scope: .detached)
            }
        }
        // Locked: even the right password is refused, with a fault that says why.
        #expect {
            try service.login(tenant: acme, email: "administrator@acmepaymentscorp.com", password: "password", scope: .detached)
        } throws: { error in
            (error as? DomainError)?.kind == .tooManyRequests && "\(error)".contains("locked")
        }
        clock.advance(by: 301)
        _ = try service.login(tenant: acme, email: "administrator@acmepaymentscorp.com", password: "password", scope: .detached)
        let failures = try database.pool.read { try $0.query("SELECT * FROM login_failures") }
        #expect(failures.isEmpty)
    }

    @Test func aSessionOfOneTenantIsWorthlessOnAnother() throws {
        let globex = try #require(tenants.tenant(named: "globex"))
        let login = try service.login(tenant: globex, email: "hank@globex.com", password: "s3cret", scope: .detached)
        #expect(login.session.userID.hasSuffix(".globex"))
        #expect(throws: DomainError.self) { try service.authenticate(tenant: acme, cookieValue: login.authCookie, scope: .detached) }
        #expect(throws: DomainError.self) {
            try service.login(tenant: acme, email: "hank@globex.com", password: "s3cret", scope: .detached)
        }
        _ = try service.authenticate(tenant: globex, cookieValue: login.authCookie, scope: .detached)
    }

    @Test func csrfTokenIsAcceptedEncodedOrDecodedOnly() throws {
        let login = try service.login(tenant: acme, email: "administrator@acmepaymentscorp.com", password: "password", scope: .detached)
        #expect(login.session.acceptsCSRF(login.session.csrfToken))
        #expect(login.session.acceptsCSRF(try #require(PercentEncoding.decode(login.session.csrfToken))))
        #expect(!login.session.acceptsCSRF(login.session.csrfToken + "x"))
        #expect(!login.session.acceptsCSRF(""))
    }

    /// A login and a renewal carry the user's pending tasks, read in their own transaction.
    @Test func loginAndRenewalCarryThePendingTasks() throws {
        let login = try service.login(tenant: acme, email: "administrator@acmepaymentscorp.com", password: "password", scope: .detached)
        #expect(login.pendingTasks.isEmpty)
        try database.pool.write {
            try $0.run("UPDATE users SET force_password_change = 1 WHERE email = 'administrator@acmepaymentscorp.com'")
        }
        let forced = try service.login(tenant: acme, email: "administrator@acmepaymentscorp.com", password: "password", scope: .detached)
        #expect(forced.pendingTasks == [UserService.changePasswordTask])
        let session = try service.authenticate(tenant: acme, cookieValue: forced.authCookie, scope: .detached)
        #expect(try service.renew(session, tenant: acme).pendingTasks == [UserService.changePasswordTask])
    }

    /// POST /api/login/ssoLogin: only the tenant's local login domain (by id or by name).
    @Test func onlyTheLocalLoginDomainIsAccepted() throws {
        try service.requireLoginDomain("siteusers.acmepaymentscorp", tenant: acme)
        try service.requireLoginDomain("siteusers", tenant: acme)
        for domain in ["siteusers.globex", "ldap", ""] {
            #expect { try service.requireLoginDomain(domain, tenant: acme) } throws: { error in
                (error as? DomainError)?.kind == .badRequest
            }
        }
    }

    @Test func bootstrapLeavesExistingUsersAloneAndKeepsTheKey() throws {
        let first = try PlatformBootstrap.run(
            database: database.pool, tenants: tenants, users: [], now: clock.now(), hasher: .fast, knownHashes: [:], ids: IDGenerator(),
            scope: .detached)
        let again = try PlatformBootstrap.run(
            database: database.pool, tenants: tenants,
            users: [
                SeedUser(tenant: "acmepaymentscorp", email: "administrator@acmepaymentscorp.com", password: "changed", name: "X", roles: [])
            ],
            now: clock.now(), hasher: .fast, knownHashes: [:], ids: IDGenerator(), scope: .detached)
        #expect(again.createdUsers.isEmpty)
        #expect(first.signingKey == again.signingKey)
        _ = try service.login(tenant: acme, email: "administrator@acmepaymentscorp.com", password: "password", scope: .detached)
        let stored = try database.pool.read { try $0.query("SELECT password_hash FROM users") }
        #expect(try stored.allSatisfy { try $0.string("password_hash")?.hasPrefix("pbkdf2-sha256$1000$") == true })
        #expect(
            try PlatformBootstrap.accountsWithDefaultPassword(database: database.pool, hasher: .fast) == [
                "administrator@acmepaymentscorp.com"
            ])
    }
}

@Suite struct PasswordHasherTests {
    @Test func hashesAreSaltedAndVerify() {
        let hasher = PasswordHasher.fast
        let one = hasher.hash("password")
        let two = hasher.hash("password")
        #expect(one != two)
        #expect(!one.contains("password"))
        #expect(hasher.verify("password", against: one))
        #expect(!hasher.verify("Password", against: one))
        #expect(!hasher.verify("password", against: "pbkdf2-sha256$1000$bad"))
    }

    @Test func pbkdf2MatchesRFC7914Vector() {
        // RFC 7914 §11: PBKDF2-HMAC-SHA256, P="passwd", S="salt", c=1, dkLen=64.
        let derived = Crypto.pbkdf2SHA256(password: Array("passwd".utf8), salt: Array("salt".utf8), iterations: 1, length: 64)
        #expect(
            Crypto.hex(derived)
                == "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"
        )
    }

    @Test func hmacMatchesRFC4231Vector() {
        let mac = Crypto.hmacSHA256(key: Array(repeating: 0x0b, count: 20), message: Array("Hi There".utf8))
        #expect(Crypto.hex(mac) == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
    }

    @Test func idsHaveThePlatformShapes() {
        let ids = IDGenerator()
        let uuid = ids.uuid()
        #expect(uuid.count == 36 && uuid.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12])
        #expect(Array(uuid)[14] == "4")
        let local = ids.alphanumeric(40)
        #expect(local.count == 40 && local.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
        #expect(ids.hex(byteCount: 20).count == 40)
        #expect(ids.uuid() != uuid)
    }
}
