/* gm_models_sql_hints: `-- git-migrate: was <old>` comments of SQL models onto a schema. */
#include <stdlib.h>
#include "gm_test.h"
#include "schema_int.h"
#include "models_sqlhint.h"

/* The schema a database would inspect: users(id, display_name, "Nick"), "People"(id). */
static gm_schema *inspected(void)
{
	gm_schema *s = NULL;
	gm_table *t;

	gm_schema_new(&s);
	t = gm_schema_add_table(s, "users");
	gm_table_add_column(t, "id", "integer");
	gm_table_add_column(t, "display_name", "text");
	gm_table_add_column(t, "Nick", "text");
	t = gm_schema_add_table(s, "People");
	gm_table_add_column(t, "id", "integer");
	return s;
}

static void test_sqlhint__columns_and_tables(void **state)
{
	gm_schema *s = inspected();
	const char *sql =
		"/* -- git-migrate: was nothing */\n"
		"CREATE TABLE IF NOT EXISTS public.users (\n"
		"  id integer PRIMARY KEY,\n"
		"  display_name text DEFAULT 'a -- git-migrate: was no' -- git-migrate: was fullname\n"
		"  , \"Nick\" text -- git-migrate:   WAS   \"OldNick\"  \n"
		");\n"
		"CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; -- git-migrate: was x\n"
		"$body$ LANGUAGE sql;\n"
		"CREATE TABLE people ( -- git-migrate: was persons\n"
		"  id integer);\n";

	(void)state;
	assert_gm_ok(gm_models_sql_hints(s, sql, "models/app.sql"));
	assert_string_equal(gm_table_column(gm_schema_table(s, "users"), "display_name")->was,
			    "fullname");
	assert_string_equal(gm_table_column(gm_schema_table(s, "users"), "Nick")->was, "OldNick");
	assert_null(gm_table_column(gm_schema_table(s, "users"), "id")->was);
	assert_null(gm_schema_table(s, "users")->was);
	/* an unquoted name matches the inspected one whatever its case */
	assert_string_equal(gm_schema_table(s, "People")->was, "persons");
	gm_schema_free(s);
}

static void test_sqlhint__errors_at_file_line(void **state)
{
	gm_schema *s = inspected();

	(void)state;
	assert_gm_error_at(gm_models_sql_hints(s,
					       "CREATE TABLE users (\n  id integer\n);\n"
					       "-- git-migrate: was x\n",
					       "m.sql"),
			   GM_EINVALID, "m.sql", 4, 0,
			   "a rename hint outside CREATE TABLE: 'was x'");
	assert_gm_error_at(
		gm_models_sql_hints(
			s, "CREATE TABLE users (\n  gone text -- git-migrate: was x\n);", "m.sql"),
		GM_EINVALID, "m.sql", 2, 0,
		"the rename hint's column 'gone' is not in table 'users'");
	assert_gm_error_at(
		gm_models_sql_hints(s, "CREATE TABLE \"people\" ( -- git-migrate: was x\n id int);",
				    "m.sql"),
		GM_EINVALID, "m.sql", 1, 0,
		"the rename hint's table 'people' is not in the models (is it created by this "
		"file?)");
	assert_gm_error_at(
		gm_models_sql_hints(s, "CREATE TABLE users (\n  id int, -- git-migrate: was\n);",
				    "m.sql"),
		GM_EINVALID, "m.sql", 2, 0, "the rename hint 'was' names no old name");
	assert_gm_error_at(
		gm_models_sql_hints(
			s,
			"CREATE TABLE users (\n id int,\n  PRIMARY KEY (id) -- git-migrate: was k\n);",
			"m.sql"),
		GM_EINVALID, "m.sql", 3, 0, "the rename hint 'was k' is not on a column's line");
	assert_gm_error_at(gm_models_sql_hints(s, "-- git-migrate: rename x", "m.sql"), GM_EINVALID,
			   "m.sql", 1, 0, "unknown 'git-migrate:' comment 'rename x'");
	assert_gm_hint("a rename hint is '-- git-migrate: was <old name>' at the end of a "
		       "column's line, or of the CREATE TABLE line for the table");
	gm_schema_free(s);
}

static void test_sqlhint__plain_sql_untouched(void **state)
{
	gm_schema *s = inspected();

	(void)state;
	assert_gm_ok(gm_models_sql_hints(s, "", NULL));
	assert_gm_ok(gm_models_sql_hints(
		s, "-- a comment\nCREATE TABLE users (id int, 'unterminated", NULL));
	assert_null(gm_schema_table(s, "users")->was);
	gm_schema_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sqlhint__columns_and_tables),
		cmocka_unit_test(test_sqlhint__errors_at_file_line),
		cmocka_unit_test(test_sqlhint__plain_sql_untouched),
	};
	return cmocka_run_group_tests_name("models_sqlhint", tests, NULL, NULL);
}
