/* The diff of the objects beyond tables (gm_dependent): drops, replacements, additions. */
#include <stdlib.h>
#include <string.h>
#include "git-migrate/alloc.h"
#include "git-migrate/vec.h"
#include "diff_int.h"
#include "schema_int.h"
#include "util/banned.h"

static void push_object(gm_changes *out, gm_change_kind kind, const gm_dependent *from,
			const gm_dependent *to)
{
	gm_change *ch;

	GM_ALLOC_GROW(out->v, out->nr + 1, out->alloc);
	ch = &out->v[out->nr++];
	memset(ch, 0, sizeof(*ch));
	ch->kind = kind;
	ch->object_from = from;
	ch->object_to = to;
}

void gm_diff_objects(gm_changes *out, const gm_schema *from, const gm_schema *to)
{
	size_t i;

	/* drops: the last created first (what uses an object goes before it) */
	for (i = from->dependents_nr; i-- > 0;) {
		const gm_dependent *f = from->dependents[i];
		if (gm_dependent_compared(f) && !gm_schema_dependent(to, f->kind, f->name))
			push_object(out, GM_CHANGE_DROP_OBJECT, f, NULL);
	}
	for (i = 0; i < to->dependents_nr; i++) {
		const gm_dependent *t = to->dependents[i];
		const gm_dependent *f = gm_schema_dependent(from, t->kind, t->name);
		if (!gm_dependent_compared(t))
			continue;
		if (!f)
			push_object(out, GM_CHANGE_ADD_OBJECT, NULL, t);
		else if (!gm_dependent_equal(f, t))
			push_object(out, GM_CHANGE_REPLACE_OBJECT, f, t);
	}
}
