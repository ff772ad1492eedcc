/*
 * Whole-file helpers: read into a gm_buf, write atomically (git's lockfile habit), and
 * owner tags for the temporary things a run leaves in shared places (see file.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "git-migrate/error.h"
#include "error_int.h"
#include "util/bounded.h"
#include "util/file.h"
#include "util/banned.h"

int gm_file_read(gm_buf *out, const char *path)
{
	/* the one whole-file reader (util/bounded.c), unconfined and unbounded */
	return gm_file_read_bounded(out, NULL, path, path, SIZE_MAX, "a file", false);
}

/*
 * Write data to a new temporary file next to path, "<path>.<owner tag>.tmp" (its name
 * in *tmp), with permission bits `mode` (umask applies unless exact_mode), fsynced. A
 * file already under that name is a leftover of a killed process that had our pid: it is
 * replaced. On failure the temporary file is removed.
 */
static int write_temp(gm_buf *tmp, const char *path, const char *data, size_t len, mode_t mode,
		      bool exact_mode)
{
	char tag[GM_OWNER_TAG_MAX];
	size_t off = 0;
	int fd, error = 0;

	gm_owner_tag(tag);
	gm_buf_printf(tmp, "%s.%s.tmp", path, tag);
	unlink(tmp->ptr);
	fd = open(tmp->ptr, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return gm_error_set(GM_ERROR, "cannot create '%s': %s", tmp->ptr, strerror(errno));
	if (exact_mode && fchmod(fd, mode) < 0)
		error = gm_error_set(GM_ERROR, "cannot set the mode of '%s': %s", tmp->ptr,
				     strerror(errno));
	while (!error && off < len) {
		ssize_t n = write(fd, data + off, len - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			error = gm_error_set(GM_ERROR, "cannot write '%s': %s", tmp->ptr,
					     strerror(errno));
			break;
		}
		off += (size_t)n;
	}
	if (!error && fsync(fd) < 0)
		error = gm_error_set(GM_ERROR, "cannot write '%s': %s", tmp->ptr, strerror(errno));
	if (close(fd) < 0 && !error)
		error = gm_error_set(GM_ERROR, "cannot write '%s': %s", tmp->ptr, strerror(errno));
	if (error)
		unlink(tmp->ptr);
	return error;
}

int gm_file_write_atomic(const char *path, const char *data, size_t len, bool overwrite)
{
	gm_buf tmp = GM_BUF_INIT;
	int error;

	if ((error = write_temp(&tmp, path, data, len, 0666, false)) < 0)
		goto done;
	if (overwrite ? rename(tmp.ptr, path) < 0 : link(tmp.ptr, path) < 0)
		error = gm_error_set(errno == EEXIST ? GM_EEXISTS : GM_ERROR,
				     "cannot write '%s': %s", path, strerror(errno));
	unlink(tmp.ptr);
done:
	gm_buf_release(&tmp);
	return error;
}

/* path holds exactly `expect` (1), something else (0), or cannot be read (< 0). */
static int holds(const char *path, const char *expect, size_t expect_len, struct stat *st)
{
	gm_buf cur = GM_BUF_INIT;
	int rc;

	if (st && stat(path, st) < 0)
		return gm_error_set(errno == ENOENT ? GM_ENOTFOUND : GM_ERROR,
				    "cannot read '%s': %s", path, strerror(errno));
	if ((rc = gm_file_read(&cur, path)) == 0)
		rc = cur.len == expect_len && !memcmp(cur.ptr, expect, expect_len);
	gm_buf_release(&cur);
	return rc;
}

int gm_file_replace(const char *path, const char *data, size_t len, const char *expect,
		    size_t expect_len)
{
	gm_buf tmp = GM_BUF_INIT;
	struct stat st;
	int rc, error = 0;

	if ((rc = holds(path, expect, expect_len, &st)) < 0)
		return rc;
	if (rc == 0)
		goto changed;
	if ((error = write_temp(&tmp, path, data, len, st.st_mode & 07777, true)) < 0)
		goto done;
	/* the window for another writer shrinks to this comparison and the rename */
	if ((rc = holds(path, expect, expect_len, NULL)) <= 0) {
		unlink(tmp.ptr);
		if (rc < 0) {
			error = rc;
			goto done;
		}
		goto changed;
	}
	if (rename(tmp.ptr, path) < 0) {
		error = gm_error_set(GM_ERROR, "cannot write '%s': %s", path, strerror(errno));
		unlink(tmp.ptr);
	}
	goto done;

changed:
	error = gm_error_set(GM_ERROR,
			     "'%s' changed while it was being rewritten, nothing "
			     "written",
			     path);
done:
	gm_buf_release(&tmp);
	return error;
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);
	return n >= k && !memcmp(s + n - k, suffix, k);
}

void gm_file_remove_stale_temps(const char *dir, const char *suffix)
{
	DIR *d = opendir(dir);
	gm_buf path = GM_BUF_INIT;
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		const char *name = e->d_name, *dot, *end;
		size_t n = strlen(name);
		enum gm_owner owner = GM_OWNER_NONE;
		struct stat st;

		if (!ends_with(name, n, ".tmp"))
			continue;
		n -= 4;
		/* "<name><suffix>.<tag>.tmp", else the untagged "<name><suffix>.tmp" */
		for (dot = name + n; dot > name && dot[-1] != '.'; dot--)
			;
		if (dot > name && (owner = gm_owner_of(dot, &end)) != GM_OWNER_NONE &&
		    end == name + n)
			n = (size_t)(dot - 1 - name);
		else
			owner = GM_OWNER_NONE;
		if (!ends_with(name, n, suffix))
			continue;
		gm_buf_clear(&path);
		gm_buf_printf(&path, "%s/%s", dir, name);
		if (lstat(path.ptr, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (gm_owner_stale(owner, st.st_mtime))
			unlink(path.ptr);
	}
	closedir(d);
	gm_buf_release(&path);
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

/* ---- owner tags ---- */

/* FNV-1a, 32 bits: a short, stable digest (not a security boundary). */
static uint32_t fnv1a(uint32_t h, const char *s, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

const char *gm_host_id(void)
{
	static char id[9];
	char buf[256];
	uint32_t h = 2166136261u;
	ssize_t n = 0;
	int fd;

	if (*id)
		return id;
	if ((fd = open("/etc/machine-id", O_RDONLY | O_CLOEXEC)) >= 0) {
		n = read(fd, buf, sizeof(buf));
		close(fd);
		if (n > 0)
			h = fnv1a(h, buf, (size_t)n);
	}
	h = fnv1a(h, "\n", 1);
	if (gethostname(buf, sizeof(buf)) == 0) {
		buf[sizeof(buf) - 1] = '\0';
		h = fnv1a(h, buf, strlen(buf));
	}
	snprintf(id, sizeof(id), "%08x", (unsigned)h);
	return id;
}

void gm_owner_tag(char out[GM_OWNER_TAG_MAX])
{
	snprintf(out, GM_OWNER_TAG_MAX, "%s_%ld", gm_host_id(), (long)getpid());
}

enum gm_owner gm_owner_of(const char *s, const char **end)
{
	const char *p = s;
	long pid = 0;
	int i;

	if (end)
		*end = s;
	for (i = 0; i < 8; i++, p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return GM_OWNER_NONE;
	if (*p++ != '_' || *p < '1' || *p > '9')
		return GM_OWNER_NONE;
	for (i = 0; *p >= '0' && *p <= '9'; i++, p++) {
		if (i == 10)
			return GM_OWNER_NONE;
		pid = pid * 10 + (*p - '0');
	}
	if (end)
		*end = p;
	if (memcmp(s, gm_host_id(), 8))
		return GM_OWNER_ELSEWHERE;
	if (pid == (long)getpid() || (pid_t)pid != pid)
		return GM_OWNER_LIVE;
	if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
		return GM_OWNER_GONE;
	return GM_OWNER_LIVE;
}

bool gm_owner_stale(enum gm_owner owner, time_t made)
{
	if (owner == GM_OWNER_GONE)
		return true;
	if (owner == GM_OWNER_LIVE)
		return false;
	return made <= 0 || time(NULL) - made > GM_STALE_SECONDS;
}
