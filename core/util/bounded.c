/* Bounded, confined reads of the user's files (see bounded.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "git-migrate/alloc.h"
#include "git-migrate/error.h"
#include "error_int.h"
#include "util/bounded.h"
#include "util/banned.h"

bool gm_path_inside(const char *root, const char *path)
{
	size_t n = strlen(root);

	while (n > 1 && root[n - 1] == '/')
		n--;
	if (strncmp(root, path, n))
		return false;
	return path[n] == '\0' || path[n] == '/' || (n == 1 && root[0] == '/');
}

/*
 * realpath(3) of a directory, remembered: confining each file of a directory resolved
 * the root and the directory again each time (18,000 readlink calls for 2,000 revisions,
 * a sixth of a `verify`). The directory last resolved is reused while its path names the
 * same directory (device and inode), so a directory replaced since (by a symlink, say) is
 * resolved again. NULL as realpath(3) fails (errno set); caller frees.
 */
struct dir_memo {
	char *path, *real;
	char *inside; /* the root real was found inside, NULL before a check */
	dev_t dev;
	ino_t ino;
};

static char *real_dir(struct dir_memo *m, const char *path)
{
	struct stat st;
	char *real;

	if (stat(path, &st) < 0)
		return NULL;
	if (m->path && !strcmp(m->path, path) && m->dev == st.st_dev && m->ino == st.st_ino)
		return gm_xstrdup(m->real);
	if (!(real = realpath(path, NULL)))
		return NULL;
	free(m->path);
	free(m->real);
	free(m->inside);
	m->inside = NULL;
	m->path = gm_xstrdup(path);
	m->real = gm_xstrdup(real);
	m->dev = st.st_dev;
	m->ino = st.st_ino;
	return real;
}

static struct dir_memo root_memo, dir_memo;

/* The last '/' of path when what follows is a plain name (not "", "." or ".."), else NULL. */
static const char *plain_base(const char *path)
{
	const char *base = strrchr(path, '/');

	if (!base || base == path || !strcmp(base, "/.") || !strcmp(base, "/..") || !base[1])
		return NULL;
	return base;
}

/* realpath(3) of path, through its directory's (real_dir) when its last component is a
 * plain name that is not a symlink; else realpath itself. */
static char *real_file(const char *path)
{
	const char *base = plain_base(path);
	struct stat st;
	char *dir, *real_parent;
	gm_buf b = GM_BUF_INIT;

	if (!base || lstat(path, &st) < 0 || S_ISLNK(st.st_mode))
		return realpath(path, NULL);
	dir = gm_xstrndup(path, (size_t)(base - path));
	real_parent = real_dir(&dir_memo, dir);
	free(dir);
	if (!real_parent)
		return realpath(path, NULL);
	gm_buf_printf(&b, "%s%s", strcmp(real_parent, "/") ? real_parent : "", base);
	free(real_parent);
	return gm_buf_detach(&b);
}

int gm_path_confine(char **real_out, const char *root, const char *path, const char *display)
{
	char *real_root = NULL, *real = NULL;
	int error = 0;

	*real_out = NULL;
	if (!(real = real_file(path))) {
		int e = errno;
		if (e == ENOENT) {
			struct stat st;
			/* a dangling symlink: say where it points */
			if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
				return gm_error_set(GM_ENOTFOUND,
						    "'%s' is a symlink to a file "
						    "that does not exist",
						    display);
			return gm_error_set(GM_ENOTFOUND, "'%s' does not exist", display);
		}
		return gm_error_set(e == EACCES ? GM_ERROR : GM_EINVALID, "cannot read '%s': %s",
				    display, strerror(e));
	}
	real_root = real_dir(&root_memo, root);
	if (!real_root || !gm_path_inside(real_root, real)) {
		error = gm_error_set(GM_EINVALID, "'%s' leads outside the repository (to '%s')",
				     display, real);
		gm_error_hint("git-migrate reads only files inside the repository; replace "
			      "the symlink with the file itself");
		free(real);
		real = NULL;
	}
	free(real_root);
	*real_out = real;
	return error;
}

void gm_size_describe(gm_buf *out, size_t n)
{
	if (n >= GM_MIB && n % GM_MIB == 0)
		gm_buf_printf(out, "%zu MiB", n / GM_MIB);
	else if (n >= GM_KIB && n % GM_KIB == 0)
		gm_buf_printf(out, "%zu KiB", n / GM_KIB);
	else
		gm_buf_printf(out, "%zu bytes", n);
}

int gm_size_exceeded(const char *display, size_t max, const char *what)
{
	gm_buf lim = GM_BUF_INIT;

	gm_size_describe(&lim, max);
	gm_error_set(GM_EINVALID, "'%s' is larger than %s, the limit for %s", display, lim.ptr,
		     what);
	gm_buf_release(&lim);
	return GM_EINVALID;
}

int gm_read_bounded(gm_buf *out, gm_read_fn read, void *payload, const char *display, size_t max,
		    const char *what, bool utf8)
{
	gm_utf8_check u = GM_UTF8_CHECK_INIT;
	char chunk[65536];
	size_t total = 0, n;
	int error;

	for (;;) {
		if ((error = read(payload, chunk, sizeof(chunk), &n)) < 0)
			return error;
		if (n == 0)
			break;
		total += n;
		if (total > max) /* it grew while we read, or its size was not known */
			return gm_size_exceeded(display, max, what);
		if (utf8 && !gm_utf8_feed(&u, chunk, n))
			break;
		gm_buf_put(out, chunk, n);
	}
	if (utf8 && !gm_utf8_finish(&u))
		return gm_error_set_at(GM_EINVALID, display, u.bad_line, u.bad_col,
				       "not valid UTF-8");
	return 0;
}

int gm_fd_read(void *payload, char *buf, size_t size, size_t *got)
{
	struct gm_fd_reader *r = payload;
	ssize_t n;

	*got = 0;
	while ((n = read(r->fd, buf, size)) < 0)
		if (errno != EINTR && errno != EAGAIN)
			return gm_error_set(GM_ERROR, "cannot read '%s': %s", r->display,
					    strerror(errno));
	*got = (size_t)n;
	return 0;
}

static const char *file_kind(mode_t mode)
{
	return S_ISDIR(mode)                    ? "a directory"
	       : S_ISFIFO(mode)                 ? "a pipe"
	       : S_ISCHR(mode) || S_ISBLK(mode) ? "a device"
						: "a special file";
}

/* O_NONBLOCK: a FIFO must not hang the open; it is refused after the open. */
#define OPEN_FLAGS (O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)

/*
 * The usual confined open in fewer system calls than gm_path_confine and then open (a
 * `verify` opens every revision file): open `path` with O_NOFOLLOW, so its last component
 * is no symlink, and check its directory, resolved through the memo (real_dir), to be
 * inside `root`; a directory found inside once is not checked again while the memo
 * holds (the same directory by device and inode). The descriptor (caller closes), or -1
 * when this does not apply: a symlink, an open that fails, a directory that leaves the
 * root. The caller then takes the general way, which also words the errors.
 */
static int open_plain(const char *root, const char *path)
{
	const char *base = plain_base(path);
	char *dir, *real_parent, *real_root = NULL;
	bool inside;
	int fd;

	if (!base || (fd = open(path, OPEN_FLAGS | O_NOFOLLOW)) < 0)
		return -1;
	dir = gm_xstrndup(path, (size_t)(base - path));
	real_parent = real_dir(&dir_memo, dir);
	free(dir);
	inside = real_parent && dir_memo.inside && !strcmp(dir_memo.inside, root);
	if (real_parent && !inside && (real_root = real_dir(&root_memo, root)) &&
	    (inside = gm_path_inside(real_root, real_parent))) {
		free(dir_memo.inside); /* found inside another root before */
		dir_memo.inside = gm_xstrdup(root);
	}
	free(real_root);
	free(real_parent);
	if (!inside) {
		close(fd);
		return -1;
	}
	return fd;
}

int gm_file_open_confined(int *fd_out, size_t *size_out, const char *root, const char *path,
			  const char *display)
{
	char *real = NULL;
	struct stat st;
	int fd = -1, error = 0;

	*fd_out = -1;
	if (root && (fd = open_plain(root, path)) < 0 &&
	    (error = gm_path_confine(&real, root, path, display)) < 0)
		return error;
	if (fd < 0)
		fd = open(real ? real : path, OPEN_FLAGS);
	if (fd < 0) {
		error = gm_error_set(errno == ENOENT ? GM_ENOTFOUND : GM_ERROR,
				     "cannot read '%s': %s", display, strerror(errno));
		goto done;
	}
	if (fstat(fd, &st) < 0)
		error = gm_error_set(GM_ERROR, "cannot read '%s': %s", display, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		error = gm_error_set(GM_EINVALID, "'%s' is not a regular file (%s)", display,
				     file_kind(st.st_mode));
	if (error < 0) {
		close(fd);
		goto done;
	}
	*fd_out = fd;
	if (size_out)
		*size_out = (size_t)st.st_size;
done:
	free(real);
	return error;
}

int gm_file_read_bounded(gm_buf *out, const char *root, const char *path, const char *display,
			 size_t max, const char *what, bool utf8)
{
	struct gm_fd_reader r = { -1, display };
	size_t size;
	int error;

	if ((error = gm_file_open_confined(&r.fd, &size, root, path, display)) < 0)
		return error;
	if (size > max)
		error = gm_size_exceeded(display, max, what);
	else
		error = gm_read_bounded(out, gm_fd_read, &r, display, max, what, utf8);
	close(r.fd);
	return error;
}

static bool bad(gm_utf8_check *u)
{
	u->bad_line = u->line;
	u->bad_col = u->col;
	return false;
}

bool gm_utf8_feed(gm_utf8_check *u, const char *p, size_t n)
{
	size_t i;

	if (u->bad_line)
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (u->need) {
			if ((c & 0xc0) != 0x80)
				return bad(u);
			u->cp = (u->cp << 6) | (c & 0x3f);
			if (--u->need == 0 && (u->cp < u->min || u->cp > 0x10ffff ||
					       (u->cp >= 0xd800 && u->cp <= 0xdfff)))
				return bad(u);
			continue;
		}
		if (c == '\n') {
			u->line++;
			u->col = 0;
			continue;
		}
		u->col++;
		if (c < 0x80)
			continue;
		if ((c & 0xe0) == 0xc0)
			u->need = 1, u->cp = c & 0x1f, u->min = 0x80;
		else if ((c & 0xf0) == 0xe0)
			u->need = 2, u->cp = c & 0x0f, u->min = 0x800;
		else if ((c & 0xf8) == 0xf0)
			u->need = 3, u->cp = c & 0x07, u->min = 0x10000;
		else
			return bad(u);
	}
	return true;
}

bool gm_utf8_finish(gm_utf8_check *u)
{
	if (u->bad_line)
		return false;
	if (u->need)
		return bad(u);
	return true;
}
