/* Streaming CSV (RFC 4180) for fixtures: one record at a time from a read callback. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "git-migrate/vec.h"
#include "fixtures_int.h"
#include "util/banned.h"

#define CSV_EOF (-1)

struct gm_csv {
	char *path;
	gm_fx_read_fn read;
	void *payload;
	char buf[65536];
	size_t pos, len;
	bool eof;
	int line, col;          /* position of the next byte */
	bool started;           /* BOM check done */
	gm_buf data;            /* the record's fields, NUL-separated */
	size_t *offs;           /* start of each field in data; SIZE_MAX for NULL */
	int *cols;
	const char **fields;
	size_t nr, alloc, fields_alloc;
};

void gm_csv_open(gm_csv **out, const char *path, gm_fx_read_fn read, void *payload)
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
	GM_ALLOC_GROW(c->offs, c->nr + 1, c->alloc);
	c->cols = gm_xrealloc(c->cols, c->alloc * sizeof(*c->cols));
	c->offs[c->nr] = null ? (size_t)-1 : c->data.len;
	c->cols[c->nr] = col;
	c->nr++;
}

static int fail(gm_csv *c, int line, int col, const char *msg)
{
	return gm_error_set_at(GM_EINVALID, c->path, line, col, "%s", msg);
}

int gm_csv_next(gm_csv *c, gm_csv_record *rec)
{
	int ch, error = 0;
	size_t i;

	memset(rec, 0, sizeof(*rec));
	gm_buf_clear(&c->data);
	c->nr = 0;
	if (!c->started) {
		c->started = true;
		if ((error = fill(c)) < 0)
			return error;
		if (c->len >= 3 && !memcmp(c->buf, "\xef\xbb\xbf", 3))
			c->pos = 3;
	}
	/* Skip blank lines. */
	for (;;) {
		ch = peek(c, &error);
		if (error < 0)
			return error;
		if (ch == CSV_EOF)
			return GM_ITEROVER;
		if (ch != '\n' && ch != '\r')
			break;
		if ((error = eat_newline(c)) < 0)
			return error;
	}
	rec->line = c->line;

	for (;;) { /* one field */
		int col = c->col, qline = c->line;
		ch = peek(c, &error);
		if (error < 0)
			return error;
		if (ch == '"') {
			advance(c);
			push_field(c, false, col);
			for (;;) {
				ch = peek(c, &error);
				if (error < 0)
					return error;
				if (ch == CSV_EOF)
					return fail(c, qline, col, "unterminated quoted field");
				if (ch == '\0')
					return fail(c, c->line, c->col, "NUL byte in a field");
				if (ch == '"') {
					advance(c);
					ch = peek(c, &error);
					if (error < 0)
						return error;
					if (ch != '"')
						break;
				}
				gm_buf_putc(&c->data, (char)ch);
				advance(c);
			}
			if (ch != ',' && ch != '\n' && ch != '\r' && ch != CSV_EOF)
				return fail(c, c->line, c->col,
					    "expected ',' or the end of the line after a closing "
					    "quote");
		} else {
			size_t start = c->data.len;
			push_field(c, false, col);
			for (;;) {
				ch = peek(c, &error);
				if (error < 0)
					return error;
				if (ch == ',' || ch == '\n' || ch == '\r' || ch == CSV_EOF)
					break;
				if (ch == '"')
					return fail(c, c->line, c->col,
						    "'\"' in an unquoted field (quote the whole "
						    "field and double the quote)");
				if (ch == '\0')
					return fail(c, c->line, c->col, "NUL byte in a field");
				gm_buf_putc(&c->data, (char)ch);
				advance(c);
			}
			if (c->data.len == start) /* empty and unquoted: NULL */
				c->offs[c->nr - 1] = (size_t)-1;
		}
		gm_buf_putc(&c->data, '\0');
		if (ch == ',') {
			advance(c);
			continue;
		}
		if ((error = eat_newline(c)) < 0)
			return error;
		break;
	}

	GM_ALLOC_GROW(c->fields, c->nr, c->fields_alloc);
	for (i = 0; i < c->nr; i++)
		c->fields[i] = c->offs[i] == (size_t)-1 ? NULL : c->data.ptr + c->offs[i];
	rec->fields = c->fields;
	rec->cols = c->cols;
	rec->nr = c->nr;
	return 0;
}
