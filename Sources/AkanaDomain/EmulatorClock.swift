import Foundation
import Synchronization

/// The clock every time-based rule reads (session expiry, renewal caps, Created/Updated stamps).
/// Injectable: tests move it; the virtual-clock admin API (a later issue) drives the same object.
public final class EmulatorClock: Sendable {
    /// How `now` relates to the system clock.
    public enum Mode: Sendable, Equatable {
        case realtime
        case offset(TimeInterval)
        case frozen(Date)
    }

    private let state: Mutex<Mode>

    public init(mode: Mode = .realtime) {
        state = Mutex(mode)
    }

    public var mode: Mode {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }

    public func now() -> Date {
        switch mode {
        case .realtime: return Date()
        case .offset(let seconds): return Date().addingTimeInterval(seconds)
        case .frozen(let date): return date
        }
    }

    /// Moves the clock forward by `seconds`, keeping its mode (a frozen clock stays frozen).
    public func advance(by seconds: TimeInterval) {
        state.withLock { mode in
            switch mode {
            case .realtime: mode = .offset(seconds)
            case .offset(let current): mode = .offset(current + seconds)
            case .frozen(let date): mode = .frozen(date.addingTimeInterval(seconds))
            }
        }
    }
}
