/*
 * The git repository: open and discover it, resolve revisions, read its config and
 * history. With repo_tree.c, repo_worktree.c and repo_stream.c, the only files that
 * include <git2.h> (DESIGN.md §5).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <git2.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "error_int.h"
#include "repo_git.h"
#include "util/bounded.h"
#include "util/banned.h"

int gm_repo_git_fail(int rc, const char *fmt, ...)
{
	const git_error *e = git_error_last();
	gm_buf b = GM_BUF_INIT;
	int code = rc == GIT_ENOTFOUND ? GM_ENOTFOUND : GM_EGIT;
	va_list ap;

	va_start(ap, fmt);
	gm_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (e && e->message && *e->message)
		gm_buf_printf(&b, ": %s", e->message);
	else
		gm_buf_printf(&b, ": libgit2 error %d", rc);
	gm_error_set(code, "%s", b.ptr);
	gm_buf_release(&b);
	git_error_clear();
	return code;
}

static char *strip_slash(const char *s)
{
	size_t n = strlen(s);
	while (n > 1 && s[n - 1] == '/')
		n--;
	return gm_xstrndup(s, n);
}

void gm_repo_global_init(void)
{
	git_libgit2_init();
	/* Git itself does not re-hash an object on every read (fsck does); libgit2 does by
	 * default, which was a tenth of `verify` on a long history. zlib's checksum still
	 * catches a damaged object. */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
}

void gm_repo_global_shutdown(void)
{
	git_libgit2_shutdown();
}

/*
 * `git --work-tree=<dir> migrate ...` (GIT_WORK_TREE, maybe with GIT_DIR): libgit2's
 * GIT_REPOSITORY_OPEN_FROM_ENV refuses GIT_WORK_TREE, so open the repository as git would
 * (GIT_DIR when set, else discovered from the current directory) and set the worktree.
 */
static bool same_dir(const char *a, const char *b)
{
	size_t na, nb;

	if (!a || !b)
		return false;
	na = strlen(a);
	nb = strlen(b);
	while (na > 1 && a[na - 1] == '/')
		na--;
	while (nb > 1 && b[nb - 1] == '/')
		nb--;
	return na == nb && !strncmp(a, b, na);
}

static int open_with_work_tree(git_repository **out)
{
	const char *gd = getenv("GIT_DIR"), *wt = getenv("GIT_WORK_TREE");
	char *real = realpath(wt, NULL);
	int rc;

	if (!real) {
		git_error_set_str(GIT_ERROR_OS, "GIT_WORK_TREE is not a directory");
		return GIT_ERROR;
	}
	if (gd && *gd)
		rc = git_repository_open_ext(out, gd, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	else
		rc = git_repository_open_ext(out, ".", 0, NULL);
	/* set only when it differs: libgit2 1.5 leaks a little in set_workdir */
	if (rc == 0 && !same_dir(git_repository_workdir(*out), real) &&
	    (rc = git_repository_set_workdir(*out, real, 0)) < 0) {
		git_repository_free(*out);
		*out = NULL;
	}
	free(real);
	return rc;
}

int gm_repo_discover(gm_repo **out, const char *start)
{
	git_repository *git = NULL;
	gm_repo *repo;
	int rc;

	GM_ASSERT_ARG(out);
	*out = NULL;
	/* From the environment (GIT_DIR, GIT_WORK_TREE, GIT_CEILING_DIRECTORIES: hooks run with
	 * them set) when starting from the current directory. */
	if (start)
		rc = git_repository_open_ext(&git, start, 0, NULL);
	else if (getenv("GIT_WORK_TREE") && *getenv("GIT_WORK_TREE"))
		rc = open_with_work_tree(&git);
	else
		rc = git_repository_open_ext(&git, NULL, GIT_REPOSITORY_OPEN_FROM_ENV, NULL);
	if (rc == GIT_ENOTFOUND) {
		git_error_clear();
		return gm_error_set(GM_ENOTFOUND,
				    "not a git repository (or any of the parent directories)");
	}
	if (rc < 0)
		return gm_repo_git_fail(rc, "cannot open the git repository");
	if (git_repository_is_bare(git)) {
		git_repository_free(git);
		return gm_error_set(GM_ENOTFOUND, "this operation must be run in a work tree");
	}
	repo = gm_xcalloc(1, sizeof(*repo));
	repo->git = git;
	repo->workdir = strip_slash(git_repository_workdir(git));
	repo->commondir = strip_slash(git_repository_commondir(git));
	*out = repo;
	return 0;
}

void gm_repo_free(gm_repo *repo)
{
	if (!repo)
		return;
	git_repository_free(repo->git);
	free(repo->workdir);
	free(repo->commondir);
	free(repo);
}

const char *gm_repo_workdir(const gm_repo *repo)
{
	return repo->workdir;
}

const char *gm_repo_commondir(const gm_repo *repo)
{
	return repo->commondir;
}

/* Peel a reference to a commit id; 0 on success, < 0 (libgit2 code) otherwise. */
static int peel_ref(git_oid *oid, git_reference *ref)
{
	git_object *obj = NULL;
	int rc = git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT);
	if (rc == 0) {
		git_oid_cpy(oid, git_object_id(obj));
		git_object_free(obj);
	}
	return rc;
}

static int try_branch(git_oid *oid, gm_repo *repo, const char *name, git_branch_t type)
{
	git_reference *ref = NULL;
	int rc = git_branch_lookup(&ref, repo->git, name, type);
	if (rc == 0) {
		rc = peel_ref(oid, ref);
		git_reference_free(ref);
	}
	git_error_clear();
	return rc;
}

int gm_repo_resolve(char oid_out[GM_OID_HEXSZ + 1], char **resolved_out, gm_repo *repo,
		    const char *name)
{
	git_object *obj = NULL, *commit = NULL;
	gm_buf b = GM_BUF_INIT;
	git_oid oid;
	char *resolved = NULL;
	int rc, error = 0;

	GM_ASSERT_ARG(repo && name);
	if (resolved_out)
		*resolved_out = NULL;
	oid_out[0] = '\0';
	if (!*name)
		return gm_error_set(GM_ENOTFOUND, "unknown revision ''");

	if (try_branch(&oid, repo, name, GIT_BRANCH_LOCAL) == 0) {
		gm_buf_printf(&b, "refs/heads/%s", name);
		resolved = gm_buf_detach(&b);
		goto found;
	}
	/* origin/<name> only for branch-like names: never for HEAD, HEAD~1, v1^{} ... */
	gm_buf_printf(&b, "origin/%s", name);
	if (!strpbrk(name, "~^:@{") && !strstr(name, "HEAD") &&
	    try_branch(&oid, repo, b.ptr, GIT_BRANCH_REMOTE) == 0) {
		gm_buf_clear(&b);
		gm_buf_printf(&b, "refs/remotes/origin/%s", name);
		resolved = gm_buf_detach(&b);
		goto found;
	}
	gm_buf_release(&b);

	rc = git_revparse_single(&obj, repo->git, name);
	if (rc < 0) {
		git_error_clear();
		error = gm_error_set(GM_ENOTFOUND, "unknown revision '%s'", name);
		goto done;
	}
	if ((rc = git_object_peel(&commit, obj, GIT_OBJECT_COMMIT)) < 0) {
		git_error_clear();
		error = gm_error_set(GM_EINVALID, "revision '%s' is not a commit", name);
		goto done;
	}
	git_oid_cpy(&oid, git_object_id(commit));
	resolved = gm_xstrdup(name);

found:
	git_oid_tostr(oid_out, GM_OID_HEXSZ + 1, &oid);
	if (resolved_out) {
		*resolved_out = resolved;
		resolved = NULL;
	}
done:
	free(resolved);
	git_object_free(commit);
	git_object_free(obj);
	return error;
}

/* Normalize a path argument: no leading "./", no trailing '/'; "" for the root. */
char *gm_repo_clean_path(const char *dir)
{
	size_t n;
	while (dir[0] == '.' && dir[1] == '/')
		dir += 2;
	while (*dir == '/')
		dir++;
	if (!strcmp(dir, "."))
		dir = "";
	n = strlen(dir);
	while (n > 0 && dir[n - 1] == '/')
		n--;
	return gm_xstrndup(dir, n);
}

size_t gm_repo_max_file(const gm_repo *repo)
{
	return repo->max_file ? repo->max_file : GM_LIMIT_REVISION;
}

void gm_repo_set_max_file(gm_repo *repo, size_t max)
{
	repo->max_file = max;
}

void gm_repo_hash_blob(char oid_out[GM_OID_HEXSZ + 1], const void *data, size_t len)
{
	git_oid oid;
	if (git_odb_hash(&oid, data, len, GIT_OBJECT_BLOB) < 0)
		GM_BUG("git_odb_hash failed");
	git_oid_tostr(oid_out, GM_OID_HEXSZ + 1, &oid);
}

int gm_repo_config_get(char **out, gm_repo *repo, const char *key)
{
	git_config *cfg = NULL;
	git_buf value = { NULL, 0, 0 };
	int rc, error = 0;

	GM_ASSERT_ARG(out && repo && key);
	*out = NULL;
	if ((rc = git_repository_config_snapshot(&cfg, repo->git)) < 0)
		return gm_repo_git_fail(rc, "cannot read the git config");
	rc = git_config_get_string_buf(&value, cfg, key);
	if (rc == GIT_ENOTFOUND) {
		git_error_clear();
		error = gm_error_set(GM_ENOTFOUND, "'%s' is not set", key);
	} else if (rc < 0) {
		error = gm_repo_git_fail(rc, "cannot read '%s' from the git config", key);
	} else {
		*out = gm_xstrndup(value.ptr, value.size);
	}
	git_buf_dispose(&value);
	git_config_free(cfg);
	return error;
}

const char *gm_repo_git_dir(const gm_repo *repo)
{
	return git_repository_path(repo->git);
}

int gm_repo_fork_point(char out[GM_OID_HEXSZ + 1], gm_repo *repo, const char *commit,
		       const char *upstream, const char *path)
{
	git_oid head, up, id, from, base;
	git_revwalk *walk = NULL;
	git_commit *c = NULL;
	git_tree *tree = NULL;
	git_tree_entry *e = NULL;
	bool in_head;
	int rc, error = 0;

	GM_ASSERT_ARG(repo && commit && upstream && path);
	out[0] = '\0';
	if (git_oid_fromstr(&head, commit) < 0 || git_oid_fromstr(&up, upstream) < 0) {
		git_error_clear();
		return gm_error_set(GM_EINVALID, "not a commit id: '%s' or '%s'", commit, upstream);
	}
	git_oid_cpy(&from, &head);
	/* a file the commit does not have (not committed yet) was written on top of it */
	if ((rc = git_commit_lookup(&c, repo->git, &head)) < 0 ||
	    (rc = git_commit_tree(&tree, c)) < 0) {
		error = gm_repo_git_fail(rc, "cannot read commit '%.12s'", commit);
		goto done;
	}
	in_head = git_tree_entry_bypath(&e, tree, path) == 0;
	git_tree_entry_free(e);
	e = NULL;
	git_error_clear();
	if (!in_head)
		goto merge_base;

	/* oldest first, only the commits upstream does not have */
	if ((rc = git_revwalk_new(&walk, repo->git)) < 0 ||
	    (rc = git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE)) < 0 ||
	    (rc = git_revwalk_push(walk, &head)) < 0 || (rc = git_revwalk_hide(walk, &up)) < 0) {
		error = gm_repo_git_fail(rc, "cannot walk the history of '%.12s'", commit);
		goto done;
	}
	while ((rc = git_revwalk_next(&id, walk)) == 0) {
		git_tree_free(tree);
		git_commit_free(c);
		tree = NULL;
		if ((rc = git_commit_lookup(&c, repo->git, &id)) < 0 ||
		    (rc = git_commit_tree(&tree, c)) < 0) {
			error = gm_repo_git_fail(rc, "cannot walk the history of '%.12s'", commit);
			goto done;
		}
		if (git_tree_entry_bypath(&e, tree, path) == 0) {
			git_tree_entry_free(e);
			git_oid_cpy(&from, &id);
			break;
		}
		git_error_clear();
	}
	if (rc < 0 && rc != GIT_ITEROVER) {
		error = gm_repo_git_fail(rc, "cannot walk the history of '%.12s'", commit);
		goto done;
	}

merge_base:
	if ((rc = git_merge_base(&base, repo->git, &from, &up)) < 0) {
		if (rc == GIT_ENOTFOUND) {
			git_error_clear();
			error = gm_error_set(GM_ENOTFOUND,
					     "'%.12s' and '%.12s' have no common "
					     "ancestor",
					     commit, upstream);
		} else {
			error = gm_repo_git_fail(
				rc, "cannot find the merge base of '%.12s' and '%.12s'", commit,
				upstream);
		}
		goto done;
	}
	git_oid_tostr(out, GM_OID_HEXSZ + 1, &base);
done:
	git_revwalk_free(walk);
	git_tree_free(tree);
	git_commit_free(c);
	return error;
}

int gm_repo_hooks_dir(char **out, gm_repo *repo)
{
	git_config *cfg = NULL;
	git_buf value = { NULL, 0, 0 };
	gm_buf b = GM_BUF_INIT;
	int rc, error = 0;

	GM_ASSERT_ARG(out && repo);
	*out = NULL;
	if ((rc = git_repository_config_snapshot(&cfg, repo->git)) < 0)
		return gm_repo_git_fail(rc, "cannot read the git config");
	rc = git_config_get_path(&value, cfg, "core.hooksPath");
	if (rc == GIT_ENOTFOUND || (rc == 0 && !value.size)) {
		git_error_clear();
		gm_buf_printf(&b, "%s/hooks", repo->commondir);
	} else if (rc < 0) {
		error = gm_repo_git_fail(rc, "cannot read 'core.hooksPath' from the git config");
	} else if (value.ptr[0] == '/') {
		gm_buf_put(&b, value.ptr, value.size);
	} else {
		gm_buf_printf(&b, "%s/%.*s", repo->workdir, (int)value.size, value.ptr);
	}
	if (!error) {
		while (b.len > 1 && b.ptr[b.len - 1] == '/')
			gm_buf_truncate(&b, b.len - 1);
		*out = gm_buf_detach(&b);
	}
	gm_buf_release(&b);
	git_buf_dispose(&value);
	git_config_free(cfg);
	return error;
}
