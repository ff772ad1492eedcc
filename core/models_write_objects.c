/* Writing an inspected schema as YAML models: the objects beyond tables (models_objects.c's keys). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "dialect/sql.h"
#include "models_write.h"
#include "schema_int.h"
#include "util/banned.h"

/*
 * Each object's create text is the inspector's (postgres_catalog*.c, sqlite_inspect.c):
 * its first statement creates it, a COMMENT ON may follow (a materialized view: its
 * CREATE INDEX statements first). What is read back from it must give the YAML key's
 * SQL exactly; anything else (an ALTER SEQUENCE ... OWNED BY, a named domain check, a
 * view WITH options, a name outside the current schema, E'' comments) makes the object
 * one for the SQL model.
 */

/* The statements of a create text, each trimmed, without its ';'. */
static int collect(const char *stmt, int line, void *payload)
{
	gm_strvec *v = payload;
	const char *s = gm_sql_skip_space(stmt);
	size_t n = strlen(s);

	(void)line;
	while (n && (s[n - 1] == ';' || isspace((unsigned char)s[n - 1])))
		n--;
	gm_strvec_push_n(v, s, n);
	return 0;
}

/* The comment of "COMMENT ON ... IS '<text>'" into out; false when stmt is not that. */
static bool comment_of(gm_buf *out, const char *stmt)
{
	gm_sql_lexer lx;
	gm_sql_tok t, prev = { GM_SQL_END, NULL, 0, 0 }, last = prev;
	size_t i;

	if (strncasecmp(stmt, "COMMENT ON ", 11))
		return false;
	gm_sql_lexer_init(&lx, stmt, GM_SQL_LEX_PG);
	for (gm_sql_lex(&lx, &t); t.kind != GM_SQL_END; gm_sql_lex(&lx, &t)) {
		prev = last;
		last = t;
	}
	if (last.kind != GM_SQL_STRING || !gm_sql_tok_is(&prev, "IS"))
		return false;
	gm_buf_clear(out);
	for (i = 1; i + 1 < last.len; i++) {
		gm_buf_putc(out, last.s[i]);
		if (last.s[i] == '\'')
			i++; /* '' */
	}
	return true;
}

/* The part of `name` before its argument list (a function's) or " on " (a PostgreSQL trigger). */
static void local_name(gm_buf *out, const gm_dependent *d)
{
	const char *end = strchr(d->name, '(');
	const char *on = strstr(d->name, " on ");

	if (on && (!end || on < end))
		end = on;
	gm_buf_clear(out);
	gm_buf_put(out, d->name, end ? (size_t)(end - d->name) : strlen(d->name));
}

/* Whether stmt starts with `prefix` then `name` (a plain identifier) then `after`. */
static const char *after_name(const char *stmt, const char *prefix, const char *name,
			      const char *after)
{
	size_t p = strlen(prefix), n = strlen(name), a = strlen(after);

	if (strncasecmp(stmt, prefix, p) || strncmp(stmt + p, name, n) ||
	    strncasecmp(stmt + p + n, after, a))
		return NULL;
	return stmt + p + n + a;
}

/* "    sql: <text>\n    comment: ...\n" or, without a comment, " <text>" after the key. */
static void put_sql_entry(gm_buf *out, const char *sql, const char *comment, const char *table)
{
	if (!comment && !table) {
		gm_buf_putc(out, ' ');
		gm_models_put_text(out, sql, 4);
		gm_buf_putc(out, '\n');
		return;
	}
	gm_buf_putc(out, '\n');
	if (table) {
		gm_buf_puts(out, "    table: ");
		gm_models_put_key(out, table);
		gm_buf_putc(out, '\n');
	}
	gm_buf_puts(out, "    sql: ");
	gm_models_put_text(out, sql, 6);
	gm_buf_putc(out, '\n');
	if (comment) {
		gm_buf_puts(out, "    comment: ");
		gm_models_put_str(out, comment);
		gm_buf_putc(out, '\n');
	}
}

/* A domain: "CREATE DOMAIN d AS type" then one clause a line (postgres_catalog_types.c). */
static bool domain_entry(gm_buf *out, const char *name, const char *stmt, const char *comment)
{
	const char *type = after_name(stmt, "CREATE DOMAIN ", name, " AS ");
	const char *nl = type ? strchr(type, '\n') : NULL, *p;
	gm_buf b = GM_BUF_INIT, check = GM_BUF_INIT;
	bool ok = type != NULL, checked = false;

	if (ok) {
		gm_buf_puts(&b, "{type: ");
		gm_buf_put(&check, type, nl ? (size_t)(nl - type) : strlen(type));
		gm_models_put_str(&b, check.ptr);
	}
	for (p = nl; ok && p; p = nl) {
		p = gm_sql_skip_space(p);
		nl = strchr(p, '\n');
		gm_buf_clear(&check);
		gm_buf_put(&check, p, nl ? (size_t)(nl - p) : strlen(p));
		if (!strncmp(check.ptr, "DEFAULT ", 8)) {
			gm_buf_puts(&b, ", default_sql: ");
			gm_models_put_str(&b, check.ptr + 8);
		} else if (!strcmp(check.ptr, "NOT NULL")) {
			gm_buf_puts(&b, ", null: false");
		} else if (!checked && !strncmp(check.ptr, "CONSTRAINT ", 11) &&
			   (p = after_name(check.ptr + 11, "", name, "_check CHECK ")) != NULL) {
			gm_buf_puts(&b, ", check: ");
			gm_models_put_str(&b, p);
			checked = true;
		} else {
			ok = false;
		}
	}
	if (ok && comment) {
		gm_buf_puts(&b, ", comment: ");
		gm_models_put_str(&b, comment);
	}
	if (ok && out)
		gm_buf_printf(out, " %s}\n", b.ptr);
	gm_buf_release(&check);
	gm_buf_release(&b);
	return ok;
}

/* A sequence: CREATE SEQUENCE s AS t INCREMENT BY n MINVALUE n MAXVALUE n START WITH n
 * CACHE n [NO ]CYCLE, as postgres_catalog_types.c writes it. */
static bool sequence_entry(gm_buf *out, const char *name, const char *stmt, const char *comment)
{
	static const char *const keys[] = { "increment", "min", "max", "start", "cache" };
	static const char *const words[] = { " INCREMENT BY ", " MINVALUE ", " MAXVALUE ",
					     " START WITH ", " CACHE " };
	const char *p = after_name(stmt, "CREATE SEQUENCE ", name, " AS ");
	gm_buf b = GM_BUF_INIT;
	size_t i, n;
	bool ok = p != NULL;

	if (ok) {
		n = strcspn(p, " ");
		gm_buf_puts(&b, "{type: ");
		gm_buf_put(&b, p, n);
		p += n;
	}
	for (i = 0; ok && i < 5; i++) {
		size_t w = strlen(words[i]);
		if (strncmp(p, words[i], w)) {
			ok = false;
			break;
		}
		p += w;
		n = strspn(p, "-0123456789");
		gm_buf_printf(&b, ", %s: ", keys[i]);
		gm_buf_put(&b, p, n);
		p += n;
	}
	if (ok && strcmp(p, " CYCLE") && strcmp(p, " NO CYCLE"))
		ok = false;
	if (ok && !strcmp(p, " CYCLE"))
		gm_buf_puts(&b, ", cycle: true");
	if (ok && comment) {
		gm_buf_puts(&b, ", comment: ");
		gm_models_put_str(&b, comment);
	}
	if (ok && out)
		gm_buf_printf(out, " %s}\n", b.ptr);
	gm_buf_release(&b);
	return ok;
}

/*
 * Whether an earlier object of d's YAML section has d's local name: an overloaded function
 * (one per key), a trigger name that several tables use (keyed "name on table").
 */
static bool overloaded(const struct gm_models_writer *w, const gm_dependent *d, const char *name)
{
	bool trigger = !strcmp(d->kind, "trigger");
	gm_buf other = GM_BUF_INIT;
	size_t i;
	bool found = false;

	for (i = 0; i < w->s->dependents_nr && w->s->dependents[i] != d && !found; i++) {
		const gm_dependent *o = w->s->dependents[i];
		if (trigger ? strcmp(o->kind, "trigger")
			    : strcmp(o->kind, "function") && strcmp(o->kind, "procedure"))
			continue;
		local_name(&other, o);
		found = !strcmp(other.ptr, name);
	}
	gm_buf_release(&other);
	return found;
}

/* A view's or materialized view's SELECT (without WITH DATA) into body. */
static bool view_body(gm_buf *body, const gm_dependent *d, const char *stmt, bool matview)
{
	const char *p = after_name(stmt, matview ? "CREATE MATERIALIZED VIEW " : "CREATE VIEW ",
				   d->name, " AS");
	size_t n;

	if (!p || (*p != '\n' && *p != ' '))
		return false;
	p = gm_sql_skip_space(p);
	n = strlen(p);
	if (matview && (n < 10 || strcmp(p + n - 10, "\nWITH DATA")))
		return false;
	gm_buf_clear(body);
	gm_buf_put(body, p, matview ? n - 10 : n);
	while (body->len && isspace((unsigned char)body->ptr[body->len - 1]))
		body->ptr[--body->len] = '\0';
	return body->len > 0;
}

/* A materialized view's entry: sql, its indexes (statements 1..), a comment. */
static void put_matview(gm_buf *out, const char *body, const gm_strvec *st, size_t last,
			const char *comment)
{
	size_t i;

	gm_buf_puts(out, "\n    sql: ");
	gm_models_put_text(out, body, 6);
	gm_buf_putc(out, '\n');
	if (last > 1)
		gm_buf_puts(out, "    indexes:\n");
	for (i = 1; i < last; i++) {
		gm_buf_puts(out, "      - ");
		gm_models_put_str(out, st->v[i]);
		gm_buf_putc(out, '\n');
	}
	if (comment) {
		gm_buf_puts(out, "    comment: ");
		gm_models_put_str(out, comment);
		gm_buf_putc(out, '\n');
	}
}

/* The entry (after "  <key>:") of a view, function or trigger; false when YAML cannot say it. */
static bool sql_object(gm_buf *out, const struct gm_models_writer *w, const gm_dependent *d,
		       const gm_strvec *st, const char *comment, size_t last)
{
	bool matview = !strcmp(d->kind, "materialized view");
	gm_buf body = GM_BUF_INIT, name = GM_BUF_INIT;
	bool ok = false;
	size_t i;

	local_name(&name, d);
	if (!strcmp(d->kind, "view") || matview) {
		ok = view_body(&body, d, st->v[0], matview) && (matview || last == 1);
		for (i = 1; ok && i < last; i++)
			ok = !strncasecmp(st->v[i], "CREATE ", 7);
		if (ok && out && matview)
			put_matview(out, body.ptr, st, last, comment);
		else if (ok && out)
			put_sql_entry(out, body.ptr, comment, NULL);
	} else if (!strcmp(d->kind, "function") || !strcmp(d->kind, "procedure")) {
		ok = last == 1 && !overloaded(w, d, name.ptr) &&
		     (after_name(st->v[0], "CREATE OR REPLACE FUNCTION ", name.ptr, "(") ||
		      after_name(st->v[0], "CREATE OR REPLACE PROCEDURE ", name.ptr, "("));
		if (ok && out)
			put_sql_entry(out, st->v[0], comment, NULL);
	} else if (!strcmp(d->kind, "trigger")) {
		ok = last == 1 && d->table && !strchr(d->table, '.');
		if (ok && out)
			put_sql_entry(out, st->v[0], comment, d->table);
	}
	gm_buf_release(&name);
	gm_buf_release(&body);
	return ok;
}

/* Whether some table or enum of s lives in schema `name` (which YAML then implies). */
static bool schema_implied(const gm_schema *s, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < s->tables_nr; i++)
		if (!strncmp(s->tables[i]->name, name, n) && s->tables[i]->name[n] == '.')
			return true;
	for (i = 0; i < s->enums_nr; i++)
		if (!strncmp(s->enums[i]->name, name, n) && s->enums[i]->name[n] == '.')
			return true;
	return false;
}

/* Dispatch on the kind; out NULL: only whether YAML can say it. */
static bool object_entry(gm_buf *out, const struct gm_models_writer *w, const gm_dependent *d,
			 const gm_strvec *st)
{
	gm_buf comment = GM_BUF_INIT;
	size_t last = st->nr;
	bool ok, has_comment = false;

	if (last > 1 && comment_of(&comment, st->v[last - 1])) {
		has_comment = true;
		last--;
	}
	if (!strcmp(d->kind, "extension"))
		ok = last == 1 && !has_comment;
	else if (!strcmp(d->kind, "schema"))
		ok = last == 1 && !has_comment && schema_implied(w->s, d->name);
	else if (!strcmp(d->kind, "domain"))
		ok = last == 1 &&
		     domain_entry(out, d->name, st->v[0], has_comment ? comment.ptr : NULL);
	else if (!strcmp(d->kind, "sequence"))
		ok = last == 1 &&
		     sequence_entry(out, d->name, st->v[0], has_comment ? comment.ptr : NULL);
	else
		ok = sql_object(out, w, d, st, has_comment ? comment.ptr : NULL, last);
	gm_buf_release(&comment);
	return ok;
}

/* Why YAML cannot say object d (one of the common reasons, else a general one). Caller frees. */
static char *why_not(const struct gm_models_writer *w, const gm_dependent *d)
{
	gm_buf name = GM_BUF_INIT;
	const char *why = "the YAML keys cannot say its SQL";

	local_name(&name, d);
	if (strchr(d->name, '.'))
		why = "it is outside the current schema";
	else if (!strcmp(d->kind, "aggregate"))
		why = "YAML has no key for aggregates";
	else if ((!strcmp(d->kind, "function") || !strcmp(d->kind, "procedure")) &&
		 overloaded(w, d, name.ptr))
		why = "an overload: YAML keys a function by its name";
	else if (!strcmp(d->kind, "sequence") && strstr(d->create, " OWNED BY "))
		why = "a column owns it (YAML's sequences have no OWNED BY)";
	else if (!strcmp(d->kind, "schema"))
		why = "no table or enum of the YAML lives in it";
	gm_buf_release(&name);
	return gm_xstrdup(why);
}

bool gm_models_write_object(gm_buf *out, char **why, const struct gm_models_writer *w,
			    const gm_dependent *d)
{
	gm_strvec st = GM_STRVEC_INIT;
	bool ok;

	if (why)
		*why = NULL;
	if (!strcmp(d->kind, "generated column"))
		return true; /* the column says it */
	gm_sql_split(d->create, collect, &st);
	ok = st.nr > 0 && (!strchr(d->name, '.') || !strcmp(d->kind, "extension")) &&
	     object_entry(out, w, d, &st);
	if (!ok && why)
		*why = why_not(w, d);
	gm_strvec_release(&st);
	return ok;
}

/* In models_objects.c's order: what a later section uses comes first. */
static const struct {
	const char *kind, *key;
} sections[] = {
	{ "extension", "extensions" },
	{ "domain", "domains" },
	{ "sequence", "sequences" },
	{ "function", "functions" },
	{ "procedure", "functions" },
	{ "view", "views" },
	{ "materialized view", "materialized_views" },
	{ "trigger", "triggers" },
};

void gm_models_write_objects(gm_buf *out, const struct gm_models_writer *w)
{
	gm_buf name = GM_BUF_INIT;
	const char *open = NULL;
	size_t i, k;

	for (k = 0; k < sizeof(sections) / sizeof(sections[0]); k++) {
		for (i = 0; i < w->s->dependents_nr; i++) {
			const gm_dependent *d = w->s->dependents[i];
			if (strcmp(d->kind, sections[k].kind) || !strcmp(d->kind, "schema") ||
			    gm_models_writer_in_sql(w, d->kind, d->name))
				continue;
			if (open != sections[k].key && !(open && !strcmp(open, sections[k].key)))
				gm_buf_printf(out, "%s:\n", sections[k].key);
			open = sections[k].key;
			local_name(&name, d);
			if (!strcmp(d->kind, "trigger") && overloaded(w, d, name.ptr)) {
				gm_buf_clear(&name); /* PostgreSQL: "name on table" */
				gm_buf_puts(&name, d->name);
			}
			gm_buf_puts(out, "  ");
			gm_models_put_key(out, name.ptr);
			gm_buf_putc(out, ':');
			if (!strcmp(d->kind, "extension"))
				gm_buf_puts(out, " null\n");
			else
				gm_models_write_object(out, NULL, w, d);
		}
	}
	gm_buf_release(&name);
}
