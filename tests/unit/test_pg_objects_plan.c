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

/* A plan's two schemas (a table t each) and its text. */
struct pair {
	gm_schema *from, *to;
	gm_buf got;
};

static void pair_init(struct pair *p)
{
	p->from = gm_test_models(TABLE, gm_pg_normalize);
	p->to = gm_test_models(TABLE, gm_pg_normalize);
	gm_buf_init(&p->got);
}

/* The up plan from → to as text (valid until the next call). */
static const char *pair_plan(struct pair *p)
{
	gm_changes changes = GM_CHANGES_INIT;
	gm_plan plan = GM_PLAN_INIT;

	gm_buf_clear(&p->got);
	gm_test_plan(&plan, &changes, &gm_dialect_postgres, p->from, p->to);
	gm_test_plan_text(&p->got, &plan);
	gm_plan_release(&plan);
	gm_changes_release(&changes);
	return p->got.ptr;
}

static void pair_release(struct pair *p)
{
	gm_buf_release(&p->got);
	gm_schema_free(p->to);
	gm_schema_free(p->from);
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

/* Views v (on t) and w (on v), v's new definition `v_to`: the plan. */
static const char *plan_views(struct pair *p, const char *v_to)
{
	pair_init(p);
	add(p->from, "view", "v", V_OLD, "t");
	add(p->from, "view", "w", W, "v");
	add(p->to, "view", "v", v_to, "t");
	add(p->to, "view", "w", W, "v");
	return pair_plan(p);
}

/* A column added at the end of a view: CREATE OR REPLACE VIEW, its users stay. Columns
 * reordered: the view and the view on it are dropped first and created after. */
static void test_objects__views_replaced(void **state)
{
	struct pair p;

	(void)state;
	assert_string_equal(plan_views(&p, V_MORE), "CREATE OR REPLACE VIEW v AS\n SELECT t.id,\n"
						    "    t.id + 1 AS next\n   FROM t;\n");
	pair_release(&p);
	assert_string_equal(plan_views(&p, V_SWAP),
			    "DROP VIEW w;\nDROP VIEW v;\n" V_SWAP "\n" W "\n");
	pair_release(&p);
}

/* Only the comment changes (or goes): COMMENT ON alone. */
static void test_objects__comment_only(void **state)
{
	struct pair p;

	(void)state;
	pair_init(&p);
	add(p.from, "view", "v", V_OLD "\nCOMMENT ON VIEW v IS 'old';", "t");
	add(p.from, "function", "f()",
	    "CREATE OR REPLACE FUNCTION f()\n RETURNS integer\n LANGUAGE sql\nAS $$SELECT 1$$;\n"
	    "COMMENT ON FUNCTION f() IS 'one';",
	    NULL);
	add(p.to, "view", "v", V_OLD "\nCOMMENT ON VIEW v IS 'new';", "t");
	add(p.to, "function", "f()",
	    "CREATE OR REPLACE FUNCTION f()\n RETURNS integer\n LANGUAGE sql\nAS $$SELECT 1$$;",
	    NULL);
	/* f is created after the tables (no table part calls it), in the change list's order */
	assert_string_equal(pair_plan(&p),
			    "COMMENT ON VIEW v IS 'new';\nCOMMENT ON FUNCTION f() IS NULL;\n");
	pair_release(&p);
}

/* A body change is CREATE OR REPLACE; a RETURNS change drops the function and its users
 * first (a view, an expression index of t), and creates them after. */
static void test_objects__function_return_type(void **state)
{
	struct pair p;

	(void)state;
	pair_init(&p);
	gm_table_add_index(p.from->tables[0], "t_f")->expr = gm_xstrdup("f(id)");
	gm_table_add_index(p.to->tables[0], "t_f")->expr = gm_xstrdup("f(id)");
	add(p.from, "function", "f(i integer)",
	    "CREATE OR REPLACE FUNCTION f(i integer)\n RETURNS integer\n LANGUAGE plpgsql\n"
	    "AS $$BEGIN RETURN i; END$$;",
	    NULL);
	add(p.from, "view", "v", "CREATE VIEW v AS\n SELECT f(t.id) AS x\n   FROM t;", "t");
	gm_dependent_add_use(p.from->dependents[1], "f(i integer)");
	add(p.to, "function", "f(i integer)",
	    "CREATE OR REPLACE FUNCTION f(i integer)\n RETURNS bigint\n LANGUAGE plpgsql\n"
	    "AS $$BEGIN RETURN i; END$$;",
	    NULL);
	add(p.to, "view", "v", p.from->dependents[1]->create, "t");
	gm_dependent_add_use(p.to->dependents[1], "f(i integer)");
	pair_plan(&p);
	assert_non_null(strstr(p.got.ptr,
			       "DROP VIEW v;\nDROP INDEX t_f;\nDROP FUNCTION f(i integer);\n"
			       "CREATE OR REPLACE FUNCTION f(i integer)\n RETURNS bigint"));
	assert_non_null(strstr(p.got.ptr, "$$;\nCREATE VIEW v AS"));
	assert_non_null(strstr(p.got.ptr, "   FROM t;\nCREATE INDEX t_f ON t (f(id));\n"));
	/* the same header: in place */
	free(p.to->dependents[0]->create);
	p.to->dependents[0]->create = gm_xstrdup("CREATE OR REPLACE FUNCTION f(i integer)\n"
						 " RETURNS integer\n LANGUAGE plpgsql\n"
						 "AS $$BEGIN RETURN i + 0; END$$;");
	assert_string_equal(pair_plan(&p),
			    "CREATE OR REPLACE FUNCTION f(i integer)\n RETURNS integer\n"
			    " LANGUAGE plpgsql\nAS $$BEGIN RETURN i + 0; END$$;\n");
	pair_release(&p);
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
		cmocka_unit_test(test_objects__views_replaced),
		cmocka_unit_test(test_objects__comment_only),
		cmocka_unit_test(test_objects__function_return_type),
		cmocka_unit_test(test_objects__trigger_drop),
	};
	return cmocka_run_group_tests_name("pg_objects_plan", tests, NULL, NULL);
}
