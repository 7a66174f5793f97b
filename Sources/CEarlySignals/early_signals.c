// Blocks SIGTERM and SIGINT in the main thread as the executable starts, before the
// Swift runtime, Foundation or any thread of ours exists: a process-directed signal that arrives
// between exec and main would otherwise take the default action and end the daemon uncleanly
// (up to ~60 ms in a debug build before; what remains is the kernel's exec and the dynamic loader). The daemon then
// takes the signals only with sigwait (Sources/EmulatorDaemon/ShutdownSignals.swift).
//
// Linked into the akana-emulator executable alone, never into a library target, so no test
// process or other program inherits the mask.
#include <signal.h>
#include "early_signals.h"

static int blocked = 0;

static void akana_block_shutdown_signals(int argc, char **argv, char **envp) {
    (void)argc; (void)argv; (void)envp;
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    blocked = pthread_sigmask(SIG_BLOCK, &signals, 0) == 0;
}

// .preinit_array (executables only) runs before the constructors of every shared library the
// executable loads (the Swift runtime's and Foundation's among them), so the window is only the
// dynamic loader's own work.
__attribute__((section(".preinit_array"), used)) static void (*const akana_preinit)(int, char **, char **) = akana_block_shutdown_signals;

int akana_early_signals_blocked(void) { return blocked; }
