/* Alembic's offline SQL cut into each revision's own, without Alembic's bookkeeping. */
#include <stdlib.h>
#include <string.h>
#include "git-migrate/alloc.h"
#include "git-migrate/error.h"
#include "git-migrate/vec.h"
#include "dialect/sql.h"
#include "error_int.h"
#include "import_alembic_int.h"
#include "util/banned.h"

void gm_alembic_blocks_release(gm_alembic_blocks *b)
{
	size_t i;

	for (i = 0; i < b->nr; i++) {
		free(b->v[i].id);
		free(b->v[i].sql);
	}
	free(b->v);
	memset(b, 0, sizeof(*b));
}

/*
 * The revision a marker line runs ("-- Running upgrade a, b -> c": c; "-- Running
 * downgrade c -> a, b": c), or NULL when the line is no marker. Caller frees.
 */
static char *marker_id(const char *line, size_t len, bool upgrade, bool *bad)
{
	const char *prefix = upgrade ? "-- Running upgrade " : "-- Running downgrade ";
	size_t n = strlen(prefix);
	const char *s, *e, *arrow;

	if (len < n || strncmp(line, prefix, n))
		return NULL;
	arrow = NULL;
	for (s = line + n; s + 2 <= line + len; s++)
		if (!strncmp(s, "->", 2)) {
			arrow = s;
			break;
		}
	if (!arrow) {
		*bad = true;
		return NULL;
	}
	s = upgrade ? arrow + 2 : line + n;
	e = upgrade ? line + len : arrow;
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	if (e == s || memchr(s, ',', (size_t)(e - s))) {
		*bad = true;
		return NULL;
	}
	return gm_xstrndup(s, (size_t)(e - s));
}

int gm_alembic_split(gm_alembic_blocks *out, const char *output, bool upgrade)
{
	const char *p = output, *body = NULL;
	gm_alembic_block *cur = NULL;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		bool bad = false;
		char *id = marker_id(p, len, upgrade, &bad);

		if (bad) {
			return gm_error_set(GM_EINVALID, "cannot read Alembic's marker line '%.*s'",
					    (int)len, p);
		}
		if (id) {
			if (cur)
				cur->sql = gm_xstrndup(body, (size_t)(p - body));
			GM_ALLOC_GROW(out->v, out->nr + 1, out->alloc);
			cur = &out->v[out->nr++];
			cur->id = id;
			cur->sql = NULL;
			body = nl ? nl + 1 : p + len;
		}
		p = nl ? nl + 1 : NULL;
	}
	if (cur)
		cur->sql = gm_xstrdup(body);
	return 0;
}

/* True when the tokens at lx are `[schema .] name` with name the version table. */
static bool names_table(gm_sql_lexer *lx, const char *table)
{
	gm_sql_tok t, dot;
	gm_sql_lexer ahead;

	gm_sql_lex(lx, &t);
	ahead = *lx;
	gm_sql_lex(&ahead, &dot);
	if (dot.kind == GM_SQL_PUNCT && *dot.s == '.') {
		*lx = ahead;
		gm_sql_lex(lx, &t);
	}
	if (t.kind == GM_SQL_QUOTED)
		return t.len == strlen(table) + 2 && !strncmp(t.s + 1, table, t.len - 2);
	return t.kind == GM_SQL_WORD && gm_sql_tok_is(&t, table);
}

/* True when stmt works on the version table (what Alembic writes to it). */
static bool on_version_table(const char *stmt, const char *table)
{
	gm_sql_lexer lx;
	gm_sql_tok a, b;

	gm_sql_lexer_init(&lx, stmt, GM_SQL_LEX_PG);
	gm_sql_lex(&lx, &a);
	if (gm_sql_tok_is(&a, "UPDATE"))
		return names_table(&lx, table);
	gm_sql_lex(&lx, &b);
	if ((gm_sql_tok_is(&a, "CREATE") || gm_sql_tok_is(&a, "DROP")) &&
	    gm_sql_tok_is(&b, "TABLE"))
		return names_table(&lx, table);
	if ((gm_sql_tok_is(&a, "INSERT") && gm_sql_tok_is(&b, "INTO")) ||
	    (gm_sql_tok_is(&a, "DELETE") && gm_sql_tok_is(&b, "FROM")))
		return names_table(&lx, table);
	return false;
}

struct clean_state {
	gm_buf *out;
	const char *table;
	size_t kept;
	bool committed, own_since_commit, no_transaction;
};

static int clean_one(const char *stmt, int line, void *payload)
{
	struct clean_state *st = payload;
	const char *tc = gm_sql_transaction_control(stmt);
	size_t n = strlen(stmt);

	(void)line;
	if (tc) {
		if (!strcmp(tc, "COMMIT") || !strcmp(tc, "END")) {
			st->committed = true;
			st->own_since_commit = false;
		} else if (!strcmp(tc, "BEGIN") || !strcmp(tc, "START TRANSACTION")) {
			if (st->committed && st->own_since_commit)
				st->no_transaction = true;
			st->committed = false;
		}
		return 0;
	}
	if (on_version_table(stmt, st->table))
		return 0;
	st->own_since_commit = true;
	if (st->kept++)
		gm_buf_putc(st->out, '\n');
	gm_buf_puts(st->out, stmt);
	if (stmt[n - 1] != ';')
		gm_buf_putc(st->out, ';');
	gm_buf_putc(st->out, '\n');
	return 0;
}

size_t gm_alembic_clean(gm_buf *out, bool *no_transaction, const char *block,
			const char *version_table)
{
	struct clean_state st;

	memset(&st, 0, sizeof(st));
	st.out = out;
	st.table = version_table;
	gm_sql_split(block, clean_one, &st);
	*no_transaction = st.no_transaction;
	return st.kept;
}
