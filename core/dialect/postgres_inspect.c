/* PostgreSQL inspection: pg_catalog of current_schema() → the canonical schema model. */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "git-migrate/schema.h"
#include "dialect/postgres.h"
#include "util/banned.h"

static const char *const q_enums;
static const char *const q_tables;
static const char *const q_columns;
static const char *const q_constraints;
static const char *const q_indexes;
static const char *const q_unsupported;

#define SEP '\x1f'  /* separator of name lists (string_agg(..., chr(31))) */

/* ---- defaults ---- */

static bool is_number(const char *s)
{
	bool digits = false;

	if (*s == '-' || *s == '+')
		s++;
	while (isdigit((unsigned char)*s)) {
		s++;
		digits = true;
	}
	if (*s == '.') {
		s++;
		while (isdigit((unsigned char)*s)) {
			s++;
			digits = true;
		}
	}
	if (digits && (*s == 'e' || *s == 'E')) {
		s++;
		if (*s == '-' || *s == '+')
			s++;
		if (!isdigit((unsigned char)*s))
			return false;
		while (isdigit((unsigned char)*s))
			s++;
	}
	return digits && !*s;
}

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
		if (is_number(inner)) {
			*kind = GM_DEFAULT_LITERAL;
			*value = inner;
			gm_buf_release(&b);
			return;
		}
		free(inner);
	}
	if (is_number(b.ptr) || !strcmp(b.ptr, "true") || !strcmp(b.ptr, "false")) {
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

static const char *val(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

static bool val_bool(const PGresult *res, int row, int col)
{
	const char *v = val(res, row, col);
	return v && v[0] == 't';
}

/* Call add(obj, name) for each name of a chr(31)-separated list. */
static void each_name(const char *list, void *obj, void (*add)(void *obj, const char *name))
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

static void add_pk(void *t, const char *name)
{
	gm_table_add_pk(t, name);
}

static void add_index_column(void *ix, const char *name)
{
	gm_index_add_column(ix, name);
}

/* Table by name, remembering the last one (rows come sorted by table). */
static gm_table *table_of(gm_schema *s, const char *name, gm_table **last)
{
	if (!*last || strcmp((*last)->name, name))
		*last = gm_schema_table(s, name);
	return *last;
}

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
 * The key part of an index definition as pg_get_indexdef prints it:
 * "CREATE INDEX x ON public.t USING btree (lower(a), b DESC) WHERE ..." →
 * "lower(a), b DESC".
 */
static char *index_keys(const char *def)
{
	const char *p = strstr(def, " USING ");
	const char *start;
	int depth = 0;
	char quote = 0;

	if (!p || !(p = strchr(p, '(')))
		return gm_xstrdup(def);
	start = ++p;
	for (; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (*p == '(') {
			depth++;
		} else if (*p == ')' && depth-- == 0) {
			break;
		}
	}
	return gm_xstrndup(start, (size_t)(p - start));
}

/* ---- the steps ---- */

static int read_enums(gm_schema *s, struct gm_pg_conn *c)
{
	PGresult *res = NULL;
	gm_enum *e = NULL;
	int i, error;

	if ((error = gm_pg_query(&res, c, "cannot read enums", q_enums, NULL, NULL)) < 0)
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

static int read_tables(gm_schema *s, struct gm_pg_conn *c, const char *vt)
{
	PGresult *res = NULL;
	int i, error;

	if ((error = gm_pg_query(&res, c, "cannot read tables", q_tables, vt, NULL)) < 0)
		return error;
	for (i = 0; i < PQntuples(res); i++) {
		gm_table *t = gm_schema_add_table(s, PQgetvalue(res, i, 0));
		const char *kind = PQgetvalue(res, i, 1);

		gm_set_str(&t->comment, val(res, i, 2));
		if (val_bool(res, i, 4))
			gm_schema_add_unsupported(s, "partition %s of %s", t->name,
						  PQgetvalue(res, i, 3));
		else if (val(res, i, 3))
			gm_schema_add_unsupported(s, "inheritance of %s from %s", t->name,
						  PQgetvalue(res, i, 3));
		if (kind[0] == 'p')
			gm_schema_add_unsupported(s, "partitioned table %s", t->name);
	}
	PQclear(res);
	return 0;
}

static void read_column(gm_schema *s, gm_table *t, const PGresult *res, int i)
{
	gm_buf type = GM_BUF_INIT;
	const char *name = PQgetvalue(res, i, 1);
	const char *def = val(res, i, 4);
	const char *identity = val(res, i, 5);
	const char *generated = val(res, i, 6);
	const char *enum_type = val(res, i, 8);
	gm_default_kind kind;
	char *value = NULL;
	gm_column *col;

	if (enum_type)
		gm_buf_puts(&type, enum_type);
	else
		gm_type_canonical(&type, PQgetvalue(res, i, 2));
	gm_pg_default_canonical(&kind, &value, def);

	/* serial: an integer with nextval() of a sequence it owns */
	if (val_bool(res, i, 9) && kind == GM_DEFAULT_SQL && !strncmp(value, "nextval(", 8)) {
		const char *serial = !strcmp(type.ptr, "integer")    ? "serial"
				     : !strcmp(type.ptr, "bigint")   ? "bigserial"
				     : !strcmp(type.ptr, "smallint") ? "smallserial"
								     : NULL;
		if (serial) {
			gm_buf_clear(&type);
			gm_buf_puts(&type, serial);
			kind = GM_DEFAULT_NONE;
		}
	}
	if (generated && *generated) {
		gm_schema_add_unsupported(s, "generated column %s.%s", t->name, name);
		kind = GM_DEFAULT_NONE;
	}

	col = gm_table_add_column(t, name, type.ptr);
	col->nullable = !val_bool(res, i, 3);
	col->identity = identity && *identity;
	gm_column_set_default(col, kind, value);
	gm_set_str(&col->comment, val(res, i, 7));
	free(value);
	gm_buf_release(&type);
}

static int read_columns(gm_schema *s, struct gm_pg_conn *c, const char *vt)
{
	PGresult *res = NULL;
	gm_table *last = NULL;
	int i, error;

	if ((error = gm_pg_query(&res, c, "cannot read columns", q_columns, vt, NULL)) < 0)
		return error;
	for (i = 0; i < PQntuples(res); i++) {
		gm_table *t = table_of(s, PQgetvalue(res, i, 0), &last);
		if (t)
			read_column(s, t, res, i);
	}
	PQclear(res);
	return 0;
}

static int read_constraints(gm_schema *s, struct gm_pg_conn *c, const char *vt)
{
	PGresult *res = NULL;
	gm_table *last = NULL;
	int i, error;

	if ((error = gm_pg_query(&res, c, "cannot read constraints", q_constraints, vt,
				 NULL)) < 0)
		return error;
	for (i = 0; i < PQntuples(res); i++) {
		gm_table *t = table_of(s, PQgetvalue(res, i, 0), &last);
		const char *name = PQgetvalue(res, i, 1);
		const char *type = PQgetvalue(res, i, 2);
		const char *cols = val(res, i, 3);

		if (!t)
			continue;
		switch (type[0]) {
		case 'p':
			gm_set_str(&t->pk_name, name);
			each_name(cols, t, add_pk);
			break;
		case 'u': {
			gm_index *ix = gm_table_add_index(t, name);
			ix->unique = true;
			ix->constraint = true;
			each_name(cols, ix, add_index_column);
			break;
		}
		case 'f': {
			gm_fkey *fk = gm_table_add_fkey(t, name, PQgetvalue(res, i, 4));
			const char *a = cols, *b = val(res, i, 5);

			while (a && b) {
				const char *ea = strchr(a, SEP), *eb = strchr(b, SEP);
				char *ca = gm_xstrndup(a, ea ? (size_t)(ea - a) : strlen(a));
				char *cb = gm_xstrndup(b, eb ? (size_t)(eb - b) : strlen(b));
				gm_fkey_add_pair(fk, ca, cb);
				free(ca);
				free(cb);
				a = ea ? ea + 1 : NULL;
				b = eb ? eb + 1 : NULL;
			}
			gm_set_str(&fk->on_delete, fk_action(val(res, i, 6)));
			gm_set_str(&fk->on_update, fk_action(val(res, i, 7)));
			break;
		}
		case 'c': {
			char *expr = check_expr(PQgetvalue(res, i, 8));
			gm_table_add_check(t, name, expr);
			free(expr);
			break;
		}
		case 'x':
			gm_schema_add_unsupported(s, "exclusion constraint %s on %s", name,
						  t->name);
			break;
		case 't':
			gm_schema_add_unsupported(s, "constraint trigger %s on %s", name,
						  t->name);
			break;
		default:
			break;
		}
	}
	PQclear(res);
	return 0;
}

static int read_indexes(gm_schema *s, struct gm_pg_conn *c, const char *vt)
{
	PGresult *res = NULL;
	gm_table *last = NULL;
	int i, error;

	if ((error = gm_pg_query(&res, c, "cannot read indexes", q_indexes, vt, NULL)) < 0)
		return error;
	for (i = 0; i < PQntuples(res); i++) {
		gm_table *t = table_of(s, PQgetvalue(res, i, 0), &last);
		const char *method = PQgetvalue(res, i, 7);
		gm_index *ix;

		if (!t)
			continue;
		ix = gm_table_add_index(t, PQgetvalue(res, i, 1));
		ix->unique = val_bool(res, i, 2);
		gm_set_str(&ix->where, val(res, i, 3));
		if (val_bool(res, i, 4)) {
			char *keys = index_keys(PQgetvalue(res, i, 6));
			gm_set_str(&ix->expr, keys);
			free(keys);
		}
		else
			each_name(val(res, i, 5), ix, add_index_column);
		if (strcmp(method, "btree"))
			gm_schema_add_unsupported(s, "index %s on %s using %s", ix->name,
						  t->name, method);
	}
	PQclear(res);
	return 0;
}

static int read_unsupported(gm_schema *s, struct gm_pg_conn *c, const char *vt)
{
	PGresult *res = NULL;
	int i, error;

	if ((error = gm_pg_query(&res, c, "cannot read schema objects", q_unsupported, vt,
				 NULL)) < 0)
		return error;
	for (i = 0; i < PQntuples(res); i++)
		gm_schema_add_unsupported(s, "%s", PQgetvalue(res, i, 0));
	PQclear(res);
	return 0;
}

int gm_pg_inspect(gm_schema **out, gm_conn *conn, const char *version_table)
{
	struct gm_pg_conn *c = (struct gm_pg_conn *)conn;
	const char *vt = version_table ? version_table : "";
	gm_schema *s = NULL;
	int error = 0;

	*out = NULL;
	gm_schema_new(&s);
	if ((error = read_enums(s, c)) < 0 || (error = read_tables(s, c, vt)) < 0 ||
	    (error = read_columns(s, c, vt)) < 0 || (error = read_constraints(s, c, vt)) < 0 ||
	    (error = read_indexes(s, c, vt)) < 0 || (error = read_unsupported(s, c, vt)) < 0)
		goto done;
	*out = s;
	s = NULL;
done:
	gm_schema_free(s);
	return error;
}

/* ---- queries ---- */

/* Not created by an extension (its objects are the extension's business). */
#define NOT_EXTENSION(classid, oid)                                                    \
	" NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend x WHERE x.classid = '" classid \
	"'::regclass AND x.objid = " oid " AND x.deptype = 'e') "

/* The tables of the schema: c is pg_class, n its namespace; $1 the version table. */
#define TABLES_WHERE                                                                     \
	" n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND c.relname <> $1 AND" \
	NOT_EXTENSION("pg_catalog.pg_class", "c.oid")

static const char *const q_enums =
	"SELECT t.typname, e.enumlabel FROM pg_catalog.pg_type t"
	" JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace"
	" JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid"
	" WHERE n.nspname = current_schema() AND"
	NOT_EXTENSION("pg_catalog.pg_type", "t.oid")
	" ORDER BY t.typname, e.enumsortorder";

static const char *const q_tables =
	"SELECT c.relname, c.relkind, pg_catalog.obj_description(c.oid, 'pg_class'),"
	" (SELECT p.relname FROM pg_catalog.pg_inherits i"
	"   JOIN pg_catalog.pg_class p ON p.oid = i.inhparent"
	"   WHERE i.inhrelid = c.oid ORDER BY i.inhseqno LIMIT 1),"
	" c.relispartition"
	" FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	" WHERE" TABLES_WHERE
	" ORDER BY c.relname";

static const char *const q_columns =
	"SELECT c.relname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),"
	" a.attnotnull, pg_catalog.pg_get_expr(d.adbin, d.adrelid), a.attidentity,"
	" a.attgenerated, pg_catalog.col_description(a.attrelid, a.attnum),"
	" CASE WHEN t.typtype = 'e' THEN t.typname"
	"  WHEN et.typtype = 'e' THEN et.typname || '[]' END,"
	" EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep"
	"   JOIN pg_catalog.pg_class s ON s.oid = dep.objid"
	"   WHERE dep.classid = 'pg_catalog.pg_class'::regclass"
	"   AND dep.refclassid = 'pg_catalog.pg_class'::regclass"
	"   AND dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum"
	"   AND dep.deptype = 'a' AND s.relkind = 'S')"
	" FROM pg_catalog.pg_attribute a"
	" JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
	" JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	" JOIN pg_catalog.pg_type t ON t.oid = a.atttypid"
	" LEFT JOIN pg_catalog.pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'"
	" LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
	" WHERE" TABLES_WHERE "AND a.attnum > 0 AND NOT a.attisdropped"
	" ORDER BY c.relname, a.attnum";

/* Column names of a key, in key order, separated by chr(31). */
#define KEY_NAMES(key, rel)                                                           \
	"(SELECT string_agg(a.attname, chr(31) ORDER BY k.i)"                         \
	" FROM unnest(" key ") WITH ORDINALITY k(num, i)"                              \
	" JOIN pg_catalog.pg_attribute a ON a.attrelid = " rel " AND a.attnum = k.num)"

static const char *const q_constraints =
	"SELECT c.relname, co.conname, co.contype,"
	" " KEY_NAMES("co.conkey", "co.conrelid") ","
	" r.relname,"
	" " KEY_NAMES("co.confkey", "co.confrelid") ","
	" co.confdeltype, co.confupdtype, pg_catalog.pg_get_constraintdef(co.oid)"
	" FROM pg_catalog.pg_constraint co"
	" JOIN pg_catalog.pg_class c ON c.oid = co.conrelid"
	" JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	" LEFT JOIN pg_catalog.pg_class r ON r.oid = co.confrelid"
	" WHERE" TABLES_WHERE
	" ORDER BY c.relname, co.contype, co.conname";

/*
 * Indexes that back no constraint. An index with expressions, or with non-default
 * ordering, opclass or collation on a key column, is read as an expression index (its
 * key columns as pg_get_indexdef prints them), so nothing is lost.
 */
static const char *const q_indexes =
	"SELECT c.relname, ic.relname, i.indisunique,"
	" pg_catalog.pg_get_expr(i.indpred, i.indrelid),"
	" (i.indexprs IS NOT NULL"
	"  OR EXISTS (SELECT 1 FROM unnest(i.indoption::int2[]) o WHERE o <> 0)"
	"  OR EXISTS (SELECT 1 FROM unnest(i.indclass::oid[]) WITH ORDINALITY k(cl, j)"
	"   JOIN pg_catalog.pg_opclass op ON op.oid = k.cl"
	"   WHERE j <= i.indnkeyatts AND NOT op.opcdefault)"
	"  OR EXISTS (SELECT 1 FROM unnest(i.indcollation::oid[]) WITH ORDINALITY k(co, j)"
	"   JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid"
	"   AND a.attnum = i.indkey[j - 1]"
	"   WHERE co <> 0 AND co <> a.attcollation)),"
	" (SELECT string_agg(a.attname, chr(31) ORDER BY k.i)"
	"  FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(num, i)"
	"  JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num"
	"  WHERE k.i <= i.indnkeyatts),"
	" pg_catalog.pg_get_indexdef(i.indexrelid, 0, true),"
	" am.amname"
	" FROM pg_catalog.pg_index i"
	" JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid"
	" JOIN pg_catalog.pg_am am ON am.oid = ic.relam"
	" JOIN pg_catalog.pg_class c ON c.oid = i.indrelid"
	" JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	" WHERE" TABLES_WHERE
	" AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint co"
	"  WHERE co.conindid = i.indexrelid AND co.conrelid = i.indrelid"
	"  AND co.contype IN ('p', 'u', 'x'))"
	" ORDER BY c.relname, ic.relname";

/* Everything the model does not cover, as "<kind> <name>" lines. */
static const char *const q_unsupported =
	"SELECT d FROM ("
	" SELECT CASE c.relkind WHEN 'v' THEN 'view ' WHEN 'm' THEN 'materialized view '"
	"  WHEN 'f' THEN 'foreign table ' ELSE 'sequence ' END || c.relname AS d"
	" FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	" WHERE n.nspname = current_schema() AND c.relkind IN ('v', 'm', 'f', 'S')"
	" AND c.relname <> $1 AND" NOT_EXTENSION("pg_catalog.pg_class", "c.oid")
	" AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep"
	"  WHERE dep.classid = 'pg_catalog.pg_class'::regclass AND dep.objid = c.oid"
	"  AND dep.refclassid = 'pg_catalog.pg_class'::regclass AND dep.refobjsubid > 0"
	"  AND dep.deptype IN ('a', 'i')))"
	" UNION ALL"
	" SELECT 'trigger ' || g.tgname || ' on ' || c.relname"
	" FROM pg_catalog.pg_trigger g JOIN pg_catalog.pg_class c ON c.oid = g.tgrelid"
	" JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	" WHERE n.nspname = current_schema() AND NOT g.tgisinternal"
	" AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint co WHERE co.oid = g.tgconstraint)"
	" UNION"
	" SELECT CASE p.prokind WHEN 'p' THEN 'procedure ' WHEN 'a' THEN 'aggregate '"
	"  ELSE 'function ' END || p.proname"
	" FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
	" WHERE n.nspname = current_schema() AND" NOT_EXTENSION("pg_catalog.pg_proc", "p.oid")
	" UNION ALL"
	" SELECT CASE t.typtype WHEN 'd' THEN 'domain ' ELSE 'type ' END || t.typname"
	" FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace"
	" LEFT JOIN pg_catalog.pg_class r ON r.oid = t.typrelid"
	" WHERE n.nspname = current_schema() AND" NOT_EXTENSION("pg_catalog.pg_type", "t.oid")
	" AND (t.typtype IN ('d', 'r', 'b') AND t.typcategory <> 'A'"
	"  OR t.typtype = 'c' AND r.relkind = 'c')"
	" UNION ALL"
	" SELECT 'rule ' || w.rulename || ' on ' || c.relname"
	" FROM pg_catalog.pg_rewrite w JOIN pg_catalog.pg_class c ON c.oid = w.ev_class"
	" JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	" WHERE n.nspname = current_schema() AND w.rulename <> '_RETURN'"
	" UNION ALL"
	" SELECT 'extension ' || e.extname FROM pg_catalog.pg_extension e"
	" WHERE e.extname <> 'plpgsql'"
	" UNION ALL"
	" SELECT 'policy ' || p.polname || ' on ' || c.relname"
	" FROM pg_catalog.pg_policy p JOIN pg_catalog.pg_class c ON c.oid = p.polrelid"
	" JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	" WHERE n.nspname = current_schema()"
	") u ORDER BY d";
