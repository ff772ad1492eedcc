/* The shared setup helpers of the unit tests (declared in gm_test.h). */
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include "gm_test.h"

void gm_test_tmpdir(char *out, size_t size, const char *name)
{
	const char *base = getenv("TMPDIR");
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%sXXXXXX", base && *base ? base : "/tmp", name);
	assert_non_null(mkdtemp(path));
	assert_non_null(realpath(path, out));
	assert_true(strlen(out) < size);
}

int gm_test_rmrf(const char *dir)
{
	char cmd[PATH_MAX + 32];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

void gm_test_write_file(const char *dir, const char *rel, const char *text)
{
	char path[PATH_MAX];
	char *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	for (slash = strchr(path + strlen(dir) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0777);
		*slash = '/';
	}
	f = fopen(path, "wb");
	if (!f) {
		print_error("cannot write '%s'\n", path);
		fail();
	}
	fputs(text, f);
	fclose(f);
}

/* "cd '<dir>' && <fmt...>" into cmd. */
static void command(char *cmd, size_t size, const char *dir, const char *fmt, va_list ap)
{
	int n = snprintf(cmd, size, "cd '%s' && ", dir);
	vsnprintf(cmd + n, size - (size_t)n, fmt, ap);
}

void gm_test_sh(const char *dir, const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;

	va_start(ap, fmt);
	command(cmd, sizeof(cmd), dir, fmt, ap);
	va_end(ap);
	if (system(cmd) != 0) {
		print_error("command failed: %s\n", cmd);
		fail();
	}
}

void gm_test_capture(char *out, size_t size, const char *dir, const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	FILE *p;

	va_start(ap, fmt);
	command(cmd, sizeof(cmd), dir, fmt, ap);
	va_end(ap);
	p = popen(cmd, "r");
	assert_non_null(p);
	if (!fgets(out, (int)size, p))
		out[0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	assert_int_equal(pclose(p), 0);
}

void gm_test_git_env(const char *root)
{
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("HOME", root, 1);
	setenv("GIT_AUTHOR_NAME", "A U Thor", 1);
	setenv("GIT_AUTHOR_EMAIL", "author@example.com", 1);
	setenv("GIT_COMMITTER_NAME", "C O Mitter", 1);
	setenv("GIT_COMMITTER_EMAIL", "committer@example.com", 1);
	setenv("GIT_CEILING_DIRECTORIES", root, 1);
	unsetenv("GIT_DIR");
	unsetenv("GIT_WORK_TREE");
}

void gm_test_repo_init(char *root, char *repo, size_t size, const char *name)
{
	gm_test_tmpdir(root, size, name);
	snprintf(repo, size, "%s/repo", root);
	assert_int_equal(mkdir(repo, 0777), 0);
	gm_test_git_env(root);
	gm_test_sh(repo, "git init -q");
	gm_repo_global_init();
}

int gm_test_repo_cleanup(const char *root)
{
	gm_repo_global_shutdown();
	return gm_test_rmrf(root);
}
