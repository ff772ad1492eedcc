/* The git repository: the only file that includes <git2.h> (DESIGN.md §5). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <git2.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "git-migrate/repo.h"
#include "git-migrate/vec.h"
#include "util/bounded.h"
#include "util/banned.h"

struct gm_repo {
	git_repository *git;
	char *workdir;
	char *commondir;
	size_t max_file;    /* largest revision file read whole (0 = GM_LIMIT_REVISION) */
};

/* How many symlinks in a row a path of a git tree may go through. */
#define MAX_LINKS 8

/*
 * Convert a libgit2 failure at the boundary: "<context>: <libgit2 message>". The code is
 * GM_ENOTFOUND for GIT_ENOTFOUND, GM_EGIT otherwise. git_error_last() may be NULL (1.5).
 */
static int git_fail(int rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int git_fail(int rc, const char *fmt, ...)
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
		return git_fail(rc, "cannot open the git repository");
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

/* How a commit is named in messages: a full id is abbreviated as git does. */
static void commit_label(gm_buf *out, const char *commit)
{
	size_t n = strlen(commit);
	if (n == GM_OID_HEXSZ && strspn(commit, "0123456789abcdef") == n)
		gm_buf_put(out, commit, 12);
	else
		gm_buf_puts(out, commit);
}

/* The tree of `commit` (a full id, or any revspec). */
static int commit_tree(git_tree **out, gm_repo *repo, const char *commit, const char *what)
{
	git_object *obj = NULL;
	git_commit *c = NULL;
	gm_buf label = GM_BUF_INIT;
	git_oid oid;
	int rc, error = 0;

	*out = NULL;
	commit_label(&label, commit);
	if (strlen(commit) == GM_OID_HEXSZ && git_oid_fromstr(&oid, commit) == 0)
		rc = git_commit_lookup(&c, repo->git, &oid);
	else if ((rc = git_revparse_single(&obj, repo->git, commit)) == 0)
		rc = git_object_peel((git_object **)&c, obj, GIT_OBJECT_COMMIT);
	if (rc < 0) {
		git_error_clear();
		error = gm_error_set(GM_ENOTFOUND, "cannot read '%s' at '%s': unknown revision",
				     what, label.ptr);
		goto done;
	}
	if ((rc = git_commit_tree(out, c)) < 0)
		error = git_fail(rc, "cannot read '%s' at '%s'", what, label.ptr);
done:
	gm_buf_release(&label);
	git_commit_free(c);
	git_object_free(obj);
	return error;
}

/* Normalize a directory argument: no leading "./", no trailing '/'; "" for the root. */
static char *clean_dir(const char *dir)
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

static void file_set_path(gm_file *f, const char *dir, const char *name)
{
	gm_buf b = GM_BUF_INIT;
	f->name = gm_xstrdup(name);
	if (*dir)
		gm_buf_printf(&b, "%s/%s", dir, name);
	else
		gm_buf_puts(&b, name);
	f->path = gm_buf_detach(&b);
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const gm_file *)a)->name, ((const gm_file *)b)->name);
}

static size_t max_file(const gm_repo *repo)
{
	return repo->max_file ? repo->max_file : GM_LIMIT_REVISION;
}

static int file_too_large(const gm_repo *repo, const char *path)
{
	gm_buf lim = GM_BUF_INIT;

	gm_size_describe(&lim, max_file(repo));
	gm_error_set(GM_EINVALID, "'%s' is larger than %s, the limit for a revision file",
		     path, lim.ptr);
	gm_error_hint("raise it with 'max_revision_size:' in .gitmigrate.yml");
	gm_buf_release(&lim);
	return GM_EINVALID;
}

void gm_repo_set_max_file(gm_repo *repo, size_t max)
{
	repo->max_file = max;
}

static int read_blob(gm_file *f, gm_repo *repo, const git_oid *id, const char *label)
{
	git_blob *blob = NULL;
	size_t len;
	int rc;

	if ((rc = git_blob_lookup(&blob, repo->git, id)) < 0)
		return git_fail(rc, "cannot read '%s' at '%s'", f->path, label);
	len = (size_t)git_blob_rawsize(blob);
	if (len > max_file(repo)) {
		git_blob_free(blob);
		return file_too_large(repo, f->path);
	}
	f->data = gm_xmalloc(len + 1);
	if (len)
		memcpy(f->data, git_blob_rawcontent(blob), len);
	f->data[len] = '\0';
	f->len = len;
	git_oid_tostr(f->oid, sizeof(f->oid), id);
	git_blob_free(blob);
	return 0;
}

/*
 * The repository path a symlink at `path` (a file of the tree) points to, into *out, or
 * GM_EINVALID when the target leaves the repository: the rule the worktree follows too
 * (util/bounded.c), applied to the link's text.
 */
static int link_target(gm_buf *out, const gm_repo *repo, const char *path, const char *target,
		       size_t target_len)
{
	gm_buf t = GM_BUF_INIT;
	const char *slash = strrchr(path, '/');
	size_t n = strlen(repo->workdir);
	char *p, *seg, *save = NULL;
	int error = 0;

	gm_buf_clear(out);
	gm_buf_put(&t, target, target_len);
	if (t.ptr[0] == '/') {
		/* absolute: only a path into this worktree stays inside */
		if (strncmp(t.ptr, repo->workdir, n) || (t.ptr[n] != '/' && t.ptr[n])) {
			error = GM_EINVALID;
			goto done;
		}
		p = t.ptr + n;
	} else {
		if (slash)
			gm_buf_put(out, path, (size_t)(slash - path));
		p = t.ptr;
	}
	for (seg = strtok_r(p, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
		if (!strcmp(seg, "."))
			continue;
		if (!strcmp(seg, "..")) {
			char *up;
			if (!out->len) {
				error = GM_EINVALID;
				goto done;
			}
			up = memrchr(out->ptr, '/', out->len);
			gm_buf_truncate(out, up ? (size_t)(up - out->ptr) : 0);
			continue;
		}
		if (out->len)
			gm_buf_putc(out, '/');
		gm_buf_puts(out, seg);
	}
	if (!out->len)
		error = GM_EINVALID;
done:
	if (error < 0) {
		gm_error_set(GM_EINVALID, "'%s' is a symlink to '%.*s', outside the repository",
			     path, (int)target_len, target);
		gm_error_hint("git-migrate reads only files inside the repository; replace the "
			      "symlink with the file itself");
	}
	gm_buf_release(&t);
	return error;
}

/*
 * A symlink entry of a tree: follow it (and the links it leads to) inside the tree to a
 * regular file, whose id goes to *id_out. GM_EINVALID when it leaves the repository or
 * ends anywhere but at a file.
 */
static int follow_tree_link(git_oid *id_out, gm_repo *repo, git_tree *root, const char *path,
			    const git_oid *link_id, const char *label)
{
	gm_buf cur = GM_BUF_INIT, next = GM_BUF_INIT;
	git_oid id = *link_id;
	int i, rc, error = 0;

	gm_buf_puts(&cur, path);
	for (i = 0; i < MAX_LINKS; i++) {
		git_blob *blob = NULL;
		git_tree_entry *e = NULL;
		git_filemode_t mode;

		if ((rc = git_blob_lookup(&blob, repo->git, &id)) < 0) {
			error = git_fail(rc, "cannot read '%s' at '%s'", cur.ptr, label);
			goto done;
		}
		error = link_target(&next, repo, cur.ptr, git_blob_rawcontent(blob),
				    (size_t)git_blob_rawsize(blob));
		git_blob_free(blob);
		if (error < 0) {
			if (strcmp(cur.ptr, path))
				gm_error_prefix("'%s' leads outside the repository", path);
			goto done;
		}
		rc = git_tree_entry_bypath(&e, root, next.ptr);
		if (rc < 0) {
			git_error_clear();
			error = gm_error_set(GM_EINVALID, "'%s' is a symlink to '%s', which does "
					     "not exist at '%s'", path, next.ptr, label);
			goto done;
		}
		mode = git_tree_entry_filemode(e);
		id = *git_tree_entry_id(e);
		git_tree_entry_free(e);
		if (mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE) {
			*id_out = id;
			goto done;
		}
		if (mode != GIT_FILEMODE_LINK) {
			error = gm_error_set(GM_EINVALID, "'%s' is a symlink to '%s', which is not "
					     "a file", path, next.ptr);
			goto done;
		}
		gm_buf_clear(&cur);
		gm_buf_puts(&cur, next.ptr);
	}
	error = gm_error_set(GM_EINVALID, "'%s': too many levels of symbolic links", path);
done:
	gm_buf_release(&cur);
	gm_buf_release(&next);
	return error;
}

/* The files of a tree directory; their content too when `content` is set. */
static int tree_dir(gm_files *out, gm_repo *repo, const char *commit_oid, const char *dir,
		    bool content);

int gm_repo_read_tree_dir(gm_files *out, gm_repo *repo, const char *commit_oid, const char *dir)
{
	return tree_dir(out, repo, commit_oid, dir, true);
}

int gm_repo_list_tree_dir(gm_files *out, gm_repo *repo, const char *commit_oid, const char *dir)
{
	return tree_dir(out, repo, commit_oid, dir, false);
}

static int tree_dir(gm_files *out, gm_repo *repo, const char *commit_oid, const char *dir,
		    bool content)
{
	git_tree *root = NULL, *sub = NULL;
	git_tree_entry *entry = NULL;
	const git_tree *tree;
	gm_buf label = GM_BUF_INIT;
	char *d = NULL;
	size_t i, n;
	int rc, error = 0;

	GM_ASSERT_ARG(out && repo && commit_oid && dir);
	gm_files_release(out);
	d = clean_dir(dir);
	commit_label(&label, commit_oid);
	if ((error = commit_tree(&root, repo, commit_oid, *d ? d : ".")) < 0)
		goto done;
	tree = root;
	if (*d) {
		rc = git_tree_entry_bypath(&entry, root, d);
		if (rc == GIT_ENOTFOUND) {
			git_error_clear();
			goto done; /* exists = false */
		}
		if (rc < 0) {
			error = git_fail(rc, "cannot read '%s' at '%s'", d, label.ptr);
			goto done;
		}
		if (git_tree_entry_type(entry) != GIT_OBJECT_TREE) {
			error = gm_error_set(GM_EINVALID,
					     "cannot read '%s' at '%s': not a directory", d,
					     label.ptr);
			goto done;
		}
		if ((rc = git_tree_lookup(&sub, repo->git, git_tree_entry_id(entry))) < 0) {
			error = git_fail(rc, "cannot read '%s' at '%s'", d, label.ptr);
			goto done;
		}
		tree = sub;
	}
	out->exists = true;
	git_oid_tostr(out->tree_oid, sizeof(out->tree_oid), git_tree_id(tree));

	n = git_tree_entrycount(tree);
	for (i = 0; i < n; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		git_filemode_t mode = git_tree_entry_filemode(e);
		git_oid id = *git_tree_entry_id(e);
		gm_file f = { 0 };

		if (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE &&
		    mode != GIT_FILEMODE_LINK)
			continue; /* subdirectories, submodules */
		file_set_path(&f, d, git_tree_entry_name(e));
		/* a symlink is followed inside the tree, as in the worktree */
		if (mode == GIT_FILEMODE_LINK &&
		    (error = follow_tree_link(&id, repo, root, f.path, &id, label.ptr)) < 0) {
			gm_file_release(&f);
			goto done;
		}
		if (!content) {
			git_object_t type;
			git_odb *odb = NULL;
			git_oid_tostr(f.oid, sizeof(f.oid), &id);
			if ((rc = git_repository_odb(&odb, repo->git)) < 0 ||
			    (rc = git_odb_read_header(&f.len, &type, odb, &id)) < 0) {
				git_odb_free(odb);
				error = git_fail(rc, "cannot read '%s' at '%s'", f.path,
						 label.ptr);
				gm_file_release(&f);
				goto done;
			}
			git_odb_free(odb);
		} else if ((error = read_blob(&f, repo, &id, label.ptr)) < 0) {
			gm_file_release(&f);
			goto done;
		}
		GM_PUSH(out->v, out->nr, out->alloc, f);
	}
	if (out->nr > 1)
		qsort(out->v, out->nr, sizeof(*out->v), cmp_file);
done:
	if (error < 0)
		gm_files_release(out);
	git_tree_entry_free(entry);
	git_tree_free(sub);
	git_tree_free(root);
	gm_buf_release(&label);
	free(d);
	return error;
}

int gm_repo_read_tree_file(gm_file *out, gm_repo *repo, const char *commit_oid, const char *path)
{
	git_tree *root = NULL;
	git_tree_entry *entry = NULL;
	gm_buf label = GM_BUF_INIT;
	char *p = NULL, *slash;
	git_oid id;
	int rc, error = 0;

	GM_ASSERT_ARG(out && repo && commit_oid && path);
	memset(out, 0, sizeof(*out));
	p = clean_dir(path);
	commit_label(&label, commit_oid);
	if ((error = commit_tree(&root, repo, commit_oid, p)) < 0)
		goto done;
	rc = git_tree_entry_bypath(&entry, root, p);
	if (rc == GIT_ENOTFOUND) {
		git_error_clear();
		error = gm_error_set(GM_ENOTFOUND, "path '%s' does not exist in '%s'", p,
				     label.ptr);
		goto done;
	}
	if (rc < 0) {
		error = git_fail(rc, "cannot read '%s' at '%s'", p, label.ptr);
		goto done;
	}
	if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB) {
		error = gm_error_set(GM_EINVALID, "cannot read '%s' at '%s': not a file", p,
				     label.ptr);
		goto done;
	}
	id = *git_tree_entry_id(entry);
	if (git_tree_entry_filemode(entry) == GIT_FILEMODE_LINK &&
	    (error = follow_tree_link(&id, repo, root, p, &id, label.ptr)) < 0)
		goto done;
	slash = strrchr(p, '/');
	out->name = gm_xstrdup(slash ? slash + 1 : p);
	out->path = gm_xstrdup(p);
	error = read_blob(out, repo, &id, label.ptr);
done:
	if (error < 0)
		gm_file_release(out);
	git_tree_entry_free(entry);
	git_tree_free(root);
	gm_buf_release(&label);
	free(p);
	return error;
}

/*
 * The blob id git would store for this worktree file. Clean filters (autocrlf, eol) are
 * applied only when the content has a CR: loading the filter list reads attributes for
 * each file, which would make reading 2,000 revisions several times slower, and the
 * filters a revision file meets in practice are the line-ending ones.
 */
static int hash_worktree_file(gm_file *f, gm_repo *repo)
{
	git_filter_list *fl = NULL;
	git_buf filtered = { NULL, 0, 0 };
	git_oid oid;
	int rc;

	if (memchr(f->data, '\r', f->len)) {
		rc = git_filter_list_load(&fl, repo->git, NULL, f->path, GIT_FILTER_TO_ODB,
					  GIT_FILTER_DEFAULT);
		if (rc < 0)
			return git_fail(rc, "cannot hash '%s'", f->path);
	}
	if (fl) {
		rc = git_filter_list_apply_to_buffer(&filtered, fl, f->data, f->len);
		git_filter_list_free(fl);
		if (rc < 0)
			return git_fail(rc, "cannot hash '%s'", f->path);
		rc = git_odb_hash(&oid, filtered.ptr, filtered.size, GIT_OBJECT_BLOB);
		git_buf_dispose(&filtered);
	} else {
		rc = git_odb_hash(&oid, f->data, f->len, GIT_OBJECT_BLOB);
	}
	if (rc < 0)
		return git_fail(rc, "cannot hash '%s'", f->path);
	git_oid_tostr(f->oid, sizeof(f->oid), &oid);
	return 0;
}

int gm_repo_read_worktree_dir(gm_files *out, gm_repo *repo, const char *dir)
{
	gm_buf full = GM_BUF_INIT, content = GM_BUF_INIT;
	DIR *dh = NULL;
	struct dirent *de;
	char *d = NULL, *real = NULL, *dummy = NULL;
	int error = 0;

	GM_ASSERT_ARG(out && repo && dir);
	gm_files_release(out);
	d = clean_dir(dir);
	gm_buf_puts(&full, repo->workdir);
	if (*d)
		gm_buf_printf(&full, "/%s", d);
	/* the directory itself (a symlinked migrations/versions) must stay inside too */
	if (*d && (error = gm_path_confine(&real, repo->workdir, full.ptr, d)) < 0) {
		if (error == GM_ENOTFOUND) {
			gm_error_clear();
			error = 0;
		}
		goto done; /* exists = false */
	}
	if (!(dh = opendir(real ? real : full.ptr))) {
		if (errno == ENOENT)
			goto done; /* exists = false */
		error = gm_error_set(GM_ERROR, "cannot read '%s': %s", *d ? d : ".",
				     strerror(errno));
		goto done;
	}
	out->exists = true;
	while ((de = readdir(dh))) {
		struct stat st;
		gm_file f = { 0 };

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(dirfd(dh), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		/* a symlink is followed when it stays inside the repository (as in git) */
		if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
			continue;
		file_set_path(&f, d, de->d_name);
		gm_buf_clear(&full);
		gm_buf_printf(&full, "%s/%s", real ? real : repo->workdir, de->d_name);
		if (S_ISLNK(st.st_mode) && (stat(full.ptr, &st) < 0 || S_ISDIR(st.st_mode)) &&
		    gm_path_confine(&dummy, repo->workdir, full.ptr, f.path) == 0) {
			free(dummy); /* a link to a directory inside: skipped like one */
			dummy = NULL;
			gm_file_release(&f);
			continue;
		}
		gm_buf_clear(&content);
		if ((error = gm_file_read_bounded(&content, repo->workdir, full.ptr, f.path,
						  max_file(repo), "a revision file", false)) < 0) {
			if (error == GM_EINVALID && strstr(gm_error_last()->message, "larger than"))
				gm_error_hint("raise it with 'max_revision_size:' in .gitmigrate.yml");
			gm_file_release(&f);
			goto done;
		}
		f.len = content.len;
		f.data = gm_xmalloc(content.len + 1);
		memcpy(f.data, content.ptr, content.len);
		f.data[content.len] = '\0';
		if ((error = hash_worktree_file(&f, repo)) < 0) {
			gm_file_release(&f);
			goto done;
		}
		GM_PUSH(out->v, out->nr, out->alloc, f);
	}
	if (out->nr > 1)
		qsort(out->v, out->nr, sizeof(*out->v), cmp_file);
done:
	if (error < 0)
		gm_files_release(out);
	if (dh)
		closedir(dh);
	gm_buf_release(&content);
	gm_buf_release(&full);
	free(real);
	free(d);
	return error;
}

void gm_file_release(gm_file *f)
{
	if (!f)
		return;
	free(f->name);
	free(f->path);
	free(f->data);
	memset(f, 0, sizeof(*f));
}

void gm_files_release(gm_files *files)
{
	size_t i;
	if (!files)
		return;
	for (i = 0; i < files->nr; i++)
		gm_file_release(&files->v[i]);
	free(files->v);
	files->v = NULL;
	files->nr = files->alloc = 0;
	files->exists = false;
	files->tree_oid[0] = '\0';
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
		return git_fail(rc, "cannot read the git config");
	rc = git_config_get_string_buf(&value, cfg, key);
	if (rc == GIT_ENOTFOUND) {
		git_error_clear();
		error = gm_error_set(GM_ENOTFOUND, "'%s' is not set", key);
	} else if (rc < 0) {
		error = git_fail(rc, "cannot read '%s' from the git config", key);
	} else {
		*out = gm_xstrndup(value.ptr, value.size);
	}
	git_buf_dispose(&value);
	git_config_free(cfg);
	return error;
}

/* ---- blobs read in pieces ---- */

enum blob_mode { BLOB_STREAM, BLOB_PIPE, BLOB_MEMORY };

struct gm_blob_reader {
	enum blob_mode mode;
	gm_repo *repo;
	git_oid oid;
	char *path;
	git_odb_stream *stream;   /* BLOB_STREAM */
	pid_t pid;                /* BLOB_PIPE: the git cat-file child, 0 once reaped */
	int fd;                   /* BLOB_PIPE: its stdout */
	size_t piped;             /* BLOB_PIPE: bytes read so far */
	git_blob *blob;           /* BLOB_MEMORY */
	size_t off;               /* BLOB_MEMORY: read position */
};

extern char **environ;

/* `git --git-dir=<gitdir> -c ... cat-file blob <oid>`, stdout to a pipe, stderr discarded. */
static int spawn_cat_file(gm_blob_reader *r)
{
	posix_spawn_file_actions_t fa;
	gm_buf gitdir = GM_BUF_INIT;
	char hex[GM_OID_HEXSZ + 1];
	char *argv[8];
	int fds[2], rc;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return gm_error_set(GM_EGIT, "cannot read '%s': pipe: %s", r->path,
				    strerror(errno));
	git_oid_tostr(hex, sizeof(hex), &r->oid);
	gm_buf_printf(&gitdir, "--git-dir=%s", git_repository_path(r->repo->git));
	/* Above core.bigFileThreshold git streams a blob stored whole in a pack (the usual
	 * case for the newest version of a file) instead of inflating it in memory. */
	argv[0] = (char *)"git";
	argv[1] = gitdir.ptr;
	argv[2] = (char *)"-c";
	argv[3] = (char *)"core.bigFileThreshold=1m";
	argv[4] = (char *)"cat-file";
	argv[5] = (char *)"blob";
	argv[6] = hex;
	argv[7] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	rc = posix_spawnp(&r->pid, "git", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	gm_buf_release(&gitdir);
	close(fds[1]);
	if (rc != 0) {
		close(fds[0]);
		r->pid = 0;
		return rc == ENOENT ? GM_ENOTFOUND
				    : gm_error_set(GM_EGIT, "cannot read '%s': git: %s", r->path,
						   strerror(rc));
	}
	r->fd = fds[0];
	return 0;
}

/* Reap the child; 0 when it exited 0, its exit status otherwise (-1: killed). */
static int reap(gm_blob_reader *r)
{
	int status;
	pid_t pid = r->pid;

	r->pid = 0;
	if (r->fd >= 0) {
		close(r->fd);
		r->fd = -1;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return -1;
}

static int to_memory(gm_blob_reader *r)
{
	int rc = git_blob_lookup(&r->blob, r->repo->git, &r->oid);
	if (rc < 0)
		return git_fail(rc, "cannot read '%s'", r->path);
	r->mode = BLOB_MEMORY;
	r->off = 0;
	return 0;
}

int gm_repo_blob_open(gm_blob_reader **out, gm_repo *repo, const char *oid, const char *path)
{
	gm_blob_reader *r;
	git_odb *odb = NULL;
	git_object_t type;
	size_t len;
	int rc, error = 0;

	GM_ASSERT_ARG(out && repo && oid && path);
	*out = NULL;
	r = gm_xcalloc(1, sizeof(*r));
	r->repo = repo;
	r->fd = -1;
	r->path = gm_xstrdup(path);
	if (git_oid_fromstr(&r->oid, oid) < 0) {
		git_error_clear();
		error = gm_error_set(GM_EINVALID, "cannot read '%s': bad object id '%s'", path,
				     oid);
		goto done;
	}
	if ((rc = git_repository_odb(&odb, repo->git)) < 0) {
		error = git_fail(rc, "cannot read '%s'", path);
		goto done;
	}
	if (git_odb_open_rstream(&r->stream, &len, &type, odb, &r->oid) == 0) {
		r->mode = BLOB_STREAM;
		goto done;
	}
	git_error_clear();
	r->stream = NULL;
	r->mode = BLOB_PIPE;
	error = spawn_cat_file(r);
	if (error == GM_ENOTFOUND)  /* no git executable */
		error = to_memory(r);
done:
	git_odb_free(odb);
	if (error < 0) {
		gm_repo_blob_close(r);
		return error;
	}
	*out = r;
	return 0;
}

int gm_repo_blob_read(gm_blob_reader *r, char *buf, size_t n, size_t *got)
{
	ssize_t k;
	int rc;

	*got = 0;
	switch (r->mode) {
	case BLOB_STREAM:
		rc = git_odb_stream_read(r->stream, buf, n > INT32_MAX ? INT32_MAX : n);
		if (rc < 0)
			return git_fail(rc, "cannot read '%s'", r->path);
		*got = (size_t)rc;
		return 0;
	case BLOB_MEMORY: {
		size_t size = (size_t)git_blob_rawsize(r->blob);
		size_t take = size - r->off < n ? size - r->off : n;
		memcpy(buf, (const char *)git_blob_rawcontent(r->blob) + r->off, take);
		r->off += take;
		*got = take;
		return 0;
	}
	case BLOB_PIPE:
		break;
	}
	if (!r->pid)
		return 0;
	while ((k = read(r->fd, buf, n)) < 0) {
		if (errno != EINTR)
			return gm_error_set(GM_EGIT, "cannot read '%s': %s", r->path,
					    strerror(errno));
	}
	if (k > 0) {
		r->piped += (size_t)k;
		*got = (size_t)k;
		return 0;
	}
	rc = reap(r);
	if (rc == 0)
		return 0;
	if (rc == 127 && !r->piped) { /* the shell's "command not found" */
		int error = to_memory(r);
		return error < 0 ? error : gm_repo_blob_read(r, buf, n, got);
	}
	return gm_error_set(GM_EGIT, "cannot read '%s': 'git cat-file' failed (status %d)",
			    r->path, rc);
}

void gm_repo_blob_close(gm_blob_reader *r)
{
	if (!r)
		return;
	if (r->stream)
		git_odb_stream_free(r->stream);
	if (r->pid) {
		kill(r->pid, SIGTERM);
		reap(r);
	}
	if (r->fd >= 0)
		close(r->fd);
	git_blob_free(r->blob);
	free(r->path);
	free(r);
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
		return gm_error_set(GM_EINVALID, "not a commit id: '%s' or '%s'", commit,
				    upstream);
	}
	git_oid_cpy(&from, &head);
	/* a file the commit does not have (not committed yet) was written on top of it */
	if ((rc = git_commit_lookup(&c, repo->git, &head)) < 0 ||
	    (rc = git_commit_tree(&tree, c)) < 0) {
		error = git_fail(rc, "cannot read commit '%.12s'", commit);
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
		error = git_fail(rc, "cannot walk the history of '%.12s'", commit);
		goto done;
	}
	while ((rc = git_revwalk_next(&id, walk)) == 0) {
		git_tree_free(tree);
		git_commit_free(c);
		tree = NULL;
		if ((rc = git_commit_lookup(&c, repo->git, &id)) < 0 ||
		    (rc = git_commit_tree(&tree, c)) < 0) {
			error = git_fail(rc, "cannot walk the history of '%.12s'", commit);
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
		error = git_fail(rc, "cannot walk the history of '%.12s'", commit);
		goto done;
	}

merge_base:
	if ((rc = git_merge_base(&base, repo->git, &from, &up)) < 0) {
		if (rc == GIT_ENOTFOUND) {
			git_error_clear();
			error = gm_error_set(GM_ENOTFOUND, "'%.12s' and '%.12s' have no common "
					     "ancestor", commit, upstream);
		} else {
			error = git_fail(rc, "cannot find the merge base of '%.12s' and '%.12s'",
					 commit, upstream);
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
		return git_fail(rc, "cannot read the git config");
	rc = git_config_get_path(&value, cfg, "core.hooksPath");
	if (rc == GIT_ENOTFOUND || (rc == 0 && !value.size)) {
		git_error_clear();
		gm_buf_printf(&b, "%s/hooks", repo->commondir);
	} else if (rc < 0) {
		error = git_fail(rc, "cannot read 'core.hooksPath' from the git config");
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
