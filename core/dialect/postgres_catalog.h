/* The pg_catalog queries of postgres_inspect.c (SQL text; postgres_catalog.c). */
#ifndef GM_DIALECT_POSTGRES_CATALOG_H
#define GM_DIALECT_POSTGRES_CATALOG_H

/*
 * Each reads current_schema(); $1 is the version table where a query takes it. The
 * result columns are listed at each definition.
 */
extern const char *const gm_pg_q_enums;
extern const char *const gm_pg_q_tables;
extern const char *const gm_pg_q_columns;
extern const char *const gm_pg_q_constraints;
extern const char *const gm_pg_q_indexes;
extern const char *const gm_pg_q_unsupported;
extern const char *const gm_pg_q_dependents;
extern const char *const gm_pg_q_generated;
extern const char *const gm_pg_q_triggers;

#endif
