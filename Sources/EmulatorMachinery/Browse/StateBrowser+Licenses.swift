import SQLiteStore

extension StateBrowser {
    public struct LicensesPage: Sendable {
        public var scopes: [Row]
        public var licenses: [Row]
        public var operationScopes: [Row]
    }

    /// `GET /_emulator/ui/licenses`: scopes, licenses and the operations mapped to scopes, from one read.
    public func licenses(scope: TransactionScope) throws -> LicensesPage {
        try database.read(in: scope) { db in
            LicensesPage(
                scopes: try StateBrowserRepository.scopes(db), licenses: try StateBrowserRepository.licenses(db),
                operationScopes: try StateBrowserRepository.operationScopes(db))
        }
    }
}
