/*
 * Unit tests of the order of a PostgreSQL plan (postgres_plan_order.c) and of what an enum
 * swap carries (postgres_plan_swap.c), offline: the statements' order in the plan text.
 * That the SQL applies with rows in place is tested by tests/cli/t0220-t0222.
 */
#include <stdarg.h>
#include <stdlib.h>
#include "gm_test.h"
#include "gm_test_plan.h"
#include "dialect/postgres.h"
#include "db_int.h"
#include "diff_int.h"
#include "models_int.h"
#include "schema_int.h"

static gm_schema *models(const char *yaml)
{
	return gm_test_models(yaml, gm_pg_normalize);
}

/* The plan from → to as text; reverse: the list is a down (GM_DIFF_REVERSE). */
static void plan_schemas(gm_buf *out, const gm_schema *from, const gm_schema *to, bool reverse)
{
	gm_changes changes = GM_CHANGES_INIT;
	gm_plan plan = GM_PLAN_INIT;

	assert_gm_ok(gm_diff(&changes, from, to, reverse ? GM_DIFF_REVERSE : 0));
	assert_gm_ok(gm_dialect_postgres.plan(&plan, &changes));
	gm_test_plan_text(out, &plan);
	gm_plan_release(&plan);
	gm_changes_release(&changes);
}

static void plan_yaml(gm_buf *out, const char *before, const char *after, bool reverse)
{
	gm_schema *from = models(before), *to = models(after);
	plan_schemas(out, from, to, reverse);
	gm_schema_free(to);
	gm_schema_free(from);
}

/* Each string is in text, each after the one before; NULL ends the list. */
static void assert_in_order(const char *text, ...)
{
	const char *at = text, *s;
	va_list ap;

	va_start(ap, text);
	while ((s = va_arg(ap, const char *)) != NULL) {
		const char *hit = strstr(at, s);
		if (!hit) {
			print_error("not found after the previous one: '%s' in:\n%s", s, text);
			va_end(ap);
			fail();
		}
		at = hit + strlen(s);
	}
	va_end(ap);
}

#define ENUM3 "enums:\n  job_status: [new, active, done]\n"
#define ENUM4 "enums:\n  job_status: [new, active, done, failed]\n"
#define JOBS                                             \
	"tables:\n"                                      \
	"  jobs:\n"                                      \
	"    columns:\n"                                 \
	"      id: {type: integer, primary_key: true}\n" \
	"      status: {type: job_status, null: false, default: new}\n"

/* The reported case, as a down: the new table that uses the enum goes before the swap. */
static void test_order__new_table_dropped_before_swap(void **state)
{
	gm_buf got = GM_BUF_INIT;

	(void)state;
	plan_yaml(&got,
		  ENUM4 JOBS "  runs:\n    columns:\n      id: integer\n      s: job_status\n",
		  ENUM3 JOBS, true);
	assert_in_order(got.ptr, "DROP TABLE runs;", "ALTER TYPE job_status RENAME TO",
			"ALTER TABLE jobs ALTER COLUMN status DROP DEFAULT", NULL);
	assert_null(strstr(got.ptr, "ALTER TABLE runs"));
	gm_buf_release(&got);
}

/* A column changed away from a swapped enum changes first; the swap leaves it alone. */
static void test_order__column_leaving_the_enum_before_swap(void **state)
{
	gm_buf got = GM_BUF_INIT;

	(void)state;
	plan_yaml(&got, ENUM4 JOBS "      old: job_status\n", ENUM3 JOBS "      old: text\n",
		  false);
	assert_in_order(got.ptr, "ALTER TABLE jobs ALTER COLUMN old TYPE text",
			"ALTER TYPE job_status RENAME TO", NULL);
	assert_null(strstr(got.ptr, "ALTER COLUMN old TYPE job_status"));
	gm_buf_release(&got);
}

/* A renamed table is converted by its new name (renames come first). */
static void test_order__swap_after_table_rename(void **state)
{
	gm_buf got = GM_BUF_INIT;

	(void)state;
	plan_yaml(&got, ENUM4 JOBS,
		  ENUM3 "tables:\n  tasks:\n    was: jobs\n    columns:\n"
			"      id: {type: integer, primary_key: true}\n"
			"      status: {type: job_status, null: false, default: new}\n",
		  false);
	assert_in_order(got.ptr, "ALTER TABLE jobs RENAME TO tasks;",
			"ALTER TYPE job_status RENAME TO",
			"ALTER TABLE tasks ALTER COLUMN status DROP DEFAULT", NULL);
	gm_buf_release(&got);
}

/*
 * The swap carries a partial and an expression index and a check that name the column,
 * and the dependents that use the enum, the table, or such a dependent: dropped before
 * (last created first), re-created after (in order). Others stay.
 */
static void test_order__swap_carries_keys_and_dependents(void **state)
{
	gm_schema *from =
		models(ENUM4 JOBS
		       "      note: text\n"
		       "    indexes:\n"
		       "      - {name: jobs_active, columns: [id], where: \"status = 'active'\"}\n"
		       "      - {name: jobs_note, columns: [note]}\n"
		       "    checks:\n"
		       "      failed_note: \"status <> 'failed' OR note IS NOT NULL\"\n"
		       "      note_len: \"length(note) < 100\"\n");
	gm_schema *to = NULL;
	gm_table *t = gm_schema_table(from, "jobs");
	gm_index *ix = gm_table_add_index(t, "jobs_lower");
	gm_dependent *d;
	gm_buf got = GM_BUF_INIT;

	(void)state;
	gm_set_str(&ix->expr, "lower((status)::text)");
	d = gm_schema_add_dependent(from, "function", "is_open(s job_status)", NULL,
				    "CREATE FUNCTION is_open(s job_status) RETURNS boolean;");
	gm_dependent_add_use(d, "job_status");
	d = gm_schema_add_dependent(from, "view", "other", NULL, "CREATE VIEW other AS x;");
	gm_dependent_add_use(d, "elsewhere");
	d = gm_schema_add_dependent(from, "view", "open_jobs", NULL, "CREATE VIEW open_jobs AS y;");
	gm_dependent_add_use(d, "is_open(s job_status)");
	d = gm_schema_add_dependent(from, "materialized view", "counts", NULL,
				    "CREATE MATERIALIZED VIEW counts AS z;");
	gm_dependent_add_use(d, "jobs");
	gm_schema_copy(&to, from);
	gm_enum_add_label(gm_schema_enum(from, "job_status"), "paused");

	plan_schemas(&got, from, to, false);
	assert_in_order(got.ptr, "DROP MATERIALIZED VIEW counts;", "DROP VIEW open_jobs;",
			"DROP FUNCTION is_open(s job_status);", "ALTER TYPE job_status RENAME TO",
			"DROP TYPE job_status__old;", "CREATE FUNCTION is_open",
			"CREATE VIEW open_jobs", "CREATE MATERIALIZED VIEW counts", NULL);
	assert_in_order(got.ptr, "DROP INDEX jobs_active;", "ALTER TYPE job_status RENAME TO",
			"DROP TYPE job_status__old;",
			"CREATE INDEX jobs_active ON jobs (id) WHERE status = 'active';", NULL);
	assert_in_order(got.ptr, "DROP INDEX jobs_lower;", "ALTER TYPE job_status RENAME TO",
			"DROP TYPE job_status__old;",
			"CREATE INDEX jobs_lower ON jobs (lower((status)::text));", NULL);
	assert_in_order(got.ptr, "ALTER TABLE jobs DROP CONSTRAINT failed_note;",
			"ALTER TYPE job_status RENAME TO", "DROP TYPE job_status__old;",
			"ALTER TABLE jobs ADD CONSTRAINT failed_note CHECK "
			"(status <> 'failed' OR note IS NOT NULL);",
			NULL);
	assert_null(strstr(got.ptr, "other"));
	assert_null(strstr(got.ptr, "jobs_note"));
	assert_null(strstr(got.ptr, "note_len"));
	gm_buf_release(&got);
	gm_schema_free(to);
	gm_schema_free(from);
}

/* How many times `s` is in text. */
static size_t count_of(const char *text, const char *s)
{
	size_t n = 0;
	for (; (text = strstr(text, s)) != NULL; text += strlen(s))
		n++;
	return n;
}

/*
 * A generated column of a converted table goes before the swap (after the view that uses
 * it) and comes back after it (before the view); the keys that name it come back after it,
 * once, even one that names the enum column too (DROP COLUMN dropped them).
 */
static void test_order__swap_carries_generated_columns(void **state)
{
	gm_schema *from =
		models(ENUM4 JOBS
		       "      label: text\n"
		       "    indexes:\n"
		       "      - {name: jobs_label, columns: [label]}\n"
		       "      - {name: jobs_mix, columns: [label], where: \"status = 'active'\"}\n"
		       "      - {name: jobs_unique_label, columns: [id, label], unique: true}\n"
		       "    checks:\n"
		       "      label_len: \"length(label) < 20 OR status = 'done'\"\n");
	gm_schema *to = NULL;
	gm_dependent *d;
	gm_buf got = GM_BUF_INIT;

	(void)state;
	/* a UNIQUE constraint (as the inspector reads one), not a unique index */
	gm_schema_table(from, "jobs")->indexes[2]->constraint = true;
	d = gm_schema_add_dependent(from, "generated column", "jobs.label", "jobs",
				    "ALTER TABLE jobs ADD COLUMN label text GENERATED ALWAYS AS "
				    "(f(status)) STORED;");
	gm_dependent_add_use(d, "jobs");
	gm_dependent_add_use(d, "jobs.status");
	d = gm_schema_add_dependent(from, "view", "labels", NULL, "CREATE VIEW labels AS x;");
	gm_dependent_add_use(d, "jobs");
	gm_dependent_add_use(d, "jobs.label");
	gm_schema_copy(&to, from);
	gm_enum_add_label(gm_schema_enum(from, "job_status"), "paused");

	plan_schemas(&got, from, to, false);
	assert_in_order(
		got.ptr, "DROP VIEW labels;", "ALTER TABLE jobs DROP COLUMN label;",
		"ALTER TYPE job_status RENAME TO", "DROP TYPE job_status__old;",
		"ALTER TABLE jobs ADD COLUMN label text GENERATED ALWAYS AS (f(status)) STORED;",
		"CREATE VIEW labels AS x;", NULL);
	assert_in_order(got.ptr, "ALTER TABLE jobs ADD COLUMN label",
			"CREATE INDEX jobs_label ON jobs (label);", NULL);
	assert_in_order(got.ptr, "ALTER TABLE jobs ADD COLUMN label",
			"CREATE INDEX jobs_mix ON jobs (label) WHERE status = 'active';", NULL);
	assert_in_order(got.ptr, "ALTER TABLE jobs ADD COLUMN label",
			"ALTER TABLE jobs ADD CONSTRAINT label_len CHECK", NULL);
	assert_in_order(got.ptr, "ALTER TABLE jobs ADD COLUMN label",
			"ALTER TABLE jobs ADD CONSTRAINT jobs_unique_label UNIQUE (id, label);",
			NULL);
	assert_int_equal(count_of(got.ptr, "CREATE INDEX jobs_mix"), 1);
	assert_int_equal(count_of(got.ptr, "label_len"), 1);
	assert_null(strstr(got.ptr, "DROP INDEX jobs_mix"));
	gm_buf_release(&got);
	gm_schema_free(to);
	gm_schema_free(from);
}

/* A generated column the models drop is dropped once (before the swap), not carried. */
static void test_order__swap_leaves_dropped_generated_column(void **state)
{
	gm_schema *from = models(ENUM4 JOBS "      label: text\n");
	gm_schema *to = models(ENUM4 JOBS);
	gm_dependent *d;
	gm_buf got = GM_BUF_INIT;

	(void)state;
	d = gm_schema_add_dependent(from, "generated column", "jobs.label", "jobs",
				    "ALTER TABLE jobs ADD COLUMN label text GENERATED ALWAYS AS "
				    "(f(status)) STORED;");
	gm_dependent_add_use(d, "jobs");
	gm_dependent_add_use(d, "job_status");
	gm_enum_add_label(gm_schema_enum(from, "job_status"), "paused");

	plan_schemas(&got, from, to, false);
	assert_in_order(got.ptr, "ALTER TABLE jobs DROP COLUMN label;",
			"ALTER TYPE job_status RENAME TO", NULL);
	assert_int_equal(count_of(got.ptr, "DROP COLUMN label"), 1);
	assert_null(strstr(got.ptr, "ADD COLUMN label"));
	gm_buf_release(&got);
	gm_schema_free(to);
	gm_schema_free(from);
}

#define PARENT                                           \
	"tables:\n"                                      \
	"  contacts:\n"                                  \
	"    columns:\n"                                 \
	"      id: {type: integer, primary_key: true}\n" \
	"  deals:\n"                                     \
	"    columns:\n"                                 \
	"      id: {type: integer, primary_key: true}\n"

/* In a down, a kept table's foreign key to a table the plan re-creates is NOT VALID. */
static void test_order__down_fkey_to_recreated_table_not_valid(void **state)
{
	const char *with = PARENT "      contact_id: {type: integer, references: contacts(id)}\n";
	const char *without = "tables:\n  deals:\n    columns:\n"
			      "      id: {type: integer, primary_key: true}\n"
			      "      contact_id: integer\n";
	gm_buf down = GM_BUF_INIT, up = GM_BUF_INIT;

	(void)state;
	plan_yaml(&down, without, with, true);
	assert_in_order(down.ptr, "CREATE TABLE contacts",
			"ALTER TABLE deals ADD CONSTRAINT deals_contact_id_fkey FOREIGN KEY "
			"(contact_id) REFERENCES contacts (id) NOT VALID;",
			NULL);
	plan_yaml(&up, without, with, false);
	assert_null(strstr(up.ptr, "NOT VALID"));
	assert_in_order(up.ptr, "CREATE TABLE contacts", "REFERENCES contacts (id);", NULL);
	gm_buf_release(&up);
	gm_buf_release(&down);
}

/* A new table's foreign key to a kept table waits for that table's new unique key. */
static void test_order__new_table_fkey_after_kept_table_key(void **state)
{
	gm_buf up = GM_BUF_INIT, down = GM_BUF_INIT;
	const char *before = PARENT "      code: text\n";
	const char *after = PARENT "      code: {type: text, unique: true}\n"
				   "  lines:\n    columns:\n"
				   "      id: {type: integer, primary_key: true}\n"
				   "      code: {type: text, references: deals(code)}\n";

	(void)state;
	plan_yaml(&up, before, after, false);
	assert_in_order(up.ptr, "CREATE TABLE lines",
			"ALTER TABLE deals ADD CONSTRAINT deals_code_key",
			"ALTER TABLE lines ADD CONSTRAINT lines_code_fkey", NULL);
	plan_yaml(&down, after, before, true);
	assert_in_order(down.ptr, "DROP TABLE lines;",
			"ALTER TABLE deals DROP CONSTRAINT deals_code_key;", NULL);
	gm_buf_release(&down);
	gm_buf_release(&up);
}

/* A column's type changes under a view of its table: the view goes before, comes after. */
static void test_order__retype_carries_views_of_the_table(void **state)
{
	gm_schema *from = models(ENUM3 JOBS "      note: varchar(20)\n");
	gm_schema *to = models(ENUM3 JOBS "      note: text\n      extra: integer\n");
	gm_dependent *d;
	gm_buf got = GM_BUF_INIT;

	(void)state;
	d = gm_schema_add_dependent(from, "view", "notes", NULL, "CREATE VIEW notes AS x;");
	gm_dependent_add_use(d, "jobs");
	d = gm_schema_add_dependent(from, "view", "other", NULL, "CREATE VIEW other AS y;");
	gm_dependent_add_use(d, "elsewhere");
	gm_schema_inherit_dependents(to, from); /* the models declare no view: as prepare does */
	plan_schemas(&got, from, to, false);
	assert_in_order(got.ptr, "DROP VIEW notes;", "ALTER TABLE jobs ADD COLUMN extra",
			"ALTER TABLE jobs ALTER COLUMN note TYPE text", "CREATE VIEW notes AS x;",
			NULL);
	assert_null(strstr(got.ptr, "other"));
	gm_buf_release(&got);
	gm_schema_free(to);
	gm_schema_free(from);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order__new_table_dropped_before_swap),
		cmocka_unit_test(test_order__column_leaving_the_enum_before_swap),
		cmocka_unit_test(test_order__swap_after_table_rename),
		cmocka_unit_test(test_order__swap_carries_keys_and_dependents),
		cmocka_unit_test(test_order__swap_carries_generated_columns),
		cmocka_unit_test(test_order__swap_leaves_dropped_generated_column),
		cmocka_unit_test(test_order__down_fkey_to_recreated_table_not_valid),
		cmocka_unit_test(test_order__new_table_fkey_after_kept_table_key),
		cmocka_unit_test(test_order__retype_carries_views_of_the_table),
	};
	return cmocka_run_group_tests_name("postgres_plan_order", tests, NULL, NULL);
}
