import AkanaDomain
import Foundation
import SQLiteStore

/// Persists the virtual clock's mode in `emulator_state`, so a frozen or shifted clock survives a
/// restart: `realtime`, `offset:<seconds>` or `frozen:<ISO-8601>`.
public enum ClockStore {
    static let key = "clock"

    /// The stored mode (realtime when none or unreadable).
    public static func load(_ database: DatabasePool) throws -> EmulatorClock.Mode {
        let text = try database.read { db in
            try EmulatorStateRepository.value(db, key)
        }
        return text.flatMap(decode) ?? .realtime
    }

    /// Sets the clock and stores its mode in one step.
    public static func save(_ mode: EmulatorClock.Mode, clock: EmulatorClock, database: DatabasePool, scope: TransactionScope = .detached) throws {
        try database.write(in: scope) { db in
            try EmulatorStateRepository.set(db, key, encode(mode))
            clock.mode = mode
        }
    }

    static func encode(_ mode: EmulatorClock.Mode) -> String {
        switch mode {
        case .realtime: return "realtime"
        case .offset(let seconds): return "offset:\(seconds)"
        case .frozen(let date): return "frozen:\(date.timeIntervalSince1970)"
        }
    }

    static func decode(_ text: String) -> EmulatorClock.Mode? {
        if text == "realtime" { return .realtime }
        if text.hasPrefix("offset:"), let seconds = Double(text.dropFirst(7)) { return .offset(seconds) }
        if text.hasPrefix("frozen:"), let seconds = Double(text.dropFirst(7)) { return .frozen(Date(timeIntervalSince1970: seconds)) }
        return nil
    }
}
