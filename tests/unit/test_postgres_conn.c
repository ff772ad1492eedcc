/*
 * Tests of the PostgreSQL dialect's connection side against a real server: exec errors,
 * connect errors, cancel, scratch databases. Needs GIT_MIGRATE_TEST_PG (skipped without
 * it):
 *
 *   tests/cli/with-pg.sh ./build/tests/unit/test_postgres_conn
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include "gm_test.h"
#include "gm_test_pg.h"
#include "error_int.h"
#include "dialect/postgres.h"
#include "scratch.h"

/* ---- exec ---- */

static void test_postgres_conn__exec_error_names_origin_line(void **state)
{
	struct fixture *f = *state;
	const gm_error *e;

	NEED_PG(f);
	/* outside a transaction: statement by statement */
	assert_int_equal(
		pg->exec(f->conn, "SELECT 1;\n\nSELECT *\n  FROM nowhere;\n", "v1.sql", 10),
		GM_EDB);
	e = gm_error_last();
	assert_string_equal(e->path, "v1.sql");
	assert_int_equal(e->line, 13);
	assert_non_null(strstr(e->message, "relation \"nowhere\" does not exist"));
	assert_non_null(strstr(e->message, "SQLSTATE 42P01"));
	assert_non_null(e->detail);
	assert_non_null(strstr(e->detail, "FROM nowhere"));

	/* inside one: the whole text at once */
	assert_gm_ok(pg->begin(f->conn));
	assert_int_equal(pg->exec(f->conn,
				  "CREATE TABLE a (id int);\nINSERT INTO a VALUES (1);\n"
				  "SELECT 1/0;\n",
				  "v2.sql", 5),
			 GM_EDB);
	e = gm_error_last();
	assert_string_equal(e->path, "v2.sql");
	assert_int_equal(e->line, 7); /* no position from the server: by statement */
	assert_non_null(strstr(e->message, "division by zero"));
	assert_non_null(strstr(e->detail, "SELECT 1/0"));
	assert_gm_ok(pg->rollback(f->conn));

	assert_gm_ok(pg->begin(f->conn));
	assert_int_equal(pg->exec(f->conn, "SELECT 1;\nSELECT 2;\nSELEC 3;\n", "v3.sql", 1),
			 GM_EDB);
	assert_int_equal(gm_error_last()->line, 3);
	assert_non_null(strstr(gm_error_last()->message, "syntax error"));
	assert_gm_ok(pg->rollback(f->conn));
}

/* A failing connection names the URL with its password masked. */
static void test_postgres_conn__connect_error_masks_password(void **state)
{
	gm_url *url = NULL;
	gm_conn *c = NULL;

	(void)state;
	assert_gm_ok(gm_url_parse(&url, "postgresql://me:s3cret@127.0.0.1:1/db", "."));
	assert_int_equal(pg->connect(&c, url), GM_EDB);
	assert_null(c);
	assert_null(strstr(gm_error_last()->message, "s3cret"));
	assert_non_null(strstr(gm_error_last()->message, "cannot connect to 'postgresql://me:"));
	assert_non_null(strstr(gm_error_last()->message, "***"));
	gm_url_free(url);
}

static gm_conn *volatile alarm_conn;

static void on_alarm(int sig)
{
	(void)sig;
	pg->interrupt(alarm_conn);
}

static void test_postgres_conn__interrupt_cancels(void **state)
{
	struct fixture *f = *state;
	struct itimerval it = { { 0, 0 }, { 0, 200000 } };

	NEED_PG(f);
	alarm_conn = f->conn;
	signal(SIGALRM, on_alarm);
	setitimer(ITIMER_REAL, &it, NULL);
	assert_int_equal(pg->exec(f->conn, "SELECT pg_sleep(20);", "slow.sql", 1), GM_EDB);
	signal(SIGALRM, SIG_DFL);
	assert_non_null(strstr(gm_error_last()->message, "57014"));
	exec_ok(f->conn, "SELECT 1;"); /* the connection is still usable */
}

/* ---- scratch ---- */

static void test_postgres_conn__scratch_names_and_stale_cleanup(void **state)
{
	struct fixture *f = *state;
	gm_conn *c2 = NULL;
	gm_url *u2 = NULL;
	gm_buf sql = GM_BUF_INIT, stale = GM_BUF_INIT;
	pid_t child;
	int status;

	NEED_PG(f);
	/* a run that was SIGKILLed: its pid is dead, its database left behind */
	child = fork();
	if (child == 0)
		_exit(0);
	waitpid(child, &status, 0);
	gm_buf_printf(&stale, "gm_scratch_%ld_deadbeef", (long)child);
	gm_buf_printf(&sql, "CREATE DATABASE %s;", stale.ptr);
	exec_ok(f->conn, sql.ptr);

	assert_gm_ok(pg->scratch_create(&c2, &u2, f->server, NULL));
	assert_string_not_equal(u2->dbname, f->url->dbname);
	assert_non_null(strstr(u2->dbname, "gm_scratch_"));
	gm_buf_clear(&sql);
	gm_buf_printf(&sql, "SELECT count(*) FROM pg_database WHERE datname = '%s'", stale.ptr);
	assert_int_equal(count_rows(f->conn, sql.ptr), 0);
	/* our own live scratch database survived the cleanup */
	gm_buf_clear(&sql);
	gm_buf_printf(&sql, "SELECT count(*) FROM pg_database WHERE datname = '%s'",
		      f->url->dbname);
	assert_int_equal(count_rows(f->conn, sql.ptr), 1);

	/* drop works even while connected (WITH FORCE) */
	assert_gm_ok(pg->scratch_drop(u2));
	pg->disconnect(c2);
	gm_buf_clear(&sql);
	gm_buf_printf(&sql, "SELECT count(*) FROM pg_database WHERE datname = '%s'", u2->dbname);
	assert_int_equal(count_rows(f->conn, sql.ptr), 0);
	gm_url_free(u2);
	gm_buf_release(&stale);
	gm_buf_release(&sql);
}

static int databases_named(gm_conn *c, const char *name)
{
	gm_buf sql = GM_BUF_INIT;
	int n;

	gm_buf_printf(&sql, "SELECT count(*) FROM pg_database WHERE datname = '%s'", name);
	n = count_rows(c, sql.ptr);
	gm_buf_release(&sql);
	return n;
}

/* A scratch database dropped in the background: disconnected at once, still on the exit
 * list, gone when gm_scratch_drop returns; the error being reported is kept throughout;
 * the dialect refuses to send the drop of a database that is no scratch one. */
static void test_postgres_conn__scratch_drop_background(void **state)
{
	struct fixture *f = *state;
	gm_scratch *s = NULL;
	gm_conn *c = NULL;
	char *name;

	NEED_PG(f);
	assert_gm_ok(gm_scratch_create(&s, f->server));
	name = gm_xstrdup(gm_scratch_url(s)->dbname);
	assert_int_equal(databases_named(f->conn, name), 1);
	gm_error_set(GM_ECHECK, "boom");
	assert_ptr_equal(gm_scratch_drop_background(s), s);
	assert_null(gm_scratch_conn(s));
	assert_int_equal(gm_error_last()->code, GM_ECHECK);
	gm_scratch_drop(s);
	assert_string_equal(gm_error_last()->message, "boom");
	gm_error_clear();
	assert_int_equal(databases_named(f->conn, name), 0);

	assert_int_equal(pg->scratch_drop_send(&c, f->server), GM_EINVALID);
	assert_null(c);
	assert_non_null(strstr(gm_error_last()->message, "not a scratch database"));
	gm_error_clear();
	assert_int_equal(databases_named(f->conn, f->url->dbname), 1);
	free(name);
}

static void test_postgres_conn__scratch_without_createdb_hints(void **state)
{
	struct fixture *f = *state;
	const char *env = getenv("GIT_MIGRATE_TEST_PG");
	const char *prefix = "postgresql://postgres@";
	gm_buf alt = GM_BUF_INIT;
	gm_url *server = NULL, *u = NULL;
	gm_conn *c = NULL;

	NEED_PG(f);
	if (strncmp(env, prefix, strlen(prefix)))
		skip();
	exec_ok(f->conn, "DROP ROLE IF EXISTS gm_nocreate; CREATE ROLE gm_nocreate LOGIN;");
	gm_buf_printf(&alt, "postgresql://gm_nocreate@%s", env + strlen(prefix));
	assert_gm_ok(gm_url_parse(&server, alt.ptr, "."));
	assert_int_equal(pg->scratch_create(&c, &u, server, NULL), GM_EDB);
	assert_null(c);
	assert_non_null(strstr(gm_error_last()->message, "cannot create scratch database"));
	assert_non_null(strstr(gm_error_last()->message, "permission denied"));
	assert_non_null(gm_error_last()->hint);
	assert_non_null(strstr(gm_error_last()->hint, "scratch:"));
	exec_ok(f->conn, "DROP ROLE gm_nocreate;");
	gm_url_free(server);
	gm_buf_release(&alt);
}

int main(void)
{
	if (gm_test_pg_skip_all())
		return 0;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_postgres_conn__exec_error_names_origin_line,
						setup, teardown),
		cmocka_unit_test(test_postgres_conn__connect_error_masks_password),
		cmocka_unit_test_setup_teardown(test_postgres_conn__interrupt_cancels, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_postgres_conn__scratch_names_and_stale_cleanup,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_postgres_conn__scratch_drop_background, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_postgres_conn__scratch_without_createdb_hints,
						setup, teardown),
	};
	return cmocka_run_group_tests_name("postgres_conn", tests, NULL, NULL);
}
