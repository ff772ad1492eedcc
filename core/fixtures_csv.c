/*
 * CSV fixture files: a streaming RFC 4180 reader (one record at a time from a read
 * callback), and the scan (header checked) and load of a CSV file (fixtures_int.h).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "git-migrate/vec.h"
#include "error_int.h"
#include "fixtures_int.h"
#include "interrupt.h"
#include "util/banned.h"

#define CSV_EOF (-1)

struct gm_csv {
	char *path;
	gm_read_fn read;
	void *payload;
	char buf[65536];
	size_t pos, len;
	bool eof;
	int line, col; /* position of the next byte */
	bool started;  /* BOM check done */
	gm_buf data;   /* the record's fields, NUL-separated */
	size_t *offs;  /* start of each field in data; SIZE_MAX for NULL */
	int *cols;
	const char **fields;
	size_t nr, alloc, fields_alloc;
};

void gm_csv_open(gm_csv **out, const char *path, gm_read_fn read, void *payload)
{
	gm_csv *c = gm_xcalloc(1, sizeof(*c));
	c->path = gm_xstrdup(path);
	c->read = read;
	c->payload = payload;
	c->line = 1;
	c->col = 1;
	gm_buf_init(&c->data);
	*out = c;
}

void gm_csv_free(gm_csv *c)
{
	if (!c)
		return;
	gm_buf_release(&c->data);
	free(c->offs);
	free(c->cols);
	free(c->fields);
	free(c->path);
	free(c);
}

/* Make sure a byte is buffered; 0, or < 0 (read error: set by the callback). */
static int fill(gm_csv *c)
{
	int error;
	if (c->pos < c->len || c->eof)
		return 0;
	c->pos = 0;
	c->len = 0;
	if ((error = c->read(c->payload, c->buf, sizeof(c->buf), &c->len)) < 0)
		return error;
	if (!c->len)
		c->eof = true;
	return 0;
}

/* Peek at the next byte (CSV_EOF at the end); *error set on read errors. */
static int peek(gm_csv *c, int *error)
{
	if ((*error = fill(c)) < 0 || c->pos >= c->len)
		return CSV_EOF;
	return (unsigned char)c->buf[c->pos];
}

static void advance(gm_csv *c)
{
	if (c->buf[c->pos++] == '\n') {
		c->line++;
		c->col = 1;
	} else {
		c->col++;
	}
}

/* Consume a line end (LF, CRLF or CR) at the current position. */
static int eat_newline(gm_csv *c)
{
	int error, ch = peek(c, &error);
	if (ch == '\r') {
		c->buf[c->pos] = '\n'; /* count the line once, whatever follows */
		advance(c);
		ch = peek(c, &error);
		if (ch == '\n') {
			c->pos++; /* same line break: no line count */
		}
		return error;
	}
	if (ch == '\n')
		advance(c);
	return error;
}

static void push_field(gm_csv *c, bool null, int col)
{
	size_t alloc = c->alloc;

	GM_ALLOC_GROW(c->offs, c->nr + 1, c->alloc);
	if (c->alloc != alloc)
		c->cols = gm_xrealloc(c->cols, c->alloc * sizeof(*c->cols));
	c->offs[c->nr] = null ? (size_t)-1 : c->data.len;
	c->cols[c->nr] = col;
	c->nr++;
}

static int fail(gm_csv *c, int line, int col, const char *msg)
{
	return gm_error_set_at(GM_EINVALID, c->path, line, col, "%s", msg);
}

/* The bytes that end a run inside a quoted field, and inside an unquoted one. */
/* clang-format off */
static const bool quoted_stop[256] = { ['"'] = true, ['\0'] = true, ['\n'] = true };
static const bool unquoted_stop[256] = {
	[','] = true, ['\n'] = true, ['\r'] = true, ['"'] = true, ['\0'] = true
};
/* clang-format on */

/*
 * Append the run of buffered bytes up to the first one in `stop` (or the end of the
 * buffer) to the field, a line's worth at a time instead of byte by byte: the bytes of a
 * run hold no newline, so only the column moves.
 */
static void take_run(gm_csv *c, const bool *stop)
{
	const unsigned char *p = (const unsigned char *)c->buf + c->pos;
	const unsigned char *end = (const unsigned char *)c->buf + c->len, *q = p;
	size_t n;

	while (q < end && !stop[*q])
		q++;
	if (!(n = (size_t)(q - p)))
		return;
	gm_buf_put(&c->data, p, n);
	c->pos += n;
	c->col += (int)n;
}

/* A field in double quotes, from its opening quote; *ch is the byte after it. */
static int quoted_field(gm_csv *c, int col, int *ch)
{
	int error, qline = c->line;

	advance(c);
	push_field(c, false, col);
	for (;;) {
		*ch = peek(c, &error);
		if (error < 0)
			return error;
		if (*ch == CSV_EOF)
			return fail(c, qline, col, "unterminated quoted field");
		if (*ch == '\0')
			return fail(c, c->line, c->col, "NUL byte in a field");
		if (*ch == '"') {
			advance(c);
			*ch = peek(c, &error);
			if (error < 0)
				return error;
			if (*ch != '"')
				break;
		}
		gm_buf_putc(&c->data, (char)*ch);
		advance(c);
		take_run(c, quoted_stop);
	}
	if (*ch != ',' && *ch != '\n' && *ch != '\r' && *ch != CSV_EOF)
		return fail(c, c->line, c->col,
			    "expected ',' or the end of the line after a closing quote");
	return 0;
}

/* A field without quotes (empty: NULL); *ch is the byte after it. */
static int unquoted_field(gm_csv *c, int col, int *ch)
{
	size_t start = c->data.len;
	int error;

	push_field(c, false, col);
	for (;;) {
		take_run(c, unquoted_stop);
		*ch = peek(c, &error);
		if (error < 0)
			return error;
		if (*ch == ',' || *ch == '\n' || *ch == '\r' || *ch == CSV_EOF)
			break;
		if (*ch == '"')
			return fail(c, c->line, c->col,
				    "'\"' in an unquoted field (quote the whole field and "
				    "double the quote)");
		if (*ch == '\0')
			return fail(c, c->line, c->col, "NUL byte in a field");
	}
	if (c->data.len == start) /* empty and unquoted: NULL */
		c->offs[c->nr - 1] = (size_t)-1;
	return 0;
}

/* To the start of the next record: the byte order mark and blank lines skipped. */
static int record_start(gm_csv *c)
{
	int ch, error = 0;

	if (!c->started) {
		c->started = true;
		/* Three bytes to look at, even when the first reads are shorter. */
		while (c->len < 3 && !c->eof) {
			size_t got = 0;
			if ((error = c->read(c->payload, c->buf + c->len, sizeof(c->buf) - c->len,
					     &got)) < 0)
				return error;
			c->eof = !got;
			c->len += got;
		}
		if (c->len >= 3 && !memcmp(c->buf, "\xef\xbb\xbf", 3))
			c->pos = 3;
	}
	for (;;) {
		ch = peek(c, &error);
		if (error < 0)
			return error;
		if (ch == CSV_EOF)
			return GM_ITEROVER;
		if (ch != '\n' && ch != '\r')
			return 0;
		if ((error = eat_newline(c)) < 0)
			return error;
	}
}

int gm_csv_next(gm_csv *c, gm_csv_record *rec)
{
	int ch, error = 0;
	size_t i;

	memset(rec, 0, sizeof(*rec));
	gm_buf_clear(&c->data);
	c->nr = 0;
	if ((error = record_start(c)) < 0)
		return error;
	rec->line = c->line;
	for (;;) { /* one field */
		int col = c->col;
		ch = peek(c, &error);
		if (error < 0)
			return error;
		error = ch == '"' ? quoted_field(c, col, &ch) : unquoted_field(c, col, &ch);
		if (error < 0)
			return error;
		gm_buf_putc(&c->data, '\0');
		if (ch != ',')
			break;
		advance(c);
	}
	if ((error = eat_newline(c)) < 0)
		return error;
	GM_ALLOC_GROW(c->fields, c->nr, c->fields_alloc);
	for (i = 0; i < c->nr; i++)
		c->fields[i] = c->offs[i] == (size_t)-1 ? NULL : c->data.ptr + c->offs[i];
	rec->fields = c->fields;
	rec->cols = c->cols;
	rec->nr = c->nr;
	return 0;
}

/* ---- CSV fixture files: the header checked, the rows loaded ---- */

static void table_from_file_name(gm_buf *out, const char *name)
{
	gm_buf_put(out, name, strlen(name) - 4);
}

/*
 * The scan of a CSV file only names its table (from the file name): the header is read
 * and checked by the load, which is the one pass over the file (a blob from git is
 * inflated whole to be read: twice would cost as much again). A bad header still loads
 * nothing: the load is one transaction.
 */
int gm_fx_scan_csv(struct loader *L, struct source *src)
{
	gm_buf name = GM_BUF_INIT;
	const gm_table *t;

	table_from_file_name(&name, src->file.name);
	if (!(t = gm_schema_table(L->schema, name.ptr)))
		gm_fx_add_unknown(L, name.ptr, src->file.path, 0, 0);
	else
		gm_fx_add_table(src, t);
	gm_buf_release(&name);
	return 0;
}

/* The header, the first record: every name a column of t, none twice; noted in src. */
static int check_header(struct source *src, const gm_table *t, const gm_csv_record *rec)
{
	size_t i, k;

	for (i = 0; i < rec->nr; i++) {
		const char *c = rec->fields[i];
		if (!c || !*c)
			return gm_error_set_at(GM_EINVALID, src->file.path, rec->line, rec->cols[i],
					       "empty column name in the header");
		if (!gm_table_column(t, c))
			return gm_fx_unknown_column(t, c, src->file.path, rec->line, rec->cols[i]);
		for (k = 0; k < i; k++)
			if (!strcmp(rec->fields[k], c))
				return gm_error_set_at(
					GM_EINVALID, src->file.path, rec->line, rec->cols[i],
					"column '%s' appears twice in the header", c);
	}
	for (i = 0; i < src->csv_columns_nr; i++) /* a second pass (fixtures.c) reads it again */
		free(src->csv_columns[i]);
	free(src->csv_columns);
	src->csv_columns = gm_xcalloc(rec->nr ? rec->nr : 1, sizeof(char *));
	for (i = 0; i < rec->nr; i++)
		src->csv_columns[i] = gm_xstrdup(rec->fields[i]);
	src->csv_columns_nr = rec->nr;
	return 0;
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

	if ((error = gm_interrupt_check()) < 0)
		return error;
	if ((error = gm_csv_next(it->csv, &rec)) < 0)
		return error;
	if (rec.nr != it->src->csv_columns_nr)
		return gm_error_set_at(GM_EINVALID, it->src->file.path, rec.line, 0,
				       "expected %zu field%s (as in the header), found %zu",
				       it->src->csv_columns_nr,
				       it->src->csv_columns_nr == 1 ? "" : "s", rec.nr);
	row->values = rec.fields;
	row->path = it->src->file.path;
	row->line = rec.line;
	gm_fx_count_row(it->L, it->t);
	return 0;
}

int gm_fx_load_csv(struct loader *L, struct source *src, const gm_table *t)
{
	gm_stream *in = NULL;
	struct csv_iter it = { L, NULL, t, src };
	gm_csv_record rec;
	int error;

	gm_fx_count_table(L, t);
	if ((error = gm_stream_open(&in, L->tree, &src->file)) < 0)
		return error;
	gm_csv_open(&it.csv, src->file.path, gm_stream_read_cb, in);
	if ((error = gm_csv_next(it.csv, &rec)) < 0) {
		if (error == GM_ITEROVER)
			error = 0; /* an empty file: no rows */
		goto done;
	}
	if ((error = check_header(src, t, &rec)) < 0)
		goto done;
	error = L->load_rows(L->conn, t, (const char *const *)src->csv_columns, src->csv_columns_nr,
			     csv_next, &it);
done:
	gm_csv_free(it.csv);
	gm_stream_close(in);
	return error;
}
