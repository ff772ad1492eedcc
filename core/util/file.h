/* Whole-file helpers for core: read into a gm_buf, write atomically. */
#ifndef GM_UTIL_FILE_H
#define GM_UTIL_FILE_H
#include <stdbool.h>
#include <stddef.h>
#include "git-migrate/buf.h"

/* Read a whole file into out (appends). GM_ENOTFOUND / GM_ERROR with the path. */
int gm_file_read(gm_buf *out, const char *path);

/*
 * Write data to path atomically: a temporary file "<path>.tmp" in the same directory,
 * fsync, then rename over path (overwrite) or link (never overwrites: GM_EEXISTS when
 * path exists). The temporary file is always removed; on failure path is untouched.
 */
int gm_file_write_atomic(const char *path, const char *data, size_t len, bool overwrite);

/* mkdir -p. */
int gm_mkdirs(const char *dir);

#endif
