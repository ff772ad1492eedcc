/*
 * Unit-test helpers: cmocka plus assert_gm_ok (libgit2's cl_git_pass idea), and the setup
 * the tests share (temporary directories, files, shell commands, git repositories), defined
 * in gm_test.c, which the Makefile links into every unit-test binary.
 */
#ifndef GM_TEST_H
#define GM_TEST_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "git-migrate/gm.h"

/* Assert that a gm_ call returned >= 0; on failure print the code and the last error. */
#define assert_gm_ok(expr)                                                                      \
	do {                                                                                    \
		int gm__rc = (expr);                                                            \
		if (gm__rc < 0) {                                                               \
			const gm_error *gm__e = gm_error_last();                                \
			print_error("%s failed: %d: %s%s%s:%d: %s\n", #expr, gm__rc,            \
				    gm__e->path ? gm__e->path : "", gm__e->path ? ":" : "", "", \
				    gm__e->line, gm__e->message);                               \
			fail();                                                                 \
		}                                                                               \
	} while (0)

/* Assert that a gm_ call failed with `code` and that the message contains `needle`. */
#define assert_gm_fails(code, needle, expr)                                                \
	do {                                                                               \
		int gm__rc = (expr);                                                       \
		assert_int_equal(gm__rc, (code));                                          \
		if (!strstr(gm_error_last()->message, (needle))) {                         \
			print_error("message '%s' lacks '%s'\n", gm_error_last()->message, \
				    (needle));                                             \
			fail();                                                            \
		}                                                                          \
	} while (0)

/* Assert that rc is `code` and the last error is exactly `msg` at path:line:col. */
#define assert_gm_error_at(rc, code, path_, line_, col_, msg) \
	do {                                                  \
		int gm__rc = (rc);                            \
		const gm_error *gm__e = gm_error_last();      \
		assert_int_equal(gm__rc, (code));             \
		assert_string_equal(gm__e->message, (msg));   \
		assert_non_null(gm__e->path);                 \
		assert_string_equal(gm__e->path, (path_));    \
		assert_int_equal(gm__e->line, (line_));       \
		assert_int_equal(gm__e->col, (col_));         \
	} while (0)

/* Assert that the last error has exactly this hint. */
#define assert_gm_hint(hint_)                                        \
	do {                                                         \
		assert_non_null(gm_error_last()->hint);              \
		assert_string_equal(gm_error_last()->hint, (hint_)); \
	} while (0)

/*
 * Make a new empty directory "<base>/<name>XXXXXX" (base: $TMPDIR when set and not empty,
 * else /tmp) and write its real path into out (size bytes). Fails the test when it cannot.
 */
void gm_test_tmpdir(char *out, size_t size, const char *name);

/* Remove a directory and everything in it (`rm -rf`); 0 or -1, for setup/teardown returns. */
int gm_test_rmrf(const char *dir);

/*
 * Define the cmocka fixtures `setup` and `teardown` (static) of a test, or of a group, that
 * works in a fresh temporary directory: setup makes it (gm_test_tmpdir, "<name>XXXXXX")
 * and keeps its path in the char array dir; teardown removes it.
 */
#define GM_TEST_TMPDIR_FIXTURES(setup, teardown, dir, name) \
	static int setup(void **gm__state)                  \
	{                                                   \
		(void)gm__state;                            \
		gm_test_tmpdir(dir, sizeof(dir), name);     \
		return 0;                                   \
	}                                                   \
	static int teardown(void **gm__state)               \
	{                                                   \
		(void)gm__state;                            \
		return gm_test_rmrf(dir);                   \
	}

/*
 * Write text into dir/rel, creating the missing directories of rel first; an existing file
 * is replaced. Fails the test when it cannot.
 */
void gm_test_write_file(const char *dir, const char *rel, const char *text);

/* Run a shell command (printf-style) in dir; fails the test when it exits non-zero. */
void gm_test_sh(const char *dir, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Run a shell command (printf-style) in dir and keep the first line of its output, without
 * the newline, in out ("" when it printed nothing); fails the test when it exits non-zero.
 */
void gm_test_capture(char *out, size_t size, const char *dir, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * Make git repeatable and sealed for a test whose files live under root: no system config,
 * HOME=root, fixed author and committer, no repository discovered above root, no GIT_DIR
 * or GIT_WORK_TREE from the caller's environment.
 */
void gm_test_git_env(const char *root);

/*
 * The group setup of the tests that need a git repository: a new temporary directory
 * (gm_test_tmpdir, its real path into root) holding an empty directory "repo" (its real
 * path into repo) where `git init -q` has run, git's environment set by gm_test_git_env
 * for root, and libgit2 initialized (gm_repo_global_init). Both buffers are `size` bytes.
 * Fails the test when it cannot.
 */
void gm_test_repo_init(char *root, char *repo, size_t size, const char *name);

/* The group teardown that goes with it: libgit2 shut down, root removed; 0 or -1. */
int gm_test_repo_cleanup(const char *root);

#endif
