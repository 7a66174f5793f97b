import SQLiteStore

extension StateBrowser {
    public struct TrafficPage: Sendable {
        public var latest: [Row]
        public var byAPIVersion: [Row]
    }

    /// `GET /_emulator/ui/traffic`: the latest gateway transactions and the calls per API version, from one read.
    public func traffic(scope: TransactionScope) throws -> TrafficPage {
        try database.read(in: scope) { db in
            TrafficPage(
                latest: try StateBrowserRepository.latestTransactions(db), byAPIVersion: try StateBrowserRepository.trafficByAPIVersion(db))
        }
    }
}
