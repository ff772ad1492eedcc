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

static void put_labels(gm_buf *b, const gm_enum *e)
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
	gm_sql_ident(&b, ch->enum_to->name);
	gm_buf_puts(&b, " AS ENUM ");
	put_labels(&b, ch->enum_to);
	gm_buf_puts(&b, ";\n");
	gm_pg_plan_stmt(out, &b, 0, NULL, ch);
	gm_buf_release(&b);
}

static void plan_add_enum_value(gm_plan *out, const gm_change *ch)
{
	gm_buf b = GM_BUF_INIT;

	gm_buf_puts(&b, "ALTER TYPE ");
	gm_sql_ident(&b, ch->enum_to->name);
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

/* The column uses the enum named `name` (itself, or an array of it). */
static bool uses_enum(const gm_column *c, const char *name, bool *array)
{
	size_t n = strlen(name);

	if (strncmp(c->type, name, n))
		return false;
	*array = !strcmp(c->type + n, "[]");
	return !c->type[n] || *array;
}

/* A literal default that is still a label of the new type (else it cannot be restored). */
static bool default_survives(const gm_column *c, const gm_enum *e, bool array)
{
	size_t i;

	if (c->default_kind != GM_DEFAULT_LITERAL || array)
		return c->default_kind != GM_DEFAULT_NONE;
	for (i = 0; i < e->labels_nr; i++)
		if (!strcmp(e->labels[i], c->default_value))
			return true;
	return false;
}

/*
 * The type swap: rename the old type away, create the new one, convert every column of
 * every table that uses it (dropping and restoring its default, which would not cast),
 * drop the old type. One rewrite per table: its columns go in one ALTER TABLE.
 */
static void plan_swap_enum(gm_plan *out, const gm_schema *from, const gm_change *ch)
{
	const char *name = ch->enum_to->name;
	gm_buf b = GM_BUF_INIT, old = GM_BUF_INIT, subject = GM_BUF_INIT;
	size_t i, j;

	gm_buf_printf(&old, "%s__old", name);
	gm_buf_puts(&b, "ALTER TYPE ");
	gm_sql_ident(&b, name);
	gm_buf_puts(&b, " RENAME TO ");
	gm_sql_ident(&b, old.ptr);
	gm_buf_puts(&b, ";\nCREATE TYPE ");
	gm_sql_ident(&b, name);
	gm_buf_puts(&b, " AS ENUM ");
	put_labels(&b, ch->enum_to);
	gm_buf_puts(&b, ";\n");

	for (i = 0; from && i < from->tables_nr; i++) {
		const gm_table *t = from->tables[i];
		gm_buf restore = GM_BUF_INIT;
		bool any = false;

		for (j = 0; j < t->columns_nr; j++) {
			const gm_column *c = t->columns[j];
			bool array = false;

			if (!uses_enum(c, ch->enum_from->name, &array))
				continue;
			gm_buf_puts(&b, any ? ",\n    " : "");
			if (!any)
				gm_pg_put_alter(&b, t->name);
			any = true;
			if (c->default_kind != GM_DEFAULT_NONE) {
				gm_buf_puts(&b, "ALTER COLUMN ");
				gm_sql_ident(&b, c->name);
				gm_buf_puts(&b, " DROP DEFAULT,\n    ");
				if (default_survives(c, ch->enum_to, array)) {
					gm_pg_put_alter_column(&restore, t->name, c->name);
					gm_buf_puts(&restore, "SET DEFAULT ");
					gm_pg_put_default(&restore, c);
					gm_buf_puts(&restore, ";\n");
				}
			}
			gm_buf_puts(&b, "ALTER COLUMN ");
			gm_sql_ident(&b, c->name);
			gm_buf_puts(&b, " TYPE ");
			gm_sql_ident(&b, name);
			gm_buf_puts(&b, array ? "[]" : "");
			gm_buf_puts(&b, " USING ");
			gm_sql_ident(&b, c->name);
			gm_buf_puts(&b, array ? "::text[]::" : "::text::");
			gm_sql_ident(&b, name);
			gm_buf_puts(&b, array ? "[]" : "");
		}
		if (any) {
			gm_buf_puts(&b, ";\n");
			gm_buf_puts(&b, restore.ptr);
			gm_buf_printf(&subject, "%s%s", subject.len ? ", " : "", t->name);
		}
		gm_buf_release(&restore);
	}
	gm_buf_puts(&b, "DROP TYPE ");
	gm_sql_ident(&b, old.ptr);
	gm_buf_puts(&b, ";\n");
	gm_pg_plan_stmt(out, &b, GM_STMT_ENUM_SWAP, subject.len ? subject.ptr : NULL, ch);
	gm_buf_release(&subject);
	gm_buf_release(&old);
	gm_buf_release(&b);
}

static void plan_rename_enum(gm_plan *out, const gm_change *ch)
{
	gm_buf b = GM_BUF_INIT;

	gm_buf_puts(&b, "ALTER TYPE ");
	gm_sql_ident(&b, ch->enum_from->name);
	gm_buf_puts(&b, " RENAME TO ");
	gm_sql_ident(&b, ch->enum_to->name);
	gm_buf_puts(&b, ";\n");
	gm_pg_plan_stmt(out, &b, 0, NULL, ch);
	gm_buf_release(&b);
}

static void plan_drop_enum(gm_plan *out, const gm_change *ch)
{
	gm_buf b = GM_BUF_INIT;

	gm_buf_puts(&b, "DROP TYPE ");
	gm_sql_ident(&b, ch->enum_from->name);
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
		plan_swap_enum(out, changes->from, ch);
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
