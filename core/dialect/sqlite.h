/*
 * SQLite dialect internals shared by sqlite.c (connection, scratch, exec, inspect) and
 * sqlite_plan.c (normalize, plan).
 *
 * The DDL the planner writes — and which the inspector must read back into exactly the
 * normalized models schema (it must also read hand-written DDL: unquoted or [bracketed]
 * or `backticked` names, inline constraints, unnamed constraints, any case):
 *
 *   CREATE TABLE "deals" (
 *       "id" integer NOT NULL,
 *       "currency" text NOT NULL DEFAULT 'USD' CHECK ("currency" IN ('USD', 'EUR')),
 *       "amount" numeric(12,2) NOT NULL DEFAULT 0,
 *       "created_at" timestamptz NOT NULL DEFAULT (CURRENT_TIMESTAMP),
 *       CONSTRAINT "deals_pkey" PRIMARY KEY ("id"),
 *       CONSTRAINT "deals_title_key" UNIQUE ("title"),
 *       CONSTRAINT "deals_contact_id_fkey" FOREIGN KEY ("contact_id") REFERENCES "contacts" ("id") ON DELETE CASCADE,
 *       CONSTRAINT "amount_positive" CHECK (amount >= 0)
 *   );
 *   CREATE UNIQUE INDEX "ux_deals_contact_title" ON "deals" ("contact_id", "title");
 *
 * - declared types are the canonical type text (gm_type_canonical), except: emulated enums
 *   are `text` (+ the unnamed column CHECK (col IN (...)) shown above), serial → integer,
 *   bigserial → bigint. An identity column is `integer NOT NULL PRIMARY KEY AUTOINCREMENT`
 *   inline (named CONSTRAINT "<t>_pkey" before PRIMARY KEY).
 * - SQLite has no comments on tables/columns: normalize drops them.
 * - Unnamed constraints read from hand-written DDL get the conventional names (gm_name_*).
 *   A column-level `UNIQUE` is a constraint index named <t>_<c>_key; `CHECK (c IN (...))`
 *   on a single column with only string literals is an emulated enum, not a check.
 * - Defaults: string literals quoted; numbers bare on numeric types; booleans TRUE/FALSE;
 *   SQL expressions in parentheses. Inspect: quoted → literal; number → literal;
 *   TRUE/FALSE → literal "true"/"false"; NULL → none; else SQL (outer parens stripped).
 * - PRIMARY KEY columns are always NOT NULL in the canonical schema.
 * - An index whose list has an expression, or a COLLATE / ASC / DESC on a column, keeps the
 *   list as written in gm_index.expr (a list of names would lose them).
 *
 * Where a table's CREATE text is known (gm_table.sql: the inspector keeps it, so both
 * schemas of prepare have it, the models' being inspected from the scratch database they
 * were applied to), the planner writes that text rather than the DDL above: ADD TABLE as
 * it is, a rebuild's new table with only its name replaced (gm_sqlite_ddl_create_as),
 * ADD COLUMN with the column's definition as written. The generated DDL is for schemas
 * without text (YAML models on their way to that scratch database, unit tests). A rebuild
 * also drops and re-creates the views and triggers (gm_schema.dependents of the change
 * list's `from`) that name the table, or name a view that does.
 */
#ifndef GM_DIALECT_SQLITE_H
#define GM_DIALECT_SQLITE_H
#include "git-migrate/db.h"
#include "db_int.h"

/* sqlite_plan.c: make a models schema look like what inspect returns (in place). */
void gm_sqlite_normalize(gm_schema *s);

/* sqlite_plan.c: plan SQL for a change list (offline). Fills *out. */
int gm_sqlite_plan(gm_plan *out, const gm_changes *changes);

/*
 * sqlite_alter.c: true when SQLite's ALTER TABLE cannot make the table change ch in place
 * (ADD / DROP / RENAME COLUMN, CREATE / DROP INDEX): a type, nullability, default or
 * AUTOINCREMENT change, a primary key or UNIQUE constraint change, a foreign key added to
 * an existing column or dropped, a CHECK added or dropped other than with its own column
 * (a column CHECK in the table's text), a column SQLite cannot add (primary key, UNIQUE,
 * an expression default, NOT NULL without a default) or drop (indexed, keyed, checked).
 */
bool gm_sqlite_needs_rebuild(const gm_change *ch);

/* sqlite_alter.c: the one foreign key of ch->to on column c that ADD COLUMN can declare
 * inline (*ok false when c has several, or one ADD COLUMN cannot declare); NULL if none.
 * Borrowed. */
const gm_fkey *gm_sqlite_inline_fkey(const gm_change *ch, const gm_column *c, bool *ok);

/* sqlite_alter.c: true when SQL text may name `name` (a case-insensitive whole-word match). */
bool gm_sqlite_mentions(const char *sql, const char *name);

/* sqlite.c: the sqlite3 handle of a SQLite connection (borrowed, valid while conn is). */
struct sqlite3;
struct sqlite3 *gm_sqlite_db(gm_conn *conn);

/*
 * sqlite_fkcheck.c: the tables a transaction touches, for the foreign-key check at its
 * end (see that file). Embedded in the connection; zeroed is "not recording".
 */
#include <stdbool.h>
#include "util/strvec.h"
typedef struct gm_sqlite_touched {
	bool on;          /* between begin and end */
	bool all;         /* the tables at BEGIN could not be read: check the whole database */
	gm_strvec names;  /* touched, as SQLite spelled them (compared case-insensitively) */
	gm_strvec before; /* the tables at BEGIN */
	const char *last; /* the update hook's last table (rows come in runs) */
} gm_sqlite_touched;

/* Start recording on db (after BEGIN): the tables now, the update hook. */
void gm_sqlite_touched_begin(gm_sqlite_touched *t, struct sqlite3 *db);

/* An authorizer call (action, its two arguments) while recording: note its table. */
void gm_sqlite_touched_note(gm_sqlite_touched *t, int action, const char *a1, const char *a2);

/*
 * PRAGMA foreign_key_check on the touched tables and the tables whose foreign keys name
 * one of them; on the whole database when t is NULL or not recording. 0, or GM_EDB
 * naming the first violation's row, table and parent and the count of violations
 * (GM_EINTERRUPTED on Ctrl-C). Recording goes on: gm_sqlite_touched_end stops it.
 */
int gm_sqlite_touched_check(gm_sqlite_touched *t, struct sqlite3 *db);

/* Stop recording (the update hook off) and forget the tables. */
void gm_sqlite_touched_end(gm_sqlite_touched *t, struct sqlite3 *db);

/* sqlite_inspect.c: the dialect's inspect slot (see gm_dialect.inspect). A connection's
 * next inspection reuses what this one read of the tables that did not change
 * (sqlite_inspect_memo.c). With GIT_MIGRATE_TEST_INSPECT_CHECK set (the test suite), each
 * such inspection is checked against a full one: GM_ERROR when they differ. */
int gm_sqlite_inspect(gm_schema **out, gm_conn *conn, const char *version_table);

/*
 * sqlite_inspect_memo.c: the tables an inspection read, kept on its connection for the
 * next one (see that file). All functions take ownership of nothing; strings are copied.
 */
typedef struct gm_sqlite_memo gm_sqlite_memo;
/* sqlite.c: the connection's memo (NULL at first; freed with the connection). */
gm_sqlite_memo **gm_sqlite_memo_slot(gm_conn *conn);
gm_sqlite_memo *gm_sqlite_memo_new(const char *version_table);
void gm_sqlite_memo_free(gm_sqlite_memo *m); /* NULL-safe */
/* Whether m (may be NULL) was made by an inspection leaving out this version table. */
bool gm_sqlite_memo_for(const gm_sqlite_memo *m, const char *version_table);
/* reuse[i]: whether table names[i], whose CREATE and index texts are sigs[i], reads as m
 * has it (same texts, and none of its foreign keys names a table that changed, came or
 * went among names[0..n) and m's). m may be NULL (nothing reused). */
void gm_sqlite_memo_reusable(bool *reuse, const gm_sqlite_memo *m, char *const *names,
			     char *const *sigs, size_t n);
/* Add m's copy of table `name` (reusable) to s, with the unsupported lines it added. */
void gm_sqlite_memo_copy_into(gm_schema *s, const gm_sqlite_memo *m, const char *name);
/* Remember table `name` read from `sig`, and the unsupported lines reading it added. */
void gm_sqlite_memo_add(gm_sqlite_memo *m, const char *name, const char *sig,
			char *const *unsupported, size_t unsupported_nr);
/* Copy each remembered table from s, the inspection's result. */
void gm_sqlite_memo_keep_tables(gm_sqlite_memo *m, const gm_schema *s);
/* sigs[i] for table names[i] of CREATE text sqls[i]: that text, then its indexes' names
 * and texts from sqlite_schema. GM_EDB when it cannot be read. */
int gm_sqlite_memo_signatures(gm_strvec *sigs, struct sqlite3 *db, char *const *names,
			      char *const *sqls, size_t n);
/* A table row of sqlite_schema: skipped (the version table, a virtual table's shadow
 * table), a virtual table (unsupported), or a table to read. */
typedef struct gm_sqlite_table_row {
	char *name, *sql;
	enum {
		GM_SQLITE_ROW_SKIP,
		GM_SQLITE_ROW_VIRTUAL,
		GM_SQLITE_ROW_TABLE
	} kind;
} gm_sqlite_table_row;
/* The table rows in name order into *out (caller frees: gm_sqlite_table_rows_free). GM_EDB
 * when they cannot be read (GM_EINTERRUPTED on Ctrl-C). */
int gm_sqlite_table_rows(gm_sqlite_table_row **out, size_t *nr, struct sqlite3 *db,
			 const char *version_table);
void gm_sqlite_table_rows_free(gm_sqlite_table_row *rows, size_t nr);

/* deploy_sql.c: the deploy slots of gm_dialect (see db_int.h). */
void gm_sqlite_version_sql(gm_buf *out, enum gm_version_op op, const char *table,
			   const gm_version_row *row);
int gm_sqlite_deploy_lock(gm_conn *conn, const char *table, gm_wait_cb on_wait, void *payload);
void gm_sqlite_deploy_unlock(gm_conn *conn, const char *table);
int gm_sqlite_create_database(const gm_url *url, bool *existed);
/*
 * sqlite_plan_objects.c: the views and triggers that changes drop or replace, and those
 * of changes->from that use one of them (recursively, by their uses: a view over a
 * replaced view), dropped (create false; the last created first), or those it adds or
 * replaces and those users again, created (create true; in changes->to's order), as
 * statements appended to out.
 */
void gm_sqlite_plan_objects(gm_plan *out, const gm_changes *changes, bool create);

/* sqlite_plan_objects.c: "DROP VIEW IF EXISTS v;" / "DROP TRIGGER IF EXISTS t;". */
void gm_sqlite_put_drop_object(gm_buf *b, const gm_dependent *d);

/*
 * sqlite_plan_objects.c: *out becomes a shallow copy of changes->from whose dependents
 * are those a table rebuild carries: every one gm_sqlite_plan_objects does not drop first
 * and create last. The dependents array is out's own
 * (free(out->dependents)); everything else is borrowed.
 */
void gm_sqlite_carried_objects(gm_schema *out, const gm_changes *changes);

#endif
