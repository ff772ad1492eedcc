/*
 * Shared by the PostgreSQL inspector's files (postgres_inspect.c: tables, columns, the
 * rest; postgres_inspect_keys.c: constraints and indexes).
 */
#ifndef GM_DIALECT_POSTGRES_INSPECT_H
#define GM_DIALECT_POSTGRES_INSPECT_H
#include <stdbool.h>
#include <libpq-fe.h>
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
 * postgres_inspect_keys.c: read the constraints (primary, unique, foreign keys, checks,
 * exclusion constraints) and the indexes that back no constraint into the tables of s,
 * which read_tables and read_columns filled. vt is the version table. A failed query
 * has set the error (its return value).
 */
int gm_pg_read_constraints(gm_schema *s, struct gm_pg_conn *c, const char *vt);
int gm_pg_read_indexes(gm_schema *s, struct gm_pg_conn *c, const char *vt);

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
	bool asked;      /* the query ran */
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

#endif
