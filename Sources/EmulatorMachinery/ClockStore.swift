import AkanaDomain
import Foundation
import SQLiteStore

/// Persists the virtual clock's mode in `emulator_state`, so a frozen or shifted clock survives a
/// restart: `realtime`, `offset:<seconds>` or `frozen:<ISO-8601>`.
public enum ClockStore {
    static let key = "clock"

    /// A change of the clock's mode (`POST /_emulator/clock`).
    public enum Change: Sendable, Equatable {
        /// Moves the clock by this many seconds (from a frozen time, or on top of the offset).
        case advance(seconds: Double)
        case freeze(at: Date)
        case realtime

        func applied(to mode: EmulatorClock.Mode) -> EmulatorClock.Mode {
            switch self {
            case .advance(let seconds):
                switch mode {
                case .realtime: return .offset(seconds)
                case .offset(let current): return .offset(current + seconds)
                case .frozen(let date): return .frozen(date.addingTimeInterval(seconds))
                }
            case .freeze(let date): return .frozen(date)
            case .realtime: return .realtime
            }
        }
    }

    /// The stored mode (realtime when none or unreadable).
    public static func load(_ database: DatabasePool, scope: TransactionScope) throws -> EmulatorClock.Mode {
        let text = try database.read(in: scope) { db in
            try EmulatorStateRepository.value(db, key)
        }
        return text.flatMap(decode) ?? .realtime
    }

    /// Applies `change` to the clock's current mode and stores the result, in one write: changes
    /// are serialised on the writer, so none is computed from a mode another one is replacing.
    /// Returns the mode stored.
    @discardableResult
    public static func apply(
        _ change: Change, clock: EmulatorClock, database: DatabasePool, scope: TransactionScope
    ) throws -> EmulatorClock.Mode {
        try database.write(in: scope) { db in
            let mode = change.applied(to: clock.mode)
            try EmulatorStateRepository.set(db, key, encode(mode))
            clock.mode = mode
            return mode
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
