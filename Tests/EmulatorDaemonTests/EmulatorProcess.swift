import Foundation

/// The real `akana-emulator` binary, started on port 0 with a temporary database.
final class EmulatorProcess {
    /// The binary `swift build` / `swift test` produced next to the test bundle.
    static var binary: URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("akana-emulator")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("akana-emulator")
    }

    let process = Process()
    let stdout = Pipe()
    let stderr = Pipe()
    private(set) var port = 0
    private(set) var stderrText = ""

    /// Starts `akana-emulator ARGUMENTS` in `directory`; waits for the `listening on` line unless `expectReady` is false.
    init(arguments: [String], directory: URL, environment: [String: String] = [:], binary: URL = EmulatorProcess.binary) throws {
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AKANA_EMULATOR_") }
        // The gateway on a free port too, so that emulators started side by side never collide on 8081.
        env["AKANA_EMULATOR_GATEWAY_PORT"] = "0"
        env.merge(environment) { $1 }
        process.environment = env
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// Reads stdout until `listening on http://HOST:PORT`, returning the port; throws if the process exits first.
    @discardableResult
    func waitUntilListening(timeout: TimeInterval = 60) throws -> Int {
        let handle = stdout.fileHandleForReading
        var buffer = Data()
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let chunk = handle.availableData
            if chunk.isEmpty {
                process.waitUntilExit()
                throw Failure("exited with \(process.terminationStatus) before listening; stderr: \(readStderr())")
            }
            buffer.append(chunk)
            let text = String(decoding: buffer, as: UTF8.self)
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("listening on http://") }) {
                guard let port = Int(line.split(separator: ":").last ?? "") else { throw Failure("bad line \(line)") }
                self.port = port
                return port
            }
        }
        throw Failure("not listening after \(timeout)s")
    }

    /// Sends `signal` and waits for the exit status.
    func stop(signal: Int32 = SIGTERM) -> Int32 {
        if process.isRunning { kill(process.processIdentifier, signal) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Waits for the process to exit on its own (e.g. a refused start) and returns its status.
    func waitForExit() -> Int32 {
        process.waitUntilExit()
        return process.terminationStatus
    }

    func readStderr() -> String {
        stderrText += String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return stderrText
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
