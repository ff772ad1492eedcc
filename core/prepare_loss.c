/* prepare: data-losing changes, which the down section cannot take back, in the round trip. */
#include <stdlib.h>
#include <string.h>
#include "git-migrate/gm.h"
#include "error_int.h"
#include "prepare_int.h"
#include "schema_int.h"
#include "util/strvec.h"
#include "dialect/diagnose.h"
#include "diff_int.h"
#include "util/banned.h"

/* Rows of t (column NULL) or rows where t.column holds a value; 0 when not countable. */
static size_t rows_of(gm_conn *conn, const char *table, const char *column)
{
	size_t n = 0;

	if (gm_count_rows(&n, conn, table, column) < 0) {
		gm_error_clear();
		n = 0;
	}
	return n;
}

static void loss_line(gm_buf *out, const char *what, const char *name, size_t n, bool column)
{
	gm_buf_printf(out, "down: %s %s empty", what, name);
	if (n && column)
		gm_buf_printf(out, " (its values in %zu row%s are not restored)", n,
			      n == 1 ? "" : "s");
	else if (n)
		gm_buf_printf(out, " (its %zu row%s %s not restored)", n, n == 1 ? "" : "s",
			      n == 1 ? "is" : "are");
	gm_buf_putc(out, '\n');
}

void gm_prepare_down_losses(gm_buf *out, const gm_changes *up, gm_conn *conn)
{
	gm_buf name = GM_BUF_INIT;
	size_t i, k;

	for (i = 0; i < up->nr; i++) {
		const gm_change *ch = &up->v[i];
		if (ch->kind == GM_CHANGE_DROP_TABLE)
			loss_line(out, "re-creates table", ch->from->name,
				  rows_of(conn, ch->from->name, NULL), false);
		for (k = 0; ch->kind == GM_CHANGE_MODIFY_TABLE && k < ch->tchanges_nr; k++) {
			const gm_column *c = ch->tchanges[k].col_from;
			if (ch->tchanges[k].kind != GM_TCHANGE_DROP_COLUMN)
				continue;
			gm_buf_clear(&name);
			gm_buf_printf(&name, "%s.%s", ch->to->name, c->name);
			loss_line(out, "re-adds column", name.ptr,
				  rows_of(conn, ch->from->name, c->name), true);
		}
	}
	gm_buf_release(&name);
}

/* The down plan rebuilds `table` (SQLite: its rows are checked against its foreign keys). */
static bool rebuilt(const gm_plan *plan, const char *table)
{
	size_t i;
	for (i = 0; i < plan->nr; i++)
		if ((plan->v[i].flags & GM_STMT_REBUILD) && plan->v[i].subject &&
		    !strcmp(plan->v[i].subject, table))
			return true;
	return false;
}

/* Does the down's change of one table take rows it cannot hold? */
static bool cannot_take_rows(const gm_change *ch, const gm_changes *down, const gm_plan *plan)
{
	size_t k;

	for (k = 0; k < ch->tchanges_nr; k++) {
		const gm_tchange *tc = &ch->tchanges[k];
		if (tc->kind == GM_TCHANGE_ADD_COLUMN && !tc->col_to->nullable &&
		    tc->col_to->default_kind == GM_DEFAULT_NONE && !tc->col_to->identity)
			return true;
		if (tc->kind == GM_TCHANGE_ADD_FKEY &&
		    gm_changes_has(down, GM_CHANGE_ADD_TABLE, tc->fkey_to->ref_table) &&
		    rebuilt(plan, ch->from->name))
			return true;
	}
	return false;
}

/* Add the tables of s that reference a table of v, until none is left out. */
static void referencing_closure(gm_strvec *v, const gm_schema *s)
{
	bool grew = true;
	size_t i, k;

	while (grew) {
		grew = false;
		for (i = 0; i < s->tables_nr; i++) {
			const gm_table *t = s->tables[i];
			for (k = 0; k < t->fkeys_nr && !gm_strv_contains(v->v, v->nr, t->name);
			     k++) {
				if (gm_strv_contains(v->v, v->nr, t->fkeys[k]->ref_table)) {
					gm_strvec_push(v, t->name);
					grew = true;
				}
			}
		}
	}
}

int gm_prepare_drop_unrestorable(gm_buf *note, gm_conn *conn, const gm_changes *down,
				 const gm_plan *down_plan, const gm_schema *after_up)
{
	const gm_dialect *d = conn->dialect;
	gm_strvec v = GM_STRVEC_INIT;
	size_t i, *rows = NULL;
	int error = 0;

	for (i = 0; i < down->nr; i++)
		if (down->v[i].kind == GM_CHANGE_MODIFY_TABLE &&
		    cannot_take_rows(&down->v[i], down, down_plan) &&
		    !gm_strv_contains(v.v, v.nr, down->v[i].from->name))
			gm_strvec_push(&v, down->v[i].from->name);
	if (!v.nr)
		goto done;
	referencing_closure(&v, after_up);
	rows = gm_xcalloc(v.nr, sizeof(*rows));
	for (i = 0; i < v.nr; i++)
		rows[i] = rows_of(conn, v.v[i], NULL);
	if ((error = d->begin(conn)) < 0)
		goto done;
	for (i = v.nr; i-- > 0 && error == 0;) /* those that reference others first */
		if (rows[i])
			error = gm_delete_rows(conn, v.v[i]);
	if (error < 0 || (error = d->commit(conn)) < 0) {
		d->rollback(conn);
		goto done;
	}
	for (i = 0; i < v.nr; i++)
		if (rows[i])
			gm_buf_printf(note, "%s%s (%zu row%s)", note->len ? ", " : "", v.v[i],
				      rows[i], rows[i] == 1 ? "" : "s");
done:
	free(rows);
	gm_strvec_release(&v);
	return error;
}
