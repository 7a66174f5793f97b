import TestSupport

extension RawHTTPClient {
    /// Logs the default Site Admin in and returns what a client sends on its writes: the session's
    /// cookies and the CSRF header.
    static func logIn(port: Int) throws -> [(String, String)] {
        let login = try send(
            port: port, "POST", "/api/login", headers: [("Content-Type", "application/json")],
            body: DaemonProcessTests.login)
        guard login.status == 200 else { throw Failure("login answered \(login.status): \(login.text)") }
        let cookies = login.headers.values("Set-Cookie").map { String($0.prefix { $0 != ";" }) }
        let csrf = cookies.first { $0.hasPrefix("Csrf-Token_") }.map { String($0.drop { $0 != "=" }.dropFirst()) } ?? ""
        return [("Cookie", cookies.joined(separator: "; ")), ("X-Csrf-Token_acmepaymentscorp", csrf)]
    }
}
