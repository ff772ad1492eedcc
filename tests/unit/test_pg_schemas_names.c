/* Unit tests of schemas (issue 14): qualified names, their SQL, `schemas:`, gm_schema_scope. */
#include <stdlib.h>
#include "gm_test.h"
#include "dialect/sql.h"
#include "schema_int.h"

static char root[256];

GM_TEST_TMPDIR_FIXTURES(group_setup, group_teardown, root, "gm-test-pg-schemas-")

static void split_is(const char *name, bool qualified, const char *schema, const char *local)
{
	gm_buf s = GM_BUF_INIT, l = GM_BUF_INIT;

	assert_int_equal(gm_name_split(name, &s, &l), qualified);
	assert_string_equal(s.ptr, schema);
	assert_string_equal(l.ptr, local);
	gm_buf_release(&s);
	gm_buf_release(&l);
}

static void test_pg_schemas__split(void **state)
{
	(void)state;
	split_is("invoices", false, "", "invoices");
	split_is("billing.invoices", true, "billing", "invoices");
	split_is("billing.Invoices", true, "billing", "Invoices");
	split_is("\"a.b\"", false, "", "a.b");
	split_is("billing.\"x.y\"", true, "billing", "x.y");
	split_is("\"Sales.EU\".\"Order\"", true, "Sales.EU", "Order");
	split_is("\"say \"\"hi\"\"\".t", true, "say \"hi\"", "t");
	/* not one of the forms: the name as it is, one identifier */
	split_is("a.b.c", false, "", "a.b.c");
	split_is(".t", false, "", ".t");
	split_is("t.", false, "", "t.");
	split_is("\"open", false, "", "\"open");
	split_is("a\"b", false, "", "a\"b");
}

static void sql_is(void (*put)(gm_buf *, const char *), const char *name, const char *want)
{
	gm_buf b = GM_BUF_INIT;

	put(&b, name);
	assert_string_equal(b.ptr, want);
	gm_buf_release(&b);
}

static void test_pg_schemas__sql(void **state)
{
	gm_buf b = GM_BUF_INIT;

	(void)state;
	sql_is(gm_sql_qname, "invoices", "invoices");
	sql_is(gm_sql_qname, "Order", "\"Order\"");
	sql_is(gm_sql_qname, "billing.invoices", "billing.invoices");
	sql_is(gm_sql_qname, "billing.Invoices", "billing.\"Invoices\"");
	sql_is(gm_sql_qname, "user.order", "\"user\".\"order\"");
	sql_is(gm_sql_qname, "\"a.b\"", "\"a.b\"");
	sql_is(gm_sql_qname, "\"Sales.EU\".\"x\"\"y\"", "\"Sales.EU\".\"x\"\"y\"");
	sql_is(gm_sql_qname_local, "billing.status__old", "status__old");
	sql_is(gm_sql_qname_local, "status", "status");
	gm_sql_qname_beside(&b, "billing.t", "t_a_idx");
	gm_buf_puts(&b, " ");
	gm_sql_qname_beside(&b, "t", "t_a_idx");
	assert_string_equal(b.ptr, "billing.t_a_idx t_a_idx");
	gm_buf_clear(&b);
	/* SQLite has no schemas: a dotted name is one identifier there */
	gm_sql_table(&b, &gm_dialect_sqlite, "billing.t");
	gm_buf_puts(&b, " ");
	gm_sql_table(&b, &gm_dialect_postgres, "billing.t");
	assert_string_equal(b.ptr, "\"billing.t\" billing.t");
	gm_buf_release(&b);
}

static void test_pg_schemas__conventional_names(void **state)
{
	gm_buf b = GM_BUF_INIT;
	char *cols[] = { "user_id" };

	(void)state;
	gm_name_pkey(&b, "billing.Invoices");
	assert_string_equal(b.ptr, "Invoices_pkey");
	gm_name_fkey(&b, "billing.invoices", cols, 1);
	assert_string_equal(b.ptr, "invoices_user_id_fkey");
	gm_name_index(&b, "\"a.b\"", cols, 1);
	assert_string_equal(b.ptr, "a.b_user_id_idx");
	gm_name_key(&b, "invoices", cols, 1);
	assert_string_equal(b.ptr, "invoices_user_id_key");
	gm_buf_release(&b);
}

static void test_pg_schemas__config_key(void **state)
{
	gm_config *cfg = NULL;

	(void)state;
	assert_gm_ok(gm_config_load(&cfg, root, NULL));
	assert_null(cfg->schemas);
	assert_int_equal(cfg->schemas_nr, 0);
	gm_config_free(cfg);

	gm_test_write_file(root, ".gitmigrate.yml", "schemas: [public, billing, \"Sales.EU\"]\n");
	assert_gm_ok(gm_config_load(&cfg, root, NULL));
	assert_int_equal(cfg->schemas_nr, 3);
	assert_string_equal(cfg->schemas[0], "public");
	assert_string_equal(cfg->schemas[1], "billing");
	assert_string_equal(cfg->schemas[2], "Sales.EU");
	gm_config_free(cfg);

	gm_test_write_file(root, ".gitmigrate.yml", "schemas: billing\n");
	assert_gm_ok(gm_config_load(&cfg, root, NULL));
	assert_int_equal(cfg->schemas_nr, 1);
	assert_string_equal(cfg->schemas[0], "billing");
	gm_config_free(cfg);
}

static void test_pg_schemas__config_errors(void **state)
{
	gm_config *cfg = NULL;

	(void)state;
	gm_test_write_file(root, ".gitmigrate.yml", "schemas: {billing: yes}\n");
	assert_gm_error_at(gm_config_load(&cfg, root, NULL), GM_EINVALID, ".gitmigrate.yml", 1, 10,
			   "'schemas' must be a list of schema names, not a mapping");
	assert_null(cfg);
	gm_test_write_file(root, ".gitmigrate.yml", "schemas: []\n");
	assert_gm_error_at(gm_config_load(&cfg, root, NULL), GM_EINVALID, ".gitmigrate.yml", 1, 10,
			   "'schemas' needs at least one schema");
	gm_test_write_file(root, ".gitmigrate.yml", "schemas:\n");
	assert_gm_fails(GM_EINVALID, "'schemas' needs at least one schema",
			gm_config_load(&cfg, root, NULL));
	gm_test_write_file(root, ".gitmigrate.yml", "schemas: [billing, [x]]\n");
	assert_gm_error_at(gm_config_load(&cfg, root, NULL), GM_EINVALID, ".gitmigrate.yml", 1, 20,
			   "an entry of 'schemas' must be a schema name");
	gm_test_write_file(root, ".gitmigrate.yml", "schema: [billing]\n");
	assert_gm_fails(GM_EINVALID, "unknown key 'schema'", gm_config_load(&cfg, root, NULL));
	assert_gm_hint("did you mean 'schemas'?");
}

/* A database with tables in public, billing and legacy, and their schema objects. */
static gm_schema *database(void)
{
	gm_schema *s = NULL;

	gm_schema_new(&s);
	gm_schema_add_table(s, "users");
	gm_schema_add_table(s, "billing.invoices");
	gm_schema_add_table(s, "legacy.old");
	gm_schema_add_enum(s, "legacy.state");
	gm_schema_add_dependent(s, "schema", "billing", NULL, "CREATE SCHEMA billing;");
	gm_schema_add_dependent(s, "schema", "legacy", NULL, "CREATE SCHEMA legacy;");
	gm_schema_add_dependent(s, "view", "legacy.v", NULL, "CREATE VIEW legacy.v AS SELECT 1;");
	gm_schema_add_dependent(s, "function", "legacy.f(integer)", NULL, "CREATE FUNCTION ...;");
	return s;
}

static void test_pg_schemas__scope_default(void **state)
{
	gm_schema *db = database(), *models = NULL;

	(void)state;
	/* the models name billing: every schema is theirs, legacy is not kept */
	gm_schema_new(&models);
	gm_schema_add_table(models, "users");
	gm_schema_add_table(models, "billing.invoices");
	gm_schema_add_dependent(models, "schema", "billing", NULL, "CREATE SCHEMA billing;");
	assert_gm_ok(gm_schema_scope(models, db, NULL, 0));
	assert_int_equal(models->tables_nr, 2);
	assert_int_equal(models->dependents_nr, 1);
	gm_schema_free(models);

	/* the models name no schema: the others stay, with everything in them */
	gm_schema_new(&models);
	gm_schema_add_table(models, "users");
	assert_gm_ok(gm_schema_scope(models, db, NULL, 0));
	assert_int_equal(models->tables_nr, 3);
	assert_non_null(gm_schema_table(models, "billing.invoices"));
	assert_non_null(gm_schema_table(models, "legacy.old"));
	assert_non_null(gm_schema_enum(models, "legacy.state"));
	assert_non_null(gm_schema_dependent(models, "schema", "legacy"));
	assert_non_null(gm_schema_dependent(models, "function", "legacy.f(integer)"));
	/* in creation order: the schema before what it holds */
	assert_string_equal(models->dependents[0]->kind, "schema");
	gm_schema_free(models);
	gm_schema_free(db);
}

static void test_pg_schemas__scope_listed(void **state)
{
	gm_schema *db = database(), *models = NULL;
	char *list[] = { "billing" };

	(void)state;
	gm_schema_new(&models);
	gm_schema_add_table(models, "users");
	gm_schema_add_dependent(models, "schema", "billing", NULL, "CREATE SCHEMA billing;");
	assert_gm_ok(gm_schema_scope(models, db, list, 1));
	/* billing is managed (its table dropped), legacy is not (kept) */
	assert_null(gm_schema_table(models, "billing.invoices"));
	assert_non_null(gm_schema_table(models, "legacy.old"));
	assert_non_null(gm_schema_dependent(models, "view", "legacy.v"));
	assert_non_null(gm_schema_dependent(models, "schema", "legacy"));
	gm_schema_free(models);

	gm_schema_new(&models);
	gm_schema_add_table(models, "audit.events");
	assert_gm_fails(
		GM_EINVALID,
		"the models use schema 'audit', which 'schemas' in the config does not list",
		gm_schema_scope(models, db, list, 1));
	gm_schema_free(models);
	gm_schema_free(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pg_schemas__split),
		cmocka_unit_test(test_pg_schemas__sql),
		cmocka_unit_test(test_pg_schemas__conventional_names),
		cmocka_unit_test(test_pg_schemas__config_key),
		cmocka_unit_test(test_pg_schemas__config_errors),
		cmocka_unit_test(test_pg_schemas__scope_default),
		cmocka_unit_test(test_pg_schemas__scope_listed),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
