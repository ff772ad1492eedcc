/* YAML models, objects beyond tables (models_objects.c) and their validation per dialect. */
#include <stdlib.h>
#include "gm_test.h"
#include "db_int.h"
#include "models_int.h"
#include "schema_int.h"

static int parse(gm_schema *s, const char *text)
{
	return gm_models_parse_yaml(s, "models/x.yml", text, strlen(text));
}

static gm_schema *parsed(const char *text)
{
	gm_schema *s;
	gm_schema_new(&s);
	assert_gm_ok(parse(s, text));
	return s;
}

/* The object of kind+name exists with that create text. */
static void assert_object(const gm_schema *s, const char *kind, const char *name,
			  const char *create)
{
	const gm_dependent *d = gm_schema_dependent(s, kind, name);
	if (!d)
		print_error("no %s '%s'\n", kind, name);
	assert_non_null(d);
	assert_string_equal(d->create, create);
}

static const char all_kinds[] =
	"extensions: [citext]\n"
	"domains:\n"
	"  email: {type: citext, check: \"VALUE ~ '@'\", null: false, default: a@b, "
	"comment: an email}\n"
	"sequences:\n"
	"  invoice_no: {start: 1000, increment: 2, min: 1, max: 99999, cache: 5, cycle: true}\n"
	"  plain:\n"
	"functions:\n"
	"  norm: |\n"
	"    CREATE FUNCTION norm(t text, n  integer) RETURNS text\n"
	"    LANGUAGE sql IMMUTABLE AS $$ SELECT lower(t) $$;\n"
	"  tidy: {sql: \"CREATE OR REPLACE PROCEDURE tidy() LANGUAGE sql AS $$ SELECT 1 $$\", "
	"comment: it's tidy}\n"
	"views:\n"
	"  active_users: \"SELECT id FROM users WHERE active;\"\n"
	"  Odd View: {sql: SELECT 1, comment: odd}\n"
	"materialized_views:\n"
	"  counts: {sql: \"SELECT count(*) AS n FROM users\", indexes: [\"CREATE UNIQUE INDEX "
	"counts_n ON counts (n)\"]}\n"
	"triggers:\n"
	"  users_touch: {table: users, sql: \"CREATE TRIGGER users_touch BEFORE UPDATE ON users "
	"FOR EACH ROW EXECUTE FUNCTION touch()\", comment: touch}\n"
	"tables:\n"
	"  users:\n"
	"    columns: {id: integer, active: boolean}\n";

/* kind, name, create text of each object of all_kinds */
static const char *const every_kind[][3] = {
	{ "extension", "citext", "CREATE EXTENSION IF NOT EXISTS citext;" },
	{ "domain", "email",
	  "CREATE DOMAIN email AS citext DEFAULT 'a@b' NOT NULL CHECK (VALUE ~ '@');\n"
	  "COMMENT ON DOMAIN email IS 'an email';" },
	{ "sequence", "invoice_no",
	  "CREATE SEQUENCE invoice_no INCREMENT BY 2 MINVALUE 1 MAXVALUE 99999 START WITH 1000 "
	  "CACHE 5 CYCLE;" },
	{ "sequence", "plain", "CREATE SEQUENCE plain;" },
	{ "function", "norm(t text, n integer)",
	  "CREATE FUNCTION norm(t text, n  integer) RETURNS text\n"
	  "LANGUAGE sql IMMUTABLE AS $$ SELECT lower(t) $$;" },
	{ "procedure", "tidy()",
	  "CREATE OR REPLACE PROCEDURE tidy() LANGUAGE sql AS $$ SELECT 1 $$;\n"
	  "COMMENT ON PROCEDURE tidy() IS 'it''s tidy';" },
	{ "view", "active_users",
	  "CREATE VIEW active_users AS SELECT id FROM users WHERE active;" },
	{ "view", "Odd View",
	  "CREATE VIEW \"Odd View\" AS SELECT 1;\nCOMMENT ON VIEW \"Odd View\" IS 'odd';" },
	{ "materialized view", "counts",
	  "CREATE MATERIALIZED VIEW counts AS SELECT count(*) AS n FROM users;\n"
	  "CREATE UNIQUE INDEX counts_n ON counts (n);" },
	{ "trigger", "users_touch",
	  "CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION "
	  "touch();\nCOMMENT ON TRIGGER users_touch ON users IS 'touch';" },
};

static void test_models_objects__every_kind(void **state)
{
	gm_schema *s = parsed(all_kinds);
	const gm_dependent *d;
	size_t i;
	(void)state;

	assert_int_equal(s->dependents_nr, sizeof(every_kind) / sizeof(every_kind[0]));
	for (i = 0; i < sizeof(every_kind) / sizeof(every_kind[0]); i++)
		assert_object(s, every_kind[i][0], every_kind[i][1], every_kind[i][2]);
	d = gm_schema_dependent(s, "trigger", "users_touch");
	assert_string_equal(d->table, "users");
	assert_string_equal(d->origin, "models/x.yml:18:3");
	gm_schema_free(s);
}

/* The uses come from the names the SQL mentions; the objects are put in creation order. */
static void test_models_objects__uses_and_order(void **state)
{
	gm_schema *s =
		parsed("tables:\n"
		       "  users: {columns: {id: integer, email: text}}\n"
		       "functions:\n"
		       "  norm: CREATE FUNCTION norm(t text) RETURNS text AS 'x' LANGUAGE sql\n"
		       "views:\n"
		       "  b: SELECT id FROM a\n"
		       "  a: SELECT id, norm(email) FROM \"users\"\n");
	const gm_dependent *d;
	(void)state;

	assert_gm_ok(gm_models_validate_objects(s, "postgres"));
	assert_int_equal(s->dependents_nr, 3);
	assert_string_equal(s->dependents[0]->name, "norm(t text)");
	assert_string_equal(s->dependents[1]->name, "a");
	assert_string_equal(s->dependents[2]->name, "b");
	d = s->dependents[1];
	assert_int_equal(d->uses_nr, 2);
	assert_string_equal(d->uses[0], "norm(t text)");
	assert_string_equal(d->uses[1], "users");
	gm_schema_free(s);
}

static void test_models_objects__sqlite(void **state)
{
	gm_schema *s =
		parsed("tables:\n"
		       "  users: {columns: {id: integer}}\n"
		       "views:\n"
		       "  v: {sql: SELECT id FROM users, comment: gone on SQLite}\n"
		       "triggers:\n"
		       "  t:\n"
		       "    table: users\n"
		       "    sql: CREATE TRIGGER t AFTER INSERT ON users BEGIN SELECT 1; END\n");
	(void)state;

	assert_gm_ok(gm_models_validate_objects(s, "sqlite"));
	assert_object(s, "view", "v", "CREATE VIEW v AS SELECT id FROM users;");
	assert_object(s, "trigger", "t",
		      "CREATE TRIGGER t AFTER INSERT ON users BEGIN SELECT 1; END;");
	gm_schema_free(s);

	s = parsed("sequences:\n  a: {start: 1}\n");
	assert_gm_error_at(gm_models_validate_objects(s, "sqlite"), GM_EINVALID, "models/x.yml", 2,
			   3, "'sequences' are not supported on SQLite: sequence 'a'");
	gm_schema_free(s);
	s = parsed("extensions: [citext]\n");
	assert_gm_error_at(gm_models_validate_objects(s, "sqlite"), GM_EINVALID, "models/x.yml", 1,
			   14, "'extensions' are not supported on SQLite: extension 'citext'");
	assert_gm_ok(gm_models_validate_objects(s, "postgres"));
	gm_schema_free(s);
	s = parsed("tables:\n  users: {columns: {id: integer}}\n"
		   "triggers:\n  t: {table: user, sql: CREATE TRIGGER t x}\n");
	assert_gm_error_at(gm_models_validate_objects(s, "postgres"), GM_EINVALID, "models/x.yml",
			   4, 3, "trigger 't' is on missing table 'user'");
	gm_schema_free(s);
}

/* Models that do not parse: the text, and the error's line, column and message. */
static const struct {
	const char *text;
	int line, col;
	const char *msg;
} bad_models[] = {
	{ "views:\n  v: \"  ;\"\n", 2, 6, "view 'v' has empty SQL" },
	{ "views:\n  v:\n", 2, 3, "view 'v' is empty" },
	{ "views:\n  v: {comment: x}\n", 2, 6, "view 'v' has no 'sql'" },
	{ "views:\n  v: {sql: SELECT 1, coment: x}\n", 2, 22, "unknown key 'coment' in view 'v'" },
	{ "views:\n  v: SELECT 1\n  v: SELECT 2\n", 3, 3,
	  "view 'v' is defined twice: models/x.yml:2:3 and models/x.yml:3:3" },
	{ "views: [a]\n", 1, 8, "'views' must be a mapping, not a list" },
	{ "triggers:\n  t: {sql: CREATE TRIGGER t AFTER INSERT ON u}\n", 2, 6,
	  "trigger 't' has no 'table'" },
	{ "triggers:\n  t: {table: u, sql: CREATE TRIGGER s AFTER INSERT ON u}\n", 2, 22,
	  "the SQL of trigger 't' is not CREATE TRIGGER t ..." },
	{ "functions:\n  f: SELECT 1\n", 2, 6,
	  "the SQL of function 'f' is not CREATE FUNCTION f(...) or CREATE "
	  "PROCEDURE f(...)" },
	{ "functions:\n  f: CREATE FUNCTION g() RETURNS int AS 'x'\n", 2, 6,
	  "the SQL of function 'f' is not CREATE FUNCTION f(...) or CREATE "
	  "PROCEDURE f(...)" },
	{ "sequences:\n  s: {start: ten}\n", 2, 14, "'start' of a sequence must be an integer" },
	{ "domains:\n  d: {check: x}\n", 2, 6, "domain 'd' has no 'type'" },
	{ "extensions: [[a]]\n", 1, 14, "an extension name must be a scalar, not a list" },
	{ "materialized_views:\n  m: {sql: SELECT 1, indexes: [DROP x]}\n", 2, 32,
	  "an index of materialized view 'm' is not CREATE [UNIQUE] INDEX ..." },
	{ "view:\n  v: SELECT 1\n", 1, 1, "unknown key 'view' at the top level" },
};

static void test_models_objects__errors(void **state)
{
	size_t i;
	(void)state;

	for (i = 0; i < sizeof(bad_models) / sizeof(bad_models[0]); i++) {
		gm_schema *s;
		int rc;

		gm_schema_new(&s);
		rc = parse(s, bad_models[i].text);
		if (rc != GM_EINVALID || strcmp(gm_error_last()->message, bad_models[i].msg))
			print_error("got %d '%s' for:\n%s", rc, gm_error_last()->message,
				    bad_models[i].text);
		assert_gm_error_at(rc, GM_EINVALID, "models/x.yml", bad_models[i].line,
				   bad_models[i].col, bad_models[i].msg);
		assert_int_equal(s->dependents_nr, 0); /* a failed file leaves nothing behind */
		gm_schema_free(s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_models_objects__every_kind),
		cmocka_unit_test(test_models_objects__uses_and_order),
		cmocka_unit_test(test_models_objects__sqlite),
		cmocka_unit_test(test_models_objects__errors),
	};
	return cmocka_run_group_tests_name("models_objects", tests, NULL, NULL);
}
