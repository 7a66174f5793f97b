import AkanaDomain
import Synchronization

/// Where the gateway listens, once it does (the daemon or a test sets it after binding: port 0 is
/// known only then), and the access-point URLs that follow from it:
/// `http://HOST:PORT/<tenant>/<ImplementationCode>/<APIVersionID>`, the prefix every call to that
/// implementation is sent under. Nothing is listening while it is unset (`gateway.enabled: false`,
/// or an emulator without its gateway): then the representations show no access point.
public final class GatewayAccessPoints: Sendable {
    private let base = Mutex<String?>(nil)

    public init() {}

    /// The gateway's listening address: a wildcard address (`0.0.0.0`, `::`) is shown as the
    /// loopback one, which reaches it from this machine.
    public func listening(host: String, port: Int) {
        let shown: String
        switch host {
        case "0.0.0.0": shown = "127.0.0.1"
        case "::": shown = "[::1]"
        default: shown = host.contains(":") ? "[\(host)]" : host
        }
        base.withLock { $0 = "http://\(shown):\(port)" }
    }

    /// The gateway stopped listening.
    public func stopped() { base.withLock { $0 = nil } }

    /// `http://HOST:PORT`, while the gateway listens.
    public var baseURL: String? { base.withLock { $0 } }

    /// The access point of an implementation, while the gateway listens.
    public func url(tenant: String, implementationCode: String, apiVersionID: String) -> String? {
        guard let base = baseURL else { return nil }
        return "\(base)/\(Self.segment(tenant))/\(Self.segment(implementationCode))/\(Self.segment(apiVersionID))"
    }

    /// A path segment: unreserved characters as they are, anything else percent-encoded.
    static func segment(_ text: String) -> String { AtmosphereSignature.encode(text) }
}
