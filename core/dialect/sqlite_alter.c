/*
 * SQLite planning: which changes to a table ALTER TABLE can make in place (ADD, DROP and
 * RENAME COLUMN, CREATE and DROP INDEX, sqlite.org/lang_altertable.html), and so which
 * need the table rebuild of sqlite_plan.c.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "git-migrate/diff.h"
#include "git-migrate/schema.h"
#include "dialect/sqlite.h"
#include "dialect/sqlite_ddl.h"
#include "util/strvec.h"
#include "schema_int.h"
#include "util/banned.h"

static bool is_ident_char(char c)
{
	return c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (unsigned char)c >= 0x80;
}

/* True when the SQL text may name the column (a case-insensitive whole-word match). */
bool gm_sqlite_mentions(const char *sql, const char *name)
{
	size_t n = strlen(name);
	const char *p;
	if (!sql || !n)
		return false;
	for (p = sql; *p; p++) {
		if (strncasecmp(p, name, n))
			continue;
		if ((p == sql || !is_ident_char(p[-1])) && !is_ident_char(p[n]))
			return true;
	}
	return false;
}

static const gm_tchange *find_tchange(const gm_change *ch, gm_tchange_kind kind, const void *obj)
{
	size_t i;
	for (i = 0; i < ch->tchanges_nr; i++) {
		const gm_tchange *tc = &ch->tchanges[i];
		if (tc->kind != kind)
			continue;
		if ((kind == GM_TCHANGE_DROP_INDEX && tc->index_from == obj) ||
		    (kind == GM_TCHANGE_ADD_FKEY && tc->fkey_to == obj) ||
		    (kind == GM_TCHANGE_ADD_COLUMN && tc->col_to == obj))
			return tc;
	}
	return NULL;
}

/* The one foreign key of `to` that names column c, when it can go inline on ADD COLUMN. */
const gm_fkey *gm_sqlite_inline_fkey(const gm_change *ch, const gm_column *c, bool *ok)
{
	const gm_fkey *found = NULL;
	size_t i;
	*ok = true;
	for (i = 0; i < ch->to->fkeys_nr; i++) {
		const gm_fkey *fk = ch->to->fkeys[i];
		if (!gm_strv_contains(fk->columns, fk->columns_nr, c->name))
			continue;
		if (found || fk->columns_nr != 1 || c->default_kind != GM_DEFAULT_NONE ||
		    !find_tchange(ch, GM_TCHANGE_ADD_FKEY, fk))
			*ok = false;
		found = fk;
	}
	return found;
}

/* True when t's text declares check ck on column c itself: a column CHECK, which ADD
 * COLUMN carries with the column's text (SQLite 3.37+ tests it on the old rows) and DROP
 * COLUMN removes with it. */
static bool check_inline(const gm_table *t, const gm_column *c, const gm_check *ck)
{
	char *text = t->sql ? gm_sqlite_ddl_column_text(t->sql, c->name) : NULL;
	bool found = text && gm_sqlite_mentions(text, "CHECK") && strstr(text, ck->expr);
	free(text);
	return found;
}

/* True when a column added (dropped) in this change declares check ck: check_inline in
 * the new (old) table. */
static bool check_moves_with_column(const gm_change *ch, const gm_check *ck, bool added)
{
	size_t i;
	for (i = 0; i < ch->tchanges_nr; i++) {
		const gm_tchange *tc = &ch->tchanges[i];
		if (added && tc->kind == GM_TCHANGE_ADD_COLUMN &&
		    check_inline(ch->to, tc->col_to, ck))
			return true;
		if (!added && tc->kind == GM_TCHANGE_DROP_COLUMN &&
		    check_inline(ch->from, tc->col_from, ck))
			return true;
	}
	return false;
}

/* SQLite's ADD COLUMN rules (sqlite.org/lang_altertable.html). */
static bool add_in_place(const gm_change *ch, const gm_column *c)
{
	const gm_table *t = ch->to;
	size_t i;
	bool ok;

	if (gm_table_pk_has(t, c->name) || c->identity || (c->generated && c->stored))
		return false; /* a STORED generated column cannot be added in place */
	if (c->default_kind == GM_DEFAULT_SQL)
		return false; /* expressions and CURRENT_* are refused */
	if (!c->nullable && c->default_kind != GM_DEFAULT_LITERAL)
		return false;
	for (i = 0; i < t->indexes_nr; i++)
		if (t->indexes[i]->constraint &&
		    gm_strv_contains(t->indexes[i]->columns, t->indexes[i]->columns_nr, c->name))
			return false;
	for (i = 0; i < t->checks_nr; i++)
		if (gm_sqlite_mentions(t->checks[i]->expr, c->name) &&
		    !gm_table_check(ch->from, t->checks[i]->name) &&
		    !check_inline(t, c, t->checks[i]))
			return false;
	gm_sqlite_inline_fkey(ch, c, &ok);
	return ok;
}

static bool index_uses(const gm_index *ix, const char *col)
{
	return gm_strv_contains(ix->columns, ix->columns_nr, col) ||
	       gm_sqlite_mentions(ix->expr, col) || gm_sqlite_mentions(ix->where, col);
}

/* SQLite's DROP COLUMN rules, against the old table (in-place index drops run first). */
static bool drop_in_place(const gm_change *ch, const gm_column *c)
{
	const gm_table *t = ch->from;
	size_t i;

	if (gm_table_pk_has(t, c->name))
		return false;
	for (i = 0; i < t->indexes_nr; i++) {
		const gm_index *ix = t->indexes[i];
		if (!index_uses(ix, c->name))
			continue;
		if (ix->constraint || !find_tchange(ch, GM_TCHANGE_DROP_INDEX, ix))
			return false;
	}
	for (i = 0; i < t->fkeys_nr; i++) {
		const gm_fkey *fk = t->fkeys[i];
		if (gm_strv_contains(fk->columns, fk->columns_nr, c->name) ||
		    (!strcmp(fk->ref_table, t->name) &&
		     gm_strv_contains(fk->ref_columns, fk->ref_columns_nr, c->name)))
			return false;
	}
	for (i = 0; i < t->checks_nr; i++)
		if (gm_sqlite_mentions(t->checks[i]->expr, c->name) &&
		    !check_inline(t, c, t->checks[i]))
			return false;
	for (i = 0; i < t->columns_nr; i++) /* a generated column uses it */
		if (t->columns[i] != c && gm_sqlite_mentions(t->columns[i]->generated, c->name))
			return false;
	return true;
}

bool gm_sqlite_needs_rebuild(const gm_change *ch)
{
	size_t i;
	bool ok;

	for (i = 0; i < ch->tchanges_nr; i++) {
		const gm_tchange *tc = &ch->tchanges[i];
		switch (tc->kind) {
		case GM_TCHANGE_ADD_COLUMN:
			if (!add_in_place(ch, tc->col_to))
				return true;
			break;
		case GM_TCHANGE_DROP_COLUMN:
			if (!drop_in_place(ch, tc->col_from))
				return true;
			break;
		case GM_TCHANGE_MODIFY_COLUMN:
			if (tc->coldiff & ~(unsigned)GM_COLDIFF_COMMENT)
				return true;
			break;
		case GM_TCHANGE_ADD_INDEX:
			if (tc->index_to->constraint)
				return true;
			break;
		case GM_TCHANGE_DROP_INDEX:
			if (tc->index_from->constraint)
				return true;
			break;
		case GM_TCHANGE_ADD_FKEY: {
			/* only inline, on a column added in place in this change */
			const gm_column *c;
			if (tc->fkey_to->columns_nr != 1)
				return true;
			c = gm_table_column(ch->to, tc->fkey_to->columns[0]);
			if (!c || !find_tchange(ch, GM_TCHANGE_ADD_COLUMN, c) ||
			    gm_sqlite_inline_fkey(ch, c, &ok) != tc->fkey_to || !ok)
				return true;
			break;
		}
		case GM_TCHANGE_ADD_CHECK:
			if (!check_moves_with_column(ch, tc->check_to, true))
				return true;
			break;
		case GM_TCHANGE_DROP_CHECK:
			if (!check_moves_with_column(ch, tc->check_from, false))
				return true;
			break;
		case GM_TCHANGE_DROP_FKEY:
		case GM_TCHANGE_MODIFY_PKEY:
			return true;
		case GM_TCHANGE_RENAME_COLUMN:
		case GM_TCHANGE_MODIFY_COMMENT:
		case GM_TCHANGE_MODIFY_KEY_COMMENT: /* none: SQLite has no comments */
			break;
		}
	}
	return false;
}
