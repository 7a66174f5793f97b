import DispatchHTTP
import FuzzSupport

@testable import AkanaAPI
@testable import AkanaDomain

private let key = Array("fuzzing signing key, 32 bytes..!".utf8)

/// libFuzzer entry: the input as a `Cookie` header (the auth cookie is looked up in it and
/// verified), and as a session-cookie payload whose signature passed (the field parser). A cookie
/// the parser accepts must, written and signed again, verify to the same fields.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCookies(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let header = String(decoding: bytes, as: UTF8.self)
    var headers = HTTPHeaders()
    headers.add("Cookie", header)
    if let value = Cookies.value(named: "AtmoAuthToken_acmepaymentscorp", in: headers) {
        _ = SessionCookie.verify(value, key: key)
    }
    _ = SessionCookie.verify(header, key: key)
    if let cookie = SessionCookie.fields(bytes), !cookie.tokenID.contains(","), !cookie.tenant.contains(","),
        !cookie.userUUID.contains(","), !cookie.userUUID.contains(":"), !cookie.tenant.contains(":"), !cookie.tokenID.contains("=")
    {
        guard SessionCookie.verify(cookie.cookieValue(key: key), key: key) == cookie else {
            fatalError("a signed cookie did not verify to its own fields")
        }
    }
    return 0
}

/// SwiftPM links an executable target's entry point as `fuzz_cookies_main`; it hands over to libFuzzer.
@_cdecl("fuzz_cookies_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv, fuzzCookies)
}
