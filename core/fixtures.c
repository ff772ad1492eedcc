/*
 * Fixtures (DESIGN.md §3.4): stream YAML and CSV rows from a directory (of a commit's tree
 * or of the worktree) into a connection, in foreign-key order, in one transaction.
 *
 * The files are listed and streamed through the tree of the commit or of the worktree
 * (core/repo_int.h), by its rules on dotfiles and symlinks. YAML is read in
 * fixtures_yaml.c, CSV in fixtures_csv.c.
 *
 * Two passes. The scan lists the files, reads each YAML file's events once (structure,
 * table and column names checked, the tables it holds noted) and names each CSV file's
 * table from its file name; every table that does not exist is named before anything is
 * loaded. The load then goes table by table in foreign-key order; for each table, every
 * file holding it is streamed (again, for YAML; a CSV file's header is checked then) and
 * its rows handed to the dialect's load_rows one at a time. Memory holds one row (and the
 * parser's buffer), whatever the number of rows. Any error rolls the one transaction
 * back: nothing is loaded.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "git-migrate/fixtures.h"
#include "git-migrate/vec.h"
#include "error_int.h"
#include "fixtures_int.h"
#include "interrupt.h"
#include "dialect/diagnose.h"
#include "dialect/load.h"
#include "util/bounded.h"
#include "util/suggest.h"
#include "schema_int.h"
#include "db_int.h"
#include "util/banned.h"

#define PROGRESS_EVERY 1000

/* ---- small helpers ---- */

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n > k && !strcmp(s + n - k, suffix);
}

static void hint_table(const gm_schema *s, const char *name)
{
	gm_suggest c = GM_SUGGEST_INIT(name);
	size_t i;
	for (i = 0; i < s->tables_nr; i++)
		gm_suggest_consider(&c, s->tables[i]->name);
	if (c.best)
		gm_error_hint("did you mean '%s'?", c.best);
}

/* "table 'deals' has no column 'x'" at path:line:col, with a hint. */
int gm_fx_unknown_column(const gm_table *t, const char *name, const char *path, int line, int col)
{
	gm_suggest c = GM_SUGGEST_INIT(name);
	size_t i;

	gm_error_set_at(GM_EINVALID, path, line, col, "table '%s' has no column '%s'", t->name,
			name);
	for (i = 0; i < t->columns_nr; i++)
		gm_suggest_consider(&c, t->columns[i]->name);
	if (c.best)
		gm_error_hint("did you mean '%s'?", c.best);
	return GM_EINVALID;
}

void gm_fx_add_unknown(struct loader *L, const char *name, const char *path, int line, int col)
{
	struct unknown u;
	size_t i;
	for (i = 0; i < L->unknown_nr; i++)
		if (!strcmp(L->unknown[i].name, name))
			return;
	u.name = gm_xstrdup(name);
	u.path = gm_xstrdup(path);
	u.line = line;
	u.col = col;
	GM_PUSH(L->unknown, L->unknown_nr, L->unknown_alloc, u);
}

void gm_fx_add_table(struct source *src, const gm_table *t)
{
	size_t i;
	for (i = 0; i < src->tables_nr; i++)
		if (src->tables[i] == t)
			return;
	GM_PUSH(src->tables, src->tables_nr, src->tables_alloc, t);
}

/* ---- listing ---- */

static enum gm_fx_kind kind_of(const char *name)
{
	if (has_suffix(name, ".yml") || has_suffix(name, ".yaml"))
		return KIND_YAML;
	if (has_suffix(name, ".csv"))
		return KIND_CSV;
	return has_suffix(name, ".sql") ? KIND_SQL : (enum gm_fx_kind) - 1;
}

/* The data and SQL files of the directory, in name order (other files are ignored). */
static int list_sources(struct loader *L)
{
	gm_files files = GM_FILES_INIT;
	size_t i;
	int error;

	if ((error = gm_tree_list(&files, L->tree, L->dir)) < 0)
		return error;
	L->out->exists = files.exists;
	memcpy(L->out->tree_oid, files.tree_oid, sizeof(files.tree_oid));
	for (i = 0; i < files.nr; i++) {
		struct source s = { 0 };
		if ((int)(s.kind = kind_of(files.v[i].name)) < 0)
			continue;
		s.file = files.v[i];
		memset(&files.v[i], 0, sizeof(files.v[i]));
		GM_PUSH(L->src, L->src_nr, L->src_alloc, s);
	}
	gm_files_release(&files);
	return 0;
}

/* ---- the scan: names checked, tables noted ---- */

static int unknown_tables_error(struct loader *L)
{
	const struct unknown *u = &L->unknown[0];
	gm_buf list = GM_BUF_INIT;
	size_t i;

	if (L->unknown_nr == 1) {
		gm_error_set_at(GM_EINVALID, u->path, u->line, u->col,
				"table '%s' does not exist in the database", u->name);
	} else {
		for (i = 0; i < L->unknown_nr; i++) {
			gm_buf_printf(&list, "%s'%s' (%s", i ? ", " : "", L->unknown[i].name,
				      L->unknown[i].path);
			if (L->unknown[i].line)
				gm_buf_printf(&list, ":%d", L->unknown[i].line);
			gm_buf_putc(&list, ')');
		}
		gm_error_set_at(GM_EINVALID, u->path, u->line, u->col,
				"%zu tables do not exist in the database: %s", L->unknown_nr,
				list.ptr);
	}
	hint_table(L->schema, u->name);
	gm_buf_release(&list);
	return GM_EINVALID;
}

static int scan(struct loader *L)
{
	size_t i;
	int error;

	for (i = 0; i < L->src_nr; i++) {
		struct source *src = &L->src[i];
		if (src->kind == KIND_YAML)
			error = gm_fx_scan_yaml(L, src);
		else if (src->kind == KIND_CSV)
			error = gm_fx_scan_csv(L, src);
		else
			error = 0;
		if (error < 0)
			return error;
	}
	if (L->unknown_nr)
		return unknown_tables_error(L);
	return 0;
}

/* ---- foreign-key order ---- */

/* Tables with data, parents first (gm_schema_fk_order: ties by name, its cycle rule). */
static void fk_order(const gm_table ***out, size_t *out_nr, struct loader *L)
{
	const gm_table **all = NULL;
	size_t nr = 0, alloc = 0, i, k, j;

	for (i = 0; i < L->src_nr; i++)
		for (k = 0; k < L->src[i].tables_nr; k++) {
			const gm_table *t = L->src[i].tables[k];
			for (j = 0; j < nr && all[j] != t; j++)
				;
			if (j == nr)
				GM_PUSH(all, nr, alloc, t);
		}
	gm_schema_fk_order(out, all, nr, false);
	free(all);
	*out_nr = nr;
}

/* ---- the load ---- */

void gm_fx_count_table(struct loader *L, const gm_table *t)
{
	gm_fixtures_report *r = L->out;
	if (!r->nr || strcmp(r->v[r->nr - 1].table, t->name)) {
		gm_fixture_count c = { gm_xstrdup(t->name), 0 };
		GM_PUSH(r->v, r->nr, r->alloc, c);
	}
}

void gm_fx_count_row(struct loader *L, const gm_table *t)
{
	gm_fixtures_report *r = L->out;

	gm_fx_count_table(L, t);
	r->v[r->nr - 1].rows++;
	r->rows++;
	L->rows_done++;
	if (L->opts->progress && !L->diagnosing && L->rows_done % PROGRESS_EVERY == 0)
		L->opts->progress("loading fixtures", L->rows_done, 0, L->opts->payload);
}

static int run_sql(struct loader *L, struct source *src)
{
	gm_stream *in = NULL;
	gm_buf sql = GM_BUF_INIT;
	int error;

	if ((error = gm_stream_open(&in, L->tree, &src->file)) < 0 ||
	    (error = gm_read_bounded(&sql, gm_stream_read_cb, in, src->file.path, SIZE_MAX,
				     "a fixtures file", false)) < 0)
		goto done;
	if (memchr(sql.ptr, '\0', sql.len)) {
		error = gm_error_set_at(GM_EINVALID, src->file.path, 0, 0,
					"binary content (NUL byte)");
		goto done;
	}
	error = L->conn->dialect->exec(L->conn, sql.ptr, src->file.path, 1);
done:
	gm_buf_release(&sql);
	gm_stream_close(in);
	return error;
}

/* Rows of every table of the schema ((size_t)-1 where they cannot be counted). */
static size_t *count_all(struct loader *L)
{
	size_t *n = gm_xcalloc(L->schema->tables_nr + 1, sizeof(*n));
	char **names = gm_xcalloc(L->schema->tables_nr + 1, sizeof(*names));
	size_t i;

	for (i = 0; i < L->schema->tables_nr; i++)
		names[i] = L->schema->tables[i]->name;
	gm_count_rows_many(n, L->conn, names, L->schema->tables_nr);
	free(names);
	return n;
}

/*
 * The SQL files, after the data files, in name order. The rows they add are counted
 * (the tables' row counts before and after), so the report is honest about them too.
 */
static int load_sql_files(struct loader *L)
{
	size_t *before = NULL, *after = NULL, i, k;
	int error = 0;

	for (k = 0; k < L->src_nr; k++) {
		if (L->src[k].kind != KIND_SQL)
			continue;
		if (!before)
			before = count_all(L);
		if ((error = gm_interrupt_check()) < 0 || (error = run_sql(L, &L->src[k])) < 0)
			goto done;
		L->out->sql_files++;
	}
	if (!before)
		return 0;
	after = count_all(L);
	for (i = 0; i < L->schema->tables_nr; i++) {
		gm_fixtures_report *r = L->out;
		size_t j;

		if (before[i] == (size_t)-1 || after[i] == (size_t)-1 || after[i] <= before[i])
			continue;
		for (j = 0; j < r->nr && strcmp(r->v[j].table, L->schema->tables[i]->name); j++)
			;
		if (j == r->nr) {
			gm_fixture_count c = { gm_xstrdup(L->schema->tables[i]->name), 0 };
			GM_PUSH(r->v, r->nr, r->alloc, c);
		}
		r->v[j].rows += after[i] - before[i];
		r->rows += after[i] - before[i];
	}
done:
	free(before);
	free(after);
	return error;
}

static int load_all(struct loader *L)
{
	const gm_table **order = NULL;
	size_t order_nr = 0, i, k, j;
	int error = 0;

	fk_order(&order, &order_nr, L);
	for (i = 0; i < order_nr; i++) {
		for (k = 0; k < L->src_nr; k++) {
			struct source *src = &L->src[k];
			for (j = 0; j < src->tables_nr && src->tables[j] != order[i]; j++)
				;
			if (j == src->tables_nr)
				continue;
			if (src->kind == KIND_YAML)
				error = gm_fx_load_yaml(L, src, order[i]);
			else
				error = gm_fx_load_csv(L, src, order[i]);
			if (error < 0)
				goto done;
		}
	}
	error = load_sql_files(L);
done:
	free(order);
	return error;
}

/* Normalize a directory argument: no leading "./" or '/', no trailing '/'. */
static void loader_release(struct loader *L)
{
	size_t i, k;

	for (i = 0; i < L->src_nr; i++) {
		struct source *s = &L->src[i];
		for (k = 0; k < s->csv_columns_nr; k++)
			free(s->csv_columns[k]);
		free(s->csv_columns);
		free(s->tables);
		gm_file_release(&s->file);
	}
	free(L->src);
	for (i = 0; i < L->unknown_nr; i++) {
		free(L->unknown[i].name);
		free(L->unknown[i].path);
	}
	free(L->unknown);
	free(L->dir);
	gm_tree_free(L->tree);
}

/* The scanned files' rows, in one transaction (rolled back on failure); *at_commit is set
 * when the commit failed. */
static int load_once(struct loader *L, bool *at_commit)
{
	const gm_dialect *d = L->conn->dialect;
	int error;

	*at_commit = false;
	if ((error = d->begin(L->conn)) < 0)
		return error;
	if ((error = load_all(L)) < 0) {
		d->rollback(L->conn);
		return error;
	}
	if ((error = d->commit(L->conn)) < 0) {
		*at_commit = true;
		gm_error_prefix("loading fixtures from '%s'", *L->dir ? L->dir : ".");
	}
	return error;
}

/* Forget a failed pass's counts (the files read and the directory stay). */
static void reset_counts(struct loader *L)
{
	gm_fixtures_report *r = L->out;
	size_t i;

	for (i = 0; i < r->nr; i++)
		free(r->v[i].table);
	r->nr = 0;
	r->rows = 0;
	r->sql_files = 0;
	L->rows_done = 0;
}

/*
 * Load in one transaction. A load that failed where the dialect can tell more by loading
 * again in the loaders' diagnosing mode (dialect/load.h: on SQLite a broken foreign key,
 * which only the commit's check found, or a row's error that an earlier broken key may
 * precede) is loaded again so: its error is the one reported, naming the first broken
 * row by its file:line. Only the error path pays for the second pass (without progress).
 */
static int load_in_transaction(struct loader *L)
{
	bool at_commit;
	int error = load_once(L, &at_commit);

	if (error >= 0 || !gm_load_rerun(L->conn, error, at_commit))
		return error;
	reset_counts(L);
	L->diagnosing = true;
	gm_load_set_diagnose(true);
	error = load_once(L, &at_commit);
	gm_load_set_diagnose(false);
	return error;
}

int gm_fixtures_load(gm_fixtures_report *out, gm_repo *repo, gm_conn *conn, const gm_schema *schema,
		     const gm_fixtures_opts *opts)
{
	char commit[GM_OID_HEXSZ + 1] = "";
	struct loader L;
	size_t i;
	int error = 0;

	GM_ASSERT_ARG(out && repo && conn && schema && opts && opts->dir);
	memset(out, 0, sizeof(*out));
	memset(&L, 0, sizeof(L));
	L.repo = repo;
	L.conn = conn;
	L.schema = schema;
	L.opts = opts;
	L.out = out;
	L.dir = gm_repo_clean_path(opts->dir);
	if (!(L.load_rows = conn->dialect->load_rows)) {
		error = gm_error_set(GM_ERROR, "the %s dialect cannot load fixtures",
				     conn->dialect->name);
		goto done;
	}
	if ((opts->commit && (error = gm_repo_resolve(commit, NULL, repo, opts->commit)) < 0) ||
	    (error = gm_tree_open(&L.tree, repo, opts->commit ? commit : NULL)) < 0 ||
	    (error = list_sources(&L)) < 0 || !L.src_nr || (error = scan(&L)) < 0)
		goto done;
	for (i = 0; i < L.src_nr; i++)
		if (L.src[i].kind != KIND_SQL)
			out->files++;
	if ((error = load_in_transaction(&L)) < 0)
		goto done;
	if (opts->progress)
		opts->progress("loading fixtures", L.rows_done, L.rows_done, opts->payload);
done:
	loader_release(&L);
	if (error < 0)
		gm_fixtures_report_release(out);
	return error;
}

int gm_fixtures_load_config(gm_fixtures_report *out, gm_repo *repo, const gm_config *cfg,
			    const char *production_oid, gm_conn *conn, const gm_schema *schema,
			    void (*progress)(const char *what, size_t done, size_t total,
					     void *payload),
			    void *payload)
{
	gm_fixtures_opts o = GM_FIXTURES_OPTS_INIT;

	o.dir = cfg->fixtures;
	o.commit = cfg->fixtures_from == GM_FIXTURES_FROM_PRODUCTION ? production_oid : NULL;
	o.progress = progress;
	o.payload = payload;
	return gm_fixtures_load(out, repo, conn, schema, &o);
}

int gm_fixtures_loaddata(gm_fixtures_report *out, gm_repo *repo, const gm_config *cfg,
			 const char *dir, const char *rev,
			 void (*progress)(const char *what, size_t done, size_t total,
					  void *payload),
			 void *payload)
{
	gm_fixtures_opts o = GM_FIXTURES_OPTS_INIT;
	gm_url *url = NULL;
	gm_conn *conn = NULL;
	gm_schema *schema = NULL;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = gm_url_parse(&url, cfg->database, cfg->root)) < 0)
		goto done;
	if (url->path && strcmp(url->path, ":memory:") && access(url->path, F_OK) < 0) {
		error = gm_error_set(GM_ENOTFOUND, "database '%s' does not exist", url->masked);
		gm_error_hint("create its tables first (apply the migrations), then load data");
		goto done;
	}
	if ((error = gm_conn_open(&conn, url)) < 0 ||
	    (error = conn->dialect->inspect(&schema, conn, cfg->version_table)) < 0)
		goto done;
	o.dir = dir ? dir : cfg->fixtures;
	o.commit = rev;
	o.progress = progress;
	o.payload = payload;
	error = gm_fixtures_load(out, repo, conn, schema, &o);
done:
	gm_schema_free(schema);
	gm_conn_free(conn);
	gm_url_free(url);
	return error;
}

size_t gm_fixtures_rows(const gm_fixtures_report *report, const char *table)
{
	size_t i, n = 0;
	if (!report || !table)
		return 0;
	for (i = 0; i < report->nr; i++)
		if (!strcmp(report->v[i].table, table))
			n += report->v[i].rows;
	return n;
}

void gm_fixtures_report_release(gm_fixtures_report *report)
{
	size_t i;
	if (!report)
		return;
	for (i = 0; i < report->nr; i++)
		free(report->v[i].table);
	free(report->v);
	memset(report, 0, sizeof(*report));
}
