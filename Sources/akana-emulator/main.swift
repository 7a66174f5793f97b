import CEarlySignals
import EmulatorDaemon

// SIGTERM and SIGINT were blocked by CEarlySignals' .preinit_array entry, before the Swift runtime
// or any thread existed (the call below also keeps that object in the link); blocking again here is
// a no-op kept for a loader that skipped it. Every thread inherits this mask, so a SIGTERM or SIGINT can only be taken by the daemon's
// graceful stop (see ShutdownSignals).
_ = akana_early_signals_blocked()
ShutdownSignals.block()
AkanaEmulatorCommand.main()
