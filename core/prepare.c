/* The prepare pipeline of DESIGN.md §3.6, one static function per step (also `diff`). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "git-migrate/gm.h"
#include "lock.h"
#include "scratch.h"
#include "util/file.h"
#include "dialect/diagnose.h"
#include "util/banned.h"
#include "db_int.h"
#include "diff_int.h"
#include "models_int.h"
#include "schema_int.h"

/* Everything one run holds; released in one place. */
struct run {
	gm_repo *repo;
	const gm_config *cfg;
	const gm_prepare_opts *opts;
	const char *production;
	const char *local_rev;      /* read local revisions from this git revision; NULL = worktree */
	char prod_oid[GM_OID_HEXSZ + 1];
	gm_chain *chain;            /* production + local revisions */
	const gm_revision **order;  /* replay order (borrowed from chain) */
	size_t order_nr;
	size_t prod_nr;             /* how many of `order` come from production */
	const char *parent;         /* head the new revision chains onto, or NULL */
	bool rebase;                /* re-chain stale local revisions instead of refusing */
	struct rechained {
		gm_revision *rev;   /* a local revision re-chained (borrowed from chain) */
		char *from;         /* its old parents, ", "-joined ("" for none) */
	} *rechained;               /* in line order */
	size_t rechained_nr, rechained_alloc;
	bool linearized;            /* several local heads or roots put in one line */
	size_t local_nr;            /* local revisions */
	char **forks;               /* the older production revisions they hung off */
	size_t forks_nr, forks_alloc;
	bool *newer;                /* per `order` entry: production's, newer than the fork */
	size_t newer_nr;
	gm_touched **touched;       /* per `order` entry: what it changed (newer and local) */
	gm_url *server;
	gm_scratch *scratch;        /* the replayed database */
	gm_schema *current;         /* inspected after replay */
	gm_schema *models;          /* the models, normalized for the dialect */
	gm_schema *desired;         /* the models as the database sees them */
	gm_fixtures_report fixtures;
	bool fixtures_loaded;
	gm_changes up, down;
	gm_plan up_plan, down_plan;
	gm_buf up_sql, down_sql;
	gm_buf text;                /* the revision file */
	char id[13];
	char *message;
};

static int interrupted(void)
{
	if (gm_scratch_interrupted())
		return gm_error_set(GM_EINTERRUPTED, "interrupted");
	return 0;
}

static void progress(struct run *r, const char *what, size_t done, size_t total)
{
	if (r->opts->progress)
		r->opts->progress(what, done, total, r->opts->payload);
}

/* A finding as an error (the first one; the rest counted in the hint). */
static int findings_error(const gm_findings *f, const char *what)
{
	const gm_finding *x = &f->v[0];
	gm_error_set_at(GM_EINVALID, x->path, x->line, 0, "%s", x->message);
	if (f->nr > 1)
		gm_error_hint("%s has %zu problems; 'git migrate verify' lists them all",
			      what, f->nr);
	return GM_EINVALID;
}

static bool is_sql(const char *name)
{
	size_t n = strlen(name);
	return n > 4 && !strcmp(name + n - 4, ".sql");
}

static gm_revision *local_named(gm_revision **v, size_t nr, const char *id)
{
	size_t i;
	for (i = 0; i < nr; i++)
		if (!strcmp(v[i]->id, id))
			return v[i];
	return NULL;
}

/* rebase: give a local revision one parent, `onto`, and say what it was. */
static void set_parent(struct run *r, const gm_chain *prod, const char *prod_head,
		       gm_revision *rev, const char *onto)
{
	gm_buf from = GM_BUF_INIT;
	size_t p;

	for (p = 0; p < rev->parents_nr; p++) {
		gm_buf_printf(&from, "%s%s", p ? ", " : "", rev->parents[p]);
		if (gm_chain_find(prod, rev->parents[p]) && strcmp(rev->parents[p], prod_head)) {
			GM_ALLOC_GROW(r->forks, r->forks_nr + 1, r->forks_alloc);
			r->forks[r->forks_nr++] = gm_xstrdup(rev->parents[p]);
		}
		free(rev->parents[p]);
	}
	rev->parents[0] = gm_xstrdup(onto);
	rev->parents_nr = 1;
	GM_ALLOC_GROW(r->rechained, r->rechained_nr + 1, r->rechained_alloc);
	r->rechained[r->rechained_nr].rev = rev;
	r->rechained[r->rechained_nr].from = gm_buf_detach(&from);
	r->rechained_nr++;
}

/*
 * rebase: re-chain the local revisions v onto production's head, in memory. One line
 * hanging off one revision (a → b → c, or any graph with one local root and one local
 * head): only the root's production parent changes, the rest keep theirs. Several
 * local heads or roots: all of them in one line (gm_revisions_linearize: parents first,
 * then by created, then by file name), the first onto production's head and each
 * onto the one before it. A local revision whose parent is neither production's nor
 * local, or a local base, is left alone: the graph check names it.
 */
static void rechain(struct run *r, const gm_chain *prod, const char *prod_head,
		    gm_revision **v, size_t nr)
{
	const gm_revision **line = NULL;
	gm_revision *root = NULL;
	size_t i, k, p, roots = 0, heads = 0;

	if (!prod_head || !nr)
		return;
	for (i = 0; i < nr; i++) {
		bool local_parent = false, named = false;
		if (!v[i]->parents_nr)
			return;
		for (p = 0; p < v[i]->parents_nr; p++) {
			if (local_named(v, nr, v[i]->parents[p]))
				local_parent = true;
			else if (!gm_chain_find(prod, v[i]->parents[p]))
				return;
		}
		if (!local_parent) {
			roots++;
			root = v[i];
		}
		for (k = 0; k < nr && !named; k++)
			for (p = 0; p < v[k]->parents_nr; p++)
				if (!strcmp(v[k]->parents[p], v[i]->id))
					named = true;
		if (!named)
			heads++;
	}
	if (roots == 1 && heads == 1) {
		for (p = 0; p < root->parents_nr; p++)
			if (strcmp(root->parents[p], prod_head)) {
				set_parent(r, prod, prod_head, root, prod_head);
				break;
			}
		return;
	}
	line = gm_xmalloc(nr * sizeof(*line));
	for (i = 0; i < nr; i++)
		line[i] = v[i];
	if (gm_revisions_linearize(line, nr) < 0) {
		gm_error_clear(); /* a cycle: the graph check names it */
		free(line);
		return;
	}
	for (i = 0; i < nr; i++) {
		gm_revision *rev = local_named(v, nr, line[i]->id);
		const char *onto = i ? line[i - 1]->id : prod_head;
		if (rev->parents_nr != 1 || strcmp(rev->parents[0], onto))
			set_parent(r, prod, prod_head, rev, onto);
	}
	r->linearized = true;
	free(line);
}

/* Step 2 and 3: production's chain from git objects, the worktree's local revisions. */
static int read_chains(struct run *r)
{
	gm_files prod_files = GM_FILES_INIT, wt_files = GM_FILES_INIT;
	gm_findings findings = GM_FINDINGS_INIT;
	gm_chain *prod = NULL, *wt = NULL;
	const gm_revision *const *heads;
	const char *prod_head = NULL;
	gm_revision **locals = NULL;  /* rebase: the local revisions, until re-chained */
	size_t i, nr, locals_nr = 0, locals_alloc = 0;
	int error;

	if ((error = gm_repo_resolve(r->prod_oid, NULL, r->repo, r->production)) < 0) {
		gm_error_hint("the production branch holds the migrations history; create it "
			      "or pass --production <ref>");
		goto done;
	}
	if ((error = gm_repo_read_tree_dir(&prod_files, r->repo, r->prod_oid,
					   r->cfg->migrations)) < 0)
		goto done;
	if ((error = gm_chain_load(&prod, &findings, &prod_files)) < 0)
		goto done;
	if (findings.nr) {
		error = findings_error(&findings, "production's chain");
		gm_error_prefix("production ('%s')", r->production);
		goto done;
	}
	heads = gm_chain_heads(prod, &nr);
	if (nr)
		prod_head = heads[0]->id;

	if (r->local_rev) {
		char oid[GM_OID_HEXSZ + 1];
		if ((error = gm_repo_resolve(oid, NULL, r->repo, r->local_rev)) < 0 ||
		    (error = gm_repo_read_tree_dir(&wt_files, r->repo, oid,
						   r->cfg->migrations)) < 0)
			goto done;
	} else if ((error = gm_repo_read_worktree_dir(&wt_files, r->repo,
						      r->cfg->migrations)) < 0) {
		goto done;
	}
	if ((error = gm_chain_load(&wt, &findings, &wt_files)) < 0)
		goto done;
	/* Graph problems are checked on the combined chain below, after a local revision
	 * hanging off an older production revision has been named (or re-chained). */
	if (gm_findings_count(&findings, "parse")) {
		error = findings_error(&findings, "the worktree's chain");
		goto done;
	}
	gm_findings_release(&findings);

	/* The combined chain: production's revisions as git has them, then local ones. */
	gm_chain_new(&r->chain);
	for (i = 0; i < prod_files.nr; i++) {
		gm_revision *rev;
		const gm_file *f = &prod_files.v[i];
		if (!is_sql(f->name))
			continue;
		if ((error = gm_revision_parse(&rev, f->path, f->data, f->len)) < 0)
			goto done;
		memcpy(rev->checksum, f->oid, sizeof(rev->checksum));
		gm_chain_add(r->chain, rev);
	}
	for (i = 0; i < wt_files.nr; i++) {
		gm_revision *rev;
		const gm_file *f = &wt_files.v[i];
		if (!is_sql(f->name))
			continue;
		if ((error = gm_revision_parse(&rev, f->path, f->data, f->len)) < 0)
			goto done;
		if (gm_chain_find(prod, rev->id)) {
			gm_revision_free(rev);
			continue;
		}
		memcpy(rev->checksum, f->oid, sizeof(rev->checksum));
		r->local_nr++;
		if (r->rebase) {
			GM_ALLOC_GROW(locals, locals_nr + 1, locals_alloc);
			locals[locals_nr++] = rev;
			continue;
		}
		/* A local revision must not hang off an older production revision. */
		for (size_t k = 0; k < rev->parents_nr; k++) {
			if (!gm_chain_find(prod, rev->parents[k]) || !prod_head ||
			    !strcmp(rev->parents[k], prod_head))
				continue;
			error = gm_error_set_at(GM_ECHECK, f->path, rev->parents_line, 0,
						"local revision '%s' chains onto production "
						"revision '%s', but production's head is now '%s'",
						rev->id, rev->parents[k], prod_head);
			gm_error_hint("git migrate rebase");
			gm_revision_free(rev);
			goto done;
		}
		gm_chain_add(r->chain, rev);
	}
	if (r->rebase) {
		rechain(r, prod, prod_head, locals, locals_nr);
		for (i = 0; i < locals_nr; i++)
			gm_chain_add(r->chain, locals[i]);
		locals_nr = 0;
	}

	gm_chain_check(r->chain, &findings);
	if (findings.nr) {
		error = findings_error(&findings, "the chain");
		goto done;
	}
	if ((error = gm_chain_order(&r->order, &r->order_nr, r->chain)) < 0)
		goto done;
	r->prod_nr = gm_chain_count(prod);
	heads = gm_chain_heads(r->chain, &nr);
	r->parent = nr ? heads[0]->id : NULL;

done:
	for (i = 0; i < locals_nr; i++)
		gm_revision_free(locals[i]);
	free(locals);
	gm_chain_free(prod);
	gm_chain_free(wt);
	gm_findings_release(&findings);
	gm_files_release(&prod_files);
	gm_files_release(&wt_files);
	return error;
}

/* Step 4: replay every revision's up section on the scratch database. */
static int replay(struct run *r)
{
	gm_conn *conn = gm_scratch_conn(r->scratch);
	size_t i;
	int error = 0;

	for (i = 0; i < r->order_nr; i++) {
		const gm_revision *rev = r->order[i];
		progress(r, "replaying revisions", i, r->order_nr);
		if ((error = interrupted()) < 0)
			return error;
		if ((error = gm_db_apply_section(conn, &rev->up, rev->transaction,
						 rev->path)) < 0) {
			if (error != GM_EINTERRUPTED)
				gm_error_prefix("replaying revision '%s'%s", rev->id,
						i < r->prod_nr ? " (production)" : "");
			return error;
		}
	}
	progress(r, "replaying revisions", r->order_nr, r->order_nr);
	return 0;
}

/* Copy rename hints and origins from the models onto the effective desired schema. */
static void carry_hints(gm_schema *dst, const gm_schema *models)
{
	size_t i, k;
	for (i = 0; i < dst->tables_nr; i++) {
		gm_table *t = dst->tables[i];
		const gm_table *m = gm_schema_table(models, t->name);
		if (!m)
			continue;
		gm_set_str(&t->was, m->was);
		gm_set_str(&t->origin, m->origin);
		for (k = 0; k < t->columns_nr; k++) {
			const gm_column *mc = gm_table_column(m, t->columns[k]->name);
			if (!mc)
				continue;
			gm_set_str(&t->columns[k]->was, mc->was);
			gm_set_str(&t->columns[k]->origin, mc->origin);
			gm_set_str(&t->columns[k]->enum_name, mc->enum_name);
		}
	}
	for (i = 0; i < dst->enums_nr; i++) {
		const gm_enum *m = gm_schema_enum(models, dst->enums[i]->name);
		if (m) {
			gm_set_str(&dst->enums[i]->was, m->was);
			gm_set_str(&dst->enums[i]->origin, m->origin);
		}
	}
}

/*
 * Step 7: the models, and what a database makes of them. The models are planned from an
 * empty schema and applied to a second scratch database, which is then inspected: the
 * desired schema is spelled exactly as the database spells it (check expressions,
 * defaults), so the diff compares like with like.
 */
static int load_desired(struct run *r)
{
	gm_schema *empty = NULL;
	gm_changes ch = GM_CHANGES_INIT;
	gm_plan plan = GM_PLAN_INIT;
	gm_buf sql = GM_BUF_INIT;
	gm_scratch *s = NULL;
	gm_conn *conn;
	const gm_dialect *d = r->server->dialect;
	int error;

	if ((error = gm_models_load(&r->models, r->cfg, r->server)) < 0)
		goto done;
	d->normalize(r->models);
	gm_schema_new(&empty);
	if ((error = gm_diff(&ch, empty, r->models, 0)) < 0 ||
	    (error = d->plan(&plan, &ch)) < 0)
		goto done;
	gm_plan_render(&sql, &plan);
	if ((error = gm_scratch_create(&s, r->server)) < 0)
		goto done;
	conn = gm_scratch_conn(s);
	if ((error = d->begin(conn)) < 0)
		goto done;
	if ((error = d->exec(conn, sql.ptr, "models", 1)) < 0) {
		d->rollback(conn);
		gm_error_prefix("the models do not apply to an empty %s database", d->name);
		goto done;
	}
	if ((error = d->commit(conn)) < 0)
		goto done;
	if ((error = d->inspect(&r->desired, conn, r->cfg->version_table)) < 0)
		goto done;
	carry_hints(r->desired, r->models);

done:
	gm_scratch_drop(s);
	gm_buf_release(&sql);
	gm_plan_release(&plan);
	gm_changes_release(&ch);
	gm_schema_free(empty);
	return error;
}

/*
 * A section of the new revision failed on the scratch database: say why in the user's
 * terms when the rows are the cause (which table, column, values, how many rows), else
 * pass the database's message on. Nothing is written either way: GM_ECHECK.
 */
/*
 * Models that declare no table while the replayed schema has tables would plan a drop of
 * every table: far likelier a broken model source than an intent. Refused (GM_EINVALID)
 * unless opts->allow_empty_models.
 */
static int refuse_empty_models(struct run *r)
{
	if (r->desired->tables_nr || !r->current->tables_nr || r->opts->allow_empty_models)
		return 0;
	gm_error_set(GM_EINVALID, "the models declare no table, but the replayed schema has "
		     "%zu; refusing to plan a drop of every table", r->current->tables_nr);
	gm_error_hint("check the 'models:' sources, or pass --allow-empty-models to drop them all");
	return GM_EINVALID;
}

static int explain_failure(struct run *r, bool up, const char *step)
{
	gm_buf why = GM_BUF_INIT, hint = GM_BUF_INIT, dbmsg = GM_BUF_INIT;
	const gm_error *e = gm_error_last();
	int found;

	/* The file does not exist (nothing is written): point at the line in the revision. */
	if (e->line)
		gm_buf_printf(&dbmsg, "at line %d of the new revision: ", e->line);
	gm_buf_puts(&dbmsg, e->message);
	found = gm_diagnose(&why, &hint, gm_scratch_conn(r->scratch), up ? &r->up : &r->down);
	if (found > 0) {
		while (why.len && why.ptr[why.len - 1] == '\n')
			gm_buf_truncate(&why, why.len - 1);
		gm_error_set(GM_ECHECK, "the new revision's %s fails on the rows in the scratch "
			     "database", !up ? "down section" : strcmp(step, "up") ?
			     "up section (applied again after down)" : "up section");
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
	gm_conn *conn = gm_scratch_conn(r->scratch);
	gm_schema *got = NULL;
	gm_buf fw = GM_BUF_INIT, fg = GM_BUF_INIT, delta = GM_BUF_INIT;
	int error;

	if ((error = interrupted()) < 0)
		return error;
	if ((error = gm_db_apply_section(conn, up ? &rev->up : &rev->down, rev->transaction,
					 rev->path)) < 0) {
		if (error != GM_EINTERRUPTED)
			error = explain_failure(r, up, step);
		return error;
	}
	if ((error = conn->dialect->inspect(&got, conn, r->cfg->version_table)) < 0)
		return error;
	gm_schema_fingerprint(&fw, want);
	gm_schema_fingerprint(&fg, got);
	if (strcmp(fw.ptr, fg.ptr)) {
		gm_fingerprint_delta(&delta, fw.ptr, fg.ptr, 6);
		error = gm_error_set(GM_ECHECK,
				     "verifying the new revision (%s): the schema is not the "
				     "expected one", step);
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

static void push_line(char ***v, size_t *nr, size_t *alloc, const char *s, size_t n)
{
	size_t i;
	char *line = gm_xstrndup(s, n);
	for (i = 0; i < *nr; i++)
		if (!strcmp((*v)[i], line)) {
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
		if (gm_count_rows(&n, gm_scratch_conn(r->scratch), name.ptr,
				  dot ? dot + 1 : NULL) < 0) {
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

static bool in_list(char *const *v, size_t n, const char *s)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

static void fill_summary(struct run *r, gm_prepare_result *out)
{
	gm_buf b = GM_BUF_INIT;
	const char *p;
	size_t i;

	gm_changes_describe(&b, &r->up);
	for (p = b.ptr; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (n)
			push_line(&out->summary, &out->summary_nr, &out->summary_alloc, p, n);
		p += n + (nl ? 1 : 0);
	}
	for (i = 0; i < r->up_plan.nr; i++) {
		const gm_stmt *st = &r->up_plan.v[i];
		const char *subj = st->subject ? st->subject : "?";
		bool column = strchr(subj, '.') != NULL;
		long n;

		if (!st->subject || !(st->flags & (GM_STMT_DATA_LOSS | GM_STMT_REBUILD |
						   GM_STMT_ENUM_SWAP | GM_STMT_REWRITE)))
			continue;
		n = subject_rows(r, subj);
		gm_buf_clear(&b);
		if (st->flags & GM_STMT_DATA_LOSS) {
			gm_buf_printf(&b, "drops %s %s", column ? "column" : "table", subj);
			if (n > 0)
				gm_buf_printf(&b, " holding data in %ld row%s", n, n == 1 ? "" : "s");
		} else if (st->flags & GM_STMT_REBUILD) {
			gm_buf_printf(&b, "table rebuild of %s", subj);
			if (n >= 0)
				gm_buf_printf(&b, " (%ld row%s copied)", n, n == 1 ? "" : "s");
		} else if (st->flags & (GM_STMT_ENUM_SWAP | GM_STMT_REWRITE)) {
			gm_buf_printf(&b, "%s %s", st->flags & GM_STMT_ENUM_SWAP ?
				      "enum swap rewrites" : "rewrites", subj);
			if (n >= 0)
				gm_buf_printf(&b, " (%ld row%s)", n, n == 1 ? "" : "s");
		} else {
			continue;
		}
		push_line(&out->warnings, &out->warnings_nr, &out->warnings_alloc, b.ptr,
			  b.len);
	}
	for (i = 0; r->models && i < r->models->unsupported_nr; i++) {
		/* in the database too: the "left alone" line below names it once */
		if (r->current && in_list(r->current->unsupported, r->current->unsupported_nr,
					  r->models->unsupported[i]))
			continue;
		gm_buf_clear(&b);
		gm_buf_printf(&b, "not covered by the schema model, left out: %s",
			      r->models->unsupported[i]);
		push_line(&out->warnings, &out->warnings_nr, &out->warnings_alloc, b.ptr,
			  b.len);
	}
	for (i = 0; r->current && i < r->current->unsupported_nr; i++) {
		gm_buf_clear(&b);
		gm_buf_printf(&b, "not covered by the schema model, left alone: %s",
			      r->current->unsupported[i]);
		push_line(&out->warnings, &out->warnings_nr, &out->warnings_alloc, b.ptr,
			  b.len);
	}
	gm_buf_release(&b);
}

/* Step 9 (and the revision text): plan both directions, format the file. */
static int plan_revision(struct run *r, gm_revision **rev_out)
{
	const gm_dialect *d = r->server->dialect;
	gm_revision *rev = NULL, draft;
	gm_sql_part up_part = { NULL, 0 }, down_part = { NULL, 0 };
	gm_buf slug = GM_BUF_INIT, path = GM_BUF_INIT;
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	int error;

	*rev_out = NULL;
	if ((error = d->plan(&r->up_plan, &r->up)) < 0)
		return error;
	if ((error = gm_diff(&r->down, r->desired, r->current, GM_DIFF_REVERSE)) < 0 ||
	    (error = d->plan(&r->down_plan, &r->down)) < 0)
		return error;
	gm_plan_render(&r->up_sql, &r->up_plan);
	gm_plan_render(&r->down_sql, &r->down_plan);

	memset(&draft, 0, sizeof(draft));
	gm_revision_new_id(r->id);
	r->message = r->opts->message ? gm_xstrdup(r->opts->message) : default_message(&r->up);
	for (char *m = r->message; *m; m++) /* one line, as the header will hold it */
		if ((unsigned char)*m < 0x20 || *m == 0x7f)
			*m = ' ';
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);

	draft.id = r->id;
	if (r->parent)
		draft.parents[draft.parents_nr++] = (char *)r->parent;
	draft.message = r->message;
	draft.created = stamp;
	draft.transaction = true;
	draft.up.present = draft.down.present = true;
	draft.up.parts = &up_part;
	draft.up.parts_nr = 1;
	draft.down.parts = &down_part;
	draft.down.parts_nr = 1;
	up_part.sql = r->up_sql.ptr;
	down_part.sql = r->down_sql.ptr;
	/* The text comes from revision.c alone; parsing it back splits the sections at the
	 * planner's "-- +migrate commit" lines and proves the file reads as written. */
	gm_revision_format(&r->text, &draft);

	gm_revision_slug(&slug, r->message);
	gm_buf_printf(&path, "%s/%s_%s.sql", r->cfg->migrations, r->id, slug.ptr);
	error = gm_revision_parse(&rev, path.ptr, r->text.ptr, r->text.len);
	if (error < 0)
		gm_error_prefix("the generated revision does not parse (a bug)");
	gm_buf_release(&slug);
	gm_buf_release(&path);
	*rev_out = rev;
	return error;
}

/* Step 11: write the file atomically (never over an existing file). */
static int write_revision(struct run *r, const gm_revision *rev)
{
	gm_buf dir = GM_BUF_INIT, dst = GM_BUF_INIT;
	int error;

	gm_buf_printf(&dir, "%s/%s", r->cfg->root, r->cfg->migrations);
	gm_buf_printf(&dst, "%s/%s", r->cfg->root, rev->path);
	if ((error = gm_mkdirs(dir.ptr)) == 0 && (error = interrupted()) == 0)
		error = gm_file_write_atomic(dst.ptr, r->text.ptr, r->text.len, false);
	gm_buf_release(&dir);
	gm_buf_release(&dst);
	return error;
}

static void run_release(struct run *r)
{
	gm_fixtures_report_release(&r->fixtures);
	gm_scratch_drop(r->scratch);
	gm_plan_release(&r->up_plan);
	gm_plan_release(&r->down_plan);
	gm_changes_release(&r->up);
	gm_changes_release(&r->down);
	gm_schema_free(r->current);
	gm_schema_free(r->desired);
	gm_schema_free(r->models);
	free(r->order);
	gm_chain_free(r->chain);
	gm_url_free(r->server);
	gm_buf_release(&r->up_sql);
	gm_buf_release(&r->down_sql);
	gm_buf_release(&r->text);
	free(r->message);
	for (size_t i = 0; i < r->rechained_nr; i++)
		free(r->rechained[i].from);
	free(r->rechained);
	for (size_t i = 0; i < r->forks_nr; i++)
		free(r->forks[i]);
	free(r->forks);
	for (size_t i = 0; r->touched && i < r->order_nr; i++)
		gm_touched_free(r->touched[i]);
	free(r->touched);
	free(r->newer);
}

/* The scratch server: `scratch:` or, when unset, the target database's own server. */
static int scratch_server(gm_url **out, const gm_config *cfg)
{
	const char *s = cfg->scratch;
	gm_url *db = NULL;

	if (!s) {
		s = "sqlite";
		if (cfg->database && gm_url_parse(&db, cfg->database, cfg->root) == 0 &&
		    db->conninfo)
			s = cfg->database;
		gm_url_free(db);
		gm_error_clear();
	}
	return gm_url_parse(out, s, cfg->root);
}

static void run_init(struct run *r, gm_repo *repo, const gm_config *cfg,
		     const gm_prepare_opts *opts, const char *production)
{
	static const gm_prepare_opts defaults = GM_PREPARE_OPTS_INIT;

	memset(r, 0, sizeof(*r));
	gm_buf_init(&r->up_sql);
	gm_buf_init(&r->down_sql);
	gm_buf_init(&r->text);
	r->repo = repo;
	r->cfg = cfg;
	r->opts = opts ? opts : &defaults;
	r->production = production ? production : cfg->production;
	gm_signals_install();
}

static int inspect_scratch(gm_schema **out, struct run *r)
{
	int error = interrupted();
	if (error < 0)
		return error;
	return r->server->dialect->inspect(out, gm_scratch_conn(r->scratch),
					   r->cfg->version_table);
}

/*
 * Step 5: the fixtures, into the replayed database (whose inspected schema gives the
 * foreign-key order). A fixture that does not fit is bad input (exit 2), named by file
 * and line.
 */
static int load_fixtures(struct run *r, const gm_schema *schema)
{
	int error;

	if (r->opts->no_fixtures || r->fixtures_loaded)
		return 0;
	error = gm_fixtures_load_config(&r->fixtures, r->repo, r->cfg, r->prod_oid,
					gm_scratch_conn(r->scratch), schema, r->opts->progress,
					r->opts->payload);
	if (error < 0 && error != GM_EINTERRUPTED)
		gm_error_prefix("loading fixtures");
	r->fixtures_loaded = error == 0;
	return error;
}

/* Rows of every fixture table that `want` still has (the rows a round trip must keep). */
static void fixture_counts(struct run *r, const gm_schema *want, size_t *counts)
{
	size_t i;
	for (i = 0; i < r->fixtures.nr; i++) {
		counts[i] = (size_t)-1;
		if (gm_schema_table(want, r->fixtures.v[i].table) &&
		    gm_count_rows(&counts[i], gm_scratch_conn(r->scratch),
				  r->fixtures.v[i].table, NULL) < 0) {
			gm_error_clear();
			counts[i] = (size_t)-1;
		}
	}
}

/* A note for the summary (printed as information, not as a warning). */
static void add_note(gm_prepare_result *out, const char *text)
{
	push_line(&out->notes, &out->notes_nr, &out->notes_alloc, text, strlen(text));
}

/* Record how long a phase took (since *t0) and restart the clock. */
static void phase(gm_prepare_result *out, const char *name, struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (out->phases_nr < GM_PHASES_MAX) {
		out->phases[out->phases_nr].name = name;
		out->phases[out->phases_nr].seconds =
			(double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
		out->phases_nr++;
	}
	*t0 = t1;
}

int gm_prepare(gm_prepare_result *out, gm_repo *repo, const gm_config *cfg,
	       const gm_prepare_opts *opts)
{
	struct run r;
	struct timespec t0;
	gm_revision *rev = NULL;
	size_t *counts_before = NULL, *counts_after = NULL;
	gm_lock *lock = NULL;
	bool defer_fixtures;
	int error;

	memset(out, 0, sizeof(*out));
	run_init(&r, repo, cfg, opts, opts ? opts->production : NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* one prepare per worktree at a time, each reading the chains the last one left */
	if (!r.opts->diff_only &&
	    (error = gm_lock_worktree(&lock, repo, cfg, r.opts->no_wait, r.opts->wait,
				      r.opts->payload)) < 0)
		goto done;
	if ((error = read_chains(&r)) < 0)
		goto done;
	phase(out, "read", &t0);
	if ((error = scratch_server(&r.server, cfg)) < 0 ||
	    (error = gm_scratch_create(&r.scratch, r.server)) < 0 ||
	    (error = replay(&r)) < 0)
		goto done;
	out->replayed = r.order_nr;
	phase(out, "replay", &t0);
	if ((error = inspect_scratch(&r.current, &r)) < 0)
		goto done;
	phase(out, "inspect", &t0);
	/* Production's chain creates no table yet (the project's first revision): the
	 * fixtures cannot go in before the new revision's up section, so they are loaded
	 * after it, for the verification of down and up again. */
	defer_fixtures = r.current->tables_nr == 0;
	if (!r.opts->diff_only && !defer_fixtures) {
		if ((error = load_fixtures(&r, r.current)) < 0)
			goto done;
		out->fixture_rows = r.fixtures.rows;
		out->fixture_files = r.fixtures.files + r.fixtures.sql_files;
		phase(out, "fixtures", &t0);
	}
	if ((error = load_desired(&r)) < 0 || (error = refuse_empty_models(&r)) < 0)
		goto done;
	phase(out, "models", &t0);
	if ((error = gm_diff(&r.up, r.current, r.desired, 0)) < 0)
		goto done;
	if (!r.up.nr) {
		out->no_changes = true;
		fill_summary(&r, out);
		phase(out, "diff", &t0);
		goto done;
	}
	if ((error = plan_revision(&r, &rev)) < 0)
		goto done;
	fill_summary(&r, out);
	out->up_sql = gm_xstrdup(r.up_sql.ptr);
	out->down_sql = gm_xstrdup(r.down_sql.ptr);
	out->id = gm_xstrdup(r.id);
	out->parent = gm_xstrdup(r.parent ? r.parent : "");
	phase(out, "diff+plan", &t0);
	if (r.opts->diff_only)
		goto done;

	/* Step 10: up, down, up again on the replayed database, with the fixtures in it:
	 * the rows of every table that stays must all still be there afterwards. */
	if ((error = verify_step(&r, rev, true, r.desired, "up")) < 0)
		goto done;
	if (defer_fixtures && !r.opts->no_fixtures) {
		if ((error = load_fixtures(&r, r.desired)) < 0)
			goto done;
		out->fixture_rows = r.fixtures.rows;
		out->fixture_files = r.fixtures.files + r.fixtures.sql_files;
		if (r.fixtures.exists && out->fixture_files)
			add_note(out, "the fixtures were loaded after the up section (production's "
				 "chain creates no table yet); down then drops their tables, so the "
				 "round trip checked the schema, not the rows");
	}
	counts_before = gm_xcalloc(r.fixtures.nr + 1, sizeof(*counts_before));
	counts_after = gm_xcalloc(r.fixtures.nr + 1, sizeof(*counts_after));
	fixture_counts(&r, r.desired, counts_before);
	if ((error = verify_step(&r, rev, false, r.current, "down")) < 0 ||
	    (error = verify_step(&r, rev, true, r.desired, "up again")) < 0)
		goto done;
	fixture_counts(&r, r.desired, counts_after);
	for (size_t i = 0; i < r.fixtures.nr && !defer_fixtures; i++) {
		if (counts_before[i] == counts_after[i])
			continue;
		error = gm_error_set(GM_ECHECK, "the new revision loses rows: %s had %zu "
				     "rows before up, down and up again, and %zu after",
				     r.fixtures.v[i].table, counts_before[i], counts_after[i]);
		gm_error_hint("check the down section: it must keep what up keeps");
		goto done;
	}
	phase(out, "verify", &t0);
	if (r.opts->dry_run)
		goto done;
	if ((error = write_revision(&r, rev)) < 0)
		goto done;
	out->path = gm_xstrdup(rev->path);
	phase(out, "write", &t0);

done:
	free(counts_before);
	free(counts_after);
	gm_revision_free(rev);
	run_release(&r);
	gm_lock_release(lock);
	if (error < 0)
		gm_prepare_result_release(out);
	return error;
}

static void free_strv(char **v, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void gm_prepare_result_release(gm_prepare_result *res)
{
	free(res->path);
	free(res->id);
	free(res->parent);
	free(res->up_sql);
	free(res->down_sql);
	free_strv(res->summary, res->summary_nr);
	free_strv(res->warnings, res->warnings_nr);
	free_strv(res->notes, res->notes_nr);
	memset(res, 0, sizeof(*res));
}

/* Lines joined with "; " (a finding is one line). */
static void one_line(gm_buf *b)
{
	gm_buf out = GM_BUF_INIT;
	const char *p = b->ptr;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (n)
			gm_buf_printf(&out, "%s%.*s", out.len ? "; " : "", (int)n, p);
		p += n + (nl ? 1 : 0);
	}
	gm_buf_release(b);
	*b = out;
}

/* A schema's fingerprint, as a caller-owned string. */
static char *fingerprint(const gm_schema *s)
{
	gm_buf b = GM_BUF_INIT;
	gm_schema_fingerprint(&b, s);
	return gm_buf_detach(&b);
}

/* The scratch database's fingerprint, as a caller-owned string. */
static int fingerprint_of(char **out, struct run *r)
{
	gm_schema *s = NULL;
	int error;

	*out = NULL;
	if ((error = inspect_scratch(&s, r)) < 0)
		return error;
	*out = fingerprint(s);
	gm_schema_free(s);
	return 0;
}

/* An error as a finding of the replay check (at its location when it has one). */
static void error_finding(gm_findings *f, const char *fallback_path)
{
	const gm_error *e = gm_error_last();
	if (e->hint)
		gm_findings_add(f, "replay", e->path ? e->path : fallback_path, e->line,
				"%s (hint: %s)", e->message, e->hint);
	else
		gm_findings_add(f, "replay", e->path ? e->path : fallback_path, e->line, "%s",
				e->message);
}

/*
 * One local revision's round trip: down must restore the schema from before its up, and
 * up again the schema after it (the inspected schemas `before` and `after`). An
 * irreversible revision (no down section) is skipped: its author said so.
 */
static int round_trip(gm_findings *f, struct run *r, const gm_revision *rev,
		      const gm_schema *before_s, const gm_schema *after_s)
{
	gm_conn *conn = gm_scratch_conn(r->scratch);
	char *before = NULL, *after = NULL, *down = NULL, *again = NULL;
	int error;

	if (!rev->down.present)
		return 0;
	before = fingerprint(before_s);
	after = fingerprint(after_s);
	if ((error = gm_db_apply_section(conn, &rev->down, rev->transaction, rev->path)) < 0) {
		if (error == GM_EINTERRUPTED)
			goto done;
		gm_error_prefix("down section of '%s'", rev->id);
		error_finding(f, rev->path);
		error = GM_ITEROVER;
		goto done;
	}
	if ((error = fingerprint_of(&down, r)) < 0)
		goto done;
	if (strcmp(down, before)) {
		gm_buf d = GM_BUF_INIT;
		gm_fingerprint_delta(&d, before, down, 3);
		one_line(&d);
		gm_findings_add(f, "replay", rev->path, rev->down.line,
				"down section of '%s' does not restore the schema from before "
				"its up section (%s)", rev->id, d.ptr);
		gm_buf_release(&d);
		error = GM_ITEROVER;
		goto done;
	}
	if ((error = gm_db_apply_section(conn, &rev->up, rev->transaction, rev->path)) < 0) {
		if (error == GM_EINTERRUPTED)
			goto done;
		gm_error_prefix("up section of '%s' after its down section", rev->id);
		error_finding(f, rev->path);
		error = GM_ITEROVER;
		goto done;
	}
	if ((error = fingerprint_of(&again, r)) < 0)
		goto done;
	if (strcmp(again, after)) {
		gm_findings_add(f, "replay", rev->path, rev->up.line,
				"up section of '%s' gives another schema the second time", rev->id);
		error = GM_ITEROVER;
	}
done:
	free(before);
	free(after);
	free(down);
	free(again);
	return error;
}

/* The fixtures, on the database as it is now (after production's chain). */
static int load_fixtures_now(struct run *r)
{
	gm_schema *s = NULL;
	int error;

	if (r->opts->no_fixtures || r->fixtures_loaded)
		return 0;
	if ((error = inspect_scratch(&s, r)) == 0)
		error = load_fixtures(r, s);
	gm_schema_free(s);
	return error;
}

/* ---- semantic conflicts ------------------------------------------------ */

/* Flag r->order[i] (a production revision) as newer than the branch's fork. */
static void mark_newer(struct run *r, size_t i)
{
	if (!r->newer) {
		r->newer = gm_xcalloc(r->order_nr, sizeof(*r->newer));
		r->touched = gm_xcalloc(r->order_nr, sizeof(*r->touched));
	}
	if (!r->newer[i]) {
		r->newer[i] = true;
		r->newer_nr++;
	}
}

/*
 * rebase: production's revisions newer than the fork are those that are not an
 * ancestor of (or) an older production revision a local one hung off.
 */
static void newer_than_forks(struct run *r)
{
	size_t i, k;

	for (i = 0; i < r->prod_nr; i++)
		for (k = 0; k < r->forks_nr; k++)
			if (!gm_chain_descends(r->chain, r->forks[k], r->order[i]->id)) {
				mark_newer(r, i);
				break;
			}
}

static int cmp_file_name(const void *key, const void *elem)
{
	return strcmp((const char *)key, ((const gm_file *)elem)->name);
}

/* True when commit `oid` holds the file `path`. */
static bool in_commit(struct run *r, const char *oid, const char *path)
{
	gm_file f;
	bool found;

	memset(&f, 0, sizeof(f));
	found = gm_repo_read_tree_file(&f, r->repo, oid, path) == 0;
	gm_file_release(&f);
	gm_error_clear();
	return found;
}

/*
 * verify --replay: the local revisions chain onto production's head already, so the
 * fork is found in git: where the checked commit (HEAD, or --rev) forked from production
 * for the file of its first local revision (gm_repo_fork_point: a merge of production
 * made after that file was written does not count; during a merge whose HEAD lacks the
 * file, MERGE_HEAD's). Production's revisions whose files the fork commit's migrations
 * directory lacks are newer than the fork. No fork point
 * (unrelated histories, a shallow clone, an unborn HEAD): nothing is newer, no semantic
 * check.
 */
static void newer_than_git_fork(struct run *r)
{
	char head[GM_OID_HEXSZ + 1], merge[GM_OID_HEXSZ + 1], fork[GM_OID_HEXSZ + 1];
	gm_files files = GM_FILES_INIT;
	size_t i;

	if (r->order_nr == r->prod_nr)
		return;
	if (gm_repo_resolve(head, NULL, r->repo, r->local_rev ? r->local_rev : "HEAD") < 0)
		goto none;
	/* a merge in progress (the pre-merge-commit hook on production): the local
	 * revisions come from the branch being merged, MERGE_HEAD, not from HEAD */
	if (!r->local_rev && !in_commit(r, head, r->order[r->prod_nr]->path) &&
	    gm_repo_resolve(merge, NULL, r->repo, "MERGE_HEAD") == 0)
		memcpy(head, merge, sizeof(head));
	gm_error_clear();
	if (gm_repo_fork_point(fork, r->repo, head, r->prod_oid,
			       r->order[r->prod_nr]->path) < 0 ||
	    (strcmp(fork, r->prod_oid) &&
	     gm_repo_list_tree_dir(&files, r->repo, fork, r->cfg->migrations) < 0))
		goto none;
	if (!strcmp(fork, r->prod_oid))
		goto done;
	for (i = 0; i < r->prod_nr; i++) {
		const char *path = r->order[i]->path, *slash = strrchr(path, '/');
		const char *name = slash ? slash + 1 : path;
		if (!bsearch(name, files.v, files.nr, sizeof(*files.v), cmp_file_name))
			mark_newer(r, i);
	}
	goto done;
none:
	gm_error_clear();
done:
	gm_files_release(&files);
}

/* What order[i] changed: the diff of the schemas before and after its up section. */
static void record_touched(struct run *r, size_t i, const gm_schema *before,
			   const gm_schema *after)
{
	gm_changes ch = GM_CHANGES_INIT;

	if (gm_diff(&ch, before, after, 0) < 0)
		gm_error_clear(); /* only contradictory rename hints fail; inspected have none */
	else
		gm_touched_new(&r->touched[i], &ch);
	gm_changes_release(&ch);
}

/* A warning for each local revision and newer production revision that share objects. */
static void report_conflicts(struct run *r, gm_findings *findings)
{
	size_t l, p;

	for (l = r->prod_nr; r->newer_nr && l < r->order_nr; l++)
		for (p = 0; p < r->prod_nr; p++)
			if (r->newer[p])
				gm_semantic_conflict(findings, r->order[p], r->touched[p],
						     r->order[l], r->touched[l]);
}

/*
 * Replay production's chain, then each local revision with its round trip, then (when
 * check_models) compare with the models. The chains must have been read. Problems are
 * findings; < 0 only when the check could not run. When production's revisions newer
 * than the branch's fork are flagged (r->newer), those and the local revisions are
 * inspected before and after their up sections (a local one is anyway, for its round
 * trip; the schema after one revision is the one before the next), and the objects both
 * sides changed are "semantic" warnings.
 */
static int replay_check(struct run *r, gm_findings *findings, bool check_models)
{
	gm_schema *before = NULL, *after = NULL;
	size_t i;
	int error = 0;

	if ((error = scratch_server(&r->server, r->cfg)) < 0 ||
	    (error = gm_scratch_create(&r->scratch, r->server)) < 0)
		goto fail;
	for (i = 0; i < r->order_nr; i++) {
		const gm_revision *rev = r->order[i];
		bool local = i >= r->prod_nr, watched = local || (r->newer && r->newer[i]);

		progress(r, "replaying revisions", i, r->order_nr);
		if ((error = interrupted()) < 0)
			goto done;
		if (i == r->prod_nr) {
			if ((error = load_fixtures_now(r)) < 0)
				goto fail;
			/* fixture SQL files may do anything: look again */
			gm_schema_free(before);
			before = NULL;
		}
		if (watched && !before && (error = inspect_scratch(&before, r)) < 0)
			goto fail;
		error = gm_db_apply_section(gm_scratch_conn(r->scratch), &rev->up,
					    rev->transaction, rev->path);
		if (error < 0) {
			if (error == GM_EINTERRUPTED)
				goto done;
			gm_error_prefix("revision '%s'%s does not apply", rev->id,
					i < r->prod_nr ? " (production)" : "");
			goto fail;
		}
		if (watched) {
			if ((error = inspect_scratch(&after, r)) < 0)
				goto fail;
			if (r->newer_nr)
				record_touched(r, i, before, after);
		}
		if (local) {
			error = round_trip(findings, r, rev, before, after);
			if (error == GM_ITEROVER) {
				error = 0;
				goto done;
			}
			if (error < 0)
				goto fail;
		}
		/* the schema after this revision (round trip or not) is the one before the next */
		gm_schema_free(before);
		before = after;
		after = NULL;
	}
	progress(r, "replaying revisions", r->order_nr, r->order_nr);
	if ((error = load_fixtures_now(r)) < 0)
		goto fail;
	if (!check_models)
		goto done;

	/* The models must have no change that no revision covers. */
	if ((error = inspect_scratch(&r->current, r)) < 0 || (error = load_desired(r)) < 0 ||
	    (error = gm_diff(&r->up, r->current, r->desired, 0)) < 0)
		goto fail;
	if (r->up.nr) {
		gm_buf b = GM_BUF_INIT;
		gm_changes_describe(&b, &r->up);
		one_line(&b);
		gm_findings_add(findings, "replay", NULL, 0,
				"the models have changes that no revision covers: %s "
				"(run 'git migrate prepare')", b.ptr);
		gm_buf_release(&b);
	}
	goto done;

fail:
	/* What stops the replay is a finding about the chain, not a failure to run —
	 * except an unreachable database or an interrupt, which mean we could not check. */
	if (error == GM_EDB && !gm_error_last()->path)
		goto done;
	if (error != GM_EINTERRUPTED && error != GM_EGIT) {
		error_finding(findings, NULL);
		error = 0;
	}
done:
	/* also when a revision failed: the overlap may be why */
	if (error == 0)
		report_conflicts(r, findings);
	gm_schema_free(before);
	gm_schema_free(after);
	return error;
}

int gm_verify_replay(gm_findings *findings, gm_repo *repo, const gm_config *cfg,
		     const gm_verify_opts *opts)
{
	static const gm_verify_opts none = GM_VERIFY_OPTS_INIT;
	const gm_verify_opts *o = opts ? opts : &none;
	struct run r;
	gm_lock *lock = NULL;
	int error;

	run_init(&r, repo, cfg, NULL, o->production);
	r.local_rev = o->rev;
	if ((error = gm_lock_worktree(&lock, repo, cfg, o->no_wait, o->wait, o->payload)) < 0)
		goto done;
	if ((error = read_chains(&r)) < 0) {
		if (error != GM_EINTERRUPTED && error != GM_EGIT) {
			error_finding(findings, NULL);
			error = 0;
		}
	} else {
		newer_than_git_fork(&r);
		error = replay_check(&r, findings, true);
	}
done:
	run_release(&r);
	gm_lock_release(lock);
	return error;
}

/* A re-chained revision's file, read again and rewritten in memory. */
struct rewrite {
	const gm_revision *rev;
	gm_buf path;                /* absolute */
	gm_buf text;                /* the new content */
	const gm_file *f;           /* the content read (and replayed) */
};

/*
 * Rewrite the re-chained revisions' down_revision lines in the worktree: only when each
 * file still holds what was read and replayed (its blob id, computed as when it was
 * read), through revision.c (the line found by the parser, nothing else changed), and
 * each atomically with the file's mode kept (gm_file_replace, which compares the
 * content once more just before the rename). Every new text is made before the first
 * file is replaced; when a later file cannot be replaced, those already rewritten are
 * put back (best effort) and the error names the file.
 */
static int write_rechained(struct run *r)
{
	gm_files files = GM_FILES_INIT;
	struct rewrite *w = gm_xcalloc(r->rechained_nr, sizeof(*w));
	size_t i, k;
	int error;

	for (i = 0; i < r->rechained_nr; i++) {
		w[i].rev = r->rechained[i].rev;
		gm_buf_init(&w[i].path);
		gm_buf_init(&w[i].text);
	}
	if ((error = gm_repo_read_worktree_dir(&files, r->repo, r->cfg->migrations)) < 0)
		goto done;
	for (i = 0; i < r->rechained_nr; i++) {
		const gm_revision *rev = w[i].rev;
		for (k = 0; k < files.nr && !w[i].f; k++)
			if (!strcmp(files.v[k].path, rev->path))
				w[i].f = &files.v[k];
		if (!w[i].f || strcmp(w[i].f->oid, rev->checksum)) {
			error = gm_error_set(GM_ERROR, "'%s' changed while rebasing, nothing "
					     "written", rev->path);
			gm_error_hint("run 'git migrate rebase' again");
			goto done;
		}
		if ((error = gm_revision_set_parents(&w[i].text, rev->path, w[i].f->data,
						     w[i].f->len, rev->parents,
						     rev->parents_nr)) < 0)
			goto done;
		gm_buf_printf(&w[i].path, "%s/%s", r->cfg->root, rev->path);
	}
	for (i = 0; i < r->rechained_nr; i++)
		if ((error = gm_file_replace(w[i].path.ptr, w[i].text.ptr, w[i].text.len,
					     w[i].f->data, w[i].f->len)) < 0)
			break;
	if (error < 0 && i > 0) {
		/* put back what was rewritten: the rebase is all or nothing */
		gm_error_prefix("'%s' (the revisions rewritten before it were restored)",
				w[i].rev->path);
		for (k = 0; k < i; k++)
			if (gm_file_replace(w[k].path.ptr, w[k].f->data, w[k].f->len,
					    w[k].text.ptr, w[k].text.len) < 0)
				break;
	}
done:
	for (i = 0; i < r->rechained_nr; i++) {
		gm_buf_release(&w[i].path);
		gm_buf_release(&w[i].text);
	}
	free(w);
	gm_files_release(&files);
	return error;
}

int gm_rebase(gm_rebase_result *out, gm_findings *findings, gm_repo *repo,
	      const gm_config *cfg, const gm_rebase_opts *opts)
{
	gm_prepare_opts popts = GM_PREPARE_OPTS_INIT;
	struct run r;
	gm_lock *lock = NULL;
	size_t i;
	int error;

	memset(out, 0, sizeof(*out));
	if (opts) {
		popts.progress = opts->progress;
		popts.payload = opts->payload;
		popts.no_wait = opts->no_wait;
		popts.wait = opts->wait;
	}
	run_init(&r, repo, cfg, &popts, opts ? opts->production : NULL);
	r.rebase = true;
	if ((error = gm_lock_worktree(&lock, repo, cfg, popts.no_wait, popts.wait,
				      popts.payload)) < 0)
		goto done;
	if ((error = read_chains(&r)) < 0 || !r.rechained_nr)
		goto done;
	out->items = gm_xcalloc(r.rechained_nr, sizeof(*out->items));
	for (i = 0; i < r.rechained_nr; i++) {
		const gm_revision *rev = r.rechained[i].rev;
		out->items[i].id = gm_xstrdup(rev->id);
		out->items[i].path = gm_xstrdup(rev->path);
		out->items[i].from = gm_xstrdup(r.rechained[i].from);
		out->items[i].onto = gm_xstrdup(rev->parents[0]);
	}
	out->items_nr = r.rechained_nr;
	out->id = gm_xstrdup(out->items[0].id);
	out->path = gm_xstrdup(out->items[0].path);
	out->from = gm_xstrdup(out->items[0].from);
	out->onto = gm_xstrdup(out->items[0].onto);
	out->linearized = r.linearized;
	out->local_nr = r.local_nr;
	newer_than_forks(&r);
	if ((error = replay_check(&r, findings, false)) < 0 || findings->nr)
		goto done;
	out->replayed = r.order_nr;
	if (opts && opts->dry_run)
		goto done;
	if ((error = write_rechained(&r)) == 0)
		out->written = true;
done:
	run_release(&r);
	gm_lock_release(lock);
	if (error < 0)
		gm_rebase_result_release(out);
	return error;
}

void gm_rebase_result_release(gm_rebase_result *res)
{
	size_t i;

	for (i = 0; i < res->items_nr; i++) {
		free(res->items[i].id);
		free(res->items[i].path);
		free(res->items[i].from);
		free(res->items[i].onto);
	}
	free(res->items);
	free(res->id);
	free(res->path);
	free(res->from);
	free(res->onto);
	memset(res, 0, sizeof(*res));
}
