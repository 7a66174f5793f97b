import CEarlySignals
import EmulatorDaemon

// SIGTERM and SIGINT were blocked by CEarlySignals' load-time constructor, before the Swift runtime
// or any thread existed; blocking again here is a no-op kept for the case of a loader that skipped
// it. Every thread inherits this mask, so a SIGTERM or SIGINT can only be taken by the daemon's
// graceful stop (see ShutdownSignals).
_ = akana_early_signals_blocked()
ShutdownSignals.block()
AkanaEmulatorCommand.main()
