import Foundation

/// SIGTERM and SIGINT, the signals that stop the daemon gracefully.
///
/// A process-directed signal is delivered to any thread that does not block it, and its default
/// action ends the whole process. So the daemon blocks both in the main thread *before any other
/// thread exists* (a `.preinit_array` entry in `Sources/CEarlySignals`, before the Swift runtime's
/// own initialisers; argument parsing, the log writer thread, Dispatch and the event loops all come
/// later and inherit the mask), and takes them only with `sigwait`/`sigpending`. A signal that arrives while the daemon is still starting stays
/// pending: `Daemon.run` looks for it between the steps of startup and stops there, cleanly.
///
/// The other commands (`check`, `migrate`, `snapshot`, `config`) keep the default disposition:
/// `unblock()` before they run, so Ctrl-C ends them at once.
public enum ShutdownSignals {
    static var set: sigset_t {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGTERM)
        sigaddset(&signals, SIGINT)
        return signals
    }

    /// Blocks SIGTERM and SIGINT in the calling thread (and every thread it starts from now on).
    public static func block() {
        var signals = set
        pthread_sigmask(SIG_BLOCK, &signals, nil)
    }

    /// Back to the default: the signal ends the process.
    public static func unblock() {
        var signals = set
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
    }

    /// The shutdown signal already waiting, if any (does not consume it).
    static func pending() -> Int32? {
        var waiting = sigset_t()
        sigpending(&waiting)
        if sigismember(&waiting, SIGTERM) == 1 { return SIGTERM }
        if sigismember(&waiting, SIGINT) == 1 { return SIGINT }
        return nil
    }

    /// Waits for (and consumes) the next SIGTERM or SIGINT.
    static func wait() -> Int32 {
        var signals = set
        var received: Int32 = 0
        sigwait(&signals, &received)
        return received
    }

    /// On a thread of its own: a second SIGTERM/SIGINT while the graceful stop is under way ends
    /// the process at once (exit status 128 + signal, like a shell). Every acknowledged write is
    /// already committed to the WAL, so nothing acknowledged is lost; the next start runs the
    /// integrity check an unclean stop owes.
    static func exitOnSecondSignal(_ announce: @escaping @Sendable (Int32) -> Void) {
        let thread = Thread {
            let received = wait()
            announce(received)
            _exit(128 + received)
        }
        thread.name = "akana-signals"
        thread.start()
    }
}
