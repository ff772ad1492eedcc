/*
 * The foreign-key check that ends a SQLite transaction, on the tables it touched.
 *
 * begin turns foreign keys off (a table rebuild needs that), so commit checks them with
 * PRAGMA foreign_key_check. On the whole database that costs time in proportion to every
 * row of it (about 40 ms for 100k rows, three times in each prepare's verification and
 * once per deployed revision); on the tables the transaction wrote, created, altered or
 * dropped, and on the tables whose foreign keys name one of those, it costs in proportion
 * to the change. A violation outside them cannot be new: those tables' rows and their
 * parents are as they were at BEGIN.
 *
 * The tables are recorded three ways: as statements are prepared (sqlite.c's authorizer
 * passes each action to gm_sqlite_touched_note), as rows change (the update hook, for a
 * statement prepared before BEGIN), and as names appear (a RENAME's new name is in no
 * authorizer call: the tables at COMMIT that were not there at BEGIN).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sqlite3.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "error_int.h"
#include "dialect/sql.h"
#include "dialect/sqlite.h"
#include "interrupt.h"
#include "util/strvec.h"
#include "util/banned.h"

static const char tables_sql[] = "SELECT name FROM sqlite_schema WHERE type = 'table' AND "
				 "name NOT LIKE 'sqlite\\_%' ESCAPE '\\'";
static const char edges_sql[] = "SELECT m.name, f.\"table\" FROM sqlite_schema AS m, "
				"pragma_foreign_key_list(m.name) AS f WHERE m.type = 'table'";

static void note_name(gm_sqlite_touched *t, const char *name)
{
	if (!name || !strncasecmp(name, "sqlite_", 7) ||
	    gm_strv_contains_ci(t->names.v, t->names.nr, name))
		return;
	gm_strvec_push(&t->names, name);
}

/* The update hook: one call per row; rows come in runs of one table (t->last). */
static void on_update(void *payload, int op, const char *dbname, const char *table,
		      sqlite3_int64 rowid)
{
	gm_sqlite_touched *t = payload;

	(void)op;
	(void)dbname;
	(void)rowid;
	if (table == t->last)
		return;
	t->last = table;
	note_name(t, table);
}

/* Rows of a one-column query into out; false when it cannot run. */
static bool query_names(sqlite3 *db, const char *sql, gm_strvec *out)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return false;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		gm_strvec_push(out, (const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE;
}

void gm_sqlite_touched_begin(gm_sqlite_touched *t, struct sqlite3 *db)
{
	gm_sqlite_touched_end(t, db);
	t->on = true;
	t->all = !query_names(db, tables_sql, &t->before);
	sqlite3_update_hook(db, on_update, t);
}

void gm_sqlite_touched_note(gm_sqlite_touched *t, int action, const char *a1, const char *a2)
{
	if (!t->on)
		return;
	switch (action) {
	case SQLITE_INSERT:
	case SQLITE_UPDATE:
	case SQLITE_DELETE:
	case SQLITE_CREATE_TABLE:
	case SQLITE_DROP_TABLE:
		note_name(t, a1);
		break;
	case SQLITE_ALTER_TABLE:  /* a1 is the schema */
	case SQLITE_CREATE_INDEX: /* an index (unique: a parent key) of table a2 */
	case SQLITE_DROP_INDEX:
		note_name(t, a2);
		break;
	default:
		break;
	}
}

void gm_sqlite_touched_end(gm_sqlite_touched *t, struct sqlite3 *db)
{
	if (t->on)
		sqlite3_update_hook(db, NULL, NULL);
	gm_strvec_release(&t->names);
	gm_strvec_release(&t->before);
	t->on = t->all = false;
	t->last = NULL;
}

/*
 * The tables to check into out: those touched that exist now (with the ones that
 * appeared since BEGIN), and those whose foreign keys name a touched one, existing or
 * not (a dropped parent leaves its children's rows without one). false: check all.
 */
static bool tables_to_check(gm_strvec *out, gm_sqlite_touched *t, sqlite3 *db)
{
	gm_strvec now = GM_STRVEC_INIT;
	sqlite3_stmt *stmt = NULL;
	size_t i;
	int rc = SQLITE_ERROR;

	if (!query_names(db, tables_sql, &now))
		goto done;
	for (i = 0; i < now.nr; i++)
		if (!gm_strv_contains_ci(t->before.v, t->before.nr, now.v[i]))
			note_name(t, now.v[i]);
	for (i = 0; i < now.nr; i++)
		if (gm_strv_contains_ci(t->names.v, t->names.nr, now.v[i]))
			gm_strvec_push(out, now.v[i]);
	if (sqlite3_prepare_v2(db, edges_sql, -1, &stmt, NULL) != SQLITE_OK)
		goto done;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *child = (const char *)sqlite3_column_text(stmt, 0);
		const char *parent = (const char *)sqlite3_column_text(stmt, 1);

		if (child && parent && gm_strv_contains_ci(t->names.v, t->names.nr, parent) &&
		    !gm_strv_contains_ci(out->v, out->nr, child))
			gm_strvec_push(out, child);
	}
done:
	sqlite3_finalize(stmt);
	gm_strvec_release(&now);
	return rc == SQLITE_DONE;
}

/* The first violation found, and how many there are. */
struct violations {
	char *table, *parent;
	long long rowid;
	bool has_rowid;
	int n;
};

/* PRAGMA foreign_key_check of one table (NULL: all) into v. GM_EDB when it cannot run. */
static int check_one(struct violations *v, sqlite3 *db, const char *table)
{
	gm_buf sql = GM_BUF_INIT;
	sqlite3_stmt *stmt = NULL;
	int rc, error = 0;

	gm_buf_puts(&sql, "PRAGMA foreign_key_check");
	if (table) {
		gm_buf_puts(&sql, "(");
		gm_sql_literal(&sql, table);
		gm_buf_puts(&sql, ")");
	}
	if (sqlite3_prepare_v2(db, sql.ptr, -1, &stmt, NULL) != SQLITE_OK) {
		error = gm_error_set(GM_EDB, "cannot check foreign keys: %s", sqlite3_errmsg(db));
		goto done;
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (v->n++ == 0) {
			v->table = gm_xstrdup((const char *)sqlite3_column_text(stmt, 0));
			v->has_rowid = sqlite3_column_type(stmt, 1) != SQLITE_NULL;
			v->rowid = sqlite3_column_int64(stmt, 1);
			v->parent = gm_xstrdup((const char *)sqlite3_column_text(stmt, 2));
		}
	}
	if (rc != SQLITE_DONE)
		error = (sqlite3_errcode(db) & 0xff) == SQLITE_INTERRUPT
				? gm_interrupt_error()
				: gm_error_set(GM_EDB, "cannot check foreign keys: %s",
					       sqlite3_errmsg(db));
done:
	sqlite3_finalize(stmt);
	gm_buf_release(&sql);
	return error;
}

static int violation_error(const struct violations *v)
{
	gm_buf row = GM_BUF_INIT;
	int error;

	if (v->has_rowid)
		gm_buf_printf(&row, "row %lld", v->rowid);
	else
		gm_buf_puts(&row, "a row");
	error = gm_error_set(GM_EDB,
			     "foreign key violation: %s of '%s' references a missing row of "
			     "'%s' (%d violation%s)",
			     row.ptr, v->table ? v->table : "", v->parent ? v->parent : "", v->n,
			     v->n == 1 ? "" : "s");
	gm_buf_release(&row);
	return error;
}

int gm_sqlite_touched_check(gm_sqlite_touched *t, struct sqlite3 *db)
{
	gm_strvec check = GM_STRVEC_INIT;
	struct violations v = { NULL, NULL, 0, false, 0 };
	size_t i;
	int error = 0;

	if (!t || !t->on || t->all || !tables_to_check(&check, t, db))
		error = check_one(&v, db, NULL);
	else
		for (i = 0; i < check.nr && !error; i++)
			error = check_one(&v, db, check.v[i]);
	if (!error && v.n)
		error = violation_error(&v);
	free(v.table);
	free(v.parent);
	gm_strvec_release(&check);
	return error;
}
