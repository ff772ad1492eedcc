/*
 * Tests of what a PostgreSQL inspection keeps for the next one on a scratch connection
 * (postgres_inspect_memo.c): after each change, the inspection that re-reads only the
 * tables it finds changed reads as a full inspection on a new connection does, and it did
 * keep tables. Needs GIT_MIGRATE_TEST_PG (skipped without it):
 *
 *   tests/cli/with-pg.sh ./build/tests/unit/test_postgres_inspect_memo
 */
#include <stdlib.h>
#include "gm_test.h"
#include "gm_test_pg.h"
#include "dialect/postgres.h"
#include "dialect/postgres_inspect.h"
#include "db_int.h"
#include "schema_int.h"

/* How many tables the connection's last inspection took from its memo. */
static int kept(gm_conn *c)
{
	return count_rows(c, "SELECT pg_catalog.cardinality(NULLIF(pg_catalog.current_setting("
			     "'git_migrate.inspect_clean', true), '')::oid[])");
}

/*
 * Inspect on the fixture's connection (through its memo) and, on a new connection, in
 * full; the two must read the same. Returns the first (caller frees); *nkept: how many
 * tables it kept.
 */
static gm_schema *inspect_both(struct fixture *f, int *nkept)
{
	gm_schema *s = NULL, *full = NULL;
	gm_conn *fresh = NULL;

	assert_gm_ok(pg->inspect(&s, f->conn, NULL));
	*nkept = kept(f->conn);
	assert_gm_ok(pg->connect(&fresh, f->url));
	assert_gm_ok(pg->inspect(&full, fresh, NULL));
	if (gm_schema_memo_check(s, full) < 0) {
		print_error("%s\n%s\n", gm_error_last()->message, gm_error_last()->detail);
		fail();
	}
	gm_schema_free(full);
	pg->disconnect(fresh);
	return s;
}

static const gm_fkey *fkey(const gm_schema *s, const char *table)
{
	const gm_table *t = gm_schema_table(s, table);
	assert_non_null(t);
	assert_int_equal(t->fkeys_nr, 1);
	return t->fkeys[0];
}

static void test_postgres_inspect_memo__reread_after_changes(void **state)
{
	struct fixture *f = *state;
	gm_schema *s = NULL;
	int n;

	NEED_PG(f);
	exec_ok(f->conn,
		"CREATE TYPE mood AS ENUM ('ok', 'sad');\n"
		"CREATE FUNCTION twice(i integer) RETURNS integer LANGUAGE sql IMMUTABLE\n"
		"  AS $$ SELECT i * 2 $$;\n"
		"CREATE SEQUENCE shared_seq;\n"
		"CREATE TABLE parent (id integer PRIMARY KEY, code text NOT NULL UNIQUE);\n"
		"CREATE TABLE child (id integer PRIMARY KEY,\n"
		"  parent_code text REFERENCES parent (code), m mood DEFAULT 'ok', ms mood[]);\n"
		"CREATE TABLE numbered (id integer NOT NULL DEFAULT nextval('shared_seq'),\n"
		"  n integer DEFAULT twice(2));\n"
		"CREATE TABLE other (id integer PRIMARY KEY, note text);\n"
		"CREATE TABLE git_migrate_history (revision text PRIMARY KEY);\n");
	s = inspect_both(f, &n); /* the first one reads everything */
	assert_int_equal(n, 0);
	gm_schema_free(s);

	/* nothing changed: every table kept */
	s = inspect_both(f, &n);
	assert_int_equal(n, 5);
	gm_schema_free(s);

	/* a referenced column renamed: the key that names it is read again, not its table */
	exec_ok(f->conn, "ALTER TABLE parent RENAME COLUMN code TO ref_code;");
	s = inspect_both(f, &n);
	assert_string_equal(fkey(s, "child")->ref_columns[0], "ref_code");
	assert_int_equal(n, 3);
	gm_schema_free(s);

	/* the referenced table renamed */
	exec_ok(f->conn, "ALTER TABLE parent RENAME TO mother;");
	s = inspect_both(f, &n);
	assert_string_equal(fkey(s, "child")->ref_table, "mother");
	assert_int_equal(n, 3);
	gm_schema_free(s);

	/* an index and a comment: their tables only */
	exec_ok(f->conn, "CREATE INDEX other_note ON other (note);\n"
			 "COMMENT ON COLUMN child.m IS 'how it went';");
	s = inspect_both(f, &n);
	assert_non_null(gm_table_index(gm_schema_table(s, "other"), "other_note"));
	assert_string_equal(gm_table_column(gm_schema_table(s, "child"), "m")->comment,
			    "how it went");
	assert_int_equal(n, 3);
	gm_schema_free(s);

	/* the sequence a default uses comes to be owned by its column: serial */
	exec_ok(f->conn, "ALTER SEQUENCE shared_seq OWNED BY numbered.id;");
	s = inspect_both(f, &n);
	assert_string_equal(gm_table_column(gm_schema_table(s, "numbered"), "id")->type, "serial");
	assert_int_equal(n, 4);
	gm_schema_free(s);

	/* the enum the columns use renamed (the array type with it) */
	exec_ok(f->conn, "ALTER TYPE mood RENAME TO feeling;");
	s = inspect_both(f, &n);
	assert_string_equal(gm_table_column(gm_schema_table(s, "child"), "ms")->type, "feeling[]");
	assert_int_equal(n, 4);
	gm_schema_free(s);

	/* a label added: the table whose default names the type is read again */
	exec_ok(f->conn, "ALTER TYPE feeling ADD VALUE 'glad';");
	s = inspect_both(f, &n);
	assert_int_equal(n, 4);
	gm_schema_free(s);

	/* a label renamed: the default prints the new one */
	exec_ok(f->conn, "ALTER TYPE feeling RENAME VALUE 'ok' TO 'fine';");
	s = inspect_both(f, &n);
	assert_string_equal(gm_table_column(gm_schema_table(s, "child"), "m")->default_value,
			    "fine");
	assert_int_equal(n, 4);
	gm_schema_free(s);

	/* the function a default calls renamed: everything is read again */
	exec_ok(f->conn, "ALTER FUNCTION twice(integer) RENAME TO double_it;");
	s = inspect_both(f, &n);
	assert_string_equal(gm_table_column(gm_schema_table(s, "numbered"), "n")->default_value,
			    "double_it(2)");
	assert_int_equal(n, 0);
	gm_schema_free(s);

	/* a default naming a table by a regclass constant: the name it prints follows a
	 * rename of that table, which writes no row of the table the default is on
	 * (PostgreSQL refuses regrole constants in stored expressions) */
	exec_ok(f->conn, "CREATE TABLE regs (r regclass DEFAULT 'other'::regclass);");
	s = inspect_both(f, &n);
	gm_schema_free(s);
	exec_ok(f->conn, "ALTER TABLE other RENAME TO another;");
	s = inspect_both(f, &n);
	assert_string_equal(gm_table_column(gm_schema_table(s, "regs"), "r")->default_value,
			    "another");
	assert_int_equal(n, 4);
	gm_schema_free(s);
	exec_ok(f->conn, "ALTER TABLE another RENAME TO other; DROP TABLE regs;");
	s = inspect_both(f, &n);
	gm_schema_free(s);

	/* a column dropped, another's type changed */
	exec_ok(f->conn, "ALTER TABLE child DROP COLUMN ms;\n"
			 "ALTER TABLE other ALTER COLUMN note TYPE varchar(20);");
	s = inspect_both(f, &n);
	assert_null(gm_table_column(gm_schema_table(s, "child"), "ms"));
	assert_string_equal(gm_table_column(gm_schema_table(s, "other"), "note")->type,
			    "varchar(20)");
	assert_int_equal(n, 3);
	gm_schema_free(s);

	/* an inspection rolled back with its transaction: its memo is not used after it */
	assert_gm_ok(pg->begin(f->conn));
	exec_ok(f->conn, "ALTER TABLE other ADD COLUMN gone integer;");
	assert_gm_ok(pg->inspect(&s, f->conn, NULL)); /* a new connection would not see it */
	assert_non_null(gm_table_column(gm_schema_table(s, "other"), "gone"));
	assert_int_equal(kept(f->conn), 4);
	gm_schema_free(s);
	assert_gm_ok(pg->rollback(f->conn));
	s = inspect_both(f, &n);
	assert_null(gm_table_column(gm_schema_table(s, "other"), "gone"));
	gm_schema_free(s);

	/* a search path under which a new name could hide an old one: everything again */
	exec_ok(f->conn, "CREATE SCHEMA extra; SET search_path = extra, public;");
	assert_gm_ok(pg->inspect(&s, f->conn, NULL));
	gm_schema_free(s);
	assert_gm_ok(pg->inspect(&s, f->conn, NULL));
	assert_non_null(gm_schema_table(s, "public.child"));
	assert_int_equal(kept(f->conn), 0);
	gm_schema_free(s);
}

/*
 * What a cache entry keeps beside it (gm_pg_memo_capture): put on a new session of the
 * same database, the first inspection keeps every table; after a change, it reads that
 * table; a text cut short anywhere is refused and changes nothing.
 */
static void test_postgres_inspect_memo__kept_for_another_session(void **state)
{
	struct fixture *f = *state;
	gm_buf blob = GM_BUF_INIT;
	gm_schema *s = NULL, *full = NULL;
	gm_conn *other = NULL;
	size_t cut;

	NEED_PG(f);
	exec_ok(f->conn, "CREATE TYPE mood AS ENUM ('ok', 'sad');\n"
			 "CREATE TABLE parent (id serial PRIMARY KEY, code text UNIQUE);\n"
			 "CREATE TABLE child (id integer PRIMARY KEY, m mood DEFAULT 'ok',\n"
			 "  parent_id integer REFERENCES parent);\n"
			 "COMMENT ON COLUMN child.m IS 'how';\n");
	assert_gm_ok(gm_pg_memo_capture(&blob, f->conn, NULL));

	for (cut = 0; cut < blob.len; cut += 1 + cut / 3) {
		assert_gm_ok(pg->connect(&other, f->url));
		assert_int_equal(gm_pg_memo_load((struct gm_pg_conn *)other, blob.ptr, cut),
				 GM_EINVALID);
		assert_gm_ok(pg->inspect(&s, other, NULL));
		assert_int_equal(kept(other), 0);
		gm_schema_free(s);
		pg->disconnect(other);
		gm_error_clear();
	}

	assert_gm_ok(pg->connect(&other, f->url));
	gm_pg_scratch_session((struct gm_pg_conn *)other);
	assert_gm_ok(gm_pg_memo_load((struct gm_pg_conn *)other, blob.ptr, blob.len));
	assert_gm_ok(pg->inspect(&s, other, NULL));
	assert_int_equal(kept(other), 2);
	assert_gm_ok(pg->inspect(&full, f->conn, NULL));
	assert_gm_ok(gm_schema_memo_check(s, full));
	gm_schema_free(s);
	gm_schema_free(full);
	pg->disconnect(other);

	exec_ok(f->conn, "ALTER TABLE parent RENAME COLUMN code TO label;");
	assert_gm_ok(pg->connect(&other, f->url));
	gm_pg_scratch_session((struct gm_pg_conn *)other);
	assert_gm_ok(gm_pg_memo_load((struct gm_pg_conn *)other, blob.ptr, blob.len));
	assert_gm_ok(pg->inspect(&s, other, NULL));
	assert_int_equal(kept(other), 1);
	assert_non_null(gm_table_column(gm_schema_table(s, "parent"), "label"));
	gm_schema_free(s);
	pg->disconnect(other);
	gm_buf_release(&blob);
}

int main(void)
{
	if (gm_test_pg_skip_all())
		return 0;
	/* the test compares with full inspections itself, and reads the list of kept tables,
	 * which the suite's check empties after each inspection */
	unsetenv("GIT_MIGRATE_TEST_INSPECT_CHECK");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_postgres_inspect_memo__reread_after_changes,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_postgres_inspect_memo__kept_for_another_session, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
