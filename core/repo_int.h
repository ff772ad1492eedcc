/*
 * The repository for core: one tree abstraction for a commit or the worktree (list a
 * directory, read a file whole, stream a file), and the git internals core needs.
 */
#ifndef GM_CORE_REPO_INT_H
#define GM_CORE_REPO_INT_H
#include <stdbool.h>
#include <stddef.h>
#include "git-migrate/repo.h"

/*
 * A tree: the files of a commit (read straight from git objects, no checkout) or of the
 * worktree (the files on disk, no index involved). Revisions, models and fixtures read
 * through it, with one set of rules for both:
 *
 *   dotfiles      a name starting with '.' is not listed (editor and OS litter such as
 *                 ".foo.sql.swp", ".DS_Store", ".gitkeep"; models globs skip them too);
 *   directories   are not listed (a listing is of the files directly inside);
 *   symlinks      are followed while they stay inside the repository (in a commit: inside
 *                 its tree; in the worktree: inside the worktree root, after realpath). A
 *                 link to a file is listed as that file (its blob id and size); a link to a
 *                 directory is skipped like one; a link that leads outside the repository
 *                 or to nothing is an error naming it (GM_EINVALID / GM_ENOTFOUND), as soon
 *                 as it is listed;
 *   other files   FIFOs, devices and sockets of the worktree are listed (not skipped) and
 *                 refused by name when read: "'<path>' is not a regular file (a pipe)";
 *   sizes         a whole-file read is bounded (the limit named in the error); a stream is
 *                 not, and costs a buffer whatever the file's size.
 */
typedef struct gm_tree gm_tree;

/*
 * Open the tree of `commit` (a full id or any revspec), or the worktree when commit is
 * NULL. The commit is looked up when first used, so an unknown revision is reported by
 * the first list or read, naming the path it was for. Caller owns *out (gm_tree_free).
 */
int gm_tree_open(gm_tree **out, gm_repo *repo, const char *commit);
void gm_tree_free(gm_tree *t); /* NULL-safe */

/*
 * Open directory `root` (absolute, as a rule; outside any repository, or one not opened: the models
 * of a config) as a worktree: listed and read by the same rules, with `root` as the
 * repository's bounds; files get no blob id. Caller owns *out (gm_tree_free).
 */
int gm_tree_open_dir(gm_tree **out, const char *root);

/* True for the worktree (or a directory). */
bool gm_tree_is_worktree(const gm_tree *t);

/*
 * List the files directly inside `dir` (relative to the root; "" or "." for the root),
 * sorted by name, by the rules above: name, path, oid (commit: the blob id, after
 * symlinks; worktree: "") and len (the size); data is NULL. A missing directory is not an
 * error: out->exists is false and the list empty; out->tree_oid is the directory's tree
 * id (commits only). Caller releases with gm_files_release.
 */
int gm_tree_list(gm_files *out, gm_tree *t, const char *dir);

/*
 * The tree id of directory `dir` of a commit's tree t into out, as gm_tree_list gives it
 * in tree_oid, without listing the files (whose sizes cost a read of each loose object):
 * "" for a missing directory and for the worktree. Errors as gm_tree_list's.
 */
int gm_tree_dir_oid(char out[GM_OID_HEXSZ + 1], gm_tree *t, const char *dir);

enum gm_tree_read_flags {
	GM_TREE_READ_UTF8 = (1 << 0), /* refuse invalid UTF-8 (error at path:line:col) */
};

/*
 * Read the listed file f (from gm_tree_list or gm_tree_find) whole into f->data (NUL
 * appended) and f->len, at most `max` bytes: larger is GM_EINVALID "'<path>' is larger
 * than <max>, the limit for <what>". A worktree file also gets its blob id, as git would
 * store it (clean filters applied when it holds a CR). `flags`: gm_tree_read_flags. On
 * failure f->data is NULL.
 */
int gm_tree_read(gm_file *f, gm_tree *t, size_t max, const char *what, unsigned int flags);

/*
 * Find one file by path (relative to the root) as gm_tree_list would list it, symlinks
 * followed: fills out's name, path, oid and len (data NULL). GM_ENOTFOUND "path '<p>' does
 * not exist in '<commit>'" when absent; GM_EINVALID when it is not a file. Caller releases
 * with gm_file_release.
 */
int gm_tree_find(gm_file *out, gm_tree *t, const char *path);

/*
 * A file read in pieces: a worktree file; a blob of at most 1 MiB from memory (libgit2);
 * a larger loose blob through libgit2's stream; a larger packed blob through `git
 * cat-file` (libgit2 1.5 cannot stream a packed object: see repo_stream.c for the figures).
 */
typedef struct gm_stream gm_stream;

/* Open listed file f of t for reading in pieces. Caller owns *out (gm_stream_close). */
int gm_stream_open(gm_stream **out, gm_tree *t, const gm_file *f);
/* Read up to n bytes into buf; *got = 0 at the end. Errors name the file. */
int gm_stream_read(gm_stream *s, char *buf, size_t n, size_t *got);
/* gm_stream_read as a read callback (util/bounded.h's gm_read_fn): payload is the stream. */
int gm_stream_read_cb(void *payload, char *buf, size_t n, size_t *got);
/* Close; NULL-safe. A `git cat-file` still running is stopped and reaped. */
void gm_stream_close(gm_stream *s);

/* Normalize a path argument: no leading "./" or '/', no trailing '/'; "" for the root.
 * Caller frees. */
char *gm_repo_clean_path(const char *dir);

/* Compute the git blob id of a buffer. */
void gm_repo_hash_blob(char oid_out[GM_OID_HEXSZ + 1], const void *data, size_t len);

/* Read a git config value (e.g. "core.hooksPath"). GM_ENOTFOUND when unset. Caller frees *out. */
int gm_repo_config_get(char **out, gm_repo *repo, const char *key);

/* Absolute path of the common git dir (".git"), no trailing slash. Borrowed. */
const char *gm_repo_commondir(const gm_repo *repo);

/*
 * Absolute path of this worktree's own git dir: ".git/" in the main worktree,
 * ".git/worktrees/<name>/" in a linked one (where per-worktree state belongs). Ends
 * with '/'. Borrowed, valid while repo lives.
 */
const char *gm_repo_git_dir(const gm_repo *repo);

/*
 * The directory git runs this repository's hooks from: core.hooksPath when set (with
 * "~/" expanded; a relative value is relative to the worktree root, as git runs hooks
 * there), else "hooks" in the common git dir (shared by linked worktrees). Absolute,
 * no trailing slash; it may not exist. Caller frees *out.
 */
int gm_repo_hooks_dir(char **out, gm_repo *repo);

/*
 * Read the files directly inside directory `dir` (relative to the repository root) of
 * commit `commit` (a full commit id), or of the worktree when commit is NULL (blob ids
 * computed as git would, no index involved): gm_tree_list, then, when `content`, each
 * file read whole (at most the revision file limit, gm_repo_set_max_file); without
 * content, a commit's files are listed with len 0 (a size costs a read of each loose
 * object). Revisions are read through it. A missing directory is not an error: out->exists is false and the
 * list empty. Files are sorted by name. Caller releases with gm_files_release; on failure
 * *out is empty.
 */
int gm_tree_read_dir(gm_files *out, gm_repo *repo, const char *commit, const char *dir,
		     bool content);

/*
 * gm_tree_read_dir of the worktree (content read), sparing the files git's index vouches
 * for: a regular file unchanged since it was staged (stat data equal, not racily clean)
 * whose staged blob id is that of `known`'s file at the same path (a listing read with
 * content, sorted by name, such as production's revisions) takes known's content and id
 * without being read or hashed. known NULL, a small directory or a large index: read
 * as gm_tree_read_dir does. Ownership and failure as gm_tree_read_dir.
 */
int gm_tree_read_worktree_dir(gm_files *out, gm_repo *repo, const char *dir, const gm_files *known);

/* Free the contents of a file list; NULL-safe, list is GM_FILES_INIT again. */
void gm_files_release(gm_files *files);

/*
 * Where the history of `commit` forked from `upstream` as far as file `path` (relative
 * to the root) is concerned: the merge-base of upstream and the oldest commit of
 * commit's own history (the commits upstream does not have) whose tree holds path, so a
 * merge of upstream made after the file was written does not move the fork; when
 * commit's tree does not hold path (a file not committed yet), the merge-base of commit
 * and upstream. Both are full commit ids (hex); the fork's id is written into out.
 * GM_ENOTFOUND when they have no common ancestor, GM_EGIT when the history cannot be
 * read (a shallow clone, say).
 */
int gm_repo_fork_point(char out[GM_OID_HEXSZ + 1], gm_repo *repo, const char *commit,
		       const char *upstream, const char *path);

#endif
