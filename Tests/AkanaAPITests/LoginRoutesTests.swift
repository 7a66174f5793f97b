import AkanaDomain
import DispatchHTTP
import Foundation
import Testing

@testable import AkanaAPI

@Suite struct LoginRoutesTests {
    let app: TestApp
    init() throws { app = try TestApp() }

    @Test func loginAnswersTheLoginResponseAndBothCookies() throws {
        let response = try app.send(
            .post, "/api/login", headers: ["Content-Type": "application/json", "Accept": "application/json"],
            body: #"{"email":"administrator@acmepaymentscorp.com","password":"password"}"#)
        #expect(response.status == .ok)
        let body = try response.json()
        #expect(
            body.objectMembers?.map(\.0) == [
                "userName", "userFDN", "loginDomainID", "Status", "pendingNotifications", "pendingTasks", "authTokenValidUntil"
            ])
        #expect(body["userName"] == .string("Administrator"))
        #expect(body["userFDN"]?.stringValue?.hasSuffix(".acmepaymentscorp") == true)
        #expect(body["loginDomainID"] == .string("siteusers.acmepaymentscorp"))
        #expect(body["Status"] == .string("Success"))
        #expect(body["authTokenValidUntil"] == .string("2027-01-15T08:30:00Z"))
        let cookies = response.headers.values("Set-Cookie")
        #expect(cookies.count == 2)
        #expect(cookies[0].hasPrefix("AtmoAuthToken_acmepaymentscorp=TokenID%3D"))
        #expect(cookies[0].hasSuffix("; Path=/; HttpOnly"))
        #expect(!cookies[0].contains("Secure"))
        #expect(cookies[1].hasPrefix("Csrf-Token_acmepaymentscorp=TokenID%3D"))
        #expect(cookies[1].hasSuffix("; Path=/"))
    }

    @Test func formEncodedLoginAndTrailingCommaJSONWork() throws {
        let form = try app.send(
            .post, "/api/login", headers: ["Content-Type": "application/x-www-form-urlencoded"],
            body: "email=jane%40acmepaymentscorp.com&password=password")
        #expect(form.status == .ok)
        let lenient = try app.send(
            .post, "/api/login", headers: ["Content-Type": "application/json"],
            body: "{\n \"email\": \"jane@acmepaymentscorp.com\",\n \"password\": \"password\",\n}")
        #expect(lenient.status == .ok)
    }

    @Test func badLoginsAre401FaultsAndBadBodies400Or415() throws {
        let wrong = try app.send(
            .post, "/api/login", headers: ["Content-Type": "application/json"],
            body: #"{"email":"jane@acmepaymentscorp.com","password":"x"}"#)
        let unknown = try app.send(
            .post, "/api/login", headers: ["Content-Type": "application/json"],
            body: #"{"email":"who@acmepaymentscorp.com","password":"x"}"#)
        #expect(wrong.status == .unauthorized && unknown.status == .unauthorized)
        #expect(wrong.body == unknown.body)
        #expect(try wrong.json()["faultcode"] == .string("Client"))
        #expect(wrong.headers.values("Set-Cookie").isEmpty)
        #expect(try app.send(.post, "/api/login", headers: ["Content-Type": "application/json"], body: "{nope").status == .badRequest)
        #expect(
            try app.send(.post, "/api/login", headers: ["Content-Type": "application/json"], body: #"{"email":"a@b"}"#).status
                == .badRequest)
        #expect(try app.send(.post, "/api/login", headers: ["Content-Type": "text/csv"], body: "a,b").status == .unsupportedMediaType)
    }

    @Test func protectedRoutesNeedAValidCookie() throws {
        #expect(try app.send(.get, "/api/login/status").status == .unauthorized)
        #expect(
            try app.send(.get, "/api/login/status", headers: ["Cookie": "AtmoAuthToken_acmepaymentscorp=forged"]).status == .unauthorized)
        let session = try app.login()
        let status = try app.send(.get, "/api/login/status", headers: ["Cookie": session.cookieHeader])
        #expect(status.status == .ok)
        #expect(try status.json()["userName"] == .string("Administrator"))
        // An edited cookie (one digit of the expiry changed) is refused.
        let edited = session.cookieHeader.replacingOccurrences(of: "expirationTime%3D18", with: "expirationTime%3D19")
        #expect(edited != session.cookieHeader)
        #expect(try app.send(.get, "/api/login/status", headers: ["Cookie": edited]).status == .unauthorized)
        // Expired after 30 minutes on the clock.
        app.clock.advance(by: 31 * 60)
        #expect(try app.send(.get, "/api/login/status", headers: ["Cookie": session.cookieHeader]).status == .unauthorized)
    }

    @Test func writesNeedTheCSRFHeaderReadsDoNot() throws {
        let session = try app.login()
        #expect(try app.send(.post, "/api/login/renewToken", headers: ["Cookie": session.cookieHeader]).status == .unauthorized)
        #expect(
            try app.send(
                .post, "/api/login/renewToken", headers: ["Cookie": session.cookieHeader, "X-Csrf-Token_acmepaymentscorp": "wrong"]
            ).status == .unauthorized)
        let renewed = try app.send(
            .post, "/api/login/renewToken", headers: ["Cookie": session.cookieHeader, "X-Csrf-Token_acmepaymentscorp": session.csrf])
        #expect(renewed.status == .ok)
        #expect(renewed.headers["Set-Cookie"]?.hasPrefix("AtmoAuthToken_acmepaymentscorp=") == true)
        // The decoded form of the token is accepted as well.
        let decoded = try #require(PercentEncoding.decode(session.csrf))
        #expect(
            try app.send(
                .post, "/api/login/renewToken", headers: ["Cookie": session.cookieHeader, "X-Csrf-Token_acmepaymentscorp": decoded]
            ).status == .ok)
        #expect(try app.send(.get, "/api/login/status", headers: ["Cookie": session.cookieHeader]).status == .ok)
    }

    @Test func renewalExtendsTheSession() throws {
        let session = try app.login()
        app.clock.advance(by: 20 * 60)
        let renewed = try app.send(
            .post, "/api/login/renewToken", headers: ["Cookie": session.cookieHeader, "X-Csrf-Token_acmepaymentscorp": session.csrf])
        #expect(try renewed.json()["authTokenValidUntil"] == .string("2027-01-15T08:50:00Z"))
        app.clock.advance(by: 20 * 60)
        #expect(try app.send(.get, "/api/login/status", headers: ["Cookie": session.cookieHeader]).status == .ok)
    }

    @Test func logoutDeletesTheSessionAndExpiresTheCookies() throws {
        let session = try app.login()
        let response = try app.send(
            .post, "/api/login/logout", headers: ["Cookie": session.cookieHeader, "X-Csrf-Token_acmepaymentscorp": session.csrf])
        #expect(response.status == .ok)
        #expect(response.body.isEmpty)
        #expect(
            response.headers.values("Set-Cookie").contains(
                "AtmoAuthToken_acmepaymentscorp=none; Path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT"))
        #expect(try app.send(.get, "/api/login/status", headers: ["Cookie": session.cookieHeader]).status == .unauthorized)
        #expect(try app.pool.read { try $0.query("SELECT * FROM sessions") }.isEmpty)
    }

    @Test func endSessionEndsTheSession() throws {
        let session = try app.login()
        let response = try app.send(.get, "/api/login/endsession?returnInstructions=true", headers: ["Cookie": session.cookieHeader])
        #expect(response.status == .ok)
        #expect(try response.json()["IDPLogoutInfo"] == .array([]))
        #expect(try app.send(.get, "/api/login/status", headers: ["Cookie": session.cookieHeader]).status == .unauthorized)
    }

    @Test func repeatedFailuresAreThrottled() throws {
        for _ in 0..<5 {
            _ = try app.send(
                .post, "/api/login", headers: ["Content-Type": "application/json"],
                body: #"{"email":"jane@acmepaymentscorp.com","password":"guess"}"#)
        }
        let locked = try app.send(
            .post, "/api/login", headers: ["Content-Type": "application/json"],
            body: #"{"email":"jane@acmepaymentscorp.com","password":"password"}"#)
        #expect(locked.status == .tooManyRequests)
        #expect(try locked.json()["faultstring"]?.stringValue?.contains("locked") == true)
        #expect(try app.login(TestApp.admin).authCookie.isEmpty == false)
    }

    @Test func businessSettingsReportTheCSRFFlags() throws {
        let session = try app.login()
        let response = try app.send(
            .get, "/api/businesses/tenantbusiness.acmepaymentscorp/settings?IncludeSecuritySettings=true",
            headers: ["Cookie": session.cookieHeader])
        #expect(response.status == .ok)
        #expect(try response.json()["ReadRequestCSRFSupport"] == .bool(false))
        #expect(try response.json()["WriteRequestCSRFSupport"] == .bool(true))
        #expect(
            try app.send(.get, "/api/businesses/tenantbusiness.other/settings", headers: ["Cookie": session.cookieHeader]).status
                == .notFound)
        #expect(
            try app.send(
                .get, "/api/businesses/tenantbusiness.acmepaymentscorp/settings?IncludeSecuritySettings=maybe",
                headers: ["Cookie": session.cookieHeader]
            ).status == .badRequest)
    }
}

@Suite struct CSRFSettingsMatrixTests {
    @Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
    func readAndWriteSwitches(read: Bool, write: Bool) throws {
        let app = try TestApp(
            tenants: TenantDirectory(
                defaultTenant: TenantSettings(fedmemberid: "acmepaymentscorp", readRequestCSRF: read, writeRequestCSRF: write)))
        let login = try app.send(
            .post, "/api/login", headers: ["Content-Type": "application/json"],
            body: #"{"email":"jane@acmepaymentscorp.com","password":"password"}"#)
        // The CSRF cookie is set only when either switch is on.
        #expect(login.headers.values("Set-Cookie").count == (read || write ? 2 : 1))
        let session = try app.login(TestApp.jane)
        let getWithout = try app.send(.get, "/api/login/status", headers: ["Cookie": session.cookieHeader])
        #expect(getWithout.status == (read ? .unauthorized : .ok))
        let postWithout = try app.send(.post, "/api/login/renewToken", headers: ["Cookie": session.cookieHeader])
        #expect(postWithout.status == (write ? .unauthorized : .ok))
        if read || write {
            #expect(
                try app.send(
                    .get, "/api/login/status", headers: ["Cookie": session.cookieHeader, "X-Csrf-Token_acmepaymentscorp": session.csrf]
                ).status == .ok)
            #expect(
                try app.send(
                    .post, "/api/login/renewToken", headers: ["Cookie": session.cookieHeader, "X-Csrf-Token_acmepaymentscorp": session.csrf]
                ).status == .ok)
        }
    }
}

@Suite struct TenantTests {
    @Test func twoTenantsSideBySide() throws {
        let app = try TestApp(
            tenants: TenantDirectory(
                defaultTenant: TenantSettings(fedmemberid: "acmepaymentscorp"),
                others: [TenantSettings(fedmemberid: "globex", hosts: ["globex.localhost"])]),
            users: [
                SeedUser(
                    tenant: "acmepaymentscorp", email: TestApp.admin, password: "password", name: "Administrator", roles: ["SiteAdmin"]),
                SeedUser(tenant: "globex", email: "hank@globex.com", password: "password", name: "Hank", roles: [])
            ])
        let globex = try app.login("hank@globex.com", host: "globex.localhost:8080")
        #expect(globex.cookieHeader.contains("AtmoAuthToken_globex="))
        #expect(try app.send(.get, "/api/login/status", headers: ["Cookie": globex.cookieHeader, "Host": "globex.localhost"]).status == .ok)
        // The globex session is worthless on the default tenant, even under the right cookie name.
        let renamed = "AtmoAuthToken_acmepaymentscorp=\(globex.authCookie)"
        #expect(try app.send(.get, "/api/login/status", headers: ["Cookie": renamed]).status == .unauthorized)
        #expect(throws: (any Error).self) { try app.login("hank@globex.com") }
        let acme = try app.login()
        #expect(
            try app.send(.get, "/api/login/status", headers: ["Cookie": acme.cookieHeader, "Host": "globex.localhost"]).status
                == .unauthorized)
    }
}
