/*
 * verify --database: the check "database" (DESIGN.md §3.7). Applied revisions whose file
 * changed, applied revisions unknown to the worktree, and schema drift: the live schema
 * (version table left out) against a scratch replay of the applied revisions of the
 * worktree's chain (in chain order), each difference a finding named from the database's
 * side ("column deals.note exists in the database but in no revision").
 */
#include <stdlib.h>
#include <string.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "deploy_int.h"
#include "diff_int.h"
#include "error_int.h"
#include "finding_int.h"
#include "replay.h"
#include "util/banned.h"

#define EXTRA "exists in the database but in no revision"
#define MISSING "of the applied revisions is missing from the database"
#define DIFFERS "differs between the database and the applied revisions"

static void drift(gm_findings *f, const char *fmt, const char *a, const char *b, const char *what)
{
	gm_buf name = GM_BUF_INIT;

	gm_buf_printf(&name, fmt, a, b);
	gm_findings_add(f, "database", NULL, 0, "%s %s", name.ptr, what);
	gm_buf_release(&name);
}

static void table_drift(gm_findings *f, const gm_change *ch)
{
	const char *t = ch->to->name;
	size_t i;

	for (i = 0; i < ch->tchanges_nr; i++) {
		const gm_tchange *tc = &ch->tchanges[i];
		switch (tc->kind) {
		case GM_TCHANGE_ADD_COLUMN:
			drift(f, "column %s.%s", t, tc->col_to->name, EXTRA);
			break;
		case GM_TCHANGE_DROP_COLUMN:
			drift(f, "column %s.%s", t, tc->col_from->name, MISSING);
			break;
		case GM_TCHANGE_RENAME_COLUMN:
		case GM_TCHANGE_MODIFY_COLUMN:
			drift(f, "column %s.%s", t, tc->col_from->name, DIFFERS);
			break;
		case GM_TCHANGE_ADD_INDEX:
			drift(f, "index %s on %s", tc->index_to->name, t, EXTRA);
			break;
		case GM_TCHANGE_DROP_INDEX:
			drift(f, "index %s on %s", tc->index_from->name, t, MISSING);
			break;
		case GM_TCHANGE_ADD_FKEY:
			drift(f, "foreign key %s on %s", tc->fkey_to->name, t, EXTRA);
			break;
		case GM_TCHANGE_DROP_FKEY:
			drift(f, "foreign key %s on %s", tc->fkey_from->name, t, MISSING);
			break;
		case GM_TCHANGE_ADD_CHECK:
			drift(f, "check %s on %s", tc->check_to->name, t, EXTRA);
			break;
		case GM_TCHANGE_DROP_CHECK:
			drift(f, "check %s on %s", tc->check_from->name, t, MISSING);
			break;
		case GM_TCHANGE_MODIFY_PKEY:
			drift(f, "%sthe primary key of %s", "", t, DIFFERS);
			break;
		case GM_TCHANGE_MODIFY_COMMENT:
			drift(f, "%sthe comment of table %s", "", t, DIFFERS);
			break;
		case GM_TCHANGE_MODIFY_KEY_COMMENT: {
			const char *what, *name = gm_tchange_key_name(ch, tc, &what);
			gm_findings_add(f, "database", NULL, 0, "the comment of %s %s on %s %s",
					what, name, t, DIFFERS);
			break;
		}
		}
	}
}

/* One finding per difference of the replayed schema (from) → the live one (to). */
static void describe(gm_findings *f, const gm_changes *ch)
{
	size_t i;

	for (i = 0; i < ch->nr; i++) {
		const gm_change *c = &ch->v[i];
		switch (c->kind) {
		case GM_CHANGE_ADD_ENUM:
			drift(f, "enum %s%s", c->enum_to->name, "", EXTRA);
			break;
		case GM_CHANGE_DROP_ENUM:
			drift(f, "enum %s%s", c->enum_from->name, "", MISSING);
			break;
		case GM_CHANGE_ADD_ENUM_VALUE:
		case GM_CHANGE_SWAP_ENUM:
		case GM_CHANGE_RENAME_ENUM:
			drift(f, "enum %s%s", c->enum_from->name, "", DIFFERS);
			break;
		case GM_CHANGE_ADD_TABLE:
			drift(f, "table %s%s", c->to->name, "", EXTRA);
			break;
		case GM_CHANGE_DROP_TABLE:
			drift(f, "table %s%s", c->from->name, "", MISSING);
			break;
		case GM_CHANGE_RENAME_TABLE:
			drift(f, "table %s%s", c->from->name, "", DIFFERS);
			break;
		case GM_CHANGE_MODIFY_TABLE:
			table_drift(f, c);
			break;
		case GM_CHANGE_ADD_OBJECT:
			drift(f, "%s %s", c->object_to->kind, c->object_to->name, EXTRA);
			break;
		case GM_CHANGE_DROP_OBJECT:
			drift(f, "%s %s", c->object_from->kind, c->object_from->name, MISSING);
			break;
		case GM_CHANGE_REPLACE_OBJECT:
			drift(f, "%s %s", c->object_from->kind, c->object_from->name, DIFFERS);
			break;
		}
	}
}

/* The applied revisions of the chain, in chain order (caller frees the array). */
static const gm_revision **applied_order(size_t *nr, const gm_deploy_ctx *ctx)
{
	const gm_revision **v = gm_xcalloc(ctx->order_nr + 1, sizeof(*v));
	size_t i;

	*nr = 0;
	for (i = 0; i < ctx->order_nr; i++)
		if (gm_deploy_row_of(ctx, ctx->order[i]->id))
			v[(*nr)++] = ctx->order[i];
	return v;
}

/* Schema drift: replay the applied revisions on a scratch database and compare. */
static int check_drift(gm_findings *f, gm_deploy_ctx *ctx)
{
	gm_replay_opts o = { NULL, NULL, true, NULL, false, false, false };
	gm_schema *want = NULL, *live = NULL, *empty = NULL;
	gm_changes ch = GM_CHANGES_INIT;
	gm_replay *rp = NULL;
	const gm_revision **v;
	size_t nr;
	int error;

	v = applied_order(&nr, ctx);
	gm_replay_new(&rp, ctx->repo, ctx->cfg, &o);
	if ((error = gm_replay_open_scratch(rp)) < 0)
		goto done;
	if (gm_replay_dialect(rp) != ctx->d) {
		gm_findings_add(f, "database", NULL, 0,
				"cannot compare schemas: the scratch server is %s, the database %s",
				gm_replay_dialect(rp)->name, ctx->d->name);
		goto done;
	}
	if ((error = gm_replay_run(rp, (const gm_revision *const *)v, nr, 0)) < 0) {
		if (error != GM_EINTERRUPTED) {
			gm_findings_add_error(f, "database", NULL);
			error = 0;
		}
		goto done;
	}
	if ((error = gm_replay_inspect(&want, rp)) < 0)
		goto done;
	if (ctx->conn)
		error = ctx->d->inspect(&live, ctx->conn, ctx->cfg->version_table);
	else
		gm_schema_new(&empty);
	if (error < 0 || (error = gm_diff(&ch, want, live ? live : empty, 0)) < 0)
		goto done;
	describe(f, &ch);
done:
	gm_changes_release(&ch);
	gm_schema_free(want);
	gm_schema_free(live);
	gm_schema_free(empty);
	gm_replay_free(rp);
	free(v);
	return error;
}

int gm_deploy_verify(gm_findings *findings, gm_repo *repo, const gm_config *cfg, const char *url)
{
	gm_deploy_ctx ctx;
	size_t i;
	int error;

	if ((error = gm_deploy_open(&ctx, repo, cfg, url, 0, NULL, NULL)) < 0)
		goto done;
	for (i = 0; i < ctx.rows_nr; i++) {
		const gm_deploy_row *r = &ctx.rows[i];
		const gm_revision *rev = gm_chain_find(ctx.chain, r->revision);
		if (!rev)
			gm_findings_add(
				findings, "database", NULL, 0,
				"revision '%s' is applied to %s but unknown to the worktree",
				r->revision, ctx.url->masked);
		else if (strcmp(rev->checksum, r->checksum))
			gm_findings_add(findings, "database", rev->path, 0,
					"revision '%s' changed since it was applied (checksum "
					"applied %s, file now %s)",
					rev->id, r->checksum, rev->checksum);
	}
	error = check_drift(findings, &ctx);
done:
	gm_deploy_close(&ctx);
	return error;
}
