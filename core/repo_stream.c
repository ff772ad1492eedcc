/*
 * A file of a tree read in pieces (gm_stream, repo_int.h): a worktree file, or a blob
 * from memory (up to 1 MiB), through libgit2's stream (loose), or from `git cat-file`.
 *
 * Why a subprocess for large packed blobs. libgit2 1.5 streams only loose objects: for a
 * packed one git_odb_open_rstream fails ("no matching loose object"), and git_blob_lookup
 * / git_odb_read inflate the whole object into memory. Measured on a packed 129 MiB blob
 * (base64 text, after `git gc`), peak RSS of the reading process:
 *
 *   libgit2 git_odb_open_rstream      fails (GIT_ENOTFOUND): not supported for packs
 *   libgit2 git_blob_lookup           240 MB  (the blob inflated whole, plus the pack)
 *   git cat-file blob                 236 MB  (the same: below core.bigFileThreshold)
 *   git -c core.bigFileThreshold=1m   104 MB  (streamed; what remains is the pack file
 *     cat-file blob                            mapped read-only, pages the kernel can drop)
 *   libgit2 rstream, same blob loose  110 MB  (likewise the mapped loose object file)
 *
 * So a packed blob over STREAM_MEMORY_MAX goes through `git -c core.bigFileThreshold=1m
 * cat-file blob <oid>` and a pipe (tests/bench/fixtures-memory.sh, 1M rows: peak RSS 15.5 MB
 * read from a pack, 24.3 MB loose, 14.7 MB from the worktree, as before the tree). Any
 * blob up to STREAM_MEMORY_MAX is read whole with libgit2: no process, no stream per
 * file (2,000 revision files read this way). When no git executable can be started (posix_spawnp reports the
 * exec failure itself), a large packed blob is read whole too: slower on memory, right.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <git2.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "error_int.h"
#include "repo_git.h"
#include "util/bounded.h"
#include "util/banned.h"

/* The largest packed blob read whole through libgit2 (and git's bigFileThreshold). */
#define STREAM_MEMORY_MAX GM_MIB

enum stream_mode {
	STREAM_FILE,
	STREAM_LOOSE,
	STREAM_MEMORY,
	STREAM_PIPE
};

struct gm_stream {
	enum stream_mode mode;
	gm_repo *repo;
	git_oid oid;
	char *path;
	struct gm_fd_reader fd; /* STREAM_FILE: the worktree file; STREAM_PIPE: cat-file */
	git_odb_stream *stream; /* STREAM_LOOSE */
	pid_t pid;              /* STREAM_PIPE: the git cat-file child, 0 once reaped */
	git_blob *blob;         /* STREAM_MEMORY */
	size_t off;             /* STREAM_MEMORY: read position */
};

extern char **environ;

/* `git --git-dir=<gitdir> -c ... cat-file blob <oid>`, stdout to a pipe, stderr discarded. */
static int spawn_cat_file(gm_stream *s)
{
	posix_spawn_file_actions_t fa;
	gm_buf gitdir = GM_BUF_INIT;
	char hex[GM_OID_HEXSZ + 1];
	char *argv[8];
	int fds[2], rc;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return gm_error_set(GM_EGIT, "cannot read '%s': pipe: %s", s->path,
				    strerror(errno));
	git_oid_tostr(hex, sizeof(hex), &s->oid);
	gm_buf_printf(&gitdir, "--git-dir=%s", git_repository_path(s->repo->git));
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
	rc = posix_spawnp(&s->pid, "git", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	gm_buf_release(&gitdir);
	close(fds[1]);
	if (rc != 0) {
		close(fds[0]);
		s->pid = 0;
		return rc == ENOENT ? GM_ENOTFOUND
				    : gm_error_set(GM_EGIT, "cannot read '%s': git: %s", s->path,
						   strerror(rc));
	}
	s->fd.fd = fds[0];
	return 0;
}

/* Reap the child; 0 when it exited 0, its exit status otherwise (-1: killed). */
static int reap(gm_stream *s)
{
	int status;
	pid_t pid = s->pid;

	s->pid = 0;
	if (s->fd.fd >= 0) {
		close(s->fd.fd);
		s->fd.fd = -1;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return -1;
}

static int to_memory(gm_stream *s)
{
	int rc = git_blob_lookup(&s->blob, s->repo->git, &s->oid);
	if (rc < 0)
		return gm_repo_git_fail(rc, "cannot read '%s'", s->path);
	s->mode = STREAM_MEMORY;
	s->off = 0;
	return 0;
}

/* A blob: small in memory, else loose through libgit2's stream, else from git cat-file. */
static int open_blob(gm_stream *s, const char *oid, size_t size)
{
	git_odb *odb = NULL;
	git_object_t type;
	size_t len;
	int rc, error = 0;

	if (git_oid_fromstr(&s->oid, oid) < 0) {
		git_error_clear();
		return gm_error_set(GM_EINVALID, "cannot read '%s': bad object id '%s'", s->path,
				    oid);
	}
	if (size <= STREAM_MEMORY_MAX) /* a revision file, most fixture files */
		return to_memory(s);
	if ((rc = git_repository_odb(&odb, s->repo->git)) < 0)
		return gm_repo_git_fail(rc, "cannot read '%s'", s->path);
	if (git_odb_open_rstream(&s->stream, &len, &type, odb, &s->oid) == 0) {
		s->mode = STREAM_LOOSE;
		goto done;
	}
	git_error_clear();
	s->stream = NULL;
	s->mode = STREAM_PIPE;
	if ((error = spawn_cat_file(s)) == GM_ENOTFOUND) /* no git executable */
		error = to_memory(s);
done:
	git_odb_free(odb);
	return error;
}

int gm_stream_open(gm_stream **out, gm_tree *t, const gm_file *f)
{
	gm_buf full = GM_BUF_INIT;
	gm_stream *s;
	int error;

	GM_ASSERT_ARG(out && t && f);
	*out = NULL;
	s = gm_xcalloc(1, sizeof(*s));
	s->repo = t->repo;
	s->path = gm_xstrdup(f->path);
	s->fd.fd = -1;
	s->fd.display = s->path;
	if (!gm_tree_is_worktree(t)) {
		error = open_blob(s, f->oid, f->len);
	} else {
		/* the rules of git objects: inside the repository, a regular file */
		s->mode = STREAM_FILE;
		gm_buf_printf(&full, "%s/%s", t->root, f->path);
		error = gm_file_open_confined(&s->fd.fd, NULL, t->root, full.ptr, f->path);
	}
	gm_buf_release(&full);
	if (error < 0) {
		gm_stream_close(s);
		return error;
	}
	*out = s;
	return 0;
}

int gm_stream_read(gm_stream *s, char *buf, size_t n, size_t *got)
{
	int rc, error;

	*got = 0;
	switch (s->mode) {
	case STREAM_LOOSE:
		rc = git_odb_stream_read(s->stream, buf, n > INT32_MAX ? INT32_MAX : n);
		if (rc < 0)
			return gm_repo_git_fail(rc, "cannot read '%s'", s->path);
		*got = (size_t)rc;
		return 0;
	case STREAM_MEMORY: {
		size_t size = (size_t)git_blob_rawsize(s->blob);
		size_t take = size - s->off < n ? size - s->off : n;
		memcpy(buf, (const char *)git_blob_rawcontent(s->blob) + s->off, take);
		s->off += take;
		*got = take;
		return 0;
	}
	case STREAM_FILE:
		return gm_fd_read(&s->fd, buf, n, got);
	case STREAM_PIPE:
		break;
	}
	if (!s->pid)
		return 0;
	if ((error = gm_fd_read(&s->fd, buf, n, got)) < 0 || *got)
		return error;
	if ((rc = reap(s)) != 0)
		return gm_error_set(GM_EGIT,
				    "cannot read '%s': 'git cat-file' failed "
				    "(status %d)",
				    s->path, rc);
	return 0;
}

int gm_stream_read_cb(void *payload, char *buf, size_t n, size_t *got)
{
	return gm_stream_read(payload, buf, n, got);
}

void gm_stream_close(gm_stream *s)
{
	if (!s)
		return;
	if (s->stream)
		git_odb_stream_free(s->stream);
	if (s->pid) {
		kill(s->pid, SIGTERM);
		reap(s);
	}
	if (s->fd.fd >= 0)
		close(s->fd.fd);
	git_blob_free(s->blob);
	free(s->path);
	free(s);
}
