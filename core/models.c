/*
 * Models from YAML files (DESIGN.md §3.3), merging, and validation. Several files merge
 * into one schema; the same table or enum twice is an error naming both places. Loading
 * every configured source (SQL files, commands) is in models_load.c.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "git-migrate/models.h"
#include "git-migrate/vec.h"
#include "models_int.h"
#include "type.h"
#include "yaml.h"
#include "util/suggest.h"
#include "util/strvec.h"
#include "util/banned.h"

/* ---- small helpers ---- */

/* Length of a canonical type without its "(...)" modifier and "[]" suffix. */
static size_t base_len(const char *type)
{
	return strcspn(type, "([");
}

static bool is_array(const char *type)
{
	size_t n = strlen(type);
	return n > 2 && !strcmp(type + n - 2, "[]");
}

static char *make_origin(const gm_yaml_doc *doc, const gm_yaml_node *n)
{
	gm_buf b = GM_BUF_INIT;
	gm_buf_printf(&b, "%s:%d:%d", doc->path, n->line, n->col);
	return gm_buf_detach(&b);
}

/* Split "path:line:col" (or a bare "path") for gm_error_set_at. */
static void split_origin(gm_buf *path, int *line, int *col, const char *origin)
{
	const char *c2, *c1;
	char *end;
	long l, c;

	gm_buf_clear(path);
	*line = *col = 0;
	if (!origin)
		return;
	c2 = strrchr(origin, ':');
	if (c2 && c2 > origin) {
		c1 = c2 - 1;
		while (c1 > origin && *c1 != ':')
			c1--;
		if (*c1 == ':') {
			l = strtol(c1 + 1, &end, 10);
			if (end == c2 && end > c1 + 1) {
				c = strtol(c2 + 1, &end, 10);
				if (!*end && end > c2 + 1) {
					gm_buf_put(path, origin, (size_t)(c1 - origin));
					*line = (int)l;
					*col = (int)c;
					return;
				}
			}
		}
	}
	gm_buf_puts(path, origin);
}

/* Set a GM_EINVALID error at an origin string ("path:line:col", or NULL). */
static int error_at(const char *origin, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int error_at(const char *origin, const char *fmt, ...)
{
	gm_buf path = GM_BUF_INIT, msg = GM_BUF_INIT;
	int line, col;
	va_list ap;

	va_start(ap, fmt);
	gm_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	split_origin(&path, &line, &col, origin);
	if (path.len)
		gm_error_set_at(GM_EINVALID, path.ptr, line, col, "%s", msg.ptr);
	else
		gm_error_set(GM_EINVALID, "%s", msg.ptr);
	gm_buf_release(&msg);
	gm_buf_release(&path);
	return GM_EINVALID;
}

/* ---- YAML parsing ---- */

static int paren_depth(const char *s)
{
	int d = 0;
	for (; *s; s++)
		d += (*s == '(') - (*s == ')');
	return d;
}

/*
 * In a YAML flow mapping, `{type: numeric(12,2)}` splits at the comma into the pairs
 * "type: numeric(12" and "2): null" (a comma ends a plain scalar there). DESIGN.md's own
 * example is written that way, so rejoin the value of pair i with the null-valued plain
 * keys after it while its parentheses are open. Writes the value into out and returns
 * how many following pairs were used (0 when nothing needed rejoining).
 */
static size_t rejoin_parens(gm_buf *out, const gm_yaml_node *map, size_t i)
{
	const gm_yaml_node *v = gm_yaml_value(map, i);
	size_t j, used = 0;
	int depth;

	gm_buf_clear(out);
	if (v->kind != GM_YAML_SCALAR)
		return 0;
	gm_buf_puts(out, v->value);
	if (!v->plain || (depth = paren_depth(v->value)) <= 0)
		return 0;
	for (j = i + 1; depth > 0 && j < map->nr; j++) {
		const gm_yaml_node *k = gm_yaml_key(map, j);
		if (k->kind != GM_YAML_SCALAR || !k->plain || !gm_yaml_is_null(gm_yaml_value(map, j)))
			break;
		gm_buf_printf(out, ",%s", k->value);
		depth += paren_depth(k->value);
		used++;
	}
	if (depth != 0) {
		gm_buf_clear(out);
		gm_buf_puts(out, v->value);
		return 0;
	}
	return used;
}

struct parse {
	const gm_yaml_doc *doc;
	gm_schema *into;   /* what earlier files gave */
	gm_schema *part;   /* this file's objects, merged into `into` on success */
};

/*
 * Every key of `map` must be one of `allowed` (pairs skip_lo..skip_hi-1 excepted). `where`
 * names the map for the message.
 */
static int check_keys_skip(struct parse *p, const gm_yaml_node *map,
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
			return gm_yaml_error(p->doc, key, "keys %s must be scalars, not %s",
					     where, gm_yaml_kind_name(key));
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

static int check_keys(struct parse *p, const gm_yaml_node *map, const char *const *allowed,
		      const char *where)
{
	return check_keys_skip(p, map, allowed, where, 0, 0);
}

static int expect_kind(struct parse *p, const gm_yaml_node *n, gm_yaml_kind kind,
		       const char *what)
{
	static const char *const names[] = { "a scalar", "a list", "a mapping" };
	if (n->kind == kind && !(kind == GM_YAML_SCALAR && gm_yaml_is_null(n)))
		return 0;
	return gm_yaml_error(p->doc, n, "%s must be %s, not %s", what, names[kind],
			     gm_yaml_is_null(n) ? "null" : gm_yaml_kind_name(n));
}

/* A mapping, or null (an empty section): *empty set for null. */
static int expect_map_or_null(struct parse *p, const gm_yaml_node *n, const char *what,
			      bool *empty)
{
	*empty = gm_yaml_is_null(n);
	if (*empty)
		return 0;
	return expect_kind(p, n, GM_YAML_MAP, what);
}

static int get_bool(struct parse *p, const gm_yaml_node *n, const char *what, bool *out)
{
	int b = gm_yaml_bool(n);
	if (b < 0) {
		if (n->kind == GM_YAML_SCALAR)
			return gm_yaml_error(p->doc, n, "%s must be true or false, not '%s'",
					     what, n->value);
		return gm_yaml_error(p->doc, n, "%s must be true or false, not %s", what,
				     gm_yaml_kind_name(n));
	}
	*out = b == 1;
	return 0;
}

static gm_table *find_table(struct parse *p, const char *name)
{
	gm_table *t = gm_schema_table(p->into, name);
	return t ? t : gm_schema_table(p->part, name);
}

static gm_enum *find_enum(struct parse *p, const char *name)
{
	gm_enum *e = gm_schema_enum(p->into, name);
	return e ? e : gm_schema_enum(p->part, name);
}

static void trim(gm_buf *b, const char *s)
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
static int parse_enum(struct parse *p, const gm_yaml_node *key, const gm_yaml_node *val)
{
	static const char *const keys[] = { "values", "was", NULL };
	const gm_yaml_node *labels = val, *was = NULL;
	gm_buf what = GM_BUF_INIT;
	gm_enum *e, *other;
	size_t i, k;
	int error = 0;

	gm_buf_printf(&what, "enum '%s'", key->value);
	if ((other = find_enum(p, key->value)) != NULL) {
		error = gm_yaml_error(p->doc, key, "enum '%s' is defined twice: %s and %s:%d:%d",
				      key->value, other->origin ? other->origin : "?",
				      p->doc->path, key->line, key->col);
		goto done;
	}
	if (val->kind == GM_YAML_MAP) {
		gm_buf w = GM_BUF_INIT;
		gm_buf_printf(&w, "in enum '%s'", key->value);
		error = check_keys(p, val, keys, w.ptr);
		gm_buf_release(&w);
		if (error < 0)
			goto done;
		labels = gm_yaml_get(val, "values");
		was = gm_yaml_get(val, "was");
		if (!labels) {
			error = gm_yaml_error(p->doc, val, "enum '%s' has no 'values'",
					      key->value);
			goto done;
		}
	}
	if (labels->kind != GM_YAML_SEQ) {
		gm_buf_clear(&what);
		gm_buf_printf(&what, "labels of enum '%s'", key->value);
		error = expect_kind(p, labels, GM_YAML_SEQ, what.ptr);
		goto done;
	}
	if (was && (error = expect_kind(p, was, GM_YAML_SCALAR, "'was'")) < 0)
		goto done;
	if (!labels->nr) { /* a type no value could have */
		error = gm_yaml_error(p->doc, labels, "enum '%s' has no labels", key->value);
		goto done;
	}

	e = gm_schema_add_enum(p->part, key->value);
	e->origin = make_origin(p->doc, key);
	if (was)
		gm_set_str(&e->was, was->value);
	for (i = 0; i < labels->nr; i++) {
		const gm_yaml_node *l = labels->items[i];
		if (l->kind != GM_YAML_SCALAR || gm_yaml_is_null(l)) {
			error = gm_yaml_error(p->doc, l,
					      "labels of enum '%s' must be scalars, not %s",
					      key->value,
					      gm_yaml_is_null(l) ? "null" : gm_yaml_kind_name(l));
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

/* "cascade", "SET NULL", "set_null" → canonical; "no action" → NULL. -1 when unknown. */
static int fk_action(const char *v, const char **out)
{
	static const char *const actions[] = { "cascade", "set null", "set default",
					       "restrict", "no action", NULL };
	gm_buf b = GM_BUF_INIT;
	size_t i;
	int found = -1;

	trim(&b, v);
	for (i = 0; i < b.len; i++)
		b.ptr[i] = (b.ptr[i] == '_' || isspace((unsigned char)b.ptr[i]))
				   ? ' '
				   : (char)tolower((unsigned char)b.ptr[i]);
	for (i = 0; actions[i]; i++)
		if (!strcmp(b.ptr, actions[i])) {
			*out = i == 4 ? NULL : actions[i];
			found = 0;
		}
	gm_buf_release(&b);
	return found;
}

/* "contacts(id)", "contacts.id", "contacts" → table, column ("" = its primary key). */
static bool parse_reference(gm_buf *table, gm_buf *column, const char *v)
{
	gm_buf s = GM_BUF_INIT;
	const char *open, *dot;
	bool ok = true;

	trim(&s, v);
	gm_buf_clear(column);
	open = strchr(s.ptr, '(');
	dot = strchr(s.ptr, '.');
	if (open) {
		char *close = strchr(open, ')');
		gm_buf tmp = GM_BUF_INIT;
		if (!close || close[1] || strchr(open + 1, '(') || strchr(open + 1, ',')) {
			ok = false;
		} else {
			gm_buf_put(&tmp, open + 1, (size_t)(close - open - 1));
			trim(column, tmp.ptr);
			gm_buf_clear(&tmp);
			gm_buf_put(&tmp, s.ptr, (size_t)(open - s.ptr));
			trim(table, tmp.ptr);
			ok = column->len > 0;
		}
		gm_buf_release(&tmp);
	} else if (dot) {
		gm_buf_clear(table);
		gm_buf_put(table, s.ptr, (size_t)(dot - s.ptr));
		gm_buf_puts(column, dot + 1);
		ok = column->len > 0 && !strchr(dot + 1, '.');
	} else {
		gm_buf_clear(table);
		gm_buf_puts(table, s.ptr);
	}
	if (!table->len || strpbrk(table->ptr, " \t()") || strpbrk(column->ptr, " \t"))
		ok = false;
	gm_buf_release(&s);
	return ok;
}

static bool looks_numeric(const char *v)
{
	char *end;
	if (!*v || isspace((unsigned char)*v))
		return false;
	(void)strtod(v, &end);
	return !*end;
}

/* A literal default: booleans canonical, numbers checked on numeric types. */
static int parse_default(struct parse *p, gm_column *c, const gm_yaml_node *n,
			 const char *what)
{
	static const char *const yes[] = { "true", "yes", "on", "t", "1", NULL };
	static const char *const no[] = { "false", "no", "off", "f", "0", NULL };
	size_t i;

	if (gm_yaml_is_null(n))
		return gm_yaml_error(p->doc, n,
				     "'default' of %s is null: omit it for no default", what);
	if (n->kind != GM_YAML_SCALAR)
		return expect_kind(p, n, GM_YAML_SCALAR, "'default'");
	if (!strcmp(c->type, "boolean")) {
		for (i = 0; yes[i]; i++)
			if (!strcasecmp(n->value, yes[i])) {
				gm_column_set_default(c, GM_DEFAULT_LITERAL, "true");
				return 0;
			}
		for (i = 0; no[i]; i++)
			if (!strcasecmp(n->value, no[i])) {
				gm_column_set_default(c, GM_DEFAULT_LITERAL, "false");
				return 0;
			}
		return gm_yaml_error(p->doc, n,
				     "'default' of boolean %s must be true or false, not '%s'",
				     what, n->value);
	}
	if (gm_type_is_numeric(c->type) && !looks_numeric(n->value))
		return gm_yaml_error(p->doc, n, "'default' of %s (%s) is not a number: '%s'",
				     what, c->type, n->value);
	if (n->plain && gm_yaml_bool(n) >= 0 &&
	    (!strcasecmp(n->value, "true") || !strcasecmp(n->value, "false")))
		gm_column_set_default(c, GM_DEFAULT_LITERAL,
				      gm_yaml_bool(n) ? "true" : "false");
	else
		gm_column_set_default(c, GM_DEFAULT_LITERAL, n->value);
	return 0;
}

/* The column type: an enum of the models keeps its exact name, else gm_type_canonical. */
static void column_type(struct parse *p, gm_buf *out, const char *declared)
{
	gm_buf t = GM_BUF_INIT;
	bool array = false;

	trim(&t, declared);
	if (t.len > 2 && !strcmp(t.ptr + t.len - 2, "[]")) {
		gm_buf_truncate(&t, t.len - 2);
		array = true;
	}
	if (find_enum(p, t.ptr)) {
		gm_buf_clear(out);
		gm_buf_puts(out, t.ptr);
		if (array)
			gm_buf_puts(out, "[]");
	} else {
		gm_type_canonical(out, declared);
	}
	gm_buf_release(&t);
}

static int add_unique_index(struct parse *p, gm_table *t, const gm_yaml_node *at, gm_index *ix)
{
	size_t i;
	for (i = 0; i < t->indexes_nr; i++)
		if (t->indexes[i] != ix && !strcmp(t->indexes[i]->name, ix->name))
			return gm_yaml_error(p->doc, at,
					     "index '%s' is defined twice in table '%s'",
					     ix->name, t->name);
	return 0;
}

/* on_delete / on_update of a column map: canonical action or NULL. */
static int parse_action(struct parse *p, const gm_yaml_node *map, const char *key,
			const char *what, const char **out)
{
	const gm_yaml_node *n = gm_yaml_get(map, key);

	*out = NULL;
	if (!n)
		return 0;
	if (n->kind == GM_YAML_SCALAR && fk_action(n->value, out) == 0)
		return 0;
	return gm_yaml_error(p->doc, n,
			     "'%s' of %s must be cascade, set null, set default, restrict or "
			     "no action, not %s%s%s", key, what,
			     n->kind == GM_YAML_SCALAR ? "'" : "",
			     n->kind == GM_YAML_SCALAR ? n->value : gm_yaml_kind_name(n),
			     n->kind == GM_YAML_SCALAR ? "'" : "");
}

/* One column. `shorthand` is the type text of a `name: type` column (NULL for a map). */
static int parse_column(struct parse *p, gm_table *t, const gm_yaml_node *key,
			const gm_yaml_node *val, const char *shorthand, bool *pk_inline)
{
	static const char *const keys[] = { "type", "null", "primary_key", "identity",
					    "unique", "default", "default_sql", "references",
					    "on_delete", "on_update", "comment", "was", NULL };
	const gm_yaml_node *type = val, *n;
	gm_buf what = GM_BUF_INIT, in = GM_BUF_INIT, tmp = GM_BUF_INIT, col = GM_BUF_INIT;
	gm_buf type_text = GM_BUF_INIT;
	gm_column *c;
	bool pk = false, unique = false, null_given = false, nullable = true;
	const char *why = NULL;
	int error = 0;

	gm_buf_printf(&what, "column '%s.%s'", t->name, key->value);
	if ((c = gm_table_column(t, key->value)) != NULL) {
		error = gm_yaml_error(p->doc, key, "%s is defined twice: %s and %s:%d:%d",
				      what.ptr, c->origin, p->doc->path, key->line, key->col);
		goto done;
	}
	if (val->kind == GM_YAML_MAP) {
		size_t i, used = 0;
		for (i = 0; i < val->nr; i++)
			if (gm_yaml_key(val, i)->kind == GM_YAML_SCALAR &&
			    !strcmp(gm_yaml_key(val, i)->value, "type"))
				break;
		if (i < val->nr)
			used = rejoin_parens(&type_text, val, i);
		gm_buf_printf(&in, "in %s", what.ptr);
		if ((error = check_keys_skip(p, val, keys, in.ptr, i + 1, i + 1 + used)) < 0)
			goto done;
		type = gm_yaml_get(val, "type");
		if (!type) {
			error = gm_yaml_error(p->doc, key, "%s has no 'type'", what.ptr);
			goto done;
		}
	} else if (shorthand) {
		gm_buf_puts(&type_text, shorthand);
	}
	if (gm_yaml_is_null(type)) {
		error = gm_yaml_error(p->doc, val->kind == GM_YAML_MAP ? type : key,
				      "%s has no type", what.ptr);
		goto done;
	}
	gm_buf_clear(&in);
	gm_buf_printf(&in, "the type of %s", what.ptr);
	if ((error = expect_kind(p, type, GM_YAML_SCALAR, in.ptr)) < 0)
		goto done;

	column_type(p, &tmp, type_text.len ? type_text.ptr : type->value);
	c = gm_table_add_column(t, key->value, tmp.ptr);
	c->origin = make_origin(p->doc, key);
	if (!strcmp(c->type, "serial") || !strcmp(c->type, "bigserial"))
		c->nullable = false; /* PostgreSQL makes serial columns NOT NULL */
	if (val->kind != GM_YAML_MAP)
		goto done;

	gm_buf_clear(&in);
	if ((n = gm_yaml_get(val, "null")) != NULL) {
		gm_buf_printf(&in, "'null' of %s", what.ptr);
		if ((error = get_bool(p, n, in.ptr, &nullable)) < 0)
			goto done;
		null_given = true;
	}
	gm_buf_clear(&in);
	if ((n = gm_yaml_get(val, "primary_key")) != NULL) {
		gm_buf_printf(&in, "'primary_key' of %s", what.ptr);
		if ((error = get_bool(p, n, in.ptr, &pk)) < 0)
			goto done;
	}
	gm_buf_clear(&in);
	if ((n = gm_yaml_get(val, "identity")) != NULL) {
		gm_buf_printf(&in, "'identity' of %s", what.ptr);
		if ((error = get_bool(p, n, in.ptr, &c->identity)) < 0)
			goto done;
		if (c->identity && strcmp(c->type, "integer") && strcmp(c->type, "bigint") &&
		    strcmp(c->type, "smallint")) {
			error = gm_yaml_error(p->doc, n,
					      "identity %s must be integer, bigint or smallint, not '%s'",
					      what.ptr, c->type);
			goto done;
		}
	}
	gm_buf_clear(&in);
	if ((n = gm_yaml_get(val, "unique")) != NULL) {
		gm_buf_printf(&in, "'unique' of %s", what.ptr);
		if ((error = get_bool(p, n, in.ptr, &unique)) < 0)
			goto done;
	}

	/* not-null rules: the primary key, identity and serial columns are never null */
	if (pk)
		why = "in the primary key";
	else if (c->identity)
		why = "an identity column";
	else if (!strcmp(c->type, "serial") || !strcmp(c->type, "bigserial"))
		why = "serial";
	if (why && null_given && nullable) {
		error = gm_yaml_error(p->doc, gm_yaml_get(val, "null"),
				      "%s cannot be null: it is %s", what.ptr, why);
		goto done;
	}
	c->nullable = nullable && !why;
	if (pk) {
		gm_table_add_pk(t, c->name);
		*pk_inline = true;
	}

	if ((n = gm_yaml_get(val, "default")) != NULL &&
	    (error = parse_default(p, c, n, what.ptr)) < 0)
		goto done;
	if ((n = gm_yaml_get(val, "default_sql")) != NULL) {
		if (gm_yaml_get(val, "default")) {
			error = gm_yaml_error(p->doc, n,
					      "%s has both 'default' and 'default_sql'", what.ptr);
			goto done;
		}
		gm_buf_clear(&in);
		gm_buf_printf(&in, "'default_sql' of %s", what.ptr);
		if ((error = expect_kind(p, n, GM_YAML_SCALAR, in.ptr)) < 0)
			goto done;
		gm_column_set_default(c, GM_DEFAULT_SQL, n->value);
	}
	if ((n = gm_yaml_get(val, "comment")) != NULL) {
		gm_buf_clear(&in);
		gm_buf_printf(&in, "'comment' of %s", what.ptr);
		if ((error = expect_kind(p, n, GM_YAML_SCALAR, in.ptr)) < 0)
			goto done;
		gm_set_str(&c->comment, n->value);
	}
	if ((n = gm_yaml_get(val, "was")) != NULL) {
		gm_buf_clear(&in);
		gm_buf_printf(&in, "'was' of %s", what.ptr);
		if ((error = expect_kind(p, n, GM_YAML_SCALAR, in.ptr)) < 0)
			goto done;
		gm_set_str(&c->was, n->value);
	}

	if (unique) {
		char *cols[1];
		gm_index *ix;
		cols[0] = c->name;
		gm_name_key(&tmp, t->name, cols, 1);
		ix = gm_table_add_index(t, tmp.ptr);
		gm_index_add_column(ix, c->name);
		ix->unique = true;
		ix->constraint = true;
		if ((error = add_unique_index(p, t, gm_yaml_get(val, "unique"), ix)) < 0)
			goto done;
	}

	if ((n = gm_yaml_get(val, "references")) != NULL) {
		gm_buf ref_table = GM_BUF_INIT;
		const char *on_delete = NULL, *on_update = NULL;
		char *cols[1];
		gm_fkey *fk;

		gm_buf_clear(&in);
		gm_buf_printf(&in, "'references' of %s", what.ptr);
		if ((error = expect_kind(p, n, GM_YAML_SCALAR, in.ptr)) < 0)
			goto done;
		if (!parse_reference(&ref_table, &col, n->value)) {
			gm_buf_release(&ref_table);
			error = gm_yaml_error(p->doc, n,
					      "'references' of %s must be 'table(column)', "
					      "'table.column' or 'table', not '%s'",
					      what.ptr, n->value);
			goto done;
		}
		if ((error = parse_action(p, val, "on_delete", what.ptr, &on_delete)) < 0 ||
		    (error = parse_action(p, val, "on_update", what.ptr, &on_update)) < 0) {
			gm_buf_release(&ref_table);
			goto done;
		}
		cols[0] = c->name;
		gm_name_fkey(&tmp, t->name, cols, 1);
		fk = gm_table_add_fkey(t, tmp.ptr, ref_table.ptr);
		gm_fkey_add_pair(fk, c->name, col.ptr);
		gm_set_str(&fk->on_delete, on_delete);
		gm_set_str(&fk->on_update, on_update);
		gm_buf_release(&ref_table);
		goto done;
	}
	if ((n = gm_yaml_get(val, "on_delete")) != NULL ||
	    (n = gm_yaml_get(val, "on_update")) != NULL) {
		error = gm_yaml_error(p->doc, n, "%s has '%s' but no 'references'", what.ptr,
				      n == gm_yaml_get(val, "on_delete") ? "on_delete" : "on_update");
		goto done;
	}

done:
	gm_buf_release(&type_text);
	gm_buf_release(&col);
	gm_buf_release(&tmp);
	gm_buf_release(&in);
	gm_buf_release(&what);
	return error;
}

/* A list of column names (a single scalar is a list of one). */
static int parse_name_list(struct parse *p, const gm_yaml_node *n, const char *what,
			   gm_table *t, void (*add)(void *obj, const char *name), void *obj)
{
	size_t i;

	if (n->kind == GM_YAML_SCALAR && !gm_yaml_is_null(n)) {
		if (!gm_table_column(t, n->value))
			return gm_yaml_error(p->doc, n, "%s names missing column '%s'", what,
					     n->value);
		add(obj, n->value);
		return 0;
	}
	if (n->kind != GM_YAML_SEQ || !n->nr)
		return gm_yaml_error(p->doc, n, "%s must be a list of column names, not %s",
				     what,
				     gm_yaml_is_null(n)  ? "null"
				     : n->kind == GM_YAML_SEQ ? "an empty list"
							      : gm_yaml_kind_name(n));
	for (i = 0; i < n->nr; i++) {
		const gm_yaml_node *it = n->items[i];
		if (it->kind != GM_YAML_SCALAR || gm_yaml_is_null(it))
			return gm_yaml_error(p->doc, it, "%s must be a list of column names, "
					     "not a list of %s", what,
					     gm_yaml_is_null(it) ? "nulls"
								 : it->kind == GM_YAML_SEQ ? "lists"
								 : "mappings");
		if (!gm_table_column(t, it->value))
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

static int parse_indexes(struct parse *p, gm_table *t, const gm_yaml_node *list)
{
	static const char *const keys[] = { "name", "columns", "unique", "where", NULL };
	gm_buf what = GM_BUF_INIT, tmp = GM_BUF_INIT;
	size_t i;
	int error = 0;

	gm_buf_printf(&what, "'indexes' of table '%s'", t->name);
	if ((error = expect_kind(p, list, GM_YAML_SEQ, what.ptr)) < 0)
		goto done;
	for (i = 0; i < list->nr; i++) {
		const gm_yaml_node *n = list->items[i], *name, *cols, *v;
		gm_index *ix;

		gm_buf_clear(&what);
		gm_buf_printf(&what, "an index of table '%s'", t->name);
		if ((error = expect_kind(p, n, GM_YAML_MAP, what.ptr)) < 0)
			goto done;
		gm_buf_clear(&what);
		gm_buf_printf(&what, "in an index of table '%s'", t->name);
		if ((error = check_keys(p, n, keys, what.ptr)) < 0)
			goto done;
		name = gm_yaml_get(n, "name");
		cols = gm_yaml_get(n, "columns");
		if (!cols) {
			error = gm_yaml_error(p->doc, n, "an index of table '%s' has no 'columns'",
					      t->name);
			goto done;
		}
		if (name && (error = expect_kind(p, name, GM_YAML_SCALAR, "'name' of an index")) < 0)
			goto done;
		ix = gm_table_add_index(t, name ? name->value : "");
		gm_buf_clear(&what);
		gm_buf_printf(&what, "'columns' of an index of table '%s'", t->name);
		if ((error = parse_name_list(p, cols, what.ptr, t, add_ix_col, ix)) < 0)
			goto done;
		if (!name) {
			gm_name_index(&tmp, t->name, ix->columns, ix->columns_nr);
			gm_set_str(&ix->name, tmp.ptr);
		}
		if ((v = gm_yaml_get(n, "unique")) != NULL &&
		    (error = get_bool(p, v, "'unique' of an index", &ix->unique)) < 0)
			goto done;
		if ((v = gm_yaml_get(n, "where")) != NULL) {
			if ((error = expect_kind(p, v, GM_YAML_SCALAR, "'where' of an index")) < 0)
				goto done;
			gm_set_str(&ix->where, v->value);
		}
		if ((error = add_unique_index(p, t, name ? name : n, ix)) < 0)
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

	trim(out, expr);
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
		trim(out, inner.ptr);
		gm_buf_release(&inner);
	}
}

static int parse_checks(struct parse *p, gm_table *t, const gm_yaml_node *map)
{
	gm_buf what = GM_BUF_INIT, expr = GM_BUF_INIT;
	bool empty;
	size_t i;
	int error = 0;

	gm_buf_printf(&what, "'checks' of table '%s'", t->name);
	if ((error = expect_map_or_null(p, map, what.ptr, &empty)) < 0 || empty)
		goto done;
	for (i = 0; i < map->nr; i++) {
		const gm_yaml_node *k = gm_yaml_key(map, i), *v = gm_yaml_value(map, i);
		if ((error = expect_kind(p, k, GM_YAML_SCALAR, "a check name")) < 0)
			goto done;
		if (gm_table_check(t, k->value)) {
			error = gm_yaml_error(p->doc, k, "check '%s' is defined twice in table '%s'",
					      k->value, t->name);
			goto done;
		}
		gm_buf_clear(&what);
		gm_buf_printf(&what, "check '%s' of table '%s'", k->value, t->name);
		if ((error = expect_kind(p, v, GM_YAML_SCALAR, what.ptr)) < 0)
			goto done;
		strip_parens(&expr, v->value);
		gm_table_add_check(t, k->value, expr.ptr);
	}
done:
	gm_buf_release(&expr);
	gm_buf_release(&what);
	return error;
}

static int parse_table(struct parse *p, const gm_yaml_node *key, const gm_yaml_node *val)
{
	static const char *const keys[] = { "columns", "primary_key", "indexes", "checks",
					    "comment", "was", NULL };
	const gm_yaml_node *cols, *n;
	gm_buf what = GM_BUF_INIT, type = GM_BUF_INIT;
	gm_table *t, *other;
	bool pk_inline = false, empty;
	size_t i;
	int error = 0;

	if ((other = find_table(p, key->value)) != NULL) {
		error = gm_yaml_error(p->doc, key, "table '%s' is defined twice: %s and %s:%d:%d",
				      key->value, other->origin ? other->origin : "?",
				      p->doc->path, key->line, key->col);
		goto done;
	}
	gm_buf_printf(&what, "table '%s'", key->value);
	if (gm_yaml_is_null(val)) {
		error = gm_yaml_error(p->doc, key, "table '%s' has no columns", key->value);
		goto done;
	}
	if ((error = expect_kind(p, val, GM_YAML_MAP, what.ptr)) < 0)
		goto done;
	gm_buf_clear(&what);
	gm_buf_printf(&what, "in table '%s'", key->value);
	if ((error = check_keys(p, val, keys, what.ptr)) < 0)
		goto done;

	t = gm_schema_add_table(p->part, key->value);
	t->origin = make_origin(p->doc, key);
	cols = gm_yaml_get(val, "columns");
	gm_buf_clear(&what);
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
		size_t used = cv->kind == GM_YAML_SCALAR ? rejoin_parens(&type, cols, i) : 0;
		if ((error = expect_kind(p, ck, GM_YAML_SCALAR, "a column name")) < 0 ||
		    (error = parse_column(p, t, ck, cv, cv->kind == GM_YAML_SCALAR ? type.ptr : NULL,
					  &pk_inline)) < 0)
			goto done;
		i += used;
	}

	if ((n = gm_yaml_get(val, "primary_key")) != NULL) {
		if (pk_inline) {
			error = gm_yaml_error(p->doc, n,
					      "table '%s' declares its primary key twice: on column '%s' "
					      "and in 'primary_key'", t->name, t->pk[0]);
			goto done;
		}
		gm_buf_clear(&what);
		gm_buf_printf(&what, "'primary_key' of table '%s'", t->name);
		if ((error = parse_name_list(p, n, what.ptr, t, add_pk, t)) < 0)
			goto done;
		for (i = 0; i < t->pk_nr; i++) {
			gm_column *c = gm_table_column(t, t->pk[i]);
			size_t k;
			for (k = 0; k < i; k++)
				if (!strcmp(t->pk[k], t->pk[i])) {
					error = gm_yaml_error(p->doc, n,
							      "'primary_key' of table '%s' lists '%s' twice",
							      t->name, t->pk[i]);
					goto done;
				}
			c->nullable = false;
		}
	}
	if (t->pk_nr) {
		gm_name_pkey(&what, t->name);
		gm_set_str(&t->pk_name, what.ptr);
	}
	if ((n = gm_yaml_get(val, "indexes")) != NULL && !gm_yaml_is_null(n) &&
	    (error = parse_indexes(p, t, n)) < 0)
		goto done;
	if ((n = gm_yaml_get(val, "checks")) != NULL && (error = parse_checks(p, t, n)) < 0)
		goto done;
	if ((n = gm_yaml_get(val, "comment")) != NULL) {
		if ((error = expect_kind(p, n, GM_YAML_SCALAR, "'comment' of a table")) < 0)
			goto done;
		gm_set_str(&t->comment, n->value);
	}
	if ((n = gm_yaml_get(val, "was")) != NULL) {
		if ((error = expect_kind(p, n, GM_YAML_SCALAR, "'was' of a table")) < 0)
			goto done;
		gm_set_str(&t->was, n->value);
	}
done:
	gm_buf_release(&type);
	gm_buf_release(&what);
	return error;
}

void gm_models_resolve(gm_schema *s)
{
	gm_buf tmp = GM_BUF_INIT;
	size_t i, j, k;

	for (i = 0; i < s->tables_nr; i++) {
		gm_table *t = s->tables[i];
		for (j = 0; j < t->columns_nr; j++) {
			gm_column *c = t->columns[j];
			size_t n = base_len(c->type);
			bool array = is_array(c->type);

			if (gm_type_is_portable(c->type) || strchr(c->type, '(') ||
			    n != strlen(c->type) - (array ? 2 : 0))
				continue;
			for (k = 0; k < s->enums_nr; k++) {
				const char *name = s->enums[k]->name;
				if (strlen(name) == n && !strncasecmp(name, c->type, n)) {
					if (!strncmp(name, c->type, n))
						break;
					gm_buf_clear(&tmp);
					gm_buf_printf(&tmp, "%s%s", name, array ? "[]" : "");
					gm_set_str(&c->type, tmp.ptr);
					break;
				}
			}
		}
		for (j = 0; j < t->fkeys_nr; j++) {
			gm_fkey *fk = t->fkeys[j];
			const gm_table *r;
			if (fk->ref_columns_nr != 1 || *fk->ref_columns[0])
				continue;
			r = gm_schema_table(s, fk->ref_table);
			if (r && r->pk_nr == 1)
				gm_set_str(&fk->ref_columns[0], r->pk[0]);
		}
	}
	gm_buf_release(&tmp);
}

void gm_models_move(gm_schema *into, gm_schema *part)
{
	size_t i;
	for (i = 0; i < part->enums_nr; i++)
		GM_PUSH(into->enums, into->enums_nr, into->enums_alloc, part->enums[i]);
	for (i = 0; i < part->tables_nr; i++)
		GM_PUSH(into->tables, into->tables_nr, into->tables_alloc, part->tables[i]);
	for (i = 0; i < part->unsupported_nr; i++)
		GM_PUSH(into->unsupported, into->unsupported_nr, into->unsupported_alloc,
			part->unsupported[i]);
	part->enums_nr = part->tables_nr = part->unsupported_nr = 0;
	gm_schema_free(part);
}

int gm_models_parse_yaml(gm_schema *into, const char *path, const char *data, size_t len)
{
	static const char *const keys[] = { "enums", "tables", NULL };
	gm_yaml_doc *doc = NULL;
	struct parse p = { NULL, into, NULL };
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
	if ((error = expect_kind(&p, root, GM_YAML_MAP, "a models file")) < 0 ||
	    (error = check_keys(&p, root, keys, "at the top level")) < 0)
		goto done;

	if ((n = gm_yaml_get(root, "enums")) != NULL) {
		if ((error = expect_map_or_null(&p, n, "'enums'", &empty)) < 0)
			goto done;
		for (i = 0; !empty && i < n->nr; i++) {
			const gm_yaml_node *k = gm_yaml_key(n, i);
			if ((error = expect_kind(&p, k, GM_YAML_SCALAR, "an enum name")) < 0 ||
			    (error = parse_enum(&p, k, gm_yaml_value(n, i))) < 0)
				goto done;
		}
	}
	if ((n = gm_yaml_get(root, "tables")) != NULL) {
		if ((error = expect_map_or_null(&p, n, "'tables'", &empty)) < 0)
			goto done;
		for (i = 0; !empty && i < n->nr; i++) {
			const gm_yaml_node *k = gm_yaml_key(n, i);
			if ((error = expect_kind(&p, k, GM_YAML_SCALAR, "a table name")) < 0 ||
			    (error = parse_table(&p, k, gm_yaml_value(n, i))) < 0)
				goto done;
		}
	}
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

/* ---- validation ---- */

static bool is_known_type(const gm_schema *s, const char *type)
{
	size_t n = base_len(type);

	if (is_array(type) ? n != strlen(type) - 2 : n != strlen(type))
		return true; /* has a modifier: passed through (or portable with one) */
	if (strpbrk(type, " .\""))
		return true; /* "bit varying", "public.foo": native, passed through */
	if (gm_type_is_builtin(type))
		return true;
	{
		size_t i;
		for (i = 0; i < s->enums_nr; i++)
			if (strlen(s->enums[i]->name) == n && !strncmp(s->enums[i]->name, type, n))
				return true;
	}
	return false;
}

static int validate_columns(const gm_schema *s, const gm_table *t, bool check_types)
{
	size_t j, k;

	for (j = 0; j < t->columns_nr; j++) {
		const gm_column *c = t->columns[j];
		const char *origin = c->origin ? c->origin : t->origin;
		const gm_enum *e;
		gm_buf base = GM_BUF_INIT;

		if (check_types && !is_known_type(s, c->type)) {
			gm_suggest cl = GM_SUGGEST_INIT(NULL);
			gm_buf_put(&base, c->type, base_len(c->type));
			cl.word = base.ptr;
			for (k = 0; k < s->enums_nr; k++)
				gm_suggest_consider(&cl, s->enums[k]->name);
			error_at(origin, "column '%s.%s' has unknown type '%s'", t->name,
				 c->name, c->type);
			if (cl.best)
				gm_error_hint("did you mean '%s'?", cl.best);
			else
				gm_error_hint("declare it under 'enums:', or use a portable type "
					      "(integer, bigint, text, varchar(n), numeric(p,s), "
					      "boolean, timestamptz, ...)");
			gm_buf_release(&base);
			return GM_EINVALID;
		}
		gm_buf_release(&base);
		e = gm_schema_enum(s, c->type);
		if (e && c->default_kind == GM_DEFAULT_LITERAL &&
		    !gm_strv_contains(e->labels, e->labels_nr, c->default_value))
			return error_at(origin,
					"default '%s' of column '%s.%s' is not a label of enum '%s'",
					c->default_value, t->name, c->name, e->name);
		if (c->labels && c->default_kind == GM_DEFAULT_LITERAL &&
		    !gm_strv_contains(c->labels, c->labels_nr, c->default_value))
			return error_at(origin,
					"default '%s' of column '%s.%s' is not one of its labels",
					c->default_value, t->name, c->name);
	}
	return 0;
}

static int validate_keys(const gm_schema *s, const gm_table *t)
{
	size_t j, k;

	for (j = 0; j < t->pk_nr; j++)
		if (!gm_table_column(t, t->pk[j]))
			return error_at(t->origin,
					"primary key of table '%s' names missing column '%s'",
					t->name, t->pk[j]);
	for (j = 0; j < t->indexes_nr; j++) {
		const gm_index *ix = t->indexes[j];
		for (k = 0; k < ix->columns_nr; k++)
			if (!gm_table_column(t, ix->columns[k]))
				return error_at(t->origin,
						"index '%s' of table '%s' names missing column '%s'",
						ix->name, t->name, ix->columns[k]);
	}
	for (j = 0; j < t->fkeys_nr; j++) {
		const gm_fkey *fk = t->fkeys[j];
		const gm_column *c = fk->columns_nr ? gm_table_column(t, fk->columns[0]) : NULL;
		const char *origin = c && c->origin ? c->origin : t->origin;
		const gm_table *r;

		for (k = 0; k < fk->columns_nr; k++)
			if (!gm_table_column(t, fk->columns[k]))
				return error_at(origin,
						"foreign key '%s' of table '%s' names missing column '%s'",
						fk->name, t->name, fk->columns[k]);
		r = gm_schema_table(s, fk->ref_table);
		if (!r) {
			gm_suggest cl = GM_SUGGEST_INIT(NULL);
			cl.word = fk->ref_table;
			for (k = 0; k < s->tables_nr; k++)
				gm_suggest_consider(&cl, s->tables[k]->name);
			error_at(origin, "foreign key '%s' of table '%s' references missing table '%s'",
				 fk->name, t->name, fk->ref_table);
			if (cl.best)
				gm_error_hint("did you mean '%s'?", cl.best);
			return GM_EINVALID;
		}
		for (k = 0; k < fk->ref_columns_nr; k++) {
			if (!*fk->ref_columns[k]) {
				error_at(origin,
					 "foreign key '%s' of table '%s' references table '%s', "
					 "which has no single-column primary key",
					 fk->name, t->name, fk->ref_table);
				gm_error_hint("name the column: references: %s(<column>)",
					      fk->ref_table);
				return GM_EINVALID;
			}
			if (!gm_table_column(r, fk->ref_columns[k]))
				return error_at(origin,
						"foreign key '%s' of table '%s' references missing "
						"column '%s.%s'",
						fk->name, t->name, r->name, fk->ref_columns[k]);
		}
	}
	return 0;
}

/* Index (and key) names share one namespace per schema on PostgreSQL. */
static int validate_index_names(const gm_schema *s)
{
	size_t i, j, k, l;

	for (i = 0; i < s->tables_nr; i++) {
		const gm_table *t = s->tables[i];
		for (j = 0; j < t->indexes_nr; j++) {
			const char *name = t->indexes[j]->name;
			for (k = 0; k <= i; k++) {
				const gm_table *u = s->tables[k];
				bool clash = u->pk_name && !strcmp(u->pk_name, name);
				for (l = 0; !clash && l < (k == i ? j : u->indexes_nr); l++)
					clash = !strcmp(u->indexes[l]->name, name);
				if (clash)
					return error_at(t->origin,
							"index name '%s' is used twice: tables '%s' and '%s'",
							name, u->name, t->name);
			}
		}
	}
	return 0;
}

int gm_models_validate_except(const gm_schema *s, char *const *inspected, size_t inspected_nr)
{
	size_t i;
	int error;

	for (i = 0; i < s->tables_nr; i++) {
		const gm_table *t = s->tables[i];
		bool check_types = !gm_strv_contains(inspected, inspected_nr, t->name);
		if ((error = validate_columns(s, t, check_types)) < 0 ||
		    (error = validate_keys(s, t)) < 0)
			return error;
	}
	return validate_index_names(s);
}

int gm_models_validate(const gm_schema *s)
{
	GM_ASSERT_ARG(s);
	return gm_models_validate_except(s, NULL, 0);
}
