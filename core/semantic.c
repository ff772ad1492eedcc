/* Semantic conflicts: the objects a revision changed; two revisions that changed one. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/vec.h"
#include "finding_int.h"
#include "semantic.h"
#include "util/banned.h"

/* One object a revision changed: its name in messages, the table it belongs to. */
struct object {
	char *name;  /* "deals.currency", "table deals", "index deals_title_idx", "enum x" */
	char *table; /* NULL for an enum */
	bool whole;  /* the table itself (added, dropped, renamed) */
};

struct gm_touched {
	struct object *v;
	size_t nr, alloc;
};

static void touch(gm_touched *t, const char *table, bool whole, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void touch(gm_touched *t, const char *table, bool whole, const char *fmt, ...)
{
	gm_buf b = GM_BUF_INIT;
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	gm_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	for (i = 0; i < t->nr; i++)
		if (!strcmp(t->v[i].name, b.ptr)) {
			gm_buf_release(&b);
			return;
		}
	GM_ALLOC_GROW(t->v, t->nr + 1, t->alloc);
	t->v[t->nr].name = gm_buf_detach(&b);
	t->v[t->nr].table = table ? gm_xstrdup(table) : NULL;
	t->v[t->nr].whole = whole;
	t->nr++;
}

static void touch_table_change(gm_touched *t, const char *tn, const gm_tchange *tc)
{
	switch (tc->kind) {
	case GM_TCHANGE_ADD_COLUMN:
		touch(t, tn, false, "%s.%s", tn, tc->col_to->name);
		break;
	case GM_TCHANGE_DROP_COLUMN:
		touch(t, tn, false, "%s.%s", tn, tc->col_from->name);
		break;
	case GM_TCHANGE_RENAME_COLUMN:
		touch(t, tn, false, "%s.%s", tn, tc->col_from->name);
		touch(t, tn, false, "%s.%s", tn, tc->col_to->name);
		break;
	case GM_TCHANGE_MODIFY_COLUMN:
		touch(t, tn, false, "%s.%s", tn, tc->col_to->name);
		break;
	case GM_TCHANGE_ADD_INDEX:
	case GM_TCHANGE_DROP_INDEX: {
		const gm_index *ix = tc->index_to ? tc->index_to : tc->index_from;
		touch(t, tn, false, "%s %s", ix->constraint ? "constraint" : "index", ix->name);
		break;
	}
	case GM_TCHANGE_ADD_FKEY:
	case GM_TCHANGE_DROP_FKEY:
		touch(t, tn, false, "constraint %s",
		      (tc->fkey_to ? tc->fkey_to : tc->fkey_from)->name);
		break;
	case GM_TCHANGE_ADD_CHECK:
	case GM_TCHANGE_DROP_CHECK:
		touch(t, tn, false, "constraint %s",
		      (tc->check_to ? tc->check_to : tc->check_from)->name);
		break;
	case GM_TCHANGE_MODIFY_PKEY:
		touch(t, tn, false, "primary key of %s", tn);
		break;
	case GM_TCHANGE_MODIFY_COMMENT:
		touch(t, tn, false, "comment on table %s", tn);
		break;
	case GM_TCHANGE_MODIFY_KEY_COMMENT: /* the same names as the key's own changes above */
		if (tc->index_to)
			touch(t, tn, false, "%s %s",
			      tc->index_to->constraint ? "constraint" : "index",
			      tc->index_to->name);
		else if (tc->fkey_to || tc->check_to)
			touch(t, tn, false, "constraint %s",
			      tc->fkey_to ? tc->fkey_to->name : tc->check_to->name);
		else
			touch(t, tn, false, "primary key of %s", tn);
		break;
	}
}

void gm_touched_new(gm_touched **out, const gm_changes *changes)
{
	gm_touched *t = gm_xcalloc(1, sizeof(*t));
	size_t i, k;

	for (i = 0; i < changes->nr; i++) {
		const gm_change *ch = &changes->v[i];
		switch (ch->kind) {
		case GM_CHANGE_ADD_ENUM:
		case GM_CHANGE_ADD_ENUM_VALUE:
		case GM_CHANGE_SWAP_ENUM:
			touch(t, NULL, false, "enum %s", ch->enum_to->name);
			break;
		case GM_CHANGE_RENAME_ENUM:
			touch(t, NULL, false, "enum %s", ch->enum_from->name);
			touch(t, NULL, false, "enum %s", ch->enum_to->name);
			break;
		case GM_CHANGE_DROP_ENUM:
			touch(t, NULL, false, "enum %s", ch->enum_from->name);
			break;
		case GM_CHANGE_ADD_TABLE:
			touch(t, ch->to->name, true, "table %s", ch->to->name);
			break;
		case GM_CHANGE_DROP_TABLE:
			touch(t, ch->from->name, true, "table %s", ch->from->name);
			break;
		case GM_CHANGE_RENAME_TABLE:
			touch(t, ch->from->name, true, "table %s", ch->from->name);
			touch(t, ch->to->name, true, "table %s", ch->to->name);
			break;
		case GM_CHANGE_MODIFY_TABLE:
			for (k = 0; k < ch->tchanges_nr; k++)
				touch_table_change(t, ch->to->name, &ch->tchanges[k]);
			break;
		case GM_CHANGE_ADD_OBJECT:
		case GM_CHANGE_DROP_OBJECT:
		case GM_CHANGE_REPLACE_OBJECT: {
			const gm_dependent *o = ch->object_to ? ch->object_to : ch->object_from;
			touch(t, NULL, false, "%s %s", o->kind, o->name);
			break;
		}
		}
	}
	*out = t;
}

size_t gm_touched_count(const gm_touched *t)
{
	return t ? t->nr : 0;
}

void gm_touched_free(gm_touched *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->nr; i++) {
		free(t->v[i].name);
		free(t->v[i].table);
	}
	free(t->v);
	free(t);
}

/* The same object, or a table and something of it. */
static bool overlap(const struct object *a, const struct object *b)
{
	if (!strcmp(a->name, b->name))
		return true;
	return (a->whole || b->whole) && a->table && b->table && !strcmp(a->table, b->table);
}

/* The names of the marked objects, joined with ", ". */
static void marked_names(gm_buf *b, const gm_touched *t, const bool *marked)
{
	size_t i;
	for (i = 0; i < t->nr; i++)
		if (marked[i])
			gm_buf_printf(b, "%s%s", b->len ? ", " : "", t->v[i].name);
}

bool gm_semantic_conflict(gm_findings *f, const gm_revision *prod, const gm_touched *pt,
			  const gm_revision *local, const gm_touched *lt)
{
	gm_buf theirs = GM_BUF_INIT, ours = GM_BUF_INIT;
	bool *pm, *lm, found = false;
	size_t i, k;

	if (!pt || !lt || !pt->nr || !lt->nr)
		return false;
	pm = gm_xcalloc(pt->nr, sizeof(bool));
	lm = gm_xcalloc(lt->nr, sizeof(bool));
	for (i = 0; i < pt->nr; i++)
		for (k = 0; k < lt->nr; k++)
			if (overlap(&pt->v[i], &lt->v[k]))
				pm[i] = lm[k] = found = true;
	if (found) {
		marked_names(&theirs, pt, pm);
		marked_names(&ours, lt, lm);
		gm_findings_warn(f, "semantic", local->path, local->up.line,
				 "semantic conflict: production's %s changed %s; your %s also "
				 "changes %s",
				 prod->id, theirs.ptr, local->id, ours.ptr);
	}
	free(pm);
	free(lm);
	gm_buf_release(&theirs);
	gm_buf_release(&ours);
	return found;
}
