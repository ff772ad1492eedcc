/* The pg_catalog queries of postgres_inspect.c (SQL text; postgres_catalog.c). */
#ifndef GM_DIALECT_POSTGRES_CATALOG_H
#define GM_DIALECT_POSTGRES_CATALOG_H

/*
 * Each reads the schemas of IN_SCHEMAS (postgres_catalog.c: the current schema and the
 * others that are neither system nor extension schemas), naming what is outside the
 * current schema "schema.name"; $1 is the version table (of the current schema) where a
 * query takes it. The result columns are listed at each definition.
 */
extern const char *const gm_pg_q_enums;
extern const char *const gm_pg_q_tables;
extern const char *const gm_pg_q_columns;
extern const char *const gm_pg_q_constraints;
extern const char *const gm_pg_q_indexes;
extern const char *const gm_pg_q_unsupported;
extern const char *const gm_pg_q_dependents;
extern const char *const gm_pg_q_generated;
extern const char *const gm_pg_q_schemas;
extern const char *const gm_pg_q_triggers;
/* What changed since the last inspection on the connection (postgres_inspect_memo.c). */
extern const char *const gm_pg_q_changes;

#endif
