/*
 * The tree of a commit or of the worktree (repo_int.h): open, list a directory, find a
 * file, read it whole, read a whole directory (revisions); the rules on symlinks in git
 * trees.
 */
#include <stdlib.h>
#include <string.h>
#include <git2.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "git-migrate/vec.h"
#include "error_int.h"
#include "repo_git.h"
#include "util/bounded.h"
#include "util/banned.h"

/* How many symlinks in a row a path of a git tree may go through. */
#define MAX_LINKS 8

/* How a commit is named in messages: a full id is abbreviated as git does. */
static void commit_label(gm_buf *out, const char *commit)
{
	size_t n = strlen(commit);
	if (n == GM_OID_HEXSZ && strspn(commit, "0123456789abcdef") == n)
		gm_buf_put(out, commit, 12);
	else
		gm_buf_puts(out, commit);
}

int gm_tree_open(gm_tree **out, gm_repo *repo, const char *commit)
{
	gm_buf label = GM_BUF_INIT;
	gm_tree *t;

	GM_ASSERT_ARG(out && repo);
	t = gm_xcalloc(1, sizeof(*t));
	t->repo = repo;
	t->root = gm_xstrdup(repo->workdir);
	if (commit) {
		t->commit = gm_xstrdup(commit);
		commit_label(&label, commit);
		t->label = gm_buf_detach(&label);
	}
	*out = t;
	return 0;
}

int gm_tree_open_dir(gm_tree **out, const char *root)
{
	gm_tree *t;
	size_t n;

	GM_ASSERT_ARG(out && root);
	n = strlen(root);
	while (n > 1 && root[n - 1] == '/')
		n--;
	t = gm_xcalloc(1, sizeof(*t));
	t->root = gm_xstrndup(root, n);
	*out = t;
	return 0;
}

void gm_tree_free(gm_tree *t)
{
	if (!t)
		return;
	git_tree_free(t->git_root);
	free(t->root);
	free(t->commit);
	free(t->label);
	free(t);
}

bool gm_tree_is_worktree(const gm_tree *t)
{
	return !t->commit;
}

int gm_tree_root(gm_tree *t, const char *what)
{
	git_object *obj = NULL;
	git_commit *c = NULL;
	git_oid oid;
	int rc, error = 0;

	if (t->git_root)
		return 0;
	if (strlen(t->commit) == GM_OID_HEXSZ && git_oid_fromstr(&oid, t->commit) == 0)
		rc = git_commit_lookup(&c, t->repo->git, &oid);
	else if ((rc = git_revparse_single(&obj, t->repo->git, t->commit)) == 0)
		rc = git_object_peel((git_object **)&c, obj, GIT_OBJECT_COMMIT);
	if (rc < 0) {
		git_error_clear();
		error = gm_error_set(GM_ENOTFOUND, "cannot read '%s' at '%s': unknown revision",
				     what, t->label);
		goto done;
	}
	if ((rc = git_commit_tree(&t->git_root, c)) < 0)
		error = gm_repo_git_fail(rc, "cannot read '%s' at '%s'", what, t->label);
	else
		git_oid_tostr(t->oid, sizeof(t->oid), git_commit_id(c));
done:
	git_commit_free(c);
	git_object_free(obj);
	return error;
}

void gm_file_set_path(gm_file *f, const char *dir, const char *name)
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

/* Where one symlink of the tree leads: its target's id and mode, into *id and *mode. */
static int link_step(git_oid *id, git_filemode_t *mode, gm_buf *next, gm_tree *t, const char *cur,
		     const char *path)
{
	git_blob *blob = NULL;
	git_tree_entry *e = NULL;
	int rc, error;

	if ((rc = git_blob_lookup(&blob, t->repo->git, id)) < 0)
		return gm_repo_git_fail(rc, "cannot read '%s' at '%s'", cur, t->label);
	error = link_target(next, t->repo, cur, git_blob_rawcontent(blob),
			    (size_t)git_blob_rawsize(blob));
	git_blob_free(blob);
	if (error < 0) {
		if (strcmp(cur, path))
			gm_error_prefix("'%s' leads outside the repository", path);
		return error;
	}
	if (git_tree_entry_bypath(&e, t->git_root, next->ptr) < 0) {
		git_error_clear();
		return gm_error_set(GM_EINVALID,
				    "'%s' is a symlink to '%s', which does not "
				    "exist at '%s'",
				    path, next->ptr, t->label);
	}
	*mode = git_tree_entry_filemode(e);
	*id = *git_tree_entry_id(e);
	git_tree_entry_free(e);
	return 0;
}

/*
 * A symlink entry of the tree: follow it (and the links it leads to) inside the tree to
 * a regular file, whose id goes to *id_out. GM_EINVALID when it leaves the repository or
 * ends anywhere but at a file; at a directory, *is_dir is set instead when it is not NULL.
 */
static int follow_tree_link(git_oid *id_out, bool *is_dir, gm_tree *t, const char *path)
{
	gm_buf cur = GM_BUF_INIT, next = GM_BUF_INIT;
	git_filemode_t mode;
	int i, error = 0;

	gm_buf_puts(&cur, path);
	for (i = 0; i < MAX_LINKS; i++) {
		if ((error = link_step(id_out, &mode, &next, t, cur.ptr, path)) < 0)
			goto done;
		if (mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE)
			goto done;
		if (mode == GIT_FILEMODE_TREE && is_dir) {
			*is_dir = true;
			goto done;
		}
		if (mode != GIT_FILEMODE_LINK) {
			error = gm_error_set(GM_EINVALID,
					     "'%s' is a symlink to '%s', which is not "
					     "a file",
					     path, next.ptr);
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

/*
 * Entry e of directory dir as listed (symlinks followed: blob id and size) into f, whose
 * path is set; *skip when it is not listed (a directory, a submodule, a link to a
 * directory when is_dir_ok).
 */
static int commit_entry(gm_file *f, bool *skip, gm_tree *t, const char *dir,
			const git_tree_entry *e, bool is_dir_ok)
{
	git_filemode_t mode = git_tree_entry_filemode(e);
	git_oid id = *git_tree_entry_id(e);
	git_object_t type;
	git_odb *odb = NULL;
	bool is_dir = false;
	int rc, error;

	*skip = mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE &&
		mode != GIT_FILEMODE_LINK;
	if (*skip)
		return 0;
	gm_file_set_path(f, dir, git_tree_entry_name(e));
	if (mode == GIT_FILEMODE_LINK &&
	    (error = follow_tree_link(&id, is_dir_ok ? &is_dir : NULL, t, f->path)) < 0)
		return error;
	if ((*skip = is_dir))
		return 0;
	git_oid_tostr(f->oid, sizeof(f->oid), &id);
	/*
	 * The size costs a second read of a loose object (its header, then the object):
	 * gm_tree_read_dir, which reads every file anyway, leaves it to the read (len 0 reads
	 * the blob whole, at most the limit, as revision files always were).
	 */
	if (t->no_sizes)
		return 0;
	if ((rc = git_repository_odb(&odb, t->repo->git)) == 0)
		rc = git_odb_read_header(&f->len, &type, odb, &id);
	git_odb_free(odb);
	if (rc < 0)
		return gm_repo_git_fail(rc, "cannot read '%s' at '%s'", f->path, t->label);
	return 0;
}

/* Directory d of the commit's tree (the root for ""); *sub NULL for a missing one. */
static int commit_subtree(git_tree **sub, gm_tree *t, const char *d)
{
	git_tree_entry *entry = NULL;
	int rc, error = 0;

	*sub = NULL;
	rc = git_tree_entry_bypath(&entry, t->git_root, d);
	if (rc == GIT_ENOTFOUND) {
		git_error_clear();
		return 0;
	}
	if (rc < 0)
		error = gm_repo_git_fail(rc, "cannot read '%s' at '%s'", d, t->label);
	else if (git_tree_entry_type(entry) != GIT_OBJECT_TREE)
		error = gm_error_set(GM_EINVALID, "cannot read '%s' at '%s': not a directory", d,
				     t->label);
	else if ((rc = git_tree_lookup(sub, t->repo->git, git_tree_entry_id(entry))) < 0)
		error = gm_repo_git_fail(rc, "cannot read '%s' at '%s'", d, t->label);
	git_tree_entry_free(entry);
	return error;
}

static int commit_list(gm_files *out, gm_tree *t, const char *d)
{
	git_tree *sub = NULL;
	const git_tree *tree;
	size_t i, n;
	int error;

	if ((error = gm_tree_root(t, *d ? d : ".")) < 0)
		return error;
	if (*d && ((error = commit_subtree(&sub, t, d)) < 0 || !sub))
		return error; /* missing: exists = false */
	tree = *d ? sub : t->git_root;
	out->exists = true;
	git_oid_tostr(out->tree_oid, sizeof(out->tree_oid), git_tree_id(tree));
	n = git_tree_entrycount(tree);
	for (i = 0; i < n && !error; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		gm_file f = { 0 };
		bool skip;

		if (git_tree_entry_name(e)[0] == '.')
			continue; /* dotfiles: see repo_int.h */
		if ((error = commit_entry(&f, &skip, t, d, e, true)) < 0 || skip)
			gm_file_release(&f);
		else
			GM_PUSH(out->v, out->nr, out->alloc, f);
	}
	git_tree_free(sub);
	return error;
}

int gm_tree_dir_oid(char out[GM_OID_HEXSZ + 1], gm_tree *t, const char *dir)
{
	git_tree *sub = NULL;
	char *d;
	int error = 0;

	GM_ASSERT_ARG(out && t && dir);
	out[0] = '\0';
	if (!t->commit)
		return 0;
	d = gm_repo_clean_path(dir);
	if ((error = gm_tree_root(t, *d ? d : ".")) == 0 && *d)
		error = commit_subtree(&sub, t, d);
	if (!error && (!*d || sub))
		git_oid_tostr(out, GM_OID_HEXSZ + 1, git_tree_id(*d ? sub : t->git_root));
	git_tree_free(sub);
	free(d);
	return error;
}

int gm_tree_list(gm_files *out, gm_tree *t, const char *dir)
{
	char *d;
	int error;

	GM_ASSERT_ARG(out && t && dir);
	gm_files_release(out);
	d = gm_repo_clean_path(dir);
	if (t->commit)
		error = commit_list(out, t, d);
	else
		error = gm_worktree_list(out, t->root, d);
	if (error < 0)
		gm_files_release(out);
	else if (out->nr > 1)
		qsort(out->v, out->nr, sizeof(*out->v), cmp_file);
	free(d);
	return error;
}

static int commit_find(gm_file *out, gm_tree *t, const char *p)
{
	git_tree_entry *e = NULL;
	const char *slash = strrchr(p, '/');
	char *dir = gm_xstrndup(p, slash ? (size_t)(slash - p) : 0);
	bool skip;
	int rc, error;

	if ((error = gm_tree_root(t, p)) < 0)
		goto done;
	rc = git_tree_entry_bypath(&e, t->git_root, p);
	if (rc == GIT_ENOTFOUND) {
		git_error_clear();
		error = gm_error_set(GM_ENOTFOUND, "path '%s' does not exist in '%s'", p, t->label);
	} else if (rc < 0) {
		error = gm_repo_git_fail(rc, "cannot read '%s' at '%s'", p, t->label);
	} else if (git_tree_entry_type(e) != GIT_OBJECT_BLOB ||
		   ((error = commit_entry(out, &skip, t, dir, e, false)) == 0 && skip)) {
		error = gm_error_set(GM_EINVALID, "cannot read '%s' at '%s': not a file", p,
				     t->label);
	}
done:
	git_tree_entry_free(e);
	free(dir);
	return error;
}

int gm_tree_find(gm_file *out, gm_tree *t, const char *path)
{
	char *p;
	int error;

	GM_ASSERT_ARG(out && t && path);
	memset(out, 0, sizeof(*out));
	p = gm_repo_clean_path(path);
	if (t->commit)
		error = commit_find(out, t, p);
	else
		error = gm_worktree_find(out, t->root, p);
	if (error < 0)
		gm_file_release(out);
	free(p);
	return error;
}

int gm_tree_read(gm_file *f, gm_tree *t, size_t max, const char *what, unsigned int flags)
{
	gm_stream *s = NULL;
	gm_buf b = GM_BUF_INIT;
	int error;

	GM_ASSERT_ARG(f && t && what);
	free(f->data);
	f->data = NULL;
	if (f->len > max)
		return gm_size_exceeded(f->path, max, what);
	gm_buf_grow(&b, f->len + 1);
	if ((error = gm_stream_open(&s, t, f)) < 0 ||
	    (error = gm_read_bounded(&b, gm_stream_read_cb, s, f->path, max, what,
				     flags & GM_TREE_READ_UTF8)) < 0)
		goto done;
	f->len = b.len;
	/* exact size: a chain keeps every revision file in memory */
	f->data = gm_xrealloc(gm_buf_detach(&b), f->len + 1);
	if (!t->commit && t->repo && (error = gm_worktree_hash(f, t->repo)) < 0) {
		free(f->data);
		f->data = NULL;
	}
done:
	gm_stream_close(s);
	gm_buf_release(&b);
	return error;
}

/* ---- whole directories (revisions) ---- */

int gm_tree_read_revision(gm_file *f, gm_tree *t)
{
	int error = gm_tree_read(f, t, gm_repo_max_file(t->repo), "a revision file", 0);
	if (error == GM_EINVALID && strstr(gm_error_last()->message, "larger than"))
		gm_error_hint("raise it with 'max_revision_size:' in .gitmigrate.yml");
	return error;
}

int gm_tree_read_dir(gm_files *out, gm_repo *repo, const char *commit, const char *dir,
		     bool content)
{
	gm_tree *t = NULL;
	size_t i;
	int error;

	GM_ASSERT_ARG(out && repo && dir);
	if ((error = gm_tree_open(&t, repo, commit)) < 0)
		goto done;
	t->no_sizes = true; /* read below, or only named */
	if ((error = gm_tree_list(out, t, dir)) < 0)
		goto done;
	for (i = 0; content && i < out->nr; i++)
		if ((error = gm_tree_read_revision(&out->v[i], t)) < 0)
			goto done;
done:
	if (error < 0)
		gm_files_release(out);
	gm_tree_free(t);
	return error;
}

int gm_repo_read_tree_file(gm_file *out, gm_repo *repo, const char *commit_oid, const char *path)
{
	gm_tree *t = NULL;
	int error;

	GM_ASSERT_ARG(out && repo && commit_oid && path);
	memset(out, 0, sizeof(*out));
	if ((error = gm_tree_open(&t, repo, commit_oid)) < 0 ||
	    (error = gm_tree_find(out, t, path)) < 0 || (error = gm_tree_read_revision(out, t)) < 0)
		gm_file_release(out);
	gm_tree_free(t);
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
