/*
 * Models: the desired schema, from YAML files, SQL DDL files or a command (DESIGN.md
 * §3.3). Core-internal: models.c (merge, validation), models_yaml.c and models_column.c
 * (YAML), models_load.c (sources).
 */
#ifndef GM_CORE_MODELS_INT_H
#define GM_CORE_MODELS_INT_H
#include <stddef.h>
#include "git-migrate/buf.h"
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

/*
 * The DDL of the models source {sqlalchemy: spec} ("module:attribute") for `dialect`
 * ("sqlite" or "postgres"), appended to out: cfg->python (default python3) runs the
 * script of models_sqlalchemy.c in cfg->root with the root first on PYTHONPATH and the
 * environment otherwise ours, printing SQLAlchemy's own DDL of the attribute's metadata
 * (no database connection). GM_ERROR when it cannot run, the module cannot be imported,
 * the attribute is missing or not a metadata: the message names the interpreter or the
 * module, the detail holds the last lines of Python's traceback; no location (the caller
 * adds the config's).
 */
int gm_models_sqlalchemy_ddl(gm_buf *out, const gm_config *cfg, const char *spec,
			     const char *dialect);

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

/*
 * YAML models, objects beyond tables (models_objects.c): parse the top-level keys
 * extensions, domains, sequences, functions, views, materialized_views and triggers of
 * `root` into p->part as gm_dependent objects (origin: the name's file:line:col; create:
 * SQL the planner runs as is). GM_EINVALID at the offending node (an object defined
 * twice names both places).
 */
struct gm_models_parse;
struct gm_yaml_node;
int gm_models_parse_objects(struct gm_models_parse *p, const struct gm_yaml_node *root);

/*
 * After a merge, the objects beyond tables of s: a trigger must be on a table of the
 * models; on `dialect` "sqlite" (NULL: not checked) only views and triggers exist
 * (another kind is GM_EINVALID at its origin, naming its key and the dialect) and a
 * create text keeps its first statement only (no COMMENT ON). An object without uses (a
 * YAML-made one) gets the tables, enums and objects its create text names (outside
 * quoted strings and dollar-quoted bodies), and s's objects are put in creation
 * order (gm_schema_order_dependents).
 */
int gm_models_validate_objects(gm_schema *s, const char *dialect);

#endif
