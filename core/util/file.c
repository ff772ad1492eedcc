/* Whole-file helpers: read into a gm_buf, write atomically (git's lockfile habit). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "git-migrate/error.h"
#include "util/file.h"
#include "util/banned.h"

int gm_file_read(gm_buf *out, const char *path)
{
	char chunk[65536];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return gm_error_set(errno == ENOENT ? GM_ENOTFOUND : GM_ERROR,
				    "cannot read '%s': %s", path, strerror(errno));
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return gm_error_set(GM_ERROR, "cannot read '%s': %s", path,
					    strerror(errno));
		}
		gm_buf_put(out, chunk, (size_t)n);
	}
	close(fd);
	return 0;
}

int gm_file_write_atomic(const char *path, const char *data, size_t len, bool overwrite)
{
	gm_buf tmp = GM_BUF_INIT;
	size_t off = 0;
	int fd, error = 0;

	gm_buf_printf(&tmp, "%s.tmp", path);
	fd = open(tmp.ptr, O_WRONLY | O_CREAT | O_EXCL, 0666);
	if (fd < 0) {
		error = gm_error_set(GM_ERROR, "cannot create '%s': %s", tmp.ptr,
				     strerror(errno));
		gm_buf_release(&tmp);
		return error;
	}
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			error = gm_error_set(GM_ERROR, "cannot write '%s': %s", tmp.ptr,
					     strerror(errno));
			break;
		}
		off += (size_t)n;
	}
	if (!error && fsync(fd) < 0)
		error = gm_error_set(GM_ERROR, "cannot write '%s': %s", tmp.ptr,
				     strerror(errno));
	if (close(fd) < 0 && !error)
		error = gm_error_set(GM_ERROR, "cannot write '%s': %s", tmp.ptr,
				     strerror(errno));
	if (!error) {
		if (overwrite ? rename(tmp.ptr, path) < 0 : link(tmp.ptr, path) < 0)
			error = gm_error_set(errno == EEXIST ? GM_EEXISTS : GM_ERROR,
					     "cannot write '%s': %s", path, strerror(errno));
	}
	unlink(tmp.ptr);
	gm_buf_release(&tmp);
	return error;
}

int gm_mkdirs(const char *dir)
{
	gm_buf b = GM_BUF_INIT;
	const char *p = dir;
	int error = 0;

	while (1) {
		const char *slash = strchr(p + 1, '/');
		gm_buf_clear(&b);
		gm_buf_put(&b, dir, slash ? (size_t)(slash - dir) : strlen(dir));
		if (mkdir(b.ptr, 0777) < 0 && errno != EEXIST) {
			error = gm_error_set(GM_ERROR, "cannot create '%s': %s", b.ptr,
					     strerror(errno));
			break;
		}
		if (!slash)
			break;
		p = slash;
	}
	gm_buf_release(&b);
	return error;
}
