/* Unit tests of core/dialect/sql.c: quoting, reserved words, the statement splitter. */
#include <stdlib.h>
#include "gm_test.h"
#include "dialect/sql.h"

static char *ident(const char *name)
{
	gm_buf b = GM_BUF_INIT;
	gm_sql_ident(&b, name);
	return gm_buf_detach(&b);
}

static void test_sql__ident(void **state)
{
	static const struct {
		const char *name, *expect;
	} cases[] = {
		{ "deals", "deals" },
		{ "contact_id", "contact_id" },
		{ "_gm_new_deals", "_gm_new_deals" },
		{ "t2", "t2" },
		{ "order", "\"order\"" },
		{ "user", "\"user\"" },
		{ "group", "\"group\"" },
		{ "table", "\"table\"" },
		{ "select", "\"select\"" },
		{ "from", "\"from\"" },
		{ "where", "\"where\"" },
		{ "default", "\"default\"" },
		{ "check", "\"check\"" },
		{ "references", "\"references\"" },
		{ "index", "\"index\"" },
		{ "key", "\"key\"" },
		{ "limit", "\"limit\"" },
		{ "Deal Notes", "\"Deal Notes\"" },
		{ "MixedCase", "\"MixedCase\"" },
		{ "2fa", "\"2fa\"" },
		{ "a-b", "\"a-b\"" },
		{ "say \"hi\"", "\"say \"\"hi\"\"\"" },
		{ "name", "name" },
		{ "type", "type" },
		{ "status", "status" },
		{ "created_at", "created_at" },
	};
	size_t i;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = ident(cases[i].name);
		assert_string_equal(got, cases[i].expect);
		free(got);
	}
}

static void test_sql__ident_quoted(void **state)
{
	gm_buf b = GM_BUF_INIT;
	gm_sql_ident_quoted(&b, "deals");
	gm_buf_puts(&b, " ");
	gm_sql_ident_quoted(&b, "a\"b");
	assert_string_equal(b.ptr, "\"deals\" \"a\"\"b\"");
	gm_buf_release(&b);
}

static void test_sql__literal(void **state)
{
	gm_buf b = GM_BUF_INIT;
	gm_sql_literal(&b, "USD");
	gm_buf_puts(&b, " ");
	gm_sql_literal(&b, "it's");
	gm_buf_puts(&b, " ");
	gm_sql_literal(&b, "");
	gm_buf_puts(&b, " ");
	gm_sql_literal(&b, "''");
	assert_string_equal(b.ptr, "'USD' 'it''s' '' ''''''");
	gm_buf_release(&b);
}

static void test_sql__reserved(void **state)
{
	assert_true(gm_sql_is_reserved("order"));
	assert_true(gm_sql_is_reserved("ORDER"));
	assert_true(gm_sql_is_reserved("User"));
	assert_true(gm_sql_is_reserved("current_timestamp"));
	assert_true(gm_sql_is_reserved("autoincrement"));
	assert_true(gm_sql_is_reserved("without"));
	assert_true(gm_sql_is_reserved("abort"));
	assert_false(gm_sql_is_reserved("deals"));
	assert_false(gm_sql_is_reserved("orders"));
	assert_false(gm_sql_is_reserved(""));
	assert_false(gm_sql_is_reserved("zzz"));
}

/* Collects the split statements as "line|text" lines. */
static int collect(const char *stmt, int line, void *payload)
{
	gm_buf_printf(payload, "%d|%s\n", line, stmt);
	return 0;
}

static int stop_at_second(const char *stmt, int line, void *payload)
{
	int *n = payload;
	return ++*n == 2 ? -42 : 0;
}

static void test_sql__split(void **state)
{
	static const struct {
		const char *name, *sql, *expect;
	} cases[] = {
		{ "simple", "CREATE TABLE a (x int);\nCREATE TABLE b (y int);\n",
		  "1|CREATE TABLE a (x int);\n2|CREATE TABLE b (y int);\n" },
		{ "no final semicolon", "SELECT 1;\n\nSELECT 2\n\n", "1|SELECT 1;\n3|SELECT 2\n" },
		{ "empty statements", ";;\n;  SELECT 1;;", "2|SELECT 1;\n" },
		{ "only comments", "-- nothing\n/* here */\n", "" },
		{ "leading comments skipped for the line",
		  "-- one\n-- two\n/* three\nfour */\n  INSERT INTO t VALUES (1);\n",
		  "5|INSERT INTO t VALUES (1);\n" },
		{ "semicolons in quotes",
		  "INSERT INTO t VALUES ('a;b', 'it''s;');\nSELECT \"we;ird\" FROM [x;y] JOIN `p;q`;\n",
		  "1|INSERT INTO t VALUES ('a;b', 'it''s;');\n"
		  "2|SELECT \"we;ird\" FROM [x;y] JOIN `p;q`;\n" },
		{ "semicolons in comments", "SELECT 1 -- a; b\n, 2 /* c; d */;\nSELECT 3;",
		  "1|SELECT 1 -- a; b\n, 2 /* c; d */;\n3|SELECT 3;\n" },
		{ "multi-line string counts lines", "INSERT INTO t VALUES ('a\nb\nc');\nSELECT 1;",
		  "1|INSERT INTO t VALUES ('a\nb\nc');\n4|SELECT 1;\n" },
		{ "dollar quotes",
		  "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n"
		  "CREATE FUNCTION g() RETURNS trigger AS $body$\nBEGIN\n  x := '$$';\n  RETURN NEW;\nEND;\n$body$ LANGUAGE plpgsql;\n"
		  "SELECT $1;",
		  "1|CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n"
		  "2|CREATE FUNCTION g() RETURNS trigger AS $body$\nBEGIN\n  x := '$$';\n  RETURN NEW;\nEND;\n$body$ LANGUAGE plpgsql;\n"
		  "8|SELECT $1;\n" },
		{ "E strings with backslash escapes", "SELECT E'a\\';b';\nSELECT 'c\\';\n",
		  "1|SELECT E'a\\';b';\n2|SELECT 'c\\';\n" },
		{ "sqlite trigger body",
		  "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n"
		  "  UPDATE u SET n = n + 1;\n"
		  "  UPDATE u SET m = CASE WHEN 1 THEN 2 ELSE 3 END;\n"
		  "END;\nSELECT 1;\n",
		  "1|CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n"
		  "  UPDATE u SET n = n + 1;\n"
		  "  UPDATE u SET m = CASE WHEN 1 THEN 2 ELSE 3 END;\n"
		  "END;\n5|SELECT 1;\n" },
		{ "temp trigger with WHEN CASE",
		  "create temp trigger if not exists tr before delete on t "
		  "when case when old.x then 1 end begin select raise(abort, 'no;'); end;select 2",
		  "1|create temp trigger if not exists tr before delete on t "
		  "when case when old.x then 1 end begin select raise(abort, 'no;'); end;\n"
		  "1|select 2\n" },
		{ "transaction words outside triggers", "BEGIN;\nCREATE TABLE t (x);\nEND;\n",
		  "1|BEGIN;\n2|CREATE TABLE t (x);\n3|END;\n" },
		{ "postgres trigger without body",
		  "CREATE TRIGGER t BEFORE UPDATE ON x FOR EACH ROW EXECUTE FUNCTION f();\nSELECT 1;",
		  "1|CREATE TRIGGER t BEFORE UPDATE ON x FOR EACH ROW EXECUTE FUNCTION f();\n2|SELECT 1;\n" },
		{ "copy from stdin keeps its data",
		  "COPY public.actor (id, name) FROM stdin;\n1\tO'Brien; Pat\n2\t\"x\n\\.\nSELECT 1;\n",
		  "1|COPY public.actor (id, name) FROM stdin;\n1\tO'Brien; Pat\n2\t\"x\n\\.\n5|SELECT 1;\n" },
		{ "unterminated quote runs to the end", "SELECT 'abc;\nSELECT 2;",
		  "1|SELECT 'abc;\nSELECT 2;\n" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		gm_buf got = GM_BUF_INIT;
		assert_gm_ok(gm_sql_split(cases[i].sql, collect, &got));
		if (strcmp(got.ptr, cases[i].expect))
			print_error("case '%s':\n--- got\n%s--- expected\n%s", cases[i].name,
				    got.ptr, cases[i].expect);
		assert_string_equal(got.ptr, cases[i].expect);
		gm_buf_release(&got);
	}
}

static void test_sql__split_stops_on_callback_error(void **state)
{
	int n = 0;
	assert_int_equal(gm_sql_split("SELECT 1; SELECT 2; SELECT 3;", stop_at_second, &n), -42);
	assert_int_equal(n, 2);
}

static void test_sql__is_number(void **state)
{
	static const char *const yes[] = { "0",  "42",  "-1",  "+1",   "1.",     "1.5",
					   ".5", "-.5", "1e5", "1E+5", "2.5e-3", "-1.5E10" };
	static const char *const no[] = { "",   "-",  "+",    ".",     "e5",  "1e",  "1e+", "1.5.2",
					  "1 ", " 1", "0x10", "1_000", "NaN", "--1", "1-" };
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_true(gm_sql_is_number(yes[i]));
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_false(gm_sql_is_number(no[i]));
	assert_false(gm_sql_is_number(NULL));
}

static void test_sql__default_literal(void **state)
{
	gm_buf b = GM_BUF_INIT;
	(void)state;
	gm_sql_default_literal(&b, "integer", "1e5", false);
	gm_sql_default_literal(&b, "serial", " ", false);
	gm_sql_default_literal(&b, "bigserial", "+7", false);
	gm_sql_default_literal(&b, "integer[]", "1", false);
	gm_sql_default_literal(&b, "boolean", "true", true);
	gm_sql_default_literal(&b, "boolean", "false", false);
	gm_sql_default_literal(&b, "text", "12", false);
	assert_string_equal(b.ptr, "1e5' '+7'1'TRUEfalse'12'");
	gm_buf_release(&b);
}

/* Tokens of sql as "kind:text " (kinds by gm_sql_tok_kind number). */
static void lex_all(gm_buf *out, const char *sql, unsigned flags)
{
	gm_sql_lexer lx;
	gm_sql_tok t;

	gm_sql_lexer_init(&lx, sql, flags);
	for (gm_sql_lex(&lx, &t); t.kind != GM_SQL_END; gm_sql_lex(&lx, &t))
		gm_buf_printf(out, "%d:%.*s@%d ", (int)t.kind, (int)t.len, t.s, t.line);
}

static void test_sql__lex(void **state)
{
	gm_buf b = GM_BUF_INIT;
	(void)state;
	lex_all(&b, "a \"b\"\"c\" -- x\n'it''s' x'0a' /* c\n */ 1e+5 .5 [n]; $v $$q$$", 0);
	assert_string_equal(b.ptr, "1:a@1 2:\"b\"\"c\"@1 3:'it''s'@2 4:x'0a'@2 6:1e+5@3 6:.5@3 "
				   "2:[n]@3 7:;@3 1:$v@3 1:$$q$$@3 ");
	gm_buf_clear(&b);
	lex_all(&b, "E'a\\'b' $f$ x\n $f$ $1", GM_SQL_LEX_PG);
	assert_string_equal(b.ptr, "1:E@1 3:'a\\'b'@1 5:$f$ x\n $f$@1 7:$@2 6:1@2 ");
	gm_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sql__ident),
		cmocka_unit_test(test_sql__ident_quoted),
		cmocka_unit_test(test_sql__literal),
		cmocka_unit_test(test_sql__reserved),
		cmocka_unit_test(test_sql__split),
		cmocka_unit_test(test_sql__split_stops_on_callback_error),
		cmocka_unit_test(test_sql__is_number),
		cmocka_unit_test(test_sql__default_literal),
		cmocka_unit_test(test_sql__lex),
	};
	return cmocka_run_group_tests_name("sql", tests, NULL, NULL);
}
