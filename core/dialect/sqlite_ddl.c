/* SQLite DDL text: what the pragmas do not tell (names, CHECKs, AUTOINCREMENT, defaults). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/schema.h"
#include "git-migrate/vec.h"
#include "dialect/sql.h"
#include "dialect/sqlite_ddl.h"
#include "util/strvec.h"
#include "schema_int.h"
#include "util/banned.h"

/* ---- tokens (dialect/sql.h's tokeniser, SQLite's rules) ---- */

struct toks {
	gm_sql_tok *v;
	size_t nr, alloc;
};

/* Split sql into tokens (comments and whitespace dropped); the last token is END. */
static void lex(struct toks *out, const char *sql)
{
	gm_sql_lexer lx;
	gm_sql_tok t;

	gm_sql_lexer_init(&lx, sql, 0);
	do {
		gm_sql_lex(&lx, &t);
		GM_PUSH(out->v, out->nr, out->alloc, t);
	} while (t.kind != GM_SQL_END);
}

static bool punct(const gm_sql_tok *t, char c)
{
	return t->kind == GM_SQL_PUNCT && t->s[0] == c;
}

/* The text of a name or string token: quotes removed, doubled quotes collapsed. */
static char *unquote(const char *s, size_t len)
{
	gm_buf b = GM_BUF_INIT;
	size_t i;
	char q;

	if (len >= 2 && (s[0] == '"' || s[0] == '`' || s[0] == '\'')) {
		q = s[0];
		for (i = 1; i + 1 < len; i++) {
			gm_buf_putc(&b, s[i]);
			if (s[i] == q && s[i + 1] == q)
				i++;
		}
	} else if (len >= 2 && s[0] == '[') {
		gm_buf_put(&b, s + 1, len - 2);
	} else {
		gm_buf_put(&b, s, len);
	}
	return gm_buf_detach(&b);
}

static char *tok_text(const gm_sql_tok *t)
{
	return unquote(t->s, t->len);
}

/* Index of the ')' matching the '(' at i (or of GM_SQL_END). */
static size_t match_paren(const struct toks *tk, size_t i)
{
	int depth = 0;

	for (; tk->v[i].kind != GM_SQL_END; i++) {
		if (punct(&tk->v[i], '('))
			depth++;
		else if (punct(&tk->v[i], ')') && --depth == 0)
			return i;
	}
	return i;
}

/* Past the token at i, or past the whole parenthesized group starting at i. */
static size_t skip_group(const struct toks *tk, size_t i)
{
	if (tk->v[i].kind == GM_SQL_END)
		return i;
	if (punct(&tk->v[i], '(')) {
		i = match_paren(tk, i);
		return tk->v[i].kind == GM_SQL_END ? i : i + 1;
	}
	return i + 1;
}

/* The raw text inside the group starting at '(' at i, trimmed. */
static char *group_text(const struct toks *tk, size_t i)
{
	size_t close = match_paren(tk, i);
	const char *s = tk->v[i].s + 1, *e = tk->v[close].s;

	while (s < e && isspace((unsigned char)*s))
		s++;
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	return gm_xstrndup(s, (size_t)(e - s));
}

/* ---- CREATE TABLE: what the pragmas do not tell ---- */

static void items_free(struct gm_sqlite_ddl_item **v, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		free(v[i]->name);
		free(v[i]->column);
		gm_strvec_release(&v[i]->cols);
		free(v[i]->ref);
		free(v[i]->expr);
		free(v[i]);
	}
	free(v);
}

void gm_sqlite_ddl_release(struct gm_sqlite_ddl *d)
{
	free(d->pk_name);
	gm_strvec_release(&d->autoinc);
	items_free(d->uniques, d->uniques_nr);
	items_free(d->fkeys, d->fkeys_nr);
	items_free(d->checks, d->checks_nr);
}

static struct gm_sqlite_ddl_item *item_new(char **name, const char *column)
{
	struct gm_sqlite_ddl_item *it = gm_xcalloc(1, sizeof(*it));
	it->name = *name; /* takes the pending CONSTRAINT name */
	*name = NULL;
	it->column = gm_xstrdup(column);
	return it;
}

static void take_name(char **field, char **name)
{
	if (*name) {
		free(*field);
		*field = *name;
		*name = NULL;
	}
}

/* The first name of each item of the column list starting at '(' at i. */
static void column_list(gm_strvec *out, const struct toks *tk, size_t i, bool *autoinc)
{
	size_t close = match_paren(tk, i), j;
	bool item_start = true;

	for (j = i + 1; j < close;) {
		if (punct(&tk->v[j], ',')) {
			item_start = true;
			j++;
			continue;
		}
		if (item_start && tk->v[j].kind != GM_SQL_PUNCT)
			gm_strvec_push_owned(out, tok_text(&tk->v[j]));
		else if (autoinc && gm_sql_tok_is(&tk->v[j], "AUTOINCREMENT"))
			*autoinc = true;
		item_start = false;
		j = skip_group(tk, j);
	}
}

static bool column_constraint_start(const gm_sql_tok *t)
{
	static const char *const words[] = { "CONSTRAINT", "PRIMARY",   "NOT",     "NULL",
					     "UNIQUE",     "CHECK",     "DEFAULT", "COLLATE",
					     "REFERENCES", "GENERATED", "AS",      NULL };
	size_t i;
	for (i = 0; words[i]; i++)
		if (gm_sql_tok_is(t, words[i]))
			return true;
	return false;
}

/*
 * The deferral of the foreign key whose REFERENCES clause continues at i (up to end, or
 * to the next column constraint): DEFERRABLE [INITIALLY DEFERRED]; NOT DEFERRABLE and
 * INITIALLY IMMEDIATE are the default.
 */
static void fk_deferral(struct gm_sqlite_ddl_item *it, const struct toks *tk, size_t i, size_t end)
{
	static const char *const stops[] = { "CONSTRAINT", "PRIMARY", "UNIQUE",  "CHECK",
					     "REFERENCES", "DEFAULT", "COLLATE", "GENERATED",
					     "AS",         NULL };
	size_t k;

	for (; i < end; i = skip_group(tk, i)) {
		for (k = 0; stops[k]; k++)
			if (gm_sql_tok_is(&tk->v[i], stops[k]))
				return;
		if (!gm_sql_tok_is(&tk->v[i], "DEFERRABLE"))
			continue;
		it->deferrable = !(i > 0 && gm_sql_tok_is(&tk->v[i - 1], "NOT"));
		it->initially_deferred = it->deferrable && i + 2 < end &&
					 gm_sql_tok_is(&tk->v[i + 1], "INITIALLY") &&
					 gm_sql_tok_is(&tk->v[i + 2], "DEFERRED");
	}
}

static void parse_column(struct gm_sqlite_ddl *d, const struct toks *tk, size_t i, size_t end)
{
	char *col = tok_text(&tk->v[i]), *pending = NULL;
	struct gm_sqlite_ddl_item *it;

	for (i++; i < end && !column_constraint_start(&tk->v[i]);)
		i = skip_group(tk, i); /* the type */
	while (i < end) {
		const gm_sql_tok *t = &tk->v[i];
		if (gm_sql_tok_is(t, "CONSTRAINT")) {
			free(pending);
			pending = i + 1 < end ? tok_text(&tk->v[i + 1]) : NULL;
			i += 2;
		} else if (gm_sql_tok_is(t, "PRIMARY")) {
			take_name(&d->pk_name, &pending);
			for (i += 2; i < end && !column_constraint_start(&tk->v[i]);) {
				if (gm_sql_tok_is(&tk->v[i], "AUTOINCREMENT"))
					gm_strvec_push(&d->autoinc, col);
				i = skip_group(tk, i);
			}
		} else if (gm_sql_tok_is(t, "UNIQUE")) {
			it = item_new(&pending, col);
			gm_strvec_push(&it->cols, col);
			GM_PUSH(d->uniques, d->uniques_nr, d->uniques_alloc, it);
			i++;
		} else if (gm_sql_tok_is(t, "CHECK") && i + 1 < end && punct(&tk->v[i + 1], '(')) {
			it = item_new(&pending, col);
			it->expr = group_text(tk, i + 1);
			GM_PUSH(d->checks, d->checks_nr, d->checks_alloc, it);
			i = skip_group(tk, i + 1);
		} else if (gm_sql_tok_is(t, "REFERENCES") && i + 1 < end) {
			it = item_new(&pending, col);
			gm_strvec_push(&it->cols, col);
			it->ref = tok_text(&tk->v[i + 1]);
			GM_PUSH(d->fkeys, d->fkeys_nr, d->fkeys_alloc, it);
			i += 2;
			fk_deferral(it, tk, i, end);
		} else if (gm_sql_tok_is(t, "DEFAULT")) {
			i++;
			if (i < end && (punct(&tk->v[i], '-') || punct(&tk->v[i], '+')))
				i++;
			i = skip_group(tk, i);
		} else if (gm_sql_tok_is(t, "COLLATE")) {
			i += 2;
		} else {
			if (column_constraint_start(t)) {
				free(pending);
				pending = NULL;
			}
			i = skip_group(tk, i);
		}
	}
	free(pending);
	free(col);
}

static void parse_table_constraint(struct gm_sqlite_ddl *d, const struct toks *tk, size_t i,
				   size_t end)
{
	char *pending = NULL;
	struct gm_sqlite_ddl_item *it;
	bool autoinc = false;

	if (gm_sql_tok_is(&tk->v[i], "CONSTRAINT") && i + 1 < end) {
		pending = tok_text(&tk->v[i + 1]);
		i += 2;
	}
	if (i >= end)
		goto done;
	if (gm_sql_tok_is(&tk->v[i], "PRIMARY") && i + 2 < end && punct(&tk->v[i + 2], '(')) {
		gm_strvec cols = GM_STRVEC_INIT;
		take_name(&d->pk_name, &pending);
		column_list(&cols, tk, i + 2, &autoinc);
		if (autoinc && cols.nr == 1)
			gm_strvec_push(&d->autoinc, cols.v[0]);
		gm_strvec_release(&cols);
	} else if (gm_sql_tok_is(&tk->v[i], "UNIQUE") && i + 1 < end && punct(&tk->v[i + 1], '(')) {
		it = item_new(&pending, NULL);
		column_list(&it->cols, tk, i + 1, NULL);
		GM_PUSH(d->uniques, d->uniques_nr, d->uniques_alloc, it);
	} else if (gm_sql_tok_is(&tk->v[i], "CHECK") && i + 1 < end && punct(&tk->v[i + 1], '(')) {
		it = item_new(&pending, NULL);
		it->expr = group_text(tk, i + 1);
		GM_PUSH(d->checks, d->checks_nr, d->checks_alloc, it);
	} else if (gm_sql_tok_is(&tk->v[i], "FOREIGN") && i + 2 < end &&
		   punct(&tk->v[i + 2], '(')) {
		it = item_new(&pending, NULL);
		column_list(&it->cols, tk, i + 2, NULL);
		i = skip_group(tk, i + 2);
		if (i + 1 < end && gm_sql_tok_is(&tk->v[i], "REFERENCES")) {
			it->ref = tok_text(&tk->v[i + 1]);
			fk_deferral(it, tk, i + 2, end);
		}
		GM_PUSH(d->fkeys, d->fkeys_nr, d->fkeys_alloc, it);
	}
done:
	free(pending);
}

static bool is_table_constraint(const gm_sql_tok *t)
{
	return gm_sql_tok_is(t, "CONSTRAINT") || gm_sql_tok_is(t, "PRIMARY") ||
	       gm_sql_tok_is(t, "UNIQUE") || gm_sql_tok_is(t, "CHECK") ||
	       gm_sql_tok_is(t, "FOREIGN");
}

static bool is_name_tok(const gm_sql_tok *t)
{
	return t->kind == GM_SQL_WORD || t->kind == GM_SQL_QUOTED || t->kind == GM_SQL_STRING;
}

/* The end of the column-list item starting at i: the index of its ',' or ')'. */
static size_t item_end(const struct toks *tk, size_t i)
{
	while (tk->v[i].kind != GM_SQL_END && !punct(&tk->v[i], ',') && !punct(&tk->v[i], ')'))
		i = skip_group(tk, i);
	return i;
}

/* Parse the CREATE TABLE text; anything it does not understand is left out. */
void gm_sqlite_ddl_parse(struct gm_sqlite_ddl *d, const char *sql)
{
	struct toks tk = { NULL, 0, 0 };
	size_t i = 0, end;

	lex(&tk, sql);
	while (tk.v[i].kind != GM_SQL_END && !gm_sql_tok_is(&tk.v[i], "TABLE"))
		i++;
	if (tk.v[i].kind == GM_SQL_END)
		goto done;
	i++;
	if (gm_sql_tok_is(&tk.v[i], "IF"))
		i += 3; /* IF NOT EXISTS */
	for (; i < tk.nr && tk.v[i].kind != GM_SQL_END; i++)
		if (punct(&tk.v[i], '(') || gm_sql_tok_is(&tk.v[i], "AS"))
			break;
	if (i >= tk.nr || !punct(&tk.v[i], '('))
		goto done; /* CREATE TABLE ... AS SELECT */
	for (i++;;) {
		end = item_end(&tk, i);
		if (end > i) {
			if (is_table_constraint(&tk.v[i]))
				parse_table_constraint(d, &tk, i, end);
			else
				parse_column(d, &tk, i, end);
		}
		if (!punct(&tk.v[end], ','))
			break;
		i = end + 1;
	}
done:
	free(tk.v);
}

/*
 * An emulated enum: `col IN ('a', 'b', ...)` with only string literals. On success the
 * column name goes to *col (caller frees) and the labels to labels.
 */
bool gm_sqlite_ddl_enum(const char *expr, char **col, gm_strvec *labels)
{
	struct toks tk = { NULL, 0, 0 };
	size_t i = 0;
	bool ok = false;

	*col = NULL;
	lex(&tk, expr);
	if (tk.v[0].kind != GM_SQL_WORD && tk.v[0].kind != GM_SQL_QUOTED)
		goto done;
	if (!gm_sql_tok_is(&tk.v[1], "IN") || !punct(&tk.v[2], '('))
		goto done;
	for (i = 3;; i += 2) {
		if (tk.v[i].kind != GM_SQL_STRING)
			goto done;
		if (punct(&tk.v[i + 1], ')'))
			break;
		if (!punct(&tk.v[i + 1], ','))
			goto done;
	}
	if (tk.v[i + 2].kind != GM_SQL_END)
		goto done;
	for (i = 3; tk.v[i].kind == GM_SQL_STRING; i += 2) {
		gm_strvec_push_owned(labels, tok_text(&tk.v[i]));
		if (punct(&tk.v[i + 1], ')'))
			break;
	}
	*col = tok_text(&tk.v[0]);
	ok = true;
done:
	free(tk.v);
	return ok;
}

/* CREATE INDEX text: the raw indexed list and the partial-index WHERE (caller frees). */
void gm_sqlite_ddl_index(const char *sql, char **list, char **where)
{
	struct toks tk = { NULL, 0, 0 };
	size_t i = 0;

	*list = *where = NULL;
	lex(&tk, sql);
	while (tk.v[i].kind != GM_SQL_END && !gm_sql_tok_is(&tk.v[i], "ON"))
		i++;
	while (tk.v[i].kind != GM_SQL_END && !punct(&tk.v[i], '('))
		i++;
	if (tk.v[i].kind == GM_SQL_END)
		goto done;
	*list = group_text(&tk, i);
	i = skip_group(&tk, i);
	if (gm_sql_tok_is(&tk.v[i], "WHERE") && tk.v[i + 1].kind != GM_SQL_END) {
		const char *s = tk.v[i + 1].s, *e = s + strlen(s);
		while (e > s && (isspace((unsigned char)e[-1]) || e[-1] == ';'))
			e--;
		*where = gm_xstrndup(s, (size_t)(e - s));
	}
done:
	free(tk.v);
}

bool gm_sqlite_ddl_index_ordered(const char *list)
{
	struct toks tk = { NULL, 0, 0 };
	size_t i;
	bool found = false;

	lex(&tk, list);
	for (i = 0; i < tk.nr && !found; i++)
		found = gm_sql_tok_is(&tk.v[i], "COLLATE") || gm_sql_tok_is(&tk.v[i], "ASC") ||
			gm_sql_tok_is(&tk.v[i], "DESC");
	free(tk.v);
	return found;
}

/* ---- defaults ---- */

/* pragma's dflt_value (the default as written) → canonical default (see sqlite.h). */
void gm_sqlite_ddl_default(gm_column *c, const char *text)
{
	struct toks tk = { NULL, 0, 0 };
	const gm_sql_tok *t;
	char *v;

	if (!text)
		return;
	lex(&tk, text);
	t = tk.v;
	if (t[0].kind == GM_SQL_END || (gm_sql_tok_is(&t[0], "NULL") && t[1].kind == GM_SQL_END))
		goto done;
	if ((t[0].kind == GM_SQL_STRING || t[0].kind == GM_SQL_QUOTED) && t[1].kind == GM_SQL_END) {
		v = tok_text(&t[0]);
		gm_column_set_default(c, GM_DEFAULT_LITERAL, v);
		free(v);
	} else if ((t[0].kind == GM_SQL_NUMBER && t[1].kind == GM_SQL_END) ||
		   ((punct(&t[0], '-') || punct(&t[0], '+')) && t[1].kind == GM_SQL_NUMBER &&
		    t[2].kind == GM_SQL_END)) {
		v = gm_xstrndup(t[0].s, (size_t)(t[tk.nr - 2].s + t[tk.nr - 2].len - t[0].s));
		gm_column_set_default(c, GM_DEFAULT_LITERAL, v);
		free(v);
	} else if ((gm_sql_tok_is(&t[0], "TRUE") || gm_sql_tok_is(&t[0], "FALSE")) &&
		   t[1].kind == GM_SQL_END) {
		gm_column_set_default(c, GM_DEFAULT_LITERAL,
				      gm_sql_tok_is(&t[0], "TRUE") ? "true" : "false");
	} else if (punct(&t[0], '(') && match_paren(&tk, 0) == tk.nr - 2) {
		v = group_text(&tk, 0);
		gm_column_set_default(c, GM_DEFAULT_SQL, v);
		free(v);
	} else {
		const char *s = t[0].s, *e = text + strlen(text);
		while (e > s && isspace((unsigned char)e[-1]))
			e--;
		v = gm_xstrndup(s, (size_t)(e - s));
		gm_column_set_default(c, GM_DEFAULT_SQL, v);
		free(v);
	}
done:
	free(tk.v);
}

bool gm_sqlite_ddl_is_virtual(const char *sql)
{
	struct toks tk = { NULL, 0, 0 };
	bool v;

	lex(&tk, sql);
	v = tk.nr > 2 && gm_sql_tok_is(&tk.v[0], "CREATE") && gm_sql_tok_is(&tk.v[1], "VIRTUAL");
	free(tk.v);
	return v;
}

/* ---- CREATE TABLE text for a rebuild and for ADD COLUMN ---- */

/* Where a CREATE TABLE text's parts are (token indexes into its lexed text). */
struct create_shape {
	size_t name_from, name_to; /* [IF NOT EXISTS] [schema.]name: tokens [from, to) */
	size_t open, close;        /* the column list's parentheses */
	size_t cons;               /* the ',' before the first table constraint, or close */
	bool strict;
};

/* CREATE [TEMP] TABLE [IF NOT EXISTS] [schema.]name ( items ) [options]: false otherwise. */
static bool create_shape(const struct toks *tk, struct create_shape *sh)
{
	size_t i = 1, end;

	memset(sh, 0, sizeof(*sh));
	if (!gm_sql_tok_is(&tk->v[0], "CREATE"))
		return false;
	if (gm_sql_tok_is(&tk->v[i], "TEMP") || gm_sql_tok_is(&tk->v[i], "TEMPORARY"))
		i++;
	if (!gm_sql_tok_is(&tk->v[i++], "TABLE"))
		return false;
	sh->name_from = i;
	if (gm_sql_tok_is(&tk->v[i], "IF") && gm_sql_tok_is(&tk->v[i + 1], "NOT") &&
	    gm_sql_tok_is(&tk->v[i + 2], "EXISTS"))
		i += 3;
	if (!is_name_tok(&tk->v[i++]))
		return false;
	if (punct(&tk->v[i], '.') && is_name_tok(&tk->v[i + 1]))
		i += 2;
	sh->name_to = i;
	if (!punct(&tk->v[i], '('))
		return false;
	sh->open = i;
	sh->close = sh->cons = match_paren(tk, i);
	if (tk->v[sh->close].kind == GM_SQL_END)
		return false;
	for (i = sh->open + 1; i < sh->close; i = end + 1) {
		end = item_end(tk, i);
		if (is_table_constraint(&tk->v[i])) {
			sh->cons = i - 1;
			break;
		}
	}
	for (i = sh->close + 1; tk->v[i].kind != GM_SQL_END; i++)
		sh->strict |= gm_sql_tok_is(&tk->v[i], "STRICT");
	return true;
}

bool gm_sqlite_ddl_create_as(gm_buf *out, const char *sql, const char *name, char *const *extra,
			     size_t extra_nr)
{
	struct toks tk = { NULL, 0, 0 };
	struct create_shape sh;
	const char *ins, *end, *after;
	size_t i;
	bool ok;

	lex(&tk, sql);
	if (!(ok = create_shape(&tk, &sh)))
		goto done;
	ins = tk.v[sh.cons].s;
	for (i = tk.nr - 1; i > sh.close && (tk.v[i].kind == GM_SQL_END || punct(&tk.v[i], ';'));)
		i--; /* the text ends at its last token: no ';', no comment after it */
	end = tk.v[i].s + tk.v[i].len;
	after = tk.v[sh.name_to - 1].s + tk.v[sh.name_to - 1].len; /* past the old name */
	gm_buf_put(out, sql, (size_t)(tk.v[sh.name_from].s - sql));
	gm_sql_ident(out, name);
	gm_buf_put(out, after, (size_t)(ins - after));
	for (i = 0; i < extra_nr; i++) {
		gm_buf_puts(out, ", ");
		gm_sql_ident_quoted(out, extra[i]);
		if (sh.strict)
			gm_buf_puts(out, " ANY");
	}
	gm_buf_put(out, ins, (size_t)(end - ins));
	gm_buf_puts(out, ";\n");
done:
	free(tk.v);
	return ok;
}

char *gm_sqlite_ddl_column_text(const char *sql, const char *col)
{
	struct toks tk = { NULL, 0, 0 };
	struct create_shape sh;
	char *found = NULL, *name;
	size_t i, end;

	lex(&tk, sql);
	if (!create_shape(&tk, &sh))
		goto done;
	for (i = sh.open + 1; i < sh.cons && !found; i = end + 1) {
		end = item_end(&tk, i);
		if (end == i || !is_name_tok(&tk.v[i]))
			continue;
		name = tok_text(&tk.v[i]);
		if (!strcasecmp(name, col))
			found = gm_xstrndup(tk.v[i].s, (size_t)(tk.v[end - 1].s +
								tk.v[end - 1].len - tk.v[i].s));
		free(name);
	}
done:
	free(tk.v);
	return found;
}

void gm_sqlite_ddl_names(gm_strvec *out, const char *sql)
{
	struct toks tk = { NULL, 0, 0 };
	size_t i;

	lex(&tk, sql);
	for (i = 0; i < tk.nr; i++)
		if (tk.v[i].kind == GM_SQL_WORD || tk.v[i].kind == GM_SQL_QUOTED)
			gm_strvec_push_owned(out, tok_text(&tk.v[i]));
	free(tk.v);
}

void gm_sqlite_ddl_replace_name(gm_buf *out, const char *sql, const char *old, const char *new_name)
{
	struct toks tk = { NULL, 0, 0 };
	const char *p = sql;
	size_t i;
	char *name;

	lex(&tk, sql);
	for (i = 0; i < tk.nr; i++) {
		if (tk.v[i].kind != GM_SQL_WORD && tk.v[i].kind != GM_SQL_QUOTED)
			continue;
		name = tok_text(&tk.v[i]);
		if (!strcasecmp(name, old)) {
			gm_buf_put(out, p, (size_t)(tk.v[i].s - p));
			gm_sql_ident(out, new_name);
			p = tk.v[i].s + tk.v[i].len;
		}
		free(name);
	}
	gm_buf_puts(out, p);
	free(tk.v);
}

char *gm_sqlite_ddl_generated(const char *sql, const char *col)
{
	struct toks tk = { NULL, 0, 0 };
	char *def = gm_sqlite_ddl_column_text(sql, col), *expr = NULL;
	size_t i;

	if (!def)
		return NULL;
	lex(&tk, def);
	/* past the name: `AS (` starts the generation clause (GENERATED ALWAYS optional) */
	for (i = 1; tk.v[i].kind != GM_SQL_END && !expr; i = skip_group(&tk, i))
		if (gm_sql_tok_is(&tk.v[i], "AS") && punct(&tk.v[i + 1], '('))
			expr = group_text(&tk, i + 1);
	free(tk.v);
	free(def);
	return expr;
}
