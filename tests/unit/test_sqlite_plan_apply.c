/*
 * Unit tests of core/dialect/sqlite_plan.c on real SQLite databases: the planner's cases
 * (sqlite_plan_cases.h) must apply and the inspected result must equal the models, and
 * rows must survive a table rebuild, up and down.
 */
#include <stdlib.h>
#include <sqlite3.h>
#include "gm_test.h"
#include "schema_int.h"
#include "models_int.h"
#include "diff_int.h"
#include "db_int.h"
#include "gm_test_plan.h"
#include "gm_test_sqlite.h"
#include "dialect/sqlite.h"
#include "sqlite_plan_cases.h"

/* ---- helpers ---- */

static gm_schema *models(const char *yaml)
{
	return gm_test_models(yaml, gm_sqlite_normalize);
}

/* Plan from → to (both normalized) into *plan. */
static void plan_between(gm_plan *plan, gm_changes *changes, const gm_schema *from,
			 const gm_schema *to)
{
	gm_test_plan(plan, changes, &gm_dialect_sqlite, from, to);
}

/* ---- on a real SQLite database ---- */

static gm_conn *open_memory(void)
{
	gm_url *url = NULL;
	gm_conn *conn = NULL;
	assert_gm_ok(gm_url_parse(&url, "sqlite://:memory:", "/"));
	assert_gm_ok(gm_conn_open(&conn, url));
	gm_url_free(url);
	return conn;
}

/* Run a plan's SQL on conn in one transaction, as the applier does; origin names it. */
static void exec_plan(gm_conn *conn, const gm_plan *plan, const char *origin)
{
	gm_buf sql = GM_BUF_INIT;

	gm_plan_render(&sql, plan);
	assert_gm_ok(conn->dialect->begin(conn));
	assert_gm_ok(conn->dialect->exec(conn, sql.ptr, origin, 1));
	assert_gm_ok(conn->dialect->commit(conn));
	gm_buf_release(&sql);
}

/* Apply the plan from → to. */
static void apply(gm_conn *conn, const gm_schema *from, const gm_schema *to)
{
	gm_changes changes = GM_CHANGES_INIT;
	gm_plan plan = GM_PLAN_INIT;

	plan_between(&plan, &changes, from, to);
	exec_plan(conn, &plan, "planned.sql");
	gm_plan_release(&plan);
	gm_changes_release(&changes);
}

/* The database's inspected schema must equal `want`. */
static void assert_schema(gm_conn *conn, const gm_schema *want, const char *what)
{
	gm_schema *got = NULL;

	assert_gm_ok(conn->dialect->inspect(&got, conn, "git_migrate_history"));
	gm_test_assert_same_schema(want, got, what);
	gm_schema_free(got);
}

static void test_sqlite_plan__cases_apply_on_sqlite(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		gm_schema *empty = models("");
		gm_schema *from = models(cases[i].before_yaml);
		gm_schema *to = models(cases[i].after_yaml);
		gm_conn *conn = open_memory();

		apply(conn, empty, from);
		assert_schema(conn, from, cases[i].name);
		apply(conn, from, to);
		assert_schema(conn, to, cases[i].name);
		gm_conn_free(conn);
		gm_schema_free(to);
		gm_schema_free(from);
		gm_schema_free(empty);
	}
}

static void run_sql(sqlite3 *db, const char *sql)
{
	gm_test_sqlite_exec(NULL, db, sql);
}

static void assert_rows(sqlite3 *db, const char *query, const char *expect)
{
	gm_test_sqlite_assert_rows(db, query, expect);
}

static void test_sqlite_plan__rows_survive(void **state)
{
	gm_schema *empty = models("");
	gm_schema *v1 = models(
		"enums:\n"
		"  dealcurrency: [USD, EUR]\n"
		"tables:\n"
		"  contacts:\n"
		"    columns:\n"
		"      id: {type: integer, primary_key: true, identity: true}\n"
		"      email: {type: text, null: false, unique: true}\n"
		"      name: text\n"
		"      fax: text\n"
		"  deals:\n"
		"    columns:\n"
		"      id: {type: integer, primary_key: true}\n"
		"      title: text\n"
		"      amount: integer\n"
		"      currency: {type: dealcurrency, null: false, default: USD}\n"
		"      contact_id: {type: integer, references: contacts(id), on_delete: cascade}\n"
		"    indexes:\n"
		"      - {columns: [title]}\n"
		"  order:\n"
		"    columns:\n"
		"      user: text\n"
		"      \"Deal Notes\": text\n");
	gm_schema *v2 = models(
		"enums:\n"
		"  dealcurrency: [USD, EUR, BTC]\n"
		"tables:\n"
		"  contacts:\n"
		"    columns:\n"
		"      id: {type: integer, primary_key: true, identity: true}\n"
		"      email: {type: varchar(200), null: false, unique: true}\n"
		"      full_name: {type: text, was: name}\n"
		"      phone: text\n"
		"  deals:\n"
		"    columns:\n"
		"      id: {type: integer, primary_key: true}\n"
		"      headline: {type: varchar(200), null: false, default: untitled, was: title}\n"
		"      amount: numeric(12,2)\n"
		"      currency: {type: dealcurrency, null: false, default: USD}\n"
		"      contact_id: {type: integer, references: contacts(id), on_delete: cascade}\n"
		"      stage: {type: text, null: false, default: new}\n"
		"    indexes:\n"
		"      - {columns: [headline]}\n"
		"    checks:\n"
		"      amount_positive: amount >= 0\n"
		"  orders:\n"
		"    was: order\n"
		"    columns:\n"
		"      user: text\n"
		"      \"Deal Notes\": text\n");
	gm_conn *conn = open_memory();
	sqlite3 *db = gm_sqlite_db(conn);

	apply(conn, empty, v1);
	run_sql(db,
		"INSERT INTO contacts (email, name, fax) VALUES "
		"('a@x.org', 'Ann', '1'), ('b@x.org', 'Bob', NULL), ('t@x.org', 'Tmp', NULL);"
		"DELETE FROM contacts WHERE email = 't@x.org';"
		"INSERT INTO deals VALUES (10, 'Big', 100, 'EUR', 1), (11, 'Small', 5, 'USD', 2);"
		"INSERT INTO \"order\" VALUES ('ann', 'it''s urgent');");

	apply(conn, v1, v2);
	assert_schema(conn, v2, "rows_survive");
	assert_rows(db, "SELECT id, email, full_name, phone FROM contacts ORDER BY id",
		    "1|a@x.org|Ann|NULL\n2|b@x.org|Bob|NULL\n");
	assert_rows(db,
		    "SELECT id, headline, amount, currency, contact_id, stage FROM deals "
		    "ORDER BY id",
		    "10|Big|100|EUR|1|new\n11|Small|5|USD|2|new\n");
	assert_rows(db, "SELECT user, \"Deal Notes\" FROM orders", "ann|it's urgent\n");
	/* the new label is allowed, a foreign label still refused, cascades still work */
	run_sql(db, "INSERT INTO deals (id, currency) VALUES (12, 'BTC')");
	assert_int_not_equal(sqlite3_exec(db, "INSERT INTO deals (id, currency) VALUES (13, 'XXX')",
					  NULL, NULL, NULL),
			     SQLITE_OK);
	run_sql(db, "DELETE FROM contacts WHERE id = 2");
	assert_rows(db, "SELECT id FROM deals ORDER BY id", "10\n12\n");
	/* AUTOINCREMENT survived the rebuild of contacts: ids 2 and 3 are not reused */
	run_sql(db, "INSERT INTO contacts (email) VALUES ('c@x.org')");
	assert_rows(db, "SELECT max(id) FROM contacts", "4\n");

	/* and back: the reverse plan restores the old shape with the rows */
	{
		gm_changes changes = GM_CHANGES_INIT;
		gm_plan plan = GM_PLAN_INIT;
		assert_gm_ok(gm_diff(&changes, v2, v1, GM_DIFF_REVERSE));
		assert_gm_ok(gm_sqlite_plan(&plan, &changes));
		run_sql(db, "DELETE FROM deals WHERE currency = 'BTC'");
		exec_plan(conn, &plan, "down.sql");
		gm_plan_release(&plan);
		gm_changes_release(&changes);
	}
	assert_schema(conn, v1, "rows_survive down");
	assert_rows(db, "SELECT id, title, amount, currency, contact_id FROM deals ORDER BY id",
		    "10|Big|100|EUR|1\n");
	assert_rows(db, "SELECT id, email, name, fax FROM contacts ORDER BY id",
		    "1|a@x.org|Ann|NULL\n4|c@x.org|NULL|NULL\n");
	run_sql(db,
		"DELETE FROM contacts WHERE id = 4; INSERT INTO contacts (email) VALUES ('d@x.org')");
	assert_rows(db, "SELECT max(id) FROM contacts", "5\n");
	assert_rows(db, "SELECT user, \"Deal Notes\" FROM \"order\"", "ann|it's urgent\n");

	gm_conn_free(conn);
	gm_schema_free(v2);
	gm_schema_free(v1);
	gm_schema_free(empty);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sqlite_plan__cases_apply_on_sqlite),
		cmocka_unit_test(test_sqlite_plan__rows_survive),
	};
	return cmocka_run_group_tests_name("sqlite_plan_apply", tests, NULL, NULL);
}
