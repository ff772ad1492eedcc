/* PostgreSQL planner, enum swaps: the type swap and what it carries (indexes, checks, views,
 * generated columns). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/db.h"
#include "git-migrate/diff.h"
#include "git-migrate/error.h"
#include "git-migrate/schema.h"
#include "dialect/postgres.h"
#include "dialect/sql.h"
#include "db_int.h"
#include "schema_int.h"
#include "util/strvec.h"
#include "util/banned.h"

/* The column uses the enum named `name` (itself, or an array of it). */
static bool uses_enum(const gm_column *c, const char *name, bool *array)
{
	size_t n = strlen(name);
	bool dummy;

	if (!array)
		array = &dummy;
	if (strncmp(c->type, name, n))
		return false;
	*array = !strcmp(c->type + n, "[]");
	return !c->type[n] || *array;
}

bool gm_pg_leaves_swap(const gm_changes *changes, const gm_tchange *tc)
{
	size_t i;

	if (tc->kind != GM_TCHANGE_MODIFY_COLUMN || !(tc->coldiff & GM_COLDIFF_TYPE))
		return false;
	for (i = 0; i < changes->nr; i++) {
		const gm_change *sw = &changes->v[i];
		if (sw->kind == GM_CHANGE_SWAP_ENUM &&
		    uses_enum(tc->col_from, sw->enum_from->name, NULL) &&
		    !uses_enum(tc->col_to, sw->enum_to->name, NULL))
			return true;
	}
	return false;
}

/* A literal default that is still a label of the new type (else it cannot be restored). */
static bool default_survives(const gm_column *c, const gm_enum *e, bool array)
{
	size_t i;

	if (c->default_kind != GM_DEFAULT_LITERAL || array)
		return c->default_kind != GM_DEFAULT_NONE;
	for (i = 0; i < e->labels_nr; i++)
		if (!strcmp(e->labels[i], c->default_value))
			return true;
	return false;
}

/*
 * What a swap works on: the tables of `from` that still exist when it runs (the plan
 * drops tables and columns that lose the enum before it: postgres_plan.c), by their name
 * at that point (table renames come first), and the columns it converts.
 */
struct swap {
	const gm_changes *changes;
	const gm_change *ch;
	gm_strvec names;  /* the enum, the converted tables (both names): what dependents use */
	gm_buf pre, post; /* statements before the type changes, and after */
};

/* The change of list `changes` whose `from` is table t, of kind `kind`; NULL when none. */
static const gm_change *change_of(const gm_changes *changes, const gm_table *t, gm_change_kind kind)
{
	size_t i;
	for (i = 0; i < changes->nr; i++)
		if (changes->v[i].kind == kind && changes->v[i].from == t)
			return &changes->v[i];
	return NULL;
}

/*
 * Table t's modification removes `obj` (a column, index or check of t) before the swap:
 * drops it, or changes the column's type away from the enum.
 */
static bool removed_before(const struct swap *sw, const gm_table *t, const void *obj)
{
	const gm_change *m = change_of(sw->changes, t, GM_CHANGE_MODIFY_TABLE);
	size_t k;

	for (k = 0; m && k < m->tchanges_nr; k++) {
		const gm_tchange *tc = &m->tchanges[k];
		if ((tc->col_from == obj &&
		     (tc->kind == GM_TCHANGE_DROP_COLUMN || gm_pg_leaves_swap(sw->changes, tc))) ||
		    (tc->kind == GM_TCHANGE_DROP_INDEX && tc->index_from == obj) ||
		    (tc->kind == GM_TCHANGE_DROP_CHECK && tc->check_from == obj))
			return true;
	}
	return false;
}

static bool is_ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '$' || (unsigned char)c >= 0x80;
}

bool gm_pg_mentions(const char *expr, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = expr; p && (p = strstr(p, word)); p += n) {
		char before = p > expr ? p[-1] : ' ';
		if (!is_ident_char(before) && !is_ident_char(p[n]))
			return true;
	}
	return false;
}

/* Some column of `cols` is named in expr. */
static bool mentions_any(const char *expr, const gm_strvec *cols)
{
	size_t i;
	for (i = 0; expr && i < cols->nr; i++)
		if (gm_pg_mentions(expr, cols->v[i]))
			return true;
	return false;
}

/* Dependent d is a generated column ("t.c" of table t: postgres_inspect.c). */
static bool is_generated(const gm_dependent *d)
{
	return d->table && !strcmp(d->kind, "generated column");
}

/* The key ix or check ck (the other NULL) names column `col`. */
static bool key_names(const gm_index *ix, const gm_check *ck, const char *col)
{
	if (ck)
		return gm_pg_mentions(ck->expr, col);
	return gm_strv_contains(ix->columns, ix->columns_nr, col) ||
	       gm_pg_mentions(ix->where, col) || gm_pg_mentions(ix->expr, col);
}

/*
 * The key ix or check ck of table `table` names a generated column of s that is carried:
 * one marked in hit[] (one flag per dependent), or any when hit is NULL (a swap carries
 * every generated column of a converted table: they use it). DROP COLUMN drops such a
 * key; it comes back after the column (put_generated_keys).
 */
static bool names_generated(const gm_schema *s, const bool *hit, const char *table,
			    const gm_index *ix, const gm_check *ck)
{
	size_t i;

	for (i = 0; s && i < s->dependents_nr; i++) {
		const gm_dependent *d = s->dependents[i];
		if ((!hit || hit[i]) && is_generated(d) && !strcmp(d->table, table) &&
		    key_names(ix, ck, d->name + strlen(d->table) + 1))
			return true;
	}
	return false;
}

void gm_pg_put_add_check(gm_buf *b, const char *table, const gm_check *ck)
{
	gm_pg_put_alter(b, table);
	gm_buf_puts(b, "ADD ");
	gm_pg_put_check(b, ck);
	gm_buf_puts(b, ";\n");
	if (ck->comment)
		gm_pg_put_key_comment(b, table, ck->name, false, ck->comment);
}

/* The keys and checks of s's tables that name a generated column marked in hit[]. */
static void put_generated_keys(gm_buf *b, const gm_schema *s, const bool *hit)
{
	size_t i, k;

	for (i = 0; i < s->tables_nr; i++) {
		const gm_table *t = s->tables[i];
		for (k = 0; k < t->indexes_nr; k++) {
			const gm_index *ix = t->indexes[k];
			if (!names_generated(s, hit, t->name, ix, NULL))
				continue;
			if (!ix->constraint) {
				gm_sql_create_index_in(b, t, ix, true);
			} else {
				gm_pg_put_alter(b, t->name);
				gm_buf_puts(b, "ADD ");
				gm_pg_put_unique(b, ix);
				gm_buf_puts(b, ";\n");
			}
			gm_pg_put_index_comment(b, t->name, ix);
		}
		for (k = 0; k < t->checks_nr; k++)
			if (names_generated(s, hit, t->name, NULL, t->checks[k]))
				gm_pg_put_add_check(b, t->name, t->checks[k]);
	}
}

/*
 * The partial and expression indexes and the checks of table t (named `name` now) that
 * name a converted column: they hold the old type in their stored expression
 * ("status = 'active'::job_status__old" no longer compares), so they are dropped before
 * and re-created after. Plain indexes are rebuilt by the type change itself.
 */
static void carry_keys(struct swap *sw, const gm_table *t, const char *name, const gm_strvec *cols)
{
	gm_table now = *t;
	size_t i;

	now.name = (char *)name;
	for (i = 0; i < t->indexes_nr; i++) {
		const gm_index *ix = t->indexes[i];
		if (ix->constraint || removed_before(sw, t, ix) ||
		    names_generated(sw->changes->from, NULL, t->name, ix, NULL) ||
		    !(mentions_any(ix->where, cols) || mentions_any(ix->expr, cols)))
			continue;
		gm_buf_puts(&sw->pre, "DROP INDEX ");
		gm_sql_qname_beside(&sw->pre, t->name, ix->name);
		gm_buf_puts(&sw->pre, ";\n");
		gm_sql_create_index_in(&sw->post, &now, ix, true);
		gm_pg_put_index_comment(&sw->post, name, ix);
	}
	for (i = 0; i < t->checks_nr; i++) {
		const gm_check *ck = t->checks[i];
		if (removed_before(sw, t, ck) || !mentions_any(ck->expr, cols) ||
		    names_generated(sw->changes->from, NULL, t->name, NULL, ck))
			continue;
		gm_pg_put_alter(&sw->pre, name);
		gm_buf_puts(&sw->pre, "DROP CONSTRAINT ");
		gm_sql_ident(&sw->pre, ck->name);
		gm_buf_puts(&sw->pre, ";\n");
		gm_pg_put_add_check(&sw->post, name, ck);
	}
}

/* One column's conversion (its default dropped first, restored after when it can be). */
static void convert_column(struct swap *sw, gm_buf *b, gm_buf *restore, const char *table,
			   const gm_column *c, bool array)
{
	const char *name = sw->ch->enum_to->name;

	if (c->default_kind != GM_DEFAULT_NONE) {
		gm_buf_puts(b, "ALTER COLUMN ");
		gm_sql_ident(b, c->name);
		gm_buf_puts(b, " DROP DEFAULT,\n    ");
		if (default_survives(c, sw->ch->enum_to, array)) {
			gm_pg_put_alter_column(restore, table, c->name);
			gm_buf_puts(restore, "SET DEFAULT ");
			gm_pg_put_default(restore, c);
			gm_buf_puts(restore, ";\n");
		}
	}
	gm_buf_puts(b, "ALTER COLUMN ");
	gm_sql_ident(b, c->name);
	gm_buf_puts(b, " TYPE ");
	gm_sql_qname(b, name);
	gm_buf_puts(b, array ? "[]" : "");
	gm_buf_puts(b, " USING ");
	gm_sql_ident(b, c->name);
	gm_buf_puts(b, array ? "::text[]::" : "::text::");
	gm_sql_qname(b, name);
	gm_buf_puts(b, array ? "[]" : "");
}

/*
 * Table t's columns of the enum, converted in one ALTER TABLE (one rewrite) into b, their
 * defaults restored after; subject lists the table. The table's keys that name those
 * columns are carried (carry_keys).
 */
static void convert_table(struct swap *sw, gm_buf *b, gm_buf *subject, const gm_table *t)
{
	const gm_change *r = change_of(sw->changes, t, GM_CHANGE_RENAME_TABLE);
	const char *name = r ? r->to->name : t->name;
	gm_strvec cols = GM_STRVEC_INIT;
	gm_buf restore = GM_BUF_INIT;
	size_t j;

	if (change_of(sw->changes, t, GM_CHANGE_DROP_TABLE))
		return;
	for (j = 0; j < t->columns_nr; j++) {
		const gm_column *c = t->columns[j];
		bool array = false;

		if (!uses_enum(c, sw->ch->enum_from->name, &array) || removed_before(sw, t, c))
			continue;
		if (!cols.nr)
			gm_pg_put_alter(b, name);
		else
			gm_buf_puts(b, ",\n    ");
		gm_strvec_push(&cols, c->name);
		convert_column(sw, b, &restore, name, c, array);
	}
	if (cols.nr) {
		gm_buf_puts(b, ";\n");
		gm_buf_puts(b, restore.ptr);
		gm_buf_printf(subject, "%s%s", subject->len ? ", " : "", name);
		gm_strvec_push(&sw->names, t->name);
		gm_strvec_push(&sw->names, name);
		carry_keys(sw, t, name, &cols);
	}
	gm_buf_release(&restore);
	gm_strvec_release(&cols);
}

/*
 * Generated column d goes before the plan carries anything: its table is dropped, or the
 * table's modification drops it (the models no longer have it). Not carried then.
 */
static bool generated_gone(const gm_changes *changes, const gm_dependent *d)
{
	const gm_table *t = gm_schema_table(changes->from, d->table);
	const gm_change *m = t ? change_of(changes, t, GM_CHANGE_MODIFY_TABLE) : NULL;
	size_t k;

	if (!t || change_of(changes, t, GM_CHANGE_DROP_TABLE))
		return true;
	for (k = 0; m && k < m->tchanges_nr; k++)
		if (m->tchanges[k].kind == GM_TCHANGE_DROP_COLUMN &&
		    !strcmp(m->tchanges[k].col_from->name, d->name + strlen(d->table) + 1))
			return true;
	return false;
}

void gm_pg_carry_dependents(gm_buf *drop, gm_buf *create, const gm_changes *changes,
			    char *const *names, size_t n)
{
	const gm_schema *s = changes->from;
	bool *hit = gm_xcalloc(s->dependents_nr + 1, sizeof(*hit));
	bool more = true;
	size_t i, j, k;

	for (k = 0; k < n; k++) {
		const gm_dependent *d;
		for (i = 0; (d = gm_schema_next_user(s, names[k], &i));)
			hit[i - 1] = true;
	}
	while (more) {
		more = false;
		for (i = 0; i < s->dependents_nr; i++)
			for (j = 0; !hit[i] && j < s->dependents_nr; j++)
				if (hit[j] && gm_strv_contains(s->dependents[i]->uses,
							       s->dependents[i]->uses_nr,
							       s->dependents[j]->name))
					more = hit[i] = true;
	}
	for (i = 0; i < s->dependents_nr; i++)
		if (hit[i] && (is_generated(s->dependents[i])
				       ? generated_gone(changes, s->dependents[i])
				       : !gm_pg_object_carried(changes, s->dependents[i])))
			hit[i] = false;
	for (i = s->dependents_nr; i > 0; i--)
		if (hit[i - 1])
			gm_pg_put_drop_object(drop, s->dependents[i - 1]);
	for (i = 0; i < s->dependents_nr; i++)
		if (hit[i])
			gm_buf_printf(create, "%s\n",
				      gm_pg_object_create(changes, s->dependents[i]));
	put_generated_keys(create, s, hit);
	free(hit);
}

/*
 * The type swap: rename the old type away, create the new one, convert every column of
 * every table that uses it (dropping and restoring its default, which would not cast),
 * drop the old type. One rewrite per table: its columns go in one ALTER TABLE. What
 * compares the enum goes around it: the dependents (views, functions, generated columns)
 * that use it or a converted table, and the partial/expression indexes and checks of
 * converted columns are dropped first and re-created last, in the same statement (one
 * transaction). A key that names a generated column comes back after the column
 * (gm_pg_carry_dependents), not with the other keys: DROP COLUMN dropped it.
 */
void gm_pg_plan_swap(gm_plan *out, const gm_changes *changes, const gm_change *ch)
{
	const char *name = ch->enum_to->name;
	struct swap sw = { changes, ch, GM_STRVEC_INIT, GM_BUF_INIT, GM_BUF_INIT };
	gm_buf b = GM_BUF_INIT, alter = GM_BUF_INIT, old = GM_BUF_INIT, subject = GM_BUF_INIT;
	gm_buf drop = GM_BUF_INIT, create = GM_BUF_INIT;
	size_t i;

	gm_strvec_push(&sw.names, ch->enum_from->name);
	gm_strvec_push(&sw.names, name);
	for (i = 0; changes->from && i < changes->from->tables_nr; i++)
		convert_table(&sw, &alter, &subject, changes->from->tables[i]);
	if (changes->from)
		gm_pg_carry_dependents(&drop, &create, changes, sw.names.v, sw.names.nr);

	gm_buf_printf(&old, "%s__old", name);
	gm_buf_puts(&b, drop.ptr);
	gm_buf_puts(&b, sw.pre.ptr);
	gm_buf_puts(&b, "ALTER TYPE ");
	gm_sql_qname(&b, name);
	gm_buf_puts(&b, " RENAME TO ");
	gm_sql_qname_local(&b, old.ptr);
	gm_buf_puts(&b, ";\nCREATE TYPE ");
	gm_sql_qname(&b, name);
	gm_buf_puts(&b, " AS ENUM ");
	gm_pg_put_labels(&b, ch->enum_to);
	gm_buf_puts(&b, ";\n");
	gm_buf_puts(&b, alter.ptr);
	gm_buf_puts(&b, "DROP TYPE ");
	gm_sql_qname(&b, old.ptr);
	gm_buf_puts(&b, ";\n");
	gm_buf_puts(&b, sw.post.ptr);
	gm_buf_puts(&b, create.ptr);
	gm_pg_plan_stmt(out, &b, GM_STMT_ENUM_SWAP, subject.len ? subject.ptr : NULL, ch);
	gm_buf_release(&create);
	gm_buf_release(&drop);
	gm_buf_release(&subject);
	gm_buf_release(&old);
	gm_buf_release(&alter);
	gm_buf_release(&b);
	gm_buf_release(&sw.post);
	gm_buf_release(&sw.pre);
	gm_strvec_release(&sw.names);
}
