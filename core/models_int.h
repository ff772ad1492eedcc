/*
 * Models: the desired schema, from YAML files, SQL DDL files or a command (DESIGN.md
 * §3.3). Core-internal: models.c (merge, validation), models_yaml.c and models_column.c
 * (YAML), models_load.c (sources).
 */
#ifndef GM_CORE_MODELS_INT_H
#define GM_CORE_MODELS_INT_H
#include <stddef.h>
#include "git-migrate/config.h"
#include "git-migrate/schema.h"
#include "db_int.h"

/*
 * Parse one YAML model file and merge it into `into`. `path` is used in messages.
 * Errors are GM_EINVALID with path:line:col (bad YAML, unknown key, bad type, the same
 * table or enum twice, naming both places). Non-UTF-8 input is an error.
 */
int gm_models_parse_yaml(gm_schema *into, const char *path, const char *data, size_t len);

/*
 * Check a merged models schema. A column type must be a portable type, an enum of the
 * models, an array of one of those, or a native type passed through verbatim: a known
 * builtin of a dialect (inet, bytea, interval, citext, ...) or anything with parentheses
 * or spaces. Any other bare word is an unknown type reference (a typo of an enum name):
 * GM_EINVALID at the column's origin, with a hint naming the closest enum. Every foreign
 * key must name an existing table and columns, every index and key existing columns.
 */
int gm_models_validate(const gm_schema *s);

/*
 * Load every model source of the config (globs relative to cfg->root; files sorted by
 * name) into one schema. SQL files and commands are applied to scratch databases of
 * `dialect` created on `scratch_server` and inspected. Caller owns *out.
 */
int gm_models_load(gm_schema **out, const gm_config *cfg, const gm_url *scratch_server);

/* Move the enums, tables, unsupported lines and objects of `part` into `into`; frees part. */
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
