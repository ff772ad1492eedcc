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
	gm_sql_ident(b, name);
	if (args)
		gm_buf_puts(b, args);
	if (d->table) {
		gm_buf_puts(b, " ON ");
		gm_sql_ident(b, d->table);
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

static void put_create(gm_buf *b, const gm_dependent *d)
{
	gm_buf_puts(b, d->create);
	gm_buf_putc(b, '\n');
}

/* Phase ph's statements for an added object. */
static void plan_add(gm_buf *b, const gm_dependent *d, enum gm_pg_phase ph)
{
	enum gm_pg_phase want = is_first(d)  ? GM_PG_PH_PRE
				: is_late(d) ? GM_PG_PH_CREATE_USERS
					     : GM_PG_PH_ADD;
	if (ph == want)
		put_create(b, d);
}

static void plan_drop(gm_buf *b, const gm_dependent *d, enum gm_pg_phase ph)
{
	enum gm_pg_phase want = !strcmp(d->kind, "schema") ? GM_PG_PH_DROP_SCHEMAS
				: is_late(d)               ? GM_PG_PH_DROP_USERS
							   : GM_PG_PH_DROP_OBJECTS;
	if (ph == want)
		gm_pg_put_drop_object(b, d);
}

/*
 * A replaced view, materialized view or trigger is dropped first and created last; any
 * other kind is created again in its add phase, its create text being CREATE OR REPLACE
 * (a function's, as pg_get_functiondef writes it), else after a drop.
 */
static void plan_replace(gm_buf *b, const gm_dependent *from, const gm_dependent *to,
			 enum gm_pg_phase ph)
{
	if (is_late(from)) {
		plan_drop(b, from, ph);
		plan_add(b, to, ph);
		return;
	}
	if (ph != (is_first(to) ? GM_PG_PH_PRE : GM_PG_PH_ADD))
		return;
	if (strncmp(to->create, "CREATE OR REPLACE ", 18))
		gm_pg_put_drop_object(b, from);
	put_create(b, to);
}

void gm_pg_plan_object(gm_plan *out, const gm_changes *changes, const gm_change *ch,
		       enum gm_pg_phase ph)
{
	gm_buf b = GM_BUF_INIT;
	const gm_dependent *d = ch->object_to ? ch->object_to : ch->object_from;

	/* extensions, sequences and domains: ALTER where it can (postgres_plan_types.c) */
	if (gm_pg_plan_type(&b, changes, ch, ph))
		goto done;
	switch (ch->kind) {
	case GM_CHANGE_ADD_OBJECT:
		plan_add(&b, ch->object_to, ph);
		break;
	case GM_CHANGE_DROP_OBJECT:
		plan_drop(&b, ch->object_from, ph);
		break;
	case GM_CHANGE_REPLACE_OBJECT:
		plan_replace(&b, ch->object_from, ch->object_to, ph);
		break;
	default:
		break;
	}
done:
	gm_pg_plan_stmt(out, &b, 0, d->name, ch);
	gm_buf_release(&b);
}
