import AkanaDomain
import DispatchHTTP
import Testing

@testable import AkanaAPI
@testable import AkanaDomain

/// The `Cookie` header and the session cookie's fields, from raw header text.
@Suite struct CookieParsingTests {
    func headers(_ values: String...) -> HTTPHeaders {
        var headers = HTTPHeaders()
        for value in values { headers.add("Cookie", value) }
        return headers
    }

    @Test func findsTheNamedCookieInAnyHeader() {
        #expect(Cookies.value(named: "b", in: headers("a=1; b=2")) == "2")
        #expect(Cookies.value(named: "b", in: headers("a=1", " b = x")) == nil)  // a space before '=' is part of the name
        #expect(Cookies.value(named: "b", in: headers("a=1", "\tb=\"quoted\"  ")) == "quoted")
        #expect(Cookies.value(named: "b", in: headers("bb=1; b=")) == "")
        #expect(Cookies.value(named: "b", in: headers(";;; =; b")) == nil)
        #expect(Cookies.value(named: "b", in: headers("b=1=2")) == "1=2")
        // Edges of the index-based scan: empty pairs, a name that is a prefix or suffix of another,
        // quotes that do not pair, the last pair without a value, an empty name.
        #expect(Cookies.value(named: "b", in: headers(";b=1;")) == "1")
        #expect(Cookies.value(named: "b", in: headers("ab=1; b2=2; b=3")) == "3")
        #expect(Cookies.value(named: "b", in: headers("b=\"x")) == "\"x")
        #expect(Cookies.value(named: "b", in: headers("b=\"")) == "\"")
        #expect(Cookies.value(named: "b", in: headers("a=1; b=")) == "")
        #expect(Cookies.value(named: "b", in: headers("a=1; b")) == nil)
        #expect(Cookies.value(named: "", in: headers("a=1; =e")) == "e")
        #expect(Cookies.value(named: "AtmoAuthToken_acme", in: headers("x=1; AtmoAuthToken_acme=\"v a l\" ;y=2")) == "v a l")
    }

    @Test func sessionFieldsNeedEveryPartOfTheClaim() throws {
        let good =
            "TokenID=t1,claimed_id=urn:atmosphere:user:acme:u1,issueTime=1,expirationTime=2,UserName=jane%40x,UserFDN=u1%2Eacme,AttributesIncluded=false"
        let cookie = try #require(SessionCookie.fields(Array(good.utf8)))
        #expect(cookie == SessionCookie(tokenID: "t1", tenant: "acme", userUUID: "u1", issueTime: 1, expirationTime: 2, userName: "jane@x"))
        for bad in [
            good.replacingOccurrences(of: "urn:atmosphere:user:acme:u1", with: "urn:atmosphere:user::u1"),
            good.replacingOccurrences(of: "issueTime=1", with: "issueTime=x"),
            good.replacingOccurrences(of: "UserName=jane%40x", with: "UserName=%FF"),
            good.replacingOccurrences(of: "TokenID=t1,", with: ""),
            good + ",stray"
        ] {
            #expect(SessionCookie.fields(Array(bad.utf8)) == nil, "\(bad)")
        }
    }

    @Test func aSignedCookieVerifiesAndAnEditedOneDoesNot() {
        let key = Array("0123456789abcdef0123456789abcdef".utf8)
        let cookie = SessionCookie(tokenID: "t1", tenant: "acme", userUUID: "u1", issueTime: 1, expirationTime: 2, userName: "jane")
        let value = cookie.cookieValue(key: key)
        #expect(SessionCookie.verify(value, key: key) == cookie)
        #expect(SessionCookie.verify(value.replacingOccurrences(of: "issueTime%3D1", with: "issueTime%3D9"), key: key) == nil)
        #expect(SessionCookie.verify(String(value.dropLast()), key: key) == nil)
        #expect(SessionCookie.verify(value + "A", key: key) == nil)  // a non-canonical signature
    }
}
