/* Unit tests of core/repo.c on a real git repository built with `git` in a temp dir. */
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "gm_test.h"
#include "repo_int.h"

static char tmp[PATH_MAX];     /* the temporary directory */
static char dir[PATH_MAX];     /* the repository (realpath) */
static char outside[PATH_MAX]; /* a directory in no repository */

/* Run a shell command in the repository; fails the test when it fails. */
#define sh(...) gm_test_sh(dir, __VA_ARGS__)

/* The first line of a command's output (in the repository). */
#define capture(out, size, ...) gm_test_capture(out, size, dir, __VA_ARGS__)

static int group_setup(void **state)
{
	char path[PATH_MAX + 32];
	(void)state;
	gm_test_repo_init(tmp, dir, sizeof(dir), "gm-test-repo-");
	snprintf(path, sizeof(path), "%s/outside", tmp);
	mkdir(path, 0777);
	if (!realpath(path, outside))
		return -1;
	sh("git checkout -q -b main && "
	   "mkdir -p migrations/versions/sub && "
	   "printf 'second\\n' >migrations/versions/b_second.sql && "
	   "printf 'first\\n' >migrations/versions/a_first.sql && "
	   "printf 'nested\\n' >migrations/versions/sub/n.sql && "
	   "printf 'readme\\n' >README && "
	   "git add -A && git commit -q -m one && "
	   "git branch production && git tag v1 && "
	   "printf 'third\\n' >migrations/versions/c_third.sql && "
	   "git add -A && git commit -q -m two && git tag -a -m annotated v2 && "
	   "git update-ref refs/remotes/origin/staging HEAD~1 && "
	   "git update-ref refs/remotes/origin/production HEAD");
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	return gm_test_repo_cleanup(tmp);
}

static int teardown(void **state)
{
	(void)state;
	gm_error_clear();
	return 0;
}

static void test_repo__discover_from_root_and_subdir(void **state)
{
	gm_repo *repo = NULL;
	char sub[PATH_MAX + 32], common[PATH_MAX + 8];
	(void)state;
	assert_gm_ok(gm_repo_discover(&repo, dir));
	assert_string_equal(gm_repo_workdir(repo), dir);
	snprintf(common, sizeof(common), "%s/.git", dir);
	assert_string_equal(gm_repo_commondir(repo), common);
	gm_repo_free(repo);

	snprintf(sub, sizeof(sub), "%s/migrations/versions/sub", dir);
	assert_gm_ok(gm_repo_discover(&repo, sub));
	assert_string_equal(gm_repo_workdir(repo), dir);
	gm_repo_free(repo);
	gm_repo_free(NULL);
}

static void test_repo__discover_from_cwd(void **state)
{
	gm_repo *repo = NULL;
	char cwd[PATH_MAX], sub[PATH_MAX + 32];
	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	snprintf(sub, sizeof(sub), "%s/migrations", dir);
	assert_int_equal(chdir(sub), 0);
	assert_gm_ok(gm_repo_discover(&repo, NULL));
	assert_string_equal(gm_repo_workdir(repo), dir);
	gm_repo_free(repo);
	assert_int_equal(chdir(cwd), 0);
}

static void test_repo__discover_outside(void **state)
{
	gm_repo *repo = (gm_repo *)1;
	char cwd[PATH_MAX];
	(void)state;
	assert_gm_fails(GM_ENOTFOUND, "not a git repository (or any of the parent directories)",
			gm_repo_discover(&repo, outside));
	assert_null(repo);

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(outside), 0);
	assert_gm_fails(GM_ENOTFOUND, "not a git repository", gm_repo_discover(&repo, NULL));
	assert_int_equal(chdir(cwd), 0);
}

static void assert_resolves(const char *name, const char *revspec, const char *resolved)
{
	gm_repo *repo = NULL;
	char oid[GM_OID_HEXSZ + 1], want[128];
	char *what = NULL;

	capture(want, sizeof(want), "git rev-parse '%s^{commit}'", revspec);
	assert_gm_ok(gm_repo_discover(&repo, dir));
	assert_gm_ok(gm_repo_resolve(oid, &what, repo, name));
	assert_string_equal(oid, want);
	assert_string_equal(what, resolved);
	free(what);
	/* resolved_out is optional */
	assert_gm_ok(gm_repo_resolve(oid, NULL, repo, name));
	assert_string_equal(oid, want);
	gm_repo_free(repo);
}

static void test_repo__resolve_branch_remote_revspec(void **state)
{
	char sha[64];
	(void)state;
	/* a local branch wins over origin/<name> */
	assert_resolves("production", "refs/heads/production", "refs/heads/production");
	assert_resolves("staging", "refs/remotes/origin/staging", "refs/remotes/origin/staging");
	assert_resolves("main", "refs/heads/main", "refs/heads/main");
	assert_resolves("v1", "v1", "v1");
	assert_resolves("v2", "v2", "v2"); /* annotated tag, peeled to its commit */
	assert_resolves("HEAD~1", "HEAD~1", "HEAD~1");
	capture(sha, sizeof(sha), "git rev-parse HEAD");
	assert_resolves(sha, "HEAD", sha);
}

static void test_repo__resolve_remote_only_after_branch_deleted(void **state)
{
	(void)state;
	sh("git branch -q -D production");
	assert_resolves("production", "refs/remotes/origin/production",
			"refs/remotes/origin/production");
	sh("git branch -q production v1");
}

static void test_repo__resolve_unknown(void **state)
{
	gm_repo *repo = NULL;
	char oid[GM_OID_HEXSZ + 1];
	char *what = (char *)1;
	(void)state;
	assert_gm_ok(gm_repo_discover(&repo, dir));
	assert_gm_fails(GM_ENOTFOUND, "unknown revision 'nope'",
			gm_repo_resolve(oid, &what, repo, "nope"));
	assert_null(what);
	assert_gm_fails(GM_ENOTFOUND, "unknown revision 'HEAD~99'",
			gm_repo_resolve(oid, NULL, repo, "HEAD~99"));
	assert_gm_fails(GM_EINVALID, "revision 'HEAD:README' is not a commit",
			gm_repo_resolve(oid, NULL, repo, "HEAD:README"));
	gm_repo_free(repo);
}

static void test_repo__read_tree_dir(void **state)
{
	gm_repo *repo = NULL;
	gm_files files = GM_FILES_INIT;
	char oid[GM_OID_HEXSZ + 1], want[128];
	(void)state;
	assert_gm_ok(gm_repo_discover(&repo, dir));
	assert_gm_ok(gm_repo_resolve(oid, NULL, repo, "production"));

	/* the worktree has c_third.sql (main): production's tree must not */
	assert_gm_ok(gm_tree_read_dir(&files, repo, oid, "migrations/versions", true));
	assert_true(files.exists);
	capture(want, sizeof(want), "git rev-parse production:migrations/versions");
	assert_string_equal(files.tree_oid, want);
	assert_int_equal(files.nr, 2); /* sub/ skipped */
	assert_string_equal(files.v[0].name, "a_first.sql");
	assert_string_equal(files.v[0].path, "migrations/versions/a_first.sql");
	assert_string_equal(files.v[0].data, "first\n");
	assert_int_equal(files.v[0].len, 6);
	capture(want, sizeof(want), "git rev-parse production:migrations/versions/a_first.sql");
	assert_string_equal(files.v[0].oid, want);
	assert_string_equal(files.v[1].name, "b_second.sql");
	assert_string_equal(files.v[1].data, "second\n");
	gm_files_release(&files);
	assert_int_equal(files.nr, 0);
	assert_false(files.exists);

	/* trailing slash and "./" are fine; main has the third file */
	assert_gm_ok(gm_repo_resolve(oid, NULL, repo, "main"));
	assert_gm_ok(gm_tree_read_dir(&files, repo, oid, "./migrations/versions/", true));
	assert_int_equal(files.nr, 3);
	assert_string_equal(files.v[2].name, "c_third.sql");
	gm_files_release(&files);

	/* the root directory */
	assert_gm_ok(gm_tree_read_dir(&files, repo, oid, "", true));
	assert_true(files.exists);
	assert_int_equal(files.nr, 1);
	assert_string_equal(files.v[0].path, "README");
	gm_files_release(&files);
	gm_files_release(NULL);
	gm_repo_free(repo);
}

/* gm_tree_dir_oid: the tree id gm_tree_list gives, without the listing. */
static void test_repo__tree_dir_oid(void **state)
{
	gm_repo *repo = NULL;
	gm_tree *t = NULL;
	gm_files files = GM_FILES_INIT;
	char oid[GM_OID_HEXSZ + 1], want[128];
	(void)state;
	assert_gm_ok(gm_repo_discover(&repo, dir));
	assert_gm_ok(gm_tree_open(&t, repo, "production"));
	assert_gm_ok(gm_tree_dir_oid(oid, t, "migrations/versions/"));
	capture(want, sizeof(want), "git rev-parse production:migrations/versions");
	assert_string_equal(oid, want);
	assert_gm_ok(gm_tree_list(&files, t, "migrations/versions"));
	assert_string_equal(oid, files.tree_oid);
	gm_files_release(&files);
	assert_gm_ok(gm_tree_dir_oid(oid, t, "."));
	capture(want, sizeof(want), "git rev-parse 'production^{tree}'");
	assert_string_equal(oid, want);
	assert_gm_ok(gm_tree_dir_oid(oid, t, "no/such/dir"));
	assert_string_equal(oid, "");
	assert_gm_fails(GM_EINVALID, "cannot read 'README' at 'production': not a directory",
			gm_tree_dir_oid(oid, t, "README"));
	gm_tree_free(t);

	assert_gm_ok(gm_tree_open(&t, repo, "nope"));
	assert_gm_fails(GM_ENOTFOUND, "cannot read 'migrations' at 'nope': unknown revision",
			gm_tree_dir_oid(oid, t, "migrations"));
	gm_tree_free(t);

	assert_gm_ok(gm_tree_open(&t, repo, NULL)); /* the worktree has no tree id */
	strcpy(oid, "x");
	assert_gm_ok(gm_tree_dir_oid(oid, t, "migrations/versions"));
	assert_string_equal(oid, "");
	gm_tree_free(t);
	gm_repo_free(repo);
}

static void test_repo__read_tree_dir_missing(void **state)
{
	gm_repo *repo = NULL;
	gm_files files = GM_FILES_INIT;
	char oid[GM_OID_HEXSZ + 1];
	(void)state;
	assert_gm_ok(gm_repo_discover(&repo, dir));
	assert_gm_ok(gm_repo_resolve(oid, NULL, repo, "production"));
	assert_gm_ok(gm_tree_read_dir(&files, repo, oid, "db/migrations", true));
	assert_false(files.exists);
	assert_int_equal(files.nr, 0);
	assert_string_equal(files.tree_oid, "");

	assert_gm_fails(GM_EINVALID, "cannot read 'README' at '",
			gm_tree_read_dir(&files, repo, oid, "README", true));
	assert_gm_fails(GM_ENOTFOUND,
			"cannot read 'migrations/versions' at '0123456789ab': unknown revision",
			gm_tree_read_dir(&files, repo, "0123456789abcdef0123456789abcdef01234567",
					 "migrations/versions", true));
	assert_gm_fails(GM_ENOTFOUND, "cannot read 'migrations/versions' at 'nope'",
			gm_tree_read_dir(&files, repo, "nope", "migrations/versions", true));
	/* a revspec is accepted where a commit id is expected */
	assert_gm_ok(gm_tree_read_dir(&files, repo, "v1", "migrations/versions", true));
	assert_int_equal(files.nr, 2);
	gm_files_release(&files);
	gm_repo_free(repo);
}

static void test_repo__read_tree_file(void **state)
{
	gm_repo *repo = NULL;
	gm_file f;
	char oid[GM_OID_HEXSZ + 1], want[128];
	(void)state;
	assert_gm_ok(gm_repo_discover(&repo, dir));
	assert_gm_ok(gm_repo_resolve(oid, NULL, repo, "production"));
	assert_gm_ok(gm_repo_read_tree_file(&f, repo, oid, "migrations/versions/b_second.sql"));
	assert_string_equal(f.name, "b_second.sql");
	assert_string_equal(f.path, "migrations/versions/b_second.sql");
	assert_string_equal(f.data, "second\n");
	capture(want, sizeof(want), "git rev-parse production:migrations/versions/b_second.sql");
	assert_string_equal(f.oid, want);
	gm_file_release(&f);

	assert_gm_fails(GM_ENOTFOUND, "path 'migrations/versions/c_third.sql' does not exist",
			gm_repo_read_tree_file(&f, repo, oid, "migrations/versions/c_third.sql"));
	assert_gm_fails(GM_EINVALID, "not a file",
			gm_repo_read_tree_file(&f, repo, oid, "migrations"));
	gm_repo_free(repo);
}

static void test_repo__read_worktree_dir(void **state)
{
	gm_repo *repo = NULL;
	gm_files files = GM_FILES_INIT;
	char want[128];
	size_t i;
	(void)state;
	/* an untracked file, an edited file and a binary one: ids as `git hash-object` */
	sh("printf 'new\\n' >migrations/versions/d_new.sql && "
	   "printf 'first, edited\\n' >migrations/versions/a_first.sql && "
	   "printf 'a\\000b' >migrations/versions/e_bin.sql && "
	   "ln -sf a_first.sql migrations/versions/link.sql");
	assert_gm_ok(gm_repo_discover(&repo, dir));
	assert_gm_ok(gm_tree_read_dir(&files, repo, NULL, "migrations/versions", true));
	assert_true(files.exists);
	assert_string_equal(files.tree_oid, "");
	/* sub/ skipped; the symlink, which stays inside the repository, followed (as git
	 * objects are read) */
	assert_int_equal(files.nr, 6);
	assert_string_equal(files.v[0].name, "a_first.sql");
	assert_string_equal(files.v[0].data, "first, edited\n");
	assert_string_equal(files.v[3].name, "d_new.sql");
	assert_string_equal(files.v[4].name, "e_bin.sql");
	assert_int_equal(files.v[4].len, 3);
	assert_memory_equal(files.v[4].data, "a\0b", 4);
	assert_string_equal(files.v[5].name, "link.sql");
	assert_string_equal(files.v[5].data, "first, edited\n");
	for (i = 0; i < files.nr; i++) {
		capture(want, sizeof(want), "git hash-object '%s'", files.v[i].path);
		assert_string_equal(files.v[i].oid, want);
		assert_non_null(strstr(files.v[i].path, "migrations/versions/"));
	}
	gm_files_release(&files);

	assert_gm_ok(gm_tree_read_dir(&files, repo, NULL, "no/such/dir", true));
	assert_false(files.exists);
	assert_int_equal(files.nr, 0);
	gm_repo_free(repo);
	sh("git checkout -q -- migrations && rm -f migrations/versions/d_new.sql "
	   "migrations/versions/e_bin.sql migrations/versions/link.sql");
}

/*
 * gm_tree_read_worktree_dir: a file git's index vouches for takes the known listing's
 * content (made to differ here, to tell the two apart); an edit, a racily clean entry and
 * an unknown id are read from the file.
 */
static void test_repo__read_worktree_dir_index(void **state)
{
	gm_repo *repo = NULL;
	gm_files known = GM_FILES_INIT, files = GM_FILES_INIT;
	char oid[GM_OID_HEXSZ + 1], want[128];
	(void)state;
	/* stat data older than the index, the change time a tick (4 ms at most) before it:
	 * clean, not racy */
	sh("touch -d '2020-01-01 00:00:00' migrations/versions/*.sql && sleep 0.02 && "
	   "git update-index -q --refresh && git diff --quiet");
	assert_gm_ok(gm_repo_discover(&repo, dir));
	assert_gm_ok(gm_repo_resolve(oid, NULL, repo, "production"));
	assert_gm_ok(gm_tree_read_dir(&known, repo, oid, "migrations/versions", true));
	assert_int_equal(known.nr, 2);
	free(known.v[0].data);
	known.v[0].data = gm_xstrdup("known a\n");
	known.v[0].len = 8;

	assert_gm_ok(gm_tree_read_worktree_dir(&files, repo, "migrations/versions", &known));
	assert_int_equal(files.nr, 3);
	assert_string_equal(files.v[0].data, "known a\n"); /* vouched: not read */
	assert_int_equal(files.v[0].len, 8);
	assert_string_equal(files.v[0].oid, known.v[0].oid);
	assert_string_equal(files.v[1].data, "second\n");
	assert_string_equal(files.v[2].data, "third\n"); /* not in known: read */
	capture(want, sizeof(want), "git hash-object migrations/versions/c_third.sql");
	assert_string_equal(files.v[2].oid, want);
	gm_files_release(&files);

	/* the same size and modification time, written in place: the change time differs,
	 * or falls in the index's tick (racy): read either way */
	sh("sleep 0.02 && printf 'FIRST\\n' | dd of=migrations/versions/a_first.sql "
	   "conv=notrunc status=none && "
	   "touch -d '2020-01-01 00:00:00' migrations/versions/a_first.sql");
	assert_gm_ok(gm_tree_read_worktree_dir(&files, repo, "migrations/versions", &known));
	assert_string_equal(files.v[0].data, "FIRST\n");
	capture(want, sizeof(want), "git hash-object migrations/versions/a_first.sql");
	assert_string_equal(files.v[0].oid, want);
	gm_files_release(&files);

	/* a racily clean entry (modified after the index was written): read */
	sh("printf 'first\\n' >migrations/versions/a_first.sql && touch -d '2999-01-01 00:00:00' "
	   "migrations/versions/a_first.sql && git update-index -q --refresh && git diff --quiet");
	assert_gm_ok(gm_tree_read_worktree_dir(&files, repo, "migrations/versions", &known));
	assert_string_equal(files.v[0].data, "first\n");
	gm_files_release(&files);

	/* no known listing: everything read, as gm_tree_read_dir does */
	assert_gm_ok(gm_tree_read_worktree_dir(&files, repo, "migrations/versions", NULL));
	assert_string_equal(files.v[0].data, "first\n");
	assert_int_equal(files.nr, 3);
	gm_files_release(&files);
	gm_files_release(&known);
	gm_repo_free(repo);
	sh("touch migrations/versions/*.sql && git update-index -q --refresh && git diff --quiet");
}

static void test_repo__worktree_ids_apply_line_ending_filters(void **state)
{
	gm_repo *repo = NULL;
	gm_files files = GM_FILES_INIT;
	char want[128], raw[128];
	(void)state;
	/* with autocrlf, git stores a CRLF file with LF endings: the id must say so */
	sh("mkdir -p crlf && printf 'CREATE TABLE t (id integer);\\r\\n' >crlf/a.sql && "
	   "git config core.autocrlf true");
	assert_gm_ok(gm_repo_discover(&repo, dir));
	assert_gm_ok(gm_tree_read_dir(&files, repo, NULL, "crlf", true));
	assert_int_equal(files.nr, 1);
	capture(want, sizeof(want), "git hash-object crlf/a.sql");
	capture(raw, sizeof(raw), "git hash-object --no-filters crlf/a.sql");
	assert_string_not_equal(want, raw);
	assert_string_equal(files.v[0].oid, want);
	assert_memory_equal(files.v[0].data, "CREATE TABLE t (id integer);\r\n", files.v[0].len);
	gm_files_release(&files);
	gm_repo_free(repo);
	sh("git config --unset core.autocrlf && rm -rf crlf");
}

/* The tree's rules, the same for a commit and the worktree (core/repo_int.h). */
static void assert_rules_listing(gm_tree *t)
{
	gm_files files = GM_FILES_INIT;

	assert_gm_ok(gm_tree_list(&files, t, "rules"));
	assert_true(files.exists);
	/* .hidden.sql is a dotfile; d/ and the link to it are directories */
	assert_int_equal(files.nr, 2);
	assert_string_equal(files.v[0].name, "a.sql");
	assert_int_equal(files.v[0].len, 2);
	assert_string_equal(files.v[1].name, "link.sql");
	assert_int_equal(files.v[1].len, 2);
	assert_gm_ok(gm_tree_read(&files.v[1], t, 16, "a test file", 0));
	assert_string_equal(files.v[1].data, "a\n");
	assert_int_equal(gm_tree_read(&files.v[0], t, 1, "a test file", 0), GM_EINVALID);
	assert_non_null(strstr(gm_error_last()->message, "the limit for a test file"));
	gm_files_release(&files);
}

static void test_repo__tree_rules_commit_and_worktree(void **state)
{
	gm_repo *repo = NULL;
	gm_tree *t = NULL;
	gm_files files = GM_FILES_INIT;
	gm_stream *s = NULL;
	gm_file f = { 0 };
	static char buf[65536];
	size_t got, total = 0;
	(void)state;
	sh("mkdir -p rules/d && printf 'a\\n' >rules/a.sql && printf 'h\\n' >rules/.hidden.sql && "
	   "printf 'x\\n' >rules/d/x.sql && ln -s a.sql rules/link.sql && ln -s d rules/dir && "
	   "git add rules && git commit -q -m rules");
	assert_gm_ok(gm_repo_discover(&repo, dir));
	assert_gm_ok(gm_tree_open(&t, repo, "HEAD"));
	assert_false(gm_tree_is_worktree(t));
	assert_rules_listing(t);
	gm_tree_free(t);
	assert_gm_ok(gm_tree_open(&t, repo, NULL));
	assert_true(gm_tree_is_worktree(t));
	assert_rules_listing(t);

	/* a FIFO is listed and refused by name when read; a link outside is refused */
	sh("mkfifo rules/fifo.sql");
	assert_gm_ok(gm_tree_list(&files, t, "rules"));
	assert_int_equal(files.nr, 3);
	assert_string_equal(files.v[1].name, "fifo.sql");
	assert_int_equal(gm_stream_open(&s, t, &files.v[1]), GM_EINVALID);
	assert_non_null(strstr(gm_error_last()->message, "is not a regular file (a pipe)"));
	gm_files_release(&files);
	sh("rm rules/fifo.sql && ln -s '%s' rules/out.sql", outside);
	assert_int_equal(gm_tree_list(&files, t, "rules"), GM_EINVALID);
	assert_non_null(strstr(gm_error_last()->message, "leads outside the repository"));
	assert_gm_ok(gm_tree_find(&f, t, "rules/link.sql"));
	assert_string_equal(f.name, "link.sql");
	assert_int_equal(f.len, 2);
	gm_file_release(&f);
	gm_tree_free(t);

	/* a large packed blob streams (through git cat-file), a small one from memory */
	sh("rm rules/out.sql && head -c 3000000 /dev/zero | tr '\\0' y >rules/big.txt && "
	   "git add rules && git commit -q -m big && git gc -q");
	assert_gm_ok(gm_tree_open(&t, repo, "HEAD"));
	assert_gm_ok(gm_tree_list(&files, t, "rules"));
	assert_string_equal(files.v[1].name, "big.txt");
	assert_int_equal(files.v[1].len, 3000000);
	assert_gm_ok(gm_stream_open(&s, t, &files.v[1]));
	do {
		assert_gm_ok(gm_stream_read(s, buf, sizeof(buf), &got));
		total += got;
	} while (got);
	assert_int_equal(total, 3000000);
	assert_int_equal(buf[0], 'y');
	gm_stream_close(s);
	gm_files_release(&files);
	gm_tree_free(t);
	gm_repo_free(repo);
	sh("git rm -rq rules && git commit -q -m 'no rules' && rm -rf rules");
}

static void test_repo__hash_blob(void **state)
{
	char oid[GM_OID_HEXSZ + 1];
	(void)state;
	gm_repo_hash_blob(oid, "hello\n", 6);
	assert_string_equal(oid, "ce013625030ba8dba906f756967f9e9ca394464a");
	gm_repo_hash_blob(oid, "", 0);
	assert_string_equal(oid, "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
}

static void test_repo__config_get(void **state)
{
	gm_repo *repo = NULL;
	char *value = (char *)1;
	(void)state;
	sh("git config core.hooksPath .githooks");
	assert_gm_ok(gm_repo_discover(&repo, dir));
	assert_gm_ok(gm_repo_config_get(&value, repo, "core.hooksPath"));
	assert_string_equal(value, ".githooks");
	free(value);
	assert_gm_fails(GM_ENOTFOUND, "'gm.nothing' is not set",
			gm_repo_config_get(&value, repo, "gm.nothing"));
	assert_null(value);
	gm_repo_free(repo);
	sh("git config --unset core.hooksPath");
}

static void test_repo__bare_is_not_a_worktree(void **state)
{
	gm_repo *repo = NULL;
	char bare[PATH_MAX + 32];
	(void)state;
	snprintf(bare, sizeof(bare), "%s/bare.git", outside);
	sh("git init -q --bare '%s'", bare);
	assert_gm_fails(GM_ENOTFOUND, "must be run in a work tree", gm_repo_discover(&repo, bare));
	assert_null(repo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_repo__discover_from_root_and_subdir, teardown),
		cmocka_unit_test_teardown(test_repo__discover_from_cwd, teardown),
		cmocka_unit_test_teardown(test_repo__discover_outside, teardown),
		cmocka_unit_test_teardown(test_repo__resolve_branch_remote_revspec, teardown),
		cmocka_unit_test_teardown(test_repo__resolve_remote_only_after_branch_deleted,
					  teardown),
		cmocka_unit_test_teardown(test_repo__resolve_unknown, teardown),
		cmocka_unit_test_teardown(test_repo__read_tree_dir, teardown),
		cmocka_unit_test_teardown(test_repo__read_tree_dir_missing, teardown),
		cmocka_unit_test_teardown(test_repo__tree_dir_oid, teardown),
		cmocka_unit_test_teardown(test_repo__read_tree_file, teardown),
		cmocka_unit_test_teardown(test_repo__read_worktree_dir, teardown),
		cmocka_unit_test_teardown(test_repo__read_worktree_dir_index, teardown),
		cmocka_unit_test_teardown(test_repo__worktree_ids_apply_line_ending_filters,
					  teardown),
		cmocka_unit_test_teardown(test_repo__tree_rules_commit_and_worktree, teardown),
		cmocka_unit_test_teardown(test_repo__hash_blob, teardown),
		cmocka_unit_test_teardown(test_repo__config_get, teardown),
		cmocka_unit_test_teardown(test_repo__bare_is_not_a_worktree, teardown),
	};
	return cmocka_run_group_tests_name("repo", tests, group_setup, group_teardown);
}
