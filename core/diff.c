/* The diff: two canonical schemas → an ordered, dialect-neutral change list. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/diff.h"
#include "git-migrate/error.h"
#include "git-migrate/vec.h"
#include "error_int.h"
#include "schema_int.h"
#include "util/strvec.h"
#include "diff_int.h"
#include "util/banned.h"

/*
 * Matching. Enums, tables and the columns of a matched table pair are matched first by
 * exact name, then by rename hints. a_to_b[i] is the index in b of a[i]'s partner (or -1),
 * b_to_a[j] the reverse.
 */
struct obj {
	const char *name, *was, *origin;
};

struct diff {
	const gm_schema *from, *to;
	unsigned flags;
	int *enum_f2t, *enum_t2f;
	int *tab_f2t, *tab_t2f;
	int **col_f2t, **col_t2f; /* per to-table index of a matched pair, else NULL */
	gm_buf scratch_a, scratch_b;
};

/* An index of a named object: sorting these by name keeps the output independent of the
 * order of the schemas' arrays. */
struct named {
	const char *name;
	size_t i;
};

static int cmp_named(const void *a, const void *b)
{
	return strcmp(((const struct named *)a)->name, ((const struct named *)b)->name);
}

/*
 * The indexes of v's elements (pointers to structs whose first member is `char *name`),
 * sorted by name. Caller frees.
 */
static struct named *by_name(void *const *v, size_t n)
{
	struct named *out = gm_xcalloc(n + 1, sizeof(*out));
	size_t i;
	for (i = 0; i < n; i++) {
		out[i].name = *(char *const *)v[i];
		out[i].i = i;
	}
	if (n > 1)
		qsort(out, n, sizeof(*out), cmp_named);
	return out;
}

static void describe_obj(gm_buf *out, const char *qualifier, const struct obj *o)
{
	gm_buf_puts(out, "'");
	if (qualifier)
		gm_buf_printf(out, "%s.", qualifier);
	gm_buf_printf(out, "%s'", o->name);
	if (o->origin)
		gm_buf_printf(out, " (%s)", o->origin);
}

static int hint_conflict(const char *kind, const char *qualifier, const struct obj *first,
			 const struct obj *second, const char *old)
{
	gm_buf a = GM_BUF_INIT, b = GM_BUF_INIT;
	describe_obj(&a, qualifier, first);
	describe_obj(&b, qualifier, second);
	gm_error_set(GM_EINVALID, "%ss %s and %s are both renamed from '%s%s%s'", kind, a.ptr,
		     b.ptr, qualifier ? qualifier : "", qualifier ? "." : "", old);
	gm_error_hint("remove one of the 'was: %s' hints", old);
	gm_buf_release(&a);
	gm_buf_release(&b);
	return GM_EINVALID;
}

static int match(int *a_to_b, int *b_to_a, const struct obj *a, size_t an, const struct obj *b,
		 size_t bn, unsigned flags, const char *kind, const char *qualifier)
{
	int *hinted = gm_xcalloc(an + bn + 1, sizeof(*hinted)); /* claimed by a hint */
	int error = 0;
	size_t i, j;

	for (i = 0; i < an; i++)
		a_to_b[i] = -1;
	for (j = 0; j < bn; j++)
		b_to_a[j] = -1;
	for (j = 0; j < bn; j++)
		for (i = 0; i < an; i++)
			if (a_to_b[i] < 0 && !strcmp(a[i].name, b[j].name)) {
				a_to_b[i] = (int)j;
				b_to_a[j] = (int)i;
				break;
			}

	if (!(flags & GM_DIFF_REVERSE)) {
		/* b[j] (was: Y) is a[i] named Y, when neither name is on both sides. */
		for (j = 0; j < bn; j++) {
			if (b_to_a[j] >= 0 || !b[j].was)
				continue;
			for (i = 0; i < an; i++) {
				if (strcmp(a[i].name, b[j].was))
					continue;
				if (hinted[i]) {
					error = hint_conflict(kind, qualifier, &b[a_to_b[i]], &b[j],
							      b[j].was);
					goto done;
				}
				if (a_to_b[i] >= 0)
					break;
				hinted[i] = 1;
				a_to_b[i] = (int)j;
				b_to_a[j] = (int)i;
				break;
			}
		}
	} else {
		/* a[i] (was: Y) becomes b[j] named Y: the hints of the down direction. */
		for (i = 0; i < an; i++) {
			if (a_to_b[i] >= 0 || !a[i].was)
				continue;
			for (j = 0; j < bn; j++) {
				if (strcmp(b[j].name, a[i].was))
					continue;
				if (hinted[an + j]) {
					error = hint_conflict(kind, qualifier, &a[b_to_a[j]], &a[i],
							      a[i].was);
					goto done;
				}
				if (b_to_a[j] >= 0)
					break;
				hinted[an + j] = 1;
				a_to_b[i] = (int)j;
				b_to_a[j] = (int)i;
				break;
			}
		}
	}
done:
	free(hinted);
	return error;
}

static int match_enums(struct diff *d)
{
	const gm_schema *f = d->from, *t = d->to;
	struct obj *a = gm_xcalloc(f->enums_nr + 1, sizeof(*a));
	struct obj *b = gm_xcalloc(t->enums_nr + 1, sizeof(*b));
	size_t i;
	int error;

	for (i = 0; i < f->enums_nr; i++)
		a[i] = (struct obj){ f->enums[i]->name, f->enums[i]->was, f->enums[i]->origin };
	for (i = 0; i < t->enums_nr; i++)
		b[i] = (struct obj){ t->enums[i]->name, t->enums[i]->was, t->enums[i]->origin };
	d->enum_f2t = gm_xcalloc(f->enums_nr + 1, sizeof(int));
	d->enum_t2f = gm_xcalloc(t->enums_nr + 1, sizeof(int));
	error = match(d->enum_f2t, d->enum_t2f, a, f->enums_nr, b, t->enums_nr, d->flags, "enum",
		      NULL);
	free(a);
	free(b);
	return error;
}

static int match_columns(struct diff *d, size_t tj)
{
	const gm_table *tt = d->to->tables[tj];
	const gm_table *tf = d->from->tables[d->tab_t2f[tj]];
	struct obj *a = gm_xcalloc(tf->columns_nr + 1, sizeof(*a));
	struct obj *b = gm_xcalloc(tt->columns_nr + 1, sizeof(*b));
	size_t i;
	int error;

	for (i = 0; i < tf->columns_nr; i++) {
		const gm_column *c = tf->columns[i];
		a[i] = (struct obj){ c->name, c->was, c->origin };
	}
	for (i = 0; i < tt->columns_nr; i++) {
		const gm_column *c = tt->columns[i];
		b[i] = (struct obj){ c->name, c->was, c->origin };
	}
	d->col_f2t[tj] = gm_xcalloc(tf->columns_nr + 1, sizeof(int));
	d->col_t2f[tj] = gm_xcalloc(tt->columns_nr + 1, sizeof(int));
	error = match(d->col_f2t[tj], d->col_t2f[tj], a, tf->columns_nr, b, tt->columns_nr,
		      d->flags, "column", tt->name);
	free(a);
	free(b);
	return error;
}

static int match_tables(struct diff *d)
{
	const gm_schema *f = d->from, *t = d->to;
	struct obj *a = gm_xcalloc(f->tables_nr + 1, sizeof(*a));
	struct obj *b = gm_xcalloc(t->tables_nr + 1, sizeof(*b));
	size_t i;
	int error;

	for (i = 0; i < f->tables_nr; i++)
		a[i] = (struct obj){ f->tables[i]->name, f->tables[i]->was, f->tables[i]->origin };
	for (i = 0; i < t->tables_nr; i++)
		b[i] = (struct obj){ t->tables[i]->name, t->tables[i]->was, t->tables[i]->origin };
	d->tab_f2t = gm_xcalloc(f->tables_nr + 1, sizeof(int));
	d->tab_t2f = gm_xcalloc(t->tables_nr + 1, sizeof(int));
	d->col_f2t = gm_xcalloc(t->tables_nr + 1, sizeof(int *));
	d->col_t2f = gm_xcalloc(t->tables_nr + 1, sizeof(int *));
	error = match(d->tab_f2t, d->tab_t2f, a, f->tables_nr, b, t->tables_nr, d->flags, "table",
		      NULL);
	free(a);
	free(b);
	for (i = 0; !error && i < t->tables_nr; i++)
		if (d->tab_t2f[i] >= 0)
			error = match_columns(d, i);
	return error;
}

/* ---- mapping names of `from` into the names they have after the renames ---- */

static int table_index(const gm_schema *s, const char *name)
{
	size_t i;
	for (i = 0; i < s->tables_nr; i++)
		if (!strcmp(s->tables[i]->name, name))
			return (int)i;
	return -1;
}

static const char *map_table(const struct diff *d, const char *name)
{
	int i = table_index(d->from, name);
	if (i < 0 || d->tab_f2t[i] < 0)
		return name;
	return d->to->tables[d->tab_f2t[i]]->name;
}

/* A column name of from table fi, as named in its partner. */
static const char *map_column(const struct diff *d, int fi, const char *name)
{
	const gm_table *tf;
	int tj;
	size_t i;

	if (fi < 0 || (tj = d->tab_f2t[fi]) < 0)
		return name;
	tf = d->from->tables[fi];
	for (i = 0; i < tf->columns_nr; i++)
		if (!strcmp(tf->columns[i]->name, name)) {
			int k = d->col_f2t[tj][i];
			return k < 0 ? name : d->to->tables[tj]->columns[k]->name;
		}
	return name;
}

static bool columns_eq(const struct diff *d, int fi, char *const *a, size_t an, char *const *b,
		       size_t bn)
{
	size_t i;
	if (an != bn)
		return false;
	for (i = 0; i < an; i++)
		if (strcmp(map_column(d, fi, a[i]), b[i]))
			return false;
	return true;
}

/* A from type (an enum's name, or an array of it) after enum renames, into out. */
static void map_type(struct diff *d, gm_buf *out, const char *type)
{
	size_t i;
	gm_buf_clear(out);
	for (i = 0; i < d->from->enums_nr; i++) {
		const gm_enum *e = d->from->enums[i];
		size_t n = strlen(e->name);
		const char *rest;
		if (d->enum_f2t[i] < 0 || strncmp(type, e->name, n))
			continue;
		rest = type + n;
		while (rest[0] == '[' && rest[1] == ']')
			rest += 2;
		if (*rest)
			continue;
		gm_buf_puts(out, d->to->enums[d->enum_f2t[i]]->name);
		gm_buf_puts(out, type + n);
		return;
	}
	gm_buf_puts(out, type);
}

static bool is_word(int c)
{
	return isalnum(c) || c == '_' || c == '$' || c == '"' || c == '\'' || c >= 0x80;
}

/*
 * An SQL expression with whitespace normalized (dropped, except one space between two
 * words) and, for fi >= 0, the column names of from table fi mapped through the renames.
 * String literals are kept as they are.
 */
static void norm_expr(const struct diff *d, gm_buf *out, const char *s, int fi)
{
	bool space = false;
	gm_buf_clear(out);
	while (*s) {
		const char *start = s;
		if (isspace((unsigned char)*s)) {
			space = true;
			s++;
			continue;
		}
		if (space && out->len && is_word((unsigned char)out->ptr[out->len - 1]) &&
		    is_word((unsigned char)*s))
			gm_buf_putc(out, ' ');
		space = false;
		if (*s == '\'') {
			for (s++; *s; s++)
				if (*s == '\'' && *++s != '\'')
					break;
			gm_buf_put(out, start, (size_t)(s - start));
		} else if (*s == '"' || isalpha((unsigned char)*s) || *s == '_') {
			bool quoted = *s == '"';
			char *word;
			if (quoted) {
				for (s++, start++; *s && *s != '"'; s++)
					;
			} else {
				while (isalnum((unsigned char)*s) || *s == '_' || *s == '$')
					s++;
			}
			word = gm_xstrndup(start, (size_t)(s - start));
			if (quoted && *s == '"')
				s++;
			if (quoted)
				gm_buf_printf(out, "\"%s\"", map_column(d, fi, word));
			else
				gm_buf_puts(out, map_column(d, fi, word));
			free(word);
		} else {
			gm_buf_putc(out, *s++);
		}
	}
}

static bool expr_eq(struct diff *d, int fi, const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	norm_expr(d, &d->scratch_a, a, fi);
	norm_expr(d, &d->scratch_b, b, -1);
	return !strcmp(d->scratch_a.ptr, d->scratch_b.ptr);
}

static const char *fk_action(const char *a)
{
	return a && strcmp(a, "no action") ? a : NULL;
}

static bool index_eq(struct diff *d, int fi, const gm_index *a, const gm_index *b)
{
	return a->unique == b->unique && a->constraint == b->constraint &&
	       columns_eq(d, fi, a->columns, a->columns_nr, b->columns, b->columns_nr) &&
	       expr_eq(d, fi, a->expr, b->expr) && expr_eq(d, fi, a->where, b->where) &&
	       gm_str_eq(a->method, b->method) &&
	       columns_eq(d, fi, a->include, a->include_nr, b->include, b->include_nr) &&
	       a->nulls_not_distinct == b->nulls_not_distinct && a->deferrable == b->deferrable &&
	       a->initially_deferred == b->initially_deferred;
}

/* Checks and exclusion constraints: the same kind and expression. */
static bool check_eq(struct diff *d, int fi, const gm_check *a, const gm_check *b)
{
	return a->exclusion == b->exclusion && expr_eq(d, fi, a->expr, b->expr);
}

static bool fkey_eq(struct diff *d, int fi, const gm_fkey *a, const gm_fkey *b)
{
	return columns_eq(d, fi, a->columns, a->columns_nr, b->columns, b->columns_nr) &&
	       !strcmp(map_table(d, a->ref_table), b->ref_table) &&
	       columns_eq(d, table_index(d->from, a->ref_table), a->ref_columns, a->ref_columns_nr,
			  b->ref_columns, b->ref_columns_nr) &&
	       gm_str_eq(fk_action(a->on_delete), fk_action(b->on_delete)) &&
	       gm_str_eq(fk_action(a->on_update), fk_action(b->on_update)) &&
	       a->deferrable == b->deferrable && a->initially_deferred == b->initially_deferred;
}

static unsigned column_diff(struct diff *d, int fi, const gm_column *a, const gm_column *b)
{
	unsigned bits = 0;
	map_type(d, &d->scratch_a, a->type);
	if (strcmp(d->scratch_a.ptr, b->type) ||
	    !gm_strv_eq(a->labels, a->labels_nr, b->labels, b->labels_nr))
		bits |= GM_COLDIFF_TYPE;
	if (a->nullable != b->nullable)
		bits |= GM_COLDIFF_NULL;
	if (a->default_kind != b->default_kind || !gm_str_eq(a->default_value, b->default_value))
		bits |= GM_COLDIFF_DEFAULT;
	if (a->identity != b->identity || (a->identity && a->identity_always != b->identity_always))
		bits |= GM_COLDIFF_IDENTITY;
	if (!expr_eq(d, fi, a->generated, b->generated) || (a->generated && a->stored != b->stored))
		bits |= GM_COLDIFF_GENERATED;
	if (!gm_str_eq(a->comment, b->comment))
		bits |= GM_COLDIFF_COMMENT;
	return bits;
}

/* ---- emitting ---- */

static gm_change *push_change(gm_changes *out, gm_change_kind kind)
{
	gm_change *ch;
	GM_ALLOC_GROW(out->v, out->nr + 1, out->alloc);
	ch = &out->v[out->nr++];
	memset(ch, 0, sizeof(*ch));
	ch->kind = kind;
	return ch;
}

static void add_value(gm_changes *out, const gm_enum *ef, const gm_enum *et, const char *label,
		      const char *before, const char *after)
{
	gm_change *ch = push_change(out, GM_CHANGE_ADD_ENUM_VALUE);
	ch->enum_from = ef;
	ch->enum_to = et;
	ch->label = label;
	ch->before = before;
	ch->after = after;
}

/* True when b is a with labels only inserted (old labels kept, in their order). */
static bool only_inserted(char *const *a, size_t an, char *const *b, size_t bn)
{
	size_t i = 0, j;
	for (j = 0; j < bn && i < an; j++)
		if (!strcmp(a[i], b[j]))
			i++;
	return i == an;
}

static void enum_labels(gm_changes *out, const gm_enum *ef, const gm_enum *et)
{
	size_t i = 0, j, first_old;

	if (gm_strv_eq(ef->labels, ef->labels_nr, et->labels, et->labels_nr))
		return;
	if (!only_inserted(ef->labels, ef->labels_nr, et->labels, et->labels_nr)) {
		gm_change *ch = push_change(out, GM_CHANGE_SWAP_ENUM);
		ch->enum_from = ef;
		ch->enum_to = et;
		return;
	}
	if (!ef->labels_nr) {
		/* A previously empty enum: the first label is appended, the others follow. */
		add_value(out, ef, et, et->labels[0], NULL, NULL);
		first_old = 0;
	} else {
		/* Leading new labels: each before its successor, the last one first. */
		for (first_old = 0; strcmp(et->labels[first_old], ef->labels[0]);)
			first_old++;
		for (j = first_old; j > 0; j--)
			add_value(out, ef, et, et->labels[j - 1], et->labels[j], NULL);
	}
	/* The others: each after its predecessor, in order. */
	for (j = first_old; j < et->labels_nr; j++) {
		if (i < ef->labels_nr && !strcmp(et->labels[j], ef->labels[i])) {
			i++;
			continue;
		}
		if (j == 0)
			continue; /* appended above */
		add_value(out, ef, et, et->labels[j], NULL, et->labels[j - 1]);
	}
}

static void emit_enums(struct diff *d, gm_changes *out)
{
	struct named *v = by_name((void *const *)d->to->enums, d->to->enums_nr);
	size_t k;

	for (k = 0; k < d->to->enums_nr; k++)
		if (d->enum_t2f[v[k].i] < 0)
			push_change(out, GM_CHANGE_ADD_ENUM)->enum_to = d->to->enums[v[k].i];
	for (k = 0; k < d->to->enums_nr; k++) {
		const gm_enum *et = d->to->enums[v[k].i], *ef;
		if (d->enum_t2f[v[k].i] < 0)
			continue;
		ef = d->from->enums[d->enum_t2f[v[k].i]];
		if (strcmp(ef->name, et->name)) {
			gm_change *ch = push_change(out, GM_CHANGE_RENAME_ENUM);
			ch->enum_from = ef;
			ch->enum_to = et;
		}
		enum_labels(out, ef, et);
	}
	free(v);
}

static void emit_drop_enums(struct diff *d, gm_changes *out)
{
	struct named *v = by_name((void *const *)d->from->enums, d->from->enums_nr);
	size_t k;
	for (k = 0; k < d->from->enums_nr; k++)
		if (d->enum_f2t[v[k].i] < 0)
			push_change(out, GM_CHANGE_DROP_ENUM)->enum_from = d->from->enums[v[k].i];
	free(v);
}

/* Tables of s whose partner index is -1, in gm_schema_fk_order (reverse: children first). */
static void emit_fk_order(gm_changes *out, const gm_schema *s, const int *partner,
			  gm_change_kind kind, bool reverse)
{
	const gm_table **v = gm_xcalloc(s->tables_nr + 1, sizeof(*v)), **order;
	size_t n = 0, k;

	for (k = 0; k < s->tables_nr; k++)
		if (partner[k] < 0)
			v[n++] = s->tables[k];
	gm_schema_fk_order(&order, v, n, reverse);
	for (k = 0; k < n; k++) {
		if (kind == GM_CHANGE_ADD_TABLE)
			push_change(out, kind)->to = order[k];
		else
			push_change(out, kind)->from = order[k];
	}
	free(order);
	free(v);
}

/*
 * A matched column that becomes generated or gets a new generation expression: no
 * database alters that in place, so it is dropped and added again (its values are
 * recomputed; a plain column's are lost, and prepare says so). Generated → plain stays a
 * MODIFY_COLUMN (PostgreSQL: DROP EXPRESSION keeps the values).
 */
static bool recreated(struct diff *d, int fi, const gm_column *a, const gm_column *b)
{
	return b->generated && (column_diff(d, fi, a, b) & GM_COLDIFF_GENERATED);
}

/* True when SQL text s names `name` as a word (case-insensitive; quoted or not). */
static bool mentions(const char *s, const char *name)
{
	size_t n = strlen(name);
	const char *p;

	for (p = s; p && *p; p++)
		if (!strncasecmp(p, name, n) &&
		    (p == s || !is_word((unsigned char)p[-1]) || p[-1] == '"') &&
		    (!is_word((unsigned char)p[n]) || p[n] == '"'))
			return true;
	return false;
}

/*
 * An index or check of to-table tj (its columns, expression, predicate) uses a column
 * that the change drops and adds again (recreated): dropping the column drops it, so it
 * is dropped and added again too.
 */
static bool uses_recreated(struct diff *d, int fi, size_t tj, char *const *cols, size_t n,
			   const char *expr, const char *where)
{
	const gm_table *tt = d->to->tables[tj];
	size_t k;

	for (k = 0; fi >= 0 && k < tt->columns_nr; k++) {
		const gm_column *b = tt->columns[k];
		int a = d->col_t2f[tj][k];
		if (a >= 0 && recreated(d, fi, d->from->tables[fi]->columns[a], b) &&
		    (gm_strv_contains(cols, n, b->name) || mentions(expr, b->name) ||
		     mentions(where, b->name)))
			return true;
	}
	return false;
}

#define INDEX_RECREATED(ix) \
	uses_recreated(d, fi, tj, (ix)->columns, (ix)->columns_nr, (ix)->expr, (ix)->where)
#define CHECK_RECREATED(ck) uses_recreated(d, fi, tj, NULL, 0, (ck)->expr, NULL)

/* The column changes of a matched table pair: drops, renames, adds, then modifies. */
static void modify_columns(struct diff *d, gm_change *ch, int fi, size_t tj)
{
	const gm_table *tf = ch->from, *tt = ch->to;
	const int *cf2t = d->col_f2t[tj], *ct2f = d->col_t2f[tj];
	size_t k;

	for (k = 0; k < tf->columns_nr; k++)
		if (cf2t[k] < 0 || recreated(d, fi, tf->columns[k], tt->columns[cf2t[k]]))
			gm_tchange_push(ch, GM_TCHANGE_DROP_COLUMN)->col_from = tf->columns[k];
	for (k = 0; k < tt->columns_nr; k++) {
		const gm_column *a;
		gm_tchange *c;
		if (ct2f[k] < 0 ||
		    !strcmp((a = tf->columns[ct2f[k]])->name, tt->columns[k]->name) ||
		    recreated(d, fi, a, tt->columns[k]))
			continue;
		c = gm_tchange_push(ch, GM_TCHANGE_RENAME_COLUMN);
		c->col_from = a;
		c->col_to = tt->columns[k];
	}
	for (k = 0; k < tt->columns_nr; k++)
		if (ct2f[k] < 0 || recreated(d, fi, tf->columns[ct2f[k]], tt->columns[k]))
			gm_tchange_push(ch, GM_TCHANGE_ADD_COLUMN)->col_to = tt->columns[k];
	for (k = 0; k < tt->columns_nr; k++) {
		const gm_column *a;
		unsigned bits;
		gm_tchange *c;
		if (ct2f[k] < 0 || recreated(d, fi, tf->columns[ct2f[k]], tt->columns[k]))
			continue;
		a = tf->columns[ct2f[k]];
		if (!(bits = column_diff(d, fi, a, tt->columns[k])))
			continue;
		c = gm_tchange_push(ch, GM_TCHANGE_MODIFY_COLUMN);
		c->col_from = a;
		c->col_to = tt->columns[k];
		c->coldiff = bits;
	}
}

static void modify_table(struct diff *d, gm_change *ch, int fi, size_t tj)
{
	const gm_table *tf = ch->from, *tt = ch->to;
	struct named *fx = by_name((void *const *)tf->indexes, tf->indexes_nr);
	struct named *tx = by_name((void *const *)tt->indexes, tt->indexes_nr);
	struct named *ff = by_name((void *const *)tf->fkeys, tf->fkeys_nr);
	struct named *tfk = by_name((void *const *)tt->fkeys, tt->fkeys_nr);
	struct named *fc = by_name((void *const *)tf->checks, tf->checks_nr);
	struct named *tc = by_name((void *const *)tt->checks, tt->checks_nr);
	size_t k;

	for (k = 0; k < tf->fkeys_nr; k++) {
		const gm_fkey *a = tf->fkeys[ff[k].i], *b = gm_table_fkey(tt, a->name);
		if (!b || !fkey_eq(d, fi, a, b))
			gm_tchange_push(ch, GM_TCHANGE_DROP_FKEY)->fkey_from = a;
	}
	for (k = 0; k < tf->checks_nr; k++) {
		const gm_check *a = tf->checks[fc[k].i], *b = gm_table_check(tt, a->name);
		if (!b || !check_eq(d, fi, a, b) || CHECK_RECREATED(b))
			gm_tchange_push(ch, GM_TCHANGE_DROP_CHECK)->check_from = a;
	}
	for (k = 0; k < tf->indexes_nr; k++) {
		const gm_index *a = tf->indexes[fx[k].i], *b = gm_table_index(tt, a->name);
		if (!b || !index_eq(d, fi, a, b) || INDEX_RECREATED(b))
			gm_tchange_push(ch, GM_TCHANGE_DROP_INDEX)->index_from = a;
	}
	modify_columns(d, ch, fi, tj);
	if (!columns_eq(d, fi, tf->pk, tf->pk_nr, tt->pk, tt->pk_nr) ||
	    !gm_str_eq(tf->pk_nr ? tf->pk_name : NULL, tt->pk_nr ? tt->pk_name : NULL))
		gm_tchange_push(ch, GM_TCHANGE_MODIFY_PKEY);
	for (k = 0; k < tt->indexes_nr; k++) {
		const gm_index *b = tt->indexes[tx[k].i], *a = gm_table_index(tf, b->name);
		if (!a || !index_eq(d, fi, a, b) || INDEX_RECREATED(b))
			gm_tchange_push(ch, GM_TCHANGE_ADD_INDEX)->index_to = b;
	}
	for (k = 0; k < tt->checks_nr; k++) {
		const gm_check *b = tt->checks[tc[k].i], *a = gm_table_check(tf, b->name);
		if (!a || !check_eq(d, fi, a, b) || CHECK_RECREATED(b))
			gm_tchange_push(ch, GM_TCHANGE_ADD_CHECK)->check_to = b;
	}
	for (k = 0; k < tt->fkeys_nr; k++) {
		const gm_fkey *b = tt->fkeys[tfk[k].i], *a = gm_table_fkey(tf, b->name);
		if (!a || !fkey_eq(d, fi, a, b))
			gm_tchange_push(ch, GM_TCHANGE_ADD_FKEY)->fkey_to = b;
	}
	gm_diff_key_comments(ch);
	if (!gm_str_eq(tf->comment, tt->comment))
		gm_tchange_push(ch, GM_TCHANGE_MODIFY_COMMENT);
	free(tc);
	free(fc);
	free(tfk);
	free(ff);
	free(tx);
	free(fx);
}

static void emit_tables(struct diff *d, gm_changes *out)
{
	struct named *v = by_name((void *const *)d->to->tables, d->to->tables_nr);
	size_t k, n = d->to->tables_nr;

	for (k = 0; k < n; k++) {
		int fi = d->tab_t2f[v[k].i];
		gm_change *ch;
		if (fi < 0 || !strcmp(d->from->tables[fi]->name, d->to->tables[v[k].i]->name))
			continue;
		ch = push_change(out, GM_CHANGE_RENAME_TABLE);
		ch->from = d->from->tables[fi];
		ch->to = d->to->tables[v[k].i];
	}
	emit_fk_order(out, d->to, d->tab_t2f, GM_CHANGE_ADD_TABLE, false);
	for (k = 0; k < n; k++) {
		int fi = d->tab_t2f[v[k].i];
		gm_change *ch;
		if (fi < 0)
			continue;
		ch = push_change(out, GM_CHANGE_MODIFY_TABLE);
		ch->from = d->from->tables[fi];
		ch->to = d->to->tables[v[k].i];
		modify_table(d, ch, fi, v[k].i);
		if (!ch->tchanges_nr) {
			free(ch->tchanges);
			out->nr--;
		}
	}
	emit_fk_order(out, d->from, d->tab_f2t, GM_CHANGE_DROP_TABLE, true);
	free(v);
}

int gm_diff(gm_changes *out, const gm_schema *from, const gm_schema *to, unsigned flags)
{
	struct diff d;
	int error = 0;
	size_t i;

	GM_ASSERT_ARG(out);
	GM_ASSERT_ARG(from);
	GM_ASSERT_ARG(to);
	memset(&d, 0, sizeof(d));
	d.from = from;
	d.to = to;
	d.flags = flags;
	gm_buf_init(&d.scratch_a);
	gm_buf_init(&d.scratch_b);
	out->from = from;
	out->to = to;
	out->reverse = (flags & GM_DIFF_REVERSE) != 0;

	if ((error = match_enums(&d)) < 0 || (error = match_tables(&d)) < 0)
		goto done;
	emit_enums(&d, out);
	emit_tables(&d, out);
	emit_drop_enums(&d, out);
	gm_diff_objects(out, from, to);

done:
	if (error < 0)
		gm_changes_release(out);
	gm_buf_release(&d.scratch_b);
	gm_buf_release(&d.scratch_a);
	for (i = 0; d.col_f2t && i < to->tables_nr; i++) {
		free(d.col_f2t[i]);
		free(d.col_t2f[i]);
	}
	free(d.col_t2f);
	free(d.col_f2t);
	free(d.tab_t2f);
	free(d.tab_f2t);
	free(d.enum_t2f);
	free(d.enum_f2t);
	return error;
}

bool gm_changes_has(const gm_changes *changes, gm_change_kind kind, const char *table)
{
	size_t i;
	for (i = 0; i < changes->nr; i++)
		if (changes->v[i].kind == kind && changes->v[i].to &&
		    !strcmp(changes->v[i].to->name, table))
			return true;
	return false;
}

void gm_changes_release(gm_changes *changes)
{
	size_t i;
	if (!changes)
		return;
	for (i = 0; i < changes->nr; i++)
		free(changes->v[i].tchanges);
	free(changes->v);
	memset(changes, 0, sizeof(*changes));
}
