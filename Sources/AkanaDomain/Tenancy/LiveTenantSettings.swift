import SQLiteStore
import Synchronization

/// The tenants' CSRF switches as stored in `settings`, where they differ from the configuration.
/// The configuration's values are written at startup and by resets; fixtures may change them
/// afterwards, so `TenantDirectory` answers with what the table says once `reloadSettings` ran.
final class LiveTenantSettings: Sendable {
    private let overrides = Mutex<[String: (read: Bool, write: Bool)]>([:])

    func apply(to tenant: TenantSettings) -> TenantSettings {
        guard let flags = overrides.withLock({ $0.isEmpty ? nil : $0[tenant.fedmemberid] }) else { return tenant }
        var tenant = tenant
        tenant.readRequestCSRF = flags.read
        tenant.writeRequestCSRF = flags.write
        return tenant
    }

    func replace(with values: [String: (read: Bool, write: Bool)]) {
        overrides.withLock { $0 = values }
    }
}

extension TenantDirectory {
    public static let readRequestCSRFSetting = "ReadRequestCSRFSupport"
    public static let writeRequestCSRFSetting = "WriteRequestCSRFSupport"

    /// Makes requests follow the CSRF switches the `settings` table holds now (after fixtures, a
    /// reset or a snapshot restore). Tenants without rows keep their configured switches. Not in
    /// the request's scope: its deadline must not keep memory from following the database.
    public func reloadSettings(from database: DatabasePool) throws {
        let rows = try database.read(in: .background) { db in
            try TenantRepository.settings(db, named: [Self.readRequestCSRFSetting, Self.writeRequestCSRFSetting])
        }
        var values: [String: (read: Bool, write: Bool)] = [:]
        for configured in all {
            var read = configured.readRequestCSRF
            var write = configured.writeRequestCSRF
            for row in rows where row.tenant == configured.fedmemberid {
                let on = row.value == "true"
                if row.name == Self.readRequestCSRFSetting { read = on } else { write = on }
            }
            if read != configured.readRequestCSRF || write != configured.writeRequestCSRF {
                values[configured.fedmemberid] = (read, write)
            }
        }
        live.replace(with: values)
    }
}
