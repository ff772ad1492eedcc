/* YAML models, objects beyond tables: extensions, domains, sequences, functions, views,
 * materialized views, triggers → gm_dependent (README "YAML models: objects"). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "git-migrate/schema.h"
#include "dialect/sql.h"
#include "error_int.h"
#include "models_int.h"
#include "models_parse.h"
#include "schema_int.h"
#include "yaml.h"
#include "util/banned.h"

/*
 * The create text of an object is SQL the planner runs as is when it plans the models
 * from an empty schema (replay.c gm_replay_models); what the scratch database then holds
 * is read back by the inspector, so it need not be the inspector's normal form. A
 * `comment:` is a COMMENT ON statement after the first one (SQLite has none:
 * gm_models_validate_objects keeps the first statement there).
 *
 * Not (yet) spelled: a sequence's OWNED BY (its table is created after the sequences, in
 * a later plan phase: it needs a statement of its own there), overloaded functions (the
 * key is the function's name, so one function per name), a domain's named checks.
 * Objects have no `uses` here: gm_models_validate_objects gives them, after the merge,
 * from the names their SQL mentions (not inside strings or dollar-quoted bodies).
 */

/* One section: its key, the object kind it makes, and how an entry is read. */
struct section {
	const char *key, *kind;
	int (*parse)(struct gm_models_parse *p, const struct section *sec, const gm_yaml_node *key,
		     const gm_yaml_node *val);
};

/* The entry's SQL (a scalar) or map's `sql:`, trimmed, without a trailing ';'. */
static int get_sql(struct gm_models_parse *p, const gm_yaml_node *at, const gm_yaml_node *sql,
		   const char *what, const char *name, gm_buf *out)
{
	gm_buf w = GM_BUF_INIT;
	int error = 0;

	gm_buf_printf(&w, "the SQL of %s '%s'", what, name);
	if (!sql) {
		error = gm_yaml_error(p->doc, at, "%s '%s' has no 'sql'", what, name);
		goto done;
	}
	if ((error = gm_models_expect_kind(p, sql, GM_YAML_SCALAR, w.ptr)) < 0)
		goto done;
	gm_models_trim(out, sql->value);
	while (out->len &&
	       (out->ptr[out->len - 1] == ';' || isspace((unsigned char)out->ptr[out->len - 1])))
		out->ptr[--out->len] = '\0';
	if (!out->len)
		error = gm_yaml_error(p->doc, sql, "%s '%s' has empty SQL", what, name);
done:
	gm_buf_release(&w);
	return error;
}

/* An optional scalar key of map val into *out (NULL when absent). */
static int opt_scalar(struct gm_models_parse *p, const gm_yaml_node *val, const char *key,
		      const char *what, const char **out)
{
	const gm_yaml_node *n = gm_yaml_get(val, key);
	gm_buf w = GM_BUF_INIT;
	int error = 0;

	*out = NULL;
	if (!n)
		return 0;
	gm_buf_printf(&w, "'%s' of %s", key, what);
	if ((error = gm_models_expect_kind(p, n, GM_YAML_SCALAR, w.ptr)) == 0)
		*out = n->value;
	gm_buf_release(&w);
	return error;
}

/* Checks the keys of a map entry (a scalar entry has none). */
static int entry_keys(struct gm_models_parse *p, const gm_yaml_node *val, const char *const *keys,
		      const char *what, const char *name)
{
	gm_buf w = GM_BUF_INIT;
	int error;

	gm_buf_printf(&w, "in %s '%s'", what, name);
	error = gm_models_check_keys(p, val, keys, w.ptr);
	gm_buf_release(&w);
	return error;
}

/* "COMMENT ON <what> <name> IS '<comment>';" after the create text. */
static void put_comment(gm_buf *b, const char *what, const char *name, const char *comment)
{
	if (!comment)
		return;
	gm_buf_printf(b, "\nCOMMENT ON %s ", what);
	gm_sql_ident(b, name);
	gm_buf_puts(b, " IS ");
	gm_sql_literal(b, comment);
	gm_buf_putc(b, ';');
}

/* Add the object; the same kind and name in this file or an earlier one is an error. */
static int add_object(struct gm_models_parse *p, const char *kind, const char *name,
		      const char *table, const char *create, const gm_yaml_node *at)
{
	const gm_dependent *other = gm_schema_dependent(p->into, kind, name);
	gm_dependent *d;

	if (!other)
		other = gm_schema_dependent(p->part, kind, name);
	if (other)
		return gm_yaml_error(p->doc, at, "%s '%s' is defined twice: %s and %s:%d:%d", kind,
				     name, other->origin ? other->origin : "?", p->doc->path,
				     at->line, at->col);
	d = gm_schema_add_dependent(p->part, kind, name, table, create);
	d->origin = gm_models_origin(p->doc, at);
	return 0;
}

/* extensions: [name, ...] or {name: null | {comment: ...}} */
static int parse_extension(struct gm_models_parse *p, const struct section *sec,
			   const gm_yaml_node *key, const gm_yaml_node *val)
{
	static const char *const keys[] = { "comment", NULL };
	const char *comment = NULL;
	gm_buf b = GM_BUF_INIT;
	int error = 0;

	if (val && !gm_yaml_is_null(val)) {
		if ((error = gm_models_expect_kind(p, val, GM_YAML_MAP, "an extension")) < 0 ||
		    (error = entry_keys(p, val, keys, "extension", key->value)) < 0 ||
		    (error = opt_scalar(p, val, "comment", "an extension", &comment)) < 0)
			goto done;
	}
	gm_buf_puts(&b, "CREATE EXTENSION IF NOT EXISTS ");
	gm_sql_ident(&b, key->value);
	gm_buf_putc(&b, ';');
	put_comment(&b, "EXTENSION", key->value, comment);
	error = add_object(p, sec->kind, key->value, NULL, b.ptr, key);
done:
	gm_buf_release(&b);
	return error;
}

/* domains: name: {type:, null:, default:, default_sql:, check:, comment:} */
static int parse_domain(struct gm_models_parse *p, const struct section *sec,
			const gm_yaml_node *key, const gm_yaml_node *val)
{
	static const char *const keys[] = { "type",  "null",    "default", "default_sql",
					    "check", "comment", NULL };
	const char *type, *def, *def_sql, *check, *comment;
	const gm_yaml_node *n;
	bool nullable = true;
	gm_buf b = GM_BUF_INIT;
	int error = 0;

	if ((error = gm_models_expect_kind(p, val, GM_YAML_MAP, "a domain")) < 0 ||
	    (error = entry_keys(p, val, keys, "domain", key->value)) < 0 ||
	    (error = opt_scalar(p, val, "type", "a domain", &type)) < 0 ||
	    (error = opt_scalar(p, val, "default", "a domain", &def)) < 0 ||
	    (error = opt_scalar(p, val, "default_sql", "a domain", &def_sql)) < 0 ||
	    (error = opt_scalar(p, val, "check", "a domain", &check)) < 0 ||
	    (error = opt_scalar(p, val, "comment", "a domain", &comment)) < 0)
		goto done;
	if (!type) {
		error = gm_yaml_error(p->doc, val, "domain '%s' has no 'type'", key->value);
		goto done;
	}
	if (def && def_sql) {
		error = gm_yaml_error(p->doc, val,
				      "domain '%s' has both 'default' and 'default_sql'",
				      key->value);
		goto done;
	}
	if ((n = gm_yaml_get(val, "null")) != NULL &&
	    (error = gm_models_get_bool(p, n, "'null' of a domain", &nullable)) < 0)
		goto done;
	gm_buf_puts(&b, "CREATE DOMAIN ");
	gm_sql_ident(&b, key->value);
	gm_buf_printf(&b, " AS %s", type);
	if (def) {
		gm_buf_puts(&b, " DEFAULT ");
		gm_sql_literal(&b, def);
	} else if (def_sql) {
		gm_buf_printf(&b, " DEFAULT %s", def_sql);
	}
	if (!nullable)
		gm_buf_puts(&b, " NOT NULL");
	if (check)
		gm_buf_printf(&b, " CHECK (%s)", check);
	gm_buf_putc(&b, ';');
	put_comment(&b, "DOMAIN", key->value, comment);
	error = add_object(p, sec->kind, key->value, NULL, b.ptr, key);
done:
	gm_buf_release(&b);
	return error;
}

/* An integer option of a sequence: " <sql> <value>" when present. */
static int seq_number(struct gm_models_parse *p, const gm_yaml_node *val, const char *key,
		      const char *sql, gm_buf *b)
{
	const gm_yaml_node *n = gm_yaml_get(val, key);
	const char *s;

	if (!n)
		return 0;
	s = n->kind == GM_YAML_SCALAR && n->value[0] == '-' ? n->value + 1 : n->value;
	if (n->kind != GM_YAML_SCALAR || !*s || strspn(s, "0123456789") != strlen(s))
		return gm_yaml_error(p->doc, n, "'%s' of a sequence must be an integer", key);
	gm_buf_printf(b, " %s %s", sql, n->value);
	return 0;
}

/* sequences: name: {type:, start:, increment:, min:, max:, cache:, cycle:, comment:} */
static int parse_sequence(struct gm_models_parse *p, const struct section *sec,
			  const gm_yaml_node *key, const gm_yaml_node *val)
{
	static const char *const keys[] = { "type",  "start", "increment", "min", "max",
					    "cache", "cycle", "comment",   NULL };
	const char *type = NULL, *comment = NULL;
	const gm_yaml_node *n;
	bool cycle = false;
	gm_buf b = GM_BUF_INIT;
	int error = 0;

	gm_buf_puts(&b, "CREATE SEQUENCE ");
	gm_sql_ident(&b, key->value);
	if (val && !gm_yaml_is_null(val)) {
		if ((error = gm_models_expect_kind(p, val, GM_YAML_MAP, "a sequence")) < 0 ||
		    (error = entry_keys(p, val, keys, "sequence", key->value)) < 0 ||
		    (error = opt_scalar(p, val, "type", "a sequence", &type)) < 0 ||
		    (error = opt_scalar(p, val, "comment", "a sequence", &comment)) < 0)
			goto done;
		if (type)
			gm_buf_printf(&b, " AS %s", type);
		if ((error = seq_number(p, val, "increment", "INCREMENT BY", &b)) < 0 ||
		    (error = seq_number(p, val, "min", "MINVALUE", &b)) < 0 ||
		    (error = seq_number(p, val, "max", "MAXVALUE", &b)) < 0 ||
		    (error = seq_number(p, val, "start", "START WITH", &b)) < 0 ||
		    (error = seq_number(p, val, "cache", "CACHE", &b)) < 0)
			goto done;
		if ((n = gm_yaml_get(val, "cycle")) != NULL &&
		    (error = gm_models_get_bool(p, n, "'cycle' of a sequence", &cycle)) < 0)
			goto done;
		if (cycle)
			gm_buf_puts(&b, " CYCLE");
	}
	gm_buf_putc(&b, ';');
	put_comment(&b, "SEQUENCE", key->value, comment);
	error = add_object(p, sec->kind, key->value, NULL, b.ptr, key);
done:
	gm_buf_release(&b);
	return error;
}

/* The next token (whitespace and comments skipped). */
static void next_tok(gm_sql_lexer *lx, gm_sql_tok *t)
{
	gm_sql_lex(lx, t);
}

/* Whether token t spells `name` (a word: case-insensitive; a quoted identifier: exact). */
static bool tok_names(const gm_sql_tok *t, const char *name)
{
	size_t n = strlen(name);
	if (t->kind == GM_SQL_WORD)
		return t->len == n && !strncasecmp(t->s, name, n);
	return t->kind == GM_SQL_QUOTED && t->len == n + 2 && !strncmp(t->s + 1, name, n);
}

/*
 * The name a function's create text gives it, as the inspector names it:
 * "name(<argument list, whitespace collapsed>)", into out; its kind ("function" or
 * "procedure") into *kind. -1 when the text is not CREATE [OR REPLACE] FUNCTION|PROCEDURE
 * `name` (...).
 */
static int function_name(gm_buf *out, const char **kind, const char *sql, const char *name)
{
	gm_sql_lexer lx;
	gm_sql_tok t;
	int depth = 1;

	gm_sql_lexer_init(&lx, sql, GM_SQL_LEX_PG);
	next_tok(&lx, &t);
	if (!gm_sql_tok_is(&t, "CREATE"))
		return -1;
	next_tok(&lx, &t);
	if (gm_sql_tok_is(&t, "OR")) {
		next_tok(&lx, &t);
		if (!gm_sql_tok_is(&t, "REPLACE"))
			return -1;
		next_tok(&lx, &t);
	}
	*kind = gm_sql_tok_is(&t, "PROCEDURE") ? "procedure" : "function";
	if (!gm_sql_tok_is(&t, "FUNCTION") && !gm_sql_tok_is(&t, "PROCEDURE"))
		return -1;
	next_tok(&lx, &t);
	if (!tok_names(&t, name))
		return -1;
	next_tok(&lx, &t);
	if (t.kind != GM_SQL_PUNCT || t.len != 1 || *t.s != '(')
		return -1;
	gm_buf_clear(out);
	gm_buf_printf(out, "%s(", name);
	for (next_tok(&lx, &t); t.kind != GM_SQL_END; next_tok(&lx, &t)) {
		if (t.kind == GM_SQL_PUNCT && t.len == 1 && (*t.s == '(' || *t.s == ')'))
			depth += *t.s == '(' ? 1 : -1;
		if (!depth)
			break;
		if (t.kind != GM_SQL_PUNCT && out->ptr[out->len - 1] != '(')
			gm_buf_putc(out, ' ');
		gm_buf_put(out, t.s, t.len);
	}
	if (depth)
		return -1;
	gm_buf_putc(out, ')');
	return 0;
}

/* The SQL and comment of an entry: a scalar (the SQL) or a map with `sql:` and `keys`. */
static int sql_entry(struct gm_models_parse *p, const gm_yaml_node *val, const char *const *keys,
		     const char *what, const char *name, gm_buf *sql, const char **comment)
{
	int error;

	*comment = NULL;
	if (val->kind != GM_YAML_MAP)
		return get_sql(p, val, val, what, name, sql);
	if ((error = entry_keys(p, val, keys, what, name)) < 0 ||
	    (error = opt_scalar(p, val, "comment", what, comment)) < 0)
		return error;
	return get_sql(p, val, gm_yaml_get(val, "sql"), what, name, sql);
}

/* functions: name: "CREATE FUNCTION name(...) ..." or {sql:, comment:} */
static int parse_function(struct gm_models_parse *p, const struct section *sec,
			  const gm_yaml_node *key, const gm_yaml_node *val)
{
	static const char *const keys[] = { "sql", "comment", NULL };
	const char *comment, *kind = sec->kind;
	gm_buf sql = GM_BUF_INIT, name = GM_BUF_INIT;
	int error;

	if ((error = sql_entry(p, val, keys, "function", key->value, &sql, &comment)) < 0)
		goto done;
	if (function_name(&name, &kind, sql.ptr, key->value) < 0) {
		error = gm_yaml_error(p->doc, val,
				      "the SQL of function '%s' is not CREATE FUNCTION %s(...) "
				      "or CREATE PROCEDURE %s(...)",
				      key->value, key->value, key->value);
		goto done;
	}
	gm_buf_putc(&sql, ';');
	if (comment) { /* COMMENT ON FUNCTION name(args) */
		gm_buf_printf(&sql, "\nCOMMENT ON %s %s IS ",
			      !strcmp(kind, "function") ? "FUNCTION" : "PROCEDURE", name.ptr);
		gm_sql_literal(&sql, comment);
		gm_buf_putc(&sql, ';');
	}
	error = add_object(p, kind, name.ptr, NULL, sql.ptr, key);
done:
	gm_buf_release(&name);
	gm_buf_release(&sql);
	return error;
}

/* The `indexes:` of a materialized view: a list of CREATE [UNIQUE] INDEX texts. */
static int matview_indexes(struct gm_models_parse *p, const gm_yaml_node *list, const char *name,
			   gm_buf *b)
{
	gm_buf ix = GM_BUF_INIT;
	size_t i;
	int error = 0;

	if (!list)
		return 0;
	if ((error = gm_models_expect_kind(p, list, GM_YAML_SEQ,
					   "'indexes' of a materialized view")) < 0)
		return error;
	for (i = 0; i < list->nr && !error; i++) {
		const gm_yaml_node *n = list->items[i];
		gm_sql_lexer lx;
		gm_sql_tok t;

		if ((error = get_sql(p, n, n, "an index of materialized view", name, &ix)) < 0)
			break;
		gm_sql_lexer_init(&lx, ix.ptr, GM_SQL_LEX_PG);
		next_tok(&lx, &t);
		if (gm_sql_tok_is(&t, "CREATE"))
			next_tok(&lx, &t);
		if (gm_sql_tok_is(&t, "UNIQUE"))
			next_tok(&lx, &t);
		if (!gm_sql_tok_is(&t, "INDEX") || strncasecmp(ix.ptr, "CREATE", 6))
			error = gm_yaml_error(p->doc, n,
					      "an index of materialized view '%s' is not "
					      "CREATE [UNIQUE] INDEX ...",
					      name);
		else
			gm_buf_printf(b, "\n%s;", ix.ptr);
	}
	gm_buf_release(&ix);
	return error;
}

/*
 * views: name: "SELECT ..." or {sql:, comment:} → CREATE VIEW name AS <sql>;
 * materialized_views: the same, and `indexes:` → CREATE MATERIALIZED VIEW ...
 */
static int parse_view(struct gm_models_parse *p, const struct section *sec, const gm_yaml_node *key,
		      const gm_yaml_node *val)
{
	static const char *const view_keys[] = { "sql", "comment", NULL };
	static const char *const matview_keys[] = { "sql", "indexes", "comment", NULL };
	bool matview = !strcmp(sec->kind, "materialized view");
	const char *comment, *what = matview ? "MATERIALIZED VIEW" : "VIEW";
	gm_buf sql = GM_BUF_INIT, b = GM_BUF_INIT;
	int error;

	if ((error = sql_entry(p, val, matview ? matview_keys : view_keys, sec->kind, key->value,
			       &sql, &comment)) < 0)
		goto done;
	gm_buf_printf(&b, "CREATE %s ", what);
	gm_sql_ident(&b, key->value);
	gm_buf_printf(&b, " AS %s;", sql.ptr);
	if (matview && val->kind == GM_YAML_MAP &&
	    (error = matview_indexes(p, gm_yaml_get(val, "indexes"), key->value, &b)) < 0)
		goto done;
	put_comment(&b, what, key->value, comment);
	error = add_object(p, sec->kind, key->value, NULL, b.ptr, key);
done:
	gm_buf_release(&b);
	gm_buf_release(&sql);
	return error;
}

/* Whether sql is CREATE [OR REPLACE] [CONSTRAINT] TRIGGER [IF NOT EXISTS] `name` ... */
static bool is_create_trigger(const char *sql, const char *name)
{
	gm_sql_lexer lx;
	gm_sql_tok t;

	gm_sql_lexer_init(&lx, sql, GM_SQL_LEX_PG);
	next_tok(&lx, &t);
	if (!gm_sql_tok_is(&t, "CREATE"))
		return false;
	next_tok(&lx, &t);
	if (gm_sql_tok_is(&t, "OR")) {
		next_tok(&lx, &t);
		next_tok(&lx, &t);
	}
	if (gm_sql_tok_is(&t, "CONSTRAINT"))
		next_tok(&lx, &t);
	if (!gm_sql_tok_is(&t, "TRIGGER"))
		return false;
	next_tok(&lx, &t);
	if (gm_sql_tok_is(&t, "IF")) {
		next_tok(&lx, &t);
		next_tok(&lx, &t);
		next_tok(&lx, &t);
	}
	return tok_names(&t, name);
}

/*
 * triggers: name: {table:, sql: "CREATE TRIGGER name ... ON table ...", comment:}; the key
 * may be "name on table" (PostgreSQL's trigger names are per table: several tables may
 * each have a trigger `name`), the trigger's own name is then the part before " on ".
 */
static int parse_trigger(struct gm_models_parse *p, const struct section *sec,
			 const gm_yaml_node *key, const gm_yaml_node *val)
{
	static const char *const keys[] = { "table", "sql", "comment", NULL };
	const char *comment = NULL, *table = NULL, *on = strstr(key->value, " on ");
	gm_buf sql = GM_BUF_INIT, own = GM_BUF_INIT;
	int error;

	if ((error = gm_models_expect_kind(p, val, GM_YAML_MAP, "a trigger")) < 0 ||
	    (error = sql_entry(p, val, keys, "trigger", key->value, &sql, &comment)) < 0 ||
	    (error = opt_scalar(p, val, "table", "a trigger", &table)) < 0)
		goto done;
	if (!table) {
		error = gm_yaml_error(p->doc, val, "trigger '%s' has no 'table'", key->value);
		goto done;
	}
	gm_buf_put(&own, key->value, on ? (size_t)(on - key->value) : strlen(key->value));
	if (!is_create_trigger(sql.ptr, own.ptr)) {
		error = gm_yaml_error(p->doc, gm_yaml_get(val, "sql"),
				      "the SQL of trigger '%s' is not CREATE TRIGGER %s ...",
				      key->value, own.ptr);
		goto done;
	}
	gm_buf_putc(&sql, ';');
	if (comment) {
		gm_buf_puts(&sql, "\nCOMMENT ON TRIGGER ");
		gm_sql_ident(&sql, own.ptr);
		gm_buf_puts(&sql, " ON ");
		gm_sql_ident(&sql, table);
		gm_buf_puts(&sql, " IS ");
		gm_sql_literal(&sql, comment);
		gm_buf_putc(&sql, ';');
	}
	error = add_object(p, sec->kind, key->value, table, sql.ptr, key);
done:
	gm_buf_release(&own);
	gm_buf_release(&sql);
	return error;
}

/* In creation order: what a later section's objects may use comes first. */
static const struct section sections[] = {
	{ "extensions", "extension", parse_extension },
	{ "domains", "domain", parse_domain },
	{ "sequences", "sequence", parse_sequence },
	{ "functions", "function", parse_function },
	{ "views", "view", parse_view },
	{ "materialized_views", "materialized view", parse_view },
	{ "triggers", "trigger", parse_trigger },
};

/* One section's node: a map of name → entry (extensions: also a list of names). */
static int parse_section(struct gm_models_parse *p, const struct section *sec,
			 const gm_yaml_node *n)
{
	gm_buf what = GM_BUF_INIT;
	size_t i;
	int error = 0;

	if (gm_yaml_is_null(n))
		return 0;
	gm_buf_printf(&what, "'%s'", sec->key);
	if (n->kind == GM_YAML_SEQ && sec->parse == parse_extension) {
		for (i = 0; i < n->nr && !error; i++)
			if ((error = gm_models_expect_kind(p, n->items[i], GM_YAML_SCALAR,
							   "an extension name")) == 0)
				error = parse_extension(p, sec, n->items[i], NULL);
		goto done;
	}
	if ((error = gm_models_expect_kind(p, n, GM_YAML_MAP, what.ptr)) < 0)
		goto done;
	for (i = 0; i < n->nr && !error; i++) {
		const gm_yaml_node *k = gm_yaml_key(n, i), *v = gm_yaml_value(n, i);
		gm_buf_clear(&what);
		gm_buf_printf(&what, "a name in '%s'", sec->key);
		if ((error = gm_models_expect_kind(p, k, GM_YAML_SCALAR, what.ptr)) < 0)
			break;
		if (gm_yaml_is_null(v) && sec->parse != parse_extension &&
		    sec->parse != parse_sequence) {
			error = gm_yaml_error(p->doc, k, "%s '%s' is empty", sec->kind, k->value);
			break;
		}
		error = sec->parse(p, sec, k, v);
	}
done:
	gm_buf_release(&what);
	return error;
}

int gm_models_parse_objects(struct gm_models_parse *p, const gm_yaml_node *root)
{
	size_t i;
	int error;

	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		const gm_yaml_node *n = gm_yaml_get(root, sections[i].key);
		if (n && (error = parse_section(p, &sections[i], n)) < 0)
			return error;
	}
	return 0;
}
