#ifndef AKANA_EARLY_SIGNALS_H
#define AKANA_EARLY_SIGNALS_H
/// True when the .preinit_array entry of this target blocked SIGTERM and SIGINT (see early_signals.c).
int akana_early_signals_blocked(void);
#endif
