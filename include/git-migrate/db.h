/*
 * Databases, as cmd/ sees them: URL masking for messages and the signal handling that
 * interrupts statements. The dialect driver struct, URLs, connections and planned SQL
 * are core-internal: core/db_int.h.
 */
#ifndef GM_DB_H
#define GM_DB_H
#include <stddef.h>
#include "git-migrate/buf.h"

typedef struct gm_conn gm_conn;

/* Mask the password of any URL-ish string into out (cleared first). */
void gm_url_mask(gm_buf *out, const char *s);

/*
 * Install the SIGINT/SIGTERM handlers that interrupt running statements and make scratch
 * databases get dropped (idempotent). gm_signal_received() is the signal that arrived
 * (0 if none): cmd re-raises it after cleanup so the exit status says so.
 */
void gm_signals_install(void);
int gm_signal_received(void);

#endif
