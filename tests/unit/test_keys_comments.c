/* Comments on indexes and constraints: YAML keys, copies, fingerprint, PostgreSQL's SQL. */
#include <stdlib.h>
#include "gm_test.h"
#include "db_int.h"
#include "models_int.h"
#include "schema_int.h"
#include "dialect/postgres.h"

static const char models[] =
	"tables:\n"
	"  t:\n"
	"    columns: {id: integer, n: integer, r: int4range}\n"
	"    primary_key: {columns: [id], comment: the key}\n"
	"    indexes:\n"
	"      - {columns: [n], comment: \"it's n\"}\n"
	"    foreign_keys:\n"
	"      - {columns: [n], references: {table: t, columns: [id]}, comment: self}\n"
	"    checks:\n"
	"      pos: {check: (n > 0), comment: positive}\n"
	"      small: n < 9\n"
	"    exclusions:\n"
	"      x: {exclude: USING gist (r WITH &&), comment: apart}\n";

static gm_schema *parsed(const char *text)
{
	gm_schema *s;
	gm_schema_new(&s);
	assert_gm_ok(gm_models_parse_yaml(s, "models/x.yml", text, strlen(text)));
	return s;
}

static void test_keys_comments__yaml(void **state)
{
	gm_schema *s = parsed(models);
	const gm_table *t = gm_schema_table(s, "t");

	(void)state;
	assert_string_equal(t->pk_name, "t_pkey");
	assert_string_equal(t->pk_comment, "the key");
	assert_int_equal(t->pk_nr, 1);
	assert_string_equal(gm_table_index(t, "t_n_idx")->comment, "it's n");
	assert_string_equal(gm_table_fkey(t, "t_n_fkey")->comment, "self");
	assert_string_equal(gm_table_check(t, "pos")->expr, "n > 0");
	assert_string_equal(gm_table_check(t, "pos")->comment, "positive");
	assert_null(gm_table_check(t, "small")->comment);
	assert_string_equal(gm_table_check(t, "x")->expr, "EXCLUDE USING gist (r WITH &&)");
	assert_true(gm_table_check(t, "x")->exclusion);
	assert_string_equal(gm_table_check(t, "x")->comment, "apart");
	gm_schema_free(s);
}

static char *fingerprint(const gm_schema *s)
{
	gm_buf b = GM_BUF_INIT;
	gm_schema_fingerprint(&b, s);
	return gm_buf_detach(&b);
}

/* A copy keeps every comment (the fingerprints are equal); each comment is in it. */
static void test_keys_comments__copy_and_fingerprint(void **state)
{
	gm_schema *s = parsed(models), *c = NULL;
	char *a, *b;
	size_t i;
	const char *const each[] = {
		"t_pkey (id) comment 'the key'", "index t_n_idx (n) comment 'it''s n'",
		"foreign key t_n_fkey (n) references t (id) comment 'self'",
		"check pos 'n > 0' comment 'positive'",
		"exclusion x 'EXCLUDE USING gist (r WITH &&)' comment 'apart'"
	};

	(void)state;
	gm_schema_copy(&c, s);
	a = fingerprint(s);
	b = fingerprint(c);
	assert_string_equal(a, b);
	for (i = 0; i < sizeof(each) / sizeof(each[0]); i++)
		if (!strstr(a, each[i]))
			fail_msg("'%s' not in:\n%s", each[i], a);
	free(b);
	gm_set_str(&gm_table_check(gm_schema_table(c, "t"), "pos")->comment, NULL);
	b = fingerprint(c);
	assert_string_not_equal(a, b);
	free(b);
	free(a);
	gm_schema_free(c);
	gm_schema_free(s);
}

/* SQLite has no comments: its normal form has none left. */
static void test_keys_comments__sqlite_normalize_drops_them(void **state)
{
	gm_schema *s = parsed(models);
	char *f;

	(void)state;
	gm_dialect_for_scheme("sqlite")->normalize(s);
	f = fingerprint(s);
	if (strstr(f, "comment"))
		fail_msg("a comment is left:\n%s", f);
	free(f);
	gm_schema_free(s);
}

static void test_keys_comments__pg_sql(void **state)
{
	gm_buf b = GM_BUF_INIT;

	(void)state;
	gm_pg_put_key_comment(&b, "billing.t", "t_n_idx", true, "it's n");
	gm_pg_put_key_comment(&b, "billing.t", "t_pkey", false, NULL);
	gm_pg_put_key_comment(&b, "Odd", "Odd_Key", false, "x");
	assert_string_equal(b.ptr, "COMMENT ON INDEX billing.t_n_idx IS 'it''s n';\n"
				   "COMMENT ON CONSTRAINT t_pkey ON billing.t IS NULL;\n"
				   "COMMENT ON CONSTRAINT \"Odd_Key\" ON \"Odd\" IS 'x';\n");
	gm_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys_comments__yaml),
		cmocka_unit_test(test_keys_comments__copy_and_fingerprint),
		cmocka_unit_test(test_keys_comments__sqlite_normalize_drops_them),
		cmocka_unit_test(test_keys_comments__pg_sql),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
