/* The Alembic command of `import alembic`: detected from env.py, run in offline mode. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "git-migrate/alloc.h"
#include "git-migrate/error.h"
#include "error_int.h"
#include "import_alembic_int.h"
#include "util/banned.h"
#include "util/file.h"
#include "util/run.h"

/* The stderr lines shown when the command fails. */
#define TAIL_LINES 20

void gm_alembic_cmd_release(gm_alembic_cmd *c)
{
	free(c->prefix);
	free(c->extra);
	free(c->dir);
	memset(c, 0, sizeof(*c));
}

/* s for /bin/sh: as is when it is plain, else in single quotes. */
static void put_quoted(gm_buf *out, const char *s)
{
	if (*s &&
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./-:=,") ==
		    strlen(s)) {
		gm_buf_puts(out, s);
		return;
	}
	gm_buf_putc(out, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			gm_buf_puts(out, "'\\''");
		else
			gm_buf_putc(out, *s);
	}
	gm_buf_putc(out, '\'');
}

static bool file_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* Flask-Migrate's env.py gets the app's engine from current_app; Alembic's does not. */
static bool uses_flask(const char *env_py)
{
	return strstr(env_py, "flask_migrate") || strstr(env_py, "current_app");
}

/* Plain Alembic: alembic.ini in `from` (dir_abs), else in its parent. */
static int alembic_ini(gm_alembic_cmd *out, const char *root, const char *from, const char *dir_abs)
{
	gm_buf ini = GM_BUF_INIT;
	char *parent = gm_xstrdup(dir_abs), *slash = strrchr(parent, '/');
	int error = 0;

	gm_buf_printf(&ini, "%s/alembic.ini", dir_abs);
	if (file_exists(ini.ptr)) {
		out->dir = gm_xstrdup(dir_abs);
	} else {
		if (slash)
			*slash = '\0';
		gm_buf_clear(&ini);
		gm_buf_printf(&ini, "%s/alembic.ini", parent);
		if (slash && strlen(parent) >= strlen(root) && file_exists(ini.ptr)) {
			out->dir = parent;
			parent = NULL;
		} else {
			error = gm_error_set(GM_ENOTFOUND,
					     "no alembic.ini in '%s' or in its parent directory",
					     from);
			gm_error_hint("run Alembic your way with --command, e.g. --command "
				      "'alembic -c path/to/alembic.ini'");
		}
	}
	if (!error) {
		out->prefix = gm_xstrdup("alembic -c alembic.ini");
		out->extra = gm_xstrdup("");
	}
	free(parent);
	gm_buf_release(&ini);
	return error;
}

static int flask_db(gm_alembic_cmd *out, const char *root, const char *from, const char *dir_abs)
{
	gm_buf b = GM_BUF_INIT;

	gm_buf_printf(&b, "%s/alembic.ini", dir_abs);
	if (!file_exists(b.ptr)) {
		gm_buf_release(&b);
		gm_error_set(GM_ENOTFOUND, "no alembic.ini in '%s'", from);
		gm_error_hint("Flask-Migrate keeps it beside env.py ('flask db init' writes it)");
		return GM_ENOTFOUND;
	}
	gm_buf_clear(&b);
	gm_buf_puts(&b, " --directory ");
	put_quoted(&b, from);
	out->prefix = gm_xstrdup("flask db");
	out->extra = gm_buf_detach(&b);
	out->dir = gm_xstrdup(root);
	return 0;
}

int gm_alembic_cmd_detect(gm_alembic_cmd *out, const char *root, const char *from,
			  const char *command)
{
	gm_buf dir = GM_BUF_INIT, env = GM_BUF_INIT, path = GM_BUF_INIT;
	int error = 0;

	memset(out, 0, sizeof(*out));
	gm_buf_printf(&dir, "%s/%s", root, from);
	if (command) {
		out->prefix = gm_xstrdup(command);
		out->extra = gm_xstrdup("");
		out->dir = gm_xstrdup(root);
		goto done;
	}
	gm_buf_printf(&path, "%s/env.py", dir.ptr);
	if ((error = gm_file_read(&env, path.ptr)) < 0) {
		if (error == GM_ENOTFOUND) {
			error = gm_error_set(GM_ENOTFOUND, "no env.py in '%s'", from);
			gm_error_hint("--from names the Alembic directory (env.py, versions/)");
		}
		goto done;
	}
	if (uses_flask(env.ptr))
		error = flask_db(out, root, from, dir.ptr);
	else
		error = alembic_ini(out, root, from, dir.ptr);
done:
	if (error < 0)
		gm_alembic_cmd_release(out);
	gm_buf_release(&dir);
	gm_buf_release(&env);
	gm_buf_release(&path);
	return error;
}

void gm_alembic_cmd_line(gm_buf *line, const gm_alembic_cmd *c, const char *sub, const char *target)
{
	gm_buf_printf(line, "%s %s%s --sql %s", c->prefix, sub, c->extra, target);
}

int gm_alembic_cmd_run(gm_buf *out, gm_buf *err, const gm_alembic_cmd *c, const char *line)
{
	int error, status = 0;

	if ((error = gm_run_shell(out, err, &status, line, c->dir, NULL)) < 0)
		return error;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFSIGNALED(status))
		gm_error_set(GM_ERROR, "'%s' (in '%s') was killed by signal %d", line, c->dir,
			     WTERMSIG(status));
	else
		gm_error_set(GM_ERROR, "'%s' (in '%s') failed with exit status %d", line, c->dir,
			     WEXITSTATUS(status));
	if (err->len)
		gm_error_detail("%s", gm_run_tail(err, TAIL_LINES));
	return GM_ERROR;
}

char *gm_alembic_dialect(const char *err)
{
	const char *p = strstr(err, "Context impl "), *e;
	char *name;
	size_t i;

	if (!p)
		return NULL;
	p += strlen("Context impl ");
	for (e = p; isalnum((unsigned char)*e);)
		e++;
	if (e - p > 4 && !strncmp(e - 4, "Impl", 4))
		e -= 4;
	name = gm_xstrndup(p, (size_t)(e - p));
	for (i = 0; name[i]; i++)
		name[i] = (char)tolower((unsigned char)name[i]);
	if (!strcmp(name, "postgresql")) {
		free(name);
		name = gm_xstrdup("postgres");
	}
	return name;
}
