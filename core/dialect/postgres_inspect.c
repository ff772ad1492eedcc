/* PostgreSQL inspection: pg_catalog of the schemas read → the canonical schema model. */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "error_int.h"
#include "git-migrate/schema.h"
#include "git-migrate/vec.h"
#include "dialect/postgres.h"
#include "dialect/postgres_catalog.h"
#include "dialect/postgres_inspect.h"
#include "dialect/sql.h"
#include "type.h"
#include "schema_int.h"
#include "util/strvec.h"
#include "util/banned.h"

#define SEP GM_PG_SEP

/* ---- defaults ---- */

/* True when s is only casts: "::text", "::character varying", "::\"Mixed\"[]". */
static bool only_casts(const char *s)
{
	if (strncmp(s, "::", 2))
		return false;
	for (; *s; s++)
		if (strchr("'+-*/|<>=!%&^~;", *s))
			return false;
	return true;
}

void gm_pg_default_canonical(gm_default_kind *kind, char **value, const char *expr)
{
	gm_buf b = GM_BUF_INIT;
	size_t n;

	*kind = GM_DEFAULT_NONE;
	*value = NULL;
	if (!expr)
		return;
	while (isspace((unsigned char)*expr))
		expr++;
	n = strlen(expr);
	while (n && isspace((unsigned char)expr[n - 1]))
		n--;
	if (!n)
		return;
	gm_buf_put(&b, expr, n);

	if (b.ptr[0] == '\'') {
		gm_buf lit = GM_BUF_INIT;
		const char *p = b.ptr + 1;

		for (; *p; p++) {
			if (*p == '\'' && p[1] == '\'') {
				gm_buf_putc(&lit, '\'');
				p++;
			} else if (*p == '\'') {
				break;
			} else {
				gm_buf_putc(&lit, *p);
			}
		}
		if (*p == '\'' && (!p[1] || only_casts(p + 1))) {
			*kind = GM_DEFAULT_LITERAL;
			*value = gm_buf_detach(&lit);
			gm_buf_release(&b);
			return;
		}
		gm_buf_release(&lit);
	}
	/* "(-1)" */
	if (b.len > 2 && b.ptr[0] == '(' && b.ptr[b.len - 1] == ')') {
		char *inner = gm_xstrndup(b.ptr + 1, b.len - 2);
		if (gm_sql_is_number(inner)) {
			*kind = GM_DEFAULT_LITERAL;
			*value = inner;
			gm_buf_release(&b);
			return;
		}
		free(inner);
	}
	if (gm_sql_is_number(b.ptr) || !strcmp(b.ptr, "true") || !strcmp(b.ptr, "false")) {
		*kind = GM_DEFAULT_LITERAL;
		*value = gm_buf_detach(&b);
		return;
	}
	if (!strcmp(b.ptr, "NULL") || (!strncmp(b.ptr, "NULL::", 6) && only_casts(b.ptr + 4))) {
		gm_buf_release(&b);
		return;
	}
	*kind = GM_DEFAULT_SQL;
	*value = gm_buf_detach(&b);
}

/* ---- helpers ---- */

const char *gm_pg_val(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

bool gm_pg_val_bool(const PGresult *res, int row, int col)
{
	const char *v = gm_pg_val(res, row, col);
	return v && v[0] == 't';
}

void gm_pg_each_name(const char *list, void *obj, void (*add)(void *obj, const char *name))
{
	gm_buf b = GM_BUF_INIT;

	if (!list)
		return;
	for (;;) {
		const char *end = strchr(list, SEP);
		size_t n = end ? (size_t)(end - list) : strlen(list);

		gm_buf_clear(&b);
		gm_buf_put(&b, list, n);
		add(obj, b.ptr);
		if (!end)
			break;
		list = end + 1;
	}
	gm_buf_release(&b);
}

gm_table *gm_pg_table_of(gm_schema *s, const char *name, gm_table **last)
{
	if (!*last || strcmp((*last)->name, name))
		*last = gm_schema_table(s, name);
	return *last;
}

/* ---- the steps ---- */

static int read_enums(gm_schema *s, struct gm_pg_conn *c)
{
	PGresult *res = NULL;
	gm_enum *e = NULL;
	int i, error;

	if ((error = gm_pg_query_prepared(&res, c, "cannot read enums", gm_pg_q_enums, NULL)) < 0)
		return error;
	for (i = 0; i < PQntuples(res); i++) {
		const char *name = PQgetvalue(res, i, 0);
		if (!e || strcmp(e->name, name))
			e = gm_schema_add_enum(s, name);
		gm_enum_add_label(e, PQgetvalue(res, i, 1));
	}
	PQclear(res);
	return 0;
}

static void tables_from(gm_schema *s, const PGresult *res)
{
	int i;

	for (i = 0; i < PQntuples(res); i++) {
		gm_table *t = gm_schema_add_table(s, PQgetvalue(res, i, 0));
		const char *kind = PQgetvalue(res, i, 1);

		gm_set_str(&t->comment, gm_pg_val(res, i, 2));
		if (gm_pg_val(res, i, 3))
			gm_schema_add_unsupported(s, "inheritance of %s from %s", t->name,
						  PQgetvalue(res, i, 3));
		if (kind[0] == 'p')
			gm_schema_add_unsupported(s, "partitioned table %s (read as a plain table)",
						  t->name);
	}
}

/* "nextval('x'::regclass)" and nothing else (the sequence itself is checked by the query). */
static bool is_nextval(const char *v)
{
	const char *end = "'::regclass)";
	size_t n = strlen(v), m = strlen(end);

	return !strncmp(v, "nextval('", 9) && n > 9 + m && !strcmp(v + n - m, end) &&
	       !strstr(v + 9, "nextval(");
}

/*
 * One row of gm_pg_q_columns. Beyond pg_catalog's literal content:
 *
 *  - serial: an integer column whose default is nextval() of a sequence that the column
 *    owns (what `serial` creates). The revision planned from it says `serial`, which
 *    rebuilds an equivalent column. A sequence owned by no column is an object of its
 *    own (postgres_inspect_types.c), and the default stays nextval('s'::regclass).
 *  - domains: a domain column keeps the domain as its type; the domain is an object
 *    (postgres_inspect_types.c) created before the tables.
 */
static void read_column(gm_schema *s, gm_table *t, const PGresult *res, int i)
{
	gm_buf type = GM_BUF_INIT;
	const char *name = PQgetvalue(res, i, 1);
	const char *def = gm_pg_val(res, i, 4);
	const char *identity = gm_pg_val(res, i, 5);
	const char *generated = gm_pg_val(res, i, 6);
	const char *enum_type = gm_pg_val(res, i, 8);
	const char *domain = gm_pg_val(res, i, 11);
	gm_default_kind kind;
	char *value = NULL;
	gm_column *col;

	if (domain)
		gm_buf_puts(&type, domain);
	else if (enum_type)
		gm_buf_puts(&type, enum_type);
	else
		gm_type_canonical(&type, PQgetvalue(res, i, 2));
	gm_pg_default_canonical(&kind, &value, def);

	if (kind == GM_DEFAULT_SQL && is_nextval(value) && gm_pg_val_bool(res, i, 9)) {
		const char *serial = gm_type_serial_of(type.ptr);
		if (serial) {
			gm_buf_clear(&type);
			gm_buf_puts(&type, serial);
			kind = GM_DEFAULT_NONE;
		}
	}
	col = gm_table_add_column(t, name, type.ptr);
	col->nullable = !gm_pg_val_bool(res, i, 3);
	col->identity = identity && *identity;
	col->identity_always = identity && identity[0] == 'a';
	if (generated && *generated) { /* 's': STORED, PostgreSQL's only kind */
		gm_set_str(&col->generated, def);
		col->stored = true;
		kind = GM_DEFAULT_NONE;
	}
	gm_column_set_default(col, kind, value);
	gm_set_str(&col->comment, gm_pg_val(res, i, 7));
	free(value);
	gm_buf_release(&type);
}

static void columns_from(gm_schema *s, const PGresult *res)
{
	gm_table *last = NULL;
	int i;

	for (i = 0; i < PQntuples(res); i++) {
		gm_table *t = gm_pg_table_of(s, PQgetvalue(res, i, 0), &last);
		if (t)
			read_column(s, t, res, i);
	}
}

/* The queries of the table list and of the tables' parts, in the order they run, and
 * their readers. */
static const struct {
	const char *what;
	const char *const *sql;
	void (*from)(gm_schema *s, const PGresult *res);
} parts[GM_PG_PARTS] = {
	{ "cannot read tables", &gm_pg_q_tables, tables_from },
	{ "cannot read columns", &gm_pg_q_columns, columns_from },
	{ "cannot read constraints", &gm_pg_q_constraints, gm_pg_constraints_from },
	{ "cannot read indexes", &gm_pg_q_indexes, gm_pg_indexes_from },
};

void gm_pg_parts_from(gm_schema *s, PGresult *const res[GM_PG_PARTS])
{
	size_t i;

	for (i = 0; i < GM_PG_PARTS; i++)
		parts[i].from(s, res[i]);
}

/* The results of the queries of parts[] into res (the caller clears them, also after a
 * failure, which has set the error). */
static int read_parts(PGresult *res[GM_PG_PARTS], struct gm_pg_conn *c, const char *vt)
{
	size_t i;
	int error = 0;

	for (i = 0; i < GM_PG_PARTS && !error; i++)
		error = gm_pg_query_prepared(&res[i], c, parts[i].what, *parts[i].sql, vt);
	return error;
}

static void clear_parts(PGresult *res[GM_PG_PARTS])
{
	size_t i;

	for (i = 0; i < GM_PG_PARTS; i++) {
		PQclear(res[i]);
		res[i] = NULL;
	}
}

static void add_use(void *d, const char *name)
{
	gm_dependent_add_use(d, name);
}

/*
 * The objects query q returns (param: its $1, or NULL), appended to s: one a row, 0 kind,
 * 1 name, 2 table (or NULL), 3 the statements that create it, 4 the names of what it uses
 * (chr(31)-separated). GM_EDB "<what>: ..." when the query fails.
 */
static int read_objects(gm_schema *s, struct gm_pg_conn *c, const char *what, const char *q,
			const char *param)
{
	PGresult *res = NULL;
	int i, error;

	if ((error = gm_pg_query_prepared(&res, c, what, q, param)) < 0)
		return error;
	for (i = 0; i < PQntuples(res); i++) {
		gm_dependent *d =
			gm_schema_add_dependent(s, PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
						gm_pg_val(res, i, 2), PQgetvalue(res, i, 3));
		gm_pg_each_name(gm_pg_val(res, i, 4), d, add_use);
	}
	PQclear(res);
	return 0;
}

/*
 * The schemas other than the current one, as objects of kind "schema" (issue 14): what
 * they hold is read too, named "schema.name" (gm_pg_q_*: IN_SCHEMAS, QNAME).
 */
static int read_schemas(gm_schema *s, struct gm_pg_conn *c)
{
	PGresult *res = NULL;
	int i, error;

	if ((error = gm_pg_query_prepared(&res, c, "cannot read schemas", gm_pg_q_schemas, NULL)) <
	    0)
		return error;
	for (i = 0; i < PQntuples(res); i++)
		gm_schema_add_dependent(s, "schema", PQgetvalue(res, i, 0), NULL,
					PQgetvalue(res, i, 1));
	PQclear(res);
	return 0;
}

/*
 * Generated columns, also as dependents of kind "generated column" named "t.c" (table t),
 * read before the views: read_column reads one into the model (gm_column.generated), but
 * PostgreSQL refuses to change the type of a column one uses, so a swap or a type change
 * drops it before and re-adds it after
 * (gm_pg_carry_dependents). Its values are recomputed; it comes back as the table's last
 * column. It uses its table, so every generated column of a table converted or retyped
 * is carried, whether its expression names the changed column or not.
 */
static int read_generated(gm_schema *s, struct gm_pg_conn *c, const char *vt)
{
	return read_objects(s, c, "cannot read generated columns", gm_pg_q_generated, vt);
}

/*
 * A view's pg_depend rows name its tables, not their columns: a view of a table with
 * generated columns uses them all ("t.c"), so that it is dropped before them and
 * re-created after them.
 */
static void views_use_generated(gm_schema *s)
{
	size_t i, j;

	for (i = 0; i < s->dependents_nr; i++) {
		gm_dependent *v = s->dependents[i];
		if (!strstr(v->kind, "view"))
			continue;
		for (j = 0; j < s->dependents_nr; j++) {
			const gm_dependent *g = s->dependents[j];
			if (!strcmp(g->kind, "generated column") &&
			    gm_strv_contains(v->uses, v->uses_nr, g->table))
				gm_dependent_add_use(v, g->name);
		}
	}
}

/*
 * The objects beyond tables: generated columns (read_generated), views, materialized
 * views, functions, procedures, aggregates (their create text with their COMMENT ON),
 * triggers (objects of kind "trigger" named "name on table", of their table; they use it
 * and their function, so a plan that carries either carries them), in creation order
 * (gm_dependent). The diff compares them; a plan that changes what one uses (a retyped
 * column, a swapped enum, a view or function dropped and created again) drops it first
 * and re-creates it after from these statements.
 */
static int read_dependents(gm_schema *s, struct gm_pg_conn *c, const char *vt)
{
	int error;

	if ((error = read_schemas(s, c)) < 0 || (error = read_generated(s, c, vt)) < 0 ||
	    (error = read_objects(s, c, "cannot read views and functions", gm_pg_q_dependents,
				  NULL)) < 0 ||
	    (error = read_objects(s, c, "cannot read triggers", gm_pg_q_triggers, vt)) < 0)
		return error;
	views_use_generated(s);
	gm_schema_order_dependents(s);
	return 0;
}

/* gm_pg_q_unsupported's rows: one line each. */
static int read_unsupported(gm_schema *s, struct gm_pg_conn *c, const char *vt)
{
	PGresult *res = NULL;
	int i, error;

	if ((error = gm_pg_query_prepared(&res, c, "cannot read schema objects",
					  gm_pg_q_unsupported, vt)) < 0)
		return error;
	for (i = 0; i < PQntuples(res); i++)
		gm_schema_add_unsupported(s, "%s", PQgetvalue(res, i, 0));
	PQclear(res);
	return 0;
}

/* The session settings inspection changes, to put back afterwards (NULL: unchanged). */
struct saved_settings {
	char *search_path;
	char *jit;
};

/*
 * pg_dump output starts with `SELECT pg_catalog.set_config('search_path', '', false)`:
 * applied as a models source (or replayed), it leaves the session without a current
 * schema, and with an empty search_path every format_type/pg_get_expr/pg_get_indexdef
 * would qualify names ("public.mpaa_rating", "nextval('public.t_id_seq'::regclass)").
 * When there is no current schema, inspect with the session's default search_path
 * (its reset value: server, database or role setting) and put the caller's value back
 * afterwards.
 *
 * JIT is turned off while the catalog is read: on a schema of 100 tables with rows the
 * estimate of the objects query passes jit_above_cost, and compiling it took 470 ms of
 * its 512 (measured); catalog queries never gain from it.
 */
static const char *const q_settings =
	"SELECT current_schema() IS NULL, pg_catalog.current_setting('search_path'),"
	" pg_catalog.current_setting('jit', true),"
	" CASE WHEN pg_catalog.current_setting('jit', true) IS NOT NULL"
	"  THEN pg_catalog.set_config('jit', 'off', false) END,"
	/* evaluated after the first two columns: they see the caller's values */
	" CASE WHEN current_schema() IS NULL THEN pg_catalog.set_config('search_path',"
	"  (SELECT s.reset_val FROM pg_catalog.pg_settings s WHERE s.name = 'search_path'),"
	"  false) END";

static int inspect_settings(struct saved_settings *saved, struct gm_pg_conn *c)
{
	PGresult *res = NULL;
	int error;

	saved->search_path = saved->jit = NULL;
	if ((error = gm_pg_query_prepared(&res, c, "cannot read the search path", q_settings,
					  NULL)) < 0)
		return error;
	if (PQntuples(res) == 1 && gm_pg_val_bool(res, 0, 0))
		saved->search_path = gm_xstrdup(PQgetvalue(res, 0, 1));
	if (PQntuples(res) == 1 && !PQgetisnull(res, 0, 2))
		saved->jit = gm_xstrdup(PQgetvalue(res, 0, 2));
	PQclear(res);
	return 0;
}

static int restore_settings(struct gm_pg_conn *c, struct saved_settings *saved)
{
	PGresult *res = NULL;
	int error = 0;

	if (saved->search_path &&
	    (error = gm_pg_query(&res, c, "cannot restore the search path",
				 "SELECT pg_catalog.set_config('search_path', $1, false)",
				 saved->search_path, NULL)) >= 0)
		PQclear(res);
	if (!error && saved->jit &&
	    (error = gm_pg_query(&res, c, "cannot restore the jit setting",
				 "SELECT pg_catalog.set_config('jit', $1, false)", saved->jit,
				 NULL)) >= 0)
		PQclear(res);
	free(saved->search_path);
	free(saved->jit);
	saved->search_path = saved->jit = NULL;
	return error;
}

/* Send the inspection's statements ahead, in the order inspect asks for them (memo: with
 * gm_pg_q_changes), unless a pipeline is under way. */
static void send(struct gm_pg_conn *c, const char *vt, bool memo)
{
	const gm_pg_stmt v[] = {
		{ q_settings, NULL },         { gm_pg_q_changes, vt },
		{ gm_pg_q_enums, NULL },      { gm_pg_q_tables, vt },
		{ gm_pg_q_columns, vt },      { gm_pg_q_constraints, vt },
		{ gm_pg_q_indexes, vt },      { gm_pg_q_unsupported, vt },
		{ gm_pg_q_extensions, NULL }, { gm_pg_q_sequences, NULL },
		{ gm_pg_q_domains, NULL },    { gm_pg_q_schemas, NULL },
		{ gm_pg_q_generated, vt },    { gm_pg_q_dependents, NULL },
		{ gm_pg_q_triggers, vt },
	};
	gm_pg_stmt w[sizeof(v) / sizeof(v[0])];
	size_t i, n = 0;

	if (c->pipeline)
		return;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (memo || v[i].sql != gm_pg_q_changes)
			w[n++] = v[i];
	(void)gm_pg_pipeline_send(c, w, n);
}

void gm_pg_inspect_send(gm_conn *conn, const char *version_table)
{
	struct gm_pg_conn *c = (struct gm_pg_conn *)conn;

	send(c, version_table ? version_table : "", c->memo_on);
}

/*
 * One inspection (memo: through the connection's memo, postgres_inspect_memo.c). *again:
 * the memo could not serve it (nothing read; reset and inspect again). *kept: how many
 * tables came from the memo.
 */
static int inspect(gm_schema **out, struct gm_pg_conn *c, const char *vt, bool memo, bool *again,
		   size_t *kept)
{
	gm_schema *s = NULL;
	gm_pg_changes ch = { 0 };
	PGresult *res[GM_PG_PARTS] = { NULL };
	struct saved_settings saved;
	int error = 0;

	*out = NULL;
	*again = false;
	*kept = 0;
	send(c, vt, memo); /* unless it was sent ahead */
	if ((error = inspect_settings(&saved, c)) < 0) {
		gm_pg_pipeline_end(c);
		free(saved.search_path);
		free(saved.jit);
		return error;
	}
	if (memo && ((error = gm_pg_changes_read(&ch, c, vt)) < 0 || (*again = ch.stale)))
		goto done;
	gm_schema_new(&s);
	if ((error = read_enums(s, c)) < 0 || (error = read_parts(res, c, vt)) < 0)
		goto done;
	gm_pg_parts_from(s, res);
	clear_parts(res);
	if (memo && (error = gm_pg_memo_merge(s, c, &ch)) < 0)
		goto done;
	if (memo) {
		gm_pg_memo_keep(c, s, &ch);
		*kept = ch.clean.nr;
	}
	if ((error = read_unsupported(s, c, vt)) < 0 || (error = gm_pg_inspect_types(s, c)) < 0 ||
	    (error = read_dependents(s, c, vt)) < 0)
		goto done;
	*out = s;
	s = NULL;
done:
	clear_parts(res);
	gm_pg_pipeline_end(c);
	if (error && memo)
		gm_pg_memo_drop(c);
	gm_pg_changes_release(&ch);
	/* after a failure, the first message matters more than the session's settings */
	if (!error && (error = restore_settings(c, &saved)) < 0) {
		gm_schema_free(*out);
		*out = NULL;
	} else if (error) {
		free(saved.search_path);
		free(saved.jit);
	}
	gm_schema_free(s);
	return error;
}

int gm_pg_memo_capture(gm_buf *out, gm_conn *conn, const char *version_table)
{
	struct gm_pg_conn *c = (struct gm_pg_conn *)conn;
	const char *vt = version_table ? version_table : "";
	PGresult *res[GM_PG_PARTS] = { NULL };
	gm_pg_changes ch = { 0 };
	struct saved_settings saved;
	int error;

	/* everything read again: the state forgotten first */
	if ((error = gm_pg_changes_reset(c)) < 0 || (error = inspect_settings(&saved, c)) < 0)
		return error;
	if ((error = gm_pg_changes_read(&ch, c, vt)) == 0 && (error = read_parts(res, c, vt)) == 0)
		error = gm_pg_memo_save(out, c, &ch, res);
	clear_parts(res);
	gm_pg_changes_release(&ch);
	if (!error)
		error = restore_settings(c, &saved);
	else {
		gm_pg_memo_drop(c);
		free(saved.search_path);
		free(saved.jit);
	}
	return error;
}

/* GIT_MIGRATE_TEST_INSPECT_CHECK: s, which kept tables, against a full inspection. */
static int check_kept(const gm_schema *s, struct gm_pg_conn *c, const char *vt)
{
	PGresult *res = NULL;
	gm_schema *full = NULL;
	bool again;
	size_t kept;
	int error;

	if ((error = gm_pg_query(
		     &res, c, "cannot check the inspection",
		     "SELECT pg_catalog.set_config('git_migrate.inspect_clean', '', false)", NULL,
		     NULL)) < 0)
		return error;
	PQclear(res);
	if ((error = inspect(&full, c, vt, false, &again, &kept)) == 0)
		error = gm_schema_memo_check(s, full);
	gm_schema_free(full);
	return error;
}

int gm_pg_inspect(gm_schema **out, gm_conn *conn, const char *version_table)
{
	struct gm_pg_conn *c = (struct gm_pg_conn *)conn;
	const char *vt = version_table ? version_table : "";
	const char *check = getenv("GIT_MIGRATE_TEST_INSPECT_CHECK");
	bool again;
	size_t kept;
	int error = inspect(out, c, vt, c->memo_on, &again, &kept);

	if (!error && again && (error = gm_pg_changes_reset(c)) == 0 &&
	    (error = inspect(out, c, vt, c->memo_on, &again, &kept)) == 0 && again)
		error = gm_error_set(GM_EDB, "inspection: the state of the last inspection "
					     "cannot be reset");
	if (!error && kept && check && *check && (error = check_kept(*out, c, vt)) < 0) {
		gm_schema_free(*out);
		*out = NULL;
	}
	return error;
}
