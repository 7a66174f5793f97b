import SQLiteStore
import Synchronization

/// The tenants' settings as stored in `settings`, where they differ from the configuration: the
/// CSRF switches and the login policy's session timeouts. The configuration's CSRF values are
/// written at startup and by resets; fixtures and `PUT /api/businesses/{BusinessID}/…` change them
/// afterwards, so `TenantDirectory` answers with what the table says once `reloadSettings` ran.
final class LiveTenantSettings: Sendable {
    private let overrides = Mutex<[String: TenantSettings]>([:])

    func apply(to tenant: TenantSettings) -> TenantSettings {
        overrides.withLock { $0.isEmpty ? nil : $0[tenant.fedmemberid] } ?? tenant
    }

    func replace(with values: [String: TenantSettings]) {
        overrides.withLock { $0 = values }
    }
}

extension TenantDirectory {
    public static let readRequestCSRFSetting = "ReadRequestCSRFSupport"
    public static let writeRequestCSRFSetting = "WriteRequestCSRFSupport"
    public static let inactiveSessionTimeoutSetting = "InactiveSessionTimeout"
    public static let activeSessionTimeoutSetting = "ActiveSessionTimeout"
    public static let maxFailedLoginsSetting = "MaxSequentialFailureAttemptsAllowed"
    public static let failedLoginWindowSetting = "AttemptsPeriod"
    public static let lockDurationSetting = "SuspensionMinutes"

    /// Makes requests follow the settings the `settings` table holds now (after fixtures, a
    /// reset, a snapshot restore or a `PUT /api/businesses/{BusinessID}/…`). Tenants without rows
    /// keep their configured values. Not in the request's scope: its deadline must not keep
    /// memory from following the database.
    public func reloadSettings(from database: DatabasePool) throws {
        let rows = try database.read(in: .background) { db in
            try TenantRepository.settings(
                db,
                named: [
                    Self.readRequestCSRFSetting, Self.writeRequestCSRFSetting, Self.inactiveSessionTimeoutSetting,
                    Self.activeSessionTimeoutSetting, Self.maxFailedLoginsSetting, Self.failedLoginWindowSetting,
                    Self.lockDurationSetting
                ])
        }
        var values: [String: TenantSettings] = [:]
        for configured in all {
            var current = configured
            for row in rows where row.tenant == configured.fedmemberid {
                switch row.name {
                case Self.readRequestCSRFSetting: current.readRequestCSRF = row.value == "true"
                case Self.writeRequestCSRFSetting: current.writeRequestCSRF = row.value == "true"
                // Minutes, as the login policy states them; 0 or unreadable: the configured policy.
                case Self.inactiveSessionTimeoutSetting: current.inactiveSessionTimeout = Self.minutes(row.value)
                case Self.activeSessionTimeoutSetting: current.activeSessionTimeout = Self.minutes(row.value)
                case Self.maxFailedLoginsSetting: current.maxFailedLogins = Int(row.value)
                case Self.failedLoginWindowSetting: current.failedLoginWindow = Self.minutes(row.value)
                default: current.lockDuration = Self.minutes(row.value)
                }
            }
            if current != configured { values[configured.fedmemberid] = current }
        }
        live.replace(with: values)
    }

    private static func minutes(_ text: String) -> Double? {
        guard let minutes = Int(text), minutes > 0 else { return nil }
        return Double(minutes) * 60
    }
}
