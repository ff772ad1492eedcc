/* SQLite DDL text: read for what the pragmas do not tell (sqlite_inspect.c), re-written for
 * rebuilds and column adds that keep it as written (sqlite_plan.c). */
#ifndef GM_DIALECT_SQLITE_DDL_H
#define GM_DIALECT_SQLITE_DDL_H
#include <stdbool.h>
#include "git-migrate/buf.h"
#include "git-migrate/schema.h"
#include "util/strvec.h"

struct gm_sqlite_ddl_item {
	char *name;                          /* CONSTRAINT name, or NULL */
	char *column;                        /* column-level: the column it is declared on */
	gm_strvec cols;                      /* UNIQUE / FOREIGN KEY columns, as written */
	char *ref;                           /* FOREIGN KEY: the referenced table, as written */
	char *expr;                          /* CHECK: the condition */
	bool deferrable, initially_deferred; /* FOREIGN KEY: DEFERRABLE [INITIALLY DEFERRED] */
	bool used;
};

struct gm_sqlite_ddl {
	char *pk_name;
	gm_strvec autoinc;
	struct gm_sqlite_ddl_item **uniques, **fkeys, **checks;
	size_t uniques_nr, uniques_alloc, fkeys_nr, fkeys_alloc, checks_nr, checks_alloc;
};

/* Parse CREATE TABLE text into d (zeroed by the caller); what it does not understand
 * is left out. */
void gm_sqlite_ddl_parse(struct gm_sqlite_ddl *d, const char *sql);

/* Free what d holds. */
void gm_sqlite_ddl_release(struct gm_sqlite_ddl *d);

/*
 * An emulated enum: `col IN ('a', 'b', ...)` with only string literals. On success the
 * column name goes to *col (caller frees) and the labels to labels.
 */
bool gm_sqlite_ddl_enum(const char *expr, char **col, gm_strvec *labels);

/* CREATE INDEX text: the raw indexed list and the partial-index WHERE (caller frees). */
void gm_sqlite_ddl_index(const char *sql, char **list, char **where);

/* True when an index's column list (as gm_sqlite_ddl_index gives it) has a COLLATE, ASC or
 * DESC, which a list of column names does not keep: the inspector keeps it as written. */
bool gm_sqlite_ddl_index_ordered(const char *list);

/* pragma's dflt_value (the default as written) → c's canonical default (see sqlite.h). */
void gm_sqlite_ddl_default(gm_column *c, const char *text);

/* True when sql is CREATE VIRTUAL TABLE. */
bool gm_sqlite_ddl_is_virtual(const char *sql);

/*
 * CREATE TABLE text `sql` (as sqlite_schema keeps it) re-written for a table rebuild: the
 * table is named `name` (quoted as needed; IF NOT EXISTS and a schema prefix dropped),
 * and each of the `extra` columns is appended after the last column definition as a bare
 * column (type ANY in a STRICT table, none otherwise: values are copied as they are), so
 * that dropping them again gives back the text as written. Everything else is kept as
 * written. Appends to out, ending in ";\n". False, out unchanged, when sql is not a
 * CREATE TABLE with a column list.
 */
bool gm_sqlite_ddl_create_as(gm_buf *out, const char *sql, const char *name, char *const *extra,
			     size_t extra_nr);

/* The definition of column col (case-insensitive) in CREATE TABLE text, as written (name
 * to its last token), or NULL when absent. Caller frees. */
char *gm_sqlite_ddl_column_text(const char *sql, const char *col);

/* The generation expression of column col in CREATE TABLE text (`[GENERATED ALWAYS] AS
 * (expr)`), as written inside the parentheses, or NULL. Caller frees. */
char *gm_sqlite_ddl_generated(const char *sql, const char *col);

/* Every word and quoted name in sql (unquoted, in order), e.g. what a view names. Appends
 * to out. */
void gm_sqlite_ddl_names(gm_strvec *out, const char *sql);

/* sql with every name (word or quoted) that is `old` (case-insensitive) written as
 * new_name (quoted as needed): a view's or trigger's text after the table it names was
 * renamed, as SQLite's RENAME TO rewrites it. Appends to out. */
void gm_sqlite_ddl_replace_name(gm_buf *out, const char *sql, const char *old,
				const char *new_name);

#endif
