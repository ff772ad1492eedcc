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

/* What uses tables' rows: created after the tables, dropped before them (and around what
 * they use being dropped and created again). */
bool gm_pg_object_is_user(const gm_dependent *d)
{
	return !strcmp(d->kind, "view") || !strcmp(d->kind, "materialized view") ||
	       !strcmp(d->kind, "trigger");
}

/* A function or procedure. */
static bool is_routine(const gm_dependent *d)
{
	return !strcmp(d->kind, "function") || !strcmp(d->kind, "procedure");
}

/* Created before everything else (phase 0) and dropped after everything (phase 8). */
static bool is_first(const gm_dependent *d)
{
	return !strcmp(d->kind, "schema") || !strcmp(d->kind, "extension");
}

/*
 * A function whose definition uses a table of the plan's schemas (a BEGIN ATOMIC body, a
 * row type): created after the tables and dropped before them, with the views (an index,
 * check or default that uses such a function is not planned around it). A string body (plpgsql, or SQL
 * without BEGIN ATOMIC) has no pg_depend rows: created before the tables, with
 * check_function_bodies off (put_create).
 */
static bool uses_table(const gm_changes *changes, const gm_dependent *d)
{
	size_t i;
	for (i = 0; is_routine(d) && i < d->uses_nr; i++)
		if ((changes->from && gm_schema_table(changes->from, d->uses[i])) ||
		    (changes->to && gm_schema_table(changes->to, d->uses[i])))
			return true;
	return false;
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
 * before the tables (a SQL-language body may name a table the same plan creates: put_create
 * turns the check off for it).
 */
static enum gm_pg_phase add_phase(const gm_changes *changes, const gm_dependent *d)
{
	if (is_first(d))
		return GM_PG_PH_PRE;
	if (gm_pg_object_is_user(d) || uses_table(changes, d) ||
	    ((is_routine(d) || !strcmp(d->kind, "aggregate")) && !used_by_tables(changes->to, d)))
		return GM_PG_PH_CREATE_USERS;
	return GM_PG_PH_ADD;
}

void gm_pg_put_drop_object(gm_buf *b, const gm_dependent *d)
{
	const char *args = strchr(d->name, '(');
	char *name, *kind, *k;
	size_t len;

	if (!strcmp(d->kind, "generated column")) {
		gm_pg_put_alter(b, d->table);
		gm_buf_puts(b, "DROP COLUMN ");
		gm_sql_ident(b, d->name + strlen(d->table) + 1);
		gm_buf_puts(b, ";\n");
		return;
	}
	len = args ? (size_t)(args - d->name) : strlen(d->name);
	/* a trigger is named "name on table" (postgres_catalog_objects.c) */
	if (d->table && len > strlen(d->table) + 4 &&
	    !strncmp(d->name + len - strlen(d->table) - 4, " on ", 4) &&
	    !strcmp(d->name + len - strlen(d->table), d->table))
		len -= strlen(d->table) + 4;
	name = gm_xstrndup(d->name, len);
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
const gm_change *gm_pg_object_change(const gm_changes *changes, const gm_dependent *d)
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
	const gm_change *ch = gm_pg_object_change(changes, d);
	if (ch)
		return ch->kind == GM_CHANGE_REPLACE_OBJECT && !gm_pg_drops_first(changes, ch);
	return !gm_pg_object_rebuilt(changes, d);
}

const char *gm_pg_object_create(const gm_changes *changes, const gm_dependent *d)
{
	const gm_change *ch = gm_pg_object_change(changes, d);
	return ch && ch->object_to ? ch->object_to->create : d->create;
}

/* ---- comments: the create text's last statement "COMMENT ON <KIND> <name> IS '...';" ---- */

/* Where d's COMMENT ON starts in its create text (at the newline before it), or NULL. */
static const char *comment_of(const gm_dependent *d)
{
	return strstr(d->create, "\nCOMMENT ON ");
}

bool gm_pg_same_but_comment(const gm_dependent *a, const gm_dependent *b)
{
	const char *ca = comment_of(a), *cb = comment_of(b);
	size_t na = ca ? (size_t)(ca - a->create) : strlen(a->create);
	size_t nb = cb ? (size_t)(cb - b->create) : strlen(b->create);
	return na == nb && !memcmp(a->create, b->create, na);
}

/* "COMMENT ON <KIND> <name> IS NULL;" when from had a comment that to has not (a CREATE OR
 * REPLACE keeps the old comment). */
static void put_uncomment(gm_buf *b, const gm_dependent *from, const gm_dependent *to)
{
	const char *c = comment_of(from), *is = c ? strstr(c, " IS '") : NULL;

	if (!is || comment_of(to))
		return;
	gm_buf_put(b, c + 1, (size_t)(is - c - 1));
	gm_buf_puts(b, " IS NULL;\n");
}

/* A change of only the comment: the new COMMENT ON alone. */
static void put_comment_change(gm_buf *b, const gm_dependent *from, const gm_dependent *to)
{
	const char *c = comment_of(to);

	if (c)
		gm_buf_printf(b, "%s\n", c + 1);
	put_uncomment(b, from, to);
}

/* A SQL-language function or procedure with a string body: the only kind whose body
 * PostgreSQL checks against the tables and functions it names when it is created
 * (plpgsql checks syntax only; a BEGIN ATOMIC body is parsed into pg_depend rows). */
static bool sql_string_body(const gm_dependent *d)
{
	return is_routine(d) && strstr(d->create, "\n LANGUAGE sql\n") &&
	       !strstr(d->create, "\nBEGIN ATOMIC\n");
}

/* d's create text; with unchecked, a SQL string body is not checked (check_function_bodies
 * off for that statement: SET LOCAL, then RESET, the rest of the transaction checks). */
static void put_create_text(gm_buf *b, const gm_dependent *d, bool unchecked)
{
	unchecked = unchecked && sql_string_body(d);
	if (unchecked)
		gm_buf_puts(b, "SET LOCAL check_function_bodies = off;\n");
	gm_buf_puts(b, d->create);
	gm_buf_putc(b, '\n');
	if (unchecked)
		gm_buf_puts(b, "RESET check_function_bodies;\n");
}

/*
 * Re-creating what existed (a carried object): a SQL string body is not checked again (it
 * may name tables the plan re-creates later in the same transaction), as pg_dump does.
 */
void gm_pg_put_create_object(gm_buf *b, const gm_dependent *d)
{
	put_create_text(b, d, true);
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
		} else if (after && (is_routine(o) || !strcmp(o->kind, "aggregate"))) {
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
 * A new or changed object in phase ph. A routine's body is checked at creation, so that a
 * model's broken function stops at the models, unless it is created before the tables
 * (phase ADD) or calls a routine created after it.
 */
static void put_create(gm_buf *b, const gm_changes *changes, const gm_dependent *d,
		       enum gm_pg_phase ph)
{
	put_create_text(b, d, ph == GM_PG_PH_ADD || calls_later(changes, d));
}

/* Phase ph's statements for an added object. */
static void plan_add(gm_buf *b, const gm_changes *changes, const gm_dependent *d,
		     enum gm_pg_phase ph)
{
	if (ph == add_phase(changes, d))
		put_create(b, changes, d, ph);
}

static void plan_drop(gm_buf *b, const gm_changes *changes, const gm_dependent *d,
		      enum gm_pg_phase ph)
{
	enum gm_pg_phase want = !strcmp(d->kind, "schema") ? GM_PG_PH_DROP_SCHEMAS
				: gm_pg_object_is_user(d) || uses_table(changes, d)
					? GM_PG_PH_DROP_USERS
					: GM_PG_PH_DROP_OBJECTS;
	if (ph != want)
		return;
	if (is_routine(d))
		gm_pg_put_routine_swap(b, changes,
				       ph == GM_PG_PH_DROP_USERS ? changes->from : changes->to, d,
				       NULL);
	else
		gm_pg_put_drop_object(b, d);
}

/*
 * A replaced object. A change of its comment only is the COMMENT ON alone. A view,
 * materialized view or trigger is dropped first and created last (with what uses it:
 * gm_pg_put_rebuilt), but a view replaced in place (gm_pg_drops_first) is CREATE OR REPLACE
 * VIEW. A function or procedure is CREATE OR REPLACE, or dropped and created with what uses
 * it when its header changes (gm_pg_put_routine_swap). Any other kind is created again in
 * its add phase, its create text being CREATE OR REPLACE, else after a drop.
 */
static void plan_replace(gm_buf *b, const gm_changes *changes, const gm_change *ch,
			 enum gm_pg_phase ph)
{
	const gm_dependent *from = ch->object_from, *to = ch->object_to;
	bool first = gm_pg_drops_first(changes, ch);

	if (!first && gm_pg_same_but_comment(from, to)) {
		if (ph == add_phase(changes, to))
			put_comment_change(b, from, to);
	} else if (gm_pg_object_is_user(from) && first) {
		plan_drop(b, changes, from, ph);
		plan_add(b, changes, to, ph);
	} else if (ph != add_phase(changes, to)) {
		return;
	} else if (gm_pg_object_is_user(from)) {
		gm_buf_printf(b, "CREATE OR REPLACE %s\n", to->create + strlen("CREATE "));
		put_uncomment(b, from, to);
	} else if (is_routine(from) && !gm_pg_routine_in_place(from, to)) {
		gm_pg_put_routine_swap(b, changes, ph == GM_PG_PH_ADD ? changes->from : changes->to,
				       from, to);
	} else {
		if (strncmp(to->create, "CREATE OR REPLACE ", 18))
			gm_pg_put_drop_object(b, from);
		put_create(b, changes, to, ph);
		put_uncomment(b, from, to);
	}
}

void gm_pg_plan_object(gm_plan *out, const gm_changes *changes, const gm_change *ch,
		       enum gm_pg_phase ph)
{
	gm_buf b = GM_BUF_INIT;
	const gm_dependent *d = ch->object_to ? ch->object_to : ch->object_from;

	if (ph == GM_PG_PH_DROP_USERS)
		gm_pg_put_rebuilt(&b, changes, ch, true);
	/* extensions, sequences and domains: ALTER where it can (postgres_plan_types.c) */
	if (gm_pg_plan_type(&b, changes, ch, ph))
		goto done;
	switch (ch->kind) {
	case GM_CHANGE_ADD_OBJECT:
		plan_add(&b, changes, ch->object_to, ph);
		break;
	case GM_CHANGE_DROP_OBJECT:
		plan_drop(&b, changes, ch->object_from, ph);
		break;
	case GM_CHANGE_REPLACE_OBJECT:
		plan_replace(&b, changes, ch, ph);
		break;
	default:
		break;
	}
done:
	if (ph == GM_PG_PH_CREATE_USERS)
		gm_pg_put_rebuilt(&b, changes, ch, false);
	gm_pg_plan_stmt(out, &b, 0, d->name, ch);
	gm_buf_release(&b);
}
