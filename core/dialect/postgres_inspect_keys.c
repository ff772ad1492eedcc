/* PostgreSQL inspection of a table's constraints and indexes (pg_constraint, pg_index). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>
#include "git-migrate/alloc.h"
#include "git-migrate/error.h"
#include "git-migrate/schema.h"
#include "dialect/postgres.h"
#include "dialect/postgres_catalog.h"
#include "dialect/postgres_inspect.h"
#include "schema_int.h"
#include "util/banned.h"

static const char *fk_action(const char *code)
{
	switch (code ? code[0] : 'a') {
	case 'r':
		return "restrict";
	case 'c':
		return "cascade";
	case 'n':
		return "set null";
	case 'd':
		return "set default";
	default:
		return NULL;
	}
}

/* "CHECK ((a > 0)) NOT VALID" → "(a > 0)" */
static char *check_expr(const char *def)
{
	size_t n = strlen(def);
	const char *nv = " NOT VALID";

	if (n > strlen(nv) && !strcmp(def + n - strlen(nv), nv))
		n -= strlen(nv);
	if (n >= 8 && !strncmp(def, "CHECK (", 7) && def[n - 1] == ')')
		return gm_xstrndup(def + 7, n - 8);
	return gm_xstrndup(def, n);
}

/*
 * The end of the parenthesized list that starts at the first '(' at or after p (the
 * matching ')'), or NULL when there is none.
 */
static const char *list_end(const char *p)
{
	int depth = 0;
	char quote = 0;

	if (!(p = strchr(p, '(')))
		return NULL;
	for (p++; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (*p == '(') {
			depth++;
		} else if (*p == ')' && depth-- == 0) {
			return p;
		}
	}
	return NULL;
}

/*
 * The key part of an index definition as pg_get_indexdef prints it:
 * "CREATE INDEX x ON public.t USING btree (lower(a), b DESC) WHERE ..." →
 * "lower(a), b DESC". *nnd: NULLS NOT DISTINCT follows the keys (and INCLUDE).
 */
static char *index_keys(const char *def, bool *nnd)
{
	const char *p = strstr(def, " USING ");
	const char *start, *end = p ? list_end(p) : NULL;
	const char *rest;

	*nnd = false;
	if (!end)
		return gm_xstrdup(def);
	start = strchr(p, '(') + 1;
	rest = end + 1;
	if (!strncmp(rest, " INCLUDE (", 10) && (rest = list_end(rest)))
		rest++;
	*nnd = rest && !strncmp(rest, " NULLS NOT DISTINCT", 19);
	return gm_xstrndup(start, (size_t)(end - start));
}

static void add_pk(void *t, const char *name)
{
	gm_table_add_pk(t, name);
}

static void add_index_column(void *ix, const char *name)
{
	gm_index_add_column(ix, name);
}

static void add_include(void *ix, const char *name)
{
	gm_index_add_include(ix, name);
}

/* A foreign key row of gm_pg_q_constraints. */
static void read_fkey(gm_table *t, const PGresult *res, int i)
{
	gm_fkey *fk = gm_table_add_fkey(t, PQgetvalue(res, i, 1), PQgetvalue(res, i, 4));
	const char *a = gm_pg_val(res, i, 3), *b = gm_pg_val(res, i, 5);

	while (a && b) {
		const char *ea = strchr(a, GM_PG_SEP), *eb = strchr(b, GM_PG_SEP);
		char *ca = gm_xstrndup(a, ea ? (size_t)(ea - a) : strlen(a));
		char *cb = gm_xstrndup(b, eb ? (size_t)(eb - b) : strlen(b));
		gm_fkey_add_pair(fk, ca, cb);
		free(ca);
		free(cb);
		a = ea ? ea + 1 : NULL;
		b = eb ? eb + 1 : NULL;
	}
	gm_set_str(&fk->on_delete, fk_action(gm_pg_val(res, i, 6)));
	gm_set_str(&fk->on_update, fk_action(gm_pg_val(res, i, 7)));
	fk->deferrable = gm_pg_val_bool(res, i, 9);
	fk->initially_deferred = gm_pg_val_bool(res, i, 10);
	gm_set_str(&fk->comment, gm_pg_val(res, i, 12));
}

/* A unique constraint row of gm_pg_q_constraints. */
static void read_unique(gm_table *t, const PGresult *res, int i)
{
	gm_index *ix = gm_table_add_index(t, PQgetvalue(res, i, 1));

	ix->unique = true;
	ix->constraint = true;
	gm_pg_each_name(gm_pg_val(res, i, 3), ix, add_index_column);
	gm_pg_each_name(gm_pg_val(res, i, 11), ix, add_include);
	ix->nulls_not_distinct = !strncmp(PQgetvalue(res, i, 8), "UNIQUE NULLS NOT DISTINCT", 25);
	ix->deferrable = gm_pg_val_bool(res, i, 9);
	ix->initially_deferred = gm_pg_val_bool(res, i, 10);
	gm_set_str(&ix->comment, gm_pg_val(res, i, 12));
}

/*
 * An exclusion constraint is a gm_check with `exclusion` set whose expression is the
 * whole definition as pg_get_constraintdef prints it ("EXCLUDE USING gist (...) WHERE
 * (...) DEFERRABLE"): the planner writes it back verbatim, so it reads back the same.
 */
void gm_pg_constraints_from(gm_schema *s, const PGresult *res)
{
	gm_table *last = NULL;
	int i;

	for (i = 0; i < PQntuples(res); i++) {
		gm_table *t = gm_pg_table_of(s, PQgetvalue(res, i, 0), &last);
		const char *name = PQgetvalue(res, i, 1);
		const char *type = PQgetvalue(res, i, 2);
		gm_check *ck;
		char *expr;

		if (!t)
			continue;
		switch (type[0]) {
		case 'p':
			gm_set_str(&t->pk_name, name);
			gm_set_str(&t->pk_comment, gm_pg_val(res, i, 12));
			gm_pg_each_name(gm_pg_val(res, i, 3), t, add_pk);
			break;
		case 'u':
			read_unique(t, res, i);
			break;
		case 'f':
			read_fkey(t, res, i);
			break;
		case 'c':
			expr = check_expr(PQgetvalue(res, i, 8));
			gm_set_str(&gm_table_add_check(t, name, expr)->comment,
				   gm_pg_val(res, i, 12));
			free(expr);
			break;
		case 'x':
			ck = gm_table_add_check(t, name, PQgetvalue(res, i, 8));
			ck->exclusion = true;
			gm_set_str(&ck->comment, gm_pg_val(res, i, 12));
			break;
		case 't':
			gm_schema_add_unsupported(s, "constraint trigger %s on %s", name, t->name);
			break;
		default:
			break;
		}
	}
}

/*
 * Every access method is read (method NULL for btree). Keys that are not plain columns
 * (expressions, DESC, NULLS FIRST, a non-default opclass or collation) make an expression
 * index whose `expr` is the key list as pg_get_indexdef prints it.
 */
void gm_pg_indexes_from(gm_schema *s, const PGresult *res)
{
	gm_table *last = NULL;
	int i;

	for (i = 0; i < PQntuples(res); i++) {
		gm_table *t = gm_pg_table_of(s, PQgetvalue(res, i, 0), &last);
		const char *method = PQgetvalue(res, i, 7);
		char *keys;
		gm_index *ix;

		if (!t)
			continue;
		ix = gm_table_add_index(t, PQgetvalue(res, i, 1));
		ix->unique = gm_pg_val_bool(res, i, 2);
		gm_set_str(&ix->where, gm_pg_val(res, i, 3));
		if (strcmp(method, "btree"))
			gm_set_str(&ix->method, method);
		keys = index_keys(PQgetvalue(res, i, 6), &ix->nulls_not_distinct);
		if (gm_pg_val_bool(res, i, 4))
			gm_set_str(&ix->expr, keys);
		else
			gm_pg_each_name(gm_pg_val(res, i, 5), ix, add_index_column);
		free(keys);
		gm_pg_each_name(gm_pg_val(res, i, 8), ix, add_include);
		gm_set_str(&ix->comment, gm_pg_val(res, i, 9));
	}
}
