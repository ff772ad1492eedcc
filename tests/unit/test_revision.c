/* Unit tests for core/revision.c: parsing, writing, ids, slugs, hostile input. */
#include <stdlib.h>
#include "gm_test.h"
#include "revision_int.h"

static const char basic[] = "-- git-migrate revision\n"
			    "-- revision: 3f2a9c1b7e10\n"
			    "-- down_revision: 1a2b3c4d5e6f\n"
			    "-- message: add BTC to deal currency\n"
			    "-- created: 2026-11-25T21:39:00Z\n"
			    "\n"
			    "-- +migrate up\n"
			    "ALTER TYPE dealcurrency ADD VALUE IF NOT EXISTS 'BTC';\n"
			    "\n"
			    "-- +migrate down\n"
			    "SELECT 1;\n";

static gm_revision *parse_ok(const char *text)
{
	gm_revision *rev = NULL;
	assert_gm_ok(gm_revision_parse(&rev, "v/x.sql", text, strlen(text)));
	assert_non_null(rev);
	return rev;
}

static void expect_error(const char *text, size_t len, int line, const char *needle)
{
	gm_revision *rev = (gm_revision *)1;
	assert_gm_fails(GM_EINVALID, needle, gm_revision_parse(&rev, "v/x.sql", text, len));
	assert_null(rev);
	assert_string_equal(gm_error_last()->path, "v/x.sql");
	assert_int_equal(gm_error_last()->line, line);
	gm_error_clear();
}

/* expect_error on a NUL-terminated text. */
static void expect_text_error(const char *text, int line, const char *needle)
{
	expect_error(text, strlen(text), line, needle);
}

static void test_revision__parses_header_and_sections(void **state)
{
	gm_revision *rev = parse_ok(basic);
	(void)state;

	assert_string_equal(rev->id, "3f2a9c1b7e10");
	assert_int_equal(rev->parents_nr, 1);
	assert_string_equal(rev->parents[0], "1a2b3c4d5e6f");
	assert_string_equal(rev->message, "add BTC to deal currency");
	assert_string_equal(rev->created, "2026-11-25T21:39:00Z");
	assert_true(rev->transaction);
	assert_int_equal(rev->extra_nr, 0);
	assert_int_equal(rev->id_line, 2);
	assert_int_equal(rev->parents_line, 3);
	assert_true(rev->up.present);
	assert_int_equal(rev->up.line, 7);
	assert_int_equal(rev->up.parts_nr, 1);
	assert_string_equal(rev->up.parts[0].sql,
			    "ALTER TYPE dealcurrency ADD VALUE IF NOT EXISTS 'BTC';\n");
	assert_int_equal(rev->up.parts[0].line, 8);
	assert_true(rev->down.present);
	assert_int_equal(rev->down.line, 10);
	assert_int_equal(rev->down.parts_nr, 1);
	assert_string_equal(rev->down.parts[0].sql, "SELECT 1;\n");
	assert_int_equal(rev->down.parts[0].line, 11);
	assert_string_equal(rev->path, "v/x.sql");
	assert_string_equal(rev->checksum, "");
	gm_revision_free(rev);
}

static void test_revision__base_has_no_parents(void **state)
{
	/* real histories write "-- down_revision: " with a trailing space */
	gm_revision *rev = parse_ok("-- revision: 8ad96e49dc6\n-- down_revision: \n"
				    "-- +migrate up\nCREATE TABLE t (id int);\n");
	(void)state;
	assert_string_equal(rev->id, "8ad96e49dc6");
	assert_int_equal(rev->parents_nr, 0);
	assert_null(rev->message);
	assert_null(rev->created);
	gm_revision_free(rev);
}

static void test_revision__merge_has_two_parents(void **state)
{
	gm_revision *rev = parse_ok("-- revision: m1\n-- down_revision: a1 ,b-2\n"
				    "-- +migrate up\n");
	(void)state;
	assert_int_equal(rev->parents_nr, 2);
	assert_string_equal(rev->parents[0], "a1");
	assert_string_equal(rev->parents[1], "b-2");
	assert_int_equal(rev->up.parts_nr, 1);
	assert_string_equal(rev->up.parts[0].sql, "");
	gm_revision_free(rev);
}

static void test_revision__bad_parents(void **state)
{
	(void)state;
	expect_text_error("-- revision: m\n-- down_revision: a, b, c\n-- +migrate up\n", 2,
			  "more than two parents");
	expect_text_error("-- revision: m\n-- down_revision: a,\n-- +migrate up\n", 2, "empty id");
	expect_text_error("-- revision: m\n-- down_revision: a, a\n-- +migrate up\n", 2,
			  "parent 'a' named twice");
	expect_text_error("-- revision: m\n-- down_revision: ../x\n-- +migrate up\n", 2,
			  "invalid parent revision id '../x'");
}

static void test_revision__transaction_false_and_unknown_keys(void **state)
{
	gm_revision *rev = parse_ok("-- git-migrate revision\n-- revision: abc\n"
				    "-- down_revision:\n-- transaction: false\n"
				    "-- author: someone: with colon\n-- Ticket-Id: 42\n"
				    "-- just a comment\n\n-- +migrate up\nSELECT 1;\n");
	(void)state;
	assert_false(rev->transaction);
	assert_int_equal(rev->extra_nr, 2);
	assert_string_equal(rev->extra[0].key, "author");
	assert_string_equal(rev->extra[0].value, "someone: with colon");
	assert_int_equal(rev->extra[0].line, 5);
	assert_string_equal(rev->extra[1].key, "Ticket-Id");
	assert_string_equal(rev->extra[1].value, "42");
	assert_false(rev->down.present);
	assert_int_equal(rev->down.parts_nr, 0);
	gm_revision_free(rev);
}

static void test_revision__bad_transaction_value(void **state)
{
	const char *t =
		"-- revision: a\n-- down_revision:\n-- transaction: maybe\n-- +migrate up\n";
	(void)state;
	expect_error(t, strlen(t), 3, "'transaction' must be true or false, not 'maybe'");
}

static void test_revision__commit_splits_parts(void **state)
{
	gm_revision *rev = parse_ok("-- revision: a\n-- down_revision:\n"
				    "-- +migrate up\n"                            /* 3 */
				    "ALTER TYPE t ADD VALUE IF NOT EXISTS 'x';\n" /* 4 */
				    "-- +migrate commit\n"                        /* 5 */
				    "\n"                                          /* 6 */
				    "UPDATE d SET c = 'x';\n"                     /* 7 */
				    "-- a comment\n"                              /* 8 */
				    "UPDATE d SET e = 1;\n"                       /* 9 */
				    "\n"                                          /* 10 */
				    "-- +migrate down\n"                          /* 11 */
				    "  -- +migrate commit  \n"                    /* 12 */
				    "SELECT 2;\n");                               /* 13 */
	char *text;
	(void)state;

	assert_int_equal(rev->up.parts_nr, 2);
	assert_string_equal(rev->up.parts[0].sql, "ALTER TYPE t ADD VALUE IF NOT EXISTS 'x';\n");
	assert_int_equal(rev->up.parts[0].line, 4);
	assert_string_equal(rev->up.parts[1].sql,
			    "UPDATE d SET c = 'x';\n-- a comment\nUPDATE d SET e = 1;\n");
	assert_int_equal(rev->up.parts[1].line, 7);
	assert_int_equal(rev->down.parts_nr, 2);
	assert_string_equal(rev->down.parts[0].sql, "");
	assert_int_equal(rev->down.parts[0].line, 12);
	assert_string_equal(rev->down.parts[1].sql, "SELECT 2;\n");
	assert_int_equal(rev->down.parts[1].line, 13);

	text = gm_section_text(&rev->up);
	assert_string_equal(text, "ALTER TYPE t ADD VALUE IF NOT EXISTS 'x';\n"
				  "-- +migrate commit\n"
				  "UPDATE d SET c = 'x';\n-- a comment\nUPDATE d SET e = 1;\n");
	free(text);
	gm_revision_free(rev);
}

static void test_revision__crlf_is_accepted(void **state)
{
	gm_revision *rev = parse_ok("-- revision: abc\r\n-- down_revision: p1\r\n"
				    "-- message: hello \r\n\r\n-- +migrate up\r\n"
				    "SELECT 1;\r\n\r\n-- +migrate down\r\nSELECT 2;\r\n");
	(void)state;
	assert_string_equal(rev->id, "abc");
	assert_string_equal(rev->parents[0], "p1");
	assert_string_equal(rev->message, "hello");
	assert_string_equal(rev->up.parts[0].sql, "SELECT 1;\n");
	assert_string_equal(rev->down.parts[0].sql, "SELECT 2;\n");
	gm_revision_free(rev);
}

static void test_revision__no_trailing_newline(void **state)
{
	gm_revision *rev =
		parse_ok("-- revision: abc\n-- down_revision:\n-- +migrate up\nSELECT 1;");
	(void)state;
	assert_string_equal(rev->up.parts[0].sql, "SELECT 1;\n");
	gm_revision_free(rev);
}

static void test_revision__empty_file(void **state)
{
	(void)state;
	expect_error("", 0, 1, "empty revision file");
	expect_error(" \n\r\n\t\n", 6, 1, "empty revision file");
}

static void test_revision__nul_bytes_are_an_error(void **state)
{
	static const char bin[] = "-- revision: a\n-- down_revision:\n-- +migrate up\nSE\0LECT;\n";
	(void)state;
	expect_error(bin, sizeof(bin) - 1, 4, "NUL byte");
}

static void test_revision__id_with_path_characters(void **state)
{
	const char *t = "-- revision: ../x\n-- down_revision:\n-- +migrate up\n";
	(void)state;
	expect_error(t, strlen(t), 1, "invalid revision id '../x'");
}

static void test_revision__header_without_sections(void **state)
{
	const char *t = "-- git-migrate revision\n-- revision: abc\n-- down_revision:\n";
	(void)state;
	expect_error(t, strlen(t), 3, "no '-- +migrate up' section");
}

static void test_revision__missing_headers(void **state)
{
	(void)state;
	expect_text_error("-- down_revision:\n-- +migrate up\nSELECT 1;\n", 1,
			  "missing 'revision' header");
	expect_text_error("\n-- revision: abc\n-- +migrate up\nSELECT 1;\n", 2,
			  "missing 'down_revision' header");
	expect_text_error("-- revision: a\n-- revision: b\n-- down_revision:\n-- +migrate up\n", 2,
			  "duplicate 'revision' header");
}

static void test_revision__misplaced_directives(void **state)
{
	(void)state;
	expect_text_error("-- revision: a\n-- down_revision:\nSELECT 1;\n-- +migrate up\n", 3,
			  "SQL before the '-- +migrate up' section");
	expect_text_error("-- revision: a\n-- down_revision:\n-- +migrate down\n", 3,
			  "'-- +migrate down' before '-- +migrate up'");
	expect_text_error("-- revision: a\n-- down_revision:\n-- +migrate up\n"
			  "-- +migrate down\n-- +migrate up\n",
			  5, "'-- +migrate up' after '-- +migrate down'");
	expect_text_error("-- revision: a\n-- down_revision:\n-- +migrate up\n-- +migrate up\n", 4,
			  "second '-- +migrate up' (first at line 3)");
	expect_text_error("-- revision: a\n-- down_revision:\n-- +migrate up\n"
			  "-- +migrate down\n-- +migrate down\n",
			  5, "second '-- +migrate down'");
	expect_text_error("-- revision: a\n-- down_revision:\n-- +migrate commit\n", 3,
			  "outside a section");
	expect_text_error("-- revision: a\n-- down_revision:\n-- +migrate up\n"
			  "-- +migrate sideways\n",
			  4, "unknown directive '-- +migrate sideways'");
	expect_text_error("-- revision: a\n-- down_revision:\n-- +migrate up now please\n", 3,
			  "unexpected 'now please' after '-- +migrate up'");
}

static void test_revision__ten_megabytes(void **state)
{
	static const char head[] = "-- revision: big\n-- down_revision:\n-- +migrate up\n";
	static const char stmt[] = "INSERT INTO t VALUES (1, 'some text to fill the line');\n";
	gm_buf b = GM_BUF_INIT;
	gm_revision *rev = NULL;
	size_t lines = 0;
	(void)state;

	gm_buf_puts(&b, head);
	while (b.len < 10 * 1024 * 1024) {
		gm_buf_puts(&b, stmt);
		lines++;
	}
	gm_buf_puts(&b, "-- +migrate down\nDELETE FROM t;\n");
	assert_gm_ok(gm_revision_parse(&rev, "big.sql", b.ptr, b.len));
	assert_int_equal(strlen(rev->up.parts[0].sql), lines * (sizeof(stmt) - 1));
	assert_int_equal(rev->down.line, 3 + lines + 1);
	gm_revision_free(rev);
	gm_buf_release(&b);
}

static void test_revision__format_round_trips(void **state)
{
	static const char *const inputs[] = {
		basic,
		"-- revision: m1\n-- down_revision: a, b\n-- transaction: false\n"
		"-- ticket: X-1\n-- +migrate up\nA;\n-- +migrate commit\nB;\n",
		"-- revision: base\n-- down_revision:\n-- +migrate up\n\n-- +migrate down\n",
		"-- revision: x\r\n-- down_revision: y\r\n-- message: m\r\n-- +migrate up\r\nQ;\r\n",
	};
	size_t i;
	(void)state;

	for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		gm_revision *a = parse_ok(inputs[i]), *b2 = NULL;
		gm_buf t1 = GM_BUF_INIT, t2 = GM_BUF_INIT;
		size_t k;

		gm_revision_format(&t1, a);
		assert_gm_ok(gm_revision_parse(&b2, "v/x.sql", t1.ptr, t1.len));
		gm_revision_format(&t2, b2);
		assert_string_equal(t1.ptr, t2.ptr);
		assert_string_equal(a->id, b2->id);
		assert_int_equal(a->parents_nr, b2->parents_nr);
		for (k = 0; k < a->parents_nr; k++)
			assert_string_equal(a->parents[k], b2->parents[k]);
		assert_int_equal(a->transaction, b2->transaction);
		assert_int_equal(a->extra_nr, b2->extra_nr);
		assert_int_equal(a->up.parts_nr, b2->up.parts_nr);
		for (k = 0; k < a->up.parts_nr; k++)
			assert_string_equal(a->up.parts[k].sql, b2->up.parts[k].sql);
		assert_int_equal(a->down.present, b2->down.present);
		assert_int_equal(a->down.parts_nr, b2->down.parts_nr);
		gm_buf_release(&t1);
		gm_buf_release(&t2);
		gm_revision_free(a);
		gm_revision_free(b2);
	}
}

static void test_revision__format_writes_the_documented_layout(void **state)
{
	gm_revision *rev = parse_ok(basic);
	gm_buf out = GM_BUF_INIT;
	(void)state;

	gm_revision_format(&out, rev);
	assert_string_equal(out.ptr, basic);
	gm_buf_release(&out);
	gm_revision_free(rev);
}

static void test_revision__id_rules(void **state)
{
	char id[13], id2[13];
	char long_id[66];
	int i;
	(void)state;

	assert_true(gm_revision_id_valid("a"));
	assert_true(gm_revision_id_valid("8ad96e49dc6"));
	assert_true(gm_revision_id_valid("Ab_9-z"));
	assert_false(gm_revision_id_valid(""));
	assert_false(gm_revision_id_valid(NULL));
	assert_false(gm_revision_id_valid("../x"));
	assert_false(gm_revision_id_valid("a b"));
	assert_false(gm_revision_id_valid("a.b"));
	memset(long_id, 'a', 64);
	long_id[64] = '\0';
	assert_true(gm_revision_id_valid(long_id));
	long_id[64] = 'a';
	long_id[65] = '\0';
	assert_false(gm_revision_id_valid(long_id));

	gm_revision_new_id(id);
	gm_revision_new_id(id2);
	assert_int_equal(strlen(id), 12);
	for (i = 0; i < 12; i++)
		assert_true((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f'));
	assert_true(gm_revision_id_valid(id));
	assert_string_not_equal(id, id2);
}

static void test_revision__slug(void **state)
{
	static const struct {
		const char *message, *slug;
	} cases[] = {
		{ "add BTC to deal currency", "add_btc_to_deal_currency" },
		{ "  Hello,   World!! ", "hello_world" },
		{ "snake_case__name", "snake_case_name" },
		{ "caf\xc3\xa9 menu", "caf_menu" },
		{ "", "revision" },
		{ "!!!", "revision" },
		{ "a very long message that goes on and on beyond forty characters",
		  "a_very_long_message_that_goes_on_and_on" },
		{ "0123456789012345678901234567890123456789XYZ",
		  "0123456789012345678901234567890123456789" },
	};
	size_t i;
	(void)state;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		gm_buf b = GM_BUF_INIT;
		gm_revision_slug(&b, cases[i].message);
		assert_string_equal(b.ptr, cases[i].slug);
		assert_true(b.len <= GM_SLUG_MAX);
		gm_buf_release(&b);
	}
}

static void test_revision__real_histories_parse(void **state)
{
	/* one real file, inline: an 11-character Alembic id and a trailing-space header */
	gm_revision *rev = parse_ok("-- git-migrate revision\n-- revision: 127be3fb000\n"
				    "-- down_revision: 514ca0a3282c\n"
				    "-- message: Added m2m forumgroups table\n\n-- +migrate up\n"
				    "CREATE TABLE forumgroups (\n    group_id INTEGER NOT NULL, \n"
				    "    FOREIGN KEY(group_id) REFERENCES groups (id)\n);\n\n"
				    "-- +migrate down\nDROP TABLE forumgroups;\n");
	(void)state;
	assert_string_equal(rev->id, "127be3fb000");
	assert_string_equal(rev->parents[0], "514ca0a3282c");
	assert_int_equal(rev->up.parts[0].line, 7);
	gm_revision_free(rev);
}

static void test_revision__utf8_bom_is_skipped(void **state)
{
	gm_buf b = GM_BUF_INIT;
	gm_revision *rev;
	(void)state;

	gm_buf_puts(&b, "\xef\xbb\xbf");
	gm_buf_puts(&b, basic);
	assert_gm_ok(gm_revision_parse(&rev, "v/x.sql", b.ptr, b.len));
	assert_string_equal(rev->id, "3f2a9c1b7e10");
	assert_int_equal(rev->id_line, 2);
	gm_revision_free(rev);
	gm_buf_release(&b);
}

static void test_revision__transaction_control_is_refused(void **state)
{
	static const char head[] = "-- revision: a1\n-- down_revision:\n\n-- +migrate up\n";
	static const struct {
		const char *body;
		int line; /* 0 = accepted */
	} cases[] = {
		{ "CREATE TABLE t (id int);\nCOMMIT;\n", 6 },
		{ "BEGIN;\nCREATE TABLE t (id int);\n", 5 },
		{ "begin transaction;\n", 5 },
		{ "SELECT 1;\n  -- c\n  /* x */ END;\n", 7 },
		{ "SELECT 1; ROLLBACK WORK;\n", 5 },
		{ "START TRANSACTION ISOLATION LEVEL SERIALIZABLE;\n", 5 },
		{ "PREPARE TRANSACTION 'x';\n", 5 },
		{ "SELECT 1;\n-- +migrate down\nDROP TABLE t;\nCOMMIT;\n", 8 },
		{ "ROLLBACK TO SAVEPOINT a;\nROLLBACK WORK TO a;\n", 0 },
		{ "SELECT 'COMMIT;';\n-- COMMIT;\n", 0 },
		{ "DO $$ BEGIN PERFORM 1; END $$;\n", 0 },
		{ "CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END $$ LANGUAGE plpgsql;\n",
		  0 },
		{ "CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END;\n", 0 },
		{ "START WITH 1;\n", 0 },
	};
	size_t i;
	(void)state;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		gm_buf b = GM_BUF_INIT;
		gm_revision *rev = NULL;
		int rc;

		gm_buf_puts(&b, head);
		gm_buf_puts(&b, cases[i].body);
		rc = gm_revision_parse(&rev, "v/x.sql", b.ptr, b.len);
		if (!cases[i].line) {
			assert_gm_ok(rc);
		} else {
			assert_int_equal(rc, GM_EINVALID);
			assert_int_equal(gm_error_last()->line, cases[i].line);
			assert_non_null(strstr(gm_error_last()->message, "-- transaction: false"));
			gm_error_clear();
		}
		gm_revision_free(rev);
		gm_buf_release(&b);
	}
}

static void test_revision__format_folds_control_characters(void **state)
{
	gm_revision *rev = parse_ok(basic), *again = NULL;
	gm_buf text = GM_BUF_INIT;
	(void)state;

	free(rev->message);
	rev->message = gm_xstrdup("x\n-- +migrate down\rDROP TABLE t;\v\f-- revision: zz");
	gm_revision_format(&text, rev);
	assert_gm_ok(gm_revision_parse(&again, "v/x.sql", text.ptr, text.len));
	assert_string_equal(again->message, "x -- +migrate down DROP TABLE t;  -- revision: zz");
	assert_string_equal(again->id, "3f2a9c1b7e10");
	assert_int_equal(again->down.parts_nr, 1);
	assert_string_equal(again->down.parts[0].sql, "SELECT 1;\n");
	gm_revision_free(again);
	gm_revision_free(rev);
	gm_buf_release(&text);
}

/* Found by fuzz_revision: a directive line ending in several '\r' read as SQL the first
 * time and as a directive once rewritten (the writer keeps one '\r' fewer). */
static void test_revision__carriage_returns_read_the_same_twice(void **state)
{
	static const char cr_directive[] =
		"-- revision: a1\n-- down_revision:\n-- +migrate up\nSELECT 1;\n-- +migrate\r\r";
	static const char cr_up[] =
		"-- revision: a1\r\r\n-- down_revision:\r\n-- +migrate up\r\r\nSELECT 1;\r\n"
		"-- +migrate down \r\r\nSELECT 2;\r\n";
	gm_revision *rev = NULL, *again = NULL;
	gm_buf text = GM_BUF_INIT;
	(void)state;

	assert_gm_fails(GM_EINVALID, "unknown directive",
			gm_revision_parse(&rev, "v/x.sql", cr_directive, strlen(cr_directive)));
	assert_int_equal(gm_error_last()->line, 5);
	gm_error_clear();

	assert_gm_ok(gm_revision_parse(&rev, "v/x.sql", cr_up, strlen(cr_up)));
	assert_string_equal(rev->id, "a1");
	assert_true(rev->down.present);
	gm_revision_format(&text, rev);
	assert_gm_ok(gm_revision_parse(&again, "v/x.sql", text.ptr, text.len));
	assert_string_equal(again->id, "a1");
	assert_true(again->up.present && again->down.present);
	gm_revision_free(again);
	gm_revision_free(rev);
	gm_buf_clear(&text);

	/* SQL lines ending in several '\r' lose them all when read, so a rewritten file
	 * holds the same SQL (once only one was dropped per rewrite, and a COPY's "\.\r\r"
	 * end of data became visible one rewrite later) */
	assert_gm_ok(gm_revision_parse(&rev, "v/x.sql", cr_up, strlen(cr_up)));
	assert_string_equal(rev->up.parts[0].sql, "SELECT 1;\n");
	{
		static const char copy[] = "-- revision: a1\n-- down_revision:\n-- +migrate up\n"
					   "COPY t FROM stdin;\r\r\n1\r\n\\.\r\r\r\n";
		gm_revision_free(rev);
		assert_gm_ok(gm_revision_parse(&rev, "v/x.sql", copy, strlen(copy)));
		assert_string_equal(rev->up.parts[0].sql, "COPY t FROM stdin;\n1\n\\.\n");
		gm_revision_format(&text, rev);
		assert_gm_ok(gm_revision_parse(&again, "v/x.sql", text.ptr, text.len));
		assert_string_equal(again->up.parts[0].sql, rev->up.parts[0].sql);
		gm_revision_free(again);
	}
	gm_revision_free(rev);
	gm_buf_release(&text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_revision__parses_header_and_sections),
		cmocka_unit_test(test_revision__base_has_no_parents),
		cmocka_unit_test(test_revision__merge_has_two_parents),
		cmocka_unit_test(test_revision__bad_parents),
		cmocka_unit_test(test_revision__transaction_false_and_unknown_keys),
		cmocka_unit_test(test_revision__bad_transaction_value),
		cmocka_unit_test(test_revision__commit_splits_parts),
		cmocka_unit_test(test_revision__crlf_is_accepted),
		cmocka_unit_test(test_revision__no_trailing_newline),
		cmocka_unit_test(test_revision__empty_file),
		cmocka_unit_test(test_revision__nul_bytes_are_an_error),
		cmocka_unit_test(test_revision__id_with_path_characters),
		cmocka_unit_test(test_revision__header_without_sections),
		cmocka_unit_test(test_revision__missing_headers),
		cmocka_unit_test(test_revision__misplaced_directives),
		cmocka_unit_test(test_revision__ten_megabytes),
		cmocka_unit_test(test_revision__format_round_trips),
		cmocka_unit_test(test_revision__format_writes_the_documented_layout),
		cmocka_unit_test(test_revision__id_rules),
		cmocka_unit_test(test_revision__slug),
		cmocka_unit_test(test_revision__real_histories_parse),
		cmocka_unit_test(test_revision__utf8_bom_is_skipped),
		cmocka_unit_test(test_revision__transaction_control_is_refused),
		cmocka_unit_test(test_revision__format_folds_control_characters),
		cmocka_unit_test(test_revision__carriage_returns_read_the_same_twice),
	};
	return cmocka_run_group_tests_name("revision", tests, NULL, NULL);
}
