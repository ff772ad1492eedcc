/*
 * A worktree directory of revisions read with the help of git's index (repo_int.h): a
 * file the index vouches for, unchanged since it was staged, has the staged blob id; when
 * that is the id of the same file on production, its content is already in memory.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <git2.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "repo_git.h"
#include "util/banned.h"

/*
 * The index is worth reading when it is small next to the files it spares: a revision
 * file read costs about what parsing 1 KB of index does (six system calls and a hash
 * against libgit2's parse), so a monorepo's index of megabytes is not read for a handful
 * of revisions.
 */
#define INDEX_BYTES_PER_FILE 1024

typedef struct index_view {
	git_index *index;
	struct timespec mtime; /* the index file's, taken before it was (re)read */
} index_view;

/* Open the index when it is worth it (see above); false leaves v empty, with no error. */
static bool index_open(index_view *v, gm_repo *repo, size_t files)
{
	struct stat st;
	const char *path;

	memset(v, 0, sizeof(*v));
	if (!files || git_repository_index(&v->index, repo->git) < 0)
		goto none;
	/* stat first: an index written meanwhile is judged by the older time (stricter) */
	path = git_index_path(v->index);
	if (!path || stat(path, &st) < 0 || (size_t)st.st_size / files > INDEX_BYTES_PER_FILE ||
	    git_index_read(v->index, 0) < 0)
		goto none;
	v->mtime = st.st_mtim;
	return true;
none:
	git_error_clear();
	git_index_free(v->index);
	v->index = NULL;
	return false;
}

static bool time_eq(const git_index_time *t, const struct timespec *ts)
{
	return t->seconds == (int32_t)ts->tv_sec && t->nanoseconds == (uint32_t)ts->tv_nsec;
}

/*
 * Git's racy-clean rule: an entry whose file was modified no earlier than the index was
 * written may have changed again within the same timestamp; only its content can tell.
 * Applied to the inode's change time too (stricter than git): a file written in the
 * index's own tick, its modification time then set back, is read as well.
 */
static bool racy(const git_index_time *t, const struct timespec *index_mtime)
{
	if (t->seconds != (int32_t)index_mtime->tv_sec)
		return t->seconds > (int32_t)index_mtime->tv_sec;
	return !t->nanoseconds || t->nanoseconds >= (uint32_t)index_mtime->tv_nsec;
}

/*
 * The staged blob id of the worktree file `f`, when the index vouches for it: a regular
 * file (not a link) whose inode, size, times and owner are those staged, not racily
 * clean, and not an entry git itself does not check (assume-unchanged, skip-worktree,
 * intent-to-add, a conflict). Anything else is false, and the file is read.
 */
static bool index_vouches(git_oid *id, const index_view *v, int dfd, const gm_file *f)
{
	const git_index_entry *e;
	struct stat st;

	if (dfd < 0 || !(e = git_index_get_bypath(v->index, f->path, 0)))
		return false;
	if ((e->flags & GIT_INDEX_ENTRY_VALID) ||
	    (e->flags_extended & (GIT_INDEX_ENTRY_INTENT_TO_ADD | GIT_INDEX_ENTRY_SKIP_WORKTREE)) ||
	    (e->mode & S_IFMT) != S_IFREG)
		return false;
	if (fstatat(dfd, f->name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
		return false;
	if (e->file_size != (uint32_t)st.st_size || e->ino != (uint32_t)st.st_ino ||
	    e->uid != (uint32_t)st.st_uid || e->gid != (uint32_t)st.st_gid ||
	    !time_eq(&e->mtime, &st.st_mtim) || !time_eq(&e->ctime, &st.st_ctim) ||
	    racy(&e->mtime, &v->mtime) || racy(&e->ctime, &v->mtime))
		return false;
	*id = e->id;
	return true;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(((const gm_file *)a)->name, ((const gm_file *)b)->name);
}

/* known's file at f's path with blob id `id` and its content, or NULL (known is sorted). */
static const gm_file *known_file(const gm_files *known, const gm_file *f, const char *id)
{
	const gm_file *k = bsearch(f, known->v, known->nr, sizeof(*known->v), cmp_name);

	return k && k->data && !strcmp(k->path, f->path) && !strcmp(k->oid, id) ? k : NULL;
}

int gm_tree_read_worktree_dir(gm_files *out, gm_repo *repo, const char *dir, const gm_files *known)
{
	gm_buf full = GM_BUF_INIT;
	char *clean = NULL;
	gm_tree *t = NULL;
	index_view v = { 0 };
	int dfd = -1, error;
	size_t i;

	GM_ASSERT_ARG(out && repo && dir);
	if ((error = gm_tree_open(&t, repo, NULL)) < 0)
		goto done;
	if ((error = gm_tree_list(out, t, dir)) < 0)
		goto done;
	if (known && known->nr && index_open(&v, repo, out->nr)) {
		/* the listing confined the directory; one that cannot be opened is just read */
		clean = gm_repo_clean_path(dir);
		gm_buf_puts(&full, t->root);
		if (*clean)
			gm_buf_printf(&full, "/%s", clean);
		dfd = open(full.ptr, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	for (i = 0; i < out->nr; i++) {
		gm_file *f = &out->v[i];
		const gm_file *k;
		char hex[GM_OID_HEXSZ + 1];
		git_oid id;

		if (v.index && f->len <= gm_repo_max_file(repo) && index_vouches(&id, &v, dfd, f) &&
		    (k = known_file(known, f, git_oid_tostr(hex, sizeof(hex), &id)))) {
			memcpy(f->oid, hex, sizeof(f->oid));
			f->len = k->len;
			f->data = gm_xmalloc(k->len + 1);
			memcpy(f->data, k->data, k->len + 1);
			continue;
		}
		if ((error = gm_tree_read_revision(f, t)) < 0)
			goto done;
	}
done:
	if (dfd >= 0)
		close(dfd);
	gm_buf_release(&full);
	free(clean);
	git_index_free(v.index);
	if (error < 0)
		gm_files_release(out);
	gm_tree_free(t);
	return error;
}
