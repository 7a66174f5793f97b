import Foundation

/// Checks `condition` every `interval` seconds until it holds or `timeout` seconds have passed;
/// whether it held. For waiting on an event that nothing signals (a count a server keeps, a
/// file another process writes): the deadline is a generous bound, never the expected duration.
@discardableResult
public func waitUntil(timeout: Double = 10, interval: Double = 0.01, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
        if try condition() { return true }
        if Date() >= deadline { return false }
        Thread.sleep(forTimeInterval: interval)
    }
}
