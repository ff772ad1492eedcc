/* Data diagnosis of a change list: counts of the rows that break it, in the user's terms. */
#include <stdlib.h>
#include <string.h>
#include "git-migrate/alloc.h"
#include "git-migrate/error.h"
#include "dialect/diagnose.h"
#include "dialect/sql.h"
#include "db_int.h"
#include "util/banned.h"

static int take_count(const char *const *values, size_t n, void *payload)
{
	*(size_t *)payload = n && values[0] ? (size_t)strtoull(values[0], NULL, 10) : 0;
	return 0;
}

static int count(size_t *out, gm_conn *conn, const gm_buf *sql)
{
	*out = 0;
	return conn->dialect->query(conn, sql->ptr, take_count, out);
}

int gm_count_rows(size_t *out, gm_conn *conn, const char *table, const char *column)
{
	gm_buf sql = GM_BUF_INIT;
	int error;

	gm_buf_puts(&sql, "SELECT count(*) FROM ");
	gm_sql_table(&sql, conn->dialect, table);
	if (column) {
		gm_buf_puts(&sql, " WHERE ");
		gm_sql_ident(&sql, column);
		gm_buf_puts(&sql, " IS NOT NULL");
	}
	error = count(out, conn, &sql);
	gm_buf_release(&sql);
	return error;
}

/* The counts of one row of gm_count_rows_many's query into the payload's slots. */
struct many {
	size_t *out;
	size_t n;
};

static int take_counts(const char *const *values, size_t n, void *payload)
{
	struct many *m = payload;
	size_t i;

	for (i = 0; i < n && i < m->n; i++)
		m->out[i] = values[i] ? (size_t)strtoull(values[i], NULL, 10) : (size_t)-1;
	return 0;
}

/* One query of up to GM_COUNT_BATCH counts; table by table when it fails. */
static void count_batch(size_t *out, gm_conn *conn, char *const *tables, size_t n)
{
	gm_buf sql = GM_BUF_INIT;
	struct many m = { out, n };
	size_t i;

	gm_buf_puts(&sql, "SELECT ");
	for (i = 0; i < n; i++) {
		gm_buf_puts(&sql, i ? ", (SELECT count(*) FROM " : "(SELECT count(*) FROM ");
		gm_sql_table(&sql, conn->dialect, tables[i]);
		gm_buf_puts(&sql, ")");
	}
	if (conn->dialect->query(conn, sql.ptr, take_counts, &m) < 0) {
		gm_error_clear();
		for (i = 0; i < n; i++)
			if (gm_count_rows(&out[i], conn, tables[i], NULL) < 0) {
				gm_error_clear();
				out[i] = (size_t)-1;
			}
	}
	gm_buf_release(&sql);
}

#define GM_COUNT_BATCH 200

void gm_count_rows_many(size_t *out, gm_conn *conn, char *const *tables, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = (size_t)-1;
	for (i = 0; i < n; i += GM_COUNT_BATCH)
		count_batch(out + i, conn, tables + i,
			    n - i < GM_COUNT_BATCH ? n - i : GM_COUNT_BATCH);
}

int gm_delete_rows(gm_conn *conn, const char *table)
{
	gm_buf sql = GM_BUF_INIT;
	int error;

	gm_buf_puts(&sql, "DELETE FROM ");
	gm_sql_table(&sql, conn->dialect, table);
	gm_buf_puts(&sql, ";\n");
	error = conn->dialect->exec(conn, sql.ptr, "git-migrate", 1);
	gm_buf_release(&sql);
	return error;
}

static const char *rows_word(size_t n)
{
	return n == 1 ? "row" : "rows";
}

static void hint_line(gm_buf *hint, const char *s)
{
	if (!strstr(hint->ptr, s))
		gm_buf_printf(hint, "%s%s", hint->len ? "; " : "", s);
}

/* Rows holding each of `labels` (those of `from` missing from `to`) in t.c. */
static int removed_labels(gm_buf *out, gm_conn *conn, const char *table, const char *column,
			  char *const *from, size_t from_nr, char *const *to, size_t to_nr)
{
	gm_buf sql = GM_BUF_INIT, found = GM_BUF_INIT;
	size_t i, k, n, total = 0;
	int error = 0;

	for (i = 0; i < from_nr; i++) {
		for (k = 0; k < to_nr && strcmp(from[i], to[k]); k++)
			;
		if (k < to_nr)
			continue;
		gm_buf_clear(&sql);
		gm_buf_puts(&sql, "SELECT count(*) FROM ");
		gm_sql_table(&sql, conn->dialect, table);
		gm_buf_puts(&sql, " WHERE CAST(");
		gm_sql_ident(&sql, column);
		gm_buf_puts(&sql, " AS TEXT) = ");
		gm_sql_literal(&sql, from[i]);
		if ((error = count(&n, conn, &sql)) < 0)
			goto done;
		if (!n)
			continue;
		gm_buf_printf(&found, "%s'%s' (%zu %s)", found.len ? ", " : "", from[i], n,
			      rows_word(n));
		total += n;
	}
	if (total)
		gm_buf_printf(out, "%s.%s: removed label%s still held by rows: %s\n", table, column,
			      strchr(found.ptr, ',') ? "s are" : " is", found.ptr);
done:
	gm_buf_release(&sql);
	gm_buf_release(&found);
	return error < 0 ? error : total ? 1 : 0;
}

static int add_column(gm_buf *out, gm_buf *hint, gm_conn *conn, const gm_table *t,
		      const gm_column *c)
{
	size_t n;
	int error;

	if (c->nullable || c->default_kind != GM_DEFAULT_NONE || c->identity ||
	    !strcmp(c->type, "serial") || !strcmp(c->type, "bigserial"))
		return 0;
	if ((error = gm_count_rows(&n, conn, t->name, NULL)) < 0 || !n)
		return error;
	gm_buf_printf(out, "%s.%s is added NOT NULL without a default, but %s holds %zu %s\n",
		      t->name, c->name, t->name, n, rows_word(n));
	hint_line(hint, "give the column a default in the models, or add it nullable, fill "
			"it with an UPDATE and make it NOT NULL in a later revision");
	return 1;
}

static int not_null(gm_buf *out, gm_buf *hint, gm_conn *conn, const gm_table *t, const gm_column *c)
{
	gm_buf sql = GM_BUF_INIT;
	size_t n;
	int error;

	gm_buf_puts(&sql, "SELECT count(*) FROM ");
	gm_sql_table(&sql, conn->dialect, t->name);
	gm_buf_puts(&sql, " WHERE ");
	gm_sql_ident(&sql, c->name);
	gm_buf_puts(&sql, " IS NULL");
	error = count(&n, conn, &sql);
	gm_buf_release(&sql);
	if (error < 0 || !n)
		return error;
	gm_buf_printf(out, "%s.%s becomes NOT NULL, but %zu %s hold NULL\n", t->name, c->name, n,
		      rows_word(n));
	hint_line(hint, "add an UPDATE before this statement in the up section that fills "
			"the NULLs, or give the column a default");
	return 1;
}

static void put_cols(gm_buf *b, char *const *cols, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		if (i)
			gm_buf_puts(b, ", ");
		gm_sql_ident(b, cols[i]);
	}
}

static int unique(gm_buf *out, gm_buf *hint, gm_conn *conn, const gm_table *t, const gm_index *ix)
{
	gm_buf sql = GM_BUF_INIT;
	size_t n;
	int error;

	if (!ix->unique || !ix->columns_nr || ix->where)
		return 0;
	gm_buf_puts(&sql, "SELECT count(*) FROM (SELECT 1 FROM ");
	gm_sql_table(&sql, conn->dialect, t->name);
	gm_buf_puts(&sql, " GROUP BY ");
	put_cols(&sql, ix->columns, ix->columns_nr);
	gm_buf_puts(&sql, " HAVING count(*) > 1) AS dup");
	error = count(&n, conn, &sql);
	gm_buf_release(&sql);
	if (error < 0 || !n)
		return error;
	gm_buf_printf(out, "unique %s on %s: %zu value%s appear%s in more than one row\n", ix->name,
		      t->name, n, n == 1 ? "" : "s", n == 1 ? "s" : "");
	hint_line(hint, "remove or merge the duplicates with statements before this one in "
			"the up section");
	return 1;
}

static int check(gm_buf *out, gm_buf *hint, gm_conn *conn, const gm_table *t, const gm_check *ck)
{
	gm_buf sql = GM_BUF_INIT;
	size_t n;
	int error;

	gm_buf_puts(&sql, "SELECT count(*) FROM ");
	gm_sql_table(&sql, conn->dialect, t->name);
	gm_buf_printf(&sql, " WHERE NOT (%s)", ck->expr);
	error = count(&n, conn, &sql);
	gm_buf_release(&sql);
	if (error < 0) { /* the expression may use what the revision adds: not the data */
		gm_error_clear();
		return 0;
	}
	if (!n)
		return 0;
	gm_buf_printf(out, "check %s on %s fails for %zu %s\n", ck->name, t->name, n, rows_word(n));
	hint_line(hint, "fix the rows with an UPDATE before this statement in the up section");
	return 1;
}

static int fkey(gm_buf *out, gm_buf *hint, gm_conn *conn, const gm_table *t, const gm_fkey *fk)
{
	gm_buf sql = GM_BUF_INIT;
	size_t i, n;
	int error;

	gm_buf_puts(&sql, "SELECT count(*) FROM ");
	gm_sql_table(&sql, conn->dialect, t->name);
	gm_buf_puts(&sql, " AS c WHERE ");
	for (i = 0; i < fk->columns_nr; i++) {
		gm_buf_puts(&sql, "c.");
		gm_sql_ident(&sql, fk->columns[i]);
		gm_buf_puts(&sql, " IS NOT NULL AND ");
	}
	gm_buf_puts(&sql, "NOT EXISTS (SELECT 1 FROM ");
	gm_sql_table(&sql, conn->dialect, fk->ref_table);
	gm_buf_puts(&sql, " AS p WHERE ");
	for (i = 0; i < fk->columns_nr; i++) {
		gm_buf_puts(&sql, i ? " AND p." : "p.");
		gm_sql_ident(&sql, fk->ref_columns[i]);
		gm_buf_puts(&sql, " = c.");
		gm_sql_ident(&sql, fk->columns[i]);
	}
	gm_buf_putc(&sql, ')');
	error = count(&n, conn, &sql);
	gm_buf_release(&sql);
	if (error < 0) { /* the referenced table may be new in this revision */
		gm_error_clear();
		return 0;
	}
	if (!n)
		return 0;
	gm_buf_printf(out, "foreign key %s: %zu %s of %s reference missing rows of %s\n", fk->name,
		      n, rows_word(n), t->name, fk->ref_table);
	hint_line(hint, "delete or fix those rows before this statement in the up section");
	return 1;
}

/* Every column of `s` whose type is enum `name`, each checked for removed labels. */
static int enum_swap(gm_buf *out, gm_buf *hint, gm_conn *conn, const gm_schema *s,
		     const gm_enum *from, const gm_enum *to)
{
	size_t i, k;
	int found = 0, error;

	for (i = 0; i < s->tables_nr; i++) {
		const gm_table *t = s->tables[i];
		for (k = 0; k < t->columns_nr; k++) {
			if (strcmp(t->columns[k]->type, from->name))
				continue;
			error = removed_labels(out, conn, t->name, t->columns[k]->name,
					       from->labels, from->labels_nr, to->labels,
					       to->labels_nr);
			if (error < 0)
				return error;
			found += error;
		}
	}
	if (found)
		hint_line(hint, "add an UPDATE to the up section that moves those rows to a "
				"label that stays");
	return found;
}

static int modify_table(gm_buf *out, gm_buf *hint, gm_conn *conn, const gm_change *ch)
{
	size_t i;
	int found = 0, error = 0;

	for (i = 0; i < ch->tchanges_nr && error >= 0; i++) {
		const gm_tchange *tc = &ch->tchanges[i];
		switch (tc->kind) {
		case GM_TCHANGE_ADD_COLUMN:
			error = add_column(out, hint, conn, ch->from, tc->col_to);
			break;
		case GM_TCHANGE_MODIFY_COLUMN:
			error = 0;
			if ((tc->coldiff & GM_COLDIFF_NULL) && !tc->col_to->nullable)
				error = not_null(out, hint, conn, ch->from, tc->col_from);
			if (error >= 0 && (tc->coldiff & GM_COLDIFF_TYPE) && tc->col_from->labels &&
			    tc->col_to->labels) {
				int e = removed_labels(out, conn, ch->from->name,
						       tc->col_from->name, tc->col_from->labels,
						       tc->col_from->labels_nr, tc->col_to->labels,
						       tc->col_to->labels_nr);
				if (e > 0)
					hint_line(hint, "add an UPDATE to the up section that "
							"moves those rows to a label that stays");
				error = e < 0 ? e : error + e;
			}
			break;
		case GM_TCHANGE_ADD_INDEX:
			error = unique(out, hint, conn, ch->from, tc->index_to);
			break;
		case GM_TCHANGE_ADD_CHECK:
			error = check(out, hint, conn, ch->from, tc->check_to);
			break;
		case GM_TCHANGE_ADD_FKEY:
			error = fkey(out, hint, conn, ch->from, tc->fkey_to);
			break;
		default:
			error = 0;
			break;
		}
		if (error > 0)
			found += error;
	}
	return error < 0 ? error : found;
}

int gm_diagnose(gm_buf *out, gm_buf *hint, gm_conn *conn, const gm_changes *changes)
{
	size_t i;
	int found = 0, error = 0;

	for (i = 0; i < changes->nr && error >= 0; i++) {
		const gm_change *ch = &changes->v[i];
		if (ch->kind == GM_CHANGE_MODIFY_TABLE)
			error = modify_table(out, hint, conn, ch);
		else if (ch->kind == GM_CHANGE_SWAP_ENUM)
			error = enum_swap(out, hint, conn, changes->from, ch->enum_from,
					  ch->enum_to);
		else
			error = 0;
		if (error > 0)
			found += error;
	}
	return error < 0 ? error : found;
}
