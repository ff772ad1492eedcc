/* Writing an inspected schema as YAML models (init --from-database): enums and tables. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "models_write.h"
#include "schema_int.h"
#include "type.h"
#include "util/banned.h"

/*
 * What the YAML says is what the YAML loader gives back: names are written as the
 * inspector has them, constraints by name (table-level `primary_key`, `foreign_keys`,
 * `checks`, named `indexes`), so that the models planned into a scratch database and
 * inspected equal the database they were read from. What the format cannot say (a
 * primary key or a unique constraint under a name of its own, a multi-column unique
 * constraint, an overloaded function, an object with a comment the key cannot carry, an
 * aggregate, ...) goes to the SQL model, together with everything it uses: a SQL model
 * is applied to a scratch database of its own, so it must hold what it needs.
 */

static bool yaml_word(const char *s)
{
	static const char *const reserved[] = { "true", "false", "yes", "no", "on", "off",
						"null", "y",     "n",   "~",  NULL };
	const char *p;
	size_t i;

	if (!*s || isdigit((unsigned char)*s))
		return false;
	for (p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.')
			return false;
	for (i = 0; reserved[i]; i++)
		if (!strcasecmp(s, reserved[i]))
			return false;
	return true;
}

void gm_models_put_str(gm_buf *b, const char *s)
{
	const unsigned char *p;

	gm_buf_putc(b, '"');
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			gm_buf_printf(b, "\\%c", *p);
		else if (*p == '\n')
			gm_buf_puts(b, "\\n");
		else if (*p == '\t')
			gm_buf_puts(b, "\\t");
		else if (*p < 0x20 || *p == 0x7f)
			gm_buf_printf(b, "\\x%02x", *p);
		else
			gm_buf_putc(b, (char)*p);
	}
	gm_buf_putc(b, '"');
}

void gm_models_put_key(gm_buf *b, const char *s)
{
	if (yaml_word(s))
		gm_buf_puts(b, s);
	else
		gm_models_put_str(b, s);
}

/* A block literal keeps every character when no line is blank-but-not-empty, none starts
 * the text with a space, nothing ends it in whitespace and no control character is in it. */
static bool literal_ok(const char *s)
{
	const unsigned char *p;
	size_t n = strlen(s);

	if (!strchr(s, '\n') || *s == ' ' || *s == '\n' || isspace((unsigned char)s[n - 1]))
		return false;
	for (p = (const unsigned char *)s; *p; p++) {
		if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
			return false;
		if (*p == '\n') { /* a line of only blanks would lose them */
			const unsigned char *q = p + 1;
			while (*q == ' ' || *q == '\t')
				q++;
			if (q > p + 1 && (*q == '\n' || !*q))
				return false;
			if (p[1] == '\t')
				return false; /* indentation must be spaces */
		}
	}
	return true;
}

void gm_models_put_text(gm_buf *b, const char *s, int indent)
{
	const char *p;

	if (!literal_ok(s)) {
		gm_models_put_str(b, s);
		return;
	}
	gm_buf_printf(b, "|-\n%*s", indent, "");
	for (p = s; *p; p++) {
		gm_buf_putc(b, *p);
		if (*p == '\n')
			gm_buf_printf(b, "%*s", p[1] == '\n' ? 0 : indent, "");
	}
}

static void put_names(gm_buf *b, char *const *v, size_t n)
{
	size_t i;

	gm_buf_putc(b, '[');
	for (i = 0; i < n; i++) {
		if (i)
			gm_buf_puts(b, ", ");
		gm_models_put_key(b, v[i]);
	}
	gm_buf_putc(b, ']');
}

static void key_of(gm_buf *k, const char *kind, const char *name)
{
	gm_buf_clear(k);
	gm_buf_printf(k, "%s\t%s", kind, name);
}

bool gm_models_writer_in_sql(const struct gm_models_writer *w, const char *kind, const char *name)
{
	gm_buf k = GM_BUF_INIT;
	bool in;

	key_of(&k, kind, name);
	in = gm_strv_contains(w->sql.v, w->sql.nr, k.ptr);
	gm_buf_release(&k);
	return in;
}

void gm_models_writer_to_sql(struct gm_models_writer *w, const char *kind, const char *name,
			     const char *why)
{
	gm_buf k = GM_BUF_INIT, line = GM_BUF_INIT;

	key_of(&k, kind, name);
	if (!gm_strv_contains(w->sql.v, w->sql.nr, k.ptr)) {
		gm_strvec_push(&w->sql, k.ptr);
		gm_buf_printf(&line, "%s %s: %s", kind, name, why);
		gm_strvec_push(&w->why, line.ptr);
	}
	gm_buf_release(&line);
	gm_buf_release(&k);
}

/* The enum name an emulated (SQLite) enum column is written with, or NULL. Borrowed. */
static const char *emulated_enum(const struct gm_models_writer *w, const gm_table *t,
				 const gm_column *c)
{
	gm_buf k = GM_BUF_INIT;
	const char *name = NULL;
	size_t i, n;

	gm_buf_printf(&k, "%s\t%s\t", t->name, c->name);
	for (i = 0; i < w->enum_names.nr && !name; i++)
		if (!strncmp(w->enum_names.v[i], k.ptr, (n = k.len)))
			name = w->enum_names.v[i] + n;
	gm_buf_release(&k);
	return name;
}

/* SQLite: an enum for every text column with labels: "<table>_<column>" (or its models name). */
static void name_emulated_enums(struct gm_models_writer *w)
{
	gm_buf name = GM_BUF_INIT, line = GM_BUF_INIT;
	size_t i, k;

	for (i = 0; i < w->s->tables_nr; i++) {
		const gm_table *t = w->s->tables[i];
		for (k = 0; k < t->columns_nr; k++) {
			const gm_column *c = t->columns[k];
			if (!c->labels_nr || strcmp(c->type, "text"))
				continue;
			gm_buf_clear(&name);
			if (c->enum_name)
				gm_buf_puts(&name, c->enum_name);
			else
				gm_buf_printf(&name, "%s_%s", t->name, c->name);
			gm_buf_clear(&line);
			gm_buf_printf(&line, "%s\t%s\t%s", t->name, c->name, name.ptr);
			gm_strvec_push(&w->enum_names, line.ptr);
		}
	}
	gm_buf_release(&line);
	gm_buf_release(&name);
}

/* Whether unique constraint ix is a column's `unique: true` (its conventional name). */
static bool column_unique(const gm_table *t, const gm_index *ix)
{
	gm_buf name = GM_BUF_INIT;
	bool ok;

	if (!ix->constraint || ix->columns_nr != 1 || ix->expr || ix->where || ix->method ||
	    ix->include_nr || ix->nulls_not_distinct)
		return false;
	gm_name_key(&name, t->name, ix->columns, 1);
	ok = !strcmp(name.ptr, ix->name);
	gm_buf_release(&name);
	return ok;
}

/* Whether a literal default reads back as YAML's `default:` does on the column's type
 * (SQLite takes 'abc' as the default of an integer column; YAML does not). */
static bool literal_fits(const gm_column *c)
{
	char *end;

	if (c->default_kind != GM_DEFAULT_LITERAL)
		return true;
	if (!strcmp(c->type, "boolean"))
		return !strcmp(c->default_value, "true") || !strcmp(c->default_value, "false") ||
		       !strcmp(c->default_value, "1") || !strcmp(c->default_value, "0");
	if (!gm_type_is_numeric(c->type))
		return true;
	if (!*c->default_value || isspace((unsigned char)*c->default_value))
		return false;
	(void)strtod(c->default_value, &end);
	return !*end;
}

/* Why table t cannot be written in YAML (caller frees), or NULL when it can. */
static char *table_why(const struct gm_models_writer *w, const gm_table *t)
{
	gm_buf b = GM_BUF_INIT;
	size_t i;

	if (t->pk_nr) {
		gm_name_pkey(&b, t->name);
		if (strcmp(b.ptr, t->pk_name)) {
			gm_buf_clear(&b);
			gm_buf_printf(&b, "its primary key is named '%s'", t->pk_name);
			return gm_buf_detach(&b);
		}
		gm_buf_clear(&b);
	}
	for (i = 0; i < t->columns_nr; i++) {
		const gm_column *c = t->columns[i];
		if (c->nullable && gm_table_pk_has(t, c->name))
			gm_buf_printf(&b, "column '%s' is in the primary key and may be null",
				      c->name);
		else if (c->labels_nr && !emulated_enum(w, t, c))
			gm_buf_printf(&b, "column '%s' of type %s has a list of values", c->name,
				      c->type);
		else if (!literal_fits(c))
			gm_buf_printf(&b, "the default of column '%s' does not fit its type %s",
				      c->name, c->type);
		if (b.len)
			return gm_buf_detach(&b);
	}
	for (i = 0; i < t->indexes_nr; i++) {
		const gm_index *ix = t->indexes[i];
		if (ix->constraint && !column_unique(t, ix))
			gm_buf_printf(&b, "unique constraint '%s'", ix->name);
		else if (ix->constraint && ix->comment)
			gm_buf_printf(&b, "unique constraint '%s' has a comment", ix->name);
		else if (!ix->constraint && !ix->columns_nr == !ix->expr)
			gm_buf_printf(&b, "index '%s'", ix->name);
		if (b.len)
			return gm_buf_detach(&b);
	}
	for (i = 0; i < t->checks_nr; i++)
		if (t->checks[i]->exclusion && strncmp(t->checks[i]->expr, "EXCLUDE ", 8)) {
			gm_buf_printf(&b, "exclusion constraint '%s'", t->checks[i]->name);
			return gm_buf_detach(&b);
		}
	for (i = 0; i < t->fkeys_nr; i++)
		if (t->fkeys[i]->columns_nr != t->fkeys[i]->ref_columns_nr) {
			gm_buf_printf(&b, "foreign key '%s'", t->fkeys[i]->name);
			return gm_buf_detach(&b);
		}
	gm_buf_release(&b);
	return NULL;
}

/* Whether `word` occurs in text as a whole word. */
static bool has_word(const char *text, const char *word, size_t n)
{
	const char *p = text;

	if (!text || !n)
		return false;
	while ((p = strstr(p, word)) != NULL) {
		bool before = p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '_');
		bool after = isalnum((unsigned char)p[n]) || p[n] == '_';
		if (!before && !after)
			return true;
		p += n;
	}
	return false;
}

/* Whether table t's expressions (defaults, generated, checks, indexes) name object d. */
static bool table_names(const gm_table *t, const gm_dependent *d)
{
	const char *paren = strchr(d->name, '(');
	size_t n = paren ? (size_t)(paren - d->name) : strlen(d->name), i;
	char *word = gm_xstrndup(d->name, n);
	bool found = false;

	for (i = 0; i < t->columns_nr && !found; i++)
		found = has_word(t->columns[i]->default_value, word, n) ||
			has_word(t->columns[i]->generated, word, n) ||
			!strcmp(t->columns[i]->type, d->name);
	for (i = 0; i < t->checks_nr && !found; i++)
		found = has_word(t->checks[i]->expr, word, n);
	for (i = 0; i < t->indexes_nr && !found; i++)
		found = has_word(t->indexes[i]->expr, word, n) ||
			has_word(t->indexes[i]->where, word, n);
	free(word);
	return found;
}

/* Send `name` (a table, an enum or an object, whichever it names) to the SQL model. */
static void pull(struct gm_models_writer *w, const char *name, const char *user)
{
	gm_buf why = GM_BUF_INIT, base = GM_BUF_INIT;
	size_t i, n = strlen(name);

	gm_buf_printf(&why, "used by %s", user);
	if (n > 2 && !strcmp(name + n - 2, "[]"))
		n -= 2;
	gm_buf_put(&base, name, n);
	if (gm_schema_table(w->s, base.ptr))
		gm_models_writer_to_sql(w, "table", base.ptr, why.ptr);
	if (gm_schema_enum(w->s, base.ptr))
		gm_models_writer_to_sql(w, "enum", base.ptr, why.ptr);
	for (i = 0; i < w->s->dependents_nr; i++) {
		const gm_dependent *d = w->s->dependents[i];
		const char *paren = strchr(d->name, '(');
		size_t dn = paren ? (size_t)(paren - d->name) : strlen(d->name);
		if (strcmp(d->kind, "generated column") &&
		    (!strcmp(d->name, base.ptr) ||
		     (dn == base.len && !strncmp(d->name, base.ptr, dn))))
			gm_models_writer_to_sql(w, d->kind, d->name, why.ptr);
	}
	gm_buf_release(&base);
	gm_buf_release(&why);
}

/* What the items in the SQL model use joins them there, until nothing more does. */
static void close_over_uses(struct gm_models_writer *w)
{
	const gm_schema *s = w->s;
	gm_buf user = GM_BUF_INIT;
	size_t before, i, k;

	do {
		before = w->sql.nr;
		for (i = 0; i < s->tables_nr; i++) {
			const gm_table *t = s->tables[i];
			if (!gm_models_writer_in_sql(w, "table", t->name))
				continue;
			gm_buf_clear(&user);
			gm_buf_printf(&user, "table %s", t->name);
			for (k = 0; k < t->fkeys_nr; k++)
				pull(w, t->fkeys[k]->ref_table, user.ptr);
			for (k = 0; k < t->columns_nr; k++)
				pull(w, t->columns[k]->type, user.ptr);
			for (k = 0; k < s->dependents_nr; k++)
				if (strcmp(s->dependents[k]->kind, "trigger") &&
				    strcmp(s->dependents[k]->kind, "view") &&
				    table_names(t, s->dependents[k]))
					pull(w, s->dependents[k]->name, user.ptr);
		}
		for (i = 0; i < s->dependents_nr; i++) {
			const gm_dependent *d = s->dependents[i];
			if (!gm_models_writer_in_sql(w, d->kind, d->name))
				continue;
			gm_buf_clear(&user);
			gm_buf_printf(&user, "%s %s", d->kind, d->name);
			for (k = 0; k < d->uses_nr; k++)
				pull(w, d->uses[k], user.ptr);
			if (d->table)
				pull(w, d->table, user.ptr);
		}
	} while (w->sql.nr > before);
	/* extension types and functions: the SQL model's scratch database needs them too */
	for (i = 0; w->sql.nr && i < s->dependents_nr; i++)
		if (!strcmp(s->dependents[i]->kind, "extension"))
			gm_models_writer_to_sql(w, "extension", s->dependents[i]->name,
						"the SQL model needs it");
	gm_buf_release(&user);
}

static void put_deferrable(gm_buf *b, bool deferrable, bool initially)
{
	if (deferrable)
		gm_buf_puts(b,
			    initially ? ", deferrable: initially_deferred" : ", deferrable: true");
}

/* "  <name>: [\"label\", ...]\n", after "enums:\n" for the first. */
static void put_enum(gm_buf *b, bool *first, const char *name, char *const *labels, size_t n)
{
	size_t i;

	gm_buf_puts(b, *first ? "enums:\n  " : "  ");
	*first = false;
	gm_models_put_key(b, name);
	gm_buf_puts(b, ": [");
	for (i = 0; i < n; i++) {
		gm_buf_puts(b, i ? ", " : "");
		gm_models_put_str(b, labels[i]);
	}
	gm_buf_puts(b, "]\n");
}

/* ", comment: <text>" inside a flow map, when there is one. */
static void put_comment(gm_buf *b, const char *comment)
{
	if (!comment)
		return;
	gm_buf_puts(b, ", comment: ");
	gm_models_put_str(b, comment);
}

static void put_column(gm_buf *b, const struct gm_models_writer *w, const gm_table *t,
		       const gm_column *c)
{
	const char *en = w->native_enums ? NULL : emulated_enum(w, t, c);

	gm_buf_puts(b, "      ");
	gm_models_put_key(b, c->name);
	gm_buf_puts(b, ": {type: ");
	gm_models_put_key(b, en ? en : c->type);
	if (!c->nullable)
		gm_buf_puts(b, ", null: false");
	if (c->identity)
		gm_buf_puts(b, !w->native_enums     ? ", identity: true"
			       : c->identity_always ? ", identity: always"
						    : ", identity: by_default");
	if (c->default_kind != GM_DEFAULT_NONE) {
		gm_buf_puts(b, c->default_kind == GM_DEFAULT_LITERAL ? ", default: "
								     : ", default_sql: ");
		gm_models_put_str(b, c->default_value);
	}
	if (c->generated) {
		gm_buf_puts(b, ", generated: ");
		gm_models_put_str(b, c->generated);
		if (!c->stored)
			gm_buf_puts(b, ", stored: false");
	}
	for (size_t i = 0; i < t->indexes_nr; i++) {
		const gm_index *ix = t->indexes[i];
		if (!column_unique(t, ix) || strcmp(ix->columns[0], c->name))
			continue;
		gm_buf_puts(b, ", unique: true");
		put_deferrable(b, ix->deferrable, ix->initially_deferred);
	}
	put_comment(b, c->comment);
	gm_buf_puts(b, "}\n");
}

static void put_index(gm_buf *b, const gm_index *ix)
{
	gm_buf_puts(b, "      - {name: ");
	gm_models_put_key(b, ix->name);
	if (ix->columns_nr) {
		gm_buf_puts(b, ", columns: ");
		put_names(b, ix->columns, ix->columns_nr);
	} else {
		gm_buf_puts(b, ", expression: ");
		gm_models_put_str(b, ix->expr);
	}
	if (ix->unique)
		gm_buf_puts(b, ", unique: true");
	if (ix->method)
		gm_buf_printf(b, ", using: %s", ix->method);
	if (ix->include_nr) {
		gm_buf_puts(b, ", include: ");
		put_names(b, ix->include, ix->include_nr);
	}
	if (ix->nulls_not_distinct)
		gm_buf_puts(b, ", nulls_not_distinct: true");
	if (ix->where) {
		gm_buf_puts(b, ", where: ");
		gm_models_put_str(b, ix->where);
	}
	put_comment(b, ix->comment);
	gm_buf_puts(b, "}\n");
}

static void put_fkey(gm_buf *b, const gm_fkey *fk)
{
	gm_buf_puts(b, "      - {name: ");
	gm_models_put_key(b, fk->name);
	gm_buf_puts(b, ", columns: ");
	put_names(b, fk->columns, fk->columns_nr);
	gm_buf_puts(b, ", references: {table: ");
	gm_models_put_key(b, fk->ref_table);
	gm_buf_puts(b, ", columns: ");
	put_names(b, fk->ref_columns, fk->ref_columns_nr);
	gm_buf_putc(b, '}');
	if (fk->on_delete)
		gm_buf_printf(b, ", on_delete: \"%s\"", fk->on_delete);
	if (fk->on_update)
		gm_buf_printf(b, ", on_update: \"%s\"", fk->on_update);
	put_deferrable(b, fk->deferrable, fk->initially_deferred);
	put_comment(b, fk->comment);
	gm_buf_puts(b, "}\n");
}

/* A check or an exclusion: its text, or a map with its comment. */
static void put_check(gm_buf *b, const gm_check *ck)
{
	const char *text = ck->exclusion ? ck->expr + 8 : ck->expr;

	gm_buf_puts(b, "      ");
	gm_models_put_key(b, ck->name);
	gm_buf_puts(b, ": ");
	if (!ck->comment) {
		gm_models_put_str(b, text);
	} else {
		gm_buf_puts(b, ck->exclusion ? "{exclude: " : "{check: ");
		gm_models_put_str(b, text);
		put_comment(b, ck->comment);
		gm_buf_putc(b, '}');
	}
	gm_buf_putc(b, '\n');
}

static void put_table(gm_buf *b, const struct gm_models_writer *w, const gm_table *t)
{
	size_t i, n = 0;

	gm_buf_puts(b, "  ");
	gm_models_put_key(b, t->name);
	gm_buf_puts(b, ":\n");
	if (t->comment) {
		gm_buf_puts(b, "    comment: ");
		gm_models_put_str(b, t->comment);
		gm_buf_putc(b, '\n');
	}
	gm_buf_puts(b, "    columns:\n");
	for (i = 0; i < t->columns_nr; i++)
		put_column(b, w, t, t->columns[i]);
	if (t->pk_nr) {
		gm_buf_puts(b, t->pk_comment ? "    primary_key: {columns: " : "    primary_key: ");
		put_names(b, t->pk, t->pk_nr);
		if (t->pk_comment) {
			put_comment(b, t->pk_comment);
			gm_buf_putc(b, '}');
		}
		gm_buf_putc(b, '\n');
	}
	for (i = 0; i < t->indexes_nr; i++)
		if (!t->indexes[i]->constraint && !n++)
			gm_buf_puts(b, "    indexes:\n");
	for (i = 0; i < t->indexes_nr; i++)
		if (!t->indexes[i]->constraint)
			put_index(b, t->indexes[i]);
	if (t->fkeys_nr)
		gm_buf_puts(b, "    foreign_keys:\n");
	for (i = 0; i < t->fkeys_nr; i++)
		put_fkey(b, t->fkeys[i]);
	for (n = 0; n < 2; n++) { /* checks, then exclusions */
		bool first = true;
		for (i = 0; i < t->checks_nr; i++) {
			const gm_check *ck = t->checks[i];
			if (ck->exclusion != (n == 1))
				continue;
			if (first)
				gm_buf_puts(b, n ? "    exclusions:\n" : "    checks:\n");
			first = false;
			put_check(b, ck);
		}
	}
}

static void put_enums(gm_buf *b, const struct gm_models_writer *w)
{
	gm_strvec done = GM_STRVEC_INIT;
	size_t i, k;
	bool first = true;

	for (i = 0; i < w->s->enums_nr; i++) {
		const gm_enum *e = w->s->enums[i];
		if (gm_models_writer_in_sql(w, "enum", e->name))
			continue;
		put_enum(b, &first, e->name, e->labels, e->labels_nr);
	}
	for (i = 0; i < w->s->tables_nr; i++) {
		const gm_table *t = w->s->tables[i];
		if (gm_models_writer_in_sql(w, "table", t->name))
			continue;
		for (k = 0; k < t->columns_nr; k++) {
			const gm_column *c = t->columns[k];
			const char *en = emulated_enum(w, t, c);
			if (!en || gm_strv_contains(done.v, done.nr, en))
				continue;
			gm_strvec_push(&done, en);
			put_enum(b, &first, en, c->labels, c->labels_nr);
		}
	}
	gm_strvec_release(&done);
}

/* The items YAML cannot say, then everything they use. */
static void choose(struct gm_models_writer *w)
{
	size_t i;
	char *why;

	for (i = 0; i < w->s->tables_nr; i++)
		if ((why = table_why(w, w->s->tables[i])) != NULL) {
			gm_models_writer_to_sql(w, "table", w->s->tables[i]->name, why);
			free(why);
		}
	for (i = 0; i < w->s->dependents_nr; i++) {
		const gm_dependent *d = w->s->dependents[i];
		if (!gm_models_write_object(NULL, &why, w, d)) {
			gm_models_writer_to_sql(w, d->kind, d->name, why);
			free(why);
		}
	}
	close_over_uses(w);
}

static void copy_sql_part(gm_schema **out, const struct gm_models_writer *w)
{
	const gm_schema *s = w->s;
	size_t i;

	gm_schema_new(out);
	for (i = 0; i < s->enums_nr; i++)
		if (gm_models_writer_in_sql(w, "enum", s->enums[i]->name))
			gm_schema_add_enum_copy(*out, s->enums[i]);
	for (i = 0; i < s->tables_nr; i++)
		if (gm_models_writer_in_sql(w, "table", s->tables[i]->name))
			gm_schema_add_table_copy(*out, s->tables[i]);
	for (i = 0; i < s->dependents_nr; i++)
		if (gm_models_writer_in_sql(w, s->dependents[i]->kind, s->dependents[i]->name))
			gm_schema_add_dependent_copy(*out, s->dependents[i]);
}

void gm_models_write(gm_buf *yaml, gm_schema **sql_out, gm_strvec *why, const gm_schema *s,
		     bool native_enums)
{
	struct gm_models_writer w;
	size_t i;
	bool first = true;

	memset(&w, 0, sizeof(w));
	w.s = s;
	w.native_enums = native_enums;
	if (!native_enums)
		name_emulated_enums(&w);
	choose(&w);
	put_enums(yaml, &w);
	for (i = 0; i < s->tables_nr; i++) {
		if (gm_models_writer_in_sql(&w, "table", s->tables[i]->name))
			continue;
		if (first)
			gm_buf_puts(yaml, "tables:\n");
		first = false;
		put_table(yaml, &w, s->tables[i]);
	}
	gm_models_write_objects(yaml, &w);
	copy_sql_part(sql_out, &w);
	for (i = 0; i < w.why.nr; i++)
		gm_strvec_push(why, w.why.v[i]);
	gm_strvec_release(&w.why);
	gm_strvec_release(&w.sql);
	gm_strvec_release(&w.enum_names);
}
