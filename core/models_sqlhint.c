/* Rename hints in SQL models: `-- git-migrate: was <old>` comments onto the inspected schema. */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "error_int.h"
#include "models_sqlhint.h"
#include "schema_int.h"
#include "util/banned.h"

#define HINT "git-migrate:"

/* Where the scan is in the SQL text. */
struct scan {
	const char *p;
	const char *origin;
	gm_schema *part;
	int line;
	int depth;         /* parentheses open */
	int create;        /* 0; 1 after CREATE; 2 after CREATE ... TABLE */
	int body;          /* depth inside the current CREATE TABLE's parentheses, or -1 */
	gm_buf table;      /* the current CREATE TABLE's name */
	bool table_quoted; /* it was written "quoted" */
	int table_line;    /* the line it was named on */
	gm_buf first;      /* the first word of the current line ("" for none yet) */
	bool first_quoted;
	bool first_done; /* something (a word or a sign) came first on the line */
};

static bool word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '$' || (unsigned char)c >= 0x80;
}

/* An identifier at s->p into out: a bare word, or "quoted"/`quoted` (doubled quotes). */
static bool read_ident(struct scan *s, gm_buf *out, bool *quoted)
{
	char q = *s->p;

	gm_buf_clear(out);
	*quoted = q == '"' || q == '`';
	if (*quoted) {
		for (s->p++; *s->p; s->p++) {
			if (*s->p == q && s->p[1] == q)
				s->p++;
			else if (*s->p == q)
				break;
			if (*s->p == '\n')
				s->line++;
			gm_buf_putc(out, *s->p);
		}
		if (*s->p)
			s->p++;
		return true;
	}
	if (!word_char(q) || isdigit((unsigned char)q))
		return false;
	while (word_char(*s->p))
		gm_buf_putc(out, *s->p++);
	return true;
}

/* Skip a 'string', a block comment or a $tag$ body (counting lines). */
static void skip_until(struct scan *s, const char *end, size_t n)
{
	while (*s->p && strncmp(s->p, end, n)) {
		if (*s->p == '\n')
			s->line++;
		s->p++;
	}
	s->p += *s->p ? n : 0;
}

static void skip_string(struct scan *s)
{
	for (s->p++; *s->p; s->p++) {
		if (*s->p == '\'' && s->p[1] == '\'')
			s->p++;
		else if (*s->p == '\'')
			break;
		else if (*s->p == '\n')
			s->line++;
	}
	if (*s->p)
		s->p++;
}

static bool dollar_quote(struct scan *s)
{
	const char *q = s->p + 1;
	char tag[64];
	size_t n;

	while (*q && (isalnum((unsigned char)*q) || *q == '_'))
		q++;
	n = (size_t)(q - s->p) + 1;
	if (*q != '$' || n >= sizeof(tag))
		return false;
	memcpy(tag, s->p, n);
	tag[n] = '\0';
	s->p += n;
	skip_until(s, tag, n);
	return true;
}

/* Find a name in a list: exactly, or (an unquoted name) ignoring case. */
static gm_table *find_table(const gm_schema *part, const char *name, bool quoted)
{
	size_t i;
	gm_table *t = gm_schema_table(part, name);

	for (i = 0; !t && !quoted && i < part->tables_nr; i++)
		if (!strcasecmp(part->tables[i]->name, name))
			t = part->tables[i];
	return t;
}

static gm_column *find_column(const gm_table *t, const char *name, bool quoted)
{
	size_t i;
	gm_column *c = gm_table_column(t, name);

	for (i = 0; !c && !quoted && i < t->columns_nr; i++)
		if (!strcasecmp(t->columns[i]->name, name))
			c = t->columns[i];
	return c;
}

static int hint_error(const struct scan *s, const char *fmt, const char *a, const char *b)
{
	if (s->origin)
		gm_error_set_at(GM_EINVALID, s->origin, s->line, 0, fmt, a, b);
	else
		gm_error_set(GM_EINVALID, fmt, a, b);
	gm_error_hint("a rename hint is '-- " HINT " was <old name>' at the end of a column's "
		      "line, or of the CREATE TABLE line for the table");
	return GM_EINVALID;
}

/* Words of a table body that start a constraint, not a column. */
static bool constraint_word(const char *w)
{
	static const char *const words[] = { "constraint", "primary", "unique", "check",
					     "foreign",    "exclude", "like",   NULL };
	size_t i;
	for (i = 0; words[i]; i++)
		if (!strcasecmp(w, words[i]))
			return true;
	return false;
}

/* The hint "was <old>" (text after "git-migrate:") onto the line's table or column. */
static int apply_hint(struct scan *s, const char *text)
{
	gm_buf old = GM_BUF_INIT;
	struct scan w = *s;
	gm_table *t;
	gm_column *c;
	bool quoted;
	int error = 0;

	while (isspace((unsigned char)*text))
		text++;
	w.p = text + 3;
	if (strncasecmp(text, "was", 3) || (text[3] && !isspace((unsigned char)text[3])))
		return hint_error(s, "unknown '" HINT "' comment '%s'%s", text, "");
	while (isspace((unsigned char)*w.p))
		w.p++;
	if (!read_ident(&w, &old, &quoted) || !old.len) {
		error = hint_error(s, "the rename hint '%s' names no old name%s", text, "");
		goto done;
	}
	if (s->body < 0 && s->create != 2) {
		error = hint_error(s, "a rename hint outside CREATE TABLE: '%s'%s", text, "");
		goto done;
	}
	t = find_table(s->part, s->table.ptr, s->table_quoted);
	if (!t) {
		error = hint_error(s, "the rename hint's table '%s' is not in the models%s",
				   s->table.ptr, " (is it created by this file?)");
		goto done;
	}
	if (s->table_line == s->line) {
		gm_set_str(&t->was, old.ptr);
		goto done;
	}
	if (s->depth != s->body || !s->first.len || constraint_word(s->first.ptr)) {
		error = hint_error(s, "the rename hint '%s' is not on a column's line%s", text, "");
		goto done;
	}
	c = find_column(t, s->first.ptr, s->first_quoted);
	if (!c) {
		error = hint_error(s, "the rename hint's column '%s' is not in table '%s'",
				   s->first.ptr, t->name);
		goto done;
	}
	gm_set_str(&c->was, old.ptr);
done:
	gm_buf_release(&old);
	return error;
}

/* A `--` comment: a hint is applied, anything else skipped. */
static int line_comment(struct scan *s)
{
	const char *start = s->p + 2, *end = strchr(start, '\n');
	gm_buf text = GM_BUF_INIT;
	int error = 0;

	if (!end)
		end = start + strlen(start);
	while (start < end && isspace((unsigned char)*start))
		start++;
	if ((size_t)(end - start) >= strlen(HINT) && !strncasecmp(start, HINT, strlen(HINT))) {
		gm_buf_put(&text, start + strlen(HINT), (size_t)(end - start) - strlen(HINT));
		while (text.len && isspace((unsigned char)text.ptr[text.len - 1]))
			gm_buf_truncate(&text, text.len - 1);
		error = apply_hint(s, text.ptr);
	}
	s->p = end;
	gm_buf_release(&text);
	return error;
}

/* A word: CREATE [TEMP ...] TABLE [IF NOT EXISTS] name, and the first word of each line. */
static void word(struct scan *s)
{
	gm_buf w = GM_BUF_INIT;
	bool quoted;

	read_ident(s, &w, &quoted);
	if (!s->first_done) {
		gm_buf_clear(&s->first);
		gm_buf_puts(&s->first, w.ptr);
		s->first_quoted = quoted;
		s->first_done = true;
	}
	if (!quoted && !strcasecmp(w.ptr, "create")) {
		s->create = 1;
	} else if (s->create == 1 && !quoted && !strcasecmp(w.ptr, "table")) {
		s->create = 2;
	} else if (s->create == 2 && !quoted &&
		   (!strcasecmp(w.ptr, "if") || !strcasecmp(w.ptr, "not") ||
		    !strcasecmp(w.ptr, "exists"))) {
		;
	} else if (s->create == 2) { /* the name; schema.name keeps the last part */
		gm_buf_clear(&s->table);
		gm_buf_puts(&s->table, w.ptr);
		s->table_quoted = quoted;
		s->table_line = s->line;
		if (*s->p != '.') {
			s->create = 0;
			s->body = s->depth + 1;
		}
	} else if (s->create == 1 &&
		   !(quoted || !strcasecmp(w.ptr, "temp") || !strcasecmp(w.ptr, "temporary") ||
		     !strcasecmp(w.ptr, "unlogged") || !strcasecmp(w.ptr, "global") ||
		     !strcasecmp(w.ptr, "local"))) {
		s->create = 0;
	}
	gm_buf_release(&w);
}

/* A number (it counts as the first thing on its line). */
static void number(struct scan *s)
{
	while (word_char(*s->p) || *s->p == '.')
		s->p++;
	s->first_done = true;
}

/* One sign: parentheses, the end of a statement, the first sign of a line. */
static void sign(struct scan *s)
{
	char c = *s->p++;

	if (c == '\n') {
		s->line++;
		s->first_done = false;
		gm_buf_clear(&s->first);
		return;
	}
	if (isspace((unsigned char)c) || (c == ',' && !s->first_done) || c == '.')
		return;
	if (!s->first_done)
		s->first_done = true;
	if (c == '(')
		s->depth++;
	else if (c == ')' && s->depth > 0 && --s->depth < s->body)
		s->body = -1; /* the end of the table's body */
	else if (c == ';') {
		s->depth = 0;
		s->body = -1;
		s->create = 0;
	}
}

int gm_models_sql_hints(gm_schema *part, const char *sql, const char *origin)
{
	struct scan s;
	int error = 0;

	memset(&s, 0, sizeof(s));
	s.p = sql;
	s.origin = origin;
	s.part = part;
	s.line = 1;
	s.body = -1;
	gm_buf_init(&s.table);
	gm_buf_init(&s.first);
	while (*s.p && error == 0) {
		if (s.p[0] == '-' && s.p[1] == '-')
			error = line_comment(&s);
		else if (s.p[0] == '/' && s.p[1] == '*')
			s.p += 2, skip_until(&s, "*/", 2);
		else if (*s.p == '\'')
			skip_string(&s);
		else if (*s.p == '$' && dollar_quote(&s))
			;
		else if (*s.p == '"' || *s.p == '`' ||
			 (word_char(*s.p) && !isdigit((unsigned char)*s.p)))
			word(&s);
		else if (isdigit((unsigned char)*s.p))
			number(&s);
		else
			sign(&s);
	}
	gm_buf_release(&s.table);
	gm_buf_release(&s.first);
	return error;
}
