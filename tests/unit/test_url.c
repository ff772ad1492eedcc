/* Unit tests of core/db.c: URL parsing and masking, dialect lookup, plan rendering. */
#include <stdlib.h>
#include <unistd.h>
#include "gm_test.h"
#include "db_int.h"

static void test_url__sqlite_relative(void **state)
{
	gm_url *u = NULL;
	(void)state;
	assert_gm_ok(gm_url_parse(&u, "sqlite:///app.db", "/srv/repo"));
	assert_ptr_equal(u->dialect, &gm_dialect_sqlite);
	assert_string_equal(u->raw, "sqlite:///app.db");
	assert_string_equal(u->masked, "sqlite:///app.db");
	assert_string_equal(u->path, "/srv/repo/app.db");
	assert_null(u->conninfo);
	assert_null(u->dbname);
	gm_url_free(u);

	assert_gm_ok(gm_url_parse(&u, "sqlite:///db/dev%20copy.db", "/srv/repo/"));
	assert_string_equal(u->path, "/srv/repo/db/dev copy.db");
	gm_url_free(u);
}

static void test_url__sqlite_relative_to_cwd(void **state)
{
	gm_url *u = NULL;
	char cwd[1024], want[1100];
	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	snprintf(want, sizeof(want), "%s/x.db", cwd);
	assert_gm_ok(gm_url_parse(&u, "sqlite:///x.db", NULL));
	assert_string_equal(u->path, want);
	gm_url_free(u);
}

static void test_url__sqlite_absolute_and_memory(void **state)
{
	gm_url *u = NULL;
	(void)state;
	assert_gm_ok(gm_url_parse(&u, "sqlite:////var/lib/app.db", "/srv/repo"));
	assert_string_equal(u->path, "/var/lib/app.db");
	gm_url_free(u);

	assert_gm_ok(gm_url_parse(&u, "sqlite://:memory:", "/srv/repo"));
	assert_string_equal(u->path, ":memory:");
	gm_url_free(u);

	assert_gm_ok(gm_url_parse(&u, "sqlite:///:memory:", "/srv/repo"));
	assert_string_equal(u->path, ":memory:");
	gm_url_free(u);
}

static void test_url__sqlite_bare_word(void **state)
{
	gm_url *u = NULL;
	(void)state;
	assert_gm_ok(gm_url_parse(&u, "sqlite", "/srv/repo"));
	assert_ptr_equal(u->dialect, &gm_dialect_sqlite);
	assert_null(u->path);
	assert_string_equal(u->masked, "sqlite");
	gm_url_free(u);
}

static void test_url__sqlite_bad_forms(void **state)
{
	gm_url *u = (gm_url *)1;
	(void)state;
	assert_gm_fails(GM_EINVALID, "invalid sqlite URL 'sqlite:app.db'",
			gm_url_parse(&u, "sqlite:app.db", "/r"));
	assert_null(u);
	assert_non_null(gm_error_last()->hint);
	assert_gm_fails(GM_EINVALID, "invalid sqlite URL 'sqlite://host/app.db'",
			gm_url_parse(&u, "sqlite://host/app.db", "/r"));
	assert_gm_fails(GM_EINVALID, "invalid sqlite URL 'sqlite:///'",
			gm_url_parse(&u, "sqlite:///", "/r"));
}

/*
 * PostgreSQL URLs parse into conninfo (what libpq is given), dbname and the masked form.
 */
static void test_url__postgres_forms(void **state)
{
	static const struct {
		const char *url, *dbname, *masked;
	} cases[] = {
		{ "postgres://user:secret@db.example.com:5432/app?sslmode=disable", "app",
		  "postgres://user:***@db.example.com:5432/app?sslmode=disable" },
		{ "postgresql://user:secret@localhost/my%20db", "my db",
		  "postgresql://user:***@localhost/my%20db" },
		{ "postgres://u:secret@h/?dbname=other&password=secret", "other",
		  "postgres://u:***@h/?dbname=other&password=***" },
		{ "postgres://u:secret@h", NULL, "postgres://u:***@h" },
		{ "host=localhost password=secret dbname=app", "app",
		  "host=localhost password=*** dbname=app" },
		{ "host=localhost password=secret dbname='my \\'db'", "my 'db",
		  "host=localhost password=*** dbname='my \\'db'" },
		{ "host=/run/postgresql user=app password=secret", NULL,
		  "host=/run/postgresql user=app password=***" },
	};
	const gm_dialect *pg = gm_dialect_for_scheme("postgres");
	gm_url *u = (gm_url *)1;
	size_t i;
	(void)state;
	assert_non_null(pg);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_gm_ok(gm_url_parse(&u, cases[i].url, "/r"));
		assert_ptr_equal(u->dialect, pg);
		assert_string_equal(u->conninfo, cases[i].url);
		assert_string_equal(u->masked, cases[i].masked);
		if (cases[i].dbname)
			assert_string_equal(u->dbname, cases[i].dbname);
		else
			assert_null(u->dbname);
		assert_null(u->path);
		gm_url_free(u);
	}
	assert_ptr_equal(gm_dialect_for_scheme("postgresql"), pg);
}

static void test_url__bad_connection_string(void **state)
{
	gm_url *u = NULL;
	(void)state;
	assert_gm_fails(GM_EINVALID, "invalid connection string 'host=x dbname='unterminated'",
			gm_url_parse(&u, "host=x dbname='unterminated", "/r"));
	assert_null(u);
}

static void test_url__unknown_scheme_and_garbage(void **state)
{
	gm_url *u = NULL;
	(void)state;
	assert_gm_fails(GM_EINVALID, "unsupported database URL 'mysql://root:***@h/db'",
			gm_url_parse(&u, "mysql://root:pw@h/db", "/r"));
	assert_null(strstr(gm_error_last()->message, "pw@"));
	assert_gm_fails(GM_EINVALID, "invalid database URL 'app.db'",
			gm_url_parse(&u, "app.db", "/r"));
	assert_string_equal(gm_error_last()->hint, "for a SQLite file, write sqlite:///app.db");
	assert_gm_fails(GM_EINVALID, "empty database URL", gm_url_parse(&u, "", "/r"));
	assert_gm_fails(GM_EINVALID, "empty database URL", gm_url_parse(&u, NULL, "/r"));
	assert_gm_fails(GM_EINVALID, "invalid database URL 'postgres:app'",
			gm_url_parse(&u, "postgres:app", "/r"));
}

static void assert_mask(const char *in, const char *want)
{
	gm_buf b = GM_BUF_INIT;
	gm_buf_puts(&b, "stale");
	gm_url_mask(&b, in);
	assert_string_equal(b.ptr, want);
	gm_buf_release(&b);
}

static void test_url__mask_every_form(void **state)
{
	(void)state;
	assert_mask("postgres://user:pw@host:5432/db?sslmode=disable",
		    "postgres://user:***@host:5432/db?sslmode=disable");
	assert_mask("postgresql://user:p%40ss@[::1]:5432/db",
		    "postgresql://user:***@[::1]:5432/db");
	assert_mask("postgres://user@host/db", "postgres://user@host/db");
	assert_mask("postgres://:pw@host/db", "postgres://:***@host/db");
	assert_mask("postgres://host/db?user=u&password=pw&sslmode=require",
		    "postgres://host/db?user=u&password=***&sslmode=require");
	assert_mask("postgres://u:a@b@host/db", "postgres://u:***@host/db");
	assert_mask("postgres://host", "postgres://host");
	assert_mask("mysql://root:pw@h/db", "mysql://root:***@h/db");
	assert_mask("host=x password=secret dbname=y", "host=x password=*** dbname=y");
	assert_mask("host=x password = 'se cr\\'et' dbname=y", "host=x password = *** dbname=y");
	assert_mask("password=secret", "password=***");
	assert_mask("host=x password='unterminated", "host=x ***");
	assert_mask("sqlite:///app.db", "sqlite:///app.db");
	assert_mask("sqlite:////home/u@x/a.db", "sqlite:////home/u@x/a.db");
	assert_mask("sqlite", "sqlite");
	assert_mask("", "");
	{
		gm_buf b = GM_BUF_INIT;
		gm_url_mask(&b, NULL);
		assert_string_equal(b.ptr, "");
		gm_buf_release(&b);
	}
}

static void test_url__dialect_for_scheme(void **state)
{
	(void)state;
	assert_ptr_equal(gm_dialect_for_scheme("sqlite"), &gm_dialect_sqlite);
	assert_ptr_equal(gm_dialect_for_scheme("SQLite"), &gm_dialect_sqlite);
	assert_null(gm_dialect_for_scheme("mysql"));
	assert_null(gm_dialect_for_scheme(NULL));
}

static void test_url__plan_render(void **state)
{
	gm_plan plan = GM_PLAN_INIT;
	gm_buf out = GM_BUF_INIT;
	(void)state;
	gm_plan_render(&out, &plan);
	assert_string_equal(out.ptr, "");

	gm_plan_add(&plan, "ALTER TYPE c ADD VALUE IF NOT EXISTS 'BTC';\n", GM_STMT_COMMIT_AFTER,
		    "c", NULL);
	gm_plan_add(&plan, "UPDATE deals SET currency = 'BTC';", 0, NULL, NULL);
	gm_plan_add(&plan, "DROP TABLE notes;\n", GM_STMT_DATA_LOSS, "notes", NULL);
	assert_int_equal(plan.nr, 3);
	assert_string_equal(plan.v[0].subject, "c");
	assert_null(plan.v[1].subject);
	assert_int_equal(plan.v[2].flags, GM_STMT_DATA_LOSS);

	gm_buf_puts(&out, "-- +migrate up\n");
	gm_plan_render(&out, &plan);
	assert_string_equal(out.ptr, "-- +migrate up\n"
				     "ALTER TYPE c ADD VALUE IF NOT EXISTS 'BTC';\n"
				     "-- +migrate commit\n"
				     "\n"
				     "UPDATE deals SET currency = 'BTC';\n"
				     "\n"
				     "DROP TABLE notes;\n"
				     "\n");
	gm_buf_release(&out);
	gm_plan_release(&plan);
	assert_int_equal(plan.nr, 0);
	assert_null(plan.v);
	gm_plan_release(&plan);
}

/* A section of parts (NULL-terminated texts), as the revision parser builds it. */
static void make_section(gm_section *sec, const char *const *texts)
{
	size_t n = 0;
	while (texts[n])
		n++;
	sec->present = true;
	sec->line = 10;
	sec->parts_nr = n;
	sec->parts = calloc(n ? n : 1, sizeof(*sec->parts));
	for (n = 0; texts[n]; n++) {
		sec->parts[n].sql = (char *)texts[n];
		sec->parts[n].line = 11 + 2 * (int)n;
	}
}

static void open_memory(gm_conn **conn)
{
	gm_url *u = NULL;
	assert_gm_ok(gm_url_parse(&u, "sqlite://:memory:", "/"));
	assert_gm_ok(gm_conn_open(conn, u));
	gm_url_free(u);
}

static void test_url__apply_section_parts_in_transactions(void **state)
{
	static const char *const ok[] = {
		"CREATE TABLE t1 (id integer);\n",
		"INSERT INTO t1 VALUES (1);\nINSERT INTO t1 VALUES (2);\n",
		"   \n",
		NULL,
	};
	static const char *const bad[] = {
		"CREATE TABLE t2 (id integer);\n",
		"CREATE TABLE t3 (id integer);\nINSERT INTO nope VALUES (1);\n",
		"CREATE TABLE t4 (id integer);\n",
		NULL,
	};
	gm_conn *conn = NULL;
	gm_section sec;
	const gm_error *e;
	(void)state;
	open_memory(&conn);

	make_section(&sec, ok);
	assert_gm_ok(gm_db_apply_section(conn, &sec, true, "a_ok.sql"));
	free(sec.parts);

	make_section(&sec, bad);
	assert_int_equal(gm_db_apply_section(conn, &sec, true, "b_bad.sql"), GM_EDB);
	free(sec.parts);
	e = gm_error_last();
	/* the dialect names the origin and the failing statement's line (part at 13, +1) */
	assert_true(strstr(e->message, "b_bad.sql") || (e->path && strstr(e->path, "b_bad.sql")));
	assert_true(strstr(e->message, "nope") != NULL);
	assert_true(strstr(e->message, "b_bad.sql:14") || e->line == 14);

	/* the first part was committed, the failed part rolled back, the third never ran */
	assert_int_equal(conn->dialect->exec(conn, "CREATE TABLE t2 (id integer);", "x", 1),
			 GM_EDB);
	assert_gm_ok(conn->dialect->exec(conn, "CREATE TABLE t3 (id integer);", "x", 1));
	assert_gm_ok(conn->dialect->exec(conn, "CREATE TABLE t4 (id integer);", "x", 1));
	/* and no transaction is left open */
	assert_gm_ok(conn->dialect->begin(conn));
	assert_gm_ok(conn->dialect->commit(conn));
	gm_conn_free(conn);
}

static void test_url__apply_section_without_transaction(void **state)
{
	static const char *const bad[] = {
		"CREATE TABLE t5 (id integer);\nINSERT INTO nope VALUES (1);\n",
		NULL,
	};
	gm_conn *conn = NULL;
	gm_section sec;
	(void)state;
	open_memory(&conn);
	make_section(&sec, bad);
	assert_int_equal(gm_db_apply_section(conn, &sec, false, "c.sql"), GM_EDB);
	free(sec.parts);
	/* without a transaction the first statement stays */
	assert_int_equal(conn->dialect->exec(conn, "CREATE TABLE t5 (id integer);", "x", 1),
			 GM_EDB);
	gm_conn_free(conn);
	gm_conn_free(NULL);
}

static void test_url__apply_absent_section(void **state)
{
	gm_conn *conn = NULL;
	gm_section sec = { 0 };
	(void)state;
	open_memory(&conn);
	assert_gm_ok(gm_db_apply_section(conn, &sec, true, "d.sql"));
	gm_conn_free(conn);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url__sqlite_relative),
		cmocka_unit_test(test_url__sqlite_relative_to_cwd),
		cmocka_unit_test(test_url__sqlite_absolute_and_memory),
		cmocka_unit_test(test_url__sqlite_bare_word),
		cmocka_unit_test(test_url__sqlite_bad_forms),
		cmocka_unit_test(test_url__postgres_forms),
		cmocka_unit_test(test_url__bad_connection_string),
		cmocka_unit_test(test_url__unknown_scheme_and_garbage),
		cmocka_unit_test(test_url__mask_every_form),
		cmocka_unit_test(test_url__dialect_for_scheme),
		cmocka_unit_test(test_url__plan_render),
		cmocka_unit_test(test_url__apply_section_parts_in_transactions),
		cmocka_unit_test(test_url__apply_section_without_transaction),
		cmocka_unit_test(test_url__apply_absent_section),
	};
	return cmocka_run_group_tests_name("url", tests, NULL, NULL);
}
