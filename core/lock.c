/*
 * The worktree lock (lock.h): an flock(2) on "<git dir>/git-migrate/lock". flock rather
 * than a lock file created with O_EXCL (git's index.lock) because the kernel drops it
 * when the process dies, SIGKILL included, so no run ever finds a stale lock; the pid
 * in the file only serves the messages of the runs that wait.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "error_int.h"
#include "lock.h"
#include "interrupt.h"
#include "repo_int.h"
#include "util/file.h"
#include "util/banned.h"

struct gm_lock {
	int fd;
};

/* The pid written in the lock file when that process still runs, else 0. */
static long holder_pid(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	char *end;
	long pid;

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	pid = strtol(buf, &end, 10);
	if (pid <= 0 || (*end && *end != '\n'))
		return 0;
	if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
		return 0;
	return pid;
}

/* Record our pid in the lock file (best effort: it only feeds messages). */
static void write_pid(int fd)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());

	if (ftruncate(fd, 0) == 0 && pwrite(fd, buf, (size_t)n, 0) < 0)
		errno = 0;
}

/*
 * Try the lock without blocking: 0 when we have it, 1 when another process holds it
 * (*pid: its pid, 0 when unknown), < 0 on error. The holder writes its pid just after it
 * got the lock: an empty file or a dead pid is asked again for a moment.
 */
static int try_lock(int fd, long *pid, const char *path)
{
	struct timespec tick = { 0, 20 * 1000 * 1000 };
	int tries;

	*pid = 0;
	for (tries = 0;; tries++) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK)
			return gm_error_set(GM_ERROR, "cannot lock '%s': %s", path,
					    strerror(errno));
		if ((*pid = holder_pid(fd)) > 0 || tries == 10)
			return 1;
		nanosleep(&tick, NULL);
	}
}

static void describe_holder(gm_buf *b, long pid)
{
	if (pid > 0)
		gm_buf_printf(b, " (pid %ld)", pid);
}

int gm_lock_worktree(gm_lock **out, gm_repo *repo, const gm_config *cfg, bool no_wait,
		     gm_wait_cb on_wait, void *payload)
{
	gm_buf dir = GM_BUF_INIT, path = GM_BUF_INIT, msg = GM_BUF_INIT;
	gm_lock *lock = NULL;
	long pid;
	int fd = -1, rc, error = 0;

	GM_ASSERT_ARG(out && repo && cfg);
	*out = NULL;
	gm_buf_puts(&dir, gm_repo_git_dir(repo));
	while (dir.len > 1 && dir.ptr[dir.len - 1] == '/')
		gm_buf_truncate(&dir, dir.len - 1);
	gm_buf_puts(&dir, "/git-migrate");
	gm_buf_printf(&path, "%s/lock", dir.ptr);
	if (mkdir(dir.ptr, 0777) < 0 && errno != EEXIST) {
		if (errno == EACCES || errno == EROFS || errno == EPERM)
			goto done; /* a read-only checkout: nobody can write here */
		error = gm_error_set(GM_ERROR, "cannot create '%s': %s", dir.ptr, strerror(errno));
		goto done;
	}
	/* close-on-exec: a child (a models command, git cat-file) must not keep the lock */
	fd = open(path.ptr, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0) {
		if (errno == EACCES || errno == EROFS || errno == EPERM)
			goto done;
		error = gm_error_set(GM_ERROR, "cannot open '%s': %s", path.ptr, strerror(errno));
		goto done;
	}
	if ((rc = try_lock(fd, &pid, path.ptr)) < 0) {
		error = rc;
		goto done;
	}
	if (rc == 1 && no_wait) {
		gm_buf_printf(&msg, "another git-migrate run in this worktree holds '%s'",
			      path.ptr);
		describe_holder(&msg, pid);
		error = gm_error_set(GM_ERROR, "%s", msg.ptr);
		gm_error_hint("wait for it to finish, or run again without --no-wait");
		goto done;
	}
	if (rc == 1) {
		gm_buf_puts(&msg, "waiting for another git-migrate run in this worktree");
		describe_holder(&msg, pid);
		gm_buf_puts(&msg, "...");
		if (on_wait)
			on_wait(msg.ptr, payload);
		while (flock(fd, LOCK_EX) < 0) {
			if (errno != EINTR) {
				error = gm_error_set(GM_ERROR, "cannot lock '%s': %s", path.ptr,
						     strerror(errno));
				goto done;
			}
			if ((error = gm_interrupt_check()) < 0)
				goto done;
		}
	}
	write_pid(fd);
	lock = gm_xcalloc(1, sizeof(*lock));
	lock->fd = fd;
	fd = -1;

	/* Under the lock no run of ours writes in the migrations directory: a temporary
	 * file there whose writer is gone is a leftover of a killed run. */
	gm_buf_clear(&dir);
	gm_buf_printf(&dir, "%s/%s", cfg->root, cfg->migrations);
	gm_file_remove_stale_temps(dir.ptr, ".sql");

done:
	if (fd >= 0)
		close(fd);
	gm_buf_release(&dir);
	gm_buf_release(&path);
	gm_buf_release(&msg);
	*out = lock;
	return error;
}

void gm_lock_release(gm_lock *lock)
{
	if (!lock)
		return;
	/* an empty file says "nobody" to a run that reads it before taking the lock */
	if (ftruncate(lock->fd, 0) < 0)
		errno = 0;
	close(lock->fd); /* releases the flock */
	free(lock);
}
