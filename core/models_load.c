/*
 * Loading every configured models source (DESIGN.md §3.3): YAML globs, SQL DDL files and
 * commands, the last two applied to scratch databases of the scratch server's dialect
 * and inspected. Files are read through the worktree's tree (core/repo_int.h).
 */
#include <ctype.h>
#include <glob.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "git-migrate/vec.h"
#include "error_int.h"
#include "models_int.h"
#include "models_sqlhint.h"
#include "repo_int.h"
#include "interrupt.h"
#include "scratch.h"
#include "util/bounded.h"
#include "util/run.h"
#include "db_int.h"
#include "schema_int.h"
#include "util/banned.h"

struct loader {
	const gm_config *cfg;
	const gm_model_source *src;
	const gm_url *server;
	gm_schema *out;
	char **inspected; /* tables that came from SQL or commands */
	size_t inspected_nr, inspected_alloc;
};

/* An error about a configured source, at its place in the config file. */
static int source_error(struct loader *l, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int source_error(struct loader *l, int code, const char *fmt, ...)
{
	gm_buf msg = GM_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	gm_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	if (l->cfg->path && l->src->line)
		gm_error_set_at(code, l->cfg->path, l->src->line, 0, "%s", msg.ptr);
	else
		gm_error_set(code, "%s", msg.ptr);
	gm_buf_release(&msg);
	return code;
}

/*
 * A models file, read through the tree of the config's root (core/repo_int.h: its rules
 * on symlinks and special files): inside the repository, a regular file, at most 64 MiB,
 * UTF-8. A path the glob found outside the root (an absolute pattern) is refused as a
 * symlink leading out would be.
 */
static int read_file(gm_file *out, gm_tree *t, const struct loader *l, const char *path,
		     const char *display)
{
	char *real = NULL;
	int error;

	gm_file_release(out);
	if (display == path) { /* not below the root */
		error = gm_path_confine(&real, l->cfg->root, path, display);
		free(real);
		if (error < 0)
			return error;
	}
	if ((error = gm_tree_find(out, t, display)) < 0)
		return error;
	return gm_tree_read(out, t, GM_LIMIT_MODELS, "a models file", GM_TREE_READ_UTF8);
}

/* Expand a source's glob relative to the root. Explicit paths must exist. */
static int expand(glob_t *g, struct loader *l)
{
	gm_buf pattern = GM_BUF_INIT;
	const char *v = l->src->value;
	int rc;

	if (v[0] != '/')
		gm_buf_printf(&pattern, "%s/", l->cfg->root);
	gm_buf_puts(&pattern, v);
	rc = glob(pattern.ptr, 0, NULL, g);
	gm_buf_release(&pattern);
	/* A pattern that matches nothing is an error, never an empty model set: a typo
	 * (model/ for models/) or a missing directory would otherwise plan a drop of every table. */
	if (rc == GLOB_NOMATCH) {
		if (!strpbrk(v, "*?["))
			return source_error(l, GM_ENOTFOUND, "models file '%s' does not exist", v);
		source_error(l, GM_ENOTFOUND, "models pattern '%s' matches no file", v);
		gm_error_hint("check the 'models:' key of the config (default: models/*.yml)");
		return GM_ENOTFOUND;
	}
	if (rc != 0)
		return source_error(l, GM_ERROR, "cannot list models '%s'", v);
	return 0;
}

/* The path relative to the root, for messages and origins. */
static const char *display_path(const struct loader *l, const char *path)
{
	size_t n = strlen(l->cfg->root);
	if (!strncmp(path, l->cfg->root, n) && path[n] == '/')
		return path + n + 1;
	return path;
}

/* Each file the source's glob matches, read (read_file's rules), handed to fn. */
static int each_file(struct loader *l,
		     int (*fn)(struct loader *l, const gm_file *f, const char *display))
{
	glob_t g;
	gm_tree *t = NULL;
	gm_file f = { 0 };
	size_t i;
	int error = 0;

	memset(&g, 0, sizeof(g));
	if ((error = expand(&g, l)) < 0 || (error = gm_tree_open_dir(&t, l->cfg->root)) < 0)
		goto done;
	for (i = 0; i < g.gl_pathc; i++) {
		const char *display = display_path(l, g.gl_pathv[i]);
		if ((error = read_file(&f, t, l, g.gl_pathv[i], display)) < 0 ||
		    (error = fn(l, &f, display)) < 0)
			goto done;
	}
done:
	gm_file_release(&f);
	gm_tree_free(t);
	globfree(&g);
	return error;
}

static int parse_yaml(struct loader *l, const gm_file *f, const char *display)
{
	return gm_models_parse_yaml(l->out, display, f->data, f->len);
}

static bool blank(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return !*s;
}

/* A same-name conflict of an inspected source: at the SQL file, or the command's config line. */
static int conflict(struct loader *l, const char *kind, const char *name, const char *first,
		    const char *origin)
{
	if (l->src->kind == GM_MODELS_COMMAND || l->src->kind == GM_MODELS_SQLALCHEMY)
		return source_error(l, GM_EINVALID, "%s '%s' is defined twice: %s and %s", kind,
				    name, first ? first : "?", origin);
	return gm_error_set_at(GM_EINVALID, origin, 0, 0, "%s '%s' is defined twice: %s and %s",
			       kind, name, first ? first : "?", origin);
}

/*
 * The objects beyond tables of an inspected part: one that an earlier source has with the
 * same definition (an extension or a schema that two SQL files create) is kept once; the
 * same kind and name with another definition is an error.
 */
static int merge_objects(struct loader *l, gm_schema *part, const char *origin)
{
	size_t i = 0;

	while (i < part->dependents_nr) {
		gm_dependent *d = part->dependents[i];
		const gm_dependent *other = gm_schema_dependent(l->out, d->kind, d->name);
		if (other && !gm_dependent_equal(other, d))
			return conflict(l, d->kind, d->name, other->origin, origin);
		if (other) {
			gm_schema_remove_dependent(part, i);
			continue;
		}
		if (!d->origin)
			gm_set_str(&d->origin, origin);
		i++;
	}
	return 0;
}

/* Move an inspected schema into the result (consumes part); same-name objects are errors. */
static int merge_inspected(struct loader *l, gm_schema *part, const char *origin)
{
	size_t i, j;
	int error = 0;

	for (i = 0; i < part->enums_nr; i++) {
		gm_enum *e = part->enums[i], *other = gm_schema_enum(l->out, e->name);
		if (other) {
			error = conflict(l, "enum", e->name, other->origin, origin);
			goto done;
		}
		if (!e->origin)
			gm_set_str(&e->origin, origin);
	}
	for (i = 0; i < part->tables_nr; i++) {
		gm_table *t = part->tables[i], *other = gm_schema_table(l->out, t->name);
		if (other) {
			error = conflict(l, "table", t->name, other->origin, origin);
			goto done;
		}
		if (!t->origin)
			gm_set_str(&t->origin, origin);
		for (j = 0; j < t->columns_nr; j++)
			if (!t->columns[j]->origin)
				gm_set_str(&t->columns[j]->origin, origin);
		GM_PUSH(l->inspected, l->inspected_nr, l->inspected_alloc, gm_xstrdup(t->name));
	}
	if ((error = merge_objects(l, part, origin)) < 0)
		goto done;
	gm_models_move(l->out, part);
	part = NULL;
done:
	gm_schema_free(part);
	return error;
}

/*
 * Apply SQL (a file's content, or a command's output) to a new scratch database and merge
 * what it inspects to. `command` (or NULL) runs first, with the scratch URL in its env.
 */
static int load_scratch(struct loader *l, const char *sql, const char *origin, const char *command)
{
	gm_scratch *sc = NULL;
	gm_schema *part = NULL;
	gm_conn *conn;
	gm_buf out = GM_BUF_INIT, err = GM_BUF_INIT, exec_origin = GM_BUF_INIT;
	int error = 0, status = 0;

	if (!l->server) {
		error = source_error(l, GM_EINVALID, "models source '%s' needs a scratch database",
				     l->src->value);
		goto done;
	}
	if ((error = gm_scratch_create(&sc, l->server)) < 0)
		goto done;
	conn = gm_scratch_conn(sc);
	if (command) {
		gm_buf var = GM_BUF_INIT;
		const char *set[2] = { NULL, NULL };
		gm_buf_printf(&var, "GIT_MIGRATE_SCRATCH_URL=%s", gm_scratch_url(sc)->raw);
		set[0] = var.ptr;
		error = gm_run_shell(&out, &err, &status, command, l->cfg->root, set);
		gm_buf_release(&var);
		if (error < 0)
			goto done;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			if (WIFSIGNALED(status))
				error = source_error(l, GM_ERROR,
						     "models command '%s' was killed by signal %d",
						     command, WTERMSIG(status));
			else
				error = source_error(
					l, GM_ERROR,
					"models command '%s' failed with exit status %d", command,
					WEXITSTATUS(status));
			while (err.len && err.ptr[err.len - 1] == '\n')
				gm_buf_truncate(&err, err.len - 1);
			if (err.len)
				gm_error_detail("%s", err.ptr);
			goto done;
		}
		sql = out.ptr;
		gm_buf_printf(&exec_origin, "output of '%s'", command);
		origin = exec_origin.ptr;
	}
	if (!blank(sql) && (error = conn->dialect->exec(conn, sql, origin, 1)) < 0)
		goto done;
	/* NULL: a models table named like the version table is kept, to be refused below */
	if ((error = conn->dialect->inspect(&part, conn, NULL)) < 0 ||
	    (error = gm_models_sql_hints(part, sql, origin)) < 0)
		goto done;
	if (command) {
		gm_buf_clear(&exec_origin);
		gm_buf_printf(&exec_origin, "command '%s'", command);
		origin = exec_origin.ptr;
	}
	error = merge_inspected(l, part, origin);
	part = NULL;
done:
	gm_schema_free(part);
	gm_scratch_drop(sc);
	gm_buf_release(&exec_origin);
	gm_buf_release(&err);
	gm_buf_release(&out);
	return error;
}

/* A {sqlalchemy: "module:attribute"} source: its DDL for the scratch dialect, applied. */
static int load_sqlalchemy(struct loader *l)
{
	gm_buf ddl = GM_BUF_INIT, origin = GM_BUF_INIT;
	int error;

	if (!l->server)
		return source_error(l, GM_EINVALID, "models source '%s' needs a scratch database",
				    l->src->value);
	error = gm_models_sqlalchemy_ddl(&ddl, l->cfg, l->src->value, l->server->dialect->name);
	if (error < 0) {
		if (l->cfg->path && l->src->line)
			gm_error_locate(l->cfg->path, l->src->line, 0);
		goto done;
	}
	gm_buf_printf(&origin, "sqlalchemy '%s'", l->src->value);
	error = load_scratch(l, ddl.ptr, origin.ptr, NULL);
done:
	gm_buf_release(&origin);
	gm_buf_release(&ddl);
	return error;
}

static int apply_sql(struct loader *l, const gm_file *f, const char *display)
{
	return load_scratch(l, f->data, display, NULL);
}

/*
 * A models table named like the version table would be invisible (inspection leaves that
 * table out), so a change to it would read as "no changes": refused, at its origin.
 */
static int refuse_version_table(const gm_schema *s, const gm_config *cfg)
{
	const gm_table *t;
	size_t i;

	if (!cfg->version_table)
		return 0;
	for (i = 0; i < s->tables_nr; i++) {
		t = s->tables[i];
		if (strcasecmp(t->name, cfg->version_table))
			continue;
		if (t->origin)
			gm_error_set(GM_EINVALID,
				     "%s: table '%s' has the name of git-migrate's "
				     "version table",
				     t->origin, t->name);
		else
			gm_error_set(GM_EINVALID,
				     "table '%s' of the models has the name of "
				     "git-migrate's version table",
				     t->name);
		gm_error_hint("rename the table, or choose another 'version_table:' in "
			      ".gitmigrate.yml");
		return GM_EINVALID;
	}
	return 0;
}

int gm_models_load(gm_schema **out, const gm_config *cfg, const gm_url *scratch_server)
{
	struct loader l;
	size_t i;
	int error = 0;

	GM_ASSERT_ARG(out);
	GM_ASSERT_ARG(cfg);
	*out = NULL;
	memset(&l, 0, sizeof(l));
	l.cfg = cfg;
	l.server = scratch_server;
	gm_schema_new(&l.out);
	for (i = 0; i < cfg->models_nr; i++) {
		l.src = &cfg->models[i];
		switch (l.src->kind) {
		case GM_MODELS_YAML:
			error = each_file(&l, parse_yaml);
			break;
		case GM_MODELS_SQL:
			error = each_file(&l, apply_sql);
			break;
		case GM_MODELS_COMMAND:
			error = load_scratch(&l, "", NULL, l.src->value);
			break;
		case GM_MODELS_SQLALCHEMY:
			error = load_sqlalchemy(&l);
			break;
		}
		if (error < 0)
			goto done;
	}
	gm_models_resolve(l.out);
	if ((error = gm_models_validate_except(l.out, l.inspected, l.inspected_nr)) < 0 ||
	    (error = gm_models_validate_objects(
		     l.out, scratch_server ? scratch_server->dialect->name : NULL)) < 0 ||
	    (error = refuse_version_table(l.out, cfg)) < 0)
		goto done;
	*out = l.out;
	l.out = NULL;
done:
	gm_schema_free(l.out);
	for (i = 0; i < l.inspected_nr; i++)
		free(l.inspected[i]);
	free(l.inspected);
	return error;
}
