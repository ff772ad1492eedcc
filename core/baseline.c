/* init --from-database: read a live database into a base revision, models and a config. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "git-migrate/alloc.h"
#include "git-migrate/baseline.h"
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "db_int.h"
#include "diff_int.h"
#include "error_int.h"
#include "models_int.h"
#include "models_write.h"
#include "revision_int.h"
#include "schema_int.h"
#include "util/strvec.h"
#include "util/banned.h"

/*
 * The base revision is planned from an empty schema to the inspected one with the
 * dialect's planner, as prepare plans a first revision; its down plans the way back.
 * The models are the same inspected schema written as YAML (core/models_write*.c); what
 * YAML cannot say goes to GM_BASELINE_SQL, which the config lists after the YAML. The
 * config holds the URL without its password: a committed file must not hold one (libpq
 * reads PGPASSWORD and ~/.pgpass; GIT_MIGRATE_DATABASE_URL overrides the config).
 */

/* Remove the part gm_url_mask turned into *** (":***" before '@', a password=*** pair). */
static char *strip_password(const char *url, bool *had)
{
	gm_buf m = GM_BUF_INIT, out = GM_BUF_INIT;
	const char *p, *star;

	gm_url_mask(&m, url);
	*had = strcmp(m.ptr, url) != 0;
	for (p = m.ptr; (star = strstr(p, "***")) != NULL; p = star + 3) {
		const char *from = star;
		if (from > p && from[-1] == ':' && star[3] == '@') {
			from--;
		} else if (from - p >= 9 && !strncmp(from - 9, "password=", 9)) {
			from -= 9;
			if (from > p && (from[-1] == '&' || from[-1] == ' '))
				from--;
			else if (star[3] == '&')
				star++; /* "?password=***&x": keep '?', drop '&' */
		}
		gm_buf_put(&out, p, (size_t)(from - p));
	}
	gm_buf_puts(&out, p);
	gm_buf_release(&m);
	return gm_buf_detach(&out);
}

/* The default config with `database:` and `models:` of the baseline. */
static char *config_text(const char *database, bool with_sql, bool had_password)
{
	const char *t = gm_config_template(), *db = strstr(t, "\ndatabase: ");
	const char *models = strstr(t, "\nmodels:\n"), *end;
	gm_buf b = GM_BUF_INIT;

	if (!db || !models || models > db)
		GM_BUG("the config template has no 'models:' or 'database:' line");
	gm_buf_put(&b, t, (size_t)(models - t));
	gm_buf_puts(&b, "\nmodels:\n  - " GM_BASELINE_YAML "\n");
	if (with_sql)
		gm_buf_puts(&b, "  - " GM_BASELINE_SQL "\n");
	for (end = models + 9; !strncmp(end, "  - ", 4);)
		end = strchr(end, '\n') + 1;
	gm_buf_put(&b, end - 1, (size_t)(db - end + 1));
	if (had_password)
		gm_buf_puts(&b, "\n# The password is not written here: libpq reads PGPASSWORD or "
				"~/.pgpass.");
	gm_buf_puts(&b, "\ndatabase: ");
	gm_models_put_str(&b, database);
	gm_buf_puts(&b, strchr(db + 1, '\n'));
	return gm_buf_detach(&b);
}

/* The plan from `from` to `to` (reverse: a down section) as section text. */
static int plan_text(gm_buf *out, const gm_dialect *d, const gm_schema *from, const gm_schema *to,
		     unsigned flags)
{
	gm_changes ch = GM_CHANGES_INIT;
	gm_plan plan = GM_PLAN_INIT;
	int error;

	if ((error = gm_diff(&ch, from, to, flags)) == 0 && (error = d->plan(&plan, &ch)) == 0)
		gm_plan_render(out, &plan);
	gm_plan_release(&plan);
	gm_changes_release(&ch);
	return error;
}

/* The base revision: up creates `live` from nothing, down drops it. */
static int write_revision(gm_baseline *out, const gm_dialect *d, const gm_schema *live,
			  const gm_config *cfg)
{
	gm_schema *empty = NULL;
	gm_revision *rev = NULL;
	gm_buf up = GM_BUF_INIT, down = GM_BUF_INIT, text = GM_BUF_INIT, path = GM_BUF_INIT;
	char id[13];
	int error;

	gm_schema_new(&empty);
	if ((error = plan_text(&up, d, empty, live, 0)) < 0 ||
	    (error = plan_text(&down, d, live, empty, GM_DIFF_REVERSE)) < 0)
		goto done;
	gm_revision_new_id(id);
	gm_revision_format_new(&text, id, NULL, "baseline of the existing database", up.ptr,
			       down.ptr);
	gm_buf_printf(&path, "%s/%s_baseline.sql", cfg->migrations, id);
	if ((error = gm_revision_parse(&rev, path.ptr, text.ptr, text.len)) < 0) {
		gm_error_prefix("the base revision does not parse (a bug)");
		goto done;
	}
	out->id = gm_xstrdup(id);
	out->revision_path = gm_buf_detach(&path);
	out->revision = gm_buf_detach(&text);
done:
	gm_revision_free(rev);
	gm_buf_release(&path);
	gm_buf_release(&text);
	gm_buf_release(&down);
	gm_buf_release(&up);
	gm_schema_free(empty);
	return error;
}

/* The models: YAML (parsed back: a writer bug is caught here) and, when needed, SQL. */
static int write_models(gm_baseline *out, const gm_dialect *d, const gm_schema *live,
			const char *shown)
{
	gm_buf yaml = GM_BUF_INIT, sql = GM_BUF_INIT;
	gm_strvec why = GM_STRVEC_INIT;
	gm_schema *part = NULL, *check = NULL, *empty = NULL;
	int error;

	gm_buf_printf(&yaml,
		      "# The schema of %s, read by 'git migrate init --from-database'.\n"
		      "# These are the models now: edit them, then 'git migrate prepare'.\n",
		      shown);
	gm_models_write(&yaml, &part, &why, live, (d->caps & GM_DIALECT_NATIVE_ENUM) != 0);
	gm_schema_new(&check);
	if ((error = gm_models_parse_yaml(check, GM_BASELINE_YAML, yaml.ptr, yaml.len)) < 0) {
		gm_error_prefix("the written YAML models do not parse (a bug)");
		goto done;
	}
	if (part->tables_nr || part->enums_nr || part->dependents_nr) {
		gm_buf_printf(
			&sql,
			"-- What the YAML models (" GM_BASELINE_YAML ") cannot say, with what "
			"it uses,\n-- read from %s by 'git migrate init --from-database'.\n\n",
			shown);
		gm_schema_new(&empty);
		if ((error = plan_text(&sql, d, empty, part, 0)) < 0)
			goto done;
		out->sql = gm_buf_detach(&sql);
	}
	out->yaml = gm_buf_detach(&yaml);
	out->unexpressed = why.v;
	out->unexpressed_nr = why.nr;
	why.v = NULL;
	why.nr = 0;
done:
	gm_strvec_release(&why);
	gm_schema_free(empty);
	gm_schema_free(check);
	gm_schema_free(part);
	gm_buf_release(&sql);
	gm_buf_release(&yaml);
	return error;
}

static int found_row(const char *const *values, size_t n, void *payload)
{
	(void)values;
	(void)n;
	*(bool *)payload = true;
	return 0;
}

/* A database that has git-migrate's version table is managed already: refused. */
static int refuse_managed(gm_conn *conn, const gm_url *u, const gm_config *cfg)
{
	const gm_dialect *d = u->dialect;
	gm_buf q = GM_BUF_INIT;
	bool found = false;
	int error;

	d->version_sql(&q, GM_VERSION_EXISTS, cfg->version_table, NULL);
	error = d->query(conn, q.ptr, found_row, &found);
	gm_buf_release(&q);
	if (error < 0 || !found)
		return error;
	gm_error_set(GM_EEXISTS,
		     "'%s' is managed by git-migrate already: it has the version table '%s'",
		     u->masked, cfg->version_table);
	gm_error_hint("clone its project instead; 'git migrate current' shows where it stands");
	return GM_EEXISTS;
}

int gm_baseline_read(gm_baseline *out, const char *url, const gm_config *cfg)
{
	gm_url *u = NULL;
	gm_conn *conn = NULL;
	gm_schema *live = NULL;
	size_t i;
	int error;

	GM_ASSERT_ARG(out);
	GM_ASSERT_ARG(url);
	memset(out, 0, sizeof(*out));
	if ((error = gm_url_parse(&u, url, cfg->root)) < 0)
		goto done;
	if (!u->path && !u->conninfo) {
		error = gm_error_set(GM_EINVALID, "'%s' names no database", u->masked);
		goto done;
	}
	if (u->path && strcmp(u->path, ":memory:") && access(u->path, F_OK) < 0) {
		error = gm_error_set(GM_ENOTFOUND, "database '%s' does not exist", u->masked);
		goto done;
	}
	if ((error = gm_conn_open(&conn, u)) < 0 || (error = refuse_managed(conn, u, cfg)) < 0 ||
	    (error = u->dialect->inspect(&live, conn, cfg->version_table)) < 0)
		goto done;
	out->database = strip_password(url, &out->had_password);
	out->tables_nr = live->tables_nr;
	for (i = 0; i < live->dependents_nr; i++)
		out->objects_nr += strcmp(live->dependents[i]->kind, "generated column") != 0;
	out->unsupported = gm_strv_copy(live->unsupported, live->unsupported_nr, &i);
	out->unsupported_nr = live->unsupported_nr;
	if ((error = write_revision(out, u->dialect, live, cfg)) < 0 ||
	    (error = write_models(out, u->dialect, live, u->masked)) < 0)
		goto done;
	out->config = config_text(out->database, out->sql != NULL, out->had_password);
done:
	gm_schema_free(live);
	gm_conn_free(conn);
	gm_url_free(u);
	return error;
}

void gm_baseline_release(gm_baseline *b)
{
	if (!b)
		return;
	free(b->database);
	free(b->id);
	free(b->revision_path);
	free(b->revision);
	free(b->yaml);
	free(b->sql);
	free(b->config);
	gm_strv_free(b->unexpressed, b->unexpressed_nr);
	gm_strv_free(b->unsupported, b->unsupported_nr);
	memset(b, 0, sizeof(*b));
}
