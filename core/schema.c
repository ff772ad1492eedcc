/* The schema model: construction, lookup, copy, free, conventional names. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/schema.h"
#include "git-migrate/vec.h"
#include "util/strvec.h"
#include "schema_int.h"
#include "util/banned.h"

void gm_set_str(char **field, const char *value)
{
	char *v = gm_xstrdup(value);
	free(*field);
	*field = v;
}

void gm_schema_new(gm_schema **out)
{
	*out = gm_xcalloc(1, sizeof(**out));
}

static void enum_free(gm_enum *e)
{
	free(e->name);
	gm_strv_free(e->labels, e->labels_nr);
	free(e->was);
	free(e->origin);
	free(e);
}

static void column_free(gm_column *c)
{
	free(c->name);
	free(c->type);
	gm_strv_free(c->labels, c->labels_nr);
	free(c->enum_name);
	free(c->default_value);
	free(c->generated);
	free(c->comment);
	free(c->was);
	free(c->origin);
	free(c);
}

static void index_free(gm_index *ix)
{
	free(ix->name);
	gm_strv_free(ix->columns, ix->columns_nr);
	free(ix->expr);
	free(ix->where);
	free(ix->method);
	gm_strv_free(ix->include, ix->include_nr);
	free(ix->comment);
	free(ix);
}

static void fkey_free(gm_fkey *fk)
{
	free(fk->name);
	gm_strv_free(fk->columns, fk->columns_nr);
	free(fk->ref_table);
	gm_strv_free(fk->ref_columns, fk->ref_columns_nr);
	free(fk->on_delete);
	free(fk->on_update);
	free(fk->comment);
	free(fk);
}

static void check_free(gm_check *ck)
{
	free(ck->name);
	free(ck->expr);
	free(ck->comment);
	free(ck);
}

static void table_free(gm_table *t)
{
	size_t i;
	free(t->name);
	free(t->comment);
	free(t->was);
	free(t->origin);
	free(t->sql);
	for (i = 0; i < t->columns_nr; i++)
		column_free(t->columns[i]);
	free(t->columns);
	gm_strv_free(t->pk, t->pk_nr);
	free(t->pk_name);
	free(t->pk_comment);
	for (i = 0; i < t->indexes_nr; i++)
		index_free(t->indexes[i]);
	free(t->indexes);
	for (i = 0; i < t->fkeys_nr; i++)
		fkey_free(t->fkeys[i]);
	free(t->fkeys);
	for (i = 0; i < t->checks_nr; i++)
		check_free(t->checks[i]);
	free(t->checks);
	free(t);
}

static void dependent_free(gm_dependent *d)
{
	free(d->kind);
	free(d->name);
	free(d->table);
	free(d->create);
	free(d->origin);
	gm_strv_free(d->uses, d->uses_nr);
	free(d);
}

void gm_schema_free(gm_schema *s)
{
	size_t i;
	if (!s)
		return;
	for (i = 0; i < s->dependents_nr; i++)
		dependent_free(s->dependents[i]);
	free(s->dependents);
	for (i = 0; i < s->enums_nr; i++)
		enum_free(s->enums[i]);
	free(s->enums);
	for (i = 0; i < s->tables_nr; i++)
		table_free(s->tables[i]);
	free(s->tables);
	gm_strv_free(s->unsupported, s->unsupported_nr);
	free(s);
}

gm_enum *gm_schema_add_enum(gm_schema *s, const char *name)
{
	gm_enum *e = gm_xcalloc(1, sizeof(*e));
	e->name = gm_xstrdup(name);
	GM_PUSH(s->enums, s->enums_nr, s->enums_alloc, e);
	return e;
}

void gm_enum_add_label(gm_enum *e, const char *label)
{
	GM_PUSH(e->labels, e->labels_nr, e->labels_alloc, gm_xstrdup(label));
}

gm_table *gm_schema_add_table(gm_schema *s, const char *name)
{
	gm_table *t = gm_xcalloc(1, sizeof(*t));
	t->name = gm_xstrdup(name);
	GM_PUSH(s->tables, s->tables_nr, s->tables_alloc, t);
	return t;
}

void gm_schema_add_unsupported(gm_schema *s, const char *fmt, ...)
{
	va_list ap;
	gm_buf b = GM_BUF_INIT;
	va_start(ap, fmt);
	gm_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	GM_PUSH(s->unsupported, s->unsupported_nr, s->unsupported_alloc, gm_buf_detach(&b));
}

gm_dependent *gm_schema_add_dependent(gm_schema *s, const char *kind, const char *name,
				      const char *table, const char *create)
{
	gm_dependent *d = gm_xcalloc(1, sizeof(*d));
	d->kind = gm_xstrdup(kind);
	d->name = gm_xstrdup(name);
	d->table = gm_xstrdup(table);
	d->create = gm_xstrdup(create);
	GM_PUSH(s->dependents, s->dependents_nr, s->dependents_alloc, d);
	return d;
}

void gm_dependent_add_use(gm_dependent *d, const char *name)
{
	if (!gm_strv_contains(d->uses, d->uses_nr, name))
		GM_PUSH(d->uses, d->uses_nr, d->uses_alloc, gm_xstrdup(name));
}

const gm_dependent *gm_schema_next_user(const gm_schema *s, const char *name, size_t *i)
{
	for (; *i < s->dependents_nr; (*i)++)
		if (gm_strv_contains(s->dependents[*i]->uses, s->dependents[*i]->uses_nr, name))
			return s->dependents[(*i)++];
	return NULL;
}

void gm_schema_add_dependent_copy(gm_schema *to, const gm_dependent *d)
{
	gm_dependent *c = gm_schema_add_dependent(to, d->kind, d->name, d->table, d->create);
	size_t j;
	for (j = 0; j < d->uses_nr; j++)
		gm_dependent_add_use(c, d->uses[j]);
	gm_set_str(&c->origin, d->origin);
}

bool gm_dependent_compared(const gm_dependent *d)
{
	return strcmp(d->kind, "generated column") != 0;
}

bool gm_dependent_equal(const gm_dependent *a, const gm_dependent *b)
{
	return !strcmp(a->kind, b->kind) && !strcmp(a->name, b->name) &&
	       !strcmp(a->create, b->create);
}

const gm_dependent *gm_schema_dependent(const gm_schema *s, const char *kind, const char *name)
{
	size_t i;
	for (i = 0; i < s->dependents_nr; i++)
		if (!strcmp(s->dependents[i]->kind, kind) && !strcmp(s->dependents[i]->name, name))
			return s->dependents[i];
	return NULL;
}

/* Whether s has an object of `kind` (the models manage that kind: see gm_dependent). */
static bool has_kind(const gm_schema *s, const char *kind, size_t before)
{
	size_t i;
	for (i = 0; i < before; i++)
		if (!strcmp(s->dependents[i]->kind, kind))
			return true;
	return false;
}

void gm_schema_inherit_dependents(gm_schema *to, const gm_schema *from)
{
	size_t i, had = to->dependents_nr;
	for (i = 0; i < from->dependents_nr; i++) {
		const gm_dependent *d = from->dependents[i];
		if (gm_schema_drops_home(to, from, d))
			continue;
		if (gm_dependent_compared(d) ? !has_kind(to, d->kind, had)
					     : !gm_schema_dependent(to, d->kind, d->name))
			gm_schema_add_dependent_copy(to, d);
	}
	if (to->dependents_nr > had)
		gm_schema_order_dependents(to);
}

void gm_schema_order_dependents(gm_schema *s)
{
	gm_dependent **v = s->dependents;
	size_t n = s->dependents_nr, done, i, j;

	for (done = 0; done < n; done++) {
		size_t pick = done;
		gm_dependent *d;

		for (i = done; i < n; i++) {
			bool waits = false;
			for (j = done; j < n && !waits; j++)
				waits = j != i &&
					gm_strv_contains(v[i]->uses, v[i]->uses_nr, v[j]->name);
			if (!waits) {
				pick = i;
				break;
			}
		}
		d = v[pick];
		memmove(&v[done + 1], &v[done], (pick - done) * sizeof(*v));
		v[done] = d;
	}
}

gm_column *gm_table_add_column(gm_table *t, const char *name, const char *type)
{
	gm_column *c = gm_xcalloc(1, sizeof(*c));
	c->name = gm_xstrdup(name);
	c->type = gm_xstrdup(type);
	c->nullable = true;
	GM_PUSH(t->columns, t->columns_nr, t->columns_alloc, c);
	return c;
}

void gm_column_set_default(gm_column *c, gm_default_kind kind, const char *value)
{
	c->default_kind = kind;
	gm_set_str(&c->default_value, kind == GM_DEFAULT_NONE ? NULL : value);
}

void gm_column_add_label(gm_column *c, const char *label)
{
	GM_PUSH(c->labels, c->labels_nr, c->labels_alloc, gm_xstrdup(label));
}

void gm_table_add_pk(gm_table *t, const char *column)
{
	GM_PUSH(t->pk, t->pk_nr, t->pk_alloc, gm_xstrdup(column));
}

gm_index *gm_table_add_index(gm_table *t, const char *name)
{
	gm_index *ix = gm_xcalloc(1, sizeof(*ix));
	ix->name = gm_xstrdup(name);
	GM_PUSH(t->indexes, t->indexes_nr, t->indexes_alloc, ix);
	return ix;
}

void gm_index_add_column(gm_index *ix, const char *column)
{
	GM_PUSH(ix->columns, ix->columns_nr, ix->columns_alloc, gm_xstrdup(column));
}

void gm_index_add_include(gm_index *ix, const char *column)
{
	GM_PUSH(ix->include, ix->include_nr, ix->include_alloc, gm_xstrdup(column));
}

gm_fkey *gm_table_add_fkey(gm_table *t, const char *name, const char *ref_table)
{
	gm_fkey *fk = gm_xcalloc(1, sizeof(*fk));
	fk->name = gm_xstrdup(name);
	fk->ref_table = gm_xstrdup(ref_table);
	GM_PUSH(t->fkeys, t->fkeys_nr, t->fkeys_alloc, fk);
	return fk;
}

void gm_fkey_add_pair(gm_fkey *fk, const char *column, const char *ref_column)
{
	GM_PUSH(fk->columns, fk->columns_nr, fk->columns_alloc, gm_xstrdup(column));
	GM_PUSH(fk->ref_columns, fk->ref_columns_nr, fk->ref_columns_alloc, gm_xstrdup(ref_column));
}

gm_check *gm_table_add_check(gm_table *t, const char *name, const char *expr)
{
	gm_check *ck = gm_xcalloc(1, sizeof(*ck));
	ck->name = gm_xstrdup(name);
	ck->expr = gm_xstrdup(expr);
	GM_PUSH(t->checks, t->checks_nr, t->checks_alloc, ck);
	return ck;
}

void gm_schema_remove_table(gm_schema *s, size_t i)
{
	table_free(s->tables[i]);
	memmove(&s->tables[i], &s->tables[i + 1], (s->tables_nr - i - 1) * sizeof(*s->tables));
	s->tables_nr--;
}

void gm_schema_remove_enum(gm_schema *s, size_t i)
{
	enum_free(s->enums[i]);
	memmove(&s->enums[i], &s->enums[i + 1], (s->enums_nr - i - 1) * sizeof(*s->enums));
	s->enums_nr--;
}

void gm_schema_remove_dependent(gm_schema *s, size_t i)
{
	dependent_free(s->dependents[i]);
	memmove(&s->dependents[i], &s->dependents[i + 1],
		(s->dependents_nr - i - 1) * sizeof(*s->dependents));
	s->dependents_nr--;
}

gm_table *gm_schema_table(const gm_schema *s, const char *name)
{
	size_t i;
	for (i = 0; i < s->tables_nr; i++)
		if (!strcmp(s->tables[i]->name, name))
			return s->tables[i];
	return NULL;
}

gm_enum *gm_schema_enum(const gm_schema *s, const char *name)
{
	size_t i;
	for (i = 0; i < s->enums_nr; i++)
		if (!strcmp(s->enums[i]->name, name))
			return s->enums[i];
	return NULL;
}

gm_column *gm_table_column(const gm_table *t, const char *name)
{
	size_t i;
	for (i = 0; i < t->columns_nr; i++)
		if (!strcmp(t->columns[i]->name, name))
			return t->columns[i];
	return NULL;
}

gm_index *gm_table_index(const gm_table *t, const char *name)
{
	size_t i;
	for (i = 0; i < t->indexes_nr; i++)
		if (!strcmp(t->indexes[i]->name, name))
			return t->indexes[i];
	return NULL;
}

gm_fkey *gm_table_fkey(const gm_table *t, const char *name)
{
	size_t i;
	for (i = 0; i < t->fkeys_nr; i++)
		if (!strcmp(t->fkeys[i]->name, name))
			return t->fkeys[i];
	return NULL;
}

gm_check *gm_table_check(const gm_table *t, const char *name)
{
	size_t i;
	for (i = 0; i < t->checks_nr; i++)
		if (!strcmp(t->checks[i]->name, name))
			return t->checks[i];
	return NULL;
}

bool gm_table_pk_has(const gm_table *t, const char *column)
{
	size_t i;
	for (i = 0; i < t->pk_nr; i++)
		if (!strcmp(t->pk[i], column))
			return true;
	return false;
}

/* ---- deep copy ---- */

static gm_table *copy_table(const gm_table *t);

void gm_schema_add_table_copy(gm_schema *s, const gm_table *t)
{
	GM_PUSH(s->tables, s->tables_nr, s->tables_alloc, copy_table(t));
}

gm_table *gm_schema_set_table_copy(gm_schema *s, size_t i, const gm_table *t)
{
	table_free(s->tables[i]);
	return s->tables[i] = copy_table(t);
}

static gm_table *copy_table(const gm_table *t)
{
	gm_table *c = gm_xcalloc(1, sizeof(*c));
	size_t i;

	c->name = gm_xstrdup(t->name);
	c->comment = gm_xstrdup(t->comment);
	c->sql = gm_xstrdup(t->sql);
	c->was = gm_xstrdup(t->was);
	c->origin = gm_xstrdup(t->origin);
	for (i = 0; i < t->columns_nr; i++) {
		const gm_column *s = t->columns[i];
		gm_column *d = gm_xcalloc(1, sizeof(*d));
		*d = *s;
		d->name = gm_xstrdup(s->name);
		d->type = gm_xstrdup(s->type);
		d->labels = gm_strv_copy(s->labels, s->labels_nr, &d->labels_alloc);
		d->enum_name = gm_xstrdup(s->enum_name);
		d->default_value = gm_xstrdup(s->default_value);
		d->generated = gm_xstrdup(s->generated);
		d->comment = gm_xstrdup(s->comment);
		d->was = gm_xstrdup(s->was);
		d->origin = gm_xstrdup(s->origin);
		GM_PUSH(c->columns, c->columns_nr, c->columns_alloc, d);
	}
	c->pk = gm_strv_copy(t->pk, t->pk_nr, &c->pk_alloc);
	c->pk_nr = t->pk_nr;
	c->pk_name = gm_xstrdup(t->pk_name);
	c->pk_comment = gm_xstrdup(t->pk_comment);
	for (i = 0; i < t->indexes_nr; i++) {
		const gm_index *s = t->indexes[i];
		gm_index *d = gm_xcalloc(1, sizeof(*d));
		*d = *s;
		d->name = gm_xstrdup(s->name);
		d->columns = gm_strv_copy(s->columns, s->columns_nr, &d->columns_alloc);
		d->expr = gm_xstrdup(s->expr);
		d->where = gm_xstrdup(s->where);
		d->method = gm_xstrdup(s->method);
		d->include = gm_strv_copy(s->include, s->include_nr, &d->include_alloc);
		d->comment = gm_xstrdup(s->comment);
		GM_PUSH(c->indexes, c->indexes_nr, c->indexes_alloc, d);
	}
	for (i = 0; i < t->fkeys_nr; i++) {
		const gm_fkey *s = t->fkeys[i];
		gm_fkey *d = gm_xcalloc(1, sizeof(*d));
		*d = *s;
		d->name = gm_xstrdup(s->name);
		d->columns = gm_strv_copy(s->columns, s->columns_nr, &d->columns_alloc);
		d->ref_table = gm_xstrdup(s->ref_table);
		d->ref_columns =
			gm_strv_copy(s->ref_columns, s->ref_columns_nr, &d->ref_columns_alloc);
		d->on_delete = gm_xstrdup(s->on_delete);
		d->on_update = gm_xstrdup(s->on_update);
		d->comment = gm_xstrdup(s->comment);
		GM_PUSH(c->fkeys, c->fkeys_nr, c->fkeys_alloc, d);
	}
	for (i = 0; i < t->checks_nr; i++) {
		gm_check *d = gm_table_add_check(c, t->checks[i]->name, t->checks[i]->expr);
		d->exclusion = t->checks[i]->exclusion;
		d->comment = gm_xstrdup(t->checks[i]->comment);
	}
	return c;
}

void gm_schema_add_enum_copy(gm_schema *s, const gm_enum *e)
{
	gm_enum *d = gm_schema_add_enum(s, e->name);
	d->labels = gm_strv_copy(e->labels, e->labels_nr, &d->labels_alloc);
	d->labels_nr = e->labels_nr;
	d->was = gm_xstrdup(e->was);
	d->origin = gm_xstrdup(e->origin);
}

void gm_schema_copy(gm_schema **out, const gm_schema *s)
{
	gm_schema *c;
	size_t i;

	gm_schema_new(&c);
	for (i = 0; i < s->enums_nr; i++)
		gm_schema_add_enum_copy(c, s->enums[i]);
	for (i = 0; i < s->tables_nr; i++)
		GM_PUSH(c->tables, c->tables_nr, c->tables_alloc, copy_table(s->tables[i]));
	for (i = 0; i < s->unsupported_nr; i++)
		gm_schema_add_unsupported(c, "%s", s->unsupported[i]);
	for (i = 0; i < s->dependents_nr; i++)
		gm_schema_add_dependent_copy(c, s->dependents[i]);
	*out = c;
}

/*
 * One part of a model name at p: "quoted" (a doubled quote escapes) or a run without
 * dots, unquoted into out. The end of the part, or NULL when it is not one.
 */
static const char *name_part(gm_buf *out, const char *p)
{
	if (*p != '"') {
		size_t n = strcspn(p, ".");
		if (!n)
			return NULL;
		gm_buf_put(out, p, n);
		return p + n;
	}
	for (p++; *p; p++) {
		if (*p == '"' && p[1] != '"')
			return out->len ? p + 1 : NULL;
		if (*p == '"')
			p++;
		gm_buf_putc(out, *p);
	}
	return NULL;
}

void gm_name_part(gm_buf *out, const char *part)
{
	const char *p;

	if (!strchr(part, '.') && part[0] != '"') {
		gm_buf_puts(out, part);
		return;
	}
	gm_buf_putc(out, '"');
	for (p = part; *p; p++) {
		if (*p == '"')
			gm_buf_putc(out, '"');
		gm_buf_putc(out, *p);
	}
	gm_buf_putc(out, '"');
}

bool gm_name_split(const char *name, gm_buf *schema_out, gm_buf *local_out)
{
	const char *p;

	gm_buf_clear(schema_out);
	gm_buf_clear(local_out);
	if ((p = name_part(schema_out, name)) && *p == '.' && (p = name_part(local_out, p + 1)) &&
	    !*p)
		return true;
	gm_buf_clear(schema_out);
	gm_buf_clear(local_out);
	if ((p = name_part(local_out, name)) && !*p && *name == '"')
		return false;
	gm_buf_clear(local_out);
	gm_buf_puts(local_out, name);
	return false;
}

/* The conventional names use the table's name without its schema, as PostgreSQL does. */
static void name_local(gm_buf *out, const char *table)
{
	gm_buf schema = GM_BUF_INIT;

	gm_name_split(table, &schema, out);
	gm_buf_release(&schema);
}

/* ---- conventional names (PostgreSQL's ChooseRelationName, without truncation) ---- */

static void name_with(gm_buf *out, const char *table, char *const *cols, size_t n,
		      const char *suffix)
{
	size_t i;
	name_local(out, table);
	for (i = 0; i < n; i++)
		gm_buf_printf(out, "_%s", cols[i]);
	gm_buf_printf(out, "_%s", suffix);
	if (out->len > 63) /* PostgreSQL's NAMEDATALEN - 1 */
		gm_buf_truncate(out, 63);
}

void gm_name_pkey(gm_buf *out, const char *table)
{
	name_with(out, table, NULL, 0, "pkey");
}

void gm_name_key(gm_buf *out, const char *table, char *const *cols, size_t n)
{
	name_with(out, table, cols, n, "key");
}

void gm_name_index(gm_buf *out, const char *table, char *const *cols, size_t n)
{
	name_with(out, table, cols, n, "idx");
}

void gm_name_fkey(gm_buf *out, const char *table, char *const *cols, size_t n)
{
	name_with(out, table, cols, n, "fkey");
}

void gm_name_check(gm_buf *out, const char *table, const char *column)
{
	char *cols[1];
	cols[0] = (char *)column;
	name_with(out, table, cols, column ? 1 : 0, "check");
}
