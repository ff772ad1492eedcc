/* The diff of a kept table's index and constraint comments: comment-only sub-changes. */
#include <string.h>
#include "git-migrate/alloc.h"
#include "git-migrate/vec.h"
#include "diff_int.h"
#include "schema_int.h"
#include "util/banned.h"

gm_tchange *gm_tchange_push(gm_change *ch, gm_tchange_kind kind)
{
	gm_tchange *tc;
	GM_ALLOC_GROW(ch->tchanges, ch->tchanges_nr + 1, ch->tchanges_alloc);
	tc = &ch->tchanges[ch->tchanges_nr++];
	memset(tc, 0, sizeof(*tc));
	tc->kind = kind;
	return tc;
}

static bool differ(const char *a, const char *b)
{
	return a && b ? strcmp(a, b) != 0 : a != b;
}

/* Whether ch adds (again) the index, foreign key or check `to`, or changes the primary key
 * (all NULL). */
static bool readded(const gm_change *ch, const gm_index *ix, const gm_fkey *fk, const gm_check *ck)
{
	size_t i;

	for (i = 0; i < ch->tchanges_nr; i++) {
		const gm_tchange *tc = &ch->tchanges[i];
		if ((ix && tc->kind == GM_TCHANGE_ADD_INDEX && tc->index_to == ix) ||
		    (fk && tc->kind == GM_TCHANGE_ADD_FKEY && tc->fkey_to == fk) ||
		    (ck && tc->kind == GM_TCHANGE_ADD_CHECK && tc->check_to == ck) ||
		    (!ix && !fk && !ck && tc->kind == GM_TCHANGE_MODIFY_PKEY))
			return true;
	}
	return false;
}

void gm_diff_key_comments(gm_change *ch)
{
	const gm_table *tf = ch->from, *tt = ch->to;
	gm_tchange *tc;
	size_t i;

	for (i = 0; i < tt->indexes_nr; i++) {
		const gm_index *b = tt->indexes[i], *a = gm_table_index(tf, b->name);
		if (!a || !differ(a->comment, b->comment) || readded(ch, b, NULL, NULL))
			continue;
		tc = gm_tchange_push(ch, GM_TCHANGE_MODIFY_KEY_COMMENT);
		tc->index_from = a;
		tc->index_to = b;
	}
	for (i = 0; i < tt->fkeys_nr; i++) {
		const gm_fkey *b = tt->fkeys[i], *a = gm_table_fkey(tf, b->name);
		if (!a || !differ(a->comment, b->comment) || readded(ch, NULL, b, NULL))
			continue;
		tc = gm_tchange_push(ch, GM_TCHANGE_MODIFY_KEY_COMMENT);
		tc->fkey_from = a;
		tc->fkey_to = b;
	}
	for (i = 0; i < tt->checks_nr; i++) {
		const gm_check *b = tt->checks[i], *a = gm_table_check(tf, b->name);
		if (!a || !differ(a->comment, b->comment) || readded(ch, NULL, NULL, b))
			continue;
		tc = gm_tchange_push(ch, GM_TCHANGE_MODIFY_KEY_COMMENT);
		tc->check_from = a;
		tc->check_to = b;
	}
	if (tf->pk_nr && tt->pk_nr && differ(tf->pk_comment, tt->pk_comment) &&
	    !readded(ch, NULL, NULL, NULL))
		gm_tchange_push(ch, GM_TCHANGE_MODIFY_KEY_COMMENT);
}

const char *gm_tchange_key_name(const gm_change *ch, const gm_tchange *tc, const char **what)
{
	if (tc->index_to) {
		*what = tc->index_to->constraint ? "unique constraint" : "index";
		return tc->index_to->name;
	}
	if (tc->fkey_to) {
		*what = "foreign key";
		return tc->fkey_to->name;
	}
	if (tc->check_to) {
		*what = tc->check_to->exclusion ? "exclusion constraint" : "check";
		return tc->check_to->name;
	}
	*what = "primary key";
	return ch->to->pk_name;
}
