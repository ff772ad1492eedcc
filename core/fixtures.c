/*
 * Fixtures (DESIGN.md §3.4): stream YAML and CSV rows from a directory (of a commit's tree
 * or of the worktree) into a connection, in foreign-key order, in one transaction.
 *
 * Two passes. The scan lists the files, reads each YAML file's events once (structure,
 * table and column names checked, the tables it holds noted) and each CSV file's header;
 * nothing is loaded when a name is wrong. The load then goes table by table in foreign-key
 * order; for each table, every file holding it is streamed again and its rows handed to
 * the dialect's load_rows one at a time. Memory holds one row (and the parser's buffer),
 * whatever the number of rows.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "git-migrate/fixtures.h"
#include "git-migrate/vec.h"
#include "fixtures_int.h"
#include "yaml.h"
#include "dialect/diagnose.h"
#include "util/bounded.h"
#include "util/suggest.h"
#include "util/banned.h"
#include "schema_int.h"
#include "db_int.h"

#define PROGRESS_EVERY 1000

enum kind { KIND_YAML, KIND_CSV, KIND_SQL };

struct source {
	enum kind kind;
	char *name;
	char *path;                 /* relative to the repository root */
	char oid[GM_OID_HEXSZ + 1]; /* blob id (git only) */
	const gm_table **tables;    /* tables it holds (CSV: one) */
	size_t tables_nr, tables_alloc;
	char **csv_columns;         /* CSV: the header */
	size_t csv_columns_nr;
};

/* A name the database does not have, for the error listing them all. */
struct unknown {
	char *name;
	char *path;
	int line, col;
};

struct loader {
	gm_repo *repo;
	gm_conn *conn;
	const gm_schema *schema;
	const gm_fixtures_opts *opts;
	gm_fixtures_report *out;
	char commit[GM_OID_HEXSZ + 1]; /* "" = the worktree */
	char *dir;                  /* cleaned, relative to the root */
	struct source *src;
	size_t src_nr, src_alloc;
	struct unknown *unknown;
	size_t unknown_nr, unknown_alloc;
	int (*load_rows)(gm_conn *, const gm_table *, const char *const *, size_t,
			 gm_row_next_fn, void *);
	size_t rows_done;
};

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
static int unknown_column(const gm_table *t, const char *name, const char *path, int line,
			  int col)
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

static void add_unknown(struct loader *L, const char *name, const char *path, int line,
			int col)
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

static void add_table(struct source *src, const gm_table *t)
{
	size_t i;
	for (i = 0; i < src->tables_nr; i++)
		if (src->tables[i] == t)
			return;
	GM_PUSH(src->tables, src->tables_nr, src->tables_alloc, t);
}

/* ---- input: a worktree file or a git blob, read in pieces ---- */

struct input {
	int fd;
	gm_blob_reader *blob;
	const char *path;
};

static int input_open(struct input *in, struct loader *L, const struct source *src)
{
	gm_buf full = GM_BUF_INIT;
	struct stat st;
	char *real = NULL;
	int error = 0;

	in->fd = -1;
	in->blob = NULL;
	in->path = src->path;
	if (*L->commit)
		return gm_repo_blob_open(&in->blob, L->repo, src->oid, src->path);
	/* The worktree follows the rules of git objects: a symlink may not lead outside
	 * the repository, and only a regular file is read (a FIFO or a device never is). */
	gm_buf_printf(&full, "%s/%s", gm_repo_workdir(L->repo), src->path);
	if ((error = gm_path_confine(&real, gm_repo_workdir(L->repo), full.ptr, src->path)) < 0)
		goto done;
	if ((in->fd = open(real, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0) {
		error = gm_error_set(GM_ERROR, "cannot read '%s': %s", src->path,
				     strerror(errno));
		goto done;
	}
	if (fstat(in->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		error = gm_error_set(GM_EINVALID, "'%s' is not a regular file", src->path);
		close(in->fd);
		in->fd = -1;
	}
done:
	free(real);
	gm_buf_release(&full);
	return error;
}

static int input_read(void *payload, char *buf, size_t size, size_t *got)
{
	struct input *in = payload;
	ssize_t n;

	*got = 0;
	if (in->blob)
		return gm_repo_blob_read(in->blob, buf, size, got);
	while ((n = read(in->fd, buf, size)) < 0)
		if (errno != EINTR && errno != EAGAIN)
			return gm_error_set(GM_ERROR, "cannot read '%s': %s", in->path,
					    strerror(errno));
	*got = (size_t)n;
	return 0;
}

static void input_close(struct input *in)
{
	if (in->fd >= 0)
		close(in->fd);
	in->fd = -1;
	gm_repo_blob_close(in->blob);
	in->blob = NULL;
}

/* ---- listing ---- */

static void add_source(struct loader *L, const char *name, const char *oid)
{
	struct source s = { 0 };
	gm_buf path = GM_BUF_INIT;

	if (has_suffix(name, ".yml") || has_suffix(name, ".yaml"))
		s.kind = KIND_YAML;
	else if (has_suffix(name, ".csv"))
		s.kind = KIND_CSV;
	else if (has_suffix(name, ".sql"))
		s.kind = KIND_SQL;
	else
		return;
	s.name = gm_xstrdup(name);
	if (*L->dir)
		gm_buf_printf(&path, "%s/%s", L->dir, name);
	else
		gm_buf_puts(&path, name);
	s.path = gm_buf_detach(&path);
	if (oid)
		memcpy(s.oid, oid, sizeof(s.oid));
	GM_PUSH(L->src, L->src_nr, L->src_alloc, s);
}

static int cmp_source(const void *a, const void *b)
{
	return strcmp(((const struct source *)a)->name, ((const struct source *)b)->name);
}

static int list_sources(struct loader *L, bool *exists)
{
	gm_files files = GM_FILES_INIT;
	gm_buf full = GM_BUF_INIT;
	struct dirent *de;
	DIR *dh;
	size_t i;
	int error = 0;

	*exists = false;
	if (*L->commit) {
		if ((error = gm_repo_list_tree_dir(&files, L->repo, L->commit, L->dir)) < 0)
			return error;
		*exists = files.exists;
		memcpy(L->out->tree_oid, files.tree_oid, sizeof(files.tree_oid));
		for (i = 0; i < files.nr; i++)
			if (files.v[i].name[0] != '.') /* as in the worktree */
				add_source(L, files.v[i].name, files.v[i].oid);
		gm_files_release(&files);
		return 0;
	}
	gm_buf_puts(&full, gm_repo_workdir(L->repo));
	if (*L->dir)
		gm_buf_printf(&full, "/%s", L->dir);
	if (*L->dir) { /* a symlinked fixtures directory must stay inside too */
		char *real = NULL;
		error = gm_path_confine(&real, gm_repo_workdir(L->repo), full.ptr, L->dir);
		free(real);
		if (error == GM_ENOTFOUND) {
			gm_error_clear();
			error = 0;
		}
		if (error < 0) {
			gm_buf_release(&full);
			return error;
		}
	}
	if (!(dh = opendir(full.ptr))) {
		if (errno != ENOENT && errno != ENOTDIR)
			error = gm_error_set(GM_ERROR, "cannot read '%s': %s",
					     *L->dir ? L->dir : ".", strerror(errno));
		gm_buf_release(&full);
		return error;
	}
	*exists = true;
	while ((de = readdir(dh))) {
		if (de->d_name[0] == '.')
			continue;
		/* FIFOs and devices are listed so that reading them is refused by name */
		if (de->d_type == DT_DIR)
			continue;
		add_source(L, de->d_name, NULL);
	}
	closedir(dh);
	gm_buf_release(&full);
	if (L->src_nr > 1)
		qsort(L->src, L->src_nr, sizeof(*L->src), cmp_source);
	return 0;
}

/* ---- YAML ---- */

/* Skip the value whose first event is *ev (a scalar, or a whole list or mapping). */
static int skip_value(gm_yaml_stream *ys, const gm_yaml_event *first)
{
	gm_yaml_event ev;
	int depth, error;

	if (first->type != GM_YAML_EV_SEQ_START && first->type != GM_YAML_EV_MAP_START)
		return 0;
	for (depth = 1; depth > 0;) {
		if ((error = gm_yaml_stream_next(ys, &ev)) < 0)
			return error;
		if (ev.type == GM_YAML_EV_SEQ_START || ev.type == GM_YAML_EV_MAP_START)
			depth++;
		else if (ev.type == GM_YAML_EV_SEQ_END || ev.type == GM_YAML_EV_MAP_END)
			depth--;
		else if (ev.type == GM_YAML_EV_END)
			break;
	}
	return 0;
}

static void json_string(gm_buf *out, const char *s, size_t len)
{
	size_t i;
	gm_buf_putc(out, '"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			gm_buf_printf(out, "\\%c", c);
		else if (c == '\n')
			gm_buf_puts(out, "\\n");
		else if (c == '\t')
			gm_buf_puts(out, "\\t");
		else if (c == '\r')
			gm_buf_puts(out, "\\r");
		else if (c < 0x20)
			gm_buf_printf(out, "\\u%04x", c);
		else
			gm_buf_putc(out, (char)c);
	}
	gm_buf_putc(out, '"');
}

static bool json_number(const char *s)
{
	char *end;
	if (!*s || strchr(s, '_') || (s[0] == '0' && s[1] && s[1] != '.'))
		return false;
	(void)strtod(s, &end);
	return !*end && strspn(s, "+-0123456789.eE") == strlen(s);
}

static void json_scalar(gm_buf *out, const gm_yaml_event *ev)
{
	if (gm_yaml_event_is_null(ev))
		gm_buf_puts(out, "null");
	else if (ev->plain && (!strcmp(ev->value, "true") || !strcmp(ev->value, "false")))
		gm_buf_puts(out, ev->value);
	else if (ev->plain && json_number(ev->value))
		gm_buf_puts(out, ev->value);
	else
		json_string(out, ev->value, ev->len);
}

/* A list or mapping value as JSON text (for json/jsonb columns). */
static int json_value(gm_buf *out, gm_yaml_stream *ys, const gm_yaml_event *first,
		      const char *path)
{
	gm_yaml_event ev;
	int error;
	bool map = first->type == GM_YAML_EV_MAP_START, key = true;
	size_t n = 0;

	gm_buf_putc(out, map ? '{' : '[');
	for (;;) {
		if ((error = gm_yaml_stream_next(ys, &ev)) < 0)
			return error;
		if (ev.type == GM_YAML_EV_SEQ_END || ev.type == GM_YAML_EV_MAP_END ||
		    ev.type == GM_YAML_EV_END)
			break;
		if (!map || key)
			gm_buf_puts(out, n++ ? "," : "");
		if (map && key) {
			if (ev.type != GM_YAML_EV_SCALAR)
				return gm_error_set_at(GM_EINVALID, path, ev.line, ev.col,
						       "a mapping key must be a scalar");
			json_string(out, ev.value, ev.len);
			gm_buf_putc(out, ':');
			key = false;
			continue;
		}
		key = true;
		if (ev.type == GM_YAML_EV_SCALAR)
			json_scalar(out, &ev);
		else if ((error = json_value(out, ys, &ev, path)) < 0)
			return error;
	}
	gm_buf_putc(out, map ? '}' : ']');
	return 0;
}

/* One row of a YAML table section: column names and values (NULL = SQL NULL). */
struct yrow {
	char **cols;
	char **vals;
	size_t nr, alloc, vals_alloc;
	int line;
};

static void yrow_clear(struct yrow *r)
{
	size_t i;
	for (i = 0; i < r->nr; i++) {
		free(r->cols[i]);
		free(r->vals[i]);
	}
	r->nr = 0;
}

static void yrow_release(struct yrow *r)
{
	yrow_clear(r);
	free(r->cols);
	free(r->vals);
	memset(r, 0, sizeof(*r));
}

/* Read a row (the mapping whose MAP_START was just read) into *r, checking names against t. */
static int read_row(struct yrow *r, gm_yaml_stream *ys, const gm_table *t, const char *path,
		    const gm_yaml_event *start)
{
	gm_yaml_event ev;
	gm_buf json = GM_BUF_INIT;
	size_t i;
	int error = 0;

	yrow_clear(r);
	r->line = start->line;
	for (;;) {
		char *col, *val = NULL;
		int kline, kcol;

		if ((error = gm_yaml_stream_next(ys, &ev)) < 0)
			goto done;
		if (ev.type == GM_YAML_EV_MAP_END || ev.type == GM_YAML_EV_END)
			break;
		if (ev.type != GM_YAML_EV_SCALAR) {
			error = gm_error_set_at(GM_EINVALID, path, ev.line, ev.col,
						"a column name must be a scalar");
			goto done;
		}
		kline = ev.line;
		kcol = ev.col;
		if (!gm_table_column(t, ev.value)) {
			error = unknown_column(t, ev.value, path, ev.line, ev.col);
			goto done;
		}
		for (i = 0; i < r->nr; i++) {
			if (!strcmp(r->cols[i], ev.value)) {
				error = gm_error_set_at(GM_EINVALID, path, kline, kcol,
							"column '%s' appears twice in a row of "
							"'%s'", ev.value, t->name);
				goto done;
			}
		}
		col = gm_xstrdup(ev.value);
		if ((error = gm_yaml_stream_next(ys, &ev)) < 0) {
			free(col);
			goto done;
		}
		if (ev.type == GM_YAML_EV_SCALAR) {
			if (!gm_yaml_event_is_null(&ev))
				val = gm_xstrndup(ev.value, ev.len);
		} else if (ev.type == GM_YAML_EV_SEQ_START || ev.type == GM_YAML_EV_MAP_START) {
			gm_buf_clear(&json);
			if ((error = json_value(&json, ys, &ev, path)) < 0) {
				free(col);
				goto done;
			}
			val = gm_xstrdup(json.ptr);
		} else {
			error = gm_error_set_at(GM_EINVALID, path, ev.line, ev.col,
						"column '%s': missing value", col);
			free(col);
			goto done;
		}
		GM_ALLOC_GROW(r->cols, r->nr + 1, r->alloc);
		GM_ALLOC_GROW(r->vals, r->nr + 1, r->vals_alloc);
		r->cols[r->nr] = col;
		r->vals[r->nr++] = val;
	}
done:
	gm_buf_release(&json);
	return error;
}

/* The first event of a table section's value: a list of rows, or nothing (null). */
static int section_start(gm_yaml_stream *ys, gm_yaml_event *ev, const char *table,
			 const char *path, bool *rows)
{
	int error;
	if ((error = gm_yaml_stream_next(ys, ev)) < 0)
		return error;
	*rows = ev->type == GM_YAML_EV_SEQ_START;
	if (*rows || gm_yaml_event_is_null(ev))
		return 0;
	return gm_error_set_at(GM_EINVALID, path, ev->line, ev->col,
			       "table '%s': expected a list of rows (- column: value)", table);
}

/* The next row event of a section: MAP_START (a row) or SEQ_END. */
static int next_row_event(gm_yaml_stream *ys, gm_yaml_event *ev, const char *table,
			  const char *path)
{
	int error;
	if ((error = gm_yaml_stream_next(ys, ev)) < 0)
		return error;
	if (ev->type == GM_YAML_EV_MAP_START || ev->type == GM_YAML_EV_SEQ_END)
		return 0;
	return gm_error_set_at(GM_EINVALID, path, ev->line, ev->col,
			       "a row of '%s' must be a mapping of column: value, not %s", table,
			       ev->type == GM_YAML_EV_SEQ_START ? "a list" : "a scalar");
}

/* The top-level mapping's opening: false in *any for an empty file. */
static int yaml_open_top(gm_yaml_stream *ys, const char *path, bool *any)
{
	gm_yaml_event ev;
	int error;

	*any = false;
	if ((error = gm_yaml_stream_next(ys, &ev)) < 0)
		return error;
	if (ev.type == GM_YAML_EV_END || gm_yaml_event_is_null(&ev))
		return 0;
	if (ev.type != GM_YAML_EV_MAP_START)
		return gm_error_set_at(GM_EINVALID, path, ev.line, ev.col,
				       "a fixtures file is a mapping of table names to lists of "
				       "rows");
	*any = true;
	return 0;
}

static int scan_yaml(struct loader *L, struct source *src)
{
	struct input in;
	gm_yaml_stream *ys = NULL;
	struct yrow row = { 0 };
	gm_yaml_event ev;
	bool any, rows;
	int error;

	if ((error = input_open(&in, L, src)) < 0)
		return error;
	if ((error = gm_yaml_stream_open(&ys, src->path, input_read, &in)) < 0 ||
	    (error = yaml_open_top(ys, src->path, &any)) < 0 || !any)
		goto done;
	for (;;) {
		const gm_table *t;
		if ((error = gm_yaml_stream_next(ys, &ev)) < 0)
			goto done;
		if (ev.type == GM_YAML_EV_MAP_END || ev.type == GM_YAML_EV_END)
			break;
		if (ev.type != GM_YAML_EV_SCALAR) {
			error = gm_error_set_at(GM_EINVALID, src->path, ev.line, ev.col,
						"a table name must be a scalar");
			goto done;
		}
		if (!(t = gm_schema_table(L->schema, ev.value))) {
			add_unknown(L, ev.value, src->path, ev.line, ev.col);
			if ((error = gm_yaml_stream_next(ys, &ev)) < 0 ||
			    (error = skip_value(ys, &ev)) < 0)
				goto done;
			continue;
		}
		add_table(src, t);
		if ((error = section_start(ys, &ev, t->name, src->path, &rows)) < 0)
			goto done;
		while (rows) {
			if ((error = next_row_event(ys, &ev, t->name, src->path)) < 0)
				goto done;
			if (ev.type == GM_YAML_EV_SEQ_END)
				break;
			if ((error = read_row(&row, ys, t, src->path, &ev)) < 0)
				goto done;
		}
	}
done:
	yrow_release(&row);
	gm_yaml_stream_free(ys);
	input_close(&in);
	return error;
}

/* ---- CSV ---- */

static void table_from_file_name(gm_buf *out, const char *name)
{
	gm_buf_put(out, name, strlen(name) - 4);
}

static int scan_csv(struct loader *L, struct source *src)
{
	struct input in;
	gm_csv *csv = NULL;
	gm_csv_record rec;
	gm_buf name = GM_BUF_INIT;
	const gm_table *t;
	size_t i, k;
	int error;

	table_from_file_name(&name, src->name);
	if (!(t = gm_schema_table(L->schema, name.ptr))) {
		add_unknown(L, name.ptr, src->path, 0, 0);
		gm_buf_release(&name);
		return 0;
	}
	gm_buf_release(&name);
	add_table(src, t);
	if ((error = input_open(&in, L, src)) < 0)
		return error;
	gm_csv_open(&csv, src->path, input_read, &in);
	if ((error = gm_csv_next(csv, &rec)) < 0) {
		if (error == GM_ITEROVER)
			error = 0; /* an empty file: no rows */
		goto done;
	}
	for (i = 0; i < rec.nr; i++) {
		const char *c = rec.fields[i];
		if (!c || !*c) {
			error = gm_error_set_at(GM_EINVALID, src->path, rec.line, rec.cols[i],
						"empty column name in the header");
			goto done;
		}
		if (!gm_table_column(t, c)) {
			error = unknown_column(t, c, src->path, rec.line, rec.cols[i]);
			goto done;
		}
		for (k = 0; k < i; k++) {
			if (!strcmp(rec.fields[k], c)) {
				error = gm_error_set_at(GM_EINVALID, src->path, rec.line,
							rec.cols[i],
							"column '%s' appears twice in the header",
							c);
				goto done;
			}
		}
	}
	src->csv_columns = gm_xcalloc(rec.nr ? rec.nr : 1, sizeof(char *));
	for (i = 0; i < rec.nr; i++)
		src->csv_columns[i] = gm_xstrdup(rec.fields[i]);
	src->csv_columns_nr = rec.nr;
done:
	gm_csv_free(csv);
	input_close(&in);
	return error;
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
			error = scan_yaml(L, src);
		else if (src->kind == KIND_CSV)
			error = scan_csv(L, src);
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

static void count_row(struct loader *L, const gm_table *t)
{
	gm_fixtures_report *r = L->out;
	if (!r->nr || strcmp(r->v[r->nr - 1].table, t->name)) {
		gm_fixture_count c = { gm_xstrdup(t->name), 0 };
		GM_PUSH(r->v, r->nr, r->alloc, c);
	}
	r->v[r->nr - 1].rows++;
	r->rows++;
	L->rows_done++;
	if (L->opts->progress && L->rows_done % PROGRESS_EVERY == 0)
		L->opts->progress("loading fixtures", L->rows_done, 0, L->opts->payload);
}

static int interrupted(void)
{
	if (gm_signal_received())
		return gm_error_set(GM_EINTERRUPTED, "interrupted");
	return 0;
}

/* Make sure the report lists t even when it gets no rows (a file with zero rows). */
static void count_table(struct loader *L, const gm_table *t)
{
	gm_fixtures_report *r = L->out;
	if (!r->nr || strcmp(r->v[r->nr - 1].table, t->name)) {
		gm_fixture_count c = { gm_xstrdup(t->name), 0 };
		GM_PUSH(r->v, r->nr, r->alloc, c);
	}
}

/* YAML rows of one table section, handed out in runs of rows with the same columns. */
struct yaml_iter {
	struct loader *L;
	gm_yaml_stream *ys;
	const gm_table *t;
	const char *path;
	struct yrow pending;        /* read, not yet handed out */
	bool has_pending;
	bool section_done;
	char **seg;                 /* the run's columns */
	size_t seg_nr;
	const char **vals;          /* the handed-out row's values, in seg order */
	struct yrow cur;
};

static bool same_columns(const struct yrow *r, char **seg, size_t n)
{
	size_t i, k;
	if (r->nr != n)
		return false;
	for (i = 0; i < n; i++) {
		for (k = 0; k < n && strcmp(seg[i], r->cols[k]); k++)
			;
		if (k == n)
			return false;
	}
	return true;
}

static void hand_out(struct yaml_iter *it, gm_row *row)
{
	size_t i, k;
	struct yrow tmp = it->cur;

	it->cur = it->pending;
	it->pending = tmp;
	it->has_pending = false;
	for (i = 0; i < it->seg_nr; i++) {
		it->vals[i] = NULL;
		for (k = 0; k < it->cur.nr; k++)
			if (!strcmp(it->seg[i], it->cur.cols[k]))
				it->vals[i] = it->cur.vals[k];
	}
	row->values = it->vals;
	row->path = it->path;
	row->line = it->cur.line;
	count_row(it->L, it->t);
}

static int yaml_next(gm_row *row, void *payload)
{
	struct yaml_iter *it = payload;
	gm_yaml_event ev;
	int error;

	if ((error = interrupted()) < 0)
		return error;
	if (it->has_pending) {
		if (!same_columns(&it->pending, it->seg, it->seg_nr))
			return GM_ITEROVER;
		hand_out(it, row);
		return 0;
	}
	if (it->section_done)
		return GM_ITEROVER;
	if ((error = next_row_event(it->ys, &ev, it->t->name, it->path)) < 0)
		return error;
	if (ev.type == GM_YAML_EV_SEQ_END) {
		it->section_done = true;
		return GM_ITEROVER;
	}
	if ((error = read_row(&it->pending, it->ys, it->t, it->path, &ev)) < 0)
		return error;
	it->has_pending = true;
	if (!same_columns(&it->pending, it->seg, it->seg_nr))
		return GM_ITEROVER;
	hand_out(it, row);
	return 0;
}

static void set_segment(struct yaml_iter *it)
{
	size_t i;
	for (i = 0; i < it->seg_nr; i++)
		free(it->seg[i]);
	free(it->seg);
	free(it->vals);
	it->seg_nr = it->pending.nr;
	it->seg = gm_xcalloc(it->seg_nr ? it->seg_nr : 1, sizeof(*it->seg));
	it->vals = gm_xcalloc(it->seg_nr ? it->seg_nr : 1, sizeof(*it->vals));
	for (i = 0; i < it->seg_nr; i++)
		it->seg[i] = gm_xstrdup(it->pending.cols[i]);
}

/* Load the section of table t of a YAML file (every section, should the key repeat). */
static int load_yaml(struct loader *L, struct source *src, const gm_table *t)
{
	struct input in;
	struct yaml_iter it = { 0 };
	gm_yaml_event ev;
	bool any, rows;
	int error;

	if ((error = input_open(&in, L, src)) < 0)
		return error;
	it.L = L;
	it.t = t;
	it.path = src->path;
	if ((error = gm_yaml_stream_open(&it.ys, src->path, input_read, &in)) < 0 ||
	    (error = yaml_open_top(it.ys, src->path, &any)) < 0 || !any)
		goto done;
	for (;;) {
		if ((error = gm_yaml_stream_next(it.ys, &ev)) < 0)
			goto done;
		if (ev.type == GM_YAML_EV_MAP_END || ev.type == GM_YAML_EV_END)
			break;
		if (ev.type != GM_YAML_EV_SCALAR || strcmp(ev.value, t->name)) {
			if ((error = gm_yaml_stream_next(it.ys, &ev)) < 0 ||
			    (error = skip_value(it.ys, &ev)) < 0)
				goto done;
			continue;
		}
		count_table(L, t);
		if ((error = section_start(it.ys, &ev, t->name, src->path, &rows)) < 0)
			goto done;
		if (!rows)
			continue;
		it.section_done = false;
		it.has_pending = false;
		/* Runs of rows with the same columns: one load_rows call each. */
		for (;;) {
			if (!it.has_pending) {
				if ((error = next_row_event(it.ys, &ev, t->name, src->path)) < 0)
					goto done;
				if (ev.type == GM_YAML_EV_SEQ_END)
					break;
				if ((error = read_row(&it.pending, it.ys, t, src->path, &ev)) < 0)
					goto done;
				it.has_pending = true;
			}
			set_segment(&it);
			if ((error = L->load_rows(L->conn, t, (const char *const *)it.seg,
						  it.seg_nr, yaml_next, &it)) < 0)
				goto done;
			if (it.section_done)
				break;
		}
	}
done:
	for (size_t i = 0; i < it.seg_nr; i++)
		free(it.seg[i]);
	free(it.seg);
	free(it.vals);
	yrow_release(&it.pending);
	yrow_release(&it.cur);
	gm_yaml_stream_free(it.ys);
	input_close(&in);
	return error;
}

struct csv_iter {
	struct loader *L;
	gm_csv *csv;
	const gm_table *t;
	const struct source *src;
};

static int csv_next(gm_row *row, void *payload)
{
	struct csv_iter *it = payload;
	gm_csv_record rec;
	int error;

	if ((error = interrupted()) < 0)
		return error;
	if ((error = gm_csv_next(it->csv, &rec)) < 0)
		return error;
	if (rec.nr != it->src->csv_columns_nr)
		return gm_error_set_at(GM_EINVALID, it->src->path, rec.line, 0,
				       "expected %zu field%s (as in the header), found %zu",
				       it->src->csv_columns_nr,
				       it->src->csv_columns_nr == 1 ? "" : "s", rec.nr);
	row->values = rec.fields;
	row->path = it->src->path;
	row->line = rec.line;
	count_row(it->L, it->t);
	return 0;
}

static int load_csv(struct loader *L, struct source *src, const gm_table *t)
{
	struct input in;
	struct csv_iter it = { L, NULL, t, src };
	gm_csv_record rec;
	int error;

	count_table(L, t);
	if (!src->csv_columns_nr)
		return 0; /* an empty file */
	if ((error = input_open(&in, L, src)) < 0)
		return error;
	gm_csv_open(&it.csv, src->path, input_read, &in);
	if ((error = gm_csv_next(it.csv, &rec)) == 0) /* the header */
		error = L->load_rows(L->conn, t, (const char *const *)src->csv_columns,
				     src->csv_columns_nr, csv_next, &it);
	else if (error == GM_ITEROVER)
		error = 0;
	gm_csv_free(it.csv);
	input_close(&in);
	return error;
}

static int run_sql(struct loader *L, struct source *src)
{
	struct input in;
	gm_buf sql = GM_BUF_INIT;
	char chunk[65536];
	size_t got;
	int error;

	if ((error = input_open(&in, L, src)) < 0)
		return error;
	do {
		if ((error = input_read(&in, chunk, sizeof(chunk), &got)) < 0)
			goto done;
		gm_buf_put(&sql, chunk, got);
	} while (got);
	if (memchr(sql.ptr, '\0', sql.len)) {
		error = gm_error_set_at(GM_EINVALID, src->path, 0, 0, "binary content (NUL byte)");
		goto done;
	}
	error = L->conn->dialect->exec(L->conn, sql.ptr, src->path, 1);
done:
	gm_buf_release(&sql);
	input_close(&in);
	return error;
}

/* Rows of every table of the schema ((size_t)-1 where they cannot be counted). */
static size_t *count_all(struct loader *L)
{
	size_t *n = gm_xcalloc(L->schema->tables_nr + 1, sizeof(*n));
	size_t i;

	for (i = 0; i < L->schema->tables_nr; i++)
		if (gm_count_rows(&n[i], L->conn, L->schema->tables[i]->name, NULL) < 0) {
			gm_error_clear();
			n[i] = (size_t)-1;
		}
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
		if ((error = interrupted()) < 0 || (error = run_sql(L, &L->src[k])) < 0)
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
				error = load_yaml(L, src, order[i]);
			else
				error = load_csv(L, src, order[i]);
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
static char *clean_dir(const char *dir)
{
	size_t n;
	while (dir[0] == '.' && dir[1] == '/')
		dir += 2;
	while (*dir == '/')
		dir++;
	if (!strcmp(dir, "."))
		dir = "";
	n = strlen(dir);
	while (n > 0 && dir[n - 1] == '/')
		n--;
	return gm_xstrndup(dir, n);
}

int gm_fixtures_load(gm_fixtures_report *out, gm_repo *repo, gm_conn *conn,
		     const gm_schema *schema, const gm_fixtures_opts *opts)
{
	struct loader L;
	const gm_dialect *d;
	bool exists = false, open_tx = false;
	size_t i;
	int error = 0;

	GM_ASSERT_ARG(out && repo && conn && schema && opts && opts->dir);
	memset(out, 0, sizeof(*out));
	memset(&L, 0, sizeof(L));
	d = conn->dialect;
	L.repo = repo;
	L.conn = conn;
	L.schema = schema;
	L.opts = opts;
	L.out = out;
	L.dir = clean_dir(opts->dir);
	if (!(L.load_rows = d->load_rows)) {
		error = gm_error_set(GM_ERROR, "the %s dialect cannot load fixtures", d->name);
		goto done;
	}
	if (opts->commit &&
	    (error = gm_repo_resolve(L.commit, NULL, repo, opts->commit)) < 0)
		goto done;
	if ((error = list_sources(&L, &exists)) < 0)
		goto done;
	out->exists = exists;
	if (!L.src_nr)
		goto done;
	if ((error = scan(&L)) < 0)
		goto done;
	for (i = 0; i < L.src_nr; i++)
		if (L.src[i].kind != KIND_SQL)
			out->files++;

	if ((error = d->begin(conn)) < 0)
		goto done;
	open_tx = true;
	if ((error = load_all(&L)) < 0)
		goto done;
	open_tx = false;
	if ((error = d->commit(conn)) < 0) {
		gm_error_prefix("loading fixtures from '%s'", *L.dir ? L.dir : ".");
		goto done;
	}
	if (opts->progress)
		opts->progress("loading fixtures", L.rows_done, L.rows_done, opts->payload);

done:
	if (open_tx)
		d->rollback(conn);
	for (i = 0; i < L.src_nr; i++) {
		struct source *s = &L.src[i];
		for (size_t k = 0; k < s->csv_columns_nr; k++)
			free(s->csv_columns[k]);
		free(s->csv_columns);
		free(s->tables);
		free(s->name);
		free(s->path);
	}
	free(L.src);
	for (i = 0; i < L.unknown_nr; i++) {
		free(L.unknown[i].name);
		free(L.unknown[i].path);
	}
	free(L.unknown);
	free(L.dir);
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
