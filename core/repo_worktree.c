/* The worktree side of gm_tree (repo_int.h): list a directory, find a file, hash content. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <git2.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "git-migrate/vec.h"
#include "error_int.h"
#include "repo_git.h"
#include "util/bounded.h"
#include "util/banned.h"

/*
 * Entry `name` of worktree directory `dir` (relative, "" for the root) as gm_tree_list
 * lists it, into f (path set): a regular file or a special one (FIFO, device: refused
 * when read) with its size; a symlink confined to the repository and listed as what it
 * leads to. *skip for a directory (or a link to one), and, when `listing`, for a file
 * gone since the directory was read. `dfd`: the listed directory's descriptor, which
 * spares the kernel the walk of the whole path, or -1.
 */
static int worktree_entry(gm_file *f, bool *skip, const char *root, const char *dir,
			  const char *name, bool listing, int dfd)
{
	gm_buf full = GM_BUF_INIT;
	char *real = NULL;
	struct stat st;
	int error = 0;

	*skip = false;
	gm_file_set_path(f, dir, name);
	gm_buf_printf(&full, "%s/%s", root, f->path);
	if ((dfd >= 0 ? fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) : lstat(full.ptr, &st)) < 0) {
		if ((*skip = listing && errno == ENOENT))
			goto done;
		error = gm_error_set(errno == ENOENT ? GM_ENOTFOUND : GM_ERROR,
				     "cannot read '%s': %s", f->path, strerror(errno));
		goto done;
	}
	/* a symlink is followed when it stays inside the repository (as in git) */
	if (S_ISLNK(st.st_mode) && ((error = gm_path_confine(&real, root, full.ptr, f->path)) < 0 ||
				    stat(real, &st) < 0)) {
		if (!error)
			error = gm_error_set(GM_ERROR, "cannot read '%s': %s", f->path,
					     strerror(errno));
		goto done;
	}
	*skip = S_ISDIR(st.st_mode);
	f->len = S_ISREG(st.st_mode) ? (size_t)st.st_size : 0;
done:
	free(real);
	gm_buf_release(&full);
	return error;
}

/* The directory to list: missing is *dh NULL with no error. */
static int open_dir(DIR **dh, const char *root, const char *d)
{
	gm_buf full = GM_BUF_INIT;
	char *real = NULL;
	int error = 0;

	*dh = NULL;
	gm_buf_puts(&full, root);
	if (*d)
		gm_buf_printf(&full, "/%s", d);
	/* the directory itself (a symlinked migrations/versions) must stay inside too */
	if (*d && (error = gm_path_confine(&real, root, full.ptr, d)) < 0) {
		if (error == GM_ENOTFOUND) {
			gm_error_clear();
			error = 0;
		}
		goto done; /* missing */
	}
	if (!(*dh = opendir(real ? real : full.ptr)) && errno != ENOENT)
		error = gm_error_set(GM_ERROR, "cannot read '%s': %s", *d ? d : ".",
				     strerror(errno));
done:
	free(real);
	gm_buf_release(&full);
	return error;
}

int gm_worktree_list(gm_files *out, const char *root, const char *d)
{
	struct dirent *de;
	DIR *dh = NULL;
	int error;

	if ((error = open_dir(&dh, root, d)) < 0 || !dh)
		return error;
	out->exists = true;
	while (!error && (de = readdir(dh))) {
		gm_file f = { 0 };
		bool skip;

		if (de->d_name[0] == '.')
			continue; /* ".", ".." and dotfiles: see repo_int.h */
		if ((error = worktree_entry(&f, &skip, root, d, de->d_name, true, dirfd(dh))) < 0 ||
		    skip)
			gm_file_release(&f);
		else
			GM_PUSH(out->v, out->nr, out->alloc, f);
	}
	closedir(dh);
	return error;
}

int gm_worktree_find(gm_file *out, const char *root, const char *p)
{
	const char *slash = strrchr(p, '/');
	char *dir = gm_xstrndup(p, slash ? (size_t)(slash - p) : 0);
	bool skip;
	int error;

	error = worktree_entry(out, &skip, root, dir, slash ? slash + 1 : p, false, -1);
	if (!error && skip)
		error = gm_error_set(GM_EINVALID, "'%s' is not a regular file (a directory)", p);
	free(dir);
	return error;
}

/*
 * The blob id git would store for this worktree file. Clean filters (autocrlf, eol) are
 * applied only when the content has a CR: loading the filter list reads attributes for
 * each file, which would make reading 2,000 revisions several times slower, and the
 * filters a revision file meets in practice are the line-ending ones.
 */
/*
 * The blob id git would store for this worktree file. Clean filters (autocrlf, eol) are
 * applied only when the content has a CR: loading the filter list reads attributes for
 * each file, which would make reading 2,000 revisions several times slower, and the
 * filters a revision file meets in practice are the line-ending ones.
 */
int gm_worktree_hash(gm_file *f, gm_repo *repo)
{
	git_filter_list *fl = NULL;
	git_buf filtered = { NULL, 0, 0 };
	git_oid oid;
	int rc;

	if (memchr(f->data, '\r', f->len)) {
		rc = git_filter_list_load(&fl, repo->git, NULL, f->path, GIT_FILTER_TO_ODB,
					  GIT_FILTER_DEFAULT);
		if (rc < 0)
			return gm_repo_git_fail(rc, "cannot hash '%s'", f->path);
	}
	if (fl) {
		rc = git_filter_list_apply_to_buffer(&filtered, fl, f->data, f->len);
		git_filter_list_free(fl);
		if (rc < 0)
			return gm_repo_git_fail(rc, "cannot hash '%s'", f->path);
		rc = git_odb_hash(&oid, filtered.ptr, filtered.size, GIT_OBJECT_BLOB);
		git_buf_dispose(&filtered);
	} else {
		rc = git_odb_hash(&oid, f->data, f->len, GIT_OBJECT_BLOB);
	}
	if (rc < 0)
		return gm_repo_git_fail(rc, "cannot hash '%s'", f->path);
	git_oid_tostr(f->oid, sizeof(f->oid), &oid);
	return 0;
}
