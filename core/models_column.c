/* One column of a YAML models file: type, nullability, keys, default, reference. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "git-migrate/schema.h"
#include "models_int.h"
#include "models_parse.h"
#include "type.h"
#include "yaml.h"
#include "util/suggest.h"
#include "schema_int.h"
#include "util/banned.h"

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
size_t gm_models_rejoin_parens(gm_buf *out, const gm_yaml_node *map, size_t i)
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
		if (k->kind != GM_YAML_SCALAR || !k->plain ||
		    !gm_yaml_is_null(gm_yaml_value(map, j)))
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

/* "cascade", "SET NULL", "set_null" → canonical; "no action" → NULL. -1 when unknown. */
static int fk_action(const char *v, const char **out)
{
	static const char *const actions[] = { "cascade",  "set null",  "set default",
					       "restrict", "no action", NULL };
	gm_buf b = GM_BUF_INIT;
	size_t i;
	int found = -1;

	gm_models_trim(&b, v);
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

	gm_models_trim(&s, v);
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
			gm_models_trim(column, tmp.ptr);
			gm_buf_clear(&tmp);
			gm_buf_put(&tmp, s.ptr, (size_t)(open - s.ptr));
			gm_models_trim(table, tmp.ptr);
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
static int parse_default(struct gm_models_parse *p, gm_column *c, const gm_yaml_node *n,
			 const char *what)
{
	static const char *const yes[] = { "true", "yes", "on", "t", "1", NULL };
	static const char *const no[] = { "false", "no", "off", "f", "0", NULL };
	size_t i;

	if (gm_yaml_is_null(n))
		return gm_yaml_error(p->doc, n, "'default' of %s is null: omit it for no default",
				     what);
	if (n->kind != GM_YAML_SCALAR)
		return gm_models_expect_kind(p, n, GM_YAML_SCALAR, "'default'");
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
		return gm_yaml_error(p->doc, n, "'default' of %s (%s) is not a number: '%s'", what,
				     c->type, n->value);
	if (n->plain && gm_yaml_bool(n) >= 0 &&
	    (!strcasecmp(n->value, "true") || !strcasecmp(n->value, "false")))
		gm_column_set_default(c, GM_DEFAULT_LITERAL, gm_yaml_bool(n) ? "true" : "false");
	else
		gm_column_set_default(c, GM_DEFAULT_LITERAL, n->value);
	return 0;
}

/* The column type: an enum of the models keeps its exact name, else gm_type_canonical. */
static void column_type(struct gm_models_parse *p, gm_buf *out, const char *declared)
{
	gm_buf t = GM_BUF_INIT;
	bool array = false;

	gm_models_trim(&t, declared);
	if (t.len > 2 && !strcmp(t.ptr + t.len - 2, "[]")) {
		gm_buf_truncate(&t, t.len - 2);
		array = true;
	}
	if (gm_models_find_enum(p, t.ptr)) {
		gm_buf_clear(out);
		gm_buf_puts(out, t.ptr);
		if (array)
			gm_buf_puts(out, "[]");
	} else {
		gm_type_canonical(out, declared);
	}
	gm_buf_release(&t);
}

int gm_models_add_unique_index(struct gm_models_parse *p, gm_table *t, const gm_yaml_node *at,
			       gm_index *ix)
{
	size_t i;
	for (i = 0; i < t->indexes_nr; i++)
		if (t->indexes[i] != ix && !strcmp(t->indexes[i]->name, ix->name))
			return gm_yaml_error(p->doc, at,
					     "index '%s' is defined twice in table '%s'", ix->name,
					     t->name);
	return 0;
}

int gm_models_parse_action(struct gm_models_parse *p, const gm_yaml_node *map, const char *key,
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
			     "no action, not %s%s%s",
			     key, what, n->kind == GM_YAML_SCALAR ? "'" : "",
			     n->kind == GM_YAML_SCALAR ? n->value : gm_yaml_kind_name(n),
			     n->kind == GM_YAML_SCALAR ? "'" : "");
}

/* The options of a column map that shape it: null, primary_key, identity, unique. */
struct col_flags {
	bool pk, unique, null_given, nullable;
};

/* A boolean option `key` of column map val, when given. */
static int col_bool(struct gm_models_parse *p, const gm_yaml_node *val, const char *key,
		    const char *what, bool *out, bool *given)
{
	const gm_yaml_node *n = gm_yaml_get(val, key);
	gm_buf in = GM_BUF_INIT;
	int error;

	if (!n)
		return 0;
	if (given)
		*given = true;
	gm_buf_printf(&in, "'%s' of %s", key, what);
	error = gm_models_get_bool(p, n, in.ptr, out);
	gm_buf_release(&in);
	return error;
}

int gm_models_get_string(struct gm_models_parse *p, const gm_yaml_node *val, const char *key,
			 const char *what, char **field)
{
	const gm_yaml_node *n = gm_yaml_get(val, key);
	gm_buf in = GM_BUF_INIT;
	int error;

	if (!n)
		return 0;
	gm_buf_printf(&in, "'%s' of %s", key, what);
	if ((error = gm_models_expect_kind(p, n, GM_YAML_SCALAR, in.ptr)) == 0)
		gm_set_str(field, n->value);
	gm_buf_release(&in);
	return error;
}

/* The declared type of column `key` (a map's 'type', or the shorthand) into out. */
static int col_type_text(struct gm_models_parse *p, gm_buf *out, const gm_yaml_node *key,
			 const gm_yaml_node *val, const char *shorthand, const char *what)
{
	static const char *const keys[] = { "type",      "null",      "primary_key", "identity",
					    "unique",    "default",   "default_sql", "references",
					    "on_delete", "on_update", "deferrable",  "generated",
					    "stored",    "comment",   "was",         NULL };
	const gm_yaml_node *type = val;
	gm_buf in = GM_BUF_INIT, text = GM_BUF_INIT;
	int error = 0;

	if (val->kind == GM_YAML_MAP) {
		size_t i, used = 0;
		for (i = 0; i < val->nr; i++)
			if (gm_yaml_key(val, i)->kind == GM_YAML_SCALAR &&
			    !strcmp(gm_yaml_key(val, i)->value, "type"))
				break;
		if (i < val->nr)
			used = gm_models_rejoin_parens(&text, val, i);
		gm_buf_printf(&in, "in %s", what);
		if ((error = gm_models_check_keys_skip(p, val, keys, in.ptr, i + 1, i + 1 + used)) <
		    0)
			goto done;
		if (!(type = gm_yaml_get(val, "type"))) {
			error = gm_yaml_error(p->doc, key, "%s has no 'type'", what);
			goto done;
		}
	} else if (shorthand) {
		gm_buf_puts(&text, shorthand);
	}
	if (gm_yaml_is_null(type)) {
		error = gm_yaml_error(p->doc, val->kind == GM_YAML_MAP ? type : key,
				      "%s has no type", what);
		goto done;
	}
	gm_buf_clear(&in);
	gm_buf_printf(&in, "the type of %s", what);
	if ((error = gm_models_expect_kind(p, type, GM_YAML_SCALAR, in.ptr)) < 0)
		goto done;
	column_type(p, out, text.len ? text.ptr : type->value);
done:
	gm_buf_release(&text);
	gm_buf_release(&in);
	return error;
}

/* identity: true | by_default (GENERATED BY DEFAULT) | always (GENERATED ALWAYS) | false. */
static int col_identity(struct gm_models_parse *p, const gm_yaml_node *val, const char *what,
			gm_column *c)
{
	const gm_yaml_node *n = gm_yaml_get(val, "identity");
	int b;

	if (!n)
		return 0;
	if ((b = gm_yaml_bool(n)) >= 0) {
		c->identity = b == 1;
		return 0;
	}
	if (n->kind == GM_YAML_SCALAR &&
	    (!strcmp(n->value, "always") || !strcmp(n->value, "by_default"))) {
		c->identity = true;
		c->identity_always = !strcmp(n->value, "always");
		return 0;
	}
	return gm_yaml_error(
		p->doc, n, "'identity' of %s must be true, false, always or by_default, not %s%s%s",
		what, n->kind == GM_YAML_SCALAR ? "'" : "",
		n->kind == GM_YAML_SCALAR ? n->value : gm_yaml_kind_name(n),
		n->kind == GM_YAML_SCALAR ? "'" : "");
}

/*
 * generated: "<expr>" (GENERATED ALWAYS AS (expr)), stored: true (the default: the only
 * kind PostgreSQL has) or false (SQLite's VIRTUAL). No default and no identity with it.
 */
static int col_generated(struct gm_models_parse *p, gm_column *c, const gm_yaml_node *val,
			 const char *what)
{
	const gm_yaml_node *n = gm_yaml_get(val, "generated"), *st = gm_yaml_get(val, "stored");
	int error;

	if (!n) {
		if (st)
			return gm_yaml_error(p->doc, st, "%s has 'stored' but no 'generated'",
					     what);
		return 0;
	}
	if ((error = gm_models_get_string(p, val, "generated", what, &c->generated)) < 0)
		return error;
	if (!*c->generated)
		return gm_yaml_error(p->doc, n, "'generated' of %s is empty", what);
	if (c->default_kind != GM_DEFAULT_NONE || c->identity)
		return gm_yaml_error(p->doc, n, "%s is generated: it cannot have %s", what,
				     c->identity ? "'identity'" : "a default");
	c->stored = true;
	return col_bool(p, val, "stored", what, &c->stored, NULL);
}

/* null, primary_key, identity, unique, and the not-null rules they imply. */
static int col_flags(struct gm_models_parse *p, gm_table *t, gm_column *c, const gm_yaml_node *val,
		     const char *what, struct col_flags *f)
{
	const gm_yaml_node *n;
	const char *why = NULL;
	int error;

	f->nullable = true;
	if ((error = col_bool(p, val, "null", what, &f->nullable, &f->null_given)) < 0 ||
	    (error = col_bool(p, val, "primary_key", what, &f->pk, NULL)) < 0 ||
	    (error = col_identity(p, val, what, c)) < 0)
		return error;
	if (c->identity && strcmp(c->type, "integer") && strcmp(c->type, "bigint") &&
	    strcmp(c->type, "smallint"))
		return gm_yaml_error(p->doc, gm_yaml_get(val, "identity"),
				     "identity %s must be integer, bigint or smallint, not '%s'",
				     what, c->type);
	if ((error = col_bool(p, val, "unique", what, &f->unique, NULL)) < 0)
		return error;

	/* not-null rules: the primary key, identity and serial columns are never null */
	if (f->pk)
		why = "in the primary key";
	else if (c->identity)
		why = "an identity column";
	else if (!strcmp(c->type, "serial") || !strcmp(c->type, "bigserial"))
		why = "serial";
	if (why && f->null_given && f->nullable) {
		n = gm_yaml_get(val, "null");
		return gm_yaml_error(p->doc, n, "%s cannot be null: it is %s", what, why);
	}
	c->nullable = f->nullable && !why;
	if (f->pk)
		gm_table_add_pk(t, c->name);
	return 0;
}

/* default, default_sql, comment, was. */
static int col_values(struct gm_models_parse *p, gm_column *c, const gm_yaml_node *val,
		      const char *what)
{
	const gm_yaml_node *n;
	char *sql = NULL;
	int error;

	if ((n = gm_yaml_get(val, "default")) != NULL && (error = parse_default(p, c, n, what)) < 0)
		return error;
	if ((n = gm_yaml_get(val, "default_sql")) != NULL && gm_yaml_get(val, "default"))
		return gm_yaml_error(p->doc, n, "%s has both 'default' and 'default_sql'", what);
	if ((error = gm_models_get_string(p, val, "default_sql", what, &sql)) < 0)
		return error;
	if (sql)
		gm_column_set_default(c, GM_DEFAULT_SQL, sql);
	free(sql);
	if ((error = gm_models_get_string(p, val, "comment", what, &c->comment)) < 0 ||
	    (error = gm_models_get_string(p, val, "was", what, &c->was)) < 0)
		return error;
	return 0;
}

/* unique: true → the column's UNIQUE constraint. */
static int col_unique(struct gm_models_parse *p, gm_table *t, gm_column *c, const gm_yaml_node *val)
{
	gm_buf name = GM_BUF_INIT;
	char *cols[1];
	gm_index *ix;

	cols[0] = c->name;
	gm_name_key(&name, t->name, cols, 1);
	ix = gm_table_add_index(t, name.ptr);
	gm_buf_release(&name);
	gm_index_add_column(ix, c->name);
	ix->unique = true;
	ix->constraint = true;
	if (!gm_yaml_get(val, "references") &&
	    gm_models_parse_deferrable(p, gm_yaml_get(val, "deferrable"), "a unique column",
				       &ix->deferrable, &ix->initially_deferred) < 0)
		return -1;
	return gm_models_add_unique_index(p, t, gm_yaml_get(val, "unique"), ix);
}

int gm_models_parse_deferrable(struct gm_models_parse *p, const gm_yaml_node *n, const char *what,
			       bool *deferrable, bool *initially)
{
	int b;

	*deferrable = *initially = false;
	if (!n)
		return 0;
	if ((b = gm_yaml_bool(n)) >= 0) {
		*deferrable = b == 1;
		return 0;
	}
	if (n->kind == GM_YAML_SCALAR && !strcmp(n->value, "initially_deferred")) {
		*deferrable = *initially = true;
		return 0;
	}
	return gm_yaml_error(p->doc, n,
			     "'deferrable' of %s must be true, false or initially_deferred, "
			     "not %s%s%s",
			     what, n->kind == GM_YAML_SCALAR ? "'" : "",
			     n->kind == GM_YAML_SCALAR ? n->value : gm_yaml_kind_name(n),
			     n->kind == GM_YAML_SCALAR ? "'" : "");
}

/* references (with on_delete, on_update, deferrable) → the column's foreign key. */
static int col_reference(struct gm_models_parse *p, gm_table *t, gm_column *c,
			 const gm_yaml_node *val, const char *what)
{
	const gm_yaml_node *n = gm_yaml_get(val, "references");
	gm_buf in = GM_BUF_INIT, ref_table = GM_BUF_INIT, col = GM_BUF_INIT;
	const char *on_delete = NULL, *on_update = NULL;
	char *cols[1];
	gm_fkey *fk;
	int error;

	if (!n) {
		if ((n = gm_yaml_get(val, "on_delete")) != NULL ||
		    (n = gm_yaml_get(val, "on_update")) != NULL)
			return gm_yaml_error(p->doc, n, "%s has '%s' but no 'references'", what,
					     n == gm_yaml_get(val, "on_delete") ? "on_delete"
										: "on_update");
		return 0; /* deferrable without references: the unique constraint's (col_unique) */
	}
	gm_buf_printf(&in, "'references' of %s", what);
	if ((error = gm_models_expect_kind(p, n, GM_YAML_SCALAR, in.ptr)) < 0)
		goto done;
	if (!parse_reference(&ref_table, &col, n->value)) {
		error = gm_yaml_error(p->doc, n,
				      "'references' of %s must be 'table(column)', "
				      "'table.column' or 'table', not '%s'",
				      what, n->value);
		goto done;
	}
	if ((error = gm_models_parse_action(p, val, "on_delete", what, &on_delete)) < 0 ||
	    (error = gm_models_parse_action(p, val, "on_update", what, &on_update)) < 0)
		goto done;
	cols[0] = c->name;
	gm_name_fkey(&in, t->name, cols, 1);
	fk = gm_table_add_fkey(t, in.ptr, ref_table.ptr);
	gm_fkey_add_pair(fk, c->name, col.ptr);
	gm_set_str(&fk->on_delete, on_delete);
	gm_set_str(&fk->on_update, on_update);
	error = gm_models_parse_deferrable(p, gm_yaml_get(val, "deferrable"), what, &fk->deferrable,
					   &fk->initially_deferred);
done:
	gm_buf_release(&col);
	gm_buf_release(&ref_table);
	gm_buf_release(&in);
	return error;
}

int gm_models_parse_column(struct gm_models_parse *p, gm_table *t, const gm_yaml_node *key,
			   const gm_yaml_node *val, const char *shorthand, bool *pk_inline)
{
	gm_buf what = GM_BUF_INIT, type = GM_BUF_INIT;
	struct col_flags f = { false, false, false, true };
	gm_column *c;
	int error = 0;

	gm_buf_printf(&what, "column '%s.%s'", t->name, key->value);
	if ((c = gm_table_column(t, key->value)) != NULL) {
		error = gm_yaml_error(p->doc, key, "%s is defined twice: %s and %s:%d:%d", what.ptr,
				      c->origin, p->doc->path, key->line, key->col);
		goto done;
	}
	if ((error = col_type_text(p, &type, key, val, shorthand, what.ptr)) < 0)
		goto done;
	c = gm_table_add_column(t, key->value, type.ptr);
	c->origin = gm_models_origin(p->doc, key);
	if (!strcmp(c->type, "serial") || !strcmp(c->type, "bigserial"))
		c->nullable = false; /* PostgreSQL makes serial columns NOT NULL */
	if (val->kind != GM_YAML_MAP)
		goto done;
	if ((error = col_flags(p, t, c, val, what.ptr, &f)) < 0)
		goto done;
	if (f.pk)
		*pk_inline = true;
	if (gm_yaml_get(val, "deferrable") && !gm_yaml_get(val, "references") && !f.unique) {
		error = gm_yaml_error(p->doc, gm_yaml_get(val, "deferrable"),
				      "%s has 'deferrable' but no 'references' or 'unique: true'",
				      what.ptr);
		goto done;
	}
	if ((error = col_values(p, c, val, what.ptr)) < 0 ||
	    (error = col_generated(p, c, val, what.ptr)) < 0 ||
	    (f.unique && (error = col_unique(p, t, c, val)) < 0) ||
	    (error = col_reference(p, t, c, val, what.ptr)) < 0)
		goto done;
done:
	gm_buf_release(&type);
	gm_buf_release(&what);
	return error;
}
