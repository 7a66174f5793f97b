/// Why the migrator refused to run, or stopped.
public enum MigrationError: Error, CustomStringConvertible {
    /// The database records a migration this binary does not know.
    case unknownMigration(name: String)
    /// An applied migration's script differs from the one recorded when it was applied.
    case checksumMismatch(name: String, applied: String, current: String)
    /// Two migrations share a name.
    case duplicateName(String)
    /// A migration left rows violating foreign keys (`PRAGMA foreign_key_check`); it was rolled back.
    case foreignKeyViolation(name: String, violations: [String])
    /// A migration's script (or its bookkeeping) failed; it was rolled back. Earlier migrations of
    /// the same run stay applied.
    case migrationFailed(name: String, underlying: any Error)

    public var description: String {
        switch self {
        case .unknownMigration(let name):
            return "the database has migration '\(name)' applied, which this build does not know: the database "
                + "was migrated by a newer version of this program (or a migration was renamed or removed). "
                + "Run a version that includes it, or restore a backup taken before it was applied; never rename "
                + "or remove an applied migration."
        case .checksumMismatch(let name, let applied, let current):
            return "migration '\(name)' was applied with checksum \(applied) but this build's script has "
                + "checksum \(current): the migration file was edited after it was applied. Never edit an "
                + "applied migration — restore the original file and add a new migration for the change."
        case .duplicateName(let name):
            return "two migrations are named '\(name)': migration names must be unique; rename the newer one."
        case .foreignKeyViolation(let name, let violations):
            return "migration '\(name)' was rolled back because it leaves foreign key violations: "
                + violations.joined(separator: "; ")
                + ". Fix the data in the migration (or an earlier one) so that every reference resolves."
        case .migrationFailed(let name, let underlying):
            return "migration '\(name)' failed and was rolled back (nothing of it was applied): \(underlying). "
                + "Fix the migration script; migrations applied before it stay applied."
        }
    }
}
