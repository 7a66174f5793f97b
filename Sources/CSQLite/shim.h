#ifndef AKANA_CSQLITE_SHIM_H
#define AKANA_CSQLITE_SHIM_H
#include <sqlite3.h>

/// SQLITE_TRANSIENT is a macro casting -1 to a function pointer; Swift cannot import it.
static inline sqlite3_destructor_type csqlite_transient(void) { return SQLITE_TRANSIENT; }

/// sqlite3_db_config is variadic, which Swift cannot call: the int-valued options (e.g.
/// SQLITE_DBCONFIG_ENABLE_TRIGGER) through a fixed signature. `value` -1 only reads the setting.
static inline int csqlite_db_config_int(sqlite3 *db, int op, int value, int *current) {
    return sqlite3_db_config(db, op, value, current);
}

/// Library-wide settings, applied once before SQLite initialises (sqlite3_config is variadic and
/// only allowed before sqlite3_initialize; later calls answer SQLITE_MISUSE and change nothing).
/// MEMSTATUS off: with it on (the default), every sqlite3_malloc/free takes one process-wide mutex,
/// which the reader threads and the writer then contend for on every statement.
static inline int csqlite_configure_library(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
#endif
