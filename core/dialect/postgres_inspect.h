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

#endif
