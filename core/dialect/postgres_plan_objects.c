/* PostgreSQL planner, objects beyond tables: extensions, schemas, domains, sequences,
 * functions, views, materialized views, triggers (gm_dependent), in their phases. */
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
#include "util/banned.h"

/* Created after the tables and dropped before them: what uses tables' rows. */
static bool is_late(const gm_dependent *d)
{
	return !strcmp(d->kind, "view") || !strcmp(d->kind, "materialized view") ||
	       !strcmp(d->kind, "trigger");
}

/* Created before everything else (phase 0) and dropped after everything (phase 8). */
static bool is_first(const gm_dependent *d)
{
	return !strcmp(d->kind, "schema") || !strcmp(d->kind, "extension");
}

void gm_pg_put_drop_object(gm_buf *b, const gm_dependent *d)
{
	const char *args = strchr(d->name, '(');
	char *name, *kind, *k;

	if (!strcmp(d->kind, "generated column")) {
		gm_pg_put_alter(b, d->table);
		gm_buf_puts(b, "DROP COLUMN ");
		gm_sql_ident(b, d->name + strlen(d->table) + 1);
		gm_buf_puts(b, ";\n");
		return;
	}
	name = gm_xstrndup(d->name, args ? (size_t)(args - d->name) : strlen(d->name));
	kind = gm_xstrdup(d->kind);
	for (k = kind; *k; k++)
		if (*k >= 'a' && *k <= 'z')
			*k = (char)(*k - 'a' + 'A');
	gm_buf_printf(b, "DROP %s ", kind);
	gm_sql_qname(b, name);
	if (args)
		gm_buf_puts(b, args);
	if (d->table) {
		gm_buf_puts(b, " ON ");
		gm_sql_qname(b, d->table);
	}
	gm_buf_puts(b, ";\n");
	free(kind);
	free(name);
}

/* The change of changes that drops or replaces the object d of changes->from, or NULL. */
static const gm_change *change_of(const gm_changes *changes, const gm_dependent *d)
{
	size_t i;
	for (i = 0; i < changes->nr; i++) {
		const gm_change *ch = &changes->v[i];
		if ((ch->kind == GM_CHANGE_DROP_OBJECT || ch->kind == GM_CHANGE_REPLACE_OBJECT) &&
		    ch->object_from == d)
			return ch;
	}
	return NULL;
}

bool gm_pg_object_carried(const gm_changes *changes, const gm_dependent *d)
{
	const gm_change *ch = change_of(changes, d);
	return !ch || (ch->kind == GM_CHANGE_REPLACE_OBJECT && !is_late(d));
}

const char *gm_pg_object_create(const gm_changes *changes, const gm_dependent *d)
{
	const gm_change *ch = change_of(changes, d);
	return ch && ch->object_to ? ch->object_to->create : d->create;
}

/* d uses a table that the changes create (kind ADD_TABLE) or drop (DROP_TABLE): a
 * function returning a table's rows (its row type) must come after it, go before it. */
static bool uses_table(const gm_changes *changes, const gm_dependent *d, gm_change_kind kind)
{
	size_t i, k;
	for (i = 0; i < d->uses_nr; i++)
		for (k = 0; k < changes->nr; k++) {
			const gm_table *t =
				kind == GM_CHANGE_ADD_TABLE ? changes->v[k].to : changes->v[k].from;
			if (changes->v[k].kind == kind && t && !strcmp(t->name, d->uses[i]))
				return true;
		}
	return false;
}

static bool is_routine(const gm_dependent *d)
{
	return !strcmp(d->kind, "function") || !strcmp(d->kind, "procedure") ||
	       !strcmp(d->kind, "aggregate");
}

/* Some table part of s (a default, a generated column, an index, a check) or a domain
 * calls routine d: d must exist before the tables are created or changed. */
static bool used_by_tables(const gm_schema *s, const gm_dependent *d)
{
	const char *args = strchr(d->name, '(');
	char *name = gm_xstrndup(d->name, args ? (size_t)(args - d->name) : strlen(d->name));
	bool used = false;
	size_t i, k;

	for (i = 0; s && i < s->tables_nr && !used; i++) {
		const gm_table *t = s->tables[i];
		for (k = 0; k < t->columns_nr && !used; k++)
			used = gm_sql_calls(t->columns[k]->default_value, name) ||
			       gm_sql_calls(t->columns[k]->generated, name);
		for (k = 0; k < t->indexes_nr && !used; k++)
			used = gm_sql_calls(t->indexes[k]->expr, name) ||
			       gm_sql_calls(t->indexes[k]->where, name);
		for (k = 0; k < t->checks_nr && !used; k++)
			used = gm_sql_calls(t->checks[k]->expr, name);
	}
	for (i = 0; s && i < s->dependents_nr && !used; i++)
		used = !strcmp(s->dependents[i]->kind, "domain") &&
		       gm_sql_calls(s->dependents[i]->create, name);
	free(name);
	return used;
}

/*
 * A function, procedure or aggregate is created after the tables, where its body is
 * checked against them, unless a table part or a domain calls it: then it is created
 * before the tables (a SQL-language body may name a table the same plan creates).
 */
static enum gm_pg_phase create_phase(const gm_changes *changes, const gm_dependent *d)
{
	if (is_first(d))
		return GM_PG_PH_PRE;
	if (is_late(d) || uses_table(changes, d, GM_CHANGE_ADD_TABLE) ||
	    (is_routine(d) && !used_by_tables(changes->to, d)))
		return GM_PG_PH_CREATE_USERS;
	return GM_PG_PH_ADD;
}

/* Routine d's body calls a routine that the changes create after it (pg_depend knows
 * nothing of calls in a string body, so creation order cannot follow them). */
static bool calls_later(const gm_changes *changes, const gm_dependent *d)
{
	size_t i;
	bool after = false, calls = false;

	for (i = 0; i < changes->nr && !calls; i++) {
		const gm_dependent *o = changes->v[i].object_to;
		if (!o || changes->v[i].kind == GM_CHANGE_DROP_OBJECT)
			continue;
		if (o == d) {
			after = true;
		} else if (after && is_routine(o)) {
			const char *args = strchr(o->name, '(');
			char *name = gm_xstrndup(o->name,
						 args ? (size_t)(args - o->name) : strlen(o->name));
			calls = gm_sql_calls(d->create, name);
			free(name);
		}
	}
	return calls;
}

/*
 * The statement(s) that create d in phase ph. A routine's body is not checked at creation
 * (check_function_bodies off for that statement, as pg_dump does for all) when it is
 * created before the tables, or calls a routine created after it; every other body is
 * checked, so a model's broken function stops at the models.
 */
static void put_create(gm_buf *b, const gm_changes *changes, const gm_dependent *d,
		       enum gm_pg_phase ph)
{
	bool unchecked = is_routine(d) && strcmp(d->kind, "aggregate") &&
			 (ph == GM_PG_PH_ADD || calls_later(changes, d));

	if (unchecked)
		gm_buf_puts(b, "SET LOCAL check_function_bodies = off;\n");
	gm_buf_puts(b, d->create);
	gm_buf_putc(b, '\n');
	if (unchecked)
		gm_buf_puts(b, "RESET check_function_bodies;\n");
}

/* Phase ph's statements for an added object. */
static void plan_add(gm_buf *b, const gm_changes *changes, const gm_dependent *d,
		     enum gm_pg_phase ph)
{
	if (ph == create_phase(changes, d))
		put_create(b, changes, d, ph);
}

static void plan_drop(gm_buf *b, const gm_changes *changes, const gm_dependent *d,
		      enum gm_pg_phase ph)
{
	enum gm_pg_phase want = GM_PG_PH_DROP_OBJECTS;
	if (!strcmp(d->kind, "schema"))
		want = GM_PG_PH_DROP_SCHEMAS;
	else if (is_late(d) || uses_table(changes, d, GM_CHANGE_DROP_TABLE))
		want = GM_PG_PH_DROP_USERS;
	if (ph == want)
		gm_pg_put_drop_object(b, d);
}

/*
 * A replaced view, materialized view or trigger is dropped first and created last; any
 * other kind is created again in its add phase, its create text being CREATE OR REPLACE
 * (a function's, as pg_get_functiondef writes it), else after a drop.
 */
static void plan_replace(gm_buf *b, const gm_changes *changes, const gm_dependent *from,
			 const gm_dependent *to, enum gm_pg_phase ph)
{
	if (is_late(from)) {
		plan_drop(b, changes, from, ph);
		plan_add(b, changes, to, ph);
		return;
	}
	if (ph != create_phase(changes, to))
		return;
	if (strncmp(to->create, "CREATE OR REPLACE ", 18))
		gm_pg_put_drop_object(b, from);
	put_create(b, changes, to, ph);
}

void gm_pg_plan_object(gm_plan *out, const gm_changes *changes, const gm_change *ch,
		       enum gm_pg_phase ph)
{
	gm_buf b = GM_BUF_INIT;
	const gm_dependent *d = ch->object_to ? ch->object_to : ch->object_from;

	switch (ch->kind) {
	case GM_CHANGE_ADD_OBJECT:
		plan_add(&b, changes, ch->object_to, ph);
		break;
	case GM_CHANGE_DROP_OBJECT:
		plan_drop(&b, changes, ch->object_from, ph);
		break;
	case GM_CHANGE_REPLACE_OBJECT:
		plan_replace(&b, changes, ch->object_from, ch->object_to, ph);
		break;
	default:
		break;
	}
	gm_pg_plan_stmt(out, &b, 0, d->name, ch);
	gm_buf_release(&b);
}
