/*
 * Unit tests of the PostgreSQL planner's objects (postgres_plan_objects.c,
 * postgres_plan_carry.c), offline: which replacements are in place, what is carried.
 * That the SQL applies with rows in place is tested by tests/cli/t0240-t0243.
 */
#include <stdarg.h>
#include <stdlib.h>
#include "gm_test.h"
#include "gm_test_plan.h"
#include "dialect/postgres.h"
#include "db_int.h"
#include "diff_int.h"
#include "schema_int.h"

#define TABLE "tables:\n  t:\n    columns:\n      id: {type: integer, primary_key: true}\n"

/* The up plan from → to as text. */
static void plan_text(gm_buf *out, const gm_schema *from, const gm_schema *to)
{
	gm_changes changes = GM_CHANGES_INIT;
	gm_plan plan = GM_PLAN_INIT;

	gm_test_plan(&plan, &changes, &gm_dialect_postgres, from, to);
	gm_test_plan_text(out, &plan);
	gm_plan_release(&plan);
	gm_changes_release(&changes);
}

static gm_dependent *add(gm_schema *s, const char *kind, const char *name, const char *create,
			 const char *use)
{
	gm_dependent *d = gm_schema_add_dependent(s, kind, name, NULL, create);
	if (use)
		gm_dependent_add_use(d, use);
	return d;
}

#define V_OLD "CREATE VIEW v AS\n SELECT t.id\n   FROM t;"
#define V_MORE "CREATE VIEW v AS\n SELECT t.id,\n    t.id + 1 AS next\n   FROM t;"
#define V_SWAP "CREATE VIEW v AS\n SELECT t.id + 1 AS next,\n    t.id\n   FROM t;"
#define W "CREATE VIEW w AS\n SELECT v.id\n   FROM v;"

/* A column added at the end of a view: CREATE OR REPLACE VIEW, its users stay. */
static void test_objects__compatible_view_replaced_in_place(void **state)
{
	gm_schema *from = gm_test_models(TABLE, gm_pg_normalize);
	gm_schema *to = gm_test_models(TABLE, gm_pg_normalize);
	gm_buf got = GM_BUF_INIT;

	(void)state;
	add(from, "view", "v", V_OLD, "t");
	add(from, "view", "w", W, "v");
	add(to, "view", "v", V_MORE, "t");
	add(to, "view", "w", W, "v");
	plan_text(&got, from, to);
	assert_string_equal(got.ptr, "CREATE OR REPLACE VIEW v AS\n SELECT t.id,\n"
				     "    t.id + 1 AS next\n   FROM t;\n");
	gm_buf_release(&got);
	gm_schema_free(to);
	gm_schema_free(from);
}

/* Columns reordered: the view and the view on it are dropped first and created after. */
static void test_objects__incompatible_view_carries_its_users(void **state)
{
	gm_schema *from = gm_test_models(TABLE, gm_pg_normalize);
	gm_schema *to = gm_test_models(TABLE, gm_pg_normalize);
	gm_buf got = GM_BUF_INIT;

	(void)state;
	add(from, "view", "v", V_OLD, "t");
	add(from, "view", "w", W, "v");
	add(to, "view", "v", V_SWAP, "t");
	add(to, "view", "w", W, "v");
	plan_text(&got, from, to);
	assert_string_equal(got.ptr, "DROP VIEW w;\nDROP VIEW v;\n" V_SWAP "\n" W "\n");
	gm_buf_release(&got);
	gm_schema_free(to);
	gm_schema_free(from);
}

/* Only the comment changes (or goes): COMMENT ON alone. */
static void test_objects__comment_only(void **state)
{
	gm_schema *from = gm_test_models(TABLE, gm_pg_normalize);
	gm_schema *to = gm_test_models(TABLE, gm_pg_normalize);
	gm_buf got = GM_BUF_INIT;

	(void)state;
	add(from, "view", "v", V_OLD "\nCOMMENT ON VIEW v IS 'old';", "t");
	add(from, "function", "f()",
	    "CREATE OR REPLACE FUNCTION f()\n RETURNS integer\n LANGUAGE sql\nAS $$SELECT 1$$;\n"
	    "COMMENT ON FUNCTION f() IS 'one';",
	    NULL);
	add(to, "view", "v", V_OLD "\nCOMMENT ON VIEW v IS 'new';", "t");
	add(to, "function", "f()",
	    "CREATE OR REPLACE FUNCTION f()\n RETURNS integer\n LANGUAGE sql\nAS $$SELECT 1$$;",
	    NULL);
	plan_text(&got, from, to);
	assert_string_equal(got.ptr,
			    "COMMENT ON FUNCTION f() IS NULL;\nCOMMENT ON VIEW v IS 'new';\n");
	gm_buf_release(&got);
	gm_schema_free(to);
	gm_schema_free(from);
}

/* A body change is CREATE OR REPLACE; a RETURNS change drops the function and its users
 * first (a view, an expression index of t), and creates them after. */
static void test_objects__function_return_type(void **state)
{
	gm_schema *from = gm_test_models(TABLE, gm_pg_normalize);
	gm_schema *to = gm_test_models(TABLE, gm_pg_normalize);
	gm_buf got = GM_BUF_INIT;

	(void)state;
	gm_table_add_index(from->tables[0], "t_f")->expr = gm_xstrdup("f(id)");
	gm_table_add_index(to->tables[0], "t_f")->expr = gm_xstrdup("f(id)");
	add(from, "function", "f(i integer)",
	    "CREATE OR REPLACE FUNCTION f(i integer)\n RETURNS integer\n LANGUAGE plpgsql\n"
	    "AS $$BEGIN RETURN i; END$$;",
	    NULL);
	add(from, "view", "v", "CREATE VIEW v AS\n SELECT f(t.id) AS x\n   FROM t;", "t");
	gm_dependent_add_use(from->dependents[1], "f(i integer)");
	add(to, "function", "f(i integer)",
	    "CREATE OR REPLACE FUNCTION f(i integer)\n RETURNS bigint\n LANGUAGE plpgsql\n"
	    "AS $$BEGIN RETURN i; END$$;",
	    NULL);
	add(to, "view", "v", from->dependents[1]->create, "t");
	gm_dependent_add_use(to->dependents[1], "f(i integer)");
	plan_text(&got, from, to);
	assert_non_null(strstr(got.ptr,
			       "DROP VIEW v;\nDROP INDEX t_f;\nDROP FUNCTION f(i integer);\n"
			       "CREATE OR REPLACE FUNCTION f(i integer)\n RETURNS bigint"));
	assert_non_null(strstr(got.ptr, "$$;\nCREATE VIEW v AS"));
	assert_non_null(strstr(got.ptr, "   FROM t;\nCREATE INDEX t_f ON t (f(id));\n"));
	/* the same header: in place */
	free(to->dependents[0]->create);
	to->dependents[0]->create = gm_xstrdup("CREATE OR REPLACE FUNCTION f(i integer)\n"
					       " RETURNS integer\n LANGUAGE plpgsql\n"
					       "AS $$BEGIN RETURN i + 0; END$$;");
	gm_buf_clear(&got);
	plan_text(&got, from, to);
	assert_string_equal(got.ptr, "CREATE OR REPLACE FUNCTION f(i integer)\n RETURNS integer\n"
				     " LANGUAGE plpgsql\nAS $$BEGIN RETURN i + 0; END$$;\n");
	gm_buf_release(&got);
	gm_schema_free(to);
	gm_schema_free(from);
}

/* A trigger is named "name on table"; it is dropped by its own name on its table. */
static void test_objects__trigger_drop(void **state)
{
	gm_buf got = GM_BUF_INIT;
	gm_dependent d = { "trigger", "touch on t", "t", "CREATE TRIGGER ...;", NULL, 0, 0, NULL };

	(void)state;
	gm_pg_put_drop_object(&got, &d);
	assert_string_equal(got.ptr, "DROP TRIGGER touch ON t;\n");
	gm_buf_release(&got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_objects__compatible_view_replaced_in_place),
		cmocka_unit_test(test_objects__incompatible_view_carries_its_users),
		cmocka_unit_test(test_objects__comment_only),
		cmocka_unit_test(test_objects__function_return_type),
		cmocka_unit_test(test_objects__trigger_drop),
	};
	return cmocka_run_group_tests_name("pg_objects_plan", tests, NULL, NULL);
}
