/* Shared by the core/repo*.c files only: the repository handle and the libgit2 boundary. */
#ifndef GM_CORE_REPO_GIT_H
#define GM_CORE_REPO_GIT_H
#include <stdbool.h>
#include <stddef.h>
#include "git-migrate/buf.h"
#include "repo_int.h"

struct git_repository;
struct git_tree;

struct gm_repo {
	struct git_repository *git;
	char *workdir;
	char *commondir;
	size_t max_file; /* largest revision file read whole (0 = GM_LIMIT_REVISION) */
};

/* A commit's tree or the worktree (see gm_tree in repo_int.h). */
struct gm_tree {
	gm_repo *repo;              /* NULL for a directory opened with gm_tree_open_dir */
	char *root;                 /* the worktree's root (absolute), for the worktree */
	char *commit;               /* as given (id or revspec); NULL = the worktree */
	char *label;                /* the commit as named in messages (a full id abbreviated) */
	struct git_tree *git_root;  /* the commit's tree, looked up on first use */
	char oid[GM_OID_HEXSZ + 1]; /* the commit's id once looked up; "" for the worktree */
	bool no_sizes;              /* list commit files with len 0: read next, or named only */
};

/*
 * Convert a libgit2 failure at the boundary: "<context>: <libgit2 message>". The code is
 * GM_ENOTFOUND for GIT_ENOTFOUND, GM_EGIT otherwise. git_error_last() may be NULL (1.5).
 */
int gm_repo_git_fail(int rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The largest revision file read whole (repo->max_file, or the default). */
size_t gm_repo_max_file(const gm_repo *repo);

/*
 * Read listed file f of t whole as a revision file: at most the configured limit, which
 * the error's hint names. See gm_tree_read for ownership and failure.
 */
int gm_tree_read_revision(gm_file *f, gm_tree *t);

/* f->name = name, f->path = "<dir>/<name>" (dir "" for the root). */
void gm_file_set_path(gm_file *f, const char *dir, const char *name);

/*
 * The worktree side of gm_tree (repo_worktree.c), by the rules of repo_int.h: list the
 * files of directory dir (cleaned; unsorted) below root (absolute); find one file by
 * path (cleaned); hash a
 * file's content (f->data read) as git would store it, into f->oid.
 */
int gm_worktree_list(gm_files *out, const char *root, const char *dir);
int gm_worktree_find(gm_file *out, const char *root, const char *path);
int gm_worktree_hash(gm_file *f, gm_repo *repo);

/* The commit's tree, looked up on first use; `what` names the path in messages. */
int gm_tree_root(gm_tree *t, const char *what);

#endif
