/*
 * Models: merging the files' schemas into one and validating it (DESIGN.md §3.3). Several
 * files merge into one schema; the same table or enum twice is an error naming both
 * places. Parsing a YAML file is models_yaml.c (columns: models_column.c); loading every
 * configured source (SQL files, commands) is models_load.c.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "git-migrate/vec.h"
#include "error_int.h"
#include "models_int.h"
#include "models_parse.h"
#include "type.h"
#include "yaml.h"
#include "dialect/sql.h"
#include "util/suggest.h"
#include "util/strvec.h"
#include "schema_int.h"
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
static int error_at(const char *origin, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
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
	for (i = 0; i < part->dependents_nr; i++)
		GM_PUSH(into->dependents, into->dependents_nr, into->dependents_alloc,
			part->dependents[i]);
	part->enums_nr = part->tables_nr = part->unsupported_nr = part->dependents_nr = 0;
	gm_schema_free(part);
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
		/*
		 * A domain of the models; and with an extension in the models, any name: its
		 * types are not known offline (citext, hstore, geometry), and the scratch
		 * database that the models are applied to names a type that does not exist.
		 */
		for (i = 0; i < s->dependents_nr; i++) {
			const gm_dependent *d = s->dependents[i];
			if (!strcmp(d->kind, "extension") ||
			    (!strcmp(d->kind, "domain") && strlen(d->name) == n &&
			     !strncmp(d->name, type, n)))
				return true;
		}
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
			error_at(origin, "column '%s.%s' has unknown type '%s'", t->name, c->name,
				 c->type);
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
			return error_at(
				origin,
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
				return error_at(
					t->origin,
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
				return error_at(
					origin,
					"foreign key '%s' of table '%s' names missing column '%s'",
					fk->name, t->name, fk->columns[k]);
		r = gm_schema_table(s, fk->ref_table);
		if (!r) {
			gm_suggest cl = GM_SUGGEST_INIT(NULL);
			cl.word = fk->ref_table;
			for (k = 0; k < s->tables_nr; k++)
				gm_suggest_consider(&cl, s->tables[k]->name);
			error_at(origin,
				 "foreign key '%s' of table '%s' references missing table '%s'",
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
					return error_at(
						t->origin,
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

/* ---- objects beyond tables ---- */

/* The models' top-level key that declares objects of `kind`. */
static const char *section_of(const char *kind)
{
	static const char *const map[][2] = {
		{ "extension", "extensions" }, { "domain", "domains" },
		{ "sequence", "sequences" },   { "function", "functions" },
		{ "procedure", "functions" },  { "materialized view", "materialized_views" },
		{ "schema", "schemas" },
	};
	size_t i;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(map[i][0], kind))
			return map[i][1];
	return kind;
}

/* Whether name (an object's: "f(integer)" names "f") is `word` (n bytes). */
static bool names_word(const char *name, const char *word, size_t n)
{
	return strcspn(name, "(") == n && !strncasecmp(name, word, n);
}

/* The words (and quoted identifiers) of d's create text that name s's tables, enums and
 * other objects become d's uses; a trigger also uses its table. */
static void object_uses(gm_dependent *d, const gm_schema *s)
{
	gm_sql_lexer lx;
	gm_sql_tok t;
	size_t i;

	if (d->table)
		gm_dependent_add_use(d, d->table);
	gm_sql_lexer_init(&lx, d->create, GM_SQL_LEX_PG);
	for (gm_sql_lex(&lx, &t); t.kind != GM_SQL_END; gm_sql_lex(&lx, &t)) {
		const char *w = t.kind == GM_SQL_QUOTED ? t.s + 1 : t.s;
		size_t n = t.kind == GM_SQL_QUOTED ? t.len - 2 : t.len;
		if (t.kind != GM_SQL_WORD && (t.kind != GM_SQL_QUOTED || t.len < 2))
			continue;
		for (i = 0; i < s->tables_nr; i++)
			if (names_word(s->tables[i]->name, w, n))
				gm_dependent_add_use(d, s->tables[i]->name);
		for (i = 0; i < s->enums_nr; i++)
			if (names_word(s->enums[i]->name, w, n))
				gm_dependent_add_use(d, s->enums[i]->name);
		for (i = 0; i < s->dependents_nr; i++)
			if (s->dependents[i] != d && names_word(s->dependents[i]->name, w, n) &&
			    !gm_strv_contains(d->uses, d->uses_nr, s->dependents[i]->name))
				gm_dependent_add_use(d, s->dependents[i]->name);
	}
}

/* Keep the first statement of d's create text (SQLite has no COMMENT ON). */
static int first_statement(const char *stmt, int line, void *payload)
{
	gm_buf *b = payload;
	(void)line;
	if (b->len)
		return 0;
	gm_models_trim(b, stmt);
	while (b->len && b->ptr[b->len - 1] == ';')
		b->ptr[--b->len] = '\0';
	gm_buf_putc(b, ';');
	return 0;
}

static int object_for_dialect(gm_dependent *d, const char *dialect)
{
	gm_buf b = GM_BUF_INIT;

	if (strcmp(dialect, "sqlite"))
		return 0;
	if (strcmp(d->kind, "view") && strcmp(d->kind, "trigger")) {
		error_at(d->origin, "'%s' are not supported on SQLite: %s '%s'",
			 section_of(d->kind), d->kind, d->name);
		gm_error_hint("SQLite has views and triggers only; '%s' are for models of a "
			      "PostgreSQL database",
			      section_of(d->kind));
		return GM_EINVALID;
	}
	gm_sql_split(d->create, first_statement, &b);
	if (b.len)
		gm_set_str(&d->create, b.ptr);
	gm_buf_release(&b);
	return 0;
}

int gm_models_validate_objects(gm_schema *s, const char *dialect)
{
	size_t i;
	int error;

	GM_ASSERT_ARG(s);
	for (i = 0; i < s->dependents_nr; i++) {
		gm_dependent *d = s->dependents[i];
		if (d->table && !gm_schema_table(s, d->table))
			return error_at(d->origin, "%s '%s' is on missing table '%s'", d->kind,
					d->name, d->table);
		if (dialect && (error = object_for_dialect(d, dialect)) < 0)
			return error;
	}
	/* YAML-made objects have no uses yet (an inspected one has the catalog's) */
	for (i = 0; i < s->dependents_nr; i++)
		if (!s->dependents[i]->uses_nr)
			object_uses(s->dependents[i], s);
	gm_schema_order_dependents(s);
	return 0;
}
