/*
 * The schema model (DESIGN.md §3.3, STYLE §1.5): enums, tables, columns, indexes, foreign
 * keys, checks. Both sides of a diff are canonical: the models loader and every dialect's
 * inspector produce the same representation for the same database schema, so the diff
 * needs no dialect knowledge.
 *
 * Canonical forms (the contract between models, inspectors, diff, planners):
 *  - identifiers: exactly as declared (case kept), never quoted.
 *  - names of tables, enums and objects (gm_dependent): unqualified in the current schema
 *    (PostgreSQL's current_schema(), public; SQLite has only that one), else
 *    "schema.name" (PostgreSQL: "billing.invoices", a foreign key's ref_table too). The
 *    first dot splits (gm_name_split); a part that holds a dot itself, or starts with a
 *    double quote, is written in double quotes, '"' doubled: the public table a.b is
 *    "\"a.b\"", billing's table x.y "billing.\"x.y\"". Column, index and constraint
 *    names are never qualified (an index lives in its table's schema), and conventional
 *    names use the table's own name ("billing.t" → "t_pkey").
 *  - column types: gm_type_canonical() of the declared type: lowercase portable names
 *    ("integer", "bigint", "varchar(200)", "numeric(12,2)", "timestamptz", "double",
 *    "boolean", ...), an enum's name for enum columns, "<type>[]" for arrays, anything
 *    else lowercased with single spaces.
 *  - defaults: GM_DEFAULT_LITERAL holds the value unquoted ("USD", "0", "true", "it's");
 *    GM_DEFAULT_SQL holds a raw expression ("now()", "CURRENT_TIMESTAMP").
 *  - constraint and index names are always set: where the source gives none, the
 *    conventional name is used (gm_name_* below, PostgreSQL's own conventions).
 *  - on_delete/on_update: lowercase "cascade", "set null", "set default", "restrict",
 *    or NULL for the default (no action).
 *  - comments (tables, columns, indexes, constraints): PostgreSQL's; a dialect without
 *    comments (SQLite) has none on either side (dialect->normalize drops the models').
 *    The comment of a UNIQUE or PRIMARY KEY constraint is the constraint's (COMMENT ON
 *    CONSTRAINT), not its index's.
 *  - A dialect without native enums (SQLite) has no gm_enum objects: its enum columns are
 *    type "text" with `labels` set (the allowed values, in order). dialect->normalize
 *    turns a models schema into that form before diffing.
 *
 * Ownership: a gm_schema owns everything reachable from it; gm_schema_free releases all.
 * Strings passed to the gm_*_add/set functions are copied.
 */
#ifndef GM_SCHEMA_H
#define GM_SCHEMA_H
#include <stdbool.h>
#include <stddef.h>
#include "git-migrate/buf.h"

typedef enum {
	GM_DEFAULT_NONE,
	GM_DEFAULT_LITERAL,
	GM_DEFAULT_SQL
} gm_default_kind;

typedef struct gm_enum {
	char *name;
	char **labels;
	size_t labels_nr, labels_alloc;
	char *was;    /* rename hint, or NULL */
	char *origin; /* "models/crm.yml:3:3" for messages, or NULL */
} gm_enum;

typedef struct gm_column {
	char *name;
	char *type;    /* canonical type (see above) */
	char **labels; /* emulated enum (no native enums): allowed values; else NULL */
	size_t labels_nr, labels_alloc;
	char *enum_name; /* emulated enum: the models' enum name (informational, not compared) */
	bool nullable;
	gm_default_kind default_kind;
	char *default_value;
	bool identity;        /* GENERATED ... AS IDENTITY / SQLite AUTOINCREMENT */
	bool identity_always; /* identity: GENERATED ALWAYS (else BY DEFAULT) */
	char *generated;      /* generated column: its expression (the inspector's text), else NULL;
			  * default_kind is then GM_DEFAULT_NONE */
	bool stored; /* generated: STORED (PostgreSQL's only kind), else VIRTUAL (SQLite) */
	char *comment;
	char *was;
	char *origin;
} gm_column;

typedef struct gm_index {
	char *name;
	char **columns; /* column names, or NULL for an expression index */
	size_t columns_nr, columns_alloc;
	char *expr;  /* expression index: raw SQL of the indexed expression(s), else NULL */
	char *where; /* partial index predicate, else NULL */
	bool unique;
	bool constraint; /* a UNIQUE constraint (column unique: true, UNIQUE(...)), not CREATE INDEX */
	char *method;    /* access method ("gin", "gist", ...); NULL for the default (btree) */
	char **include; /* INCLUDE (...) columns (PostgreSQL), else NULL */
	size_t include_nr, include_alloc;
	bool nulls_not_distinct; /* NULLS NOT DISTINCT (PostgreSQL 15) */
	bool deferrable;         /* constraint: DEFERRABLE */
	bool initially_deferred; /* constraint: DEFERRABLE INITIALLY DEFERRED */
	char *comment; /* COMMENT ON INDEX, or on a UNIQUE constraint: ON CONSTRAINT; or NULL */
} gm_index;

typedef struct gm_fkey {
	char *name;
	char **columns;
	size_t columns_nr, columns_alloc;
	char *ref_table;
	char **ref_columns;
	size_t ref_columns_nr, ref_columns_alloc;
	char *on_delete;
	char *on_update;
	bool deferrable;         /* DEFERRABLE */
	bool initially_deferred; /* DEFERRABLE INITIALLY DEFERRED */
	char *comment;           /* COMMENT ON CONSTRAINT, or NULL */
} gm_fkey;

typedef struct gm_check {
	char *name;
	char *expr;     /* the condition, without CHECK and the outer parentheses; for an exclusion
		     * constraint the whole definition as pg_get_constraintdef prints it
		     * ("EXCLUDE USING gist (room WITH =, during WITH &&)") */
	bool exclusion; /* an EXCLUDE constraint (PostgreSQL), not a CHECK */
	char *comment;  /* COMMENT ON CONSTRAINT, or NULL */
} gm_check;

typedef struct gm_table {
	char *name;
	char *comment;
	char *was;
	char *origin;
	gm_column **columns; /* in declaration order */
	size_t columns_nr, columns_alloc;
	char **pk; /* primary key column names, in key order */
	size_t pk_nr, pk_alloc;
	char *pk_name;    /* set whenever pk_nr > 0 */
	char *pk_comment; /* COMMENT ON CONSTRAINT of the primary key, or NULL */
	gm_index **indexes;
	size_t indexes_nr, indexes_alloc;
	gm_fkey **fkeys;
	size_t fkeys_nr, fkeys_alloc;
	gm_check **checks;
	size_t checks_nr, checks_alloc;
	char *sql; /* SQLite: the CREATE TABLE text as sqlite_schema keeps it (what a rebuild
		    * re-creates, renamed); NULL elsewhere. Never compared. */
} gm_table;

/*
 * An object beyond tables and enums (issue 14): an extension, a schema, a domain, a
 * sequence, a function or procedure, a view, a materialized view, a trigger; and, as a
 * carrier only, a PostgreSQL "generated column". Both sides of a diff read them from a
 * database (the models are planned into a scratch database and inspected), so `create`
 * is the inspector's normal form and two objects are equal when kind, name and create
 * are (gm_dependent_equal). The diff compares every kind but "generated column"
 * (GM_CHANGE_ADD_OBJECT, DROP_OBJECT, REPLACE_OBJECT); a plan also drops and re-creates
 * the objects that use a table, type or object it rebuilds, swaps, re-types or replaces,
 * in the same transaction (gm_pg_carry_dependents, SQLite rebuilds).
 *
 * Which objects the models manage: a kind the models declare at least one object of is
 * managed (the models are its whole desired state: an object the database has and the
 * models lack is dropped); a kind the models declare none of is left as the database has
 * it (gm_schema_inherit_dependents copies those into the models' schema). Objects an
 * extension owns are never read.
 */
typedef struct gm_dependent {
	char *kind;   /* "extension", "schema", "domain", "sequence", "function", "procedure",
		       * "view", "materialized view", "trigger", "generated column" */
	char *name;   /* as the database names it (a function: with its argument types; a
		       * trigger: its own name, on PostgreSQL "name on table"; outside the current schema: "schema.name") */
	char *table;  /* a trigger's (or generated column's) table, else NULL */
	char *create; /* the complete statement(s) that create it, ending in ';' (with its
		       * COMMENT ON, if any) */
	char **uses;  /* names of the tables, types and objects it depends on */
	size_t uses_nr, uses_alloc;
	char *origin; /* where the models declare it ("models/app.yml:12:5"), or NULL */
} gm_dependent;

typedef struct gm_schema {
	gm_enum **enums;
	size_t enums_nr, enums_alloc;
	gm_table **tables;
	size_t tables_nr, tables_alloc;
	char **unsupported; /* objects the model does not cover, e.g. "view customer_list" */
	size_t unsupported_nr, unsupported_alloc;
	gm_dependent **dependents; /* objects beyond tables (gm_dependent), in creation order:
				    * an object after what it uses */
	size_t dependents_nr, dependents_alloc;
} gm_schema;

/* The functions on these types are core-internal: core/schema_int.h. */

#endif
