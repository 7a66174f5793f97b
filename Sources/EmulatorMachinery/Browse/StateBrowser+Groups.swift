import SQLiteStore

extension StateBrowser {
    public struct GroupsPage: Sendable {
        public var groups: [Row]
        public var memberships: [Row]
    }

    /// `GET /_emulator/ui/groups`: groups and membership requests, from one read.
    public func groups(scope: TransactionScope) throws -> GroupsPage {
        try database.read(in: scope) { db in
            GroupsPage(groups: try StateBrowserRepository.groups(db), memberships: try StateBrowserRepository.memberships(db))
        }
    }
}
