/*
 * The fingerprint: a canonical, order-stable, human-readable text rendering of a schema
 * (schema.h's contract). Two schemas are equal exactly when their fingerprints are.
 *
 *   enum dealcurrency ('USD', 'EUR')
 *   table deals
 *     comment 'Sales deals'
 *     column amount numeric(12,2) not null default literal '0'
 *     column created_at timestamptz not null default sql 'now()'
 *     column currency text not null default literal 'USD' labels ('USD', 'EUR')
 *     column id bigint not null identity
 *     primary key deals_pkey (id)
 *     unique constraint deals_title_key (title)
 *     index deals_title_idx (title) where 'title <> '''''
 *     foreign key deals_contact_id_fkey (contact_id) references contacts (id) on delete cascade
 *     check amount_positive 'amount >= 0'
 *
 * Identifiers and types are bare when they are plain words (letters, digits, _ and, for
 * types, "(),[]."), else double-quoted; values are always single-quoted with '' for a
 * quote, \n for a newline and \\ for a backslash, so every line reads back one way.
 * Objects beyond tables follow, by kind and name, with their create text as the value:
 *
 *   view active_deals 'CREATE VIEW active_deals AS\n SELECT ...;'
 *
 * (not the "generated column" carriers: the column is the object).
 * `origin`, `was` and `enum_name` are left out, and so is `unsupported` (what the model
 * does not cover, such as a rule or a policy).
 */
#include <stdlib.h>
#include <string.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "error_int.h"
#include "git-migrate/schema.h"
#include "schema_int.h"
#include "util/strvec.h"
#include "util/banned.h"

static bool word_char(char c, const char *extra)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || (c && strchr(extra, c));
}

/* Bare when every character is a word character (plus `extra`), else "double-quoted". */
static void put_name(gm_buf *out, const char *s, const char *extra)
{
	const char *p;
	bool bare = s && *s;

	for (p = s; bare && *p; p++)
		bare = word_char(*p, extra);
	if (bare) {
		gm_buf_puts(out, s);
		return;
	}
	gm_buf_putc(out, '"');
	for (p = s ? s : ""; *p; p++) {
		if (*p == '"')
			gm_buf_puts(out, "\"\"");
		else if (*p == '\n')
			gm_buf_puts(out, "\\n");
		else if (*p == '\\')
			gm_buf_puts(out, "\\\\");
		else
			gm_buf_putc(out, *p);
	}
	gm_buf_putc(out, '"');
}

static void put_ident(gm_buf *out, const char *s)
{
	put_name(out, s, "");
}

static void put_value(gm_buf *out, const char *s)
{
	const char *p;

	gm_buf_putc(out, '\'');
	for (p = s ? s : ""; *p; p++) {
		if (*p == '\'')
			gm_buf_puts(out, "''");
		else if (*p == '\n')
			gm_buf_puts(out, "\\n");
		else if (*p == '\r')
			gm_buf_puts(out, "\\r");
		else if (*p == '\\')
			gm_buf_puts(out, "\\\\");
		else
			gm_buf_putc(out, *p);
	}
	gm_buf_putc(out, '\'');
}

static void put_idents(gm_buf *out, char *const *v, size_t n)
{
	size_t i;
	gm_buf_putc(out, '(');
	for (i = 0; i < n; i++) {
		if (i)
			gm_buf_puts(out, ", ");
		put_ident(out, v[i]);
	}
	gm_buf_putc(out, ')');
}

static void put_values(gm_buf *out, char *const *v, size_t n)
{
	size_t i;
	gm_buf_putc(out, '(');
	for (i = 0; i < n; i++) {
		if (i)
			gm_buf_puts(out, ", ");
		put_value(out, v[i]);
	}
	gm_buf_putc(out, ')');
}

/* qsort comparators: by name (byte order, so the result does not depend on the locale). */
#define BY_NAME(fn, type)                                \
	static int fn(const void *a, const void *b)      \
	{                                                \
		const type *x = *(const type *const *)a; \
		const type *y = *(const type *const *)b; \
		return strcmp(x->name, y->name);         \
	}
BY_NAME(cmp_enum, gm_enum)
BY_NAME(cmp_table, gm_table)
BY_NAME(cmp_column, gm_column)
BY_NAME(cmp_index, gm_index)
BY_NAME(cmp_fkey, gm_fkey)
BY_NAME(cmp_check, gm_check)

/* A sorted shallow copy of an array of pointers (the schema is not touched). */
static void *sorted(void *const *v, size_t n, int (*cmp)(const void *, const void *))
{
	void **copy = gm_xmalloc((n ? n : 1) * sizeof(*copy));
	if (n)
		memcpy(copy, v, n * sizeof(*copy));
	qsort(copy, n, sizeof(*copy), cmp);
	return copy;
}

/* " comment '...'" when there is one (columns, indexes, constraints: on their line). */
static void put_comment(gm_buf *out, const char *comment)
{
	if (!comment)
		return;
	gm_buf_puts(out, " comment ");
	put_value(out, comment);
}

static void put_column(gm_buf *out, const gm_column *c)
{
	gm_buf_puts(out, "  column ");
	put_ident(out, c->name);
	gm_buf_putc(out, ' ');
	put_name(out, c->type, "(),[].");
	if (!c->nullable)
		gm_buf_puts(out, " not null");
	if (c->default_kind == GM_DEFAULT_LITERAL) {
		gm_buf_puts(out, " default literal ");
		put_value(out, c->default_value);
	} else if (c->default_kind == GM_DEFAULT_SQL) {
		gm_buf_puts(out, " default sql ");
		put_value(out, c->default_value);
	}
	if (c->identity)
		gm_buf_puts(out, c->identity_always ? " identity always" : " identity");
	if (c->generated) {
		gm_buf_puts(out, c->stored ? " generated stored " : " generated virtual ");
		put_value(out, c->generated);
	}
	if (c->labels) {
		gm_buf_puts(out, " labels ");
		put_values(out, c->labels, c->labels_nr);
	}
	put_comment(out, c->comment);
	gm_buf_putc(out, '\n');
}

static void put_deferrable(gm_buf *out, bool deferrable, bool initially_deferred)
{
	if (initially_deferred)
		gm_buf_puts(out, " deferrable initially deferred");
	else if (deferrable)
		gm_buf_puts(out, " deferrable");
}

static void put_index(gm_buf *out, const gm_index *ix)
{
	if (ix->constraint)
		gm_buf_puts(out, ix->unique ? "  unique constraint " : "  constraint ");
	else
		gm_buf_puts(out, ix->unique ? "  unique index " : "  index ");
	put_ident(out, ix->name);
	gm_buf_putc(out, ' ');
	if (ix->expr) {
		gm_buf_puts(out, "expression ");
		put_value(out, ix->expr);
	} else {
		put_idents(out, ix->columns, ix->columns_nr);
	}
	if (ix->method)
		gm_buf_printf(out, " using %s", ix->method);
	if (ix->include_nr) {
		gm_buf_puts(out, " include ");
		put_idents(out, ix->include, ix->include_nr);
	}
	if (ix->nulls_not_distinct)
		gm_buf_puts(out, " nulls not distinct");
	if (ix->where) {
		gm_buf_puts(out, " where ");
		put_value(out, ix->where);
	}
	put_deferrable(out, ix->deferrable, ix->initially_deferred);
	put_comment(out, ix->comment);
	gm_buf_putc(out, '\n');
}

static void put_fkey(gm_buf *out, const gm_fkey *fk)
{
	gm_buf_puts(out, "  foreign key ");
	put_ident(out, fk->name);
	gm_buf_putc(out, ' ');
	put_idents(out, fk->columns, fk->columns_nr);
	gm_buf_puts(out, " references ");
	put_ident(out, fk->ref_table);
	gm_buf_putc(out, ' ');
	put_idents(out, fk->ref_columns, fk->ref_columns_nr);
	if (fk->on_delete)
		gm_buf_printf(out, " on delete %s", fk->on_delete);
	if (fk->on_update)
		gm_buf_printf(out, " on update %s", fk->on_update);
	put_deferrable(out, fk->deferrable, fk->initially_deferred);
	put_comment(out, fk->comment);
	gm_buf_putc(out, '\n');
}

static void put_table(gm_buf *out, const gm_table *t)
{
	gm_column **cols;
	gm_index **ixs;
	gm_fkey **fks;
	gm_check **cks;
	size_t i;

	gm_buf_puts(out, "table ");
	put_ident(out, t->name);
	gm_buf_putc(out, '\n');
	if (t->comment) {
		gm_buf_puts(out, "  comment ");
		put_value(out, t->comment);
		gm_buf_putc(out, '\n');
	}

	cols = sorted((void *const *)t->columns, t->columns_nr, cmp_column);
	for (i = 0; i < t->columns_nr; i++)
		put_column(out, cols[i]);
	free(cols);

	if (t->pk_nr) {
		gm_buf_puts(out, "  primary key ");
		put_ident(out, t->pk_name);
		gm_buf_putc(out, ' ');
		put_idents(out, t->pk, t->pk_nr);
		put_comment(out, t->pk_comment);
		gm_buf_putc(out, '\n');
	}

	ixs = sorted((void *const *)t->indexes, t->indexes_nr, cmp_index);
	for (i = 0; i < t->indexes_nr; i++)
		put_index(out, ixs[i]);
	free(ixs);

	fks = sorted((void *const *)t->fkeys, t->fkeys_nr, cmp_fkey);
	for (i = 0; i < t->fkeys_nr; i++)
		put_fkey(out, fks[i]);
	free(fks);

	cks = sorted((void *const *)t->checks, t->checks_nr, cmp_check);
	for (i = 0; i < t->checks_nr; i++) {
		gm_buf_puts(out, cks[i]->exclusion ? "  exclusion " : "  check ");
		put_ident(out, cks[i]->name);
		gm_buf_putc(out, ' ');
		put_value(out, cks[i]->expr);
		put_comment(out, cks[i]->comment);
		gm_buf_putc(out, '\n');
	}
	free(cks);
}

static int cmp_object(const void *a, const void *b)
{
	const gm_dependent *x = *(const gm_dependent *const *)a,
			   *y = *(const gm_dependent *const *)b;
	int c = strcmp(x->kind, y->kind);
	return c ? c : strcmp(x->name, y->name);
}

static void put_objects(gm_buf *out, const gm_schema *s)
{
	gm_dependent **v = sorted((void *const *)s->dependents, s->dependents_nr, cmp_object);
	size_t i;

	for (i = 0; i < s->dependents_nr; i++) {
		if (!gm_dependent_compared(v[i]))
			continue;
		gm_buf_printf(out, "%s ", v[i]->kind);
		put_ident(out, v[i]->name);
		gm_buf_putc(out, ' ');
		put_value(out, v[i]->create);
		gm_buf_putc(out, '\n');
	}
	free(v);
}

void gm_schema_fingerprint(gm_buf *out, const gm_schema *s)
{
	gm_enum **enums;
	gm_table **tables;
	size_t i;

	enums = sorted((void *const *)s->enums, s->enums_nr, cmp_enum);
	for (i = 0; i < s->enums_nr; i++) {
		gm_buf_puts(out, "enum ");
		put_ident(out, enums[i]->name);
		gm_buf_putc(out, ' ');
		put_values(out, enums[i]->labels, enums[i]->labels_nr);
		gm_buf_putc(out, '\n');
	}
	free(enums);

	tables = sorted((void *const *)s->tables, s->tables_nr, cmp_table);
	for (i = 0; i < s->tables_nr; i++)
		put_table(out, tables[i]);
	free(tables);
	put_objects(out, s);
}

/* Split text into lines (borrowed pointers into a copy the caller frees). */
static char **split_lines(char *text, size_t *nr)
{
	size_t n = 0, alloc = 16;
	char **v = gm_xmalloc(alloc * sizeof(*v));
	char *p = text;

	while (*p) {
		char *nl = strchr(p, '\n');
		if (n == alloc) {
			alloc *= 2;
			v = gm_xrealloc(v, alloc * sizeof(*v));
		}
		v[n++] = p;
		if (!nl)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	*nr = n;
	return v;
}

/* The "table x" line a fingerprint line belongs to (NULL for top-level lines). */
static const char *context_of(char **lines, size_t i)
{
	if (lines[i][0] != ' ')
		return NULL;
	while (i-- > 0)
		if (lines[i][0] != ' ')
			return lines[i];
	return NULL;
}

static void delta_line(gm_buf *out, char sign, char **lines, size_t i)
{
	const char *ctx = context_of(lines, i);
	const char *l = lines[i];
	while (*l == ' ')
		l++;
	gm_buf_printf(out, "%s%s%s%s\n", sign == '-' ? "missing: " : "unexpected: ", ctx ? ctx : "",
		      ctx ? ": " : "", l);
}

void gm_fingerprint_delta(gm_buf *out, const char *want, const char *got, size_t max)
{
	char *a = gm_xstrdup(want), *b = gm_xstrdup(got);
	size_t na, nb, i, j, shown = 0;
	char **la = split_lines(a, &na), **lb = split_lines(b, &nb);
	unsigned *dp = NULL;

	/* Longest common subsequence over lines; fingerprints are small enough. When they
	 * are not, a set difference still names every differing line. */
	if ((na + 1) * (nb + 1) <= 8u * 1024 * 1024) {
		dp = gm_xcalloc((na + 1) * (nb + 1), sizeof(*dp));
		for (i = na; i-- > 0;)
			for (j = nb; j-- > 0;)
				dp[i * (nb + 1) + j] =
					!strcmp(la[i], lb[j])
						? dp[(i + 1) * (nb + 1) + j + 1] + 1
						: (dp[(i + 1) * (nb + 1) + j] >
								   dp[i * (nb + 1) + j + 1]
							   ? dp[(i + 1) * (nb + 1) + j]
							   : dp[i * (nb + 1) + j + 1]);
		for (i = 0, j = 0; (i < na || j < nb) && shown < max;) {
			if (i < na && j < nb && !strcmp(la[i], lb[j])) {
				i++, j++;
			} else if (j >= nb || (i < na && dp[(i + 1) * (nb + 1) + j] >=
								 dp[i * (nb + 1) + j + 1])) {
				delta_line(out, '-', la, i++);
				shown++;
			} else {
				delta_line(out, '+', lb, j++);
				shown++;
			}
		}
	} else {
		for (i = 0; i < na && shown < max; i++) {
			for (j = 0; j < nb && strcmp(la[i], lb[j]); j++)
				;
			if (j == nb && ++shown)
				delta_line(out, '-', la, i);
		}
		for (j = 0; j < nb && shown < max; j++) {
			for (i = 0; i < na && strcmp(la[i], lb[j]); i++)
				;
			if (i == na && ++shown)
				delta_line(out, '+', lb, j);
		}
	}
	while (out->len && out->ptr[out->len - 1] == '\n')
		gm_buf_truncate(out, out->len - 1);
	free(dp);
	free(la);
	free(lb);
	free(a);
	free(b);
}

int gm_schema_memo_check(const gm_schema *s, const gm_schema *full)
{
	gm_buf a = GM_BUF_INIT, b = GM_BUF_INIT, delta = GM_BUF_INIT;
	size_t i;
	bool same;
	int error = 0;

	gm_schema_fingerprint(&a, s);
	gm_schema_fingerprint(&b, full);
	same = !strcmp(a.ptr ? a.ptr : "", b.ptr ? b.ptr : "") && s->tables_nr == full->tables_nr &&
	       s->unsupported_nr == full->unsupported_nr;
	for (i = 0; same && i < s->tables_nr; i++)
		same = !strcmp(s->tables[i]->name, full->tables[i]->name) &&
		       gm_str_eq(s->tables[i]->sql, full->tables[i]->sql);
	for (i = 0; same && i < s->unsupported_nr; i++)
		same = !strcmp(s->unsupported[i], full->unsupported[i]);
	if (!same) {
		gm_fingerprint_delta(&delta, b.ptr ? b.ptr : "", a.ptr ? a.ptr : "", 6);
		error = gm_error_set(GM_ERROR, "inspection: the tables kept from the last "
					       "inspection differ from a full one "
					       "(GIT_MIGRATE_TEST_INSPECT_CHECK)");
		gm_error_detail("%s", delta.len ? delta.ptr : "(their order or unsupported lines)");
	}
	gm_buf_release(&a);
	gm_buf_release(&b);
	gm_buf_release(&delta);
	return error;
}
