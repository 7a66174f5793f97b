/// The emulator's own version, reported by `/_emulator/health` and `--version`.
public enum EmulatorVersion {
    public static let current = "0.1.0"
}
