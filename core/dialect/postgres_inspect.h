/*
 * Shared by the PostgreSQL inspector's files (postgres_inspect.c: tables, columns, the
 * rest; postgres_inspect_keys.c: constraints and indexes).
 */
#ifndef GM_DIALECT_POSTGRES_INSPECT_H
#define GM_DIALECT_POSTGRES_INSPECT_H
#include <stdbool.h>
#include <libpq-fe.h>
#include "git-migrate/buf.h"
#include "git-migrate/schema.h"
#include "dialect/postgres.h"
#include "util/strvec.h"

#define GM_PG_SEP '\x1f' /* separator of name lists (string_agg(..., chr(31))) */

/* A result's value, NULL for SQL NULL (borrowed from res). */
const char *gm_pg_val(const PGresult *res, int row, int col);
/* A boolean result value: true for 't', false for 'f' and NULL. */
bool gm_pg_val_bool(const PGresult *res, int row, int col);
/* Call add(obj, name) for each name of a chr(31)-separated list (NULL: none). */
void gm_pg_each_name(const char *list, void *obj, void (*add)(void *obj, const char *name));
/* Table of s by name, remembering the last one in *last (rows come sorted by table);
 * NULL when s has none. Borrowed. */
gm_table *gm_pg_table_of(gm_schema *s, const char *name, gm_table **last);

/*
 * The table list and the tables' parts (columns; postgres_inspect_keys.c: constraints,
 * primary, unique, foreign keys, checks, exclusion constraints, and the indexes that back
 * no constraint) come from GM_PG_PARTS queries: gm_pg_q_tables, _columns, _constraints,
 * _indexes. gm_pg_parts_from reads their results (a server's, or ones made from rows kept
 * with a cache entry: postgres_inspect_memo.c) into s; gm_pg_constraints_from and
 * gm_pg_indexes_from are its readers of the last two (tables and columns first).
 */
#define GM_PG_PARTS 4
void gm_pg_parts_from(gm_schema *s, PGresult *const res[GM_PG_PARTS]);
void gm_pg_constraints_from(gm_schema *s, const PGresult *res);
void gm_pg_indexes_from(gm_schema *s, const PGresult *res);

/*
 * postgres_inspect_memo.c: what an inspection keeps for the next one on a connection with
 * memo_on (the file says how it stays correct).
 *
 * gm_pg_changes_read runs gm_pg_q_changes (after the settings query, before the tables are
 * read): the tables found unchanged, which the three queries of their parts then skip.
 * `stale`: they would have to come from a memo the connection does not hold; the caller
 * calls gm_pg_changes_reset and inspects again. Release with gm_pg_changes_release (also
 * after a failure, which has set the error and dropped the memo).
 * gm_pg_memo_merge copies the unchanged tables' parts from the memo into s (after the
 * indexes are read); GM_EDB when one is missing. gm_pg_memo_keep replaces the memo with
 * s's tables. gm_pg_memo_drop forgets it (after a failed inspection); gm_pg_memo_free
 * frees one (NULL-safe).
 */
typedef struct gm_pg_changes {
	bool stale;      /* see above */
	char *gen;       /* this inspection's generation */
	gm_strvec clean; /* the tables found unchanged, in name order */
} gm_pg_changes;

int gm_pg_changes_read(gm_pg_changes *ch, struct gm_pg_conn *c, const char *vt);
int gm_pg_changes_reset(struct gm_pg_conn *c);
void gm_pg_changes_release(gm_pg_changes *ch);
int gm_pg_memo_merge(gm_schema *s, struct gm_pg_conn *c, const gm_pg_changes *ch);
void gm_pg_memo_keep(struct gm_pg_conn *c, const gm_schema *s, const gm_pg_changes *ch);
void gm_pg_memo_drop(struct gm_pg_conn *c);
void gm_pg_memo_free(struct gm_pg_memo *m);

/*
 * A memo kept with a cache entry (postgres_cache.c), so that the inspection that checks a
 * copy of the entry reads only what changed since it was saved (nothing, normally).
 * gm_pg_memo_capture (postgres_inspect.c) reads the tables of c's database afresh (the
 * change query, then the four queries of tables and their parts, which it keeps) and
 * appends them with the session's state to out (gm_pg_memo_save; c's memo is then those
 * tables). gm_pg_memo_load puts such a text back as the memo of c, a new session on a
 * copy of that database, and its state into the session: GM_EINVALID when the text is
 * not one (nothing changed), GM_EDB when the state cannot be set.
 */
int gm_pg_memo_capture(gm_buf *out, gm_conn *conn, const char *version_table);
int gm_pg_memo_save(gm_buf *out, struct gm_pg_conn *c, const gm_pg_changes *ch,
		    PGresult *const res[GM_PG_PARTS]);
int gm_pg_memo_load(struct gm_pg_conn *c, const char *blob, size_t len);

#endif
