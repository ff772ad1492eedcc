/*
 * Reading the user's files safely: only regular files, symlinks that stay inside the
 * repository, a size limit named in the error, and UTF-8 checked while reading.
 *
 * The same rules hold for files read from git objects (core/repo_tree.c applies them to
 * symlink blobs): a symlink whose target leaves the repository is refused with its name.
 */
#ifndef GM_UTIL_BOUNDED_H
#define GM_UTIL_BOUNDED_H
#include <stdbool.h>
#include <stddef.h>
#include "git-migrate/buf.h"

#define GM_KIB ((size_t)1024)
#define GM_MIB (GM_KIB * 1024)

/* The default limits (DESIGN: config and revision files 1 MiB each, models 64 MiB). */
#define GM_LIMIT_CONFIG (1 * GM_MIB)
#define GM_LIMIT_REVISION (1 * GM_MIB)
#define GM_LIMIT_MODELS (64 * GM_MIB)

/*
 * Resolve `path` (absolute) and check that it stays inside `root` (absolute; the
 * repository's worktree), following every symlink on the way. On success *real_out is
 * the resolved absolute path (caller frees). Errors: GM_ENOTFOUND when it does not exist;
 * GM_EINVALID "'<display>' is a symlink to '<target>', outside the repository" when it
 * leaves the root.
 */
int gm_path_confine(char **real_out, const char *root, const char *path, const char *display);

/* True when `path` (absolute, resolved) is `root` or below it. */
bool gm_path_inside(const char *root, const char *path);

/* A read callback: up to size bytes into buf, *got = 0 at the end; < 0 with the error set. */
typedef int (*gm_read_fn)(void *payload, char *buf, size_t size, size_t *got);

/*
 * The one whole-file reader: read everything `read` gives into out (appended), at most
 * `max` bytes ("'<display>' is larger than 1 MiB, the limit for <what>", GM_EINVALID),
 * and, when `utf8`, valid UTF-8, checked while reading (error at display:line:col).
 * gm_file_read_bounded, the tree's whole-file reads (core/repo_tree.c) and gm_file_read
 * all come here.
 */
int gm_read_bounded(gm_buf *out, gm_read_fn read, void *payload, const char *display, size_t max,
		    const char *what, bool utf8);

/* The size error of gm_read_bounded: sets it, returns GM_EINVALID. */
int gm_size_exceeded(const char *display, size_t max, const char *what);

/*
 * Open `path` (absolute) for reading, for a file of the repository: confined to `root`
 * as gm_path_confine (NULL root: no confinement, for a file the user named on the
 * command line) and a regular file (a FIFO never hangs the open; it, a device or a
 * directory is GM_EINVALID "'<display>' is not a regular file (a pipe)"). On success
 * *fd_out is the open descriptor (caller closes) and *size_out (if not NULL) its size.
 * Errors: GM_ENOTFOUND, GM_EINVALID, GM_ERROR (I/O) naming display.
 */
int gm_file_open_confined(int *fd_out, size_t *size_out, const char *root, const char *path,
			  const char *display);

/* A gm_read_fn on an open descriptor: payload is a struct gm_fd_reader. */
struct gm_fd_reader {
	int fd;
	const char *display; /* names the file in messages */
};
int gm_fd_read(void *payload, char *buf, size_t size, size_t *got);

/*
 * Read the whole of `path` (absolute) into out (appended): gm_file_open_confined, then
 * gm_read_bounded (a size over max is refused before reading). `display` names the file
 * in messages. Errors: GM_ENOTFOUND, GM_EINVALID, GM_ERROR (I/O) with the path.
 */
int gm_file_read_bounded(gm_buf *out, const char *root, const char *path, const char *display,
			 size_t max, const char *what, bool utf8);

/* A size for messages: "1 MiB", "64 MiB", "512 KiB", "300 bytes". */
void gm_size_describe(gm_buf *out, size_t n);

/*
 * An incremental UTF-8 check: feed the bytes in any pieces. `line`/`col` (1-based) say
 * where the first invalid byte was when gm_utf8_feed or gm_utf8_finish return false.
 */
typedef struct gm_utf8_check {
	unsigned int need; /* continuation bytes still expected */
	unsigned int cp;   /* the code point so far (for overlong/surrogate checks) */
	unsigned int min;  /* smallest code point for the sequence's length */
	int line, col;     /* position of the byte being read */
	int bad_line, bad_col;
} gm_utf8_check;

/* clang-format off */
#define GM_UTF8_CHECK_INIT { 0, 0, 0, 1, 0, 0, 0 }
/* clang-format on */

bool gm_utf8_feed(gm_utf8_check *u, const char *p, size_t n);
bool gm_utf8_finish(gm_utf8_check *u);

#endif
