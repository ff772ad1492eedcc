/*
 * The streaming CSV reader (core/fixtures_csv.c) fed in pieces: a field's bytes are taken
 * as runs up to the next special byte, so every piece size (one byte, a few, the whole
 * input) and fields longer than the reader's 64 KiB buffer must give the same records,
 * lines, columns and errors.
 */
#include <stdlib.h>
#include "gm_test.h"
#include "fixtures_int.h"
#include "git-migrate/buf.h"

/* A read callback over a string, at most `piece` bytes per call. */
struct src {
	const char *data;
	size_t len, off, piece;
};

static int read_piece(void *payload, char *buf, size_t size, size_t *got)
{
	struct src *s = payload;
	size_t n = s->len - s->off;

	if (n > s->piece)
		n = s->piece;
	if (n > size)
		n = size;
	memcpy(buf, s->data + s->off, n);
	s->off += n;
	*got = n;
	return 0;
}

/*
 * Every record of `data` read `piece` bytes at a time, as text: one line per record,
 * "line:" then each field as "col=value" ("col=<null>"), then the final code.
 */
static int dump(gm_buf *out, const char *data, size_t len, size_t piece)
{
	struct src s = { data, len, 0, piece };
	gm_csv *c = NULL;
	gm_csv_record rec;
	size_t i;
	int rc;

	gm_csv_open(&c, "t.csv", read_piece, &s);
	while ((rc = gm_csv_next(c, &rec)) == 0) {
		gm_buf_printf(out, "%d:", rec.line);
		for (i = 0; i < rec.nr; i++)
			gm_buf_printf(out, " %d=%s", rec.cols[i],
				      rec.fields[i] ? rec.fields[i] : "<null>");
		gm_buf_putc(out, '\n');
	}
	gm_csv_free(c);
	return rc;
}

/* The same records and the same end, whatever the piece size. */
static void assert_same_in_pieces(const char *data, size_t len, int want_rc)
{
	static const size_t pieces[] = { 1, 2, 3, 7, 4096, 65536, 1 << 20 };
	gm_buf whole = GM_BUF_INIT;
	size_t i;

	assert_int_equal(dump(&whole, data, len, len ? len : 1), want_rc);
	for (i = 0; i < sizeof(pieces) / sizeof(*pieces); i++) {
		gm_buf b = GM_BUF_INIT;
		assert_int_equal(dump(&b, data, len, pieces[i]), want_rc);
		assert_string_equal(b.ptr, whole.ptr);
		gm_buf_release(&b);
	}
	gm_buf_release(&whole);
}

static void test_csv_reader__pieces(void **state)
{
	static const char text[] = "\xef\xbb\xbfid,name,note\r\n"
				   "1,plain,\"quoted, with \"\"quotes\"\"\"\r\n"
				   "\n"
				   "2,,\"two\r\nlines\nand a CR\rhere\"\r"
				   "3,\"\",last";
	gm_buf out = GM_BUF_INIT;
	(void)state;

	assert_int_equal(dump(&out, text, sizeof(text) - 1, 1), GM_ITEROVER);
	assert_string_equal(out.ptr, "1: 1=id 4=name 9=note\n"
				     "2: 1=1 3=plain 9=quoted, with \"quotes\"\n"
				     "4: 1=2 3=<null> 4=two\r\nlines\nand a CR\rhere\n"
				     "7: 1=3 3= 6=last\n");
	assert_same_in_pieces(text, sizeof(text) - 1, GM_ITEROVER);
	gm_buf_release(&out);
}

/* Fields longer than the reader's buffer, quoted and not, and the line after them. */
static void test_csv_reader__long_fields(void **state)
{
	gm_buf in = GM_BUF_INIT, out = GM_BUF_INIT, want = GM_BUF_INIT;
	size_t i, n = 200000;
	(void)state;

	gm_buf_puts(&in, "a,b\n");
	for (i = 0; i < n; i++)
		gm_buf_putc(&in, (char)('a' + i % 26));
	gm_buf_puts(&in, ",\"");
	for (i = 0; i < n; i++)
		gm_buf_puts(&in, i % 1000 == 999 ? "\n" : i % 333 == 0 ? "\"\"" : "x");
	gm_buf_puts(&in, "\"\nz,\"tail\"\n");
	assert_int_equal(dump(&out, in.ptr, in.len, 4096), GM_ITEROVER);
	/* The third record: line 3, and the quoted field's 200 newlines (one per 1000 bytes). */
	gm_buf_printf(&want, "%d: 1=z 3=tail\n", 3 + 200);
	assert_non_null(strstr(out.ptr, want.ptr));
	assert_same_in_pieces(in.ptr, in.len, GM_ITEROVER);
	gm_buf_release(&want);
	gm_buf_release(&out);
	gm_buf_release(&in);
}

/* Errors after a run name the byte's line and column, whatever the pieces. */
static void test_csv_reader__errors_after_runs(void **state)
{
	static const struct {
		const char *text;
		size_t len;
		int line, col;
		const char *msg;
	} cases[] = {
		{ "id,name\n1,abc\"d\n", 16, 2, 6,
		  "'\"' in an unquoted field (quote the whole field and double the quote)" },
		{ "id,name\n1,abcd\0e\n", 17, 2, 7, "NUL byte in a field" },
		{ "id,name\n1,\"ab\ncd\0\"\n", 19, 3, 3, "NUL byte in a field" },
		{ "id,name\n1,\"ab\ncd\"x\n", 19, 3, 4,
		  "expected ',' or the end of the line after a closing quote" },
		{ "id,name\n1,\"ab\ncd\n", 17, 2, 3, "unterminated quoted field" },
	};
	size_t i, p;
	(void)state;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		for (p = 1; p <= cases[i].len; p++) {
			gm_buf out = GM_BUF_INIT;
			int rc = dump(&out, cases[i].text, cases[i].len, p);
			assert_gm_error_at(rc, GM_EINVALID, "t.csv", cases[i].line, cases[i].col,
					   cases[i].msg);
			gm_buf_release(&out);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_reader__pieces),
		cmocka_unit_test(test_csv_reader__long_fields),
		cmocka_unit_test(test_csv_reader__errors_after_runs),
	};
	return cmocka_run_group_tests_name("csv_reader", tests, NULL, NULL);
}
