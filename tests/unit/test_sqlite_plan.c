/*
 * Unit tests of core/dialect/sqlite_plan.c, offline: normalize, and the planner as a table
 * of (before models, after models, expected SQL) cases (Atlas's style; the table is
 * sqlite_plan_cases.h). test_sqlite_plan_apply.c runs the same cases on real SQLite
 * databases.
 */
#include <stdlib.h>
#include "gm_test.h"
#include "gm_test_plan.h"
#include "dialect/sqlite.h"
#include "sqlite_plan_cases.h"
#include "db_int.h"
#include "diff_int.h"
#include "models_int.h"
#include "schema_int.h"

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

/* The plan from → to as text (gm_test_plan_text). */
static void plan_text(gm_buf *out, const gm_schema *from, const gm_schema *to)
{
	gm_changes changes = GM_CHANGES_INIT;
	gm_plan plan = GM_PLAN_INIT;
	plan_between(&plan, &changes, from, to);
	gm_test_plan_text(out, &plan);
	gm_plan_release(&plan);
	gm_changes_release(&changes);
}

/* ---- the table ---- */

static void test_sqlite_plan__cases(void **state)
{
	size_t i;
	int failed = 0;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		gm_schema *from = models(cases[i].before_yaml);
		gm_schema *to = models(cases[i].after_yaml);
		gm_buf got = GM_BUF_INIT;

		plan_text(&got, from, to);
		if (strcmp(got.ptr, cases[i].expect_sql)) {
			print_error("case '%s':\n--- got\n%s--- expected\n%s", cases[i].name,
				    got.ptr, cases[i].expect_sql);
			failed++;
		}
		gm_buf_release(&got);
		gm_schema_free(to);
		gm_schema_free(from);
	}
	assert_int_equal(failed, 0);
}

/* ---- normalize ---- */

static void test_sqlite_plan__normalize(void **state)
{
	gm_schema *s = models("enums:\n"
			      "  dealcurrency: [USD, EUR]\n"
			      "tables:\n"
			      "  deals:\n"
			      "    comment: Sales deals\n"
			      "    columns:\n"
			      "      id: {type: integer, primary_key: true, identity: true}\n"
			      "      currency: {type: dealcurrency, comment: money}\n"
			      "      seq: serial\n"
			      "      big: bigserial\n"
			      "      amount: numeric(12,2)\n"
			      "  events:\n"
			      "    columns:\n"
			      "      id: {type: bigint, primary_key: true, identity: true}\n");
	const gm_table *deals = gm_schema_table(s, "deals");
	const gm_table *events = gm_schema_table(s, "events");
	const gm_column *c;

	assert_int_equal(s->enums_nr, 0);
	assert_null(deals->comment);

	c = gm_table_column(deals, "id");
	assert_string_equal(c->type, "integer");
	assert_true(c->identity);

	c = gm_table_column(deals, "currency");
	assert_string_equal(c->type, "text");
	assert_int_equal(c->labels_nr, 2);
	assert_string_equal(c->labels[0], "USD");
	assert_string_equal(c->labels[1], "EUR");
	assert_string_equal(c->enum_name, "dealcurrency");
	assert_null(c->comment);

	assert_string_equal(gm_table_column(deals, "seq")->type, "integer");
	assert_string_equal(gm_table_column(deals, "big")->type, "bigint");
	assert_string_equal(gm_table_column(deals, "amount")->type, "numeric(12,2)");

	/* AUTOINCREMENT needs an INTEGER PRIMARY KEY */
	c = gm_table_column(events, "id");
	assert_string_equal(c->type, "bigint");
	assert_false(c->identity);

	/* idempotent */
	gm_sqlite_normalize(s);
	c = gm_table_column(deals, "currency");
	assert_string_equal(c->type, "text");
	assert_int_equal(c->labels_nr, 2);
	gm_schema_free(s);
}

static void test_sqlite_plan__flags_and_sources(void **state)
{
	gm_schema *from = models("tables:\n"
				 "  a:\n"
				 "    columns:\n"
				 "      x: integer\n"
				 "      y: integer\n"
				 "  b:\n"
				 "    columns:\n"
				 "      x: integer\n");
	gm_schema *to = models("tables:\n"
			       "  a:\n"
			       "    columns:\n"
			       "      x: {type: integer, null: false}\n");
	gm_changes changes = GM_CHANGES_INIT;
	gm_plan plan = GM_PLAN_INIT;
	size_t i;

	plan_between(&plan, &changes, from, to);
	assert_int_equal(plan.nr, 3);
	assert_int_equal(plan.v[0].flags, GM_STMT_REBUILD);
	assert_string_equal(plan.v[0].subject, "a");
	assert_int_equal(plan.v[1].flags, GM_STMT_DATA_LOSS);
	assert_string_equal(plan.v[1].subject, "a.y");
	assert_int_equal(plan.v[2].flags, GM_STMT_DATA_LOSS);
	assert_string_equal(plan.v[2].subject, "b");
	for (i = 0; i < plan.nr; i++) {
		size_t n = strlen(plan.v[i].sql);
		assert_non_null(plan.v[i].source);
		assert_true(n > 2 && !strcmp(plan.v[i].sql + n - 2, ";\n"));
	}
	assert_int_equal(plan.v[0].source->kind, GM_CHANGE_MODIFY_TABLE);
	assert_int_equal(plan.v[2].source->kind, GM_CHANGE_DROP_TABLE);
	gm_plan_release(&plan);
	gm_changes_release(&changes);
	gm_schema_free(to);
	gm_schema_free(from);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sqlite_plan__cases),
		cmocka_unit_test(test_sqlite_plan__normalize),
		cmocka_unit_test(test_sqlite_plan__flags_and_sources),
	};
	return cmocka_run_group_tests_name("sqlite_plan", tests, NULL, NULL);
}
