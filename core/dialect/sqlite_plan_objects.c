/* SQLite planner, objects beyond tables: views and triggers (gm_dependent), dropped before
 * the tables change and created after. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/diff.h"
#include "git-migrate/schema.h"
#include "dialect/sql.h"
#include "dialect/sqlite.h"
#include "db_int.h"
#include "schema_int.h"
#include "util/strvec.h"
#include "util/banned.h"

void gm_sqlite_put_drop_object(gm_buf *b, const gm_dependent *d)
{
	size_t k;

	gm_buf_puts(b, "DROP ");
	for (k = 0; d->kind[k]; k++)
		gm_buf_putc(b, (char)toupper((unsigned char)d->kind[k]));
	gm_buf_puts(b, " IF EXISTS ");
	gm_sql_ident(b, d->name);
	gm_buf_puts(b, ";\n");
}

/* The change of changes that drops or replaces d (an object of changes->from), or NULL. */
static const gm_change *change_of(const gm_changes *changes, const gm_dependent *d)
{
	size_t k;
	for (k = 0; k < changes->nr; k++)
		if (changes->v[k].object_from == d)
			return &changes->v[k];
	return NULL;
}

/*
 * Which objects of changes->from the plan drops first (cut[i] for from->dependents[i]):
 * those the changes drop or replace, and every one that uses a cut one, recursively (a
 * view over a replaced view: SQLite checks every view when a table is altered, and a
 * view naming a missing one fails it). Caller frees.
 */
static bool *cut_objects(const gm_changes *changes)
{
	const gm_schema *from = changes->from;
	bool *cut = gm_xcalloc(from->dependents_nr + 1, sizeof(*cut));
	bool more = true;
	size_t i, k;

	for (i = 0; i < from->dependents_nr; i++)
		cut[i] = change_of(changes, from->dependents[i]) != NULL;
	while (more) {
		more = false;
		for (i = 0; i < from->dependents_nr; i++) {
			const gm_dependent *d = from->dependents[i];
			for (k = 0; k < from->dependents_nr && !cut[i]; k++)
				if (cut[k] && gm_strv_contains(d->uses, d->uses_nr,
							       from->dependents[k]->name))
					more = cut[i] = true;
		}
	}
	return cut;
}

/* Whether the plan creates d (an object of changes->to) after the tables change. */
static bool created(const gm_changes *changes, const gm_dependent *d, const bool *cut)
{
	const gm_schema *from = changes->from;
	size_t i;

	for (i = 0; i < changes->nr; i++)
		if (changes->v[i].object_to == d)
			return true;
	for (i = 0; from && i < from->dependents_nr; i++)
		if (cut[i] && !strcmp(from->dependents[i]->kind, d->kind) &&
		    !strcmp(from->dependents[i]->name, d->name))
			return true;
	return false;
}

void gm_sqlite_plan_objects(gm_plan *out, const gm_changes *changes, bool create)
{
	const gm_schema *from = changes->from, *to = changes->to;
	bool *cut = from ? cut_objects(changes) : NULL;
	gm_buf b = GM_BUF_INIT;
	size_t i;

	/* drops: the last created first; creates: in the models' creation order */
	for (i = from ? from->dependents_nr : 0; !create && i-- > 0;) {
		const gm_dependent *d = from->dependents[i];
		if (!cut[i])
			continue;
		gm_sqlite_put_drop_object(&b, d);
		gm_plan_add(out, b.ptr, 0, d->name, change_of(changes, d));
		gm_buf_clear(&b);
	}
	for (i = 0; create && to && i < to->dependents_nr; i++) {
		const gm_dependent *d = to->dependents[i];
		const gm_change *ch = NULL;
		size_t k;
		if (!gm_dependent_compared(d) || !created(changes, d, cut))
			continue;
		for (k = 0; k < changes->nr && !ch; k++)
			if (changes->v[k].object_to == d)
				ch = &changes->v[k];
		gm_buf_printf(&b, "%s\n", d->create);
		gm_plan_add(out, b.ptr, 0, d->name, ch);
		gm_buf_clear(&b);
	}
	gm_buf_release(&b);
	free(cut);
}

void gm_sqlite_carried_objects(gm_schema *out, const gm_changes *changes)
{
	const gm_schema *from = changes->from;
	bool *cut = cut_objects(changes);
	size_t i;

	*out = *from;
	out->dependents = gm_xcalloc(from->dependents_nr + 1, sizeof(*out->dependents));
	out->dependents_nr = out->dependents_alloc = 0;
	for (i = 0; i < from->dependents_nr; i++)
		if (!cut[i])
			out->dependents[out->dependents_nr++] = from->dependents[i];
	free(cut);
}
