/* Shared SQL text helpers: identifier and literal quoting, reserved words, splitting. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "dialect/sql.h"
#include "schema_int.h"
#include "type.h"
#include "util/banned.h"

/*
 * Words that must be quoted to be used as identifiers: every SQLite keyword
 * (sqlite.org/lang_keywords.html) and PostgreSQL's reserved and
 * "reserved (can be function or type)" keywords. Quoting a lowercase name never
 * changes its meaning, so the list errs on the side of quoting. Sorted (strcmp order).
 */
/* clang-format off */
static const char *const reserved[] = {
	"abort", "action", "add", "after", "all", "alter", "always", "analyse", "analyze",
	"and", "any", "array", "as", "asc", "asymmetric", "attach", "authorization",
	"autoincrement", "before", "begin", "between", "binary", "both", "by", "cascade",
	"case", "cast", "check", "collate", "collation", "column", "commit", "concurrently",
	"conflict", "constraint", "create", "cross", "current", "current_catalog",
	"current_date", "current_role", "current_schema", "current_time",
	"current_timestamp", "current_user", "database", "default", "deferrable",
	"deferred", "delete", "desc", "detach", "distinct", "do", "drop", "each", "else",
	"end", "escape", "except", "exclude", "exclusive", "exists", "explain", "fail",
	"false", "fetch", "filter", "first", "following", "for", "foreign", "freeze",
	"from", "full", "generated", "glob", "grant", "group", "groups", "having", "if",
	"ignore", "ilike", "immediate", "in", "index", "indexed", "initially", "inner",
	"insert", "instead", "intersect", "into", "is", "isnull", "join", "key", "last",
	"lateral", "leading", "left", "like", "limit", "localtime", "localtimestamp",
	"match", "materialized", "natural", "no", "not", "nothing", "notnull", "null",
	"nulls", "of", "offset", "on", "only", "or", "order", "others", "outer", "over",
	"overlaps", "partition", "placing", "plan", "pragma", "preceding", "primary",
	"query", "raise", "range", "recursive", "references", "regexp", "reindex",
	"release", "rename", "replace", "restrict", "returning", "right", "rollback", "row",
	"rows", "savepoint", "select", "session_user", "set", "similar", "some",
	"symmetric", "system_user", "table", "tablesample", "temp", "temporary", "then",
	"ties", "to", "trailing", "transaction", "trigger", "true", "unbounded", "union",
	"unique", "update", "user", "using", "vacuum", "values", "variadic", "verbose",
	"view", "virtual", "when", "where", "window", "with", "without",
};
/* clang-format on */

static int cmp_word(const void *key, const void *elem)
{
	return strcasecmp((const char *)key, *(const char *const *)elem);
}

bool gm_sql_is_reserved(const char *name)
{
	if (!name || !*name)
		return false;
	return bsearch(name, reserved, sizeof(reserved) / sizeof(reserved[0]), sizeof(reserved[0]),
		       cmp_word) != NULL;
}

static bool is_plain(const char *name)
{
	const char *p = name;
	if (!(*p == '_' || (*p >= 'a' && *p <= 'z')))
		return false;
	for (p++; *p; p++)
		if (!(*p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
			return false;
	return true;
}

void gm_sql_ident_quoted(gm_buf *out, const char *name)
{
	const char *p;
	gm_buf_putc(out, '"');
	for (p = name; *p; p++) {
		if (*p == '"')
			gm_buf_putc(out, '"');
		gm_buf_putc(out, *p);
	}
	gm_buf_putc(out, '"');
}

void gm_sql_ident(gm_buf *out, const char *name)
{
	if (is_plain(name) && !gm_sql_is_reserved(name))
		gm_buf_puts(out, name);
	else
		gm_sql_ident_quoted(out, name);
}

static bool ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '$' || (unsigned char)c >= 0x80;
}

bool gm_sql_calls(const char *expr, const char *name)
{
	size_t n = strlen(name);
	const char *p, *q;

	for (p = expr; p && n && (p = strstr(p, name)); p += n) {
		if (p > expr && ident_char(p[-1]))
			continue;
		for (q = p + n; *q == ' ' || *q == '"'; q++)
			;
		if (*q == '(')
			return true;
	}
	return false;
}

/* Append ident(schema).ident(local), or ident(local) without a schema. */
static void put_qualified(gm_buf *out, const char *schema, const char *local)
{
	if (*schema) {
		gm_sql_ident(out, schema);
		gm_buf_putc(out, '.');
	}
	gm_sql_ident(out, local);
}

void gm_sql_qname(gm_buf *out, const char *name)
{
	gm_buf schema = GM_BUF_INIT, local = GM_BUF_INIT;

	gm_name_split(name, &schema, &local);
	put_qualified(out, schema.ptr, local.ptr);
	gm_buf_release(&schema);
	gm_buf_release(&local);
}

void gm_sql_qname_local(gm_buf *out, const char *name)
{
	gm_buf schema = GM_BUF_INIT, local = GM_BUF_INIT;

	gm_name_split(name, &schema, &local);
	gm_sql_ident(out, local.ptr);
	gm_buf_release(&schema);
	gm_buf_release(&local);
}

void gm_sql_qname_beside(gm_buf *out, const char *of, const char *name)
{
	gm_buf schema = GM_BUF_INIT, local = GM_BUF_INIT;

	gm_name_split(of, &schema, &local);
	put_qualified(out, schema.ptr, name);
	gm_buf_release(&schema);
	gm_buf_release(&local);
}

void gm_sql_table(gm_buf *out, const gm_dialect *d, const char *name)
{
	if (d == &gm_dialect_postgres)
		gm_sql_qname(out, name);
	else
		gm_sql_ident(out, name);
}

void gm_sql_literal(gm_buf *out, const char *value)
{
	const char *p;
	if (!value) {
		gm_buf_puts(out, "NULL");
		return;
	}
	gm_buf_putc(out, '\'');
	for (p = value; *p; p++) {
		if (*p == '\'')
			gm_buf_putc(out, '\'');
		gm_buf_putc(out, *p);
	}
	gm_buf_putc(out, '\'');
}

/* ---- foreign keys ---- */

void gm_sql_fk_actions(gm_buf *out, const char *on_delete, const char *on_update)
{
	const char *when[2] = { "DELETE", "UPDATE" }, *action[2] = { on_delete, on_update };
	const char *a;
	int i;

	for (i = 0; i < 2; i++) {
		if (!action[i])
			continue;
		gm_buf_printf(out, " ON %s ", when[i]);
		for (a = action[i]; *a; a++)
			gm_buf_putc(out, (*a >= 'a' && *a <= 'z') ? (char)(*a - 'a' + 'A') : *a);
	}
}

/* ---- literals ---- */

static const char *digits(const char *p, bool *any)
{
	while (*p >= '0' && *p <= '9') {
		p++;
		*any = true;
	}
	return p;
}

bool gm_sql_is_number(const char *s)
{
	bool any = false, exp = false;

	if (!s)
		return false;
	if (*s == '-' || *s == '+')
		s++;
	s = digits(s, &any);
	if (*s == '.')
		s = digits(s + 1, &any);
	if (any && (*s == 'e' || *s == 'E')) {
		s++;
		if (*s == '-' || *s == '+')
			s++;
		s = digits(s, &exp);
		if (!exp)
			return false;
	}
	return any && !*s;
}

void gm_sql_default_literal(gm_buf *out, const char *type, const char *value, bool upper_bool)
{
	if (gm_type_is_numeric(type) && gm_sql_is_number(value))
		gm_buf_puts(out, value);
	else if (!strcmp(type, "boolean") && (!strcmp(value, "true") || !strcmp(value, "false")))
		gm_buf_puts(out, !upper_bool ? value : !strcmp(value, "true") ? "TRUE" : "FALSE");
	else
		gm_sql_literal(out, value);
}

/* ---- the tokeniser ---- */

static bool is_word_start(char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (unsigned char)c >= 0x80;
}

static bool is_word_char(char c)
{
	return is_word_start(c) || (c >= '0' && c <= '9') || c == '$';
}

static bool word_is(const char *w, size_t n, const char *kw)
{
	return strlen(kw) == n && !strncasecmp(w, kw, n);
}

bool gm_sql_tok_is(const gm_sql_tok *t, const char *kw)
{
	return t->kind == GM_SQL_WORD && word_is(t->s, t->len, kw);
}

void gm_sql_lexer_init(gm_sql_lexer *lx, const char *sql, unsigned flags)
{
	lx->sql = lx->p = sql ? sql : "";
	lx->line = 1;
	lx->flags = flags;
}

/* Past a quoted run starting at p (p points at the opening quote). */
static const char *skip_quoted(const char *p, char close, bool backslash, int *line)
{
	for (p++; *p; p++) {
		if (*p == '\n')
			(*line)++;
		if (backslash && *p == '\\' && p[1]) {
			p++;
			if (*p == '\n')
				(*line)++;
			continue;
		}
		if (*p == close) {
			if (close != ']' && p[1] == close) {
				p++;
				continue;
			}
			return p + 1;
		}
	}
	return p;
}

/* At '$': the length of a dollar-quote tag ("$$", "$body$"), or 0 if none. */
static size_t dollar_tag(const char *p)
{
	const char *q = p + 1;
	if (*q != '$') {
		if (!(*q == '_' || (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z')))
			return 0;
		while (*q && *q != '$' && is_word_char(*q))
			q++;
		if (*q != '$')
			return 0;
	}
	return (size_t)(q - p) + 1;
}

int gm_sql_count_lines(const char *from, const char *to)
{
	int n = 0;
	for (; from < to; from++)
		if (*from == '\n')
			n++;
	return n;
}

/* Past whitespace and comments, counting lines. */
static const char *skip_space(const char *p, int *line)
{
	const char *q = gm_sql_skip_space(p);
	*line += gm_sql_count_lines(p, q);
	return q;
}

/* Past the dollar-quoted run at p (tag of n characters). */
static const char *skip_dollar(const char *p, size_t n)
{
	const char *q = p + n;
	while ((q = strchr(q, '$')) != NULL) {
		if (!strncmp(q, p, n))
			return q + n;
		q++;
	}
	return p + strlen(p);
}

/* Past a number at p (a digit or ".digit"): word characters, '.', and "e+"/"e-". */
static const char *skip_number(const char *p)
{
	while (is_word_char(*p) || *p == '.') {
		if ((*p == 'e' || *p == 'E') && (p[1] == '+' || p[1] == '-'))
			p++;
		p++;
	}
	return p;
}

/* The kind of the token at p, and its end. */
static enum gm_sql_tok_kind scan(const gm_sql_lexer *lx, const char *p, const char **end, int *line)
{
	bool pg = lx->flags & GM_SQL_LEX_PG;
	size_t n;

	if (*p == '\'') {
		bool esc = pg && p > lx->sql && (p[-1] == 'E' || p[-1] == 'e') &&
			   (p - 1 == lx->sql || !is_word_char(p[-2]));
		*end = skip_quoted(p, '\'', esc, line);
		return GM_SQL_STRING;
	}
	if (*p == '"' || *p == '`' || *p == '[') {
		*end = skip_quoted(p, *p == '[' ? ']' : *p, false, line);
		return GM_SQL_QUOTED;
	}
	if ((*p == 'x' || *p == 'X') && p[1] == '\'') {
		*end = skip_quoted(p + 1, '\'', false, line);
		return GM_SQL_BLOB;
	}
	if (*p == '$' && pg && (p == lx->sql || !is_word_char(p[-1])) && (n = dollar_tag(p))) {
		*end = skip_dollar(p, n);
		*line += gm_sql_count_lines(p, *end);
		return GM_SQL_DOLLAR;
	}
	if ((*p >= '0' && *p <= '9') || (*p == '.' && p[1] >= '0' && p[1] <= '9')) {
		*end = skip_number(p);
		return GM_SQL_NUMBER;
	}
	if (is_word_start(*p) || (*p == '$' && !pg)) {
		for (*end = p + 1; is_word_char(**end); (*end)++)
			;
		return GM_SQL_WORD;
	}
	*end = p + 1;
	return GM_SQL_PUNCT;
}

void gm_sql_lex(gm_sql_lexer *lx, gm_sql_tok *out)
{
	const char *p = skip_space(lx->p, &lx->line), *end = p;

	out->s = p;
	out->line = lx->line;
	out->kind = *p ? scan(lx, p, &end, &lx->line) : GM_SQL_END;
	out->len = (size_t)(end - p);
	lx->p = end;
}

/* ---- the statement splitter ---- */

/* State of the statement being scanned. */
struct stmt_state {
	const char *start; /* first significant character, or NULL */
	int line;          /* line of start */
	int words;         /* top-level words seen */
	bool create;       /* first word is CREATE */
	bool block;        /* CREATE TRIGGER/FUNCTION/PROCEDURE: BEGIN ... END bodies */
	int depth;         /* BEGIN/CASE nesting inside a block statement */
	bool copy;         /* first word is COPY */
	bool prev_from;    /* previous word was FROM */
	bool copy_stdin;   /* COPY ... FROM STDIN: data lines follow until "\." */
};

static void note_word(struct stmt_state *st, const char *w, size_t n)
{
	if (st->words == 0) {
		st->create = word_is(w, n, "create");
		st->copy = word_is(w, n, "copy");
	} else if (st->create && st->words <= 4 &&
		   (word_is(w, n, "trigger") || word_is(w, n, "function") ||
		    word_is(w, n, "procedure"))) {
		st->block = true;
	}
	if (st->block) {
		if (word_is(w, n, "begin") || word_is(w, n, "case"))
			st->depth++;
		else if (word_is(w, n, "end") && st->depth > 0)
			st->depth--;
	}
	if (st->copy) {
		if (st->prev_from && word_is(w, n, "stdin"))
			st->copy_stdin = true;
		st->prev_from = word_is(w, n, "from");
	}
	st->words++;
}

static int emit(const char *start, const char *end, int line,
		int (*fn)(const char *stmt, int line, void *payload), void *payload)
{
	char *text;
	int rc;
	while (end > start && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' ||
			       end[-1] == '\r' || end[-1] == '\f' || end[-1] == '\v'))
		end--;
	if (end == start)
		return 0;
	text = gm_xstrndup(start, (size_t)(end - start));
	rc = fn(text, line, payload);
	free(text);
	return rc < 0 ? rc : 0;
}

/* After the ';' of COPY ... FROM STDIN: the end of the data (after the "\." line). */
static const char *skip_copy_data(const char *p, int *line)
{
	/* the rest of the line holding the ';' */
	while (*p && *p != '\n')
		p++;
	while (*p) {
		const char *eol;
		p++; /* the '\n' */
		(*line)++;
		eol = p;
		while (*eol && *eol != '\n')
			eol++;
		if (p[0] == '\\' && p[1] == '.' && (eol == p + 2 || (eol == p + 3 && p[2] == '\r')))
			return eol;
		p = eol;
	}
	return p;
}

/* One token of a statement: COPY data, BEGIN ... END depth and the start are noted. */
static void note_token(struct stmt_state *st, const gm_sql_tok *t)
{
	if (!st->start) {
		st->start = t->s;
		st->line = t->line;
	}
	if (t->kind == GM_SQL_WORD)
		note_word(st, t->s, t->len);
	else if (t->kind == GM_SQL_BLOB)
		note_word(st, t->s, 1); /* the x of x'...' */
}

int gm_sql_split(const char *sql, int (*fn)(const char *stmt, int line, void *payload),
		 void *payload)
{
	struct stmt_state st;
	gm_sql_lexer lx;
	gm_sql_tok t;
	int rc;

	memset(&st, 0, sizeof(st));
	gm_sql_lexer_init(&lx, sql, GM_SQL_LEX_PG);
	for (gm_sql_lex(&lx, &t); t.kind != GM_SQL_END; gm_sql_lex(&lx, &t)) {
		if (t.kind == GM_SQL_PUNCT && *t.s == ';' && st.depth == 0) {
			const char *end = t.s + 1;
			if (st.start) {
				if (st.copy_stdin)
					end = skip_copy_data(end, &lx.line);
				if ((rc = emit(st.start, end, st.line, fn, payload)) < 0)
					return rc;
			}
			memset(&st, 0, sizeof(st));
			lx.p = end;
			continue;
		}
		note_token(&st, &t);
	}
	if (st.start && (rc = emit(st.start, lx.p, st.line, fn, payload)) < 0)
		return rc;
	return 0;
}

/* Skip whitespace and comments. */
const char *gm_sql_skip_space(const char *p)
{
	for (;;) {
		while (*p && isspace((unsigned char)*p))
			p++;
		if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");
			p = e ? e + 2 : p + strlen(p);
		} else {
			return p;
		}
	}
}

void gm_sql_ident_list(gm_buf *out, char *const *names, size_t n)
{
	size_t i;
	gm_buf_putc(out, '(');
	for (i = 0; i < n; i++) {
		if (i)
			gm_buf_puts(out, ", ");
		gm_sql_ident(out, names[i]);
	}
	gm_buf_putc(out, ')');
}

void gm_sql_create_index(gm_buf *out, const gm_table *t, const gm_index *ix)
{
	gm_sql_create_index_in(out, t, ix, false);
}

void gm_sql_create_index_in(gm_buf *out, const gm_table *t, const gm_index *ix, bool qualified)
{
	gm_buf_puts(out, ix->unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ");
	gm_sql_ident(out, ix->name);
	gm_buf_puts(out, " ON ");
	if (qualified)
		gm_sql_qname(out, t->name);
	else
		gm_sql_ident(out, t->name);
	if (ix->method) /* PostgreSQL's; SQLite refuses the statement (never silent) */
		gm_buf_printf(out, " USING %s", ix->method);
	gm_buf_putc(out, ' ');
	if (ix->expr)
		gm_buf_printf(out, "(%s)", ix->expr);
	else
		gm_sql_ident_list(out, ix->columns, ix->columns_nr);
	if (ix->include_nr) {
		gm_buf_puts(out, " INCLUDE ");
		gm_sql_ident_list(out, ix->include, ix->include_nr);
	}
	if (ix->nulls_not_distinct)
		gm_buf_puts(out, " NULLS NOT DISTINCT");
	if (ix->where)
		gm_buf_printf(out, " WHERE %s", ix->where);
	gm_buf_puts(out, ";\n");
}

/* The next word at p (after whitespace and comments): its start and length (0 if none). */
static const char *next_word(const char *p, size_t *n)
{
	const char *w = gm_sql_skip_space(p);
	*n = 0;
	if (!is_word_start(*w))
		return w;
	while (is_word_char(w[*n]))
		(*n)++;
	return w;
}

const char *gm_sql_transaction_control(const char *stmt)
{
	size_t n, n2, n3;
	const char *w = next_word(stmt, &n);
	const char *w2 = next_word(w + n, &n2);

	if (word_is(w, n, "begin"))
		return "BEGIN";
	if (word_is(w, n, "commit") || word_is(w, n, "end") || word_is(w, n, "abort"))
		return word_is(w, n, "commit") ? "COMMIT" : word_is(w, n, "end") ? "END" : "ABORT";
	if (word_is(w, n, "start") && word_is(w2, n2, "transaction"))
		return "START TRANSACTION";
	if (word_is(w, n, "prepare") && word_is(w2, n2, "transaction"))
		return "PREPARE TRANSACTION";
	if (word_is(w, n, "rollback")) {
		/* ROLLBACK [TRANSACTION | WORK] TO [SAVEPOINT] x stays inside the transaction */
		if (word_is(w2, n2, "transaction") || word_is(w2, n2, "work"))
			w2 = next_word(w2 + n2, &n3), n2 = n3;
		return word_is(w2, n2, "to") ? NULL : "ROLLBACK";
	}
	return NULL;
}
