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

void gm_sqlite_plan_objects(gm_plan *out, const gm_changes *changes, bool create)
{
	gm_buf b = GM_BUF_INIT;
	size_t i;

	for (i = 0; i < changes->nr; i++) {
		const gm_change *ch = &changes->v[i];
		if (!create &&
		    (ch->kind == GM_CHANGE_DROP_OBJECT || ch->kind == GM_CHANGE_REPLACE_OBJECT)) {
			gm_sqlite_put_drop_object(&b, ch->object_from);
			gm_plan_add(out, b.ptr, 0, ch->object_from->name, ch);
		} else if (create && (ch->kind == GM_CHANGE_ADD_OBJECT ||
				      ch->kind == GM_CHANGE_REPLACE_OBJECT)) {
			gm_buf_printf(&b, "%s\n", ch->object_to->create);
			gm_plan_add(out, b.ptr, 0, ch->object_to->name, ch);
		}
		gm_buf_clear(&b);
	}
	gm_buf_release(&b);
}

void gm_sqlite_carried_objects(gm_schema *out, const gm_changes *changes)
{
	const gm_schema *from = changes->from;
	size_t i, k;

	*out = *from;
	out->dependents = gm_xcalloc(from->dependents_nr + 1, sizeof(*out->dependents));
	out->dependents_nr = out->dependents_alloc = 0;
	for (i = 0; i < from->dependents_nr; i++) {
		bool changed = false;
		for (k = 0; k < changes->nr && !changed; k++)
			changed = changes->v[k].object_from == from->dependents[i];
		if (!changed)
			out->dependents[out->dependents_nr++] = from->dependents[i];
	}
}
