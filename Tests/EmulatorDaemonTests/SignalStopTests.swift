import AkanaDomain
import Foundation
import SQLiteStore
import TestSupport
import Testing

@testable import EmulatorDaemon

#if canImport(Glibc)
    import Glibc
#endif

/// Every SIGTERM/SIGINT is a graceful stop, whenever it comes: before the database is opened,
/// while migrations run, just before or just after `listening on`. Test fixtures that start and
/// stop the emulator around short tests do exactly this.
@Suite(.serialized) struct SignalStopTests {
    /// A signal-mask line of /proc/PID/status (`SigBlk`, `SigCgt`) as a bit set.
    static func signalMask(_ pid: Int32, _ field: String) -> UInt64 {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }),
            let mask = UInt64(line.split(separator: "\t").last ?? "", radix: 16)
        else { return 0 }
        return mask
    }

    static func bit(_ signal: Int32) -> UInt64 { 1 << (UInt64(signal) - 1) }

    /// True once the process runs code past the dynamic loader: its main thread blocks SIGTERM
    /// (the daemon's first instruction), or the Swift runtime has installed its crash handler
    /// (SIGSEGV caught: a library constructor ran). Before either, the kernel and the dynamic
    /// loader are still mapping the binary, and a signal takes the default action for any program.
    static func runsItsOwnCode(_ pid: Int32) -> Bool {
        signalMask(pid, "SigBlk") & bit(SIGTERM) != 0 || signalMask(pid, "SigCgt") & bit(SIGSEGV) != 0
    }

    static func userVersion(_ path: String) throws -> Int64 {
        guard FileManager.default.fileExists(atPath: path) else { return -1 }
        let pool = try DatabasePool(path: path, configuration: DatabaseConfiguration(readerCount: 1))
        defer { try? pool.close() }
        return try pool.read { try $0.queryFirst("PRAGMA user_version")?.int64(0) ?? -1 }
    }

    /// The daemon started the way a shell or Python's subprocess starts it: `posix_spawn` with an
    /// empty signal mask and default dispositions. (Foundation's `Process` hands the child a mask
    /// that blocks nearly every signal until it execs, which would hide the window this tests.)
    final class Spawned {
        let pid: pid_t
        let stdout: FileHandle
        let stderrPath: String

        init(_ arguments: [String], directory: TemporaryDirectory) throws {
            var pipe: [Int32] = [0, 0]
            guard Glibc.pipe(&pipe) == 0 else { throw EmulatorProcess.Failure("pipe: \(errno)") }
            stderrPath = directory.path("stderr-\(UUID().uuidString).txt")
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_adddup2(&actions, pipe[1], 1)
            posix_spawn_file_actions_addclose(&actions, pipe[0])
            posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            var attributes = posix_spawnattr_t()
            posix_spawnattr_init(&attributes)
            defer { posix_spawnattr_destroy(&attributes) }
            var empty = sigset_t()
            sigemptyset(&empty)
            var all = sigset_t()
            sigfillset(&all)
            posix_spawnattr_setsigmask(&attributes, &empty)
            posix_spawnattr_setsigdefault(&attributes, &all)
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
            let argv = ([EmulatorProcess.binary.path] + arguments).map { strdup($0) } + [nil]
            defer { for pointer in argv { free(pointer) } }
            // The environment as is, but the gateway on a free port (daemons started side by side never collide on 8081).
            let environment = ProcessInfo.processInfo.environment.filter { $0.key != "AKANA_EMULATOR_GATEWAY_PORT" }
            var entries: [String] = environment.map { "\($0.key)=\($0.value)" }
            entries.append("AKANA_EMULATOR_GATEWAY_PORT=0")
            let envp: [UnsafeMutablePointer<CChar>?] = entries.map { strdup($0) } + [nil]
            defer { for pointer in envp { free(pointer) } }
            var child: pid_t = 0
            let result = posix_spawn(&child, EmulatorProcess.binary.path, &actions, &attributes, argv, envp)
            close(pipe[1])
            guard result == 0 else {
                close(pipe[0])
                throw EmulatorProcess.Failure("posix_spawn: \(result)")
            }
            pid = child
            stdout = FileHandle(fileDescriptor: pipe[0], closeOnDealloc: true)
        }

        /// Reads stdout until the `listening on` line (false if the process ended first).
        func waitUntilListening() -> Bool {
            var text = ""
            while true {
                let chunk = stdout.availableData
                if chunk.isEmpty { return false }
                text += String(decoding: chunk, as: UTF8.self)
                if text.contains("listening on http://") { return true }
            }
        }

        /// Sends `signal`, waits, and returns (exited normally, status or signal number).
        func stop(_ signal: Int32) -> (exited: Bool, code: Int32) {
            kill(pid, signal)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            let terminatingSignal = status & 0x7f
            return terminatingSignal == 0 ? (true, (status >> 8) & 0xff) : (false, terminatingSignal)
        }

        var stderrText: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }
    }

    /// One start → signal cycle; returns a description of what went wrong, or nil.
    static func cycle(_ directory: TemporaryDirectory, index: Int, beforeListening: Bool, delayMicroseconds: UInt32, signal: Int32) throws
        -> String?
    {
        let path = directory.path("db.sqlite")
        let daemon = try Spawned(["serve", "--port", "0", "--database", path, "--log-level", "info"], directory: directory)
        if beforeListening {
            // Wait for the event (never for a fixed time): the process runs code of its own.
            while kill(daemon.pid, 0) == 0 && !runsItsOwnCode(daemon.pid) { usleep(50) }
        } else {
            _ = daemon.waitUntilListening()
        }
        usleep(delayMicroseconds)
        let (exited, code) = daemon.stop(signal)
        let stderr = daemon.stderrText
        var problems: [String] = []
        if !exited || code != 0 { problems.append(exited ? "exit status \(code)" : "ended by signal \(code)") }
        let marker = try userVersion(path)
        // No file at all: stopped before the database was opened (nothing to close).
        if marker != -1 && marker != Int64(DatabaseBootstrap.cleanShutdownMarker) {
            problems.append("no clean-shutdown marker (user_version \(marker))")
        }
        if stderr.contains("was not closed cleanly") { problems.append("quick_check ran at this start") }
        return problems.isEmpty
            ? nil
            : "cycle \(index) (\(beforeListening ? "before" : "after") listening, +\(delayMicroseconds) µs): \(problems.joined(separator: ", ")); stderr: \(stderr.suffix(400))"
    }

    /// Start → SIGTERM (or SIGINT) at random moments: every fourth before `listening on` (some on a
    /// new database, while its migrations run), the rest 0–50 ms after it. Every one must exit 0
    /// with the clean-shutdown marker, and no next start may owe an integrity check.
    @Test func everyStopIsGracefulWheneverTheSignalComes() throws {
        let cycles = ProcessInfo.processInfo.environment["AKANA_SIGNAL_CYCLES"].flatMap(Int.init) ?? 40
        let directory = try TemporaryDirectory()
        var generator = SystemRandomNumberGenerator()
        var failures: [String] = []
        for index in 0..<cycles {
            if index % 8 == 0 {
                // A new database: the signal may come while migrations run.
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: directory.path("db.sqlite" + suffix)) }
            }
            let before = index % 4 == 0
            let delay = UInt32.random(in: 0...(before ? 30_000 : 50_000), using: &generator)
            if let failure = try Self.cycle(
                directory, index: index, beforeListening: before, delayMicroseconds: delay,
                signal: index % 5 == 4 ? SIGINT : SIGTERM)
            {
                failures.append(failure)
            }
        }
        #expect(failures.isEmpty, "\(failures.count) of \(cycles) stops were not graceful:\n\(failures.prefix(5).joined(separator: "\n"))")
    }

    /// A signal that comes as soon as the daemon runs stops it before it opens the database:
    /// exit 0, and nothing half-made is left (no file, or one with the clean-shutdown marker).
    @Test func aSignalBeforeTheDatabaseOpensLeavesNothingBehind() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("db.sqlite")
        let daemon = try Spawned(["serve", "--port", "0", "--database", path, "--log-level", "info"], directory: directory)
        while kill(daemon.pid, 0) == 0 && !Self.runsItsOwnCode(daemon.pid) { usleep(20) }
        let (exited, code) = daemon.stop(SIGTERM)
        #expect(exited && code == 0, "\(exited ? "exit status" : "signal") \(code)")
        let marker = try Self.userVersion(path)
        #expect(marker == -1 || marker == Int64(DatabaseBootstrap.cleanShutdownMarker))
    }
}
