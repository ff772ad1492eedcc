/* prepare: rename-like changes (a drop of data plus a compatible add) asked or refused. */
#include <stdlib.h>
#include <string.h>
#include "git-migrate/gm.h"
#include "error_int.h"
#include "interrupt.h"
#include "prepare_int.h"
#include "schema_int.h"
#include "util/strvec.h"
#include "dialect/diagnose.h"
#include "util/banned.h"

/* A drop that looks like half of a rename, and the first add it could be renamed to. */
struct pair {
	const char *table; /* the columns' table; NULL for tables */
	const char *from, *to, *type;
	size_t rows;
};

struct check {
	gm_schema *desired;
	gm_conn *conn;
	const gm_prepare_opts *opts;
	struct pair *left; /* drops no answer turned into a rename */
	size_t left_nr, left_alloc;
	const void **taken; /* adds already paired with a drop */
	size_t taken_nr, taken_alloc;
	bool renamed;
};

/* Families of types whose values carry over (a rename may widen or narrow them). */
static const char *family(const char *base)
{
	static const char *const groups[][8] = {
		{ "integer", "smallint", "integer", "bigint", "serial", "bigserial", "smallserial",
		  NULL },
		{ "text", "text", "varchar", "char", "character", "citext", "bpchar", NULL },
		{ "numeric", "numeric", "real", "double", "decimal", NULL },
		{ "timestamp", "timestamp", "timestamptz", "datetime", NULL },
	};
	size_t g, k;

	for (g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
		for (k = 1; groups[g][k]; k++)
			if (!strcmp(base, groups[g][k]))
				return groups[g][0];
	return base;
}

/* True when the values of a column of type a would fit a column of type b. */
static bool compatible(const char *a, const char *b)
{
	size_t an = strcspn(a, "(["), bn = strcspn(b, "([");
	char *ab = gm_xstrndup(a, an), *bb = gm_xstrndup(b, bn);
	bool same = strcmp(family(ab), family(bb)) == 0 &&
		    (strstr(a, "[]") != NULL) == (strstr(b, "[]") != NULL);

	free(ab);
	free(bb);
	return same;
}

/* Every column of a has one of the same name and a compatible type in b, and no more. */
static bool same_columns(const gm_table *a, const gm_table *b)
{
	size_t i;

	if (a->columns_nr != b->columns_nr)
		return false;
	for (i = 0; i < a->columns_nr; i++) {
		const gm_column *c = gm_table_column(b, a->columns[i]->name);
		if (!c || !compatible(a->columns[i]->type, c->type))
			return false;
	}
	return true;
}

static bool allowed(const struct check *k, const char *table, const char *column)
{
	size_t i, n = strlen(table);

	for (i = 0; i < k->opts->allow_drop_nr; i++) {
		const char *a = k->opts->allow_drop[i];
		if (!column ? !strcmp(a, table)
			    : !strncmp(a, table, n) && a[n] == '.' && !strcmp(a + n + 1, column))
			return true;
	}
	return false;
}

static bool taken(const struct check *k, const void *add)
{
	size_t i;
	for (i = 0; i < k->taken_nr; i++)
		if (k->taken[i] == add)
			return true;
	return false;
}

/* Ask whether p is a rename (false without a terminal); GM_EINTERRUPTED after a signal. */
static int ask(bool *yes, struct check *k, const struct pair *p)
{
	gm_rename_question q = { p->table, p->from, p->to, p->type, p->rows };

	*yes = k->opts->ask_rename && k->opts->ask_rename(&q, k->opts->payload);
	return gm_interrupt_check();
}

/* One candidate pair: asked; a yes is recorded and true in *done. */
static int try_pair(bool *done, struct check *k, const struct pair *p, const void *add)
{
	int error;

	*done = false;
	if (taken(k, add))
		return 0;
	if ((error = ask(done, k, p)) < 0 || !*done)
		return error;
	GM_ALLOC_GROW(k->taken, k->taken_nr + 1, k->taken_alloc);
	k->taken[k->taken_nr++] = add;
	if (p->table)
		gm_set_str(&gm_table_column(gm_schema_table(k->desired, p->table), p->to)->was,
			   p->from);
	else
		gm_set_str(&gm_schema_table(k->desired, p->to)->was, p->from);
	k->renamed = true;
	return 0;
}

static void leave(struct check *k, const struct pair *p)
{
	GM_ALLOC_GROW(k->left, k->left_nr + 1, k->left_alloc);
	k->left[k->left_nr++] = *p;
}

/* An add that a drop could have been renamed to. */
struct cand {
	const char *name, *type;
	const void *add;
	bool hinted; /* it has a `was` hint the diff did not take: not asked (again) */
};

/*
 * Offer the drop p (table, from and rows set) to each candidate in turn; frees cands.
 * When no answer made it a rename, the first candidate still free is left for refuse().
 */
static int resolve(struct check *k, struct pair p, struct cand *cands, size_t nr)
{
	struct pair first = { 0 };
	bool done = false;
	size_t i;
	int error = 0;

	for (i = 0; i < nr && !done && error == 0; i++) {
		p.to = cands[i].name;
		p.type = cands[i].type;
		if (!first.from && !taken(k, cands[i].add))
			first = p;
		if (!cands[i].hinted)
			error = try_pair(&done, k, &p, cands[i].add);
	}
	if (error == 0 && !done && first.from)
		leave(k, &first);
	free(cands);
	return error;
}

/* The dropped columns of one table change, each against the compatible added ones. */
static int check_columns(struct check *k, const gm_change *ch)
{
	size_t i, j, n, nr;
	int error;

	for (i = 0; i < ch->tchanges_nr; i++) {
		const gm_column *d = ch->tchanges[i].col_from;
		struct pair p = { ch->to->name, NULL, NULL, NULL, 0 };
		struct cand *cands;

		if (ch->tchanges[i].kind != GM_TCHANGE_DROP_COLUMN || allowed(k, p.table, d->name))
			continue;
		if ((error = gm_count_rows(&n, k->conn, ch->from->name, d->name)) < 0)
			return error;
		cands = gm_xcalloc(ch->tchanges_nr, sizeof(*cands));
		for (j = nr = 0; n && j < ch->tchanges_nr; j++) {
			const gm_column *a = ch->tchanges[j].col_to;
			if (ch->tchanges[j].kind == GM_TCHANGE_ADD_COLUMN &&
			    compatible(d->type, a->type))
				cands[nr++] = (struct cand){ a->name, a->type, a, a->was != NULL };
		}
		p.from = d->name;
		p.rows = n;
		if ((error = resolve(k, p, cands, nr)) < 0)
			return error;
	}
	return 0;
}

/* A dropped table holding rows against the added tables with the same columns. */
static int check_table(struct check *k, const gm_changes *up, const gm_table *t)
{
	struct pair p = { NULL, t->name, NULL, NULL, 0 };
	struct cand *cands;
	size_t j, nr = 0;
	int error;

	if (allowed(k, t->name, NULL))
		return 0;
	if ((error = gm_count_rows(&p.rows, k->conn, t->name, NULL)) < 0)
		return error;
	cands = gm_xcalloc(up->nr, sizeof(*cands));
	for (j = 0; p.rows && j < up->nr; j++)
		if (up->v[j].kind == GM_CHANGE_ADD_TABLE && same_columns(t, up->v[j].to))
			cands[nr++] = (struct cand){ up->v[j].to->name, NULL, up->v[j].to,
						     up->v[j].to->was != NULL };
	return resolve(k, p, cands, nr);
}

/* What a refused pair is: "users.fullname is dropped, but 2 rows hold a value, and ...". */
static void what(gm_buf *b, const struct pair *p)
{
	if (p->table)
		gm_buf_printf(b, "%s.%s is dropped, but %zu %s a value, and %s.%s (%s) is added",
			      p->table, p->from, p->rows, p->rows == 1 ? "row holds" : "rows hold",
			      p->table, p->to, p->type);
	else
		gm_buf_printf(b,
			      "table %s is dropped, but it holds %zu row%s, and table %s with "
			      "the same columns is added",
			      p->from, p->rows, p->rows == 1 ? "" : "s", p->to);
}

/* The ways out of one refused pair, for the error's detail. */
static void ways_out(gm_buf *b, const struct pair *p, const char *indent)
{
	if (p->table) {
		gm_buf_printf(b,
			      "%sa rename: 'was: %s' on column %s of table %s (YAML models), or "
			      "'%s %s -- git-migrate: was %s' (SQL models)\n",
			      indent, p->from, p->to, p->table, p->to, p->type, p->from);
		gm_buf_printf(b, "%sa loss:   git migrate prepare --allow-drop %s.%s\n", indent,
			      p->table, p->from);
		return;
	}
	gm_buf_printf(b,
		      "%sa rename: 'was: %s' on table %s (YAML models), or 'CREATE TABLE %s ( "
		      "-- git-migrate: was %s' (SQL models)\n",
		      indent, p->from, p->to, p->to, p->from);
	gm_buf_printf(b, "%sa loss:   git migrate prepare --allow-drop %s\n", indent, p->from);
}

/* GM_ECHECK for the pairs left: the first in the message, each with its ways out. */
static int refuse(const struct check *k)
{
	gm_buf detail = GM_BUF_INIT, first = GM_BUF_INIT;
	size_t i;

	for (i = 0; i < k->left_nr; i++) {
		if (k->left_nr > 1) {
			what(&detail, &k->left[i]);
			gm_buf_puts(&detail, ":\n");
		}
		ways_out(&detail, &k->left[i], k->left_nr > 1 ? "  " : "");
	}
	gm_buf_truncate(&detail, detail.len - 1);
	what(&first, &k->left[0]);
	gm_error_set(GM_ECHECK, "%s: a rename? refusing to drop the data%s", first.ptr,
		     k->left_nr > 1 ? " (more like it below)" : "");
	gm_error_detail("%s", detail.ptr);
	gm_error_hint("a rename hint keeps the rows (RENAME), --allow-drop confirms the loss; "
		      "nothing was written");
	gm_buf_release(&detail);
	gm_buf_release(&first);
	return GM_ECHECK;
}

int gm_prepare_renames(bool *renamed, gm_schema *desired, const gm_changes *up, gm_conn *conn,
		       const gm_prepare_opts *opts)
{
	struct check k;
	size_t i;
	int error = 0;

	memset(&k, 0, sizeof(k));
	k.desired = desired;
	k.conn = conn;
	k.opts = opts;
	for (i = 0; i < up->nr && error == 0; i++) {
		if (up->v[i].kind == GM_CHANGE_MODIFY_TABLE)
			error = check_columns(&k, &up->v[i]);
		else if (up->v[i].kind == GM_CHANGE_DROP_TABLE)
			error = check_table(&k, up, up->v[i].from);
	}
	if (error == 0 && k.left_nr)
		error = refuse(&k);
	*renamed = k.renamed;
	free(k.left);
	free(k.taken);
	return error;
}
