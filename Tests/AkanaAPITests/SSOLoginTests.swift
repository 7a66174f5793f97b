import AkanaDomain
import DispatchHTTP
import Testing

@testable import AkanaAPI

/// POST /api/login/ssoLogin: the local login domain, with POST /api/login's cookies, throttling and faults.
@Suite struct SSOLoginTests {
    let app: TestApp
    init() throws { app = try TestApp() }

    func sso(_ body: String, contentType: String = "application/x-www-form-urlencoded") throws -> HTTPResponse {
        try app.send(.post, "/api/login/ssoLogin", headers: ["Content-Type": contentType, "Accept": "application/json"], body: body)
    }

    @Test func theLocalDomainLogsInWithTheSameCookies() throws {
        let response = try sso("domain=siteusers.acmepaymentscorp&identity_username=jane%40acmepaymentscorp.com&secret_password=password")
        #expect(response.status == .ok)
        #expect(try response.json()["userName"] == .string("Jane"))
        #expect(try response.json()["loginDomainID"] == .string("siteusers.acmepaymentscorp"))
        let cookies = response.headers.values("Set-Cookie")
        #expect(cookies.count == 2)
        #expect(cookies[0].hasPrefix("AtmoAuthToken_acmepaymentscorp=TokenID%3D"))
        #expect(cookies[1].hasPrefix("Csrf-Token_acmepaymentscorp=TokenID%3D"))
        // The cookie works like a POST /api/login one.
        let auth = String(cookies[0].prefix { $0 != ";" })
        #expect(try app.send(.get, "/api/login/status", headers: ["Cookie": auth]).status == .ok)
        #expect(try sso("domain=siteusers&identity_username=jane%40acmepaymentscorp.com&secret_password=password").status == .ok)
    }

    @Test func faultsAndThrottlingAreThoseOfTheLogin() throws {
        let wrong = try sso("domain=siteusers.acmepaymentscorp&identity_username=jane%40acmepaymentscorp.com&secret_password=x")
        let viaLogin = try app.send(
            .post, "/api/login", headers: ["Content-Type": "application/json"],
            body: #"{"email":"jane@acmepaymentscorp.com","password":"x"}"#)
        #expect(wrong.status == .unauthorized)
        #expect(wrong.body == viaLogin.body)
        #expect(try sso("domain=ldap.example&identity_username=jane%40acmepaymentscorp.com&secret_password=password").status == .badRequest)
        #expect(try sso("identity_username=jane%40acmepaymentscorp.com&secret_password=password").status == .badRequest)
        #expect(try sso("domain=siteusers&secret_password=password").status == .badRequest)
        #expect(try sso("domain=siteusers&identity_username=jane%40acmepaymentscorp.com").status == .badRequest)
        #expect(try sso("domain=%zz").status == .badRequest)
        #expect(try sso(#"{"domain":"siteusers"}"#, contentType: "application/json").status == .unsupportedMediaType)
        // Failures through either operation count towards one lock.
        for _ in 0..<3 { _ = try sso("domain=siteusers&identity_username=jane%40acmepaymentscorp.com&secret_password=guess") }
        #expect(
            try sso("domain=siteusers&identity_username=jane%40acmepaymentscorp.com&secret_password=password").status == .tooManyRequests)
    }
}
