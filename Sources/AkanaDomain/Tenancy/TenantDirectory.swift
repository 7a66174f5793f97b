/// The configured tenants and how a request finds its own: by `Host` header, else the default.
public struct TenantDirectory: Sendable {
    public let defaultTenant: TenantSettings
    public let all: [TenantSettings]
    private let byHost: [String: TenantSettings]
    /// The CSRF switches as the `settings` table holds them when that differs from the
    /// configuration (fixtures set them); shared by every copy of the directory.
    let live = LiveTenantSettings()

    public init(defaultTenant: TenantSettings, others: [TenantSettings] = []) {
        self.defaultTenant = defaultTenant
        self.all = [defaultTenant] + others.filter { $0.fedmemberid != defaultTenant.fedmemberid }
        var byHost: [String: TenantSettings] = [:]
        for tenant in all {
            for host in tenant.hosts { byHost[host.lowercased()] = tenant }
        }
        self.byHost = byHost
    }

    /// The tenant for a `Host` header value (`name[:port]`, `[v6]:port`).
    public func tenant(forHost host: String?) -> TenantSettings {
        guard let host, !byHost.isEmpty else { return live.apply(to: defaultTenant) }
        var name = Substring(host)
        if name.hasPrefix("[") {
            name = name.dropFirst().prefix { $0 != "]" }
        } else if let colon = name.lastIndex(of: ":") {
            name = name[..<colon]
        }
        return live.apply(to: byHost[name.lowercased()] ?? defaultTenant)
    }

    public func tenant(named fedmemberid: String) -> TenantSettings? {
        all.first { $0.fedmemberid == fedmemberid }.map(live.apply)
    }
}
