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
#include "git-migrate/vec.h"
#include "dialect/postgres.h"
#include "dialect/sql.h"
#include "type.h"
#include "util/banned.h"

static const char *const q_enums;
static const char *const q_tables;
static const char *const q_columns;
static const char *const q_constraints;
static const char *const q_indexes;
static const char *const q_unsupported;

#define SEP '\x1f'  /* separator of name lists (string_agg(..., chr(31))) */

/*
 * What reading the columns learned about objects that read_unsupported lists: sequences
 * owned by no column that were read as a serial column, and the columns of each domain
 * (read as the domain's base type).
 */
struct seq_note {
	char *seq;       /* sequence name */
	char *column;    /* "table.column" read as serial */
};

struct domain_note {
	char *domain;
	char *base;      /* canonical base type */
	gm_buf columns;  /* "t.a, u.b" */
};

struct notes {
	struct seq_note *seq;
	size_t seq_nr, seq_alloc;
	struct domain_note *dom;
	size_t dom_nr, dom_alloc;
};

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
		if (val(res, i, 3))
			gm_schema_add_unsupported(s, "inheritance of %s from %s", t->name,
						  PQgetvalue(res, i, 3));
		if (kind[0] == 'p')
			gm_schema_add_unsupported(s, "partitioned table %s (read as a plain table)",
						  t->name);
	}
	PQclear(res);
	return 0;
}

/* "nextval('x'::regclass)" and nothing else (the sequence itself is checked by the query). */
static bool is_nextval(const char *v)
{
	const char *end = "'::regclass)";
	size_t n = strlen(v), m = strlen(end);

	return !strncmp(v, "nextval('", 9) && n > 9 + m && !strcmp(v + n - m, end) &&
	       !strstr(v + 9, "nextval(");
}

static void note_sequence(struct notes *nt, const char *seq, const char *table,
			  const char *column)
{
	struct seq_note n;
	gm_buf b = GM_BUF_INIT;

	gm_buf_printf(&b, "%s.%s", table, column);
	n.seq = gm_xstrdup(seq);
	n.column = gm_buf_detach(&b);
	GM_PUSH(nt->seq, nt->seq_nr, nt->seq_alloc, n);
}

static void note_domain(struct notes *nt, const char *domain, const char *base,
			const char *table, const char *column)
{
	size_t i;

	for (i = 0; i < nt->dom_nr; i++)
		if (!strcmp(nt->dom[i].domain, domain))
			break;
	if (i == nt->dom_nr) {
		struct domain_note n;
		n.domain = gm_xstrdup(domain);
		n.base = gm_xstrdup(base);
		gm_buf_init(&n.columns);
		GM_PUSH(nt->dom, nt->dom_nr, nt->dom_alloc, n);
	}
	gm_buf_printf(&nt->dom[i].columns, "%s%s.%s", nt->dom[i].columns.len ? ", " : "",
		      table, column);
}

static void notes_release(struct notes *nt)
{
	size_t i;

	for (i = 0; i < nt->seq_nr; i++) {
		free(nt->seq[i].seq);
		free(nt->seq[i].column);
	}
	for (i = 0; i < nt->dom_nr; i++) {
		free(nt->dom[i].domain);
		free(nt->dom[i].base);
		gm_buf_release(&nt->dom[i].columns);
	}
	free(nt->seq);
	free(nt->dom);
}

/*
 * One row of q_columns. Two readings go beyond pg_catalog's literal content:
 *
 *  - serial: an integer column whose default is nextval() of a sequence that the column
 *    owns (what `serial` creates), or of a sequence owned by no column and used by no
 *    other default (pg_dump of a schema whose sequences were created by hand, e.g.
 *    Pagila's `actor_actor_id_seq`). Either way the revision planned from it says
 *    `serial`, which rebuilds an equivalent column; the unowned sequence is named in the
 *    warnings (read_unsupported).
 *  - domains: the schema model has no domains, and a column typed with one could not be
 *    created where the domain does not exist. A domain column is read as the domain's
 *    base type (nested domains resolved), and the domain is listed as unsupported with
 *    the columns read that way: its constraints, default and NOT NULL are not part of
 *    the model. Both sides of a diff read it alike, so a domain never shows as a change.
 */
static void read_column(gm_schema *s, gm_table *t, const PGresult *res, int i,
			struct notes *nt)
{
	gm_buf type = GM_BUF_INIT;
	const char *name = PQgetvalue(res, i, 1);
	const char *def = val(res, i, 4);
	const char *identity = val(res, i, 5);
	const char *generated = val(res, i, 6);
	const char *enum_type = val(res, i, 8);
	const char *free_seq = val(res, i, 10);
	const char *domain = val(res, i, 11);
	gm_default_kind kind;
	char *value = NULL;
	gm_column *col;

	if (enum_type)
		gm_buf_puts(&type, enum_type);
	else
		gm_type_canonical(&type, PQgetvalue(res, i, 2));
	gm_pg_default_canonical(&kind, &value, def);
	if (domain)
		note_domain(nt, domain, type.ptr, t->name, name);

	if (kind == GM_DEFAULT_SQL && is_nextval(value) && (val_bool(res, i, 9) || free_seq)) {
		const char *serial = !strcmp(type.ptr, "integer")    ? "serial"
				     : !strcmp(type.ptr, "bigint")   ? "bigserial"
				     : !strcmp(type.ptr, "smallint") ? "smallserial"
								     : NULL;
		if (serial) {
			gm_buf_clear(&type);
			gm_buf_puts(&type, serial);
			kind = GM_DEFAULT_NONE;
			if (!val_bool(res, i, 9))
				note_sequence(nt, free_seq, t->name, name);
		}
	}
	if (generated && *generated) {
		gm_schema_add_unsupported(s, "generated column %s.%s", t->name, name);
		kind = GM_DEFAULT_NONE;
	}
	if (identity && identity[0] == 'a')
		gm_schema_add_unsupported(s, "identity column %s.%s is GENERATED ALWAYS"
					     " (read as BY DEFAULT)", t->name, name);

	col = gm_table_add_column(t, name, type.ptr);
	col->nullable = !val_bool(res, i, 3);
	col->identity = identity && *identity;
	gm_column_set_default(col, kind, value);
	gm_set_str(&col->comment, val(res, i, 7));
	free(value);
	gm_buf_release(&type);
}

static int read_columns(gm_schema *s, struct gm_pg_conn *c, const char *vt, struct notes *nt)
{
	PGresult *res = NULL;
	gm_table *last = NULL;
	int i, error;

	if ((error = gm_pg_query(&res, c, "cannot read columns", q_columns, vt, NULL)) < 0)
		return error;
	for (i = 0; i < PQntuples(res); i++) {
		gm_table *t = table_of(s, PQgetvalue(res, i, 0), &last);
		if (t)
			read_column(s, t, res, i, nt);
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
		/*
		 * The model has no access method: a GiST/GIN/... index is left out (and
		 * named), not turned into a btree index that a revision would create, or
		 * drop when the models do not mention it.
		 */
		if (strcmp(method, "btree")) {
			gm_schema_add_unsupported(s, "index %s on %s using %s",
						  PQgetvalue(res, i, 1), t->name, method);
			continue;
		}
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
	}
	PQclear(res);
	return 0;
}

/*
 * q_unsupported's rows: the line, and for a sequence or a domain its kind ('S', 'd') and
 * name, completed with what read_column noted about it.
 */
static int read_unsupported(gm_schema *s, struct gm_pg_conn *c, const char *vt,
			    const struct notes *nt)
{
	PGresult *res = NULL;
	int i, error;
	size_t j;

	if ((error = gm_pg_query(&res, c, "cannot read schema objects", q_unsupported, vt,
				 NULL)) < 0)
		return error;
	for (i = 0; i < PQntuples(res); i++) {
		const char *line = PQgetvalue(res, i, 0);
		const char *kind = val(res, i, 1), *name = val(res, i, 2);
		bool done = false;

		for (j = 0; kind && kind[0] == 'S' && j < nt->seq_nr && !done; j++)
			if (!strcmp(nt->seq[j].seq, name)) {
				gm_schema_add_unsupported(s, "%s owned by no column (%s read as serial)",
							  line, nt->seq[j].column);
				done = true;
			}
		for (j = 0; kind && kind[0] == 'd' && j < nt->dom_nr && !done; j++)
			if (!strcmp(nt->dom[j].domain, name)) {
				gm_schema_add_unsupported(s, "%s (%s read as its base type %s)", line,
							  nt->dom[j].columns.ptr, nt->dom[j].base);
				done = true;
			}
		if (!done)
			gm_schema_add_unsupported(s, "%s", line);
	}
	PQclear(res);
	return 0;
}

/*
 * pg_dump output starts with `SELECT pg_catalog.set_config('search_path', '', false)`:
 * applied as a models source (or replayed), it leaves the session without a current
 * schema, and with an empty search_path every format_type/pg_get_expr/pg_get_indexdef
 * would qualify names ("public.mpaa_rating", "nextval('public.t_id_seq'::regclass)").
 * When there is no current schema, inspect with the session's default search_path
 * (its reset value: server, database or role setting) and put the caller's value back
 * afterwards (*saved: the value to restore, or NULL when nothing was changed).
 */
static int use_default_search_path(char **saved, struct gm_pg_conn *c)
{
	PGresult *res = NULL;
	int error;

	*saved = NULL;
	if ((error = gm_pg_query(&res, c, "cannot read the search path",
				 "SELECT current_schema() IS NULL,"
				 " pg_catalog.current_setting('search_path')",
				 NULL, NULL)) < 0)
		return error;
	if (PQntuples(res) == 1 && val_bool(res, 0, 0))
		*saved = gm_xstrdup(PQgetvalue(res, 0, 1));
	PQclear(res);
	if (!*saved)
		return 0;
	if ((error = gm_pg_query(&res, c, "cannot set the search path",
				 "SELECT pg_catalog.set_config('search_path', s.reset_val, false)"
				 " FROM pg_catalog.pg_settings s WHERE s.name = 'search_path'",
				 NULL, NULL)) < 0) {
		free(*saved);
		*saved = NULL;
		return error;
	}
	PQclear(res);
	return 0;
}

static int restore_search_path(struct gm_pg_conn *c, const char *saved)
{
	PGresult *res = NULL;
	int error;

	if (!saved)
		return 0;
	if ((error = gm_pg_query(&res, c, "cannot restore the search path",
				 "SELECT pg_catalog.set_config('search_path', $1, false)", saved,
				 NULL)) < 0)
		return error;
	PQclear(res);
	return 0;
}

int gm_pg_inspect(gm_schema **out, gm_conn *conn, const char *version_table)
{
	struct gm_pg_conn *c = (struct gm_pg_conn *)conn;
	const char *vt = version_table ? version_table : "";
	struct notes nt = { NULL, 0, 0, NULL, 0, 0 };
	gm_schema *s = NULL;
	char *saved = NULL;
	int error = 0;

	*out = NULL;
	if ((error = use_default_search_path(&saved, c)) < 0)
		return error;
	gm_schema_new(&s);
	if ((error = read_enums(s, c)) < 0 || (error = read_tables(s, c, vt)) < 0 ||
	    (error = read_columns(s, c, vt, &nt)) < 0 ||
	    (error = read_constraints(s, c, vt)) < 0 || (error = read_indexes(s, c, vt)) < 0 ||
	    (error = read_unsupported(s, c, vt, &nt)) < 0)
		goto done;
	*out = s;
	s = NULL;
done:
	/* after a failure, the first message matters more than the session's search_path */
	if (!error && (error = restore_search_path(c, saved)) < 0) {
		gm_schema_free(*out);
		*out = NULL;
	}
	notes_release(&nt);
	free(saved);
	gm_schema_free(s);
	return error;
}

/* ---- queries ---- */

/* Not created by an extension (its objects are the extension's business). */
#define NOT_EXTENSION(classid, oid)                                                    \
	" NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend x WHERE x.classid = '" classid \
	"'::regclass AND x.objid = " oid " AND x.deptype = 'e') "

/*
 * The tables of the schema: c is pg_class, n its namespace; $1 the version table.
 * Partitions are not tables of the model: their partitioned table is (read_tables and
 * q_unsupported name both).
 */
#define TABLES_WHERE                                                                     \
	" n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND c.relname <> $1"   \
	" AND NOT c.relispartition AND" NOT_EXTENSION("pg_catalog.pg_class", "c.oid")

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
	"   WHERE i.inhrelid = c.oid ORDER BY i.inhseqno LIMIT 1)"
	" FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	" WHERE" TABLES_WHERE
	" ORDER BY c.relname";

/* A pg_depend row from an object of class `cls` to a pg_class row (d the alias). */
#define DEP_TO_CLASS(d, cls)                                                          \
	" " d ".classid = '" cls "'::regclass"                                       \
	" AND " d ".refclassid = 'pg_catalog.pg_class'::regclass"

/*
 * Columns: 0 table, 1 column, 2 type (a domain's base type, see read_column), 3 not null,
 * 4 default, 5 attidentity, 6 attgenerated, 7 comment, 8 enum type name ("t" or "t[]"),
 * 9 the default's sequence is owned by this column, 10 the default's sequence when it
 * is owned by no column and no other default uses it, 11 the domain of a domain column.
 */
static const char *const q_columns =
	/*
	 * The tables, the defaults that use a sequence, and each such sequence's facts,
	 * computed once for the whole schema: filtered per column (the extension check is
	 * an anti-join on pg_depend), a table of 1,500 columns took 5 s to inspect.
	 */
	"WITH tbl AS MATERIALIZED (SELECT c.oid, c.relname FROM pg_catalog.pg_class c"
	"  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE" TABLES_WHERE "),"
	" seqdep AS MATERIALIZED (SELECT sd.objid AS adoid, s.oid AS seqoid, s.relname"
	"  FROM pg_catalog.pg_depend sd JOIN pg_catalog.pg_class s ON s.oid = sd.refobjid"
	"  WHERE" DEP_TO_CLASS("sd", "pg_catalog.pg_attrdef") " AND s.relkind = 'S'),"
	" seqinfo AS MATERIALIZED (SELECT q.seqoid,"
	"   EXISTS (SELECT 1 FROM pg_catalog.pg_depend o WHERE"
	    DEP_TO_CLASS("o", "pg_catalog.pg_class")
	"    AND o.objid = q.seqoid AND o.refobjsubid > 0 AND o.deptype IN ('a', 'i'))"
	"    AS has_owner,"
	"   (SELECT count(*) FROM seqdep u"
	"    JOIN pg_catalog.pg_attrdef ud ON ud.oid = u.adoid"
	"    JOIN pg_catalog.pg_class uc ON uc.oid = ud.adrelid"
	"    WHERE u.seqoid = q.seqoid AND NOT uc.relispartition) AS users"
	"  FROM (SELECT DISTINCT seqoid FROM seqdep) q)"
	" SELECT c.relname, a.attname,"
	" pg_catalog.format_type(t.oid, CASE WHEN dom.base IS NULL THEN a.atttypmod"
	"  ELSE dom.mod END),"
	/* A default cannot name a column (a generated column's expression can): without
	 * the relation, pg_get_expr skips building a deparse context of all its columns,
	 * which per default made a wide table quadratic. */
	" a.attnotnull, pg_catalog.pg_get_expr(d.adbin,"
	"  CASE WHEN a.attgenerated = '' THEN 0 ELSE d.adrelid END), a.attidentity,"
	" a.attgenerated, pg_catalog.col_description(a.attrelid, a.attnum),"
	" CASE WHEN t.typtype = 'e' THEN t.typname"
	"  WHEN et.typtype = 'e' THEN et.typname || '[]' END,"
	" COALESCE(seq.owned, false),"
	" CASE WHEN NOT seq.owned AND NOT seq.has_owner AND seq.users = 1 THEN seq.relname END,"
	" CASE WHEN dom.base IS NOT NULL THEN dt.typname END"
	" FROM pg_catalog.pg_attribute a"
	" JOIN tbl c ON c.oid = a.attrelid"
	" JOIN pg_catalog.pg_type dt ON dt.oid = a.atttypid"
	/* a domain's base type, through domains over domains */
	" LEFT JOIN LATERAL (WITH RECURSIVE r(base, mod, depth) AS ("
	"   SELECT dt.typbasetype, dt.typtypmod, 1 WHERE dt.typtype = 'd'"
	"   UNION ALL SELECT b.typbasetype, b.typtypmod, r.depth + 1 FROM r"
	"   JOIN pg_catalog.pg_type b ON b.oid = r.base WHERE b.typtype = 'd' AND r.depth < 32)"
	"  SELECT r.base, r.mod FROM r ORDER BY r.depth DESC LIMIT 1) dom ON true"
	" JOIN pg_catalog.pg_type t ON t.oid = COALESCE(dom.base, a.atttypid)"
	" LEFT JOIN pg_catalog.pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'"
	" LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
	/* the sequence the default uses: owned by this column, by any column, its users */
	" LEFT JOIN LATERAL (SELECT sq.relname,"
	"   EXISTS (SELECT 1 FROM pg_catalog.pg_depend o WHERE"
	    DEP_TO_CLASS("o", "pg_catalog.pg_class")
	"    AND o.objid = sq.seqoid AND o.refobjid = a.attrelid AND o.refobjsubid = a.attnum"
	"    AND o.deptype = 'a') AS owned,"
	"   si.has_owner, si.users"
	"  FROM seqdep sq JOIN seqinfo si ON si.seqoid = sq.seqoid"
	"  WHERE sq.adoid = d.oid"
	"  ORDER BY sq.relname LIMIT 1) seq ON true"
	" WHERE a.attnum > 0 AND NOT a.attisdropped"
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

/*
 * Everything the model does not cover: "<kind> <name>" lines, and for sequences and
 * domains their kind ('S', 'd') and name (read_unsupported completes those lines).
 * A partition's line covers the triggers on it (those cloned from its parent's too).
 */
static const char *const q_unsupported =
	"SELECT d, k, o FROM ("
	" SELECT CASE c.relkind WHEN 'v' THEN 'view ' WHEN 'm' THEN 'materialized view '"
	"  WHEN 'f' THEN 'foreign table ' ELSE 'sequence ' END || c.relname AS d,"
	"  CASE c.relkind WHEN 'S' THEN 'S' END AS k, c.relname AS o"
	" FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	" WHERE n.nspname = current_schema() AND c.relkind IN ('v', 'm', 'f', 'S')"
	" AND c.relname <> $1 AND" NOT_EXTENSION("pg_catalog.pg_class", "c.oid")
	" AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep"
	"  WHERE dep.classid = 'pg_catalog.pg_class'::regclass AND dep.objid = c.oid"
	"  AND dep.refclassid = 'pg_catalog.pg_class'::regclass AND dep.refobjsubid > 0"
	"  AND dep.deptype IN ('a', 'i')))"
	" UNION ALL"
	" SELECT 'partition ' || c.relname || ' of ' || p.relname, NULL, NULL"
	" FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	" JOIN pg_catalog.pg_inherits i ON i.inhrelid = c.oid"
	" JOIN pg_catalog.pg_class p ON p.oid = i.inhparent"
	" WHERE n.nspname = current_schema() AND c.relispartition AND c.relkind IN ('r', 'p')"
	" AND" NOT_EXTENSION("pg_catalog.pg_class", "c.oid")
	" UNION ALL"
	" SELECT 'trigger ' || g.tgname || ' on ' || c.relname, NULL, NULL"
	" FROM pg_catalog.pg_trigger g JOIN pg_catalog.pg_class c ON c.oid = g.tgrelid"
	" JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	" WHERE n.nspname = current_schema() AND NOT g.tgisinternal AND NOT c.relispartition"
	" AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint co WHERE co.oid = g.tgconstraint)"
	" UNION"
	" SELECT CASE p.prokind WHEN 'p' THEN 'procedure ' WHEN 'a' THEN 'aggregate '"
	"  ELSE 'function ' END || p.proname, NULL, NULL"
	" FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
	" WHERE n.nspname = current_schema() AND" NOT_EXTENSION("pg_catalog.pg_proc", "p.oid")
	" UNION ALL"
	" SELECT CASE t.typtype WHEN 'd' THEN 'domain ' ELSE 'type ' END || t.typname,"
	"  CASE t.typtype WHEN 'd' THEN 'd' END, t.typname"
	" FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace"
	" LEFT JOIN pg_catalog.pg_class r ON r.oid = t.typrelid"
	" WHERE n.nspname = current_schema() AND" NOT_EXTENSION("pg_catalog.pg_type", "t.oid")
	" AND (t.typtype IN ('d', 'r', 'b') AND t.typcategory <> 'A'"
	"  OR t.typtype = 'c' AND r.relkind = 'c')"
	" UNION ALL"
	" SELECT 'rule ' || w.rulename || ' on ' || c.relname, NULL, NULL"
	" FROM pg_catalog.pg_rewrite w JOIN pg_catalog.pg_class c ON c.oid = w.ev_class"
	" JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	" WHERE n.nspname = current_schema() AND w.rulename <> '_RETURN'"
	" UNION ALL"
	" SELECT 'extension ' || e.extname, NULL, NULL FROM pg_catalog.pg_extension e"
	" WHERE e.extname <> 'plpgsql'"
	" UNION ALL"
	" SELECT 'policy ' || p.polname || ' on ' || c.relname, NULL, NULL"
	" FROM pg_catalog.pg_policy p JOIN pg_catalog.pg_class c ON c.oid = p.polrelid"
	" JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	" WHERE n.nspname = current_schema()"
	") u ORDER BY d";
