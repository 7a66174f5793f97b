import ByteCodecs
import CCrypto
import Foundation

/// The credentials of a call through the gateway, as the platform's consumer-app security policy
/// reads them from `Authorization: Atmosphere …` (help `cm/learnmore/app_security.htm`, "Including
/// Token in Request Message", "Token Structure"): comma-separated `atmosphere_*` parameters, values
/// quoted or bare, e.g.
///
///     Authorization: Atmosphere realm="http://acmepaymentscorp",atmosphere_app_id="acmepaymentscorp-4iXro2Uxs2h4",
///         atmosphere_signature_method="HMACSHA256",atmosphere_timestamp="1409002658000",
///         atmosphere_nonce="5d1c…",atmosphere_version="1.0",atmosphere_signature="…"
///
/// The stored help page shows only its table of contents (HMAC Signature with Shared Secret,
/// Hash/Digest with Shared Secret, RSA Signature with PKI); the forms below follow what public
/// clients of the platform's gateways send (see `AtmosphereSignature`).
///
/// The parser is bounded (`maxLength` characters, `maxParameters` parameters) and never throws
/// anything but `Refusal`, whose message a 401 carries.
public struct AtmosphereCredentials: Sendable, Equatable {
    /// Every parameter as given, in order (names as sent; values unquoted and unescaped).
    public var parameters: [Parameter]

    public struct Parameter: Sendable, Equatable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(parameters: [Parameter]) { self.parameters = parameters }

    /// Why a header could not be read as Atmosphere credentials.
    public struct Refusal: Error, Equatable, Sendable {
        public var message: String
        init(_ message: String) { self.message = message }
    }

    public static let scheme = "Atmosphere"
    public static let maxLength = 8_192
    public static let maxParameters = 32

    /// The value of the parameter `name` (names compared without case).
    public func value(_ name: String) -> String? {
        let lowered = name.lowercased()
        return parameters.first { $0.name.lowercased() == lowered }?.value
    }

    /// `atmosphere_app_id`: the app version's Identity (its ConsumerKey).
    public var appID: String { value("atmosphere_app_id") ?? "" }

    /// Whether `header` uses the Atmosphere scheme at all (another scheme is "no credentials").
    public static func isAtmosphere(_ header: String) -> Bool {
        let trimmed = header.drop { $0 == " " || $0 == "\t" }
        guard trimmed.count >= scheme.count, trimmed.prefix(scheme.count).lowercased() == scheme.lowercased() else { return false }
        let rest = trimmed.dropFirst(scheme.count)
        return rest.isEmpty || rest.first == " " || rest.first == "\t"
    }

    /// Reads an `Authorization` value of the Atmosphere scheme.
    ///
    /// - Throws: `Refusal` for a value too long, not of the Atmosphere scheme, with a parameter
    ///   that is not `name=value` or `name="value"`, an unterminated quote, a name given twice, more
    ///   than `maxParameters` parameters, or no `atmosphere_app_id`.
    public static func parse(_ header: String) throws(Refusal) -> AtmosphereCredentials {
        guard header.utf8.count <= maxLength else { throw Refusal("The Authorization header is longer than \(maxLength) bytes.") }
        guard isAtmosphere(header) else { throw Refusal("The Authorization header does not use the Atmosphere scheme.") }
        let bytes = Array(header.utf8)
        var index = 0
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
        index += scheme.utf8.count
        var parameters: [Parameter] = []
        var seen = Set<String>()
        func skipSpaces() { while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 } }
        while true {
            skipSpaces()
            while index < bytes.count, bytes[index] == UInt8(ascii: ",") {
                index += 1
                skipSpaces()
            }
            if index >= bytes.count { break }
            let nameStart = index
            while index < bytes.count, isTokenByte(bytes[index]) { index += 1 }
            guard index > nameStart else {
                throw Refusal("The Authorization header has a parameter that is not name=value (at byte \(index)).")
            }
            let name = String(decoding: bytes[nameStart..<index], as: UTF8.self)
            skipSpaces()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else {
                throw Refusal("The Authorization header's parameter \(Self.shown(name)) has no value.")
            }
            index += 1
            skipSpaces()
            var value: [UInt8] = []
            if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
                index += 1
                var closed = false
                while index < bytes.count {
                    let byte = bytes[index]
                    index += 1
                    if byte == UInt8(ascii: "\\"), index < bytes.count {
                        value.append(bytes[index])
                        index += 1
                    } else if byte == UInt8(ascii: "\"") {
                        closed = true
                        break
                    } else {
                        value.append(byte)
                    }
                }
                guard closed else { throw Refusal("The Authorization header's parameter \(Self.shown(name)) has an unterminated quote.") }
            } else {
                while index < bytes.count, bytes[index] != UInt8(ascii: ","), bytes[index] != 0x20, bytes[index] != 0x09 {
                    value.append(bytes[index])
                    index += 1
                }
            }
            skipSpaces()
            guard index >= bytes.count || bytes[index] == UInt8(ascii: ",") else {
                throw Refusal("The Authorization header's parameter \(Self.shown(name)) is not followed by a comma.")
            }
            guard seen.insert(name.lowercased()).inserted else {
                throw Refusal("The Authorization header gives the parameter \(Self.shown(name)) twice.")
            }
            guard parameters.count < maxParameters else {
                throw Refusal("The Authorization header has more than \(maxParameters) parameters.")
            }
            parameters.append(Parameter(name: name, value: String(decoding: value, as: UTF8.self)))
        }
        let credentials = AtmosphereCredentials(parameters: parameters)
        guard !credentials.appID.isEmpty else {
            throw Refusal("The Authorization header has no atmosphere_app_id.")
        }
        return credentials
    }

    /// RFC 9110 token characters.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        default: return tokenSymbols.contains(byte)
        }
    }

    private static let tokenSymbols: [UInt8] = Array("!#$%&'*+-.^_`|~".utf8)

    /// A name for a message: at most 64 characters, printable ASCII only.
    static func shown(_ name: String) -> String {
        var output: [UInt8] = [UInt8(ascii: "'")]
        for scalar in name.unicodeScalars.prefix(64) {
            let value = scalar.value
            output.append(value >= 0x21 && value < 0x7F ? UInt8(value) : UInt8(ascii: "?"))
        }
        output.append(UInt8(ascii: "'"))
        return String(decoding: output, as: UTF8.self)
    }
}

/// Checks the proof an Atmosphere header carries against the app version's shared secret. Three
/// forms, after what public clients of the platform's gateways send:
///
/// - **HMAC signature** (`atmosphere_signature_method` `HMACSHA256` or `HMACSHA1`, also written
///   `HMAC_SHA256`, `HMAC-SHA1` …): `atmosphere_signature` is the base64 HMAC, keyed with the shared
///   secret, of the base string `METHOD&URL&PARAMS` — the request method, the URL called without its
///   query (`http://host:port/path`), and every `atmosphere_*` parameter but the signature together
///   with the query parameters, sorted by name, as `name=value` joined with `&`. The signature may be
///   percent-encoded. The OAuth 1.0-style base string (URL and parameter string each
///   percent-encoded, RFC 3986) is accepted too.
/// - **Digest** (`atmosphere_digest_method` `SHA1` or `SHA256`): `atmosphere_secret_digest` is the
///   base64 hash of nonce + timestamp + shared secret.
/// - **Identity alone** (no signature, or `atmosphere_signature_method="NONE"`): the app version is
///   identified by `atmosphere_app_id` (the platform's policy can be set to ask no more).
///
/// `SHA256withRSA` (a certificate the app uploaded) is refused: the emulator keeps no app certificates.
/// Timestamps and nonces are not checked for freshness or replay (the emulator's clock may be frozen
/// or moved by a test).
public enum AtmosphereSignature {
    /// The request the signature covers.
    public struct Request: Sendable {
        public var method: String
        /// `http://host:port/path` as called, without the query.
        public var url: String
        /// The query's items, decoded.
        public var query: [(name: String, value: String)]

        public init(method: String, url: String, query: [(name: String, value: String)]) {
            self.method = method
            self.url = url
            self.query = query
        }
    }

    /// nil when the proof holds (or none is required), else why it does not.
    public static func failure(_ credentials: AtmosphereCredentials, secret: String, request: Request) -> String? {
        if let signature = credentials.value("atmosphere_signature") {
            let method = normalized(credentials.value("atmosphere_signature_method") ?? "")
            let digest: (([UInt8], [UInt8]) -> [UInt8])
            switch method {
            case "HMACSHA256": digest = hmac(EVP_sha256(), 32)
            case "HMACSHA1": digest = hmac(EVP_sha1(), 20)
            case "SHA256WITHRSA", "SHA1WITHRSA":
                return
                    "atmosphere_signature_method \(method) needs the app's certificate, which the emulator does not keep; use HMACSHA256."
            case "":
                return "atmosphere_signature is given without atmosphere_signature_method."
            default:
                return "atmosphere_signature_method \(AtmosphereCredentials.shown(method)) is not supported (HMACSHA256 or HMACSHA1)."
            }
            guard let given = decodeSignature(signature) else { return "atmosphere_signature is not base64." }
            let key = Array(secret.utf8)
            for base in baseStrings(credentials, request) where Crypto.constantTimeEquals(digest(key, Array(base.utf8)), given) {
                return nil
            }
            return "atmosphere_signature does not match the request signed with the app's shared secret."
        }
        if let secretDigest = credentials.value("atmosphere_secret_digest") {
            let method = normalized(credentials.value("atmosphere_digest_method") ?? "")
            guard
                let expected = digest(
                    method: method, nonce: credentials.value("atmosphere_nonce") ?? "",
                    timestamp: credentials.value("atmosphere_timestamp") ?? "", secret: secret)
            else {
                return "atmosphere_digest_method \(AtmosphereCredentials.shown(method)) is not supported (SHA1 or SHA256)."
            }
            guard let given = decodeSignature(secretDigest), Crypto.constantTimeEquals(expected, given) else {
                return "atmosphere_secret_digest does not match the app's shared secret."
            }
            return nil
        }
        let method = normalized(credentials.value("atmosphere_signature_method") ?? "NONE")
        guard method == "NONE" else { return "atmosphere_signature_method \(method) is given without atmosphere_signature." }
        return nil
    }

    /// The signature over `request` with `secret` (HMAC-SHA256 or HMAC-SHA1), base64: what a client
    /// sends as `atmosphere_signature` (tests and the README's example compute it the same way).
    public static func sign(_ credentials: AtmosphereCredentials, secret: String, request: Request) -> String {
        let sha1 = normalized(credentials.value("atmosphere_signature_method") ?? "") == "HMACSHA1"
        let digest = sha1 ? hmac(EVP_sha1(), 20) : hmac(EVP_sha256(), 32)
        return Data(digest(Array(secret.utf8), Array(baseStrings(credentials, request)[0].utf8))).base64EncodedString()
    }

    /// The secret digest of the digest form: SHA-1 or SHA-256 of nonce + timestamp + secret (what a
    /// client sends base64-encoded as `atmosphere_secret_digest`); nil for another method.
    public static func digest(method: String, nonce: String, timestamp: String, secret: String) -> [UInt8]? {
        let input = Array((nonce + timestamp + secret).utf8)
        switch normalized(method) {
        case "SHA1": return hash(EVP_sha1(), input)
        case "SHA256": return hash(EVP_sha256(), input)
        default: return nil
        }
    }

    /// The base strings a signature may cover: the plain one first, then the OAuth 1.0-style one.
    static func baseStrings(_ credentials: AtmosphereCredentials, _ request: Request) -> [String] {
        var pairs: [Pair] = []
        for parameter in credentials.parameters {
            let lowered = parameter.name.lowercased()
            guard lowered.hasPrefix("atmosphere_"), lowered != "atmosphere_signature" else { continue }
            pairs.append(Pair(name: parameter.name, value: parameter.value))
        }
        for item in request.query { pairs.append(Pair(name: item.name, value: item.value)) }
        let method = request.method.uppercased()
        let plain = Pair.joined(pairs.sorted())
        let encoded = Pair.joined(pairs.map { Pair(name: encode($0.name), value: encode($0.value)) }.sorted())
        return [method + "&" + request.url + "&" + plain, method + "&" + encode(request.url) + "&" + encode(encoded)]
    }

    /// A parameter of the base string, ordered by name then value.
    struct Pair: Comparable {
        var name: String
        var value: String

        static func < (lhs: Pair, rhs: Pair) -> Bool { lhs.name == rhs.name ? lhs.value < rhs.value : lhs.name < rhs.name }

        static func joined(_ pairs: [Pair]) -> String {
            var text = ""
            for (index, pair) in pairs.enumerated() {
                if index > 0 { text += "&" }
                text += pair.name + "=" + pair.value
            }
            return text
        }
    }

    /// RFC 3986 percent-encoding (unreserved characters kept).
    public static func encode(_ text: String) -> String {
        var output: [UInt8] = []
        for byte in text.utf8 {
            if isUnreserved(byte) {
                output.append(byte)
            } else {
                output.append(UInt8(ascii: "%"))
                Hex.append(byte, to: &output, uppercase: true)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// RFC 3986 unreserved: letters, digits, `-`, `.`, `_`, `~`.
    public static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2D, 0x2E, 0x5F, 0x7E: return true
        default: return false
        }
    }

    /// A signature as sent: base64 (standard or URL-safe), perhaps percent-encoded.
    static func decodeSignature(_ text: String) -> [UInt8]? {
        var bytes = Array(text.utf8)
        if bytes.contains(UInt8(ascii: "%")) {
            guard let decoded = PercentDecoding.decode(bytes) else { return nil }
            bytes = decoded
        }
        guard bytes.count <= 512 else { return nil }
        return Crypto.fromBase64URL(bytes: bytes)
    }

    static func normalized(_ method: String) -> String {
        String(method.uppercased().filter { $0 != "_" && $0 != "-" })
    }

    private static func hmac(_ md: OpaquePointer?, _ size: Int) -> ([UInt8], [UInt8]) -> [UInt8] {
        { key, message in
            var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
            var length: UInt32 = 0
            let result = key.withUnsafeBufferPointer { keyBuffer in
                message.withUnsafeBufferPointer { messageBuffer in
                    output.withUnsafeMutableBufferPointer { outputBuffer in
                        HMAC(
                            md, keyBuffer.baseAddress, Int32(keyBuffer.count), messageBuffer.baseAddress, messageBuffer.count,
                            outputBuffer.baseAddress, &length)
                    }
                }
            }
            precondition(result != nil && Int(length) == size, "HMAC failed")
            return Array(output.prefix(size))
        }
    }

    private static func hash(_ md: OpaquePointer?, _ input: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let status = input.withUnsafeBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                EVP_Digest(inputBuffer.baseAddress, inputBuffer.count, outputBuffer.baseAddress, &length, md, nil)
            }
        }
        precondition(status == 1, "EVP_Digest failed")
        return Array(output.prefix(Int(length)))
    }
}
