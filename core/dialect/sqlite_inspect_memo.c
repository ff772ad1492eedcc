/*
 * What an inspection of a SQLite connection keeps for the next one on it: each table as
 * it was read, with the text it was read from. A table's inspection reads nothing but its
 * CREATE TABLE text, its indexes' (the pragmas derive from those) and, for a foreign key
 * without a column list, the referenced table's primary key. So a table whose text and
 * indexes are the same, and whose foreign keys name no table that changed, came or went,
 * reads the same again: the next inspection copies it instead (a verification step then
 * reads what its revision changed, not the whole schema). Here too: the table rows an
 * inspection starts from (gm_sqlite_table_rows) and each table's text, its signature
 * (gm_sqlite_memo_signatures), and the test suite's check of a reusing inspection.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sqlite3.h>
#include "git-migrate/alloc.h"
#include "git-migrate/error.h"
#include "error_int.h"
#include "interrupt.h"
#include "git-migrate/buf.h"
#include "git-migrate/schema.h"
#include "git-migrate/vec.h"
#include "dialect/sqlite.h"
#include "dialect/sqlite_ddl.h"
#include "schema_int.h"
#include "util/strvec.h"
#include "util/banned.h"

struct memo_table {
	char *name;            /* as sqlite_schema spells it */
	char *sig;             /* its CREATE text and its indexes' names and texts */
	gm_schema *t;          /* holding the table as the inspection gave it, or NULL */
	gm_strvec unsupported; /* the lines its reading added to the schema */
};

struct gm_sqlite_memo {
	char *vt; /* the version table the inspection left out ("" for none) */
	struct memo_table *v;
	size_t nr, alloc;
};

void gm_sqlite_memo_free(gm_sqlite_memo *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->nr; i++) {
		free(m->v[i].name);
		free(m->v[i].sig);
		gm_schema_free(m->v[i].t);
		gm_strvec_release(&m->v[i].unsupported);
	}
	free(m->v);
	free(m->vt);
	free(m);
}

gm_sqlite_memo *gm_sqlite_memo_new(const char *version_table)
{
	gm_sqlite_memo *m = gm_xcalloc(1, sizeof(*m));

	m->vt = gm_xstrdup(version_table ? version_table : "");
	return m;
}

bool gm_sqlite_memo_for(const gm_sqlite_memo *m, const char *version_table)
{
	return m && !strcmp(m->vt, version_table ? version_table : "");
}

static const struct memo_table *lookup(const gm_sqlite_memo *m, const char *name)
{
	size_t i;

	for (i = 0; m && i < m->nr; i++)
		if (!strcmp(m->v[i].name, name))
			return &m->v[i];
	return NULL;
}

/* Whether a table of the same name (any case) is in v[0..n). */
static bool named(char *const *v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcasecmp(v[i], name))
			return true;
	return false;
}

void gm_sqlite_memo_reusable(bool *reuse, const gm_sqlite_memo *m, char *const *names,
			     char *const *sigs, size_t n)
{
	gm_strvec changed = GM_STRVEC_INIT;
	size_t i, k;

	/* a table that came, or whose text changed; and one that went */
	for (i = 0; i < n; i++) {
		const struct memo_table *e = lookup(m, names[i]);
		reuse[i] = e && e->t && !strcmp(e->sig, sigs[i]);
		if (!reuse[i])
			gm_strvec_push(&changed, names[i]);
	}
	for (i = 0; m && i < m->nr; i++) {
		bool here = false;
		for (k = 0; k < n && !here; k++)
			here = !strcmp(m->v[i].name, names[k]);
		if (!here)
			gm_strvec_push(&changed, m->v[i].name);
	}
	/* a foreign key naming one of them may read its primary key */
	for (i = 0; i < n; i++) {
		const struct memo_table *e = reuse[i] ? lookup(m, names[i]) : NULL;
		const gm_table *t = e ? e->t->tables[0] : NULL;
		for (k = 0; t && k < t->fkeys_nr && reuse[i]; k++)
			if (named(changed.v, changed.nr, t->fkeys[k]->ref_table))
				reuse[i] = false;
	}
	gm_strvec_release(&changed);
}

void gm_sqlite_memo_copy_into(gm_schema *s, const gm_sqlite_memo *m, const char *name)
{
	const struct memo_table *e = lookup(m, name);
	size_t i;

	gm_schema_add_table_copy(s, e->t->tables[0]);
	for (i = 0; i < e->unsupported.nr; i++)
		gm_schema_add_unsupported(s, "%s", e->unsupported.v[i]);
}

void gm_sqlite_memo_add(gm_sqlite_memo *m, const char *name, const char *sig,
			char *const *unsupported, size_t unsupported_nr)
{
	struct memo_table *e;
	size_t i;

	GM_ALLOC_GROW(m->v, m->nr + 1, m->alloc);
	e = &m->v[m->nr++];
	memset(e, 0, sizeof(*e));
	e->name = gm_xstrdup(name);
	e->sig = gm_xstrdup(sig);
	for (i = 0; i < unsupported_nr; i++)
		gm_strvec_push(&e->unsupported, unsupported[i]);
}

void gm_sqlite_memo_keep_tables(gm_sqlite_memo *m, const gm_schema *s)
{
	size_t i;

	for (i = 0; i < m->nr; i++) {
		const gm_table *t = gm_schema_table(s, m->v[i].name);
		if (!t)
			continue;
		gm_schema_new(&m->v[i].t);
		gm_schema_add_table_copy(m->v[i].t, t);
	}
}

int gm_sqlite_memo_signatures(gm_strvec *sigs, sqlite3 *db, char *const *names, char *const *sqls,
			      size_t n)
{
	static const char q[] = "SELECT tbl_name, name, sql FROM sqlite_schema"
				" WHERE type = 'index' ORDER BY tbl_name, name";
	sqlite3_stmt *st = NULL;
	gm_buf b = GM_BUF_INIT;
	gm_strvec itab = GM_STRVEC_INIT, itext = GM_STRVEC_INIT;
	size_t i, k;
	int rc, error = 0;

	if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK)
		return gm_error_set(GM_EDB, "cannot inspect database: %s", sqlite3_errmsg(db));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *sql = (const char *)sqlite3_column_text(st, 2);
		gm_buf_clear(&b);
		gm_buf_printf(&b, "\x1e%s\x1f%s", (const char *)sqlite3_column_text(st, 1),
			      sql ? sql : "");
		gm_strvec_push(&itab, (const char *)sqlite3_column_text(st, 0));
		gm_strvec_push(&itext, b.ptr);
	}
	if (rc != SQLITE_DONE)
		error = gm_error_set(GM_EDB, "cannot inspect database: %s", sqlite3_errmsg(db));
	for (i = 0; !error && i < n; i++) {
		gm_buf_clear(&b);
		gm_buf_puts(&b, sqls[i]);
		for (k = 0; k < itab.nr; k++)
			if (!strcasecmp(itab.v[k], names[i]))
				gm_buf_puts(&b, itext.v[k]);
		gm_strvec_push(sigs, b.ptr ? b.ptr : "");
	}
	sqlite3_finalize(st);
	gm_strvec_release(&itab);
	gm_strvec_release(&itext);
	gm_buf_release(&b);
	return error;
}

/* Shadow tables of virtual tables (pragma table_list, SQLite 3.37+; else none). */
static void read_shadow_tables(sqlite3 *db, gm_strvec *out)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db,
			       "SELECT name FROM pragma_table_list"
			       " WHERE schema = 'main' AND type = 'shadow'",
			       -1, &st, NULL) == SQLITE_OK)
		while (sqlite3_step(st) == SQLITE_ROW)
			gm_strvec_push(out, (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

int gm_sqlite_table_rows(gm_sqlite_table_row **out, size_t *nr, sqlite3 *db,
			 const char *version_table)
{
	sqlite3_stmt *st = NULL;
	gm_strvec shadow = GM_STRVEC_INIT;
	size_t alloc = 0;
	int rc, error = 0;

	*out = NULL;
	*nr = 0;
	read_shadow_tables(db, &shadow);
	if (sqlite3_prepare_v2(db,
			       "SELECT name, sql FROM sqlite_schema WHERE type = 'table'"
			       " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
			       -1, &st, NULL) != SQLITE_OK) {
		gm_strvec_release(&shadow);
		return gm_error_set(GM_EDB, "cannot inspect database: %s", sqlite3_errmsg(db));
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		const char *sql = (const char *)sqlite3_column_text(st, 1);
		gm_sqlite_table_row *r;

		GM_ALLOC_GROW(*out, *nr + 1, alloc);
		r = &(*out)[(*nr)++];
		r->name = gm_xstrdup(name);
		r->sql = sql ? gm_xstrdup(sql) : NULL;
		if ((version_table && !strcasecmp(name, version_table)) ||
		    gm_strv_contains_ci(shadow.v, shadow.nr, name))
			r->kind = GM_SQLITE_ROW_SKIP;
		else if (sql && gm_sqlite_ddl_is_virtual(sql))
			r->kind = GM_SQLITE_ROW_VIRTUAL;
		else
			r->kind = GM_SQLITE_ROW_TABLE;
	}
	if (rc != SQLITE_DONE)
		error = (sqlite3_errcode(db) & 0xff) == SQLITE_INTERRUPT
				? gm_interrupt_error()
				: gm_error_set(GM_EDB, "cannot inspect database: %s",
					       sqlite3_errmsg(db));
	sqlite3_finalize(st);
	gm_strvec_release(&shadow);
	return error;
}

void gm_sqlite_table_rows_free(gm_sqlite_table_row *rows, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		free(rows[i].name);
		free(rows[i].sql);
	}
	free(rows);
}
