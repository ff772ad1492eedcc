/* prepare and diff (DESIGN.md §3.6): a replay session's client, one function per step. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "git-migrate/gm.h"
#include "error_int.h"
#include "chain.h"
#include "interrupt.h"
#include "lock.h"
#include "replay.h"
#include "util/file.h"
#include "dialect/diagnose.h"
#include "util/strvec.h"
#include "db_int.h"
#include "diff_int.h"
#include "models_int.h"
#include "prepare_int.h"
#include "schema_int.h"
#include "util/banned.h"

/* Everything one prepare (or diff) run holds; released in one place. */
struct run {
	const gm_config *cfg;
	const gm_prepare_opts *opts;
	gm_history h;        /* production's chain and the local revisions, combined */
	gm_replay *rp;       /* the replayed scratch database */
	gm_schema *current;  /* inspected after replay */
	gm_schema *models;   /* the models, normalized for the dialect */
	gm_schema *desired;  /* the models as the database sees them */
	bool defer_fixtures; /* production's chain creates no table yet */
	gm_changes up, down;
	gm_plan up_plan, down_plan;
	gm_buf up_sql, down_sql;
	gm_buf text; /* the revision file */
	char id[13];
	char *message;
};

/*
 * Models that declare no table while the replayed schema has tables would plan a drop of
 * every table: far likelier a broken model source than an intent. Refused (GM_EINVALID)
 * unless opts->allow_empty_models.
 */
static int refuse_empty_models(struct run *r)
{
	if (r->desired->tables_nr || !r->current->tables_nr || r->opts->allow_empty_models)
		return 0;
	gm_error_set(GM_EINVALID,
		     "the models declare no table, but the replayed schema has "
		     "%zu; refusing to plan a drop of every table",
		     r->current->tables_nr);
	gm_error_hint("check the 'models:' sources, or pass --allow-empty-models to drop them all");
	return GM_EINVALID;
}

/*
 * A section of the new revision failed on the scratch database: say why in the user's
 * terms when the rows are the cause (which table, column, values, how many rows), else
 * pass the database's message on. Nothing is written either way: GM_ECHECK.
 */
static int explain_failure(struct run *r, bool up, const char *step)
{
	gm_buf why = GM_BUF_INIT, hint = GM_BUF_INIT, dbmsg = GM_BUF_INIT;
	const gm_error *e = gm_error_last();
	int found;

	/* The file does not exist (nothing is written): point at the line in the revision. */
	if (e->line)
		gm_buf_printf(&dbmsg, "at line %d of the new revision: ", e->line);
	gm_buf_puts(&dbmsg, e->message);
	found = gm_diagnose(&why, &hint, gm_replay_conn(r->rp), up ? &r->up : &r->down);
	if (found > 0) {
		while (why.len && why.ptr[why.len - 1] == '\n')
			gm_buf_truncate(&why, why.len - 1);
		gm_error_set(GM_ECHECK,
			     "the new revision's %s fails on the rows in the scratch "
			     "database",
			     !up                  ? "down section"
			     : strcmp(step, "up") ? "up section (applied again after down)"
						  : "up section");
		gm_error_detail("%s\n(the database said: %s)", why.ptr, dbmsg.ptr);
		gm_error_hint("%s", hint.ptr);
	} else {
		gm_error_clear();
		gm_error_set(GM_ECHECK, "verifying the new revision (%s): %s", step, dbmsg.ptr);
		gm_error_hint("nothing was written; the revision was checked on a scratch "
			      "database replayed from production");
	}
	gm_buf_release(&why);
	gm_buf_release(&hint);
	gm_buf_release(&dbmsg);
	return GM_ECHECK;
}

/* Apply one section of the new revision to the scratch and compare with `want`. */
static int verify_step(struct run *r, const gm_revision *rev, bool up, const gm_schema *want,
		       const char *step)
{
	gm_schema *got = NULL;
	gm_buf fw = GM_BUF_INIT, fg = GM_BUF_INIT, delta = GM_BUF_INIT;
	int error;

	if ((error = gm_replay_apply(r->rp, rev, up)) < 0) {
		if (error != GM_EINTERRUPTED)
			error = explain_failure(r, up, step);
		return error;
	}
	if ((error = gm_replay_inspect(&got, r->rp)) < 0)
		return error;
	gm_schema_fingerprint(&fw, want);
	gm_schema_fingerprint(&fg, got);
	if (strcmp(fw.ptr, fg.ptr)) {
		gm_fingerprint_delta(&delta, fw.ptr, fg.ptr, 6);
		error = gm_error_set(GM_ECHECK,
				     "verifying the new revision (%s): the schema is not the "
				     "expected one",
				     step);
		gm_error_detail("%s", delta.ptr);
		gm_error_hint("this is a bug in git-migrate's planner; please report it "
			      "with the models and the revision");
	}
	gm_schema_free(got);
	gm_buf_release(&fw);
	gm_buf_release(&fg);
	gm_buf_release(&delta);
	return error;
}

/* A message from the changes: their descriptions, as many as fit in about 60 characters. */
static char *default_message(const gm_changes *ch)
{
	gm_buf all = GM_BUF_INIT, b = GM_BUF_INIT;
	const char *p;
	size_t left = 0;

	gm_changes_describe(&all, ch);
	for (p = all.ptr; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (!b.len || (!left && b.len + 2 + n <= 60))
			gm_buf_printf(&b, "%s%.*s", b.len ? ", " : "", (int)n, p);
		else
			left++;
		p += n + (nl ? 1 : 0);
	}
	if (left)
		gm_buf_printf(&b, " and %zu more change%s", left, left > 1 ? "s" : "");
	gm_buf_release(&all);
	return gm_buf_detach(&b);
}

/* Append a copy of s[0..n) to a result list unless it is there already. */
static void push_line(char ***v, size_t *nr, size_t *alloc, const char *s, size_t n)
{
	char *line = gm_xstrndup(s, n);
	if (gm_strv_contains(*v, *nr, line)) {
		free(line);
		return;
	}
	GM_ALLOC_GROW(*v, *nr + 1, *alloc);
	(*v)[(*nr)++] = line;
}

/*
 * Rows behind a warning's subject, counted on the scratch database before the new
 * revision runs: "t" → its rows, "t.c" → rows where c holds a value, "a, b" → the sum.
 * -1 when they cannot be counted.
 */
static long subject_rows(struct run *r, const char *subject)
{
	gm_buf name = GM_BUF_INIT;
	const char *p = subject;
	long total = 0;

	while (*p && total >= 0) {
		size_t len = strcspn(p, ",");
		const char *dot;
		size_t n;
		gm_buf_clear(&name);
		gm_buf_put(&name, p, len);
		dot = strchr(name.ptr, '.');
		if (dot)
			name.ptr[dot - name.ptr] = '\0';
		if (gm_count_rows(&n, gm_replay_conn(r->rp), name.ptr, dot ? dot + 1 : NULL) < 0) {
			gm_error_clear();
			total = -1;
		} else {
			total += (long)n;
		}
		p += len;
		while (*p == ',' || *p == ' ')
			p++;
	}
	gm_buf_release(&name);
	return total;
}

/*
 * The database's objects of a kind the models declare none of: kept as they are (see
 * gm_dependent), one warning line each, so that a user who expected them managed knows.
 */
static void unmanaged_objects(struct run *r, gm_prepare_result *out, gm_buf *b)
{
	size_t i, k;

	for (i = 0; r->current && r->models && i < r->current->dependents_nr; i++) {
		const gm_dependent *d = r->current->dependents[i];
		bool declared = false;
		if (!gm_dependent_compared(d))
			continue;
		for (k = 0; k < r->models->dependents_nr && !declared; k++)
			declared = !strcmp(r->models->dependents[k]->kind, d->kind);
		if (declared)
			continue;
		gm_buf_clear(b);
		gm_buf_printf(b, "the models declare no %s, left alone: %s %s", d->kind, d->kind,
			      d->name);
		push_line(&out->warnings, &out->warnings_nr, &out->warnings_alloc, b->ptr, b->len);
	}
}

/* Each non-empty line of text into the summary. */
static void push_summary_lines(gm_prepare_result *out, const char *text)
{
	const char *p;

	for (p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (n)
			push_line(&out->summary, &out->summary_nr, &out->summary_alloc, p, n);
		p += n + (nl ? 1 : 0);
	}
}

/*
 * A statement flagged GM_STMT_REFRESH creates materialized views; one the database already
 * has is dropped and created again (replaced, or carried around a change of what it
 * uses): its rows are computed again, a warning.
 */
static void warn_refreshed(struct run *r, const gm_stmt *st, gm_prepare_result *out)
{
	static const char key[] = "CREATE MATERIALIZED VIEW ";
	const char *p = st->sql;
	gm_buf name = GM_BUF_INIT, b = GM_BUF_INIT;

	while (r->current && (st->flags & GM_STMT_REFRESH) && (p = strstr(p, key))) {
		bool quoted = *(p += sizeof(key) - 1) == '"';
		gm_buf_clear(&name);
		for (p += quoted; *p && (quoted ? *p != '"' || p[1] == '"' : !strchr(" (\n", *p));
		     p += 1 + (quoted && *p == '"'))
			gm_buf_putc(&name, *p);
		if (!name.len || !gm_schema_dependent(r->current, "materialized view", name.ptr))
			continue;
		gm_buf_clear(&b);
		gm_buf_printf(&b, "materialized view %s is created again: its data is refreshed",
			      name.ptr);
		push_line(&out->warnings, &out->warnings_nr, &out->warnings_alloc, b.ptr, b.len);
	}
	gm_buf_release(&b);
	gm_buf_release(&name);
}

static void fill_summary(struct run *r, gm_prepare_result *out)
{
	gm_buf b = GM_BUF_INIT;
	size_t i;

	gm_changes_describe(&b, &r->up);
	/* what the down cannot put back: the rows of dropped tables and columns (prepare) */
	if (r->up.nr && !r->opts->diff_only)
		gm_prepare_down_losses(&b, &r->up, gm_replay_conn(r->rp));
	push_summary_lines(out, b.ptr);
	for (i = 0; i < r->up_plan.nr; i++) {
		const gm_stmt *st = &r->up_plan.v[i];
		const char *subj = st->subject ? st->subject : "?";
		bool column = strchr(subj, '.') != NULL;
		long n;

		warn_refreshed(r, st, out);
		if (!st->subject || !(st->flags & (GM_STMT_DATA_LOSS | GM_STMT_REBUILD |
						   GM_STMT_ENUM_SWAP | GM_STMT_REWRITE)))
			continue;
		n = subject_rows(r, subj);
		gm_buf_clear(&b);
		if (st->flags & GM_STMT_DATA_LOSS) {
			gm_buf_printf(&b, "drops %s %s", column ? "column" : "table", subj);
			if (n > 0)
				gm_buf_printf(&b, " holding data in %ld row%s", n,
					      n == 1 ? "" : "s");
		} else if (st->flags & GM_STMT_REBUILD) {
			gm_buf_printf(&b, "table rebuild of %s", subj);
			if (n >= 0)
				gm_buf_printf(&b, " (%ld row%s copied)", n, n == 1 ? "" : "s");
		} else if (st->flags & (GM_STMT_ENUM_SWAP | GM_STMT_REWRITE)) {
			gm_buf_printf(&b, "%s %s",
				      st->flags & GM_STMT_ENUM_SWAP ? "enum swap rewrites"
								    : "rewrites",
				      subj);
			if (n >= 0)
				gm_buf_printf(&b, " (%ld row%s)", n, n == 1 ? "" : "s");
		} else {
			continue;
		}
		push_line(&out->warnings, &out->warnings_nr, &out->warnings_alloc, b.ptr, b.len);
	}
	for (i = 0; r->models && i < r->models->unsupported_nr; i++) {
		/* in the database too: the "left alone" line below names it once */
		if (r->current &&
		    gm_strv_contains(r->current->unsupported, r->current->unsupported_nr,
				     r->models->unsupported[i]))
			continue;
		gm_buf_clear(&b);
		gm_buf_printf(&b, "not covered by the schema model, left out: %s",
			      r->models->unsupported[i]);
		push_line(&out->warnings, &out->warnings_nr, &out->warnings_alloc, b.ptr, b.len);
	}
	for (i = 0; r->current && i < r->current->unsupported_nr; i++) {
		gm_buf_clear(&b);
		gm_buf_printf(&b, "not covered by the schema model, left alone: %s",
			      r->current->unsupported[i]);
		push_line(&out->warnings, &out->warnings_nr, &out->warnings_alloc, b.ptr, b.len);
	}
	unmanaged_objects(r, out, &b);
	gm_buf_release(&b);
}

/* Step 9 (and the revision text): plan both directions, format the file. */
static int plan_revision(struct run *r, gm_revision **rev_out)
{
	const gm_dialect *d = gm_replay_dialect(r->rp);
	gm_buf slug = GM_BUF_INIT, path = GM_BUF_INIT;
	int error;

	*rev_out = NULL;
	if ((error = d->plan(&r->up_plan, &r->up)) < 0)
		return error;
	if ((error = gm_diff(&r->down, r->desired, r->current, GM_DIFF_REVERSE)) < 0 ||
	    (error = d->plan(&r->down_plan, &r->down)) < 0)
		return error;
	gm_plan_render(&r->up_sql, &r->up_plan);
	gm_plan_render(&r->down_sql, &r->down_plan);

	gm_revision_new_id(r->id);
	r->message = r->opts->message ? gm_xstrdup(r->opts->message) : default_message(&r->up);
	for (char *m = r->message; *m; m++) /* one line, as the header will hold it */
		if ((unsigned char)*m < 0x20 || *m == 0x7f)
			*m = ' ';
	/* The text comes from revision.c alone; parsing it back splits the sections at the
	 * planner's "-- +migrate commit" lines and proves the file reads as written. */
	gm_revision_format_new(&r->text, r->id, r->h.head, r->message, r->up_sql.ptr,
			       r->down_sql.ptr);

	gm_revision_slug(&slug, r->message);
	gm_buf_printf(&path, "%s/%s_%s.sql", r->cfg->migrations, r->id, slug.ptr);
	error = gm_revision_parse(rev_out, path.ptr, r->text.ptr, r->text.len);
	if (error < 0)
		gm_error_prefix("the generated revision does not parse (a bug)");
	gm_buf_release(&slug);
	gm_buf_release(&path);
	return error;
}

/* Step 11: write the file atomically (never over an existing file). */
static int write_revision(struct run *r, const gm_revision *rev)
{
	gm_buf dir = GM_BUF_INIT, dst = GM_BUF_INIT;
	int error;

	gm_buf_printf(&dir, "%s/%s", r->cfg->root, r->cfg->migrations);
	gm_buf_printf(&dst, "%s/%s", r->cfg->root, rev->path);
	if ((error = gm_mkdirs(dir.ptr)) == 0 && (error = gm_interrupt_check()) == 0)
		error = gm_file_write_atomic(dst.ptr, r->text.ptr, r->text.len, false);
	gm_buf_release(&dir);
	gm_buf_release(&dst);
	return error;
}

/* Add to set the tables of s with a column of enum e (native or emulated). */
static void enum_tables(gm_strvec *set, const gm_schema *s, const gm_enum *e)
{
	size_t i, k;

	for (i = 0; e && i < s->tables_nr; i++)
		for (k = 0; k < s->tables[i]->columns_nr; k++)
			if (gm_str_eq(s->tables[i]->columns[k]->type, e->name) ||
			    gm_str_eq(s->tables[i]->columns[k]->enum_name, e->name)) {
				gm_strvec_push(set, s->tables[i]->name);
				break;
			}
}

/*
 * Add to set the tables of s whose foreign keys delete their rows with the rows of a table
 * of set (ON DELETE CASCADE); whether any. A key with another action leaves the count of
 * its table's rows as it is (SET NULL and SET DEFAULT change values, RESTRICT and NO
 * ACTION fail the statement), and no plan truncates a table.
 */
static bool referencing_tables(gm_strvec *set, const gm_schema *s)
{
	bool grew = false;
	size_t i, k;

	for (i = 0; i < s->tables_nr; i++) {
		const gm_table *t = s->tables[i];
		if (gm_strv_contains(set->v, set->nr, t->name))
			continue;
		for (k = 0; k < t->fkeys_nr; k++)
			if (t->fkeys[k]->on_delete &&
			    !strcasecmp(t->fkeys[k]->on_delete, "cascade") &&
			    gm_strv_contains(set->v, set->nr, t->fkeys[k]->ref_table)) {
				gm_strvec_push(set, t->name);
				grew = true;
				break;
			}
	}
	return grew;
}

/* Whether s has a trigger or an object the models do not cover (a rule): statements on
 * one table may then change the rows of another. */
static bool moves_rows_elsewhere(const gm_schema *s)
{
	size_t i;

	for (i = 0; i < s->dependents_nr; i++)
		if (!strcmp(s->dependents[i]->kind, "trigger"))
			return true;
	return s->unsupported_nr > 0;
}

/*
 * Into *set, the tables whose rows the new revision (r->up, both ways) can change: those
 * its changes name (an enum's: the tables with a column of it) and, through foreign keys
 * in either schema, the tables that reference them (a cascade); false (every table)
 * when a change is an object's, or a trigger could move rows elsewhere. The round trip
 * counts only these: verification proportional to the change, not the schema.
 */
static bool touched_tables(gm_strvec *set, struct run *r)
{
	size_t i;

	if (moves_rows_elsewhere(r->current) || moves_rows_elsewhere(r->desired))
		return false;
	for (i = 0; i < r->up.nr; i++) {
		const gm_change *c = &r->up.v[i];
		if (c->object_from || c->object_to)
			return false;
		if (c->from)
			gm_strvec_push(set, c->from->name);
		if (c->to)
			gm_strvec_push(set, c->to->name);
		enum_tables(set, r->current, c->enum_from);
		enum_tables(set, r->desired, c->enum_to);
	}
	for (;;) {
		bool grew = referencing_tables(set, r->current);
		if (!referencing_tables(set, r->desired) && !grew)
			break;
	}
	return true;
}

/*
 * Rows of the fixture tables that `want` still has and the revision can change (the rows
 * a round trip must keep); the others are (size_t)-1.
 */
static void fixture_counts(struct run *r, const gm_schema *want, size_t *counts)
{
	const gm_fixtures_report *fx = gm_replay_fixtures_report(r->rp);
	char **tables = gm_xcalloc(fx->nr + 1, sizeof(*tables));
	size_t *n = gm_xcalloc(fx->nr + 1, sizeof(*n));
	gm_strvec set = GM_STRVEC_INIT;
	bool some = touched_tables(&set, r);
	size_t i, k = 0;

	for (i = 0; i < fx->nr; i++)
		if (gm_schema_table(want, fx->v[i].table) &&
		    (!some || gm_strv_contains(set.v, set.nr, fx->v[i].table)))
			tables[k++] = fx->v[i].table;
	gm_strvec_release(&set);
	gm_count_rows_many(n, gm_replay_conn(r->rp), tables, k);
	for (i = 0, k = 0; i < fx->nr; i++)
		counts[i] = k < fx->nr && tables[k] == fx->v[i].table ? n[k++] : (size_t)-1;
	free(tables);
	free(n);
}

/* A note for the summary (printed as information, not as a warning). */
static void add_note(gm_prepare_result *out, const char *text)
{
	push_line(&out->notes, &out->notes_nr, &out->notes_alloc, text, strlen(text));
}

static void run_init(struct run *r, gm_repo *repo, const gm_config *cfg,
		     const gm_prepare_opts *opts)
{
	static const gm_prepare_opts defaults = GM_PREPARE_OPTS_INIT;
	gm_replay_opts ro = { NULL, NULL, false, NULL, false, false, true };

	memset(r, 0, sizeof(*r));
	gm_buf_init(&r->up_sql);
	gm_buf_init(&r->down_sql);
	gm_buf_init(&r->text);
	r->cfg = cfg;
	r->opts = opts ? opts : &defaults;
	ro.progress = r->opts->progress;
	ro.payload = r->opts->payload;
	ro.no_fixtures = r->opts->no_fixtures;
	ro.no_cache = r->opts->no_cache;
	ro.cache_peek = r->opts->diff_only;
	ro.fixtures_oid = r->h.prod_oid; /* filled when the history is read */
	gm_replay_new(&r->rp, repo, cfg, &ro);
}

static void run_release(struct run *r)
{
	gm_replay_free(r->rp);
	gm_history_release(&r->h);
	gm_plan_release(&r->up_plan);
	gm_plan_release(&r->down_plan);
	gm_changes_release(&r->up);
	gm_changes_release(&r->down);
	gm_schema_free(r->current);
	gm_schema_free(r->desired);
	gm_schema_free(r->models);
	gm_buf_release(&r->up_sql);
	gm_buf_release(&r->down_sql);
	gm_buf_release(&r->text);
	free(r->message);
}

/* What the fixtures loaded, into the result. */
static void count_fixtures(struct run *r, gm_prepare_result *out)
{
	const gm_fixtures_report *fx = gm_replay_fixtures_report(r->rp);

	out->fixture_rows = fx->rows;
	out->fixture_files = fx->files + fx->sql_files;
}

/*
 * Rename-like changes (a dropped column or table holding rows, and a compatible one
 * added) are asked about or refused (prepare_rename.c); each yes puts a `was` hint on the
 * desired schema and the diff runs again, so the plans rename both ways.
 */
static int resolve_renames(struct run *r)
{
	bool renamed = true;
	int error = 0;

	while (renamed) {
		if ((error = gm_prepare_renames(&renamed, r->desired, &r->up, gm_replay_conn(r->rp),
						r->opts)) < 0 ||
		    !renamed)
			break;
		gm_changes_release(&r->up);
		if ((error = gm_diff(&r->up, r->current, r->desired, 0)) < 0)
			break;
	}
	return error;
}

/*
 * Steps 2 to 8: production's chain from git objects and the worktree's local revisions,
 * replayed on a scratch database, inspected, the fixtures loaded (unless diff), the
 * models read, and the diff of the two.
 */
static int replay_and_diff(struct run *r, gm_repo *repo, gm_prepare_result *out)
{
	int error;

	if ((error = gm_history_load(&r->h, repo, r->cfg, r->opts->production, NULL)) < 0 ||
	    (error = gm_history_combine(&r->h, false)) < 0)
		return error;
	gm_replay_phase(r->rp, "read");
	/* production's chain and the fixtures (from the snapshot cache when it can), then
	 * the local revisions on top, with the fixture rows in */
	error = gm_replay_open_cached(r->rp, &r->h, r->h.prod_nr);
	out->cache = gm_xstrdup(gm_replay_cache_note(r->rp));
	if (error < 0 || (error = gm_replay_run(r->rp, r->h.order + r->h.prod_nr,
						r->h.order_nr - r->h.prod_nr, 0)) < 0)
		return error;
	out->replayed = r->h.order_nr;
	gm_replay_phase(r->rp, "replay-local");
	/* the models' database is read meanwhile (when the replay did not start it) */
	gm_replay_models_prefetch(r->rp);
	if ((error = gm_replay_inspect(&r->current, r->rp)) < 0)
		return error;
	gm_replay_phase(r->rp, "inspect");
	/* Production's chain creates no table yet (the project's first revision): the
	 * fixtures cannot go in before the new revision's up section, so they are loaded
	 * after it, for the verification of down and up again. */
	r->defer_fixtures = !gm_replay_fixtures_loaded(r->rp) && r->current->tables_nr == 0;
	if (!r->opts->diff_only && !r->defer_fixtures) {
		bool loaded = gm_replay_fixtures_loaded(r->rp); /* after production's chain */
		if ((error = gm_replay_fixtures(r->rp, r->current)) < 0)
			return error;
		count_fixtures(r, out);
		if (!loaded)
			gm_replay_phase(r->rp, "fixtures");
	}
	if ((error = gm_replay_models(&r->models, &r->desired, r->rp)) < 0 ||
	    (error = refuse_empty_models(r)) < 0)
		return error;
	free(out->cache); /* with the models cache's line */
	out->cache = gm_xstrdup(gm_replay_cache_note(r->rp));
	gm_replay_phase(r->rp, "models");
	/* schemas the models do not manage stay as they are, with what they hold */
	if ((error = gm_schema_scope(r->desired, r->current, r->cfg->schemas, r->cfg->schemas_nr)) <
	    0)
		return error;
	/* views, triggers, functions the models do not cover stay: the plans carry them */
	gm_schema_inherit_dependents(r->desired, r->current);
	if ((error = gm_diff(&r->up, r->current, r->desired, 0)) < 0)
		return error;
	return r->opts->diff_only ? 0 : resolve_renames(r);
}

/*
 * Rows the down section cannot take back (prepare_loss.c) are deleted from the scratch
 * database before it runs, and the summary says so: a data-losing change is legitimate
 * and its round trip checks the schema.
 */
static int drop_unrestorable(struct run *r, gm_prepare_result *out)
{
	gm_buf tables = GM_BUF_INIT, note = GM_BUF_INIT;
	int error;

	error = gm_prepare_drop_unrestorable(&tables, gm_replay_conn(r->rp), &r->down,
					     &r->down_plan, r->desired);
	if (error == 0 && tables.len) {
		gm_buf_printf(&note,
			      "the round trip ran the down section without the rows it cannot "
			      "take back: %s",
			      tables.ptr);
		add_note(out, note.ptr);
	}
	gm_buf_release(&tables);
	gm_buf_release(&note);
	return error;
}

/*
 * Step 10: up, down, up again on the replayed database, with the fixtures in it: the
 * rows of every table that stays must all still be there afterwards.
 */
static int verify_revision(struct run *r, const gm_revision *rev, gm_prepare_result *out)
{
	const gm_fixtures_report *fx = gm_replay_fixtures_report(r->rp);
	size_t *before = NULL, *after = NULL, i;
	int error;

	if ((error = verify_step(r, rev, true, r->desired, "up")) < 0)
		return error;
	if (r->defer_fixtures && !r->opts->no_fixtures) {
		if ((error = gm_replay_fixtures(r->rp, r->desired)) < 0)
			return error;
		count_fixtures(r, out);
		if (fx->exists && out->fixture_files)
			add_note(
				out,
				"the fixtures were loaded after the up section (production's "
				"chain creates no table yet); down then drops their tables, so the "
				"round trip checked the schema, not the rows");
	}
	if ((error = drop_unrestorable(r, out)) < 0)
		return error;
	before = gm_xcalloc(fx->nr + 1, sizeof(*before));
	after = gm_xcalloc(fx->nr + 1, sizeof(*after));
	fixture_counts(r, r->desired, before);
	if ((error = verify_step(r, rev, false, r->current, "down")) < 0 ||
	    (error = verify_step(r, rev, true, r->desired, "up again")) < 0)
		goto done;
	fixture_counts(r, r->desired, after);
	for (i = 0; i < fx->nr && !r->defer_fixtures; i++) {
		if (before[i] == after[i])
			continue;
		error = gm_error_set(GM_ECHECK,
				     "the new revision loses rows: %s had %zu "
				     "rows before up, down and up again, and %zu after",
				     fx->v[i].table, before[i], after[i]);
		gm_error_hint("check the down section: it must keep what up keeps");
		goto done;
	}
done:
	free(before);
	free(after);
	return error;
}

/* The planned revision into the result (everything but the written path). */
static void fill_result(struct run *r, gm_prepare_result *out)
{
	fill_summary(r, out);
	out->up_sql = gm_xstrdup(r->up_sql.ptr);
	out->down_sql = gm_xstrdup(r->down_sql.ptr);
	out->id = gm_xstrdup(r->id);
	out->parent = gm_xstrdup(r->h.head ? r->h.head : "");
}

/* The session's phase times into the result. */
static void copy_phases(struct run *r, gm_prepare_result *out)
{
	const gm_replay_phase_time *v = gm_replay_phases(r->rp, &out->phases_nr);
	size_t i;

	for (i = 0; i < out->phases_nr; i++) {
		out->phases[i].name = v[i].name;
		out->phases[i].seconds = v[i].seconds;
	}
}

int gm_prepare(gm_prepare_result *out, gm_repo *repo, const gm_config *cfg,
	       const gm_prepare_opts *opts)
{
	struct run r;
	gm_revision *rev = NULL;
	gm_lock *lock = NULL;
	int error;

	memset(out, 0, sizeof(*out));
	run_init(&r, repo, cfg, opts);
	/* one prepare per worktree at a time, each reading the chains the last one left */
	if (!r.opts->diff_only && (error = gm_lock_worktree(&lock, repo, cfg, r.opts->no_wait,
							    r.opts->wait, r.opts->payload)) < 0)
		goto done;
	if ((error = replay_and_diff(&r, repo, out)) < 0)
		goto done;
	if (!r.up.nr) {
		out->no_changes = true;
		fill_summary(&r, out);
		gm_replay_phase(r.rp, "diff");
		goto done;
	}
	if ((error = plan_revision(&r, &rev)) < 0)
		goto done;
	fill_result(&r, out);
	gm_replay_phase(r.rp, "diff+plan");
	if (r.opts->diff_only)
		goto done;
	if ((error = verify_revision(&r, rev, out)) < 0)
		goto done;
	gm_replay_phase(r.rp, "verify");
	if (r.opts->dry_run)
		goto done;
	if ((error = write_revision(&r, rev)) < 0)
		goto done;
	out->path = gm_xstrdup(rev->path);
	gm_replay_phase(r.rp, "write");

done:
	copy_phases(&r, out);
	gm_revision_free(rev);
	run_release(&r);
	gm_lock_release(lock);
	if (error < 0)
		gm_prepare_result_release(out);
	return error;
}

void gm_prepare_result_release(gm_prepare_result *res)
{
	free(res->path);
	free(res->id);
	free(res->parent);
	free(res->up_sql);
	free(res->down_sql);
	free(res->cache);
	gm_strv_free(res->summary, res->summary_nr);
	gm_strv_free(res->warnings, res->warnings_nr);
	gm_strv_free(res->notes, res->notes_nr);
	memset(res, 0, sizeof(*res));
}
