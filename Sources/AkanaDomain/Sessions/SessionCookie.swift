/// The `AtmoAuthToken_<tenant>` and `Csrf-Token_<tenant>` cookie values in the platform's shape.
///
/// Decoded, an auth token reads
/// `TokenID=<uuid>,claimed_id=urn:atmosphere:user:<t>:<uuid>,issueTime=<ms>,expirationTime=<ms>,UserName=<name>,UserFDN=<uuid>%2E<t>,AttributesIncluded=false,sig=<base64url>`
/// and the cookie carries it percent-encoded (so the FDN's dot shows as `%252E`). `sig` is an
/// HMAC-SHA256, under the database's signing key, of everything before `,sig=`: a cookie whose
/// fields were edited does not verify.
public struct SessionCookie: Sendable, Equatable {
    public var tokenID: String
    public var tenant: String
    public var userUUID: String
    public var issueTime: Int64
    public var expirationTime: Int64
    public var userName: String

    public init(tokenID: String, tenant: String, userUUID: String, issueTime: Int64, expirationTime: Int64, userName: String) {
        self.tokenID = tokenID
        self.tenant = tenant
        self.userUUID = userUUID
        self.issueTime = issueTime
        self.expirationTime = expirationTime
        self.userName = userName
    }

    /// The user's FDN, `<uuid>.<tenant>`.
    public var userFDN: String { "\(userUUID).\(tenant)" }

    public static func authCookieName(tenant: String) -> String { "AtmoAuthToken_\(tenant)" }
    public static func csrfCookieName(tenant: String) -> String { "Csrf-Token_\(tenant)" }
    public static func csrfHeaderName(tenant: String) -> String { "X-Csrf-Token_\(tenant)" }

    /// The signed, comma-separated payload (not yet percent-encoded for the cookie).
    public func signedPayload(key: [UInt8]) -> String {
        let payload =
            "TokenID=\(tokenID),claimed_id=urn:atmosphere:user:\(tenant):\(userUUID),issueTime=\(issueTime),"
            + "expirationTime=\(expirationTime),UserName=\(PercentEncoding.encode(userName)),"
            + "UserFDN=\(PercentEncoding.encode(userFDN, encodeDot: true)),AttributesIncluded=false"
        return payload + ",sig=" + Self.signature(payload, key: key)
    }

    /// The value to put in `Set-Cookie`.
    public func cookieValue(key: [UInt8]) -> String {
        PercentEncoding.encode(signedPayload(key: key))
    }

    /// The CSRF token for a session: `TokenID=<uuid>,expirationTime=<ms>,UserFDN=<uuid>%2E<t>,sig=…`,
    /// percent-encoded like the seeds' `X-Csrf-Token_acmepaymentscorp` header value.
    public func csrfCookieValue(key: [UInt8]) -> String {
        let payload = "TokenID=\(tokenID),expirationTime=\(expirationTime),UserFDN=\(PercentEncoding.encode(userFDN, encodeDot: true))"
        return PercentEncoding.encode(payload + ",sig=" + Self.signature("csrf:" + payload, key: key))
    }

    /// Parses and verifies a cookie value as a client sends it (percent-encoded once; a value that
    /// was already decoded is accepted too). nil when it is malformed or its signature does not match.
    /// Works on bytes: it runs on every authenticated request.
    public static func verify(_ value: String, key: [UInt8]) -> SessionCookie? {
        let prefix = Array("TokenID=".utf8)
        var decoded = Array(value.utf8)
        if !decoded.starts(with: prefix) {
            guard let once = PercentEncoding.decodeBytes(decoded), once.starts(with: prefix) else { return nil }
            decoded = once
        }
        let marker = Array(",sig=".utf8)
        guard let markerStart = lastIndex(of: marker, in: decoded) else { return nil }
        let payload = Array(decoded[..<markerStart])
        let given = decoded[(markerStart + marker.count)...]
        let expected = Crypto.base64URLBytes(Crypto.hmacSHA256(key: key, message: payload))
        guard Crypto.constantTimeEquals(Array(given), expected) else { return nil }
        return fields(payload)
    }

    /// The fields of a payload whose signature was checked (`TokenID=…,claimed_id=…,…`); nil when
    /// one is missing or malformed.
    static func fields(_ payload: [UInt8]) -> SessionCookie? {
        var tokenID: String?
        var claimed: [Substring] = []
        var issue: Int64?
        var expiration: Int64?
        var userName: String?
        for field in payload.split(separator: UInt8(ascii: ",")) {
            guard let equals = field.firstIndex(of: UInt8(ascii: "=")) else { return nil }
            let name = field[field.startIndex..<equals]
            let text = String(decoding: field[(equals + 1)...], as: UTF8.self)
            switch String(decoding: name, as: UTF8.self) {
            case "TokenID": tokenID = text
            case "claimed_id": claimed = Substring(text).split(separator: ":")
            case "issueTime": issue = Int64(text)
            case "expirationTime": expiration = Int64(text)
            case "UserName": userName = PercentEncoding.decode(text)
            default: continue
            }
        }
        guard let tokenID, let issue, let expiration, let userName,
            claimed.count == 5, claimed[0] == "urn", claimed[1] == "atmosphere", claimed[2] == "user"
        else { return nil }
        return SessionCookie(
            tokenID: tokenID, tenant: String(claimed[3]), userUUID: String(claimed[4]),
            issueTime: issue, expirationTime: expiration, userName: userName)
    }

    private static func lastIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var start = haystack.count - needle.count
        while start >= 0 {
            if haystack[start] == needle[0], haystack[start..<start + needle.count].elementsEqual(needle) { return start }
            start -= 1
        }
        return nil
    }

    private static func signature(_ payload: String, key: [UInt8]) -> String {
        Crypto.base64URL(Crypto.hmacSHA256(key: key, message: Array(payload.utf8)))
    }

}
