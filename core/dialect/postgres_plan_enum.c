/* PostgreSQL planner, enums: CREATE TYPE, ADD VALUE (and its commit), swap, rename, drop. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/db.h"
#include "git-migrate/diff.h"
#include "git-migrate/error.h"
#include "git-migrate/schema.h"
#include "git-migrate/vec.h"
#include "dialect/postgres.h"
#include "dialect/sql.h"
#include "db_int.h"
#include "util/banned.h"

void gm_pg_put_labels(gm_buf *b, const gm_enum *e)
{
	size_t i;

	gm_buf_puts(b, "(");
	for (i = 0; i < e->labels_nr; i++) {
		if (i)
			gm_buf_puts(b, ", ");
		gm_sql_literal(b, e->labels[i]);
	}
	gm_buf_puts(b, ")");
}

static void plan_add_enum(gm_plan *out, const gm_change *ch)
{
	gm_buf b = GM_BUF_INIT;

	gm_buf_puts(&b, "CREATE TYPE ");
	gm_sql_qname(&b, ch->enum_to->name);
	gm_buf_puts(&b, " AS ENUM ");
	gm_pg_put_labels(&b, ch->enum_to);
	gm_buf_puts(&b, ";\n");
	gm_pg_plan_stmt(out, &b, 0, NULL, ch);
	gm_buf_release(&b);
}

static void plan_add_enum_value(gm_plan *out, const gm_change *ch)
{
	gm_buf b = GM_BUF_INIT;

	gm_buf_puts(&b, "ALTER TYPE ");
	gm_sql_qname(&b, ch->enum_to->name);
	gm_buf_puts(&b, " ADD VALUE IF NOT EXISTS ");
	gm_sql_literal(&b, ch->label);
	if (ch->before) {
		gm_buf_puts(&b, " BEFORE ");
		gm_sql_literal(&b, ch->before);
	} else if (ch->after) {
		gm_buf_puts(&b, " AFTER ");
		gm_sql_literal(&b, ch->after);
	}
	gm_buf_puts(&b, ";\n");
	gm_pg_plan_stmt(out, &b, 0, NULL, ch);
	gm_buf_release(&b);
}

static void plan_rename_enum(gm_plan *out, const gm_change *ch)
{
	gm_buf b = GM_BUF_INIT;

	gm_buf_puts(&b, "ALTER TYPE ");
	gm_sql_qname(&b, ch->enum_from->name);
	gm_buf_puts(&b, " RENAME TO ");
	gm_sql_qname_local(&b, ch->enum_to->name);
	gm_buf_puts(&b, ";\n");
	gm_pg_plan_stmt(out, &b, 0, NULL, ch);
	gm_buf_release(&b);
}

static void plan_drop_enum(gm_plan *out, const gm_change *ch)
{
	gm_buf b = GM_BUF_INIT;

	gm_buf_puts(&b, "DROP TYPE ");
	gm_sql_qname(&b, ch->enum_from->name);
	gm_buf_puts(&b, ";\n");
	gm_pg_plan_stmt(out, &b, 0, NULL, ch);
	gm_buf_release(&b);
}

void gm_pg_plan_enum(gm_plan *out, const gm_changes *changes, const gm_change *ch)
{
	switch (ch->kind) {
	case GM_CHANGE_ADD_ENUM:
		plan_add_enum(out, ch);
		break;
	case GM_CHANGE_ADD_ENUM_VALUE:
		plan_add_enum_value(out, ch);
		break;
	case GM_CHANGE_SWAP_ENUM:
		gm_pg_plan_swap(out, changes, ch);
		break;
	case GM_CHANGE_RENAME_ENUM:
		plan_rename_enum(out, ch);
		break;
	case GM_CHANGE_DROP_ENUM:
		plan_drop_enum(out, ch);
		break;
	default:
		GM_BUG("not an enum change");
	}
}

/*
 * A label added by ALTER TYPE ... ADD VALUE cannot be used before a commit (SQLSTATE
 * 55P04). Conservatively: when a later statement mentions a new label as a literal, the
 * last ADD VALUE before it gets GM_STMT_COMMIT_AFTER.
 */
void gm_pg_mark_commits(gm_plan *plan)
{
	gm_buf lit = GM_BUF_INIT;
	const char **pending = NULL;
	size_t pending_nr = 0, pending_alloc = 0, i, k;
	gm_stmt *last_add = NULL;

	for (i = 0; i < plan->nr; i++) {
		gm_stmt *st = &plan->v[i];

		if (st->source && st->source->kind == GM_CHANGE_ADD_ENUM_VALUE) {
			GM_PUSH(pending, pending_nr, pending_alloc, st->source->label);
			last_add = st;
			continue;
		}
		for (k = 0; k < pending_nr && last_add; k++) {
			gm_buf_clear(&lit);
			gm_sql_literal(&lit, pending[k]);
			if (strstr(st->sql, lit.ptr)) {
				last_add->flags |= GM_STMT_COMMIT_AFTER;
				pending_nr = 0;
				break;
			}
		}
	}
	free(pending);
	gm_buf_release(&lit);
}
