/* PostgreSQL planner, objects carried around objects dropped and created again: users of a
 * view or trigger dropped first, users of a function whose header changes. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/diff.h"
#include "git-migrate/schema.h"
#include "dialect/postgres.h"
#include "dialect/sql.h"
#include "db_int.h"
#include "schema_int.h"
#include "util/strvec.h"
#include "util/banned.h"

/* Nesting bound of the recursive checks below (the objects form a DAG; this is a guard). */
#define MAX_DEPTH 64

/* The dependent of s named `name` (any kind but generated columns), or NULL. */
static const gm_dependent *named(const gm_schema *s, const char *name)
{
	size_t i;
	for (i = 0; s && i < s->dependents_nr; i++)
		if (!strcmp(s->dependents[i]->name, name) &&
		    strcmp(s->dependents[i]->kind, "generated column"))
			return s->dependents[i];
	return NULL;
}

/* Table `name` of changes->from loses a column or changes a column's type, or goes. */
static bool table_changes_under(const gm_changes *changes, const char *name)
{
	size_t i, k;

	for (i = 0; i < changes->nr; i++) {
		const gm_change *ch = &changes->v[i];
		if (!ch->from || strcmp(ch->from->name, name))
			continue;
		if (ch->kind == GM_CHANGE_DROP_TABLE)
			return true;
		for (k = 0; ch->kind == GM_CHANGE_MODIFY_TABLE && k < ch->tchanges_nr; k++)
			if (ch->tchanges[k].kind == GM_TCHANGE_DROP_COLUMN ||
			    (ch->tchanges[k].kind == GM_TCHANGE_MODIFY_COLUMN &&
			     (ch->tchanges[k].coldiff & GM_COLDIFF_TYPE)))
				return true;
	}
	return false;
}

/* Enum `name` is swapped or dropped. */
static bool enum_changes(const gm_changes *changes, const char *name)
{
	size_t i;
	for (i = 0; i < changes->nr; i++)
		if ((changes->v[i].kind == GM_CHANGE_SWAP_ENUM ||
		     changes->v[i].kind == GM_CHANGE_DROP_ENUM) &&
		    !strcmp(changes->v[i].enum_from->name, name))
			return true;
	return false;
}

static bool drops_first(const gm_changes *changes, const gm_change *ch, int depth);

/* Object d of changes->from is dropped before the tables change and created after: its
 * change drops it first, or something it uses is (rebuilt). */
static bool goes_first(const gm_changes *changes, const gm_dependent *d, int depth)
{
	const gm_change *ch = gm_pg_object_change(changes, d);
	size_t i;

	if (ch)
		return ch->kind == GM_CHANGE_DROP_OBJECT ||
		       (gm_pg_object_is_user(d) && drops_first(changes, ch, depth));
	if (!gm_pg_object_is_user(d) || depth > MAX_DEPTH)
		return false;
	for (i = 0; i < d->uses_nr; i++) {
		const gm_dependent *u = named(changes->from, d->uses[i]);
		if (u && gm_pg_object_is_user(u) && goes_first(changes, u, depth + 1))
			return true;
	}
	return false;
}

/* The FROM clause of a view's definition (from " FROM" on, up to the first line indented by
 * two: WHERE, GROUP BY ...; or the end of its statement), its length in *n. */
static const char *from_clause(const gm_dependent *v, size_t *n)
{
	const char *f = strstr(v->create, "\n   FROM "), *end = strchr(v->create, ';'), *p;

	if (!f || !end || end < f)
		return NULL;
	for (p = f + 1; p < end; p++)
		if (*p == '\n' && p[1] == ' ' && p[2] == ' ' && p[3] != ' ')
			break;
	*n = (size_t)(p - f);
	return f;
}

/*
 * PostgreSQL's CREATE OR REPLACE VIEW keeps the old columns (names, types, order) and may
 * add some at the end. Decided from the two definitions, conservatively: the new target
 * list is the old one (text) or starts with it, and the FROM clause is the same text.
 */
static bool view_compatible(const gm_dependent *from, const gm_dependent *to)
{
	size_t nf, nt;
	const char *f = from_clause(from, &nf), *t = from_clause(to, &nt);
	size_t head = f ? (size_t)(f - from->create) : 0;

	return f && t && !strcmp(from->kind, "view") && !strcmp(to->kind, "view") &&
	       !strncmp(from->create, to->create, head) &&
	       (to->create + head == t || !strncmp(to->create + head, ",\n", 2)) && nf == nt &&
	       !memcmp(f, t, nf);
}

/*
 * A user object's change drops it before the tables change and creates it after, unless
 * the new definition can replace the old in place (a view's compatible definition, a new
 * comment) and nothing it uses changes under it: a table losing or retyping a column, an
 * enum swapped, a function dropped or created again, a view dropped first.
 */
static bool drops_first(const gm_changes *changes, const gm_change *ch, int depth)
{
	const gm_dependent *from = ch->object_from;
	size_t i;

	if (ch->kind != GM_CHANGE_REPLACE_OBJECT)
		return ch->kind == GM_CHANGE_DROP_OBJECT && gm_pg_object_is_user(from);
	if (!gm_pg_object_is_user(from))
		return false;
	if (!gm_pg_same_but_comment(from, ch->object_to) && !view_compatible(from, ch->object_to))
		return true;
	for (i = 0; i < from->uses_nr; i++) {
		const char *u = from->uses[i];
		const gm_dependent *o = named(changes->from, u);
		const gm_change *och = o ? gm_pg_object_change(changes, o) : NULL;

		if (table_changes_under(changes, u) || enum_changes(changes, u) ||
		    (o && depth < MAX_DEPTH && goes_first(changes, o, depth + 1)) ||
		    (och && !gm_pg_object_is_user(o) &&
		     (och->kind == GM_CHANGE_DROP_OBJECT ||
		      !gm_pg_routine_in_place(o, och->object_to))))
			return true;
	}
	return false;
}

bool gm_pg_drops_first(const gm_changes *changes, const gm_change *ch)
{
	return drops_first(changes, ch, 0);
}

bool gm_pg_object_rebuilt(const gm_changes *changes, const gm_dependent *d)
{
	return !gm_pg_object_change(changes, d) && goes_first(changes, d, 0);
}

void gm_pg_put_rebuilt(gm_buf *b, const gm_changes *changes, const gm_change *ch, bool drop)
{
	const gm_schema *s = changes->from;
	const gm_change *first = NULL, *last = NULL;
	size_t i;

	for (i = 0; i < changes->nr; i++)
		if (changes->v[i].kind != GM_CHANGE_ADD_OBJECT && changes->v[i].object_from &&
		    gm_pg_drops_first(changes, &changes->v[i])) {
			first = first ? first : &changes->v[i];
			last = &changes->v[i];
		}
	if (!s || ch != (drop ? first : last))
		return;
	for (i = 0; drop && i < s->dependents_nr; i++)
		if (gm_pg_object_rebuilt(changes, s->dependents[s->dependents_nr - 1 - i]))
			gm_pg_put_drop_object(b, s->dependents[s->dependents_nr - 1 - i]);
	for (i = 0; !drop && i < s->dependents_nr; i++)
		if (gm_pg_object_rebuilt(changes, s->dependents[i]))
			gm_buf_printf(b, "%s\n", s->dependents[i]->create);
}

/* ---- functions and procedures ---- */

bool gm_pg_routine_in_place(const gm_dependent *from, const gm_dependent *to)
{
	const char *f = strchr(from->create, '\n'), *t;

	if (strncmp(from->create, "CREATE OR REPLACE ", 18) ||
	    strncmp(to->create, "CREATE OR REPLACE ", 18) || !f || !(f = strchr(f + 1, '\n')))
		return false;
	t = to->create + (f - from->create);
	return !strncmp(from->create, to->create, (size_t)(f - from->create)) && *t == '\n';
}

/* Table t's name when the parts are put: renamed before, when s is the plan's from. */
static const char *table_now(const gm_changes *changes, const gm_schema *s, const gm_table *t)
{
	size_t i;
	for (i = 0; s == changes->from && i < changes->nr; i++)
		if (changes->v[i].kind == GM_CHANGE_RENAME_TABLE && changes->v[i].from == t)
			return changes->v[i].to->name;
	return t->name;
}

/* The parts of table t that name function `fn`: expression and partial indexes, checks,
 * defaults; dropped into drop, re-created into create. */
static void carry_parts(gm_buf *drop, gm_buf *create, const gm_table *t, const char *name,
			const char *fn)
{
	gm_table now = *t;
	size_t i;

	now.name = (char *)name;
	for (i = 0; i < t->indexes_nr; i++) {
		const gm_index *ix = t->indexes[i];
		if (ix->constraint ||
		    !(gm_pg_mentions(ix->expr, fn) || gm_pg_mentions(ix->where, fn)))
			continue;
		gm_buf_puts(drop, "DROP INDEX ");
		gm_sql_ident(drop, ix->name);
		gm_buf_puts(drop, ";\n");
		gm_sql_create_index(create, &now, ix);
		gm_pg_put_index_comment(create, name, ix);
	}
	for (i = 0; i < t->checks_nr; i++) {
		if (!gm_pg_mentions(t->checks[i]->expr, fn))
			continue;
		gm_pg_put_alter(drop, name);
		gm_buf_puts(drop, "DROP CONSTRAINT ");
		gm_sql_ident(drop, t->checks[i]->name);
		gm_buf_puts(drop, ";\n");
		gm_pg_put_add_check(create, name, t->checks[i]);
	}
	for (i = 0; i < t->columns_nr; i++) {
		const gm_column *c = t->columns[i];
		if (c->default_kind != GM_DEFAULT_SQL || !gm_pg_mentions(c->default_value, fn))
			continue;
		gm_pg_put_alter_column(drop, name, c->name);
		gm_buf_puts(drop, "DROP DEFAULT;\n");
		gm_pg_put_alter_column(create, name, c->name);
		gm_buf_puts(create, "SET DEFAULT ");
		gm_pg_put_default(create, c);
		gm_buf_puts(create, ";\n");
	}
}

void gm_pg_put_routine_swap(gm_buf *b, const gm_changes *changes, const gm_schema *s,
			    const gm_dependent *from, const gm_dependent *to)
{
	gm_buf drop = GM_BUF_INIT, create = GM_BUF_INIT;
	char *fn = gm_xstrndup(from->name, strcspn(from->name, "("));
	char *names[1];
	size_t i;

	names[0] = from->name;
	if (changes->from)
		gm_pg_carry_dependents(&drop, &create, changes, names, 1);
	for (i = 0; s && i < s->tables_nr; i++)
		carry_parts(&drop, &create, s->tables[i], table_now(changes, s, s->tables[i]), fn);
	gm_buf_puts(b, drop.ptr);
	gm_pg_put_drop_object(b, from);
	if (to)
		gm_pg_put_create_object(b, to);
	gm_buf_puts(b, create.ptr);
	gm_buf_release(&create);
	gm_buf_release(&drop);
	free(fn);
}
