/*
 * `import alembic`: an Alembic / Flask-Migrate history as git-migrate revision files.
 *
 * The SQL comes from Alembic's offline mode, run twice for the whole history: `upgrade
 * --sql heads` (from base) and `downgrade --sql heads:base`, each cut at Alembic's
 * "-- Running upgrade <parents> -> <id>" / "-- Running downgrade <id> -> <parents>"
 * markers. Alembic writes one marker per revision it runs, just before that revision's
 * own statements, and runs every revision once, branches and merges included: so each
 * block is exactly one revision's SQL. Running `upgrade A:B --sql` per revision
 * instead cannot isolate a merge (from one parent to the merge it runs the other
 * branch too) and costs a Python start per revision. When the whole downgrade fails
 * (a revision's downgrade raises), each revision's is run alone (`downgrade <id>:<parent>
 * --sql`), and the ones that fail are imported without a down section, with a warning.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "git-migrate/import.h"
#include "git-migrate/alloc.h"
#include "git-migrate/error.h"
#include "git-migrate/revision.h"
#include "git-migrate/vec.h"
#include "db_int.h"
#include "error_int.h"
#include "import_alembic_int.h"
#include "repo_int.h"
#include "revision_int.h"
#include "util/banned.h"
#include "util/file.h"
#include "util/strvec.h"

/* Alembic's version table (its default; env.py's version_table option is not read). */
#define VERSION_TABLE "alembic_version"

struct import {
	gm_repo *repo;
	const gm_config *cfg;
	const gm_import_opts *opts;
	char *from;
	gm_revision **revs; /* as read from versions/; sections filled by convert() */
	size_t nr, alloc;
	gm_alembic_cmd cmd;
	gm_strvec paths; /* relative to the root */
	gm_strvec texts; /* the files' contents, in the order of paths */
};

void gm_import_result_release(gm_import_result *res)
{
	free(res->command);
	gm_strv_free(res->paths, res->paths_nr);
	gm_strv_free(res->heads, res->heads_nr);
	memset(res, 0, sizeof(*res));
}

static void progress(const struct import *im, const char *fmt, const char *a, const char *b)
{
	gm_buf line = GM_BUF_INIT;

	if (!im->opts->progress)
		return;
	gm_buf_printf(&line, fmt, a, b ? b : "");
	im->opts->progress(line.ptr, im->opts->payload);
	gm_buf_release(&line);
}

static gm_revision *find_rev(const struct import *im, const char *id)
{
	size_t i;
	for (i = 0; i < im->nr; i++)
		if (!strcmp(im->revs[i]->id, id))
			return im->revs[i];
	return NULL;
}

/* No section at all; set_section: a section of one part, sql (taken). */
static void drop_section(gm_section *s)
{
	size_t i;
	for (i = 0; i < s->parts_nr; i++)
		free(s->parts[i].sql);
	free(s->parts);
	memset(s, 0, sizeof(*s));
}

static void set_section(gm_section *s, char *sql)
{
	drop_section(s);
	s->parts = gm_xcalloc(1, sizeof(*s->parts));
	s->parts[0].sql = sql;
	s->parts_nr = 1;
	s->present = true;
}

static bool empty_section(const gm_section *s)
{
	return !s->parts_nr || !*s->parts[0].sql;
}

/* Alembic loads every *.py of versions/ but __init__.py (and editor files ".#..."). */
static bool revision_file(const char *name)
{
	size_t n = strlen(name);
	return n > 3 && !strcmp(name + n - 3, ".py") && strncmp(name, "__init__", 8) &&
	       name[0] != '.';
}

/* Read the .py files of versions/ into im->revs. */
static int read_revisions(struct import *im)
{
	gm_files files = GM_FILES_INIT;
	gm_buf dir = GM_BUF_INIT;
	size_t i;
	int error;

	gm_buf_printf(&dir, "%s/versions", im->from);
	if ((error = gm_tree_read_dir(&files, im->repo, NULL, dir.ptr, true)) < 0)
		goto done;
	if (!files.exists) {
		error = gm_error_set(GM_ENOTFOUND, "no Alembic history: '%s' does not exist",
				     dir.ptr);
		gm_error_hint("--from names the Alembic directory (env.py, versions/)");
		goto done;
	}
	for (i = 0; i < files.nr && !error; i++) {
		gm_revision *rev;
		if (!revision_file(files.v[i].name))
			continue;
		if ((error = gm_alembic_parse(&rev, files.v[i].path, files.v[i].data)) < 0)
			break;
		if (find_rev(im, rev->id)) {
			error = gm_error_set_at(GM_EINVALID, files.v[i].path, 0, 0,
						"revision id '%s' is used twice", rev->id);
			gm_revision_free(rev);
			break;
		}
		GM_ALLOC_GROW(im->revs, im->nr + 1, im->alloc);
		im->revs[im->nr++] = rev;
	}
	if (!error && !im->nr)
		error = gm_error_set(GM_ENOTFOUND, "no Alembic revisions in '%s'", dir.ptr);
done:
	gm_files_release(&files);
	gm_buf_release(&dir);
	return error;
}

/* The target database's dialect must be the one Alembic wrote SQL for. */
static int check_dialect(const struct import *im, const char *err)
{
	char *wrote = gm_alembic_dialect(err);
	gm_url *url = NULL;
	int error = 0;

	if (wrote && (error = gm_url_parse(&url, im->cfg->database, im->cfg->root)) >= 0 &&
	    strcmp(url->dialect->name, wrote)) {
		error = gm_error_set(GM_EINVALID,
				     "Alembic wrote SQL for %s, but the target database '%s' is %s",
				     wrote, url->masked, url->dialect->name);
		gm_error_hint("point the app's database URL (the setting its config or env.py "
			      "reads) at a %s database, or set 'database:' in .gitmigrate.yml",
			      url->dialect->name);
	}
	gm_url_free(url);
	free(wrote);
	return error;
}

/* Cut an offline run's output and give each revision its cleaned SQL. */
static int take_blocks(struct import *im, const char *output, bool upgrade, const char *line)
{
	gm_alembic_blocks blocks = { NULL, 0, 0 };
	size_t i;
	int error;

	if ((error = gm_alembic_split(&blocks, output, upgrade)) < 0)
		goto done;
	for (i = 0; i < blocks.nr; i++) {
		gm_revision *rev = find_rev(im, blocks.v[i].id);
		gm_buf sql = GM_BUF_INIT;
		bool no_tx = false;

		if (!rev) {
			error = gm_error_set(
				GM_EINVALID,
				"'%s' ran revision '%s', which is not in '%s/versions'", line,
				blocks.v[i].id, im->from);
			goto done;
		}
		gm_alembic_clean(&sql, &no_tx, blocks.v[i].sql, VERSION_TABLE);
		if (no_tx)
			rev->transaction = false;
		set_section(upgrade ? &rev->up : &rev->down, gm_buf_detach(&sql));
	}
done:
	gm_alembic_blocks_release(&blocks);
	return error;
}

/* One offline run: output cut into the revisions' SQL. */
static int run_offline(struct import *im, const char *sub, const char *target, bool check)
{
	gm_buf out = GM_BUF_INIT, err = GM_BUF_INIT, line = GM_BUF_INIT;
	int error;

	gm_alembic_cmd_line(&line, &im->cmd, sub, target);
	progress(im, "running '%s'%s", line.ptr, NULL);
	if ((error = gm_alembic_cmd_run(&out, &err, &im->cmd, line.ptr)) < 0) {
		if (error == GM_ERROR && !im->opts->command)
			gm_error_hint(
				"--command runs Alembic another way (in the repository root), "
				"e.g. with the Python that has your app's packages: --command "
				"'%s'",
				strncmp(im->cmd.prefix, "flask", 5)
					? "python3 -m alembic -c path/to/alembic.ini"
					: "python3 -m flask db");
		goto done;
	}
	if (check && (error = check_dialect(im, err.ptr ? err.ptr : "")) < 0)
		goto done;
	error = take_blocks(im, out.ptr ? out.ptr : "", !strcmp(sub, "upgrade"), line.ptr);
done:
	gm_buf_release(&out);
	gm_buf_release(&err);
	gm_buf_release(&line);
	return error;
}

/* The whole downgrade failed: each revision's alone; a failing one is irreversible. */
static int downgrade_each(struct import *im)
{
	size_t i;
	int error = 0;

	for (i = 0; i < im->nr && !error; i++) {
		gm_revision *rev = im->revs[i];
		gm_buf target = GM_BUF_INIT;

		gm_buf_printf(&target, "%s:%s", rev->id,
			      rev->parents_nr ? rev->parents[0] : "base");
		error = run_offline(im, "downgrade", target.ptr, false);
		if (error == GM_ERROR) {
			const char *detail = gm_error_last()->detail;
			const char *last = detail ? strrchr(detail, '\n') : NULL;
			gm_warn("revision '%s' (%s): Alembic's downgrade failed, imported without a "
				"down section: %s",
				rev->id, rev->path,
				last     ? last + 1
				: detail ? detail
					 : "");
			drop_section(&rev->down);
			error = 0;
		}
		gm_buf_release(&target);
	}
	return error;
}

/* Both offline runs; then which revisions have no down section. */
static int convert(struct import *im)
{
	size_t i;
	int error;

	if ((error = run_offline(im, "upgrade", "heads", true)) < 0)
		return error;
	for (i = 0; i < im->nr; i++)
		if (!im->revs[i]->up.present)
			return gm_error_set_at(
				GM_EINVALID, im->revs[i]->path, 0, 0,
				"Alembic's offline upgrade did not run revision '%s'",
				im->revs[i]->id);
	error = run_offline(im, "downgrade", "heads:base", false);
	if (error == GM_ERROR)
		error = downgrade_each(im);
	else if (!error)
		for (i = 0; i < im->nr && !error; i++)
			if (!im->revs[i]->down.present)
				error = gm_error_set_at(
					GM_EINVALID, im->revs[i]->path, 0, 0,
					"Alembic's offline downgrade did not run revision '%s'",
					im->revs[i]->id);
	if (error < 0)
		return error;
	for (i = 0; i < im->nr; i++) {
		gm_revision *rev = im->revs[i];
		/* an empty downgrade undoes nothing: irreversible, unless up is empty too */
		if (rev->down.present && empty_section(&rev->down) && !empty_section(&rev->up))
			drop_section(&rev->down);
	}
	return 0;
}

/* The text of one revision file, parsed back as a check; its path into im->paths. */
static int format_rev(struct import *im, gm_revision *rev, const char *created)
{
	gm_revision *back = NULL;
	gm_buf text = GM_BUF_INIT, slug = GM_BUF_INIT, path = GM_BUF_INIT;
	int error;

	free(rev->created);
	rev->created = gm_xstrdup(created);
	gm_revision_format(&text, rev);
	gm_revision_slug(&slug, rev->message ? rev->message : "");
	gm_buf_printf(&path, "%s/%s_%s.sql", im->cfg->migrations, rev->id,
		      slug.len ? slug.ptr : "alembic");
	if ((error = gm_revision_parse(&back, path.ptr, text.ptr, text.len)) < 0) {
		gm_error_prefix("the imported revision does not parse (a bug)");
		goto done;
	}
	gm_strvec_push(&im->paths, path.ptr);
	gm_strvec_push_owned(&im->texts, gm_buf_detach(&text));
done:
	gm_revision_free(back);
	gm_buf_release(&text);
	gm_buf_release(&slug);
	gm_buf_release(&path);
	return error;
}

/* Refuse when a revision with an imported id, or a file of that name, exists. */
static int check_existing(struct import *im)
{
	gm_findings findings = GM_FINDINGS_INIT;
	gm_chain *chain = NULL;
	gm_buf abs = GM_BUF_INIT;
	size_t i;
	int error;

	if ((error = gm_chain_read(&chain, &findings, im->repo, im->cfg, NULL)) < 0)
		goto done;
	for (i = 0; i < im->nr && !error; i++) {
		const gm_revision *r = gm_chain_find(chain, im->revs[i]->id);
		if (r)
			error = gm_error_set(GM_EEXISTS,
					     "revision '%s' already exists: '%s'; nothing written",
					     r->id, r->path);
	}
	for (i = 0; i < im->paths.nr && !error; i++) {
		gm_buf_clear(&abs);
		gm_buf_printf(&abs, "%s/%s", im->cfg->root, im->paths.v[i]);
		if (access(abs.ptr, F_OK) == 0)
			error = gm_error_set(GM_EEXISTS, "'%s' already exists; nothing written",
					     im->paths.v[i]);
	}
done:
	gm_chain_free(chain);
	gm_findings_release(&findings);
	gm_buf_release(&abs);
	return error;
}

/* Write every file (never over one); on a failure, remove those written. */
static int write_all(struct import *im)
{
	gm_buf abs = GM_BUF_INIT;
	size_t i, done = 0;
	int error;

	gm_buf_printf(&abs, "%s/%s", im->cfg->root, im->cfg->migrations);
	if ((error = gm_mkdirs(abs.ptr)) < 0)
		goto done;
	for (; done < im->paths.nr; done++) {
		gm_buf_clear(&abs);
		gm_buf_printf(&abs, "%s/%s", im->cfg->root, im->paths.v[done]);
		if ((error = gm_file_write_atomic(abs.ptr, im->texts.v[done],
						  strlen(im->texts.v[done]), false)) < 0)
			break;
	}
	for (i = 0; error < 0 && i < done; i++) {
		gm_buf_clear(&abs);
		gm_buf_printf(&abs, "%s/%s", im->cfg->root, im->paths.v[i]);
		unlink(abs.ptr);
	}
done:
	gm_buf_release(&abs);
	return error;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void fill_result(gm_import_result *out, struct import *im)
{
	gm_strvec heads = GM_STRVEC_INIT;
	size_t i, j, k;

	out->command = gm_xstrdup(im->cmd.prefix);
	out->paths = gm_strv_copy(im->paths.v, im->paths.nr, &k);
	out->paths_nr = im->paths.nr;
	for (i = 0; i < im->nr; i++) {
		bool parent = false;
		for (j = 0; j < im->nr && !parent; j++)
			for (k = 0; k < im->revs[j]->parents_nr; k++)
				parent |= !strcmp(im->revs[j]->parents[k], im->revs[i]->id);
		if (!parent)
			gm_strvec_push(&heads, im->revs[i]->id);
		out->irreversible += !im->revs[i]->down.present;
		out->no_transaction += !im->revs[i]->transaction;
	}
	qsort(heads.v, heads.nr, sizeof(*heads.v), cmp_str);
	out->heads = heads.v;
	out->heads_nr = heads.nr;
}

int gm_import_alembic(gm_import_result *out, gm_repo *repo, const gm_config *cfg,
		      const gm_import_opts *opts)
{
	struct import im;
	char created[32];
	time_t now = time(NULL);
	struct tm tm;
	size_t i;
	int error;

	memset(out, 0, sizeof(*out));
	memset(&im, 0, sizeof(im));
	im.repo = repo;
	im.cfg = cfg;
	im.opts = opts;
	im.from = gm_repo_clean_path(opts->from ? opts->from : "migrations");
	gmtime_r(&now, &tm);
	strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if ((error = read_revisions(&im)) < 0 ||
	    (error = gm_alembic_cmd_detect(&im.cmd, cfg->root, im.from, opts->command)) < 0 ||
	    (error = convert(&im)) < 0)
		goto done;
	for (i = 0; i < im.nr && !error; i++)
		error = format_rev(&im, im.revs[i], created);
	if (error < 0 || (error = check_existing(&im)) < 0 || (error = write_all(&im)) < 0)
		goto done;
	for (i = 0; i < im.nr; i++)
		progress(&im, "imported %s %s", im.revs[i]->id, im.revs[i]->message);
	fill_result(out, &im);
done:
	for (i = 0; i < im.nr; i++)
		gm_revision_free(im.revs[i]);
	free(im.revs);
	free(im.from);
	gm_alembic_cmd_release(&im.cmd);
	gm_strvec_release(&im.paths);
	gm_strvec_release(&im.texts);
	return error;
}
