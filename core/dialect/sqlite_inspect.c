/*
 * Inspect a SQLite database into the canonical schema: sqlite_schema and the pragmas, plus
 * what the CREATE TABLE text gives and the pragmas do not (sqlite_ddl.c: CHECK
 * constraints, constraint names, AUTOINCREMENT). Each table keeps its CREATE text
 * (gm_table.sql) and the views and triggers become dependents, for the planner's rebuilds.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sqlite3.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/db.h"
#include "git-migrate/error.h"
#include "git-migrate/schema.h"
#include "git-migrate/vec.h"
#include "error_int.h"
#include "dialect/sql.h"
#include "dialect/sqlite.h"
#include "dialect/sqlite_ddl.h"
#include "type.h"
#include "util/strvec.h"
#include "schema_int.h"
#include "interrupt.h"
#include "util/banned.h"

/* Query text (defined at the bottom of this file). */
static const char *const q_columns;
static const char *const q_fkeys;
static const char *const q_pk;
static const char *const q_indexes;
static const char *const q_index_cols;
static const char *const q_index_sql;
static const char *const q_dependents;

/* ---- assembling a table ---- */

static int db_error(sqlite3 *db, const char *what)
{
	if ((sqlite3_errcode(db) & 0xff) == SQLITE_INTERRUPT)
		return gm_interrupt_error();
	return gm_error_set(GM_EDB, "cannot inspect %s: %s", what, sqlite3_errmsg(db));
}

/*
 * The statements of the inspection running (one at a time: a connection is used by one
 * thread), each prepared once and reset between uses, finalized when it ends
 * (stmts_end). Inspecting 100 tables prepared 1,100 statements, one per table, index and
 * foreign key, and parsing them was half of its time.
 */
#define STMTS_MAX 8
static struct {
	sqlite3 *db;
	const char *q[STMTS_MAX];
	sqlite3_stmt *st[STMTS_MAX];
	size_t nr;
} stmts;

static void stmts_begin(sqlite3 *db)
{
	memset(&stmts, 0, sizeof(stmts));
	stmts.db = db;
}

static void stmts_end(void)
{
	size_t i;

	for (i = 0; i < stmts.nr; i++)
		sqlite3_finalize(stmts.st[i]);
	memset(&stmts, 0, sizeof(stmts));
}

/* The inspection's statement for q when it has one and it is not in use; else NULL. */
static sqlite3_stmt *stmts_find(sqlite3 *db, const char *q, bool *known)
{
	size_t i;

	*known = false;
	for (i = 0; stmts.db == db && i < stmts.nr; i++) {
		if (stmts.q[i] != q)
			continue;
		*known = true;
		if (!sqlite3_stmt_busy(stmts.st[i]))
			return stmts.st[i];
	}
	return NULL;
}

/* Prepare q with one text parameter (the inspection's statement for q, when free); done
 * with it: release1. */
static int prepare1(sqlite3 *db, sqlite3_stmt **st, const char *q, const char *arg)
{
	bool known;

	if (!(*st = stmts_find(db, q, &known))) {
		if (sqlite3_prepare_v2(db, q, -1, st, NULL) != SQLITE_OK)
			return db_error(db, "database");
		if (stmts.db == db && !known && stmts.nr < STMTS_MAX) {
			stmts.q[stmts.nr] = q;
			stmts.st[stmts.nr++] = *st;
		}
	}
	if (arg)
		sqlite3_bind_text(*st, 1, arg, -1, SQLITE_TRANSIENT);
	return 0;
}

/* Done with a statement of prepare1: reset when it is the inspection's, else finalized. */
static void release1(sqlite3_stmt *st)
{
	size_t i;

	for (i = 0; i < stmts.nr; i++) {
		if (stmts.st[i] == st) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return;
		}
	}
	sqlite3_finalize(st);
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static gm_column *column_ci(const gm_table *t, const char *name)
{
	size_t i;
	for (i = 0; i < t->columns_nr; i++)
		if (!strcasecmp(t->columns[i]->name, name))
			return t->columns[i];
	return NULL;
}

/* Make name unique with a numeric suffix while taken(name) says so. */
static void uniquify(gm_buf *name, bool (*taken)(const gm_table *, const char *), const gm_table *t)
{
	size_t base = name->len;
	int n = 1;
	while (taken(t, name->ptr)) {
		gm_buf_truncate(name, base);
		gm_buf_printf(name, "%d", n++);
	}
}

static bool check_taken(const gm_table *t, const char *name)
{
	return gm_table_check(t, name) != NULL;
}

static bool fkey_taken(const gm_table *t, const char *name)
{
	return gm_table_fkey(t, name) != NULL;
}

static bool index_taken(const gm_table *t, const char *name)
{
	return gm_table_index(t, name) != NULL;
}

static int read_columns(gm_schema *s, gm_table *t, sqlite3 *db, const struct gm_sqlite_ddl *d)
{
	sqlite3_stmt *st = NULL;
	gm_buf type = GM_BUF_INIT;
	struct {
		int pos;
		char *name;
	} *pk = NULL;
	size_t pk_nr = 0, pk_alloc = 0, i, j;
	int rc, error;

	if ((error = prepare1(db, &st, q_columns, t->name)) < 0)
		return error;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = col_text(st, 0), *decl = col_text(st, 1);
		int hidden = sqlite3_column_int(st, 5), pos = sqlite3_column_int(st, 4);
		gm_column *c;

		if (hidden == 1)
			continue;
		gm_type_canonical(&type, decl ? decl : "");
		c = gm_table_add_column(t, name, type.ptr);
		if (hidden > 1) { /* 2: VIRTUAL, 3: STORED; the expression as written */
			c->generated = t->sql ? gm_sqlite_ddl_generated(t->sql, name) : NULL;
			if (!c->generated) /* not in the text as we parse it: named, not lost */
				gm_schema_add_unsupported(
					s, "generated column %s.%s (read as plain)", t->name, name);
			c->stored = c->generated && hidden == 3;
		}
		c->nullable = !sqlite3_column_int(st, 2) && pos == 0;
		gm_sqlite_ddl_default(c, col_text(st, 3));
		c->identity = gm_strv_contains_ci(d->autoinc.v, d->autoinc.nr, name);
		if (pos > 0) {
			GM_ALLOC_GROW(pk, pk_nr + 1, pk_alloc);
			pk[pk_nr].pos = pos;
			pk[pk_nr++].name = c->name;
		}
	}
	if (rc != SQLITE_DONE) {
		error = db_error(db, t->name);
		goto done;
	}
	for (i = 1; i < pk_nr; i++) /* insertion sort by key position */
		for (j = i; j > 0 && pk[j - 1].pos > pk[j].pos; j--) {
			int p = pk[j].pos;
			char *n = pk[j].name;
			pk[j] = pk[j - 1];
			pk[j - 1].pos = p;
			pk[j - 1].name = n;
		}
	for (i = 0; i < pk_nr; i++)
		gm_table_add_pk(t, pk[i].name);
	if (pk_nr) {
		if (d->pk_name) {
			gm_set_str(&t->pk_name, d->pk_name);
		} else {
			gm_name_pkey(&type, t->name);
			gm_set_str(&t->pk_name, type.ptr);
		}
	}
done:
	free(pk);
	gm_buf_release(&type);
	release1(st);
	return error;
}

/* CHECK constraints: emulated enums become column labels, the rest gm_check. */
static void read_checks(gm_table *t, const struct gm_sqlite_ddl *d)
{
	gm_buf name = GM_BUF_INIT;
	size_t i, unnamed = 0;

	for (i = 0; i < d->checks_nr; i++) {
		const struct gm_sqlite_ddl_item *ck = d->checks[i];
		gm_strvec labels = GM_STRVEC_INIT;
		char *ecol = NULL;
		gm_column *c;

		if (!ck->name && gm_sqlite_ddl_enum(ck->expr, &ecol, &labels)) {
			c = column_ci(t, ecol);
			if (c && !c->labels_nr && (!ck->column || !strcasecmp(ck->column, ecol))) {
				size_t k;
				for (k = 0; k < labels.nr; k++)
					gm_column_add_label(c, labels.v[k]);
				gm_set_str(&c->type, "text");
				free(ecol);
				gm_strvec_release(&labels);
				continue;
			}
		}
		free(ecol);
		gm_strvec_release(&labels);

		gm_buf_clear(&name);
		if (ck->name) {
			gm_buf_puts(&name, ck->name);
		} else if (ck->column) {
			c = column_ci(t, ck->column);
			gm_name_check(&name, t->name, c ? c->name : ck->column);
		} else {
			gm_name_check(&name, t->name, NULL);
			if (unnamed)
				gm_buf_printf(&name, "%zu", unnamed);
			unnamed++;
		}
		uniquify(&name, check_taken, t);
		gm_table_add_check(t, name.ptr, ck->expr);
	}
	gm_buf_release(&name);
}

static void set_action(char **field, const char *action)
{
	gm_buf b = GM_BUF_INIT;
	size_t i;

	if (!action || !*action || !strcasecmp(action, "NO ACTION"))
		return;
	for (i = 0; action[i]; i++)
		gm_buf_putc(&b, (char)tolower((unsigned char)action[i]));
	gm_set_str(field, b.ptr);
	gm_buf_release(&b);
}

/* The referenced table's primary key columns (REFERENCES p without a column list). */
static int parent_pk(gm_strvec *out, sqlite3 *db, const char *parent)
{
	sqlite3_stmt *st = NULL;
	int rc, error;

	if ((error = prepare1(db, &st, q_pk, parent)) < 0)
		return error;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		gm_strvec_push(out, col_text(st, 0));
	if (rc != SQLITE_DONE)
		error = db_error(db, parent);
	release1(st);
	return error;
}

struct fk_row {
	char *ref, *on_update, *on_delete;
	gm_strvec from, to;
};

static int add_fkey(gm_table *t, sqlite3 *db, struct fk_row *r, struct gm_sqlite_ddl *d)
{
	gm_buf name = GM_BUF_INIT;
	gm_strvec to = GM_STRVEC_INIT;
	const struct gm_sqlite_ddl_item *text = NULL; /* its text: name, deferral */
	gm_fkey *fk;
	size_t i;
	int error = 0;

	for (i = 0; i < d->fkeys_nr && !text; i++) {
		struct gm_sqlite_ddl_item *it = d->fkeys[i];
		if (!it->used && it->ref && !strcasecmp(it->ref, r->ref) &&
		    gm_strv_eq_ci(it->cols.v, it->cols.nr, r->from.v, r->from.nr)) {
			it->used = true;
			text = it;
			if (it->name)
				gm_buf_puts(&name, it->name);
		}
	}
	if (!name.len) {
		gm_name_fkey(&name, t->name, r->from.v, r->from.nr);
		uniquify(&name, fkey_taken, t);
	}
	for (i = 0; i < r->to.nr && r->to.v[i]; i++)
		;
	if (i < r->from.nr && (error = parent_pk(&to, db, r->ref)) < 0)
		goto done;
	fk = gm_table_add_fkey(t, name.ptr, r->ref);
	for (i = 0; i < r->from.nr; i++) {
		const char *ref_col = r->to.v[i];
		if (!ref_col)
			ref_col = i < to.nr ? to.v[i] : "rowid";
		gm_fkey_add_pair(fk, r->from.v[i], ref_col);
	}
	set_action(&fk->on_delete, r->on_delete);
	set_action(&fk->on_update, r->on_update);
	fk->deferrable = text && text->deferrable;
	fk->initially_deferred = text && text->initially_deferred;
done:
	gm_strvec_release(&to);
	gm_buf_release(&name);
	return error;
}

static void fk_row_release(struct fk_row *r)
{
	free(r->ref);
	free(r->on_update);
	free(r->on_delete);
	gm_strvec_release(&r->from);
	gm_strvec_release(&r->to);
	memset(r, 0, sizeof(*r));
}

static int read_fkeys(gm_table *t, sqlite3 *db, struct gm_sqlite_ddl *d)
{
	sqlite3_stmt *st = NULL;
	struct fk_row r;
	int rc, id = -1, error;

	memset(&r, 0, sizeof(r));
	if ((error = prepare1(db, &st, q_fkeys, t->name)) < 0)
		return error;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_int(st, 0) != id) {
			if (id >= 0 && (error = add_fkey(t, db, &r, d)) < 0)
				goto done;
			fk_row_release(&r);
			id = sqlite3_column_int(st, 0);
			r.ref = gm_xstrdup(col_text(st, 2));
			r.on_update = gm_xstrdup(col_text(st, 5));
			r.on_delete = gm_xstrdup(col_text(st, 6));
		}
		gm_strvec_push(&r.from, col_text(st, 3));
		gm_strvec_push(&r.to, col_text(st, 4)); /* NULL: the parent's key */
	}
	if (rc != SQLITE_DONE) {
		error = db_error(db, t->name);
		goto done;
	}
	if (id >= 0)
		error = add_fkey(t, db, &r, d);
done:
	fk_row_release(&r);
	release1(st);
	return error;
}

static int index_sql(sqlite3 *db, const char *index, char **out)
{
	sqlite3_stmt *st = NULL;
	int rc, error;

	*out = NULL;
	if ((error = prepare1(db, &st, q_index_sql, index)) < 0)
		return error;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = gm_xstrdup(col_text(st, 0));
	else if (rc != SQLITE_DONE)
		error = db_error(db, index);
	release1(st);
	return error;
}

static int index_columns(sqlite3 *db, const char *index, gm_strvec *cols, bool *expr)
{
	sqlite3_stmt *st = NULL;
	int rc, error;

	*expr = false;
	if ((error = prepare1(db, &st, q_index_cols, index)) < 0)
		return error;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_int(st, 0) < 0 || !col_text(st, 1))
			*expr = true;
		else
			gm_strvec_push(cols, col_text(st, 1));
	}
	if (rc != SQLITE_DONE)
		error = db_error(db, index);
	release1(st);
	return error;
}

static int add_index(gm_table *t, sqlite3 *db, struct gm_sqlite_ddl *d, const char *iname,
		     bool unique, const char *origin)
{
	gm_strvec cols = GM_STRVEC_INIT;
	gm_buf name = GM_BUF_INIT;
	char *sql = NULL, *list = NULL, *where = NULL;
	gm_index *ix;
	bool expr;
	size_t i;
	int error;

	if ((error = index_columns(db, iname, &cols, &expr)) < 0)
		goto done;
	if (!strcmp(origin, "u")) {
		for (i = 0; i < d->uniques_nr; i++) {
			struct gm_sqlite_ddl_item *it = d->uniques[i];
			if (!it->used && gm_strv_eq_ci(it->cols.v, it->cols.nr, cols.v, cols.nr)) {
				it->used = true;
				if (it->name)
					gm_buf_puts(&name, it->name);
				break;
			}
		}
		if (!name.len) {
			gm_name_key(&name, t->name, cols.v, cols.nr);
			uniquify(&name, index_taken, t);
		}
		ix = gm_table_add_index(t, name.ptr);
		ix->unique = true;
		ix->constraint = true;
		for (i = 0; i < cols.nr; i++)
			gm_index_add_column(ix, cols.v[i]);
		goto done;
	}
	if ((error = index_sql(db, iname, &sql)) < 0)
		goto done;
	if (sql)
		gm_sqlite_ddl_index(sql, &list, &where);
	ix = gm_table_add_index(t, iname);
	ix->unique = unique;
	/* an expression, or a COLLATE / ASC / DESC on a column: kept as written, so that an
	 * index re-created (after a table rebuild) is the one the models declared */
	if (list && (expr || gm_sqlite_ddl_index_ordered(list)))
		gm_set_str(&ix->expr, list);
	else
		for (i = 0; i < cols.nr; i++)
			gm_index_add_column(ix, cols.v[i]);
	gm_set_str(&ix->where, where);
done:
	free(where);
	free(list);
	free(sql);
	gm_buf_release(&name);
	gm_strvec_release(&cols);
	return error;
}

static int read_indexes(gm_table *t, sqlite3 *db, struct gm_sqlite_ddl *d)
{
	sqlite3_stmt *st = NULL;
	int rc, error;

	if ((error = prepare1(db, &st, q_indexes, t->name)) < 0)
		return error;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *origin = col_text(st, 2);
		if (!origin || !strcmp(origin, "pk"))
			continue;
		if ((error = add_index(t, db, d, col_text(st, 0), sqlite3_column_int(st, 1) != 0,
				       origin)) < 0)
			goto done;
	}
	if (rc != SQLITE_DONE)
		error = db_error(db, t->name);
done:
	release1(st);
	return error;
}

static int inspect_table(gm_schema *s, sqlite3 *db, const char *name, const char *sql)
{
	struct gm_sqlite_ddl d;
	gm_table *t;
	int error;

	memset(&d, 0, sizeof(d));
	gm_sqlite_ddl_parse(&d, sql);
	t = gm_schema_add_table(s, name);
	gm_set_str(&t->sql, sql);
	if ((error = read_columns(s, t, db, &d)) < 0)
		goto done;
	read_checks(t, &d);
	if ((error = read_fkeys(t, db, &d)) < 0)
		goto done;
	error = read_indexes(t, db, &d);
done:
	gm_sqlite_ddl_release(&d);
	return error;
}

/* Foreign keys name tables and columns as written: use the declared spelling. */
static void resolve_references(gm_schema *s)
{
	size_t i, j, k, m;

	for (i = 0; i < s->tables_nr; i++) {
		gm_table *t = s->tables[i];
		for (j = 0; j < t->fkeys_nr; j++) {
			gm_fkey *fk = t->fkeys[j];
			gm_table *p = NULL;
			for (m = 0; m < s->tables_nr && !p; m++)
				if (!strcasecmp(s->tables[m]->name, fk->ref_table))
					p = s->tables[m];
			if (!p)
				continue;
			gm_set_str(&fk->ref_table, p->name);
			for (k = 0; k < fk->ref_columns_nr; k++) {
				gm_column *c = column_ci(p, fk->ref_columns[k]);
				if (c)
					gm_set_str(&fk->ref_columns[k], c->name);
			}
		}
	}
}

/* What dependent d names among the schema's tables and views (declared spelling). */
static void dependent_uses(gm_dependent *d, const gm_schema *s)
{
	gm_strvec names = GM_STRVEC_INIT;
	size_t i;

	gm_sqlite_ddl_names(&names, d->create);
	for (i = 0; i < s->tables_nr; i++)
		if (gm_strv_contains_ci(names.v, names.nr, s->tables[i]->name))
			gm_dependent_add_use(d, s->tables[i]->name);
	for (i = 0; i < s->dependents_nr; i++) {
		const gm_dependent *v = s->dependents[i];
		if (v != d && !strcmp(v->kind, "view") &&
		    gm_strv_contains_ci(names.v, names.nr, v->name))
			gm_dependent_add_use(d, v->name);
	}
	gm_strvec_release(&names);
}

/*
 * Views and triggers, in sqlite_schema order, as dependents (schema.h): a table rebuild
 * drops those that name the table, or a view that does, and re-creates them. `uses`
 * lists the tables and views their text names (a word that merely looks like one, a
 * column say, only costs a drop and re-create).
 */
static int read_dependents(gm_schema *s, sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	gm_buf create = GM_BUF_INIT;
	size_t i;
	int rc, error;

	if ((error = prepare1(db, &st, q_dependents, NULL)) < 0)
		return error;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *type = col_text(st, 0);
		gm_buf_clear(&create);
		gm_buf_printf(&create, "%s;", col_text(st, 3));
		gm_schema_add_dependent(s, type, col_text(st, 1),
					strcmp(type, "trigger") ? NULL : col_text(st, 2),
					create.ptr);
	}
	if (rc != SQLITE_DONE)
		error = db_error(db, "database");
	for (i = 0; i < s->dependents_nr; i++)
		dependent_uses(s->dependents[i], s);
	/* sqlite_schema's order is not always a creation order: a view replaced after
	 * another that names it comes later */
	gm_schema_order_dependents(s);
	gm_buf_release(&create);
	release1(st);
	return error;
}

/*
 * The inspection; with `memo`, the tables the connection's last inspection read and that
 * did not change since are copied from it (sqlite_inspect_memo.c), and what this one read
 * is kept for the next (*reused: how many were copied). Without, everything is read and
 * the connection's memo is left as it is.
 */
static int inspect(gm_schema **out, gm_conn *conn, const char *version_table, bool memo,
		   size_t *reused)
{
	sqlite3 *db = gm_sqlite_db(conn);
	gm_sqlite_memo **slot = gm_sqlite_memo_slot(conn);
	const gm_sqlite_memo *old = memo && gm_sqlite_memo_for(*slot, version_table) ? *slot : NULL;
	gm_sqlite_memo *next = memo ? gm_sqlite_memo_new(version_table) : NULL;
	gm_strvec names = GM_STRVEC_INIT, sqls = GM_STRVEC_INIT;
	gm_strvec sigs = GM_STRVEC_INIT;
	gm_sqlite_table_row *rows = NULL;
	gm_schema *s = NULL;
	bool *reuse = NULL;
	size_t nr = 0, i, k = 0;
	int error = 0;

	*out = NULL;
	*reused = 0;
	gm_schema_new(&s);
	stmts_begin(db);
	if ((error = gm_sqlite_table_rows(&rows, &nr, db, version_table)) < 0)
		goto done;
	for (i = 0; i < nr; i++)
		if (rows[i].kind == GM_SQLITE_ROW_TABLE) {
			gm_strvec_push(&names, rows[i].name);
			gm_strvec_push(&sqls, rows[i].sql ? rows[i].sql : "");
		}
	if ((error = gm_sqlite_memo_signatures(&sigs, db, names.v, sqls.v, names.nr)) < 0)
		goto done;
	reuse = gm_xcalloc(names.nr + 1, sizeof(*reuse));
	gm_sqlite_memo_reusable(reuse, old, names.v, sigs.v, names.nr);
	for (i = 0; i < nr; i++) {
		size_t before = s->unsupported_nr;
		if (rows[i].kind == GM_SQLITE_ROW_VIRTUAL)
			gm_schema_add_unsupported(s, "virtual table %s", rows[i].name);
		if (rows[i].kind != GM_SQLITE_ROW_TABLE)
			continue;
		if (reuse[k]) {
			gm_sqlite_memo_copy_into(s, old, rows[i].name);
			(*reused)++;
		} else if ((error = inspect_table(s, db, rows[i].name, rows[i].sql)) < 0) {
			goto done;
		}
		if (next)
			gm_sqlite_memo_add(next, rows[i].name, sigs.v[k], s->unsupported + before,
					   s->unsupported_nr - before);
		k++;
	}
	resolve_references(s);
	if ((error = read_dependents(s, db)) < 0)
		goto done;
	if (next) {
		gm_sqlite_memo_keep_tables(next, s);
		gm_sqlite_memo_free(*slot);
		*slot = next;
		next = NULL;
	}
	*out = s;
	s = NULL;
done:
	if (error && memo) {
		/* what the connection holds is not known: the next inspection reads it all */
		gm_sqlite_memo_free(*slot);
		*slot = NULL;
	}
	stmts_end();
	gm_sqlite_table_rows_free(rows, nr);
	free(reuse);
	gm_sqlite_memo_free(next);
	gm_strvec_release(&names);
	gm_strvec_release(&sqls);
	gm_strvec_release(&sigs);
	gm_schema_free(s);
	return error;
}

/* GIT_MIGRATE_TEST_INSPECT_CHECK: s, which reused tables, against a full inspection. */
static int check_reuse(const gm_schema *s, gm_conn *conn, const char *version_table)
{
	gm_schema *full = NULL;
	size_t reused;
	int error;

	if ((error = inspect(&full, conn, version_table, false, &reused)) == 0)
		error = gm_schema_memo_check(s, full);
	gm_schema_free(full);
	return error;
}

int gm_sqlite_inspect(gm_schema **out, gm_conn *conn, const char *version_table)
{
	const char *check = getenv("GIT_MIGRATE_TEST_INSPECT_CHECK");
	size_t reused = 0;
	int error = inspect(out, conn, version_table, true, &reused);

	if (error == 0 && reused && check && *check &&
	    (error = check_reuse(*out, conn, version_table)) < 0) {
		gm_schema_free(*out);
		*out = NULL;
	}
	return error;
}

/* ---- queries ---- */

static const char *const q_columns = "SELECT name, type, \"notnull\", dflt_value, pk, hidden"
				     " FROM pragma_table_xinfo(?) ORDER BY cid";

static const char *const q_fkeys =
	"SELECT id, seq, \"table\", \"from\", \"to\", on_update, on_delete"
	" FROM pragma_foreign_key_list(?) ORDER BY id, seq";

static const char *const q_pk = "SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk";

static const char *const q_indexes =
	"SELECT name, \"unique\", origin FROM pragma_index_list(?) ORDER BY name";

static const char *const q_index_cols = "SELECT cid, name FROM pragma_index_info(?) ORDER BY seqno";

static const char *const q_index_sql =
	"SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?";

static const char *const q_dependents = "SELECT type, name, tbl_name, sql FROM sqlite_schema"
					" WHERE type IN ('view', 'trigger') AND sql IS NOT NULL"
					" ORDER BY rowid";
