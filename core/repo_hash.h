/* Content hashes through libgit2 for the snapshot cache's key (core/repo_hash.c). */
#ifndef GM_CORE_REPO_HASH_H
#define GM_CORE_REPO_HASH_H
#include "git-migrate/repo.h"

/*
 * The git blob id of the file at path (absolute), read in chunks (memory does not grow
 * with its size). GM_ENOTFOUND / GM_ERROR naming the path; GM_EINVALID when it is not
 * a regular file (a FIFO is never opened).
 */
int gm_repo_hash_file(char oid_out[GM_OID_HEXSZ + 1], const char *path);

#endif
