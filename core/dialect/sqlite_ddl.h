/* SQLite DDL text, read for what the pragmas do not tell (for sqlite_inspect.c). */
#ifndef GM_DIALECT_SQLITE_DDL_H
#define GM_DIALECT_SQLITE_DDL_H
#include <stdbool.h>
#include "git-migrate/schema.h"
#include "util/strvec.h"

struct gm_sqlite_ddl_item {
	char *name;     /* CONSTRAINT name, or NULL */
	char *column;   /* column-level: the column it is declared on */
	gm_strvec cols; /* UNIQUE / FOREIGN KEY columns, as written */
	char *ref;      /* FOREIGN KEY: the referenced table, as written */
	char *expr;     /* CHECK: the condition */
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

/* pragma's dflt_value (the default as written) → c's canonical default (see sqlite.h). */
void gm_sqlite_ddl_default(gm_column *c, const char *text);

/* True when sql is CREATE VIRTUAL TABLE. */
bool gm_sqlite_ddl_is_virtual(const char *sql);

#endif
