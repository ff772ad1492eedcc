/* Internals shared by models.c (YAML, merge, validation) and models_load.c (sources). */
#ifndef GM_CORE_MODELS_INT_H
#define GM_CORE_MODELS_INT_H
#include <stddef.h>
#include "git-migrate/schema.h"

/* Move the enums, tables and unsupported objects of `part` into `into`; frees part. */
void gm_models_move(gm_schema *into, gm_schema *part);

/*
 * After a merge: column types naming an enum declared in another file (or in other
 * case: unquoted type names are case-insensitive) take the enum's exact name, and
 * `references: table` (ref column "") takes the table's single-column primary key.
 */
void gm_models_resolve(gm_schema *s);

/* gm_models_validate, without checking the column types of the tables named in
 * `inspected` (they came from a database, which accepted them). */
int gm_models_validate_except(const gm_schema *s, char *const *inspected, size_t inspected_nr);

#endif
