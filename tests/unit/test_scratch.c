/*
 * Unit tests of core/scratch.c with SQLite scratch databases: create/drop, uniqueness,
 * cleanup at exit and on SIGTERM (in forked children), with TMPDIR set to a test dir;
 * the owner tags that let a later run remove what a killed one left (scratch files,
 * temporary files of core/util/file.c), and rebase's writer (revision.c's line edit,
 * file.c's replace-if-unchanged).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "gm_test.h"
#include "error_int.h"
#include "interrupt.h"
#include "revision_int.h"
#include "scratch.h"
#include "util/file.h"
#include "db_int.h"
#include "dialect/diagnose.h"

static char dir[4096];
static gm_url server;

static char base[4096]; /* the TMPDIR the tests were started with ("" if none) */

static int setup(void **state)
{
	gm_test_tmpdir(dir, sizeof(dir), "gm_test_scratch_");
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

/* Give TMPDIR back its value from before the tests (a test may point it elsewhere). */
static void restore_tmpdir(void)
{
	if (*base)
		setenv("TMPDIR", base, 1);
	else
		unsetenv("TMPDIR");
}

static int teardown(void **state)
{
	restore_tmpdir();
	return gm_test_rmrf(dir);
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

static void count_call(void *payload)
{
	(*(int *)payload)++;
}

/* A scratch file made as a copy of another database file (a cache entry's), meanwhile
 * run once; a missing file makes none and leaves no file. */
static void test_scratch__copy_of_a_file(void **state)
{
	gm_scratch *a = NULL, *b = NULL;
	gm_scratch_from from = { NULL, count_call, NULL };
	gm_conn *conn;
	char *copy = NULL;
	int calls = 0;
	size_t n = 0;

	use_test_tmpdir();
	assert_gm_ok(gm_scratch_create(&a, &server));
	conn = gm_scratch_conn(a);
	assert_gm_ok(conn->dialect->exec(conn,
					 "CREATE TABLE t (x integer);\n"
					 "INSERT INTO t VALUES (1), (2), (3);\n",
					 "scratch", 1));
	from.template = gm_scratch_url(a)->path;
	from.payload = &calls;
	assert_gm_ok(gm_scratch_create_from(&b, &server, &from));
	assert_int_equal(calls, 1);
	assert_string_not_equal(gm_scratch_url(b)->path, gm_scratch_url(a)->path);
	assert_gm_ok(gm_count_rows(&n, gm_scratch_conn(b), "t", NULL));
	assert_int_equal(n, 3);
	copy = gm_xstrdup(gm_scratch_url(b)->path);
	gm_scratch_drop(b);
	assert_false(exists(copy));

	from.template = "/nonexistent/gm_cache_x.db";
	b = NULL;
	assert_gm_fails(GM_ENOTFOUND, "cannot read '/nonexistent/gm_cache_x.db'",
			gm_scratch_create_from(&b, &server, &from));
	gm_error_clear();
	assert_null(b);
	assert_int_equal(calls, 1);
	gm_scratch_drop(a);
	assert_int_equal(entries(), 0);
	free(copy);
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
	assert_false(gm_interrupted());
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

/* SQLite has no drop to wait for: "in the background" drops it now, and says so. */
static void test_scratch__drop_background_on_sqlite_drops_now(void **state)
{
	gm_scratch *s = NULL;

	use_test_tmpdir();
	assert_gm_ok(gm_scratch_create(&s, &server));
	assert_int_equal(entries(), 1);
	assert_null(gm_scratch_drop_background(s));
	assert_int_equal(entries(), 0);
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
		exit(0); /* not dropped: the atexit handler does it */
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
		if (!gm_interrupted() || gm_signal_received() != SIGTERM)
			_exit(7);
		gm_scratch_drop(s);
		signal(SIGTERM, SIG_DFL); /* what cmd does: re-raise after cleanup */
		raise(SIGTERM);
		_exit(8);
	}
	close(fds[1]);
	read_path(fds[0], path, sizeof(path));
	close(fds[0]);
	assert_true(exists(path));
	nanosleep(&tick, NULL); /* let the statement start */
	assert_int_equal(kill(pid, SIGTERM), 0);
	for (waited = 0; waited < 500; waited++) { /* up to 10 s */
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

/* ---- owner tags and leftovers of killed runs ---- */

/* A process id that is no longer running (a child that exited and was reaped). */
static long dead_pid(void)
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return (long)pid;
}

/* Create an empty file dir/name, `age` seconds old. */
static void make_file(const char *name, long age)
{
	gm_buf path = GM_BUF_INIT;
	struct timespec times[2];
	int fd;

	gm_buf_printf(&path, "%s/%s", dir, name);
	fd = open(path.ptr, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	close(fd);
	if (age) {
		times[0].tv_sec = times[1].tv_sec = time(NULL) - age;
		times[0].tv_nsec = times[1].tv_nsec = 0;
		assert_int_equal(utimensat(AT_FDCWD, path.ptr, times, 0), 0);
	}
	gm_buf_release(&path);
}

static bool in_dir(const char *name)
{
	gm_buf path = GM_BUF_INIT;
	bool found;

	gm_buf_printf(&path, "%s/%s", dir, name);
	found = exists(path.ptr);
	gm_buf_release(&path);
	return found;
}

/*
 * A file a killed (or running) process may have left: its name, a printf format that
 * takes the owner's host id and pid ("%s_%ld") or no argument; whose it is (this host's
 * or another one's, and which pid: GONE for one that no longer runs); its age in seconds;
 * whether the cleanup keeps it.
 */
struct leftover {
	const char *fmt;
	bool other_host;
	long pid;
	long age;
	bool kept;
};
#define GONE 0

static void leftover_name(char *name, size_t size, const struct leftover *l, long gone)
{
	const char *other = strcmp(gm_host_id(), "0000abcd") ? "0000abcd" : "0000abce";
	snprintf(name, size, l->fmt, l->other_host ? other : gm_host_id(),
		 l->pid == GONE ? gone : l->pid);
}

/* Make the files of v[0..n) in the test dir; `gone` is the pid that no longer runs. */
static void make_leftovers(const struct leftover *v, size_t n, long gone)
{
	char name[128];
	size_t i;
	for (i = 0; i < n; i++) {
		leftover_name(name, sizeof(name), &v[i], gone);
		make_file(name, v[i].age);
	}
}

/* After a cleanup: each kept file is there, each other one is gone. */
static void assert_leftovers(const struct leftover *v, size_t n, long gone)
{
	char name[128];
	size_t i;
	for (i = 0; i < n; i++) {
		leftover_name(name, sizeof(name), &v[i], gone);
		if (in_dir(name) != v[i].kept)
			fail_msg("'%s' should %s", name, v[i].kept ? "be kept" : "be removed");
	}
}

static void test_scratch__owner_tags(void **state)
{
	char tag[GM_OWNER_TAG_MAX], buf[64];
	const char *end;
	size_t i;

	assert_int_equal(strlen(gm_host_id()), 8);
	for (i = 0; i < 8; i++)
		assert_non_null(strchr("0123456789abcdef", gm_host_id()[i]));
	gm_owner_tag(tag);
	snprintf(buf, sizeof(buf), "%s_%ld", gm_host_id(), (long)getpid());
	assert_string_equal(tag, buf);

	snprintf(buf, sizeof(buf), "%s_rest", tag);
	assert_int_equal(gm_owner_of(buf, &end), GM_OWNER_LIVE);
	assert_string_equal(end, "_rest");
	snprintf(buf, sizeof(buf), "%s_%ld.tmp", gm_host_id(), dead_pid());
	assert_int_equal(gm_owner_of(buf, &end), GM_OWNER_GONE);
	assert_string_equal(end, ".tmp");
	snprintf(buf, sizeof(buf), "%s_1", gm_host_id()); /* init: runs */
	assert_int_equal(gm_owner_of(buf, NULL), GM_OWNER_LIVE);
	assert_int_equal(
		gm_owner_of(strcmp(gm_host_id(), "0000abcd") ? "0000abcd_12" : "0000abce_12", &end),
		GM_OWNER_ELSEWHERE);
	assert_string_equal(end, "");

	/* not tags: the parse stops at the start */
	assert_int_equal(gm_owner_of("XXXXXX.db", &end), GM_OWNER_NONE);
	assert_string_equal(end, "XXXXXX.db");
	assert_int_equal(gm_owner_of("12345_abcdef01", NULL), GM_OWNER_NONE); /* old names */
	assert_int_equal(gm_owner_of("0000abcd_", NULL), GM_OWNER_NONE);
	assert_int_equal(gm_owner_of("0000abcd_0", NULL), GM_OWNER_NONE);
	assert_int_equal(gm_owner_of("0000ABCD_12", NULL), GM_OWNER_NONE);
	assert_int_equal(gm_owner_of("0000abcd_12345678901", NULL), GM_OWNER_NONE);

	assert_true(gm_owner_stale(GM_OWNER_GONE, time(NULL)));
	assert_false(gm_owner_stale(GM_OWNER_LIVE, 1));
	assert_false(gm_owner_stale(GM_OWNER_ELSEWHERE, time(NULL) - 3600));
	assert_true(gm_owner_stale(GM_OWNER_ELSEWHERE, time(NULL) - 2 * GM_STALE_SECONDS));
	assert_true(gm_owner_stale(GM_OWNER_NONE, 0));
}

static void test_scratch__name_says_who_made_it(void **state)
{
	gm_scratch *s = NULL;
	gm_buf prefix = GM_BUF_INIT;
	char tag[GM_OWNER_TAG_MAX];
	const char *name, *end;

	use_test_tmpdir();
	assert_gm_ok(gm_scratch_create(&s, &server));
	name = strrchr(gm_scratch_url(s)->path, '/') + 1;
	gm_owner_tag(tag);
	gm_buf_printf(&prefix, "gm_scratch_%s_", tag);
	assert_memory_equal(name, prefix.ptr, prefix.len);
	assert_int_equal(gm_owner_of(name + strlen("gm_scratch_"), &end), GM_OWNER_LIVE);
	assert_int_equal(*end, '_');
	gm_scratch_drop(s);
	gm_buf_release(&prefix);
}

static void test_scratch__killed_runs_files_removed(void **state)
{
	static const struct leftover files[] = {
		/* this host's, process gone: removed with every companion */
		{ "gm_scratch_%s_%ld_AbC123.db", false, GONE, 0, false },
		{ "gm_scratch_%s_%ld_AbC123.db-journal", false, GONE, 0, false },
		{ "gm_scratch_%s_%ld_AbC123.db-wal", false, GONE, 0, false },
		{ "gm_scratch_%s_%ld_AbC123.db-shm", false, GONE, 0, false },
		/* a running process's: kept */
		{ "gm_scratch_%s_%ld_live01.db", false, 1, 3 * GM_STALE_SECONDS, true },
		/* another host's, recent: kept; old: removed */
		{ "gm_scratch_%s_%ld_new001.db", true, 4242, 3600, true },
		{ "gm_scratch_%s_%ld_old001.db-wal", true, 4242, 2 * GM_STALE_SECONDS, false },
		/* an older version's, recent and old */
		{ "gm_scratch_Xy12Zw.db", false, 0, 3600, true },
		{ "gm_scratch_Qq12Zw.db", false, 0, 2 * GM_STALE_SECONDS, false },
		{ "unrelated.db", false, 0, 2 * GM_STALE_SECONDS, true },
	};
	const size_t n = sizeof(files) / sizeof(files[0]);
	gm_scratch *s = NULL;
	long gone = dead_pid();

	use_test_tmpdir();
	make_leftovers(files, n, gone);
	assert_gm_ok(gm_scratch_create(&s, &server));
	gm_scratch_drop(s);
	assert_leftovers(files, n, gone);
	assert_int_equal(entries(), 4);
}

static void test_scratch__stale_temps_removed(void **state)
{
	static const struct leftover files[] = {
		{ "a_x.sql.%s_%ld.tmp", false, GONE, 0, false },
		{ "b_x.sql.%s_%ld.tmp", false, 1, 0, true },  /* its writer runs */
		{ "c_x.sql.%s_%ld.tmp", true, 77, 60, true }, /* another host's */
		{ "d_x.sql.%s_%ld.tmp", true, 77, 2 * GM_STALE_SECONDS, false }, /* and old */
		{ "e_x.sql.tmp", false, 0, 60, true },                    /* untagged, recent */
		{ "f_x.sql.tmp", false, 0, 2 * GM_STALE_SECONDS, false }, /* untagged, old */
		{ "g_x.yml.%s_%ld.tmp", false, GONE, 0, true },           /* not a .sql */
		{ "notes.tmp", false, 0, 2 * GM_STALE_SECONDS, true },    /* not ours */
	};
	char name[128], tag[GM_OWNER_TAG_MAX];
	gm_buf path = GM_BUF_INIT, text = GM_BUF_INIT;
	long gone = dead_pid();

	make_leftovers(files, sizeof(files) / sizeof(files[0]), gone);
	gm_file_remove_stale_temps(dir, ".sql");
	assert_leftovers(files, sizeof(files) / sizeof(files[0]), gone);
	gm_file_remove_stale_temps("/nonexistent/dir", ".sql"); /* best effort */

	/* A leftover under the very name this process would use (a killed process that
	 * had our pid) is replaced, never an error; and nothing is left next to the file. */
	gm_owner_tag(tag);
	snprintf(name, sizeof(name), "h_x.sql.%s.tmp", tag);
	make_file(name, 0);
	gm_buf_printf(&path, "%s/h_x.sql", dir);
	assert_gm_ok(gm_file_write_atomic(path.ptr, "new\n", 4, false));
	assert_false(in_dir(name));
	assert_gm_ok(gm_file_read(&text, path.ptr));
	assert_string_equal(text.ptr, "new\n");
	assert_gm_fails(GM_EEXISTS, "cannot write", gm_file_write_atomic(path.ptr, "x", 1, false));
	assert_false(in_dir(name));
	gm_buf_release(&path);
	gm_buf_release(&text);
}

/* rebase's writer: revision.c edits the down_revision line, file.c replaces the file. */
static const char rev_text[] = "\xef\xbb\xbf-- git-migrate revision\r\n"
			       "-- revision: b1\r\n"
			       "--   down_revision:   a1   \r\n"
			       "-- message: keep   this spacing\r\n"
			       "\r\n"
			       "-- +migrate up\r\n"
			       "CREATE TABLE w (id integer); -- down_revision: a1\r\n"
			       "-- +migrate down\r\n"
			       "DROP TABLE w;\r\n";

static void test_scratch__rebase_rewrites_one_line(void **state)
{
	gm_buf out = GM_BUF_INIT, expect = GM_BUF_INIT;
	char *two[] = { "a2", "c3" }, *three[] = { "a2", "c3", "d4" }, *bad[] = { "a/b" };
	const char *line = "--   down_revision:   a1   \r\n";
	const char *at = strstr(rev_text, line);

	assert_gm_ok(gm_revision_set_parents(&out, "b1.sql", rev_text, strlen(rev_text), two, 1));
	gm_buf_put(&expect, rev_text, (size_t)(at - rev_text));
	gm_buf_puts(&expect, "--   down_revision: a2\r\n");
	gm_buf_puts(&expect, at + strlen(line));
	assert_string_equal(out.ptr, expect.ptr);

	gm_buf_clear(&out);
	assert_gm_ok(gm_revision_set_parents(&out, "b1.sql", rev_text, strlen(rev_text), two, 2));
	assert_non_null(strstr(out.ptr, "\r\n--   down_revision: a2, c3\r\n"));
	gm_buf_clear(&out);
	assert_gm_ok(gm_revision_set_parents(&out, "b1.sql", rev_text, strlen(rev_text), two, 0));
	assert_non_null(strstr(out.ptr, "\r\n--   down_revision:\r\n"));

	gm_buf_clear(&out);
	assert_gm_fails(
		GM_EINVALID, "at most two parents",
		gm_revision_set_parents(&out, "b1.sql", rev_text, strlen(rev_text), three, 3));
	assert_gm_fails(
		GM_EINVALID, "invalid parent revision id 'a/b'",
		gm_revision_set_parents(&out, "b1.sql", rev_text, strlen(rev_text), bad, 1));
	assert_gm_fails(
		GM_EINVALID, "missing 'revision' header",
		gm_revision_set_parents(&out, "b1.sql", "-- x\n-- +migrate up\n", 20, two, 1));
	assert_int_equal(out.len, 0);
	gm_error_clear();
	gm_buf_release(&out);
	gm_buf_release(&expect);
}

static void test_scratch__replace_keeps_mode_and_refuses_a_changed_file(void **state)
{
	gm_buf path = GM_BUF_INIT, text = GM_BUF_INIT;
	struct stat st;

	gm_buf_printf(&path, "%s/b1.sql", dir);
	gm_test_write_file(dir, "b1.sql", "old\n");
	assert_int_equal(chmod(path.ptr, 0640), 0);

	assert_gm_ok(gm_file_replace(path.ptr, "new\n", 4, "old\n", 4));
	assert_gm_ok(gm_file_read(&text, path.ptr));
	assert_string_equal(text.ptr, "new\n");
	assert_int_equal(stat(path.ptr, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(entries(), 1);

	/* the file is not what the caller read: nothing written, nothing left */
	assert_gm_fails(GM_ERROR, "changed while it was being rewritten, nothing written",
			gm_file_replace(path.ptr, "newer\n", 6, "old\n", 4));
	gm_buf_clear(&text);
	assert_gm_ok(gm_file_read(&text, path.ptr));
	assert_string_equal(text.ptr, "new\n");
	assert_int_equal(entries(), 1);

	assert_int_equal(unlink(path.ptr), 0);
	assert_gm_fails(GM_ENOTFOUND, "cannot read", gm_file_replace(path.ptr, "x", 1, "new\n", 4));
	assert_int_equal(entries(), 0);
	gm_error_clear();
	gm_buf_release(&path);
	gm_buf_release(&text);
}

static int group_teardown(void **state)
{
	restore_tmpdir();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_scratch__create_and_drop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scratch__copy_of_a_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scratch__two_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scratch__drop_keeps_the_error, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_scratch__drop_background_on_sqlite_drops_now,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_scratch__bad_tmpdir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scratch__dropped_at_exit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scratch__sigterm_during_statement, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_scratch__owner_tags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scratch__name_says_who_made_it, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_scratch__killed_runs_files_removed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_scratch__stale_temps_removed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scratch__rebase_rewrites_one_line, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_scratch__replace_keeps_mode_and_refuses_a_changed_file, setup,
			teardown),
	};
	return cmocka_run_group_tests_name("scratch", tests, group_setup, group_teardown);
}
