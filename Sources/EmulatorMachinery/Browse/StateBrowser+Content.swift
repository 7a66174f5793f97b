import SQLiteStore

extension StateBrowser {
    /// `GET /_emulator/ui/content`: the files and folders of every tenant's content stores
    /// (`/content` and `/resources`), in path order, from one read.
    public func content(scope: TransactionScope) throws -> [Row] {
        try database.read(in: scope) { db in try StateBrowserRepository.contentFiles(db) }
    }
}
