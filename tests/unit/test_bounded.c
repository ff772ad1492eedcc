/* Unit tests for core/util/bounded.c: confined, bounded reads and the UTF-8 check. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "gm_test.h"
#include "util/bounded.h"

static char root[256];

GM_TEST_TMPDIR_FIXTURES(setup, teardown_root, root, "gm_bounded_")

/* The root, and root.out beside it (a test makes it). */
static int teardown(void **state)
{
	char out[PATH_MAX + 8];
	snprintf(out, sizeof(out), "%s.out", root);
	return teardown_root(state) == 0 && gm_test_rmrf(out) == 0 ? 0 : -1;
}

#define put(name, text) gm_test_write_file(root, name, text)

static void test_bounded__utf8_in_pieces(void **state)
{
	static const char ok[] = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\nline two";
	size_t i;
	(void)state;

	/* every split point of a valid text: still valid */
	for (i = 0; i <= sizeof(ok) - 1; i++) {
		gm_utf8_check u = GM_UTF8_CHECK_INIT;
		assert_true(gm_utf8_feed(&u, ok, i));
		assert_true(gm_utf8_feed(&u, ok + i, sizeof(ok) - 1 - i));
		assert_true(gm_utf8_finish(&u));
	}
}

static void test_bounded__utf8_rejects(void **state)
{
	static const struct {
		const char *text;
		int line, col;
	} cases[] = {
		{ "ab\n\xff", 2, 1 },          /* not a lead byte */
		{ "a\xc0\xaf", 1, 2 },         /* overlong '/' */
		{ "\xed\xa0\x80", 1, 1 },      /* a surrogate */
		{ "x\xf4\x90\x80\x80", 1, 2 }, /* above U+10FFFF */
		{ "\n\nab\xc3", 3, 3 },        /* cut short at the end */
		{ "\xc3(", 1, 1 },             /* a lead byte without its continuation */
	};
	size_t i;
	(void)state;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		gm_utf8_check u = GM_UTF8_CHECK_INIT;
		bool ok = gm_utf8_feed(&u, cases[i].text, strlen(cases[i].text));
		ok = gm_utf8_finish(&u) && ok;
		assert_false(ok);
		assert_int_equal(u.bad_line, cases[i].line);
		assert_int_equal(u.bad_col, cases[i].col);
	}
}

static void test_bounded__inside(void **state)
{
	(void)state;
	assert_true(gm_path_inside("/a/b", "/a/b"));
	assert_true(gm_path_inside("/a/b", "/a/b/c"));
	assert_true(gm_path_inside("/a/b/", "/a/b/c"));
	assert_false(gm_path_inside("/a/b", "/a/bc"));
	assert_false(gm_path_inside("/a/b", "/a"));
	assert_true(gm_path_inside("/", "/etc"));
}

static void test_bounded__read_rules(void **state)
{
	gm_buf b = GM_BUF_INIT;
	char path[1024], link[1024], out[600];
	(void)state;

	put("ok.yml", "a: 1\n");
	snprintf(path, sizeof(path), "%s/ok.yml", root);
	assert_gm_ok(gm_file_read_bounded(&b, root, path, "ok.yml", 100, "a test", true));
	assert_string_equal(b.ptr, "a: 1\n");

	/* over the limit: named with the limit */
	gm_buf_clear(&b);
	assert_gm_fails(GM_EINVALID, "'ok.yml' is larger than 4 bytes, the limit for a test",
			gm_file_read_bounded(&b, root, path, "ok.yml", 4, "a test", true));
	gm_error_clear();

	/* not UTF-8: the line and column */
	put("bad.yml", "a: 1\nb: \xff\n");
	snprintf(path, sizeof(path), "%s/bad.yml", root);
	assert_gm_fails(GM_EINVALID, "not valid UTF-8",
			gm_file_read_bounded(&b, root, path, "bad.yml", 100, "a test", true));
	assert_int_equal(gm_error_last()->line, 2);
	assert_int_equal(gm_error_last()->col, 4);
	gm_error_clear();

	/* a symlink out of the root */
	snprintf(out, sizeof(out), "%s.out", root);
	assert_int_equal(mkdir(out, 0700), 0);
	snprintf(path, sizeof(path), "%s/secret", out);
	gm_test_write_file(out, "secret", "secret\n");
	snprintf(link, sizeof(link), "%s/link.yml", root);
	assert_int_equal(symlink(path, link), 0);
	gm_buf_clear(&b);
	assert_gm_fails(GM_EINVALID, "'link.yml' leads outside the repository",
			gm_file_read_bounded(&b, root, link, "link.yml", 100, "a test", true));
	assert_int_equal(b.len, 0);
	gm_error_clear();

	/* a FIFO and a directory are not regular files */
	snprintf(path, sizeof(path), "%s/fifo.yml", root);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_gm_fails(GM_EINVALID, "'fifo.yml' is not a regular file (a pipe)",
			gm_file_read_bounded(&b, root, path, "fifo.yml", 100, "a test", true));
	gm_error_clear();
	assert_gm_fails(GM_EINVALID, "'.' is not a regular file (a directory)",
			gm_file_read_bounded(&b, root, root, ".", 100, "a test", true));
	gm_error_clear();

	/* missing */
	snprintf(path, sizeof(path), "%s/none.yml", root);
	assert_gm_fails(GM_ENOTFOUND, "'none.yml' does not exist",
			gm_file_read_bounded(&b, root, path, "none.yml", 100, "a test", true));
	gm_error_clear();
	gm_buf_release(&b);
}

/* A directory read from, then replaced by a symlink leading out of the root: the second
 * read resolves it again (bounded.c remembers the directory it last resolved). */
static void test_bounded__directory_replaced(void **state)
{
	char sub[PATH_MAX], old[PATH_MAX + 8], out[PATH_MAX + 8], away[PATH_MAX + 16];
	char path[PATH_MAX + 16];
	gm_buf b = GM_BUF_INIT;
	(void)state;

	snprintf(sub, sizeof(sub), "%s/sub", root);
	assert_int_equal(mkdir(sub, 0700), 0);
	gm_test_write_file(sub, "a.yml", "inside\n");
	snprintf(path, sizeof(path), "%s/a.yml", sub);
	assert_int_equal(gm_file_read_bounded(&b, root, path, "sub/a.yml", 100, "a test", true), 0);
	assert_string_equal(b.ptr, "inside\n");

	snprintf(out, sizeof(out), "%s.out", root);
	assert_true(mkdir(out, 0700) == 0 || errno == EEXIST);
	snprintf(away, sizeof(away), "%s/away", out);
	assert_int_equal(mkdir(away, 0700), 0);
	gm_test_write_file(away, "a.yml", "outside\n");
	snprintf(old, sizeof(old), "%s.old", sub);
	assert_int_equal(rename(sub, old), 0);
	assert_int_equal(symlink(away, sub), 0);
	gm_buf_clear(&b);
	assert_gm_fails(GM_EINVALID, "'sub/a.yml' leads outside the repository",
			gm_file_read_bounded(&b, root, path, "sub/a.yml", 100, "a test", true));
	assert_int_equal(b.len, 0);
	gm_error_clear();
	gm_buf_release(&b);
}

/* A directory found inside one root is checked again for another root: the memo of
 * what was found inside (bounded.c open_plain) is kept per root. */
static void test_bounded__inside_one_root_only(void **state)
{
	char sub[PATH_MAX], other[PATH_MAX + 8], path[PATH_MAX + 16];
	gm_buf b = GM_BUF_INIT;
	(void)state;

	snprintf(sub, sizeof(sub), "%s/kept", root);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(other, sizeof(other), "%s/other", root);
	assert_int_equal(mkdir(other, 0700), 0);
	gm_test_write_file(sub, "a.yml", "inside\n");
	snprintf(path, sizeof(path), "%s/a.yml", sub);
	assert_int_equal(gm_file_read_bounded(&b, root, path, "kept/a.yml", 100, "a test", true),
			 0);
	assert_string_equal(b.ptr, "inside\n");
	gm_buf_clear(&b);
	assert_gm_fails(GM_EINVALID, "'kept/a.yml' leads outside the repository",
			gm_file_read_bounded(&b, other, path, "kept/a.yml", 100, "a test", true));
	assert_int_equal(b.len, 0);
	gm_error_clear();
	assert_int_equal(gm_file_read_bounded(&b, root, path, "kept/a.yml", 100, "a test", true),
			 0);
	assert_string_equal(b.ptr, "inside\n");
	gm_buf_release(&b);
}

static void test_bounded__sizes(void **state)
{
	gm_buf b = GM_BUF_INIT;
	(void)state;
	gm_size_describe(&b, GM_LIMIT_MODELS);
	assert_string_equal(b.ptr, "64 MiB");
	gm_buf_clear(&b);
	gm_size_describe(&b, 512 * GM_KIB);
	assert_string_equal(b.ptr, "512 KiB");
	gm_buf_clear(&b);
	gm_size_describe(&b, 300);
	assert_string_equal(b.ptr, "300 bytes");
	gm_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bounded__utf8_in_pieces),
		cmocka_unit_test(test_bounded__utf8_rejects),
		cmocka_unit_test(test_bounded__inside),
		cmocka_unit_test(test_bounded__read_rules),
		cmocka_unit_test(test_bounded__directory_replaced),
		cmocka_unit_test(test_bounded__inside_one_root_only),
		cmocka_unit_test(test_bounded__sizes),
	};
	return cmocka_run_group_tests_name("bounded", tests, setup, teardown);
}
