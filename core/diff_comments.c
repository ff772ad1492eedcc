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

/* The key ch adds (kind ADD_INDEX, ADD_FKEY or ADD_CHECK) in sub-change tc, or NULL. */
static const void *added(const gm_tchange *tc, gm_tchange_kind kind)
{
	if (tc->kind != kind)
		return NULL;
	if (kind == GM_TCHANGE_ADD_INDEX)
		return tc->index_to;
	return kind == GM_TCHANGE_ADD_FKEY ? (const void *)tc->fkey_to : (const void *)tc->check_to;
}

/*
 * Key b of ch->to (added by a sub-change of kind `add`; NULL: the primary key, changed by
 * MODIFY_PKEY) whose partner in ch->from is a (NULL: none) and whose comments are ca and
 * cb: a MODIFY_KEY_COMMENT when both exist, the comments differ and ch does not create b
 * again.
 */
static void compare(gm_change *ch, gm_tchange_kind add, const void *a, const void *b,
		    const char *ca, const char *cb)
{
	gm_tchange *tc;
	size_t i;

	if (!a || (ca && cb ? !strcmp(ca, cb) : ca == cb))
		return;
	for (i = 0; i < ch->tchanges_nr; i++)
		if ((b && added(&ch->tchanges[i], add) == b) ||
		    (!b && ch->tchanges[i].kind == GM_TCHANGE_MODIFY_PKEY))
			return;
	tc = gm_tchange_push(ch, GM_TCHANGE_MODIFY_KEY_COMMENT);
	if (add == GM_TCHANGE_ADD_INDEX) {
		tc->index_from = a;
		tc->index_to = b;
	} else if (add == GM_TCHANGE_ADD_FKEY) {
		tc->fkey_from = a;
		tc->fkey_to = b;
	} else if (add == GM_TCHANGE_ADD_CHECK) {
		tc->check_from = a;
		tc->check_to = b;
	}
}

void gm_diff_key_comments(gm_change *ch)
{
	const gm_table *tf = ch->from, *tt = ch->to;
	size_t i;

	for (i = 0; i < tt->indexes_nr; i++) {
		const gm_index *b = tt->indexes[i], *a = gm_table_index(tf, b->name);
		compare(ch, GM_TCHANGE_ADD_INDEX, a, b, a ? a->comment : NULL, b->comment);
	}
	for (i = 0; i < tt->fkeys_nr; i++) {
		const gm_fkey *b = tt->fkeys[i], *a = gm_table_fkey(tf, b->name);
		compare(ch, GM_TCHANGE_ADD_FKEY, a, b, a ? a->comment : NULL, b->comment);
	}
	for (i = 0; i < tt->checks_nr; i++) {
		const gm_check *b = tt->checks[i], *a = gm_table_check(tf, b->name);
		compare(ch, GM_TCHANGE_ADD_CHECK, a, b, a ? a->comment : NULL, b->comment);
	}
	if (tf->pk_nr && tt->pk_nr)
		compare(ch, GM_TCHANGE_MODIFY_PKEY, tf, NULL, tf->pk_comment, tt->pk_comment);
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
