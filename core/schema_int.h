/* Schema internals shared inside core (not cmd/'s API): builders, lookups, names, order. */
#ifndef GM_CORE_SCHEMA_INT_H
#define GM_CORE_SCHEMA_INT_H

#include <stdbool.h>
#include <stddef.h>
#include "git-migrate/buf.h"
#include "git-migrate/schema.h"

/* A new empty schema. Caller owns *out (gm_schema_free). */
void gm_schema_new(gm_schema **out);
void gm_schema_free(gm_schema *s); /* NULL-safe */

/* Deep copy. Caller owns *out. */
void gm_schema_copy(gm_schema **out, const gm_schema *s);
/* Append deep copies of a table, an enum, an object of another schema. */
void gm_schema_add_table_copy(gm_schema *s, const gm_table *t);
/* Replace s->tables[i] (freed) by a deep copy of t: the copy (owned by s). */
gm_table *gm_schema_set_table_copy(gm_schema *s, size_t i, const gm_table *t);
void gm_schema_add_enum_copy(gm_schema *s, const gm_enum *e);
void gm_schema_add_dependent_copy(gm_schema *s, const gm_dependent *d);

gm_enum *gm_schema_add_enum(gm_schema *s, const char *name);
void gm_enum_add_label(gm_enum *e, const char *label);
gm_table *gm_schema_add_table(gm_schema *s, const char *name);
void gm_schema_add_unsupported(gm_schema *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A dependent object (copies of the strings; table may be NULL), appended in order. */
gm_dependent *gm_schema_add_dependent(gm_schema *s, const char *kind, const char *name,
				      const char *table, const char *create);
void gm_dependent_add_use(gm_dependent *d, const char *name);
/* The dependent whose uses name `name`, from index *i on (start at 0); NULL when none is
 * left. Borrowed. */
const gm_dependent *gm_schema_next_user(const gm_schema *s, const char *name, size_t *i);
/*
 * The models' schema `to` inherits from the database's `from` the objects of every kind
 * the models do not manage (no object of that kind in `to`: see gm_dependent), and the
 * "generated column" carriers it lacks, but none in a schema that `to` drops
 * (gm_schema_drops_home); then `to`'s objects are put in creation order again
 * (gm_schema_order_dependents).
 */
void gm_schema_inherit_dependents(gm_schema *to, const gm_schema *from);

/*
 * schema_scope.c: which schemas (PostgreSQL namespaces; names "schema.name") the models
 * manage. With `schemas` (the config's `schemas:` key), those and the current schema;
 * else, when the models name any schema but the current one, every schema (a schema the
 * database has and the models lack is dropped), and when they name none, only the
 * current one. `desired` (the models) takes from `current` (the database) the tables,
 * enums and objects of every schema it does not manage, the schema object itself
 * included, so that the plan leaves them alone. GM_EINVALID when the models use a schema
 * that `schemas` does not list.
 */
int gm_schema_scope(gm_schema *desired, const gm_schema *current, char *const *schemas,
		    size_t schemas_nr);
/* The schema (unquoted; empty: the current one) of a model name (a function's with its
 * argument types too), or of an object (a schema object: itself; a trigger: its
 * table's), into out (cleared first). schema_scope.c. */
void gm_name_home(gm_buf *out, const char *name);
void gm_dependent_home(gm_buf *out, const gm_dependent *d);
/* Append to out (a gm_strvec, util/strvec.h) every schema but the current one that s's
 * tables, enums and objects are in, once each (unquoted). schema_scope.c. */
struct gm_strvec;
void gm_schema_homes(struct gm_strvec *out, const gm_schema *s);
/* Append `part` (unquoted) as a part of a model name: in double quotes when it holds a
 * dot or starts with one ('"' doubled), else as it is. */
void gm_name_part(gm_buf *out, const char *part);
/* Whether object d of `from` is in a schema that `from` has and `to` drops (schema_scope.c). */
bool gm_schema_drops_home(const gm_schema *to, const gm_schema *from, const gm_dependent *d);

/* Put s's objects in an order that creates them: each after the objects it uses, else in
 * the order they had; on a cycle the first one left goes next. */
void gm_schema_order_dependents(gm_schema *s);

/* Whether the diff compares d (every kind but the "generated column" carrier). */
bool gm_dependent_compared(const gm_dependent *d);
/* Same kind, name and create text. */
bool gm_dependent_equal(const gm_dependent *a, const gm_dependent *b);
/* The object of `kind` named `name`, or NULL. Borrowed. */
const gm_dependent *gm_schema_dependent(const gm_schema *s, const char *kind, const char *name);

gm_column *gm_table_add_column(gm_table *t, const char *name, const char *type);
void gm_column_set_default(gm_column *c, gm_default_kind kind, const char *value);
void gm_column_add_label(gm_column *c, const char *label);
void gm_table_add_pk(gm_table *t, const char *column);
gm_index *gm_table_add_index(gm_table *t, const char *name);
void gm_index_add_column(gm_index *ix, const char *column);
void gm_index_add_include(gm_index *ix, const char *column); /* an INCLUDE (...) column */
gm_fkey *gm_table_add_fkey(gm_table *t, const char *name, const char *ref_table);
void gm_fkey_add_pair(gm_fkey *fk, const char *column, const char *ref_column);
gm_check *gm_table_add_check(gm_table *t, const char *name, const char *expr);

/* Remove (and free) element i, keeping order. */
void gm_schema_remove_table(gm_schema *s, size_t i);
void gm_schema_remove_enum(gm_schema *s, size_t i);
void gm_schema_remove_dependent(gm_schema *s, size_t i);

/* Replace a string field: frees *field and stores a copy of value (NULL allowed). */
void gm_set_str(char **field, const char *value);

/* Lookups by exact name; NULL when absent. Borrowed, valid while the parent lives. */
gm_table *gm_schema_table(const gm_schema *s, const char *name);
gm_enum *gm_schema_enum(const gm_schema *s, const char *name);
gm_column *gm_table_column(const gm_table *t, const char *name);
gm_index *gm_table_index(const gm_table *t, const char *name);
gm_fkey *gm_table_fkey(const gm_table *t, const char *name);
gm_check *gm_table_check(const gm_table *t, const char *name);
bool gm_table_pk_has(const gm_table *t, const char *column);

/*
 * Split a model name of a table, enum or object into its schema and its own name, both
 * unquoted (schema.h's canonical forms: "billing.invoices", "billing.\"a.b\"",
 * "\"a.b\""): true when the name is qualified; else *schema_out is empty and
 * *local_out is the name (unquoted when it is one quoted part, else as it is). Both
 * buffers are cleared first; the caller owns them.
 */
bool gm_name_split(const char *name, gm_buf *schema_out, gm_buf *local_out);

/* Conventional names (PostgreSQL's), written into out (cleared first). The table's schema
 * is left out ("billing.t" → "t_pkey"). */
void gm_name_pkey(gm_buf *out, const char *table);                               /* t_pkey */
void gm_name_key(gm_buf *out, const char *table, char *const *cols, size_t n);   /* t_a_b_key */
void gm_name_index(gm_buf *out, const char *table, char *const *cols, size_t n); /* t_a_b_idx */
void gm_name_fkey(gm_buf *out, const char *table, char *const *cols, size_t n);  /* t_a_fkey */
void gm_name_check(gm_buf *out, const char *table, const char *column);          /* t_c_check */

/*
 * Canonical, order-stable text rendering of a schema: two schemas are equal exactly when
 * their fingerprints are. Enums by name (labels in order), tables by name, columns by
 * name (physical column order is not part of a schema: ADD COLUMN appends), indexes,
 * fkeys and checks by name; the primary key keeps its column order. `origin`, `was` and `enum_name` are not part of it.
 * Writes into out (appends).
 */
void gm_schema_fingerprint(gm_buf *out, const gm_schema *s);

/*
 * How fingerprint `got` differs from `want`, for messages: at most `max` lines such as
 * "missing: table deals: column notes text" / "unexpected: table deals: column x text"
 * (no trailing newline). Appends to out.
 */
void gm_fingerprint_delta(gm_buf *out, const char *want, const char *got, size_t max);

/*
 * The test suite's check of an inspection that kept tables from the connection's last
 * one (GIT_MIGRATE_TEST_INSPECT_CHECK; sqlite_inspect_memo.c, postgres_inspect_memo.c):
 * 0 when s reads as `full` (everything read again) does: the same fingerprint, tables in
 * the same order with the same text, the same unsupported lines; else GM_ERROR saying how.
 */
int gm_schema_memo_check(const gm_schema *s, const gm_schema *full);

/*
 * The n tables (distinct names) in foreign-key order: referenced tables before the
 * tables that reference them (children_first: the reverse, for drops). A table's
 * references to itself and to tables not in the list do not count. Ties go by name, so
 * the order is deterministic. Cycle rule: when every table left waits for another,
 * start at the first waiting table by name and follow its first dependency by name
 * until a table repeats; that table is on a cycle and goes next (so a table that only
 * hangs off a cycle still waits for it). Caller owns *out (free(); n entries, borrowed).
 */
void gm_schema_fk_order(const gm_table ***out, const gm_table *const *tables, size_t n,
			bool children_first);

#endif
