/* Models from YAML files (DESIGN.md §3.3): enums, tables, indexes, checks → gm_schema. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "git-migrate/schema.h"
#include "error_int.h"
#include "models_int.h"
#include "models_parse.h"
#include "type.h"
#include "yaml.h"
#include "util/suggest.h"
#include "schema_int.h"
#include "util/banned.h"

char *gm_models_origin(const gm_yaml_doc *doc, const gm_yaml_node *n)
{
	gm_buf b = GM_BUF_INIT;
	gm_buf_printf(&b, "%s:%d:%d", doc->path, n->line, n->col);
	return gm_buf_detach(&b);
}

/*
 * Every key of `map` must be one of `allowed` (pairs skip_lo..skip_hi-1 excepted). `where`
 * names the map for the message.
 */
int gm_models_check_keys_skip(struct gm_models_parse *p, const gm_yaml_node *map,
			      const char *const *allowed, const char *where, size_t skip_lo,
			      size_t skip_hi)
{
	size_t i, k;

	for (i = 0; i < map->nr; i++) {
		if (i >= skip_lo && i < skip_hi)
			continue;
		const gm_yaml_node *key = gm_yaml_key(map, i);
		gm_suggest c = GM_SUGGEST_INIT(NULL);
		bool ok = false;

		if (key->kind != GM_YAML_SCALAR)
			return gm_yaml_error(p->doc, key, "keys %s must be scalars, not %s", where,
					     gm_yaml_kind_name(key));
		for (k = 0; allowed[k] && !ok; k++)
			ok = !strcmp(key->value, allowed[k]);
		if (ok)
			continue;
		gm_yaml_error(p->doc, key, "unknown key '%s' %s", key->value, where);
		c.word = key->value;
		for (k = 0; allowed[k]; k++)
			gm_suggest_consider(&c, allowed[k]);
		if (c.best)
			gm_error_hint("did you mean '%s'?", c.best);
		return GM_EINVALID;
	}
	return 0;
}

int gm_models_check_keys(struct gm_models_parse *p, const gm_yaml_node *map,
			 const char *const *allowed, const char *where)
{
	return gm_models_check_keys_skip(p, map, allowed, where, 0, 0);
}

int gm_models_expect_kind(struct gm_models_parse *p, const gm_yaml_node *n, gm_yaml_kind kind,
			  const char *what)
{
	static const char *const names[] = { "a scalar", "a list", "a mapping" };
	if (n->kind == kind && !(kind == GM_YAML_SCALAR && gm_yaml_is_null(n)))
		return 0;
	return gm_yaml_error(p->doc, n, "%s must be %s, not %s", what, names[kind],
			     gm_yaml_is_null(n) ? "null" : gm_yaml_kind_name(n));
}

/* A mapping, or null (an empty section): *empty set for null. */
static int expect_map_or_null(struct gm_models_parse *p, const gm_yaml_node *n, const char *what,
			      bool *empty)
{
	*empty = gm_yaml_is_null(n);
	if (*empty)
		return 0;
	return gm_models_expect_kind(p, n, GM_YAML_MAP, what);
}

int gm_models_get_bool(struct gm_models_parse *p, const gm_yaml_node *n, const char *what,
		       bool *out)
{
	int b = gm_yaml_bool(n);
	if (b < 0) {
		if (n->kind == GM_YAML_SCALAR)
			return gm_yaml_error(p->doc, n, "%s must be true or false, not '%s'", what,
					     n->value);
		return gm_yaml_error(p->doc, n, "%s must be true or false, not %s", what,
				     gm_yaml_kind_name(n));
	}
	*out = b == 1;
	return 0;
}

static gm_table *find_table(struct gm_models_parse *p, const char *name)
{
	gm_table *t = gm_schema_table(p->into, name);
	return t ? t : gm_schema_table(p->part, name);
}

gm_enum *gm_models_find_enum(struct gm_models_parse *p, const char *name)
{
	gm_enum *e = gm_schema_enum(p->into, name);
	return e ? e : gm_schema_enum(p->part, name);
}

void gm_models_trim(gm_buf *b, const char *s)
{
	size_t n;
	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	gm_buf_clear(b);
	gm_buf_put(b, s, n);
}

/* enums: name → [labels] or {values: [labels], was: old} */
static int parse_enum(struct gm_models_parse *p, const gm_yaml_node *key, const gm_yaml_node *val)
{
	static const char *const keys[] = { "values", "was", NULL };
	const gm_yaml_node *labels = val, *was = NULL;
	gm_buf what = GM_BUF_INIT;
	gm_enum *e, *other;
	size_t i, k;
	int error = 0;

	gm_buf_printf(&what, "enum '%s'", key->value);
	if ((other = gm_models_find_enum(p, key->value)) != NULL) {
		error = gm_yaml_error(p->doc, key, "enum '%s' is defined twice: %s and %s:%d:%d",
				      key->value, other->origin ? other->origin : "?", p->doc->path,
				      key->line, key->col);
		goto done;
	}
	if (val->kind == GM_YAML_MAP) {
		gm_buf w = GM_BUF_INIT;
		gm_buf_printf(&w, "in enum '%s'", key->value);
		error = gm_models_check_keys(p, val, keys, w.ptr);
		gm_buf_release(&w);
		if (error < 0)
			goto done;
		labels = gm_yaml_get(val, "values");
		was = gm_yaml_get(val, "was");
		if (!labels) {
			error = gm_yaml_error(p->doc, val, "enum '%s' has no 'values'", key->value);
			goto done;
		}
	}
	if (labels->kind != GM_YAML_SEQ) {
		gm_buf_clear(&what);
		gm_buf_printf(&what, "labels of enum '%s'", key->value);
		error = gm_models_expect_kind(p, labels, GM_YAML_SEQ, what.ptr);
		goto done;
	}
	if (was && (error = gm_models_expect_kind(p, was, GM_YAML_SCALAR, "'was'")) < 0)
		goto done;
	if (!labels->nr) { /* a type no value could have */
		error = gm_yaml_error(p->doc, labels, "enum '%s' has no labels", key->value);
		goto done;
	}

	e = gm_schema_add_enum(p->part, key->value);
	e->origin = gm_models_origin(p->doc, key);
	if (was)
		gm_set_str(&e->was, was->value);
	for (i = 0; i < labels->nr; i++) {
		const gm_yaml_node *l = labels->items[i];
		if (l->kind != GM_YAML_SCALAR || gm_yaml_is_null(l)) {
			error = gm_yaml_error(
				p->doc, l, "labels of enum '%s' must be scalars, not %s",
				key->value, gm_yaml_is_null(l) ? "null" : gm_yaml_kind_name(l));
			goto done;
		}
		for (k = 0; k < e->labels_nr; k++)
			if (!strcmp(e->labels[k], l->value)) {
				error = gm_yaml_error(p->doc, l,
						      "label '%s' of enum '%s' is listed twice",
						      l->value, key->value);
				goto done;
			}
		gm_enum_add_label(e, l->value);
	}
done:
	gm_buf_release(&what);
	return error;
}

int gm_models_parse_names(struct gm_models_parse *p, const gm_yaml_node *n, const char *what,
			  gm_table *t, void (*add)(void *obj, const char *name), void *obj)
{
	size_t i;

	if (n->kind == GM_YAML_SCALAR && !gm_yaml_is_null(n)) {
		if (t && !gm_table_column(t, n->value))
			return gm_yaml_error(p->doc, n, "%s names missing column '%s'", what,
					     n->value);
		add(obj, n->value);
		return 0;
	}
	if (n->kind != GM_YAML_SEQ || !n->nr)
		return gm_yaml_error(p->doc, n, "%s must be a list of column names, not %s", what,
				     gm_yaml_is_null(n)       ? "null"
				     : n->kind == GM_YAML_SEQ ? "an empty list"
							      : gm_yaml_kind_name(n));
	for (i = 0; i < n->nr; i++) {
		const gm_yaml_node *it = n->items[i];
		if (it->kind != GM_YAML_SCALAR || gm_yaml_is_null(it))
			return gm_yaml_error(p->doc, it,
					     "%s must be a list of column names, "
					     "not a list of %s",
					     what,
					     gm_yaml_is_null(it)       ? "nulls"
					     : it->kind == GM_YAML_SEQ ? "lists"
								       : "mappings");
		if (t && !gm_table_column(t, it->value))
			return gm_yaml_error(p->doc, it, "%s names missing column '%s'", what,
					     it->value);
		add(obj, it->value);
	}
	return 0;
}

static void add_pk(void *obj, const char *name)
{
	gm_table_add_pk(obj, name);
}

static void add_ix_col(void *obj, const char *name)
{
	gm_index_add_column(obj, name);
}

static void add_ix_include(void *obj, const char *name)
{
	gm_index_add_include(obj, name);
}

/*
 * expression (the key list as SQL: "lower(email)", "created_at DESC"), where, using (an
 * access method: btree, hash, gin, gist, brin, spgist...), include (columns),
 * nulls_not_distinct, comment.
 */
static int index_options(struct gm_models_parse *p, gm_table *t, const gm_yaml_node *n,
			 gm_index *ix)
{
	const gm_yaml_node *v;
	const char *m;
	int error;

	if ((error = gm_models_get_string(p, n, "expression", "an index", &ix->expr)) < 0 ||
	    (error = gm_models_get_string(p, n, "where", "an index", &ix->where)) < 0 ||
	    (error = gm_models_get_string(p, n, "using", "an index", &ix->method)) < 0 ||
	    (error = gm_models_get_string(p, n, "comment", "an index", &ix->comment)) < 0)
		return error;
	for (m = ix->method; m && *m; m++)
		if (!((*m >= 'a' && *m <= 'z') || (*m >= '0' && *m <= '9') || *m == '_'))
			return gm_yaml_error(p->doc, gm_yaml_get(n, "using"),
					     "'using' of an index must be an access method name "
					     "(btree, hash, gin, gist, brin, ...), not '%s'",
					     ix->method);
	if (ix->method && (!*ix->method || !strcmp(ix->method, "btree")))
		gm_set_str(&ix->method, NULL); /* the default */
	if ((v = gm_yaml_get(n, "include")) != NULL &&
	    (error = gm_models_parse_names(p, v, "'include' of an index", t, add_ix_include, ix)) <
		    0)
		return error;
	if ((v = gm_yaml_get(n, "nulls_not_distinct")) != NULL &&
	    (error = gm_models_get_bool(p, v, "'nulls_not_distinct' of an index",
					&ix->nulls_not_distinct)) < 0)
		return error;
	return 0;
}

static int parse_indexes(struct gm_models_parse *p, gm_table *t, const gm_yaml_node *list)
{
	static const char *const keys[] = {
		"name",  "columns", "expression",         "unique",  "where",
		"using", "include", "nulls_not_distinct", "comment", NULL
	};
	gm_buf what = GM_BUF_INIT, tmp = GM_BUF_INIT;
	size_t i;
	int error = 0;

	gm_buf_printf(&what, "'indexes' of table '%s'", t->name);
	if ((error = gm_models_expect_kind(p, list, GM_YAML_SEQ, what.ptr)) < 0)
		goto done;
	for (i = 0; i < list->nr; i++) {
		const gm_yaml_node *n = list->items[i], *name, *cols, *v;
		gm_index *ix;

		gm_buf_clear(&what);
		gm_buf_printf(&what, "an index of table '%s'", t->name);
		if ((error = gm_models_expect_kind(p, n, GM_YAML_MAP, what.ptr)) < 0)
			goto done;
		gm_buf_clear(&what);
		gm_buf_printf(&what, "in an index of table '%s'", t->name);
		if ((error = gm_models_check_keys(p, n, keys, what.ptr)) < 0)
			goto done;
		name = gm_yaml_get(n, "name");
		cols = gm_yaml_get(n, "columns");
		if (!cols == !gm_yaml_get(n, "expression")) {
			error = gm_yaml_error(p->doc, n,
					      "an index of table '%s' needs 'columns' or "
					      "'expression' (one of them)",
					      t->name);
			goto done;
		}
		if (!name && !cols) {
			error = gm_yaml_error(
				p->doc, n, "an index of table '%s' on an expression needs a 'name'",
				t->name);
			goto done;
		}
		if (name && (error = gm_models_expect_kind(p, name, GM_YAML_SCALAR,
							   "'name' of an index")) < 0)
			goto done;
		ix = gm_table_add_index(t, name ? name->value : "");
		gm_buf_clear(&what);
		gm_buf_printf(&what, "'columns' of an index of table '%s'", t->name);
		if ((cols &&
		     (error = gm_models_parse_names(p, cols, what.ptr, t, add_ix_col, ix)) < 0) ||
		    (error = index_options(p, t, n, ix)) < 0)
			goto done;
		if (!name) {
			gm_name_index(&tmp, t->name, ix->columns, ix->columns_nr);
			gm_set_str(&ix->name, tmp.ptr);
		}
		if ((v = gm_yaml_get(n, "unique")) != NULL &&
		    (error = gm_models_get_bool(p, v, "'unique' of an index", &ix->unique)) < 0)
			goto done;
		if ((error = gm_models_add_unique_index(p, t, name ? name : n, ix)) < 0)
			goto done;
	}
done:
	gm_buf_release(&tmp);
	gm_buf_release(&what);
	return error;
}

/* "(amount >= 0)" → "amount >= 0": one pair of parentheses around the whole expression. */
static void strip_parens(gm_buf *out, const char *expr)
{
	size_t i;
	int depth = 0;
	char quote = 0;

	gm_models_trim(out, expr);
	if (out->len < 2 || out->ptr[0] != '(' || out->ptr[out->len - 1] != ')')
		return;
	for (i = 0; i < out->len; i++) {
		char ch = out->ptr[i];
		if (quote) {
			if (ch == quote)
				quote = 0;
		} else if (ch == '\'' || ch == '"') {
			quote = ch;
		} else if (ch == '(') {
			depth++;
		} else if (ch == ')' && --depth == 0 && i != out->len - 1) {
			return; /* "(a) and (b)" */
		}
	}
	{
		gm_buf inner = GM_BUF_INIT;
		gm_buf_put(&inner, out->ptr + 1, out->len - 2);
		gm_models_trim(out, inner.ptr);
		gm_buf_release(&inner);
	}
}

/*
 * The value of check or exclusion constraint k (what names it): the condition or
 * definition itself, or a map {check: ... | exclude: ..., comment: ...}. *body is the
 * condition's node; *comment stays NULL without one (borrowed from the document).
 */
static int check_value(struct gm_models_parse *p, const gm_yaml_node *v, bool exclusion,
		       const char *what, const gm_yaml_node **body, const char **comment)
{
	static const char *const check_keys[] = { "check", "comment", NULL };
	static const char *const exclude_keys[] = { "exclude", "comment", NULL };
	const char *key = exclusion ? "exclude" : "check";
	const gm_yaml_node *c;
	gm_buf in = GM_BUF_INIT;
	int error;

	*body = v;
	if (v->kind != GM_YAML_MAP)
		return gm_models_expect_kind(p, v, GM_YAML_SCALAR, what);
	gm_buf_printf(&in, "in %s", what);
	if ((error = gm_models_check_keys(p, v, exclusion ? exclude_keys : check_keys, in.ptr)) < 0)
		goto done;
	if (!(*body = gm_yaml_get(v, key))) {
		error = gm_yaml_error(p->doc, v, "%s has no '%s'", what, key);
		goto done;
	}
	gm_buf_clear(&in);
	gm_buf_printf(&in, "'%s' of %s", key, what);
	if ((error = gm_models_expect_kind(p, *body, GM_YAML_SCALAR, in.ptr)) < 0)
		goto done;
	gm_buf_clear(&in);
	gm_buf_printf(&in, "'comment' of %s", what);
	if ((c = gm_yaml_get(v, "comment")) != NULL &&
	    (error = gm_models_expect_kind(p, c, GM_YAML_SCALAR, in.ptr)) == 0)
		*comment = c->value;
done:
	gm_buf_release(&in);
	return error;
}

/*
 * `checks:` (name → condition) or, with exclusion, `exclusions:` (name → the definition
 * after EXCLUDE: "USING gist (room WITH =, during WITH &&)", PostgreSQL's); either
 * as a map with a comment (check_value).
 */
static int parse_checks(struct gm_models_parse *p, gm_table *t, const gm_yaml_node *map,
			bool exclusion)
{
	const char *kind = exclusion ? "exclusion constraint" : "check", *comment;
	gm_buf what = GM_BUF_INIT, expr = GM_BUF_INIT;
	gm_check *ck;
	bool empty;
	size_t i;
	int error = 0;

	gm_buf_printf(&what, "'%s' of table '%s'", exclusion ? "exclusions" : "checks", t->name);
	if ((error = expect_map_or_null(p, map, what.ptr, &empty)) < 0 || empty)
		goto done;
	for (i = 0; i < map->nr; i++) {
		const gm_yaml_node *k = gm_yaml_key(map, i), *v = gm_yaml_value(map, i);
		if ((error = gm_models_expect_kind(p, k, GM_YAML_SCALAR,
						   exclusion ? "an exclusion constraint name"
							     : "a check name")) < 0)
			goto done;
		if (gm_table_check(t, k->value)) {
			error = gm_yaml_error(p->doc, k, "%s '%s' is defined twice in table '%s'",
					      kind, k->value, t->name);
			goto done;
		}
		gm_buf_clear(&what);
		gm_buf_printf(&what, "%s '%s' of table '%s'", kind, k->value, t->name);
		comment = NULL;
		if ((error = check_value(p, v, exclusion, what.ptr, &v, &comment)) < 0)
			goto done;
		gm_buf_clear(&expr);
		if (exclusion)
			gm_buf_printf(&expr, "EXCLUDE %s", v->value);
		else
			strip_parens(&expr, v->value);
		ck = gm_table_add_check(t, k->value, expr.ptr);
		ck->exclusion = exclusion;
		gm_set_str(&ck->comment, comment);
	}
done:
	gm_buf_release(&expr);
	gm_buf_release(&what);
	return error;
}

/* The 'columns' map of table t (cols may be NULL: an error). */
static int table_columns(struct gm_models_parse *p, gm_table *t, const gm_yaml_node *key,
			 const gm_yaml_node *cols, bool *pk_inline)
{
	gm_buf what = GM_BUF_INIT, type = GM_BUF_INIT;
	bool empty;
	size_t i;
	int error = 0;

	gm_buf_printf(&what, "'columns' of table '%s'", t->name);
	if (!cols || gm_yaml_is_null(cols) || (cols->kind == GM_YAML_MAP && !cols->nr)) {
		error = gm_yaml_error(p->doc, cols ? cols : key, "table '%s' has no columns",
				      t->name);
		goto done;
	}
	if ((error = expect_map_or_null(p, cols, what.ptr, &empty)) < 0)
		goto done;
	for (i = 0; i < cols->nr; i++) {
		const gm_yaml_node *ck = gm_yaml_key(cols, i), *cv = gm_yaml_value(cols, i);
		bool scalar = cv->kind == GM_YAML_SCALAR;
		size_t used = scalar ? gm_models_rejoin_parens(&type, cols, i) : 0;
		if ((error = gm_models_expect_kind(p, ck, GM_YAML_SCALAR, "a column name")) < 0 ||
		    (error = gm_models_parse_column(p, t, ck, cv, scalar ? type.ptr : NULL,
						    pk_inline)) < 0)
			goto done;
		i += used;
	}
done:
	gm_buf_release(&type);
	gm_buf_release(&what);
	return error;
}

/*
 * The 'primary_key' of table t (n may be NULL: none), unless a column declared it: a list
 * of columns (or one), or a map {columns: ..., comment: ...}.
 */
static int table_primary_key(struct gm_models_parse *p, gm_table *t, const gm_yaml_node *n,
			     bool pk_inline)
{
	static const char *const keys[] = { "columns", "comment", NULL };
	gm_buf what = GM_BUF_INIT;
	size_t i, k;
	int error = 0;

	if (!n)
		return 0;
	if (n->kind == GM_YAML_MAP && !pk_inline) {
		gm_buf_printf(&what, "in 'primary_key' of table '%s'", t->name);
		if ((error = gm_models_check_keys(p, n, keys, what.ptr)) < 0 ||
		    (error = gm_models_get_string(p, n, "comment", what.ptr + 3, &t->pk_comment)) <
			    0)
			goto done;
		if (!gm_yaml_get(n, "columns")) {
			error = gm_yaml_error(p->doc, n, "%s has no 'columns'", what.ptr + 3);
			goto done;
		}
		n = gm_yaml_get(n, "columns");
		gm_buf_clear(&what);
	}
	if (pk_inline)
		return gm_yaml_error(p->doc, n,
				     "table '%s' declares its primary key twice: on column '%s' "
				     "and in 'primary_key'",
				     t->name, t->pk[0]);
	gm_buf_printf(&what, "'primary_key' of table '%s'", t->name);
	if ((error = gm_models_parse_names(p, n, what.ptr, t, add_pk, t)) < 0)
		goto done;
	for (i = 0; i < t->pk_nr; i++) {
		for (k = 0; k < i; k++)
			if (!strcmp(t->pk[k], t->pk[i])) {
				error = gm_yaml_error(
					p->doc, n, "'primary_key' of table '%s' lists '%s' twice",
					t->name, t->pk[i]);
				goto done;
			}
		gm_table_column(t, t->pk[i])->nullable = false;
	}
done:
	gm_buf_release(&what);
	return error;
}

static int parse_table(struct gm_models_parse *p, const gm_yaml_node *key, const gm_yaml_node *val)
{
	static const char *const keys[] = { "columns",      "primary_key", "indexes",
					    "foreign_keys", "checks",      "exclusions",
					    "comment",      "was",         NULL };
	const gm_yaml_node *n;
	gm_buf what = GM_BUF_INIT;
	gm_table *t, *other;
	bool pk_inline = false;
	int error = 0;

	if ((other = find_table(p, key->value)) != NULL) {
		error = gm_yaml_error(p->doc, key, "table '%s' is defined twice: %s and %s:%d:%d",
				      key->value, other->origin ? other->origin : "?", p->doc->path,
				      key->line, key->col);
		goto done;
	}
	gm_buf_printf(&what, "table '%s'", key->value);
	if (gm_yaml_is_null(val)) {
		error = gm_yaml_error(p->doc, key, "table '%s' has no columns", key->value);
		goto done;
	}
	if ((error = gm_models_expect_kind(p, val, GM_YAML_MAP, what.ptr)) < 0)
		goto done;
	gm_buf_clear(&what);
	gm_buf_printf(&what, "in table '%s'", key->value);
	if ((error = gm_models_check_keys(p, val, keys, what.ptr)) < 0)
		goto done;

	t = gm_schema_add_table(p->part, key->value);
	t->origin = gm_models_origin(p->doc, key);
	if ((error = table_columns(p, t, key, gm_yaml_get(val, "columns"), &pk_inline)) < 0 ||
	    (error = table_primary_key(p, t, gm_yaml_get(val, "primary_key"), pk_inline)) < 0)
		goto done;
	if (t->pk_nr) {
		gm_name_pkey(&what, t->name);
		gm_set_str(&t->pk_name, what.ptr);
	}
	if ((n = gm_yaml_get(val, "indexes")) != NULL && !gm_yaml_is_null(n) &&
	    (error = parse_indexes(p, t, n)) < 0)
		goto done;
	if ((n = gm_yaml_get(val, "foreign_keys")) != NULL && !gm_yaml_is_null(n) &&
	    (error = gm_models_parse_foreign_keys(p, t, n)) < 0)
		goto done;
	if ((n = gm_yaml_get(val, "checks")) != NULL && (error = parse_checks(p, t, n, false)) < 0)
		goto done;
	if ((n = gm_yaml_get(val, "exclusions")) != NULL &&
	    (error = parse_checks(p, t, n, true)) < 0)
		goto done;
	if ((n = gm_yaml_get(val, "comment")) != NULL) {
		if ((error = gm_models_expect_kind(p, n, GM_YAML_SCALAR, "'comment' of a table")) <
		    0)
			goto done;
		gm_set_str(&t->comment, n->value);
	}
	if ((n = gm_yaml_get(val, "was")) != NULL) {
		if ((error = gm_models_expect_kind(p, n, GM_YAML_SCALAR, "'was' of a table")) < 0)
			goto done;
		gm_set_str(&t->was, n->value);
	}
done:
	gm_buf_release(&what);
	return error;
}

int gm_models_parse_yaml(gm_schema *into, const char *path, const char *data, size_t len)
{
	static const char *const keys[] = {
		"enums",     "tables", "extensions",         "domains",  "sequences",
		"functions", "views",  "materialized_views", "triggers", NULL
	};
	gm_yaml_doc *doc = NULL;
	struct gm_models_parse p = { NULL, into, NULL };
	const gm_yaml_node *root, *n;
	bool empty;
	size_t i;
	int error = 0;

	GM_ASSERT_ARG(into);
	GM_ASSERT_ARG(path);
	gm_schema_new(&p.part);
	if ((error = gm_yaml_load(&doc, path, data ? data : "", data ? len : 0)) < 0)
		goto done;
	p.doc = doc;
	root = doc->root;
	if (!root || gm_yaml_is_null(root))
		goto done; /* an empty file is an empty schema */
	if ((error = gm_models_expect_kind(&p, root, GM_YAML_MAP, "a models file")) < 0 ||
	    (error = gm_models_check_keys(&p, root, keys, "at the top level")) < 0)
		goto done;

	if ((n = gm_yaml_get(root, "enums")) != NULL) {
		if ((error = expect_map_or_null(&p, n, "'enums'", &empty)) < 0)
			goto done;
		for (i = 0; !empty && i < n->nr; i++) {
			const gm_yaml_node *k = gm_yaml_key(n, i);
			if ((error = gm_models_expect_kind(&p, k, GM_YAML_SCALAR, "an enum name")) <
				    0 ||
			    (error = parse_enum(&p, k, gm_yaml_value(n, i))) < 0)
				goto done;
		}
	}
	if ((n = gm_yaml_get(root, "tables")) != NULL) {
		if ((error = expect_map_or_null(&p, n, "'tables'", &empty)) < 0)
			goto done;
		for (i = 0; !empty && i < n->nr; i++) {
			const gm_yaml_node *k = gm_yaml_key(n, i);
			if ((error = gm_models_expect_kind(&p, k, GM_YAML_SCALAR, "a table name")) <
				    0 ||
			    (error = parse_table(&p, k, gm_yaml_value(n, i))) < 0)
				goto done;
		}
	}
	error = gm_models_parse_objects(&p, root);
done:
	if (error < 0) {
		gm_schema_free(p.part);
	} else {
		gm_models_move(into, p.part);
		gm_models_resolve(into);
	}
	gm_yaml_free(doc);
	return error;
}
