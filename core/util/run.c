/* Running a child program with captured output (see run.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "error_int.h"
#include "interrupt.h"
#include "util/run.h"
#include "util/banned.h"

extern char **environ;

static bool overridden(const char *entry, const char *const *set)
{
	size_t i, n;
	for (i = 0; set && set[i]; i++) {
		n = strcspn(set[i], "=");
		if (!strncmp(entry, set[i], n) && entry[n] == '=')
			return true;
	}
	return false;
}

/* Our environment with `set` put in or replaced; the caller frees it with free_env. */
static char **child_env(const char *const *set)
{
	char **env;
	size_t n = 0, m = 0, i, k = 0;

	while (environ && environ[n])
		n++;
	while (set && set[m])
		m++;
	env = gm_xcalloc(n + m + 1, sizeof(*env));
	for (i = 0; i < n; i++)
		if (!overridden(environ[i], set))
			env[k++] = gm_xstrdup(environ[i]);
	for (i = 0; i < m; i++)
		env[k++] = gm_xstrdup(set[i]);
	return env;
}

static void free_env(char **env)
{
	size_t i;
	for (i = 0; env[i]; i++)
		free(env[i]);
	free(env);
}

/*
 * Read the command's stdout and stderr into out and err until it exits, and then until
 * its pipes hold nothing more: a background process it left behind may keep them open
 * for ever, so its output ends when the command does (and the leftovers are stopped by
 * the caller). True when the command was reaped here (*status set).
 */
static bool pump(gm_buf *out, gm_buf *err, int fd_out, int fd_err, pid_t pid, int *status)
{
	struct pollfd fds[2];
	char chunk[8192];
	int open_nr = 2;
	bool exited = false;

	fds[0].fd = fd_out;
	fds[1].fd = fd_err;
	fds[0].events = fds[1].events = POLLIN;
	while (open_nr > 0) {
		int k, rc = poll(fds, 2, exited ? 0 : 200);
		if (rc < 0) {
			if (errno == EINTR && !gm_interrupted())
				continue;
			kill(-pid, SIGTERM);
			break;
		}
		if (rc == 0) {
			if (exited)
				break;
			if (waitpid(pid, status, WNOHANG) == pid)
				exited = true;
			continue;
		}
		for (k = 0; k < 2; k++) {
			ssize_t n;
			if (fds[k].fd < 0 || !(fds[k].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(fds[k].fd, chunk, sizeof(chunk));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				fds[k].fd = -1;
				open_nr--;
				continue;
			}
			gm_buf_put(k ? err : out, chunk, (size_t)n);
		}
	}
	return exited;
}

static void close_pipes(int pout[2], int perr[2])
{
	int k;
	for (k = 0; k < 2; k++) {
		if (pout[k] >= 0)
			close(pout[k]);
		if (perr[k] >= 0)
			close(perr[k]);
		pout[k] = perr[k] = -1;
	}
}

/* In the child: its own process group, /dev/null in, the pipes out; then exec. */
static void child(const char *const *argv, const char *dir, char **env, int pout[2], int perr[2])
{
	int null = open("/dev/null", O_RDONLY);
	setpgid(0, 0); /* its own process group: Ctrl-C stops all of it */
	if (null >= 0)
		dup2(null, 0);
	dup2(pout[1], 1);
	dup2(perr[1], 2);
	close(pout[0]);
	close(perr[0]);
	if (dir && chdir(dir) < 0)
		_exit(127);
	environ = env;
	execvp(argv[0], (char *const *)argv);
	_exit(127);
}

int gm_run_argv(gm_buf *out, gm_buf *err, int *status, const char *const *argv, const char *dir,
		const char *const *set)
{
	int pout[2] = { -1, -1 }, perr[2] = { -1, -1 };
	gm_buf junk_out = GM_BUF_INIT, junk_err = GM_BUF_INIT;
	char **env = child_env(set);
	bool exited = false;
	pid_t pid;
	int error = 0;

	if (pipe(pout) < 0 || pipe(perr) < 0 || (pid = fork()) < 0) {
		error = gm_error_set(GM_ERROR, "cannot run '%s': %s", argv[0], strerror(errno));
		goto done;
	}
	if (pid == 0)
		child(argv, dir, env, pout, perr);
	setpgid(pid, pid);
	close(pout[1]);
	close(perr[1]);
	pout[1] = perr[1] = -1;
	exited = pump(out ? out : &junk_out, err ? err : &junk_err, pout[0], perr[0], pid, status);
	while (!exited && waitpid(pid, status, 0) < 0) {
		if (errno != EINTR) {
			error = gm_error_set(GM_ERROR, "cannot wait for '%s': %s", argv[0],
					     strerror(errno));
			goto done;
		}
		if (gm_interrupted())
			kill(-pid, SIGTERM);
	}
	kill(-pid, SIGTERM); /* whatever it left running in its group */
	if (gm_interrupted())
		error = gm_interrupt_check();
done:
	close_pipes(pout, perr);
	free_env(env);
	gm_buf_release(&junk_out);
	gm_buf_release(&junk_err);
	return error;
}

const char *gm_run_tail(gm_buf *out, size_t lines)
{
	size_t n = 0, i;

	while (out->len && (out->ptr[out->len - 1] == '\n' || out->ptr[out->len - 1] == '\r'))
		gm_buf_truncate(out, out->len - 1);
	if (!out->ptr)
		return "";
	for (i = out->len; i > 0; i--)
		if (out->ptr[i - 1] == '\n' && ++n == lines)
			return out->ptr + i;
	return out->ptr;
}

int gm_run_shell(gm_buf *out, gm_buf *err, int *status, const char *command, const char *dir,
		 const char *const *set)
{
	const char *argv[] = { "/bin/sh", "-c", command, NULL };
	return gm_run_argv(out, err, status, argv, dir, set);
}
