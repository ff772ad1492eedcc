/* hooks install / uninstall: the embedded scripts of hooks/ into the hooks directory. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "git-migrate/hooks.h"
#include "error_int.h"
#include "repo_int.h"
#include "util/file.h"
#include "util/banned.h"

/* What is at a hook's path. */
enum state {
	ABSENT,
	OURS,
	FOREIGN
};

struct hook {
	const gm_hook_script *script;
	char *path;  /* <dir>/<name> */
	char *local; /* <dir>/<name>.local */
	enum state state;
	bool current; /* OURS with exactly this version's text */
	bool local_exists;
};

static bool exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

/* True when text holds the marker as a line of its own. */
static bool has_marker(const char *text, size_t len)
{
	size_t n = strlen(GM_HOOK_MARKER);
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t line = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (line >= n && !memcmp(p, GM_HOOK_MARKER, n))
			return true;
		p += line + 1;
	}
	return false;
}

static int inspect(struct hook *h, const char *dir, const gm_hook_script *script)
{
	gm_buf text = GM_BUF_INIT;
	struct stat st;
	int error;

	h->script = script;
	gm_buf_printf(&text, "%s/%s", dir, script->name);
	h->path = gm_buf_detach(&text);
	gm_buf_printf(&text, "%s.local", h->path);
	h->local = gm_buf_detach(&text);
	h->local_exists = exists(h->local);

	if (lstat(h->path, &st) < 0) {
		if (errno != ENOENT)
			return gm_error_set(GM_ERROR, "cannot read '%s': %s", h->path,
					    strerror(errno));
		h->state = ABSENT;
		return 0;
	}
	/* a symlink or anything else that is not a regular file is the user's */
	if (!S_ISREG(st.st_mode)) {
		h->state = FOREIGN;
		return 0;
	}
	if ((error = gm_file_read(&text, h->path)) < 0)
		return error;
	h->state = has_marker(text.ptr, text.len) ? OURS : FOREIGN;
	h->current = h->state == OURS && !strcmp(text.ptr, script->text) && (st.st_mode & 0111);
	gm_buf_release(&text);
	return 0;
}

/* Write a hook: a temporary file beside it, executable, renamed over it. */
static int write_hook(const struct hook *h)
{
	const char *text = h->script->text;
	size_t len = strlen(text), off = 0;
	gm_buf tmp = GM_BUF_INIT;
	int fd, error = 0;

	gm_buf_printf(&tmp, "%s.%ld.tmp", h->path, (long)getpid());
	unlink(tmp.ptr);
	fd = open(tmp.ptr, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0777);
	if (fd < 0) {
		error = gm_error_set(GM_ERROR, "cannot write '%s': %s", tmp.ptr, strerror(errno));
		goto done;
	}
	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		off += (size_t)n;
	}
	if (off < len || close(fd) < 0) {
		error = gm_error_set(GM_ERROR, "cannot write '%s': %s", tmp.ptr, strerror(errno));
		if (off < len)
			close(fd);
		unlink(tmp.ptr);
		goto done;
	}
	if (rename(tmp.ptr, h->path) < 0) {
		error = gm_error_set(GM_ERROR, "cannot write '%s': %s", h->path, strerror(errno));
		unlink(tmp.ptr);
	}
done:
	gm_buf_release(&tmp);
	return error;
}

static void release(struct hook *hooks, size_t nr)
{
	size_t i;
	for (i = 0; i < nr; i++) {
		free(hooks[i].path);
		free(hooks[i].local);
	}
	free(hooks);
}

/* Open the hooks directory and look at every hook; out->dir is set. */
static int survey(struct hook **hooks_out, size_t *nr_out, gm_hooks_result *out, gm_repo *repo)
{
	struct hook *hooks;
	size_t nr = 0, i;
	int error;

	*hooks_out = NULL;
	*nr_out = 0;
	if ((error = gm_repo_hooks_dir(&out->dir, repo)) < 0)
		return error;
	while (gm_hook_scripts[nr].name)
		nr++;
	if (nr > sizeof(out->v) / sizeof(out->v[0]))
		GM_BUG("too many hook scripts");
	hooks = gm_xcalloc(nr ? nr : 1, sizeof(*hooks));
	for (i = 0; i < nr; i++) {
		if ((error = inspect(&hooks[i], out->dir, &gm_hook_scripts[i])) < 0) {
			release(hooks, i + 1);
			return error;
		}
	}
	*hooks_out = hooks;
	*nr_out = nr;
	return 0;
}

static void report(gm_hooks_result *out, const struct hook *h, gm_hook_action action)
{
	out->v[out->nr].name = h->script->name;
	out->v[out->nr].action = action;
	out->nr++;
}

int gm_hooks_install(gm_hooks_result *out, gm_repo *repo, unsigned flags)
{
	struct hook *hooks = NULL;
	size_t nr = 0, i;
	bool force = flags & GM_HOOKS_FORCE;
	int error;

	GM_ASSERT_ARG(out && repo);
	if ((error = survey(&hooks, &nr, out, repo)) < 0)
		goto done;
	for (i = 0; i < nr; i++) {
		const struct hook *h = &hooks[i];
		if (h->state == FOREIGN && !force && h->local_exists) {
			error = gm_error_set(GM_EEXISTS,
					     "'%s' is not a git-migrate hook and '%s' "
					     "exists already",
					     h->path, h->local);
			gm_error_hint("move one of them away, or replace the hook with "
				      "'git migrate hooks install --force'");
			goto done;
		}
	}
	if ((error = gm_mkdirs(out->dir)) < 0)
		goto done;
	for (i = 0; i < nr; i++) {
		const struct hook *h = &hooks[i];
		gm_hook_action action = GM_HOOK_INSTALLED;

		if (h->state == OURS && h->current) {
			report(out, h, GM_HOOK_UNCHANGED);
			continue;
		}
		if (h->state == OURS) {
			action = GM_HOOK_UPDATED;
		} else if (h->state == FOREIGN && force) {
			action = GM_HOOK_REPLACED;
		} else if (h->state == FOREIGN) {
			if (rename(h->path, h->local) < 0) {
				error = gm_error_set(GM_ERROR, "cannot rename '%s' to '%s': %s",
						     h->path, h->local, strerror(errno));
				goto done;
			}
			action = GM_HOOK_KEPT;
		}
		if ((error = write_hook(h)) < 0) {
			if (action == GM_HOOK_KEPT) /* put the user's hook back */
				rename(h->local, h->path);
			goto done;
		}
		report(out, h, action);
	}
done:
	release(hooks, nr);
	return error;
}

int gm_hooks_uninstall(gm_hooks_result *out, gm_repo *repo)
{
	struct hook *hooks = NULL;
	size_t nr = 0, i;
	int error;

	GM_ASSERT_ARG(out && repo);
	if ((error = survey(&hooks, &nr, out, repo)) < 0)
		goto done;
	for (i = 0; i < nr; i++) {
		const struct hook *h = &hooks[i];

		if (h->state != OURS) {
			report(out, h, h->state == ABSENT ? GM_HOOK_ABSENT : GM_HOOK_NOT_OURS);
			continue;
		}
		if (h->local_exists) {
			if (rename(h->local, h->path) < 0) {
				error = gm_error_set(GM_ERROR, "cannot rename '%s' to '%s': %s",
						     h->local, h->path, strerror(errno));
				goto done;
			}
			report(out, h, GM_HOOK_RESTORED);
			continue;
		}
		if (unlink(h->path) < 0 && errno != ENOENT) {
			error = gm_error_set(GM_ERROR, "cannot remove '%s': %s", h->path,
					     strerror(errno));
			goto done;
		}
		report(out, h, GM_HOOK_REMOVED);
	}
done:
	release(hooks, nr);
	return error;
}

void gm_hooks_result_release(gm_hooks_result *res)
{
	if (!res)
		return;
	free(res->dir);
	memset(res, 0, sizeof(*res));
}
