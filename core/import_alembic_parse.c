/* Reading an Alembic revision file: its id, its parents and its docstring's first line. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "git-migrate/alloc.h"
#include "git-migrate/error.h"
#include "error_int.h"
#include "import_alembic_int.h"
#include "revision_int.h"
#include "util/banned.h"

static int line_of(const char *text, const char *p)
{
	int line = 1;
	for (; text < p; text++)
		line += *text == '\n';
	return line;
}

/* The value after `name [: annotation] =` at the start of a line, or NULL. */
static const char *assignment(const char *text, const char *name)
{
	size_t n = strlen(name);
	const char *p = text;

	for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		const char *q = p + n;
		if (strncmp(p, name, n) || (!isspace((unsigned char)*q) && *q != ':' && *q != '='))
			continue;
		if (*q == ':' || (isspace((unsigned char)*q) && *(q + strspn(q, " \t")) == ':'))
			while (*q && *q != '=' && *q != '\n')
				q++;
		q += strspn(q, " \t");
		if (q[0] == '=' && q[1] != '=')
			return q + 1 + strspn(q + 1, " \t");
	}
	return NULL;
}

/* A quoted string at *p ('...' or "..."), moved past; NULL when *p is not one. */
static char *string_literal(const char **p)
{
	const char *s = *p, *e;
	char q = *s;

	if (q != '\'' && q != '"')
		return NULL;
	if (!(e = strchr(s + 1, q)) || memchr(s + 1, '\n', (size_t)(e - s - 1)))
		return NULL;
	*p = e + 1;
	return gm_xstrndup(s + 1, (size_t)(e - s - 1));
}

static int bad_value(const gm_revision *out, const char *text, const char *at, const char *what)
{
	return gm_error_set_at(GM_EINVALID, out->path, line_of(text, at), 0,
			       "%s is not a revision id literal", what);
}

static int add_parent(gm_revision *out, char *id, const char *text, const char *at)
{
	if (out->parents_nr == 2) {
		free(id);
		return gm_error_set_at(GM_EINVALID, out->path, line_of(text, at), 0,
				       "revision '%s' has more than two parents; a git-migrate "
				       "revision has at most two",
				       out->id);
	}
	out->parents[out->parents_nr++] = id;
	return 0;
}

/* down_revision's value: None, '<id>', or ('<id>', ...) / ['<id>', ...]. */
static int parse_parents(gm_revision *out, const char *text, const char *p)
{
	char close, *id;
	int error;

	if (!strncmp(p, "None", 4) && !isalnum((unsigned char)p[4]) && p[4] != '_')
		return 0;
	if ((id = string_literal(&p)))
		return add_parent(out, id, text, p);
	if (*p != '(' && *p != '[')
		return bad_value(out, text, p, "down_revision");
	close = *p == '(' ? ')' : ']';
	for (p++;;) {
		while (isspace((unsigned char)*p) || *p == ',' || *p == '#') {
			if (*p == '#')
				p += strcspn(p, "\n");
			else
				p++;
		}
		if (*p == close)
			return 0;
		if (!(id = string_literal(&p)))
			return bad_value(out, text, p, "down_revision");
		if ((error = add_parent(out, id, text, p)) < 0)
			return error;
	}
}

/* The first non-blank line of the module docstring, or NULL. */
static char *docstring_line(const char *text)
{
	const char *p = text, *end, *nl;
	char delim[4] = { 0 };

	for (;;) {
		p += strspn(p, " \t\r\n");
		if (*p != '#')
			break;
		p += strcspn(p, "\n");
	}
	if (strchr("rRuU", *p) && *p)
		p++;
	if (*p != '"' && *p != '\'')
		return NULL;
	delim[0] = delim[1] = delim[2] = *p;
	if (strncmp(p, delim, 3))
		delim[1] = 0;
	p += strlen(delim);
	if (!(end = strstr(p, delim)))
		return NULL;
	for (; p < end; p = nl + 1) {
		const char *s = p, *e;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		e = nl;
		while (s < e && isspace((unsigned char)*s))
			s++;
		while (e > s && isspace((unsigned char)e[-1]))
			e--;
		if (e > s)
			return gm_xstrndup(s, (size_t)(e - s));
	}
	return NULL;
}

static int check_id(const gm_revision *out, const char *text, const char *id, const char *at)
{
	if (gm_revision_id_valid(id))
		return 0;
	return gm_error_set_at(GM_EINVALID, out->path, line_of(text, at), 0,
			       "revision id '%s' is not 1-64 characters of [A-Za-z0-9_-]", id);
}

int gm_alembic_parse(gm_revision **out, const char *path, const char *text)
{
	gm_revision *rev = gm_xcalloc(1, sizeof(*rev));
	const char *p;
	size_t i;
	int error = 0;

	rev->path = gm_xstrdup(path);
	rev->transaction = true;
	if (!(p = assignment(text, "revision"))) {
		error = gm_error_set_at(GM_ENOTFOUND, path, 0, 0,
					"no 'revision = ...' in the Alembic revision file");
		goto done;
	}
	if (!(rev->id = string_literal(&p))) {
		error = bad_value(rev, text, p, "revision");
		goto done;
	}
	if ((error = check_id(rev, text, rev->id, p)) < 0)
		goto done;
	if ((p = assignment(text, "down_revision")) && (error = parse_parents(rev, text, p)) < 0)
		goto done;
	for (i = 0; i < rev->parents_nr; i++)
		if ((error = check_id(rev, text, rev->parents[i], p)) < 0)
			goto done;
	rev->message = docstring_line(text);
done:
	if (error < 0) {
		gm_revision_free(rev);
		rev = NULL;
	}
	*out = rev;
	return error;
}
