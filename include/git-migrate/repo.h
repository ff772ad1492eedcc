/* The git repository: the only module that talks to libgit2 (DESIGN.md §5). */
#ifndef GM_REPO_H
#define GM_REPO_H
#include <stdbool.h>
#include <stddef.h>

#define GM_OID_HEXSZ 40

typedef struct gm_repo gm_repo;

/*
 * One file of a directory, of a git tree or of the worktree (core/repo_int.h's gm_tree:
 * the rules on dotfiles and symlinks are written there).
 */
typedef struct gm_file {
	char *name; /* base name, e.g. "3f2a9c1b7e10_add_btc.sql" */
	char *path; /* path relative to the repository root, e.g. "migrations/versions/3f2a..." */
	char oid[GM_OID_HEXSZ + 1]; /* the git blob id of the content (its checksum); "" for
	                             * a worktree file listed, not read */
	char *data; /* content, NUL-terminated (may contain NULs before len); NULL when
	                   * only listed */
	size_t len; /* its size */
} gm_file;

typedef struct gm_files {
	gm_file *v;
	size_t nr, alloc;
	bool exists; /* false when the directory does not exist at all */
	char tree_oid[GM_OID_HEXSZ +
		      1]; /* tree id of the directory (git refs only; "" otherwise) */
} gm_files;

/* clang-format off */
#define GM_FILES_INIT { NULL, 0, 0, false, "" }
/* clang-format on */

/* Initialize libgit2 (once per process). Must be paired with gm_repo_global_shutdown. */
void gm_repo_global_init(void);
void gm_repo_global_shutdown(void);

/*
 * Find the repository containing `start` (a directory; NULL = cwd). A bare repository or
 * none is GM_ENOTFOUND with a message like git's "not a git repository". Caller owns *out.
 */
int gm_repo_discover(gm_repo **out, const char *start);

/* Free; NULL-safe. */
void gm_repo_free(gm_repo *repo);

/* Absolute worktree root, no trailing slash. Borrowed, valid while repo lives. */
const char *gm_repo_workdir(const gm_repo *repo);

/*
 * Resolve `name` to a commit: a local branch `name`, then `origin/<name>`, then any revspec
 * (tag, sha, "HEAD~2"). On success writes the commit id (hex) into oid_out and, when
 * resolved_out is not NULL, a caller-owned string saying what it resolved to
 * ("refs/heads/production", "refs/remotes/origin/production" or the revspec).
 * GM_ENOTFOUND with "unknown revision 'x'" when nothing matches.
 */
int gm_repo_resolve(char oid_out[GM_OID_HEXSZ + 1], char **resolved_out, gm_repo *repo,
		    const char *name);

/*
 * Read one file of a commit (path relative to root) into a gm_file: name, path, blob id
 * and content, at most the revision file limit (gm_repo_set_max_file). GM_ENOTFOUND when
 * absent. Release with gm_file_release.
 */
int gm_repo_read_tree_file(gm_file *out, gm_repo *repo, const char *commit_oid, const char *path);

/*
 * The largest revision file read whole, in bytes (0: the default, 1 MiB). A larger file
 * is GM_EINVALID naming it and the limit; fixtures, which are streamed, are not limited.
 */
void gm_repo_set_max_file(gm_repo *repo, size_t max);

/* Free the strings of one gm_file (not the struct). */
void gm_file_release(gm_file *f);

#endif
