/*
 * Interrupts: the one flag that SIGINT/SIGTERM set, and the one message an interrupted
 * operation fails with. Internal to core (cmd sees gm_signals_install and
 * gm_signal_received of db.h, defined here).
 */
#ifndef GM_CORE_INTERRUPT_H
#define GM_CORE_INTERRUPT_H
#include <stdbool.h>

/* True once SIGINT or SIGTERM arrived. */
bool gm_interrupted(void);

/*
 * 0 while no signal arrived; after one, sets the error GM_EINTERRUPTED "interrupted" and
 * returns it. The one way core stops for an interrupt: call it between steps.
 */
int gm_interrupt_check(void);

/*
 * Sets the error GM_EINTERRUPTED "interrupted" and returns it: for a statement that our
 * own interrupt stopped (SQLITE_INTERRUPT, PostgreSQL's query_canceled after PQcancel).
 */
int gm_interrupt_error(void);

/* The signal that arrived, for cmd to re-raise after cleanup: gm_signal_received (db.h). */

/*
 * What the handler does before it records the signal: called in the handler, so it must
 * be async-signal-safe; returns true when it had something of ours to clean up (a
 * scratch database: then the run stops through its error path), false when the process
 * may die of the signal right away. scratch.c sets it (interrupting the running
 * statement and unlinking SQLite scratch files); one hook, set before the handlers can
 * see it, replaced by a later call.
 */
typedef bool (*gm_interrupt_hook)(void);
void gm_interrupt_set_hook(gm_interrupt_hook hook);

#endif
