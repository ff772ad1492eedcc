/* PostgreSQL DDL of a table's keys, constraints and indexes (what the inspector reads back). */
#include <string.h>
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
	gm_sql_ident(b, fk->ref_table);
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

void gm_pg_create_index(gm_buf *b, const gm_table *t, const gm_index *ix)
{
	gm_buf_puts(b, ix->unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ");
	gm_sql_ident(b, ix->name);
	gm_buf_puts(b, " ON ");
	gm_sql_ident(b, t->name);
	if (ix->method)
		gm_buf_printf(b, " USING %s", ix->method);
	gm_buf_putc(b, ' ');
	if (ix->expr)
		gm_buf_printf(b, "(%s)", ix->expr);
	else
		gm_sql_ident_list(b, ix->columns, ix->columns_nr);
	put_include(b, ix);
	if (ix->nulls_not_distinct)
		gm_buf_puts(b, " NULLS NOT DISTINCT");
	if (ix->where)
		gm_buf_printf(b, " WHERE %s", ix->where);
	gm_buf_puts(b, ";\n");
}
