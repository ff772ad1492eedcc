/*
 * Unit tests of core/scratch.c with SQLite scratch databases: create/drop, uniqueness,
 * cleanup at exit and on SIGTERM (in forked children), with TMPDIR set to a test dir.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "gm_test.h"
#include "scratch.h"

static char dir[4096];
static gm_url server;

static char base[4096];  /* the TMPDIR the tests were started with ("" if none) */

static int setup(void **state)
{
	gm_buf b = GM_BUF_INIT;

	gm_buf_printf(&b, "%s/gm_test_scratch_XXXXXX", *base ? base : "/tmp");
	assert_non_null(mkdtemp(b.ptr));
	snprintf(dir, sizeof(dir), "%s", b.ptr);
	gm_buf_release(&b);
	memset(&server, 0, sizeof(server));
	server.dialect = &gm_dialect_sqlite;
	server.raw = server.masked = "sqlite";
	return 0;
}

static int group_setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(base, sizeof(base), "%s", tmp ? tmp : "");
	return 0;
}

static int teardown(void **state)
{
	gm_buf cmd = GM_BUF_INIT;
	gm_buf_printf(&cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd.ptr), 0);
	gm_buf_release(&cmd);
	return 0;
}

/* Point TMPDIR at the test's directory. */
static void use_test_tmpdir(void)
{
	assert_int_equal(setenv("TMPDIR", dir, 1), 0);
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* Number of entries in the test dir (besides . and ..). */
static int entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void test_scratch__create_and_drop(void **state)
{
	gm_scratch *s = NULL;
	const gm_url *url;
	gm_conn *conn;
	gm_buf expect = GM_BUF_INIT;
	char *path;

	use_test_tmpdir();
	assert_gm_ok(gm_scratch_create(&s, &server));
	assert_non_null(s);
	url = gm_scratch_url(s);
	conn = gm_scratch_conn(s);
	assert_ptr_equal(url->dialect, &gm_dialect_sqlite);
	assert_ptr_equal(conn->dialect, &gm_dialect_sqlite);
	gm_buf_printf(&expect, "%s/gm_scratch_", dir);
	assert_memory_equal(url->path, expect.ptr, expect.len);
	assert_string_equal(url->path + strlen(url->path) - 3, ".db");
	gm_buf_clear(&expect);
	gm_buf_printf(&expect, "sqlite:///%s", url->path);
	assert_string_equal(url->raw, expect.ptr);
	assert_true(exists(url->path));

	/* a working database; WAL mode makes the -wal and -shm siblings appear */
	assert_gm_ok(conn->dialect->exec(conn,
					 "PRAGMA journal_mode=WAL;\n"
					 "CREATE TABLE t (x integer);\n"
					 "INSERT INTO t VALUES (1);\n",
					 "scratch", 1));
	gm_buf_clear(&expect);
	gm_buf_printf(&expect, "%s-wal", url->path);
	assert_true(exists(expect.ptr));

	path = gm_xstrdup(url->path);
	gm_scratch_drop(s);
	assert_false(exists(path));
	assert_int_equal(entries(), 0);
	gm_scratch_drop(NULL);
	free(path);
	gm_buf_release(&expect);
}

static void test_scratch__two_at_once(void **state)
{
	gm_scratch *a = NULL, *b = NULL;

	use_test_tmpdir();
	assert_gm_ok(gm_scratch_create(&a, &server));
	assert_gm_ok(gm_scratch_create(&b, &server));
	assert_string_not_equal(gm_scratch_url(a)->path, gm_scratch_url(b)->path);
	assert_int_equal(entries(), 2);
	gm_scratch_drop(a);
	assert_int_equal(entries(), 1);
	assert_true(exists(gm_scratch_url(b)->path));
	gm_scratch_drop(b);
	assert_int_equal(entries(), 0);
	assert_false(gm_scratch_interrupted());
	assert_int_equal(gm_signal_received(), 0);
}

static void test_scratch__drop_keeps_the_error(void **state)
{
	gm_scratch *s = NULL;

	use_test_tmpdir();
	assert_gm_ok(gm_scratch_create(&s, &server));
	gm_error_set_at(GM_EDB, "x.sql", 3, 0, "boom");
	gm_scratch_drop(s);
	assert_int_equal(gm_error_last()->code, GM_EDB);
	assert_string_equal(gm_error_last()->message, "boom");
	assert_int_equal(gm_error_last()->line, 3);
	gm_error_clear();
}

static void test_scratch__bad_tmpdir(void **state)
{
	gm_scratch *s = NULL;
	gm_buf bad = GM_BUF_INIT;

	gm_buf_printf(&bad, "%s/missing", dir);
	assert_int_equal(setenv("TMPDIR", bad.ptr, 1), 0);
	assert_gm_fails(GM_EDB, "cannot create scratch database", gm_scratch_create(&s, &server));
	assert_null(s);
	gm_buf_release(&bad);
}

/* Read the scratch path a child wrote into the pipe. */
static void read_path(int fd, char *path, size_t size)
{
	ssize_t n;
	size_t len = 0;

	while (len + 1 < size && (n = read(fd, path + len, size - 1 - len)) > 0)
		len += (size_t)n;
	path[len] = '\0';
	assert_true(len > 0);
}

static void test_scratch__dropped_at_exit(void **state)
{
	char path[4096];
	int fds[2], status;
	pid_t pid;

	use_test_tmpdir();
	assert_int_equal(pipe(fds), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		gm_scratch *s = NULL;
		close(fds[0]);
		if (gm_scratch_create(&s, &server) < 0)
			_exit(3);
		if (write(fds[1], gm_scratch_url(s)->path, strlen(gm_scratch_url(s)->path)) < 0)
			_exit(4);
		close(fds[1]);
		exit(0);  /* not dropped: the atexit handler does it */
	}
	close(fds[1]);
	read_path(fds[0], path, sizeof(path));
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_false(exists(path));
	assert_int_equal(entries(), 0);
}

static void test_scratch__sigterm_during_statement(void **state)
{
	char path[4096];
	int fds[2], status = 0, waited;
	pid_t pid;
	gm_buf sib = GM_BUF_INIT;
	struct timespec tick = { 0, 20 * 1000 * 1000 };

	use_test_tmpdir();
	assert_int_equal(pipe(fds), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		gm_scratch *s = NULL;
		gm_conn *conn;
		int rc;

		close(fds[0]);
		gm_signals_install();
		if (gm_scratch_create(&s, &server) < 0)
			_exit(3);
		conn = gm_scratch_conn(s);
		if (conn->dialect->exec(conn, "CREATE TABLE t (x); INSERT INTO t VALUES (1);",
					"setup", 1) < 0)
			_exit(4);
		if (write(fds[1], gm_scratch_url(s)->path, strlen(gm_scratch_url(s)->path)) < 0)
			_exit(5);
		close(fds[1]);
		rc = conn->dialect->exec(conn,
					 "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
					 "FROM r WHERE i < 4000000000) SELECT count(*) FROM r;",
					 "slow.sql", 1);
		if (rc != GM_EINTERRUPTED || strcmp(gm_error_last()->message, "interrupted"))
			_exit(6);
		if (!gm_scratch_interrupted() || gm_signal_received() != SIGTERM ||
		    gm_scratch_signal() != SIGTERM)
			_exit(7);
		gm_scratch_drop(s);
		signal(SIGTERM, SIG_DFL);  /* what cmd does: re-raise after cleanup */
		raise(SIGTERM);
		_exit(8);
	}
	close(fds[1]);
	read_path(fds[0], path, sizeof(path));
	close(fds[0]);
	assert_true(exists(path));
	nanosleep(&tick, NULL);  /* let the statement start */
	assert_int_equal(kill(pid, SIGTERM), 0);
	for (waited = 0; waited < 500; waited++) {  /* up to 10 s */
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		nanosleep(&tick, NULL);
	}
	if (waited == 500) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		fail_msg("the child did not stop on SIGTERM");
	}
	if (WIFEXITED(status))
		fail_msg("the child exited with %d", WEXITSTATUS(status));
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGTERM);
	assert_false(exists(path));
	gm_buf_printf(&sib, "%s-journal", path);
	assert_false(exists(sib.ptr));
	assert_int_equal(entries(), 0);
	gm_buf_release(&sib);
}

static int group_teardown(void **state)
{
	if (*base)
		setenv("TMPDIR", base, 1);
	else
		unsetenv("TMPDIR");
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_scratch__create_and_drop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scratch__two_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scratch__drop_keeps_the_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scratch__bad_tmpdir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scratch__dropped_at_exit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scratch__sigterm_during_statement, setup,
						teardown),
	};
	return cmocka_run_group_tests_name("scratch", tests, group_setup, group_teardown);
}
