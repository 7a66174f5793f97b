import Foundation

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
        let payload = "TokenID=\(tokenID),claimed_id=urn:atmosphere:user:\(tenant):\(userUUID),issueTime=\(issueTime),"
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
    public static func verify(_ value: String, key: [UInt8]) -> SessionCookie? {
        let decoded: String
        if value.hasPrefix("TokenID=") {
            decoded = value
        } else {
            guard let once = PercentEncoding.decode(value), once.hasPrefix("TokenID=") else { return nil }
            decoded = once
        }
        guard let marker = decoded.range(of: ",sig=", options: .backwards) else { return nil }
        let payload = String(decoded[..<marker.lowerBound])
        let signature = String(decoded[marker.upperBound...])
        guard let given = Crypto.fromBase64URL(signature),
              let expected = Crypto.fromBase64URL(Self.signature(payload, key: key)),
              Crypto.constantTimeEquals(given, expected)
        else { return nil }
        var fields: [String: String] = [:]
        for field in payload.split(separator: ",") {
            let pair = field.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { return nil }
            fields[String(pair[0])] = String(pair[1])
        }
        guard let tokenID = fields["TokenID"], let claimed = fields["claimed_id"],
              let issue = fields["issueTime"].flatMap(Int64.init), let expiration = fields["expirationTime"].flatMap(Int64.init),
              let userName = fields["UserName"].flatMap({ PercentEncoding.decode($0) })
        else { return nil }
        let claim = claimed.split(separator: ":")
        guard claim.count == 5, claim[0] == "urn", claim[1] == "atmosphere", claim[2] == "user" else { return nil }
        return SessionCookie(tokenID: tokenID, tenant: String(claim[3]), userUUID: String(claim[4]),
                             issueTime: issue, expirationTime: expiration, userName: userName)
    }

    private static func signature(_ payload: String, key: [UInt8]) -> String {
        Crypto.base64URL(Crypto.hmacSHA256(key: key, message: Array(payload.utf8)))
    }
}
