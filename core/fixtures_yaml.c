/*
 * YAML fixture files (fixtures_int.h): the scan (structure, table and column names
 * checked, the tables each file holds noted) and the load of one table's sections, a row
 * at a time, in runs of rows with the same columns (one load_rows call each).
 */
#include <stdlib.h>
#include <string.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "git-migrate/vec.h"
#include "error_int.h"
#include "fixtures_int.h"
#include "interrupt.h"
#include "yaml.h"
#include "util/banned.h"

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
static int json_value(gm_buf *out, gm_yaml_stream *ys, const gm_yaml_event *first, const char *path)
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
			error = gm_fx_unknown_column(t, ev.value, path, ev.line, ev.col);
			goto done;
		}
		for (i = 0; i < r->nr; i++) {
			if (!strcmp(r->cols[i], ev.value)) {
				error = gm_error_set_at(GM_EINVALID, path, kline, kcol,
							"column '%s' appears twice in a row of "
							"'%s'",
							ev.value, t->name);
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
static int section_start(gm_yaml_stream *ys, gm_yaml_event *ev, const char *table, const char *path,
			 bool *rows)
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

int gm_fx_scan_yaml(struct loader *L, struct source *src)
{
	gm_stream *in = NULL;
	gm_yaml_stream *ys = NULL;
	struct yrow row = { 0 };
	gm_yaml_event ev;
	bool any, rows;
	int error;

	if ((error = gm_stream_open(&in, L->tree, &src->file)) < 0)
		return error;
	if ((error = gm_yaml_stream_open(&ys, src->file.path, gm_stream_read_cb, in)) < 0 ||
	    (error = yaml_open_top(ys, src->file.path, &any)) < 0 || !any)
		goto done;
	for (;;) {
		const gm_table *t;
		if ((error = gm_yaml_stream_next(ys, &ev)) < 0)
			goto done;
		if (ev.type == GM_YAML_EV_MAP_END || ev.type == GM_YAML_EV_END)
			break;
		if (ev.type != GM_YAML_EV_SCALAR) {
			error = gm_error_set_at(GM_EINVALID, src->file.path, ev.line, ev.col,
						"a table name must be a scalar");
			goto done;
		}
		if (!(t = gm_schema_table(L->schema, ev.value))) {
			gm_fx_add_unknown(L, ev.value, src->file.path, ev.line, ev.col);
			if ((error = gm_yaml_stream_next(ys, &ev)) < 0 ||
			    (error = skip_value(ys, &ev)) < 0)
				goto done;
			continue;
		}
		gm_fx_add_table(src, t);
		if ((error = section_start(ys, &ev, t->name, src->file.path, &rows)) < 0)
			goto done;
		while (rows) {
			if ((error = next_row_event(ys, &ev, t->name, src->file.path)) < 0)
				goto done;
			if (ev.type == GM_YAML_EV_SEQ_END)
				break;
			if ((error = read_row(&row, ys, t, src->file.path, &ev)) < 0)
				goto done;
		}
	}
done:
	yrow_release(&row);
	gm_yaml_stream_free(ys);
	gm_stream_close(in);
	return error;
}

/* YAML rows of one table section, handed out in runs of rows with the same columns. */
struct yaml_iter {
	struct loader *L;
	gm_yaml_stream *ys;
	const gm_table *t;
	const char *path;
	struct yrow pending; /* read, not yet handed out */
	bool has_pending;
	bool section_done;
	char **seg; /* the run's columns */
	size_t seg_nr;
	const char **vals; /* the handed-out row's values, in seg order */
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
	gm_fx_count_row(it->L, it->t);
}

static int yaml_next(gm_row *row, void *payload)
{
	struct yaml_iter *it = payload;
	gm_yaml_event ev;
	int error;

	if ((error = gm_interrupt_check()) < 0)
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
int gm_fx_load_yaml(struct loader *L, struct source *src, const gm_table *t)
{
	gm_stream *in = NULL;
	struct yaml_iter it = { 0 };
	gm_yaml_event ev;
	bool any, rows;
	int error;

	if ((error = gm_stream_open(&in, L->tree, &src->file)) < 0)
		return error;
	it.L = L;
	it.t = t;
	it.path = src->file.path;
	if ((error = gm_yaml_stream_open(&it.ys, src->file.path, gm_stream_read_cb, in)) < 0 ||
	    (error = yaml_open_top(it.ys, src->file.path, &any)) < 0 || !any)
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
		gm_fx_count_table(L, t);
		if ((error = section_start(it.ys, &ev, t->name, src->file.path, &rows)) < 0)
			goto done;
		if (!rows)
			continue;
		it.section_done = false;
		it.has_pending = false;
		/* Runs of rows with the same columns: one load_rows call each. */
		for (;;) {
			if (!it.has_pending) {
				if ((error = next_row_event(it.ys, &ev, t->name, src->file.path)) <
				    0)
					goto done;
				if (ev.type == GM_YAML_EV_SEQ_END)
					break;
				if ((error = read_row(&it.pending, it.ys, t, src->file.path, &ev)) <
				    0)
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
	gm_stream_close(in);
	return error;
}
