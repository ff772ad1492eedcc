/* The human summary of a change list (gm_changes_describe). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "git-migrate/buf.h"
#include "git-migrate/diff.h"
#include "util/strvec.h"
#include "diff_int.h"
#include "util/banned.h"

static void put_labels(gm_buf *out, const char *verb, char *const *a, size_t an, char *const *b,
		       size_t bn, bool *first)
{
	size_t i;
	bool any = false;
	for (i = 0; i < an; i++) {
		if (gm_strv_contains(b, bn, a[i]))
			continue;
		gm_buf_printf(out, "%s%s'%s'", any ? ", " : (*first ? "" : "; "), any ? "" : verb,
			      a[i]);
		any = true;
		*first = false;
	}
}

/* What changed between two label lists: "remove 'x'; add 'y'; reorder". */
static void label_detail(gm_buf *out, char *const *a, size_t an, char *const *b, size_t bn)
{
	bool first = true;
	size_t i = 0, j = 0;

	put_labels(out, "remove ", a, an, b, bn, &first);
	put_labels(out, "add ", b, bn, a, an, &first);
	/* the labels on both sides: same relative order? */
	for (;;) {
		while (i < an && !gm_strv_contains(b, bn, a[i]))
			i++;
		while (j < bn && !gm_strv_contains(a, an, b[j]))
			j++;
		if (i == an || j == bn)
			break;
		if (strcmp(a[i], b[j])) {
			gm_buf_puts(out, first ? "reorder" : "; reorder");
			first = false;
			break;
		}
		i++;
		j++;
	}
}

static void describe_column(gm_buf *out, const char *t, const gm_tchange *tc)
{
	const gm_column *a = tc->col_from, *b = tc->col_to;

	if (tc->coldiff & GM_COLDIFF_TYPE) {
		if (strcmp(a->type, b->type)) {
			gm_buf_printf(out, "change type of %s.%s from %s to %s\n", t, b->name,
				      a->type, b->type);
		} else {
			gm_buf_printf(out, "change values of %s.%s (", t, b->name);
			label_detail(out, a->labels, a->labels_nr, b->labels, b->labels_nr);
			gm_buf_puts(out, ")\n");
		}
	}
	if (tc->coldiff & GM_COLDIFF_NULL)
		gm_buf_printf(out, "make %s.%s %s\n", t, b->name,
			      b->nullable ? "nullable" : "not null");
	if (tc->coldiff & GM_COLDIFF_DEFAULT) {
		if (b->default_kind == GM_DEFAULT_NONE)
			gm_buf_printf(out, "drop default of %s.%s\n", t, b->name);
		else if (a->default_kind == GM_DEFAULT_NONE)
			gm_buf_printf(out, "set default of %s.%s\n", t, b->name);
		else
			gm_buf_printf(out, "change default of %s.%s\n", t, b->name);
	}
	if (tc->coldiff & GM_COLDIFF_IDENTITY)
		gm_buf_printf(out, "%s identity %s %s.%s\n", b->identity ? "add" : "drop",
			      b->identity ? "to" : "from", t, b->name);
	if (tc->coldiff & GM_COLDIFF_COMMENT)
		gm_buf_printf(out, "change comment of %s.%s\n", t, b->name);
}

static void describe_tchange(gm_buf *out, const gm_change *ch, const gm_tchange *tc)
{
	const char *t = ch->to->name;

	switch (tc->kind) {
	case GM_TCHANGE_ADD_COLUMN:
		gm_buf_printf(out, "add column %s.%s\n", t, tc->col_to->name);
		break;
	case GM_TCHANGE_DROP_COLUMN:
		gm_buf_printf(out, "drop column %s.%s\n", t, tc->col_from->name);
		break;
	case GM_TCHANGE_RENAME_COLUMN:
		gm_buf_printf(out, "rename column %s.%s to %s\n", t, tc->col_from->name,
			      tc->col_to->name);
		break;
	case GM_TCHANGE_MODIFY_COLUMN:
		describe_column(out, t, tc);
		break;
	case GM_TCHANGE_ADD_INDEX:
		gm_buf_printf(out, "add %s %s\n",
			      tc->index_to->constraint ? "unique constraint" : "index",
			      tc->index_to->name);
		break;
	case GM_TCHANGE_DROP_INDEX:
		gm_buf_printf(out, "drop %s %s\n",
			      tc->index_from->constraint ? "unique constraint" : "index",
			      tc->index_from->name);
		break;
	case GM_TCHANGE_ADD_FKEY:
		gm_buf_printf(out, "add foreign key %s\n", tc->fkey_to->name);
		break;
	case GM_TCHANGE_DROP_FKEY:
		gm_buf_printf(out, "drop foreign key %s\n", tc->fkey_from->name);
		break;
	case GM_TCHANGE_ADD_CHECK:
		gm_buf_printf(out, "add check %s\n", tc->check_to->name);
		break;
	case GM_TCHANGE_DROP_CHECK:
		gm_buf_printf(out, "drop check %s\n", tc->check_from->name);
		break;
	case GM_TCHANGE_MODIFY_PKEY:
		gm_buf_printf(out, "change primary key of %s\n", t);
		break;
	case GM_TCHANGE_MODIFY_COMMENT:
		gm_buf_printf(out, "change comment of table %s\n", t);
		break;
	}
}

void gm_changes_describe(gm_buf *out, const gm_changes *changes)
{
	size_t i, k;

	for (i = 0; i < changes->nr; i++) {
		const gm_change *ch = &changes->v[i];
		switch (ch->kind) {
		case GM_CHANGE_ADD_ENUM:
			gm_buf_printf(out, "add enum %s\n", ch->enum_to->name);
			break;
		case GM_CHANGE_ADD_ENUM_VALUE:
			gm_buf_printf(out, "add value '%s' to enum %s\n", ch->label,
				      ch->enum_to->name);
			break;
		case GM_CHANGE_SWAP_ENUM:
			gm_buf_printf(out, "swap enum %s (", ch->enum_to->name);
			label_detail(out, ch->enum_from->labels, ch->enum_from->labels_nr,
				     ch->enum_to->labels, ch->enum_to->labels_nr);
			gm_buf_puts(out, ")\n");
			break;
		case GM_CHANGE_RENAME_ENUM:
			gm_buf_printf(out, "rename enum %s to %s\n", ch->enum_from->name,
				      ch->enum_to->name);
			break;
		case GM_CHANGE_DROP_ENUM:
			gm_buf_printf(out, "drop enum %s\n", ch->enum_from->name);
			break;
		case GM_CHANGE_ADD_TABLE:
			gm_buf_printf(out, "add table %s\n", ch->to->name);
			break;
		case GM_CHANGE_RENAME_TABLE:
			gm_buf_printf(out, "rename table %s to %s\n", ch->from->name, ch->to->name);
			break;
		case GM_CHANGE_MODIFY_TABLE:
			for (k = 0; k < ch->tchanges_nr; k++)
				describe_tchange(out, ch, &ch->tchanges[k]);
			break;
		case GM_CHANGE_DROP_TABLE:
			gm_buf_printf(out, "drop table %s\n", ch->from->name);
			break;
		case GM_CHANGE_ADD_OBJECT:
			gm_buf_printf(out, "add %s %s\n", ch->object_to->kind, ch->object_to->name);
			break;
		case GM_CHANGE_DROP_OBJECT:
			gm_buf_printf(out, "drop %s %s\n", ch->object_from->kind,
				      ch->object_from->name);
			break;
		case GM_CHANGE_REPLACE_OBJECT:
			gm_buf_printf(out, "change %s %s\n", ch->object_to->kind,
				      ch->object_to->name);
			break;
		}
	}
}
