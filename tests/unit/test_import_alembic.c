/* Unit tests of core/import_alembic_parse.c and import_alembic_sql.c: Alembic files and SQL. */
#include <stdlib.h>
#include "gm_test.h"
#include "import_alembic_int.h"
#include "revision_int.h"

/* ---- revision files --------------------------------------------------- */

static void test_parse__flask_migrate_file(void **state)
{
	gm_revision *rev;
	(void)state;

	assert_gm_ok(gm_alembic_parse(&rev, "v/1_x.py",
				      "\"\"\"add the deals table\n\nRevision ID: 3f2a9c1b7e10\n"
				      "Revises: 1a2b3c4d5e6f\n\"\"\"\n"
				      "from alembic import op\n\n"
				      "# revision identifiers, used by Alembic.\n"
				      "revision = '3f2a9c1b7e10'\n"
				      "down_revision = '1a2b3c4d5e6f'\n"
				      "branch_labels = None\n"));
	assert_string_equal(rev->id, "3f2a9c1b7e10");
	assert_int_equal(rev->parents_nr, 1);
	assert_string_equal(rev->parents[0], "1a2b3c4d5e6f");
	assert_string_equal(rev->message, "add the deals table");
	assert_string_equal(rev->path, "v/1_x.py");
	assert_false(rev->up.present);
	assert_true(rev->transaction);
	gm_revision_free(rev);
}

static void test_parse__base_merge_and_annotations(void **state)
{
	gm_revision *rev;
	(void)state;

	/* a base: None; newer Alembic's annotated assignments; a docstring after comments */
	assert_gm_ok(gm_alembic_parse(&rev, "b.py",
				      "# -*- coding: utf-8 -*-\n'''\n   first line  \nmore'''\n"
				      "revision: str = \"b1\"\n"
				      "down_revision: Union[str, None] = None\n"));
	assert_string_equal(rev->id, "b1");
	assert_int_equal(rev->parents_nr, 0);
	assert_string_equal(rev->message, "first line");
	gm_revision_free(rev);

	/* a merge: a tuple over several lines, with a comment */
	assert_gm_ok(gm_alembic_parse(&rev, "m.py",
				      "revision = 'm1'\n"
				      "down_revision = (\n    'p1',  # phone\n    \"p2\",\n)\n"));
	assert_int_equal(rev->parents_nr, 2);
	assert_string_equal(rev->parents[0], "p1");
	assert_string_equal(rev->parents[1], "p2");
	assert_null(rev->message);
	gm_revision_free(rev);

	/* a list works too; `revision_x` and `down_revisions` are other names */
	assert_gm_ok(gm_alembic_parse(&rev, "l.py",
				      "revision_x = 'no'\nrevision = 'l1'\n"
				      "down_revisions = 'no'\ndown_revision = ['p1']\n"));
	assert_string_equal(rev->id, "l1");
	assert_int_equal(rev->parents_nr, 1);
	assert_string_equal(rev->parents[0], "p1");
	gm_revision_free(rev);
}

static void test_parse__errors(void **state)
{
	gm_revision *rev;
	(void)state;

	assert_gm_fails(GM_ENOTFOUND, "no 'revision = ...'",
			gm_alembic_parse(&rev, "n.py", "x = 1\nrevision == 'a'\n"));
	assert_gm_error_at(
		gm_alembic_parse(&rev, "v.py", "revision = 'a'\ndown_revision = PARENT\n"),
		GM_EINVALID, "v.py", 2, 0, "down_revision is not a revision id literal");
	assert_gm_error_at(gm_alembic_parse(&rev, "i.py", "\n\nrevision = 'a/b'\n"), GM_EINVALID,
			   "i.py", 3, 0,
			   "revision id 'a/b' is not 1-64 characters of [A-Za-z0-9_-]");
	assert_gm_fails(GM_EINVALID, "has more than two parents",
			gm_alembic_parse(&rev, "t.py",
					 "revision = 'm'\ndown_revision = ('a', 'b', 'c')\n"));
	assert_gm_fails(GM_EINVALID, "down_revision is not",
			gm_alembic_parse(&rev, "u.py", "revision = 'm'\ndown_revision = ('a'\n"));
}

/* ---- offline SQL -------------------------------------------------------- */

/* PostgreSQL, one transaction for the run; a merge and an autocommit block. */
static const char pg_upgrade[] =
	"BEGIN;\n\n"
	"CREATE TABLE alembic_version (\n    version_num VARCHAR(32) NOT NULL, \n"
	"    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n);\n\n"
	"-- Running upgrade  -> a1\n\n"
	"CREATE TABLE t (id SERIAL NOT NULL, PRIMARY KEY (id));\n\n"
	"INSERT INTO alembic_version (version_num) VALUES ('a1') RETURNING "
	"alembic_version.version_num;\n\n"
	"-- Running upgrade a1 -> b1\n\n"
	"COMMIT;\n\n"
	"CREATE INDEX CONCURRENTLY ix ON t (id);\n\n"
	"BEGIN;\n\n"
	"UPDATE alembic_version SET version_num='b1' WHERE alembic_version.version_num = 'a1';\n\n"
	"-- Running upgrade a1 -> c1\n\n"
	"ALTER TABLE t ADD COLUMN s TEXT DEFAULT 'x;y';\n\n"
	"INSERT INTO alembic_version (version_num) VALUES ('c1') RETURNING "
	"alembic_version.version_num;\n\n"
	"-- Running upgrade b1, c1 -> m1\n\n"
	"DELETE FROM alembic_version WHERE alembic_version.version_num = 'b1';\n\n"
	"UPDATE alembic_version SET version_num='m1' WHERE alembic_version.version_num = 'c1';\n\n"
	"COMMIT;\n\n";

static void test_sql__split_upgrade(void **state)
{
	gm_alembic_blocks b = { NULL, 0, 0 };
	(void)state;

	assert_gm_ok(gm_alembic_split(&b, pg_upgrade, true));
	assert_int_equal(b.nr, 4);
	assert_string_equal(b.v[0].id, "a1");
	assert_string_equal(b.v[1].id, "b1");
	assert_string_equal(b.v[2].id, "c1");
	assert_string_equal(b.v[3].id, "m1");
	assert_non_null(strstr(b.v[0].sql, "CREATE TABLE t "));
	assert_null(strstr(b.v[0].sql, "CREATE TABLE alembic_version"));
	assert_null(strstr(b.v[0].sql, "-- Running"));
	assert_non_null(strstr(b.v[3].sql, "COMMIT;"));
	gm_alembic_blocks_release(&b);
}

static void test_sql__split_downgrade(void **state)
{
	gm_alembic_blocks b = { NULL, 0, 0 };
	(void)state;

	assert_gm_ok(
		gm_alembic_split(&b,
				 "BEGIN;\n-- Running downgrade m1 -> b1, c1\n\n"
				 "-- Running downgrade c1 -> a1\nALTER TABLE t DROP COLUMN s;\n"
				 "-- Running downgrade a1 -> \nDROP TABLE t;\nCOMMIT;",
				 false));
	assert_int_equal(b.nr, 3);
	assert_string_equal(b.v[0].id, "m1");
	assert_string_equal(b.v[0].sql, "\n");
	assert_string_equal(b.v[1].id, "c1");
	assert_string_equal(b.v[2].id, "a1");
	assert_string_equal(b.v[2].sql, "DROP TABLE t;\nCOMMIT;");
	gm_alembic_blocks_release(&b);

	/* a downgrade marker read as an upgrade one has several ids: refused */
	assert_gm_fails(GM_EINVALID, "cannot read Alembic's marker line",
			gm_alembic_split(&b, "-- Running upgrade m1 -> b1, c1\n", true));
	gm_alembic_blocks_release(&b);
	assert_gm_ok(gm_alembic_split(&b, "no marker at all\n", true));
	assert_int_equal(b.nr, 0);
}

static void test_sql__clean(void **state)
{
	gm_alembic_blocks b = { NULL, 0, 0 };
	gm_buf out = GM_BUF_INIT;
	bool no_tx = true;
	(void)state;

	assert_gm_ok(gm_alembic_split(&b, pg_upgrade, true));
	assert_int_equal(gm_alembic_clean(&out, &no_tx, b.v[0].sql, "alembic_version"), 1);
	assert_string_equal(out.ptr, "CREATE TABLE t (id SERIAL NOT NULL, PRIMARY KEY (id));\n");
	assert_false(no_tx);

	/* COMMIT; <statement>; BEGIN: an autocommit block */
	gm_buf_clear(&out);
	assert_int_equal(gm_alembic_clean(&out, &no_tx, b.v[1].sql, "alembic_version"), 1);
	assert_string_equal(out.ptr, "CREATE INDEX CONCURRENTLY ix ON t (id);\n");
	assert_true(no_tx);

	/* a ';' in a string literal stays */
	gm_buf_clear(&out);
	assert_int_equal(gm_alembic_clean(&out, &no_tx, b.v[2].sql, "alembic_version"), 1);
	assert_string_equal(out.ptr, "ALTER TABLE t ADD COLUMN s TEXT DEFAULT 'x;y';\n");
	assert_false(no_tx);

	/* the merge: only version-table bookkeeping and the run's COMMIT */
	gm_buf_clear(&out);
	assert_int_equal(gm_alembic_clean(&out, &no_tx, b.v[3].sql, "alembic_version"), 0);
	assert_int_equal(out.len, 0);
	assert_false(no_tx);
	gm_alembic_blocks_release(&b);
	gm_buf_release(&out);
}

static void test_sql__clean_per_migration_and_names(void **state)
{
	gm_buf out = GM_BUF_INIT;
	bool no_tx = true;
	(void)state;

	/* transaction_per_migration: COMMIT and the next BEGIN side by side mean nothing */
	assert_int_equal(gm_alembic_clean(&out, &no_tx,
					  "CREATE TABLE a (x int);\nUPDATE alembic_version SET "
					  "version_num='2';\nCOMMIT;\nBEGIN;\n",
					  "alembic_version"),
			 1);
	assert_false(no_tx);

	/* schema-qualified, quoted, lower case; other tables named alike stay */
	gm_buf_clear(&out);
	assert_int_equal(gm_alembic_clean(&out, &no_tx,
					  "drop table \"public\".\"alembic_version\";\n"
					  "delete from app.alembic_version;\n"
					  "CREATE TABLE alembic_version_old (x int);\n"
					  "INSERT INTO alembic_versions VALUES (1);\n"
					  "SELECT 1 /* no semicolon */",
					  "alembic_version"),
			 3);
	assert_string_equal(out.ptr, "CREATE TABLE alembic_version_old (x int);\n\n"
				     "INSERT INTO alembic_versions VALUES (1);\n\n"
				     "SELECT 1 /* no semicolon */;\n");
	gm_buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse__flask_migrate_file),
		cmocka_unit_test(test_parse__base_merge_and_annotations),
		cmocka_unit_test(test_parse__errors),
		cmocka_unit_test(test_sql__split_upgrade),
		cmocka_unit_test(test_sql__split_downgrade),
		cmocka_unit_test(test_sql__clean),
		cmocka_unit_test(test_sql__clean_per_migration_and_names),
	};
	return cmocka_run_group_tests_name("import_alembic", tests, NULL, NULL);
}
