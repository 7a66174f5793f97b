import DispatchHTTP
import FuzzSupport

@testable import AkanaAPI
@testable import AkanaDomain

private let secret = "fuzzing shared secret"
private let signed = AtmosphereSignature.Request(
    method: "POST", url: "http://127.0.0.1:8081/acmepaymentscorp/Sandbox/v1.acmepaymentscorp/pets", query: [("q", "1"), ("a", "")])

/// libFuzzer entry: the input as the gateway reads it — an `Authorization: Atmosphere …` value
/// (parsed, its proof checked against a secret) and a request-target (the access point it names).
/// Credentials the parser accepts, signed again with HMAC-SHA256, must verify; an access point's
/// raw rest must be the end of its raw path.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGatewayCredentials(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let header = String(decoding: bytes, as: UTF8.self)
    if var credentials = try? AtmosphereCredentials.parse(header) {
        guard !credentials.appID.isEmpty, credentials.parameters.count <= AtmosphereCredentials.maxParameters else {
            fatalError("accepted credentials without an app id, or with too many parameters")
        }
        _ = AtmosphereSignature.failure(credentials, secret: secret, request: signed)
        credentials.parameters.removeAll {
            ["atmosphere_signature", "atmosphere_signature_method"].contains($0.name.lowercased())
        }
        credentials.parameters.append(.init(name: "atmosphere_signature_method", value: "HMACSHA256"))
        credentials.parameters.append(
            .init(name: "atmosphere_signature", value: AtmosphereSignature.sign(credentials, secret: secret, request: signed)))
        guard AtmosphereSignature.failure(credentials, secret: secret, request: signed) == nil else {
            fatalError("credentials signed with the secret did not verify")
        }
    }
    if let request = try? HTTPRequest(method: .get, target: header, headers: ["Authorization": header]), let place = GatewayPath(request) {
        guard place.rawPath.hasSuffix(place.rawRest), place.path.hasPrefix("/") else {
            fatalError("an access point's rest is not the end of its path")
        }
    }
    return 0
}

/// SwiftPM links an executable target's entry point as `fuzz_gateway_credentials_main`; it hands over to libFuzzer.
@_cdecl("fuzz_gateway_credentials_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzer(argc, argv, fuzzGatewayCredentials)
}
