/*
 * Whole-file helpers for core: read into a gm_buf, write atomically; and the owner tags
 * that name the temporary things this tool makes, so that a later run can tell a
 * leftover of a killed run from the work of a live one.
 */
#ifndef GM_UTIL_FILE_H
#define GM_UTIL_FILE_H
#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include "git-migrate/buf.h"

/*
 * Read a whole regular file into out (appends): gm_file_read_bounded with no root and no
 * limit. GM_ENOTFOUND / GM_EINVALID (not a regular file) / GM_ERROR with the path.
 */
int gm_file_read(gm_buf *out, const char *path);

/*
 * Write data to path atomically: a temporary file "<path>.<owner tag>.tmp" in the same
 * directory (a leftover under that name, from a killed process that had our pid, is
 * replaced), fsync, then rename over path (overwrite) or link (never overwrites:
 * GM_EEXISTS when path exists). The temporary file is always removed; on failure path is
 * untouched.
 */
int gm_file_write_atomic(const char *path, const char *data, size_t len, bool overwrite);

/*
 * Replace the content of the existing file path with data, atomically, when it still
 * holds exactly `expect` (expect_len bytes): the new content goes to a temporary file as
 * above, with path's permission bits, path is compared with `expect` once more, and the
 * temporary file is renamed over it. When path changed (before or while writing) nothing
 * is written: GM_ERROR "'<path>' changed while it was being rewritten, nothing written".
 * Other failures are GM_ERROR / GM_ENOTFOUND naming the file; path is then untouched.
 */
int gm_file_replace(const char *path, const char *data, size_t len, const char *expect,
		    size_t expect_len);

/*
 * Remove, from directory dir, the temporary files gm_file_write_atomic left behind when
 * its process was killed: "<name><suffix>.<owner tag>.tmp" whose owner is stale (see
 * gm_owner_stale), and untagged "<name><suffix>.tmp" (older versions) more than a day
 * old. Best effort: a missing directory or a file that cannot be removed is skipped, and
 * the last error is left alone.
 */
void gm_file_remove_stale_temps(const char *dir, const char *suffix);

/* mkdir -p. */
int gm_mkdirs(const char *dir);

/*
 * Owner tags. What a run leaves in shared places while it works (SQLite scratch files in
 * $TMPDIR, PostgreSQL scratch databases, "*.tmp" files next to a file being written)
 * carries "<host>_<pid>" in its name: host is 8 lowercase hex digits, a hash of
 * /etc/machine-id and the host name (containers cloned from one image share a machine
 * id but not, as a rule, a host name), pid the process id of the run. A later run
 * removes such a leftover when it is of its own host and the process is gone
 * (kill(pid, 0) fails with ESRCH), and another host's (a TMPDIR or a server shared
 * between machines) only when it is more than GM_STALE_SECONDS old.
 */
#define GM_OWNER_TAG_MAX 32
#define GM_STALE_SECONDS (24 * 60 * 60)

enum gm_owner {
	GM_OWNER_NONE,      /* no owner tag */
	GM_OWNER_LIVE,      /* this host; the process runs (or is this one) */
	GM_OWNER_GONE,      /* this host; the process is gone: a leftover */
	GM_OWNER_ELSEWHERE, /* another host: its processes cannot be checked from here */
};

/* This host's identity, 8 lowercase hex digits. Static storage (computed once). */
const char *gm_host_id(void);

/* This process's owner tag "<host>_<pid>", written into out. */
void gm_owner_tag(char out[GM_OWNER_TAG_MAX]);

/*
 * Who owns the owner tag at the start of s. When s starts with one, *end (if not NULL)
 * is set to the character after it; GM_OWNER_NONE otherwise (*end = s).
 */
enum gm_owner gm_owner_of(const char *s, const char **end);

/*
 * Whether a thing owned by `owner` and made at `made` (seconds since the epoch; 0 when
 * unknown, which counts as old) may be removed now: GM_OWNER_GONE always; another host's
 * or an untagged one when more than GM_STALE_SECONDS old; a live one never.
 */
bool gm_owner_stale(enum gm_owner owner, time_t made);

#endif
