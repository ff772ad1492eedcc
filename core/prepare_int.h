/* prepare's steps that live beside core/prepare.c (core-internal). */
#ifndef GM_CORE_PREPARE_INT_H
#define GM_CORE_PREPARE_INT_H
#include <stdbool.h>
#include "git-migrate/buf.h"
#include "git-migrate/prepare.h"
#include "git-migrate/schema.h"
#include "db_int.h"

/*
 * Rename-like changes of `up` (gm_diff of current → desired), never written silently as
 * drop + add: in one table a dropped column holding data (rows where it is not NULL,
 * counted on conn: the scratch database before the new revision) while a column of a
 * compatible type is added; a dropped table holding rows while a table with the same
 * columns is added. A drop named in opts->allow_drop ("t" or "t.c") is a confirmed loss
 * and not asked about. Each other pair is put to opts->ask_rename (when set): a yes sets
 * `was` on desired's column or table and *renamed (the caller diffs again, and checks
 * again). A drop no answer turned into a rename: GM_ECHECK naming it, the ways out (a
 * rename hint in the models, or --allow-drop) in the detail. GM_EINTERRUPTED when a
 * signal arrived while asking, GM_EDB when a count fails.
 */
int gm_prepare_renames(bool *renamed, gm_schema *desired, const gm_changes *up, gm_conn *conn,
		       const gm_prepare_opts *opts);

/*
 * The rows a down section cannot put back (the up drops tables or columns holding them),
 * as summary lines appended to out, e.g. "down: re-creates table b empty (its 3 rows are
 * not restored)". Rows are counted on conn before the up section runs.
 */
void gm_prepare_down_losses(gm_buf *out, const gm_changes *up, gm_conn *conn);

/*
 * Before the down section runs in the round trip (conn: after the up section): delete the
 * rows that the down cannot take back, so that the round trip checks what it can (the
 * schema) and is never blocked by rows that cannot come back: the rows of a table to which
 * the down re-adds a NOT NULL column without a default, and of a table that references
 * a table the down re-creates empty when the down re-adds that foreign key by a table
 * rebuild (SQLite checks every row at commit; PostgreSQL's down adds it NOT VALID and
 * keeps the rows) — and of the tables that reference those. One line per table emptied
 * goes to note ("members (3 rows)"). GM_EDB when a statement fails.
 */
int gm_prepare_drop_unrestorable(gm_buf *note, gm_conn *conn, const gm_changes *down,
				 const gm_plan *down_plan, const gm_schema *after_up);

#endif
