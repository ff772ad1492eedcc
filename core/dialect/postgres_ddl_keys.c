/* PostgreSQL DDL of a table's keys, constraints and indexes (what the inspector reads back). */
#include <string.h>
#include "git-migrate/diff.h"
#include "util/strvec.h"
#include "git-migrate/buf.h"
#include "git-migrate/schema.h"
#include "dialect/postgres.h"
#include "dialect/sql.h"
#include "util/banned.h"

static void put_deferrable(gm_buf *b, bool deferrable, bool initially_deferred)
{
	if (initially_deferred)
		gm_buf_puts(b, " DEFERRABLE INITIALLY DEFERRED");
	else if (deferrable)
		gm_buf_puts(b, " DEFERRABLE");
}

static void put_include(gm_buf *b, const gm_index *ix)
{
	if (!ix->include_nr)
		return;
	gm_buf_puts(b, " INCLUDE ");
	gm_sql_ident_list(b, ix->include, ix->include_nr);
}

void gm_pg_put_fkey(gm_buf *b, const gm_fkey *fk)
{
	gm_buf_puts(b, "CONSTRAINT ");
	gm_sql_ident(b, fk->name);
	gm_buf_puts(b, " FOREIGN KEY ");
	gm_sql_ident_list(b, fk->columns, fk->columns_nr);
	gm_buf_puts(b, " REFERENCES ");
	gm_sql_qname(b, fk->ref_table);
	gm_buf_putc(b, ' ');
	gm_sql_ident_list(b, fk->ref_columns, fk->ref_columns_nr);
	gm_sql_fk_actions(b, fk->on_delete, fk->on_update);
	put_deferrable(b, fk->deferrable, fk->initially_deferred);
}

/* An exclusion constraint's expr is its whole definition (pg_get_constraintdef). */
void gm_pg_put_check(gm_buf *b, const gm_check *ck)
{
	gm_buf_puts(b, "CONSTRAINT ");
	gm_sql_ident(b, ck->name);
	if (ck->exclusion)
		gm_buf_printf(b, " %s", ck->expr);
	else
		gm_buf_printf(b, " CHECK (%s)", ck->expr);
}

void gm_pg_put_unique(gm_buf *b, const gm_index *ix)
{
	gm_buf_puts(b, "CONSTRAINT ");
	gm_sql_ident(b, ix->name);
	gm_buf_puts(b, ix->nulls_not_distinct ? " UNIQUE NULLS NOT DISTINCT " : " UNIQUE ");
	gm_sql_ident_list(b, ix->columns, ix->columns_nr);
	put_include(b, ix);
	put_deferrable(b, ix->deferrable, ix->initially_deferred);
}

/* The foreign key `name` that ch adds (kind ADD_FKEY) or drops (DROP_FKEY), or NULL. */
static const gm_fkey *fkey_in(const gm_change *ch, gm_tchange_kind kind, const char *name)
{
	size_t i;

	for (i = 0; i < ch->tchanges_nr; i++) {
		const gm_tchange *tc = &ch->tchanges[i];
		const gm_fkey *fk = kind == GM_TCHANGE_ADD_FKEY ? tc->fkey_to : tc->fkey_from;
		if (tc->kind == kind && !strcmp(fk->name, name))
			return fk;
	}
	return NULL;
}

/* A column of fk changes type in ch. */
static bool fkey_retyped(const gm_change *ch, const gm_fkey *fk)
{
	size_t i;

	for (i = 0; i < ch->tchanges_nr; i++) {
		const gm_tchange *tc = &ch->tchanges[i];
		if (tc->kind == GM_TCHANGE_MODIFY_COLUMN && (tc->coldiff & GM_COLDIFF_TYPE) &&
		    gm_strv_contains(fk->columns, fk->columns_nr, tc->col_to->name))
			return true;
	}
	return false;
}

/*
 * The foreign key that ch drops and adds again under the same name differs only in its
 * deferral: ALTER CONSTRAINT, which PostgreSQL allows for foreign keys, replaces the drop
 * (which writes nothing) and the add (no re-validation of the rows). Not when the table's
 * columns are renamed or a key column changes type: then the key is dropped and added.
 */
const gm_fkey *gm_pg_fkey_redeferred(const gm_change *ch, const char *name)
{
	const gm_fkey *a = fkey_in(ch, GM_TCHANGE_DROP_FKEY, name);
	const gm_fkey *b = fkey_in(ch, GM_TCHANGE_ADD_FKEY, name);

	if (!a || !b || fkey_retyped(ch, b) || strcmp(ch->from->name, ch->to->name))
		return NULL;
	if (!gm_strv_eq(a->columns, a->columns_nr, b->columns, b->columns_nr) ||
	    strcmp(a->ref_table, b->ref_table) ||
	    !gm_strv_eq(a->ref_columns, a->ref_columns_nr, b->ref_columns, b->ref_columns_nr) ||
	    !gm_str_eq(a->on_delete, b->on_delete) || !gm_str_eq(a->on_update, b->on_update))
		return NULL;
	return b;
}

void gm_pg_put_alter_deferral(gm_buf *b, const gm_change *ch, const gm_fkey *fk)
{
	const gm_fkey *was = fkey_in(ch, GM_TCHANGE_DROP_FKEY, fk->name);

	gm_pg_put_alter(b, ch->to->name);
	gm_buf_puts(b, "ALTER CONSTRAINT ");
	gm_sql_ident(b, fk->name);
	if (!fk->deferrable)
		gm_buf_puts(b, " NOT DEFERRABLE");
	else
		gm_buf_puts(b, fk->initially_deferred ? " DEFERRABLE INITIALLY DEFERRED"
						      : " DEFERRABLE INITIALLY IMMEDIATE");
	gm_buf_puts(b, ";\n");
	if (was && !gm_str_eq(was->comment, fk->comment))
		gm_pg_put_key_comment(b, ch->to->name, fk->name, false, fk->comment);
}

/* Comments on keys (one statement each, after the key exists). PostgreSQL's COMMENT ON
 * CONSTRAINT of a UNIQUE or PRIMARY KEY constraint is the constraint's, not its index's:
 * git-migrate reads and writes the constraint's (an index comment under a constraint is
 * not modelled). */
void gm_pg_put_key_comment(gm_buf *b, const char *table, const char *name, bool index,
			   const char *comment)
{
	gm_buf_puts(b, index ? "COMMENT ON INDEX " : "COMMENT ON CONSTRAINT ");
	if (index) {
		gm_sql_qname_beside(b, table, name);
	} else {
		gm_sql_ident(b, name);
		gm_buf_puts(b, " ON ");
		gm_sql_qname(b, table);
	}
	gm_pg_put_is_comment(b, comment);
}

void gm_pg_put_is_comment(gm_buf *b, const char *comment)
{
	gm_buf_puts(b, " IS ");
	if (comment)
		gm_sql_literal(b, comment);
	else
		gm_buf_puts(b, "NULL");
	gm_buf_puts(b, ";\n");
}

void gm_pg_put_index_comment(gm_buf *b, const char *table, const gm_index *ix)
{
	if (ix->comment)
		gm_pg_put_key_comment(b, table, ix->name, !ix->constraint, ix->comment);
}

void gm_pg_put_keys_comments(gm_buf *b, const gm_table *t)
{
	size_t i;

	if (t->pk_nr && t->pk_comment)
		gm_pg_put_key_comment(b, t->name, t->pk_name, false, t->pk_comment);
	for (i = 0; i < t->indexes_nr; i++)
		gm_pg_put_index_comment(b, t->name, t->indexes[i]);
	for (i = 0; i < t->checks_nr; i++)
		if (t->checks[i]->comment)
			gm_pg_put_key_comment(b, t->name, t->checks[i]->name, false,
					      t->checks[i]->comment);
}

void gm_pg_put_key_comment_change(gm_buf *b, const gm_change *ch, const gm_tchange *tc)
{
	const char *t = ch->to->name;

	if (tc->index_to)
		gm_pg_put_key_comment(b, t, tc->index_to->name, !tc->index_to->constraint,
				      tc->index_to->comment);
	else if (tc->fkey_to)
		gm_pg_put_key_comment(b, t, tc->fkey_to->name, false, tc->fkey_to->comment);
	else if (tc->check_to)
		gm_pg_put_key_comment(b, t, tc->check_to->name, false, tc->check_to->comment);
	else
		gm_pg_put_key_comment(b, t, ch->to->pk_name, false, ch->to->pk_comment);
}
