/*
 * SQLite planning (offline): normalize a models schema into what the inspector returns,
 * and turn a change list into SQL (DESIGN.md §4 SQLite). In-place ALTERs where SQLite
 * allows them (sqlite_alter.c decides); every other change to a table is one table
 * rebuild per table.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/db.h"
#include "git-migrate/diff.h"
#include "git-migrate/error.h"
#include "git-migrate/schema.h"
#include "git-migrate/vec.h"
#include "dialect/sql.h"
#include "dialect/sqlite.h"
#include "dialect/sqlite_ddl.h"
#include "type.h"
#include "util/strvec.h"
#include "db_int.h"
#include "schema_int.h"
#include "util/banned.h"

/* ---- normalize ---- */

static void set_labels(gm_column *c, const gm_enum *e)
{
	size_t i;
	for (i = 0; i < c->labels_nr; i++)
		free(c->labels[i]);
	c->labels_nr = 0;
	for (i = 0; i < e->labels_nr; i++)
		gm_column_add_label(c, e->labels[i]);
	gm_set_str(&c->enum_name, e->name);
	gm_set_str(&c->type, "text");
}

/* SQLite has no comments: the models' comments on keys and indexes are accepted, dropped. */
static void drop_key_comments(gm_table *t)
{
	size_t i;
	gm_set_str(&t->pk_comment, NULL);
	for (i = 0; i < t->indexes_nr; i++)
		gm_set_str(&t->indexes[i]->comment, NULL);
	for (i = 0; i < t->fkeys_nr; i++)
		gm_set_str(&t->fkeys[i]->comment, NULL);
	for (i = 0; i < t->checks_nr; i++)
		gm_set_str(&t->checks[i]->comment, NULL);
}

void gm_sqlite_normalize(gm_schema *s)
{
	size_t i, j;

	for (i = 0; i < s->tables_nr; i++) {
		gm_table *t = s->tables[i];
		gm_set_str(&t->comment, NULL);
		drop_key_comments(t);
		for (j = 0; j < t->columns_nr; j++) {
			gm_column *c = t->columns[j];
			const gm_enum *e = gm_schema_enum(s, c->type);
			gm_set_str(&c->comment, NULL);
			if (e)
				set_labels(c, e);
			else if (gm_type_is_serial(c->type))
				gm_set_str(&c->type, gm_type_serial_storage(c->type));
			if (c->identity && !(t->pk_nr == 1 && !strcmp(t->pk[0], c->name) &&
					     !strcmp(c->type, "integer")))
				c->identity = false;
		}
	}
	while (s->enums_nr)
		gm_schema_remove_enum(s, s->enums_nr - 1);
}

/* ---- SQL text ---- */

/* " DEFAULT ..." in the sqlite.h format, or nothing. */
static void put_default(gm_buf *b, const gm_column *c)
{
	const char *v = c->default_value;
	if (c->default_kind == GM_DEFAULT_NONE || !v)
		return;
	gm_buf_puts(b, " DEFAULT ");
	if (c->default_kind == GM_DEFAULT_SQL)
		gm_buf_printf(b, "(%s)", v);
	else
		gm_sql_default_literal(b, c->type, v, true);
}

static void put_pk_name(gm_buf *b, const gm_table *t)
{
	gm_buf name = GM_BUF_INIT;
	if (t->pk_name) {
		gm_sql_ident(b, t->pk_name);
		return;
	}
	gm_name_pkey(&name, t->name);
	gm_sql_ident(b, name.ptr);
	gm_buf_release(&name);
}

/* REFERENCES rt (cols) ON DELETE ... ON UPDATE ... */
static void put_references(gm_buf *b, const gm_fkey *fk)
{
	gm_buf_puts(b, "REFERENCES ");
	gm_sql_ident(b, fk->ref_table);
	if (fk->ref_columns_nr) {
		gm_buf_putc(b, ' ');
		gm_sql_ident_list(b, fk->ref_columns, fk->ref_columns_nr);
	}
	gm_sql_fk_actions(b, fk->on_delete, fk->on_update);
	if (fk->initially_deferred)
		gm_buf_puts(b, " DEFERRABLE INITIALLY DEFERRED");
	else if (fk->deferrable)
		gm_buf_puts(b, " DEFERRABLE");
}

/* The identity column: `integer NOT NULL PRIMARY KEY AUTOINCREMENT` inline. */
static bool is_inline_pk(const gm_table *t, const gm_column *c)
{
	return c->identity && t->pk_nr == 1 && !strcmp(t->pk[0], c->name);
}

/* A column definition: name type [NOT NULL] [pk] [DEFAULT] [CHECK (c IN (...))]. */
static void put_column(gm_buf *b, const gm_table *t, const gm_column *c, bool with_pk)
{
	size_t i;
	gm_sql_ident(b, c->name);
	if (c->type && *c->type)
		gm_buf_printf(b, " %s", c->type);
	if (c->generated)
		gm_buf_printf(b, " GENERATED ALWAYS AS (%s) %s", c->generated,
			      c->stored ? "STORED" : "VIRTUAL");
	if (!c->nullable)
		gm_buf_puts(b, " NOT NULL");
	if (with_pk && is_inline_pk(t, c)) {
		gm_buf_puts(b, " CONSTRAINT ");
		put_pk_name(b, t);
		gm_buf_puts(b, " PRIMARY KEY AUTOINCREMENT");
	}
	put_default(b, c);
	if (c->labels_nr) {
		gm_buf_puts(b, " CHECK (");
		gm_sql_ident(b, c->name);
		gm_buf_puts(b, " IN (");
		for (i = 0; i < c->labels_nr; i++) {
			if (i)
				gm_buf_puts(b, ", ");
			gm_sql_literal(b, c->labels[i]);
		}
		gm_buf_puts(b, "))");
	}
}

static bool has_autoincrement(const gm_table *t)
{
	size_t i;
	for (i = 0; i < t->columns_nr; i++)
		if (is_inline_pk(t, t->columns[i]))
			return true;
	return false;
}

/*
 * CREATE TABLE <name> with t's definition, plus `extra` columns (kept from the old
 * table during a rebuild, dropped right after).
 */
static void put_create_table(gm_buf *b, const gm_table *t, const char *name,
			     const gm_column *const *extra, size_t extra_nr)
{
	bool inline_pk = false;
	size_t i;

	gm_buf_puts(b, "CREATE TABLE ");
	gm_sql_ident(b, name);
	gm_buf_puts(b, " (");
	for (i = 0; i < t->columns_nr; i++) {
		gm_buf_puts(b, i ? ",\n    " : "\n    ");
		put_column(b, t, t->columns[i], true);
		inline_pk |= is_inline_pk(t, t->columns[i]);
	}
	for (i = 0; i < extra_nr; i++) {
		gm_buf_puts(b, ",\n    ");
		put_column(b, t, extra[i], false);
	}
	if (t->pk_nr && !inline_pk) {
		gm_buf_puts(b, ",\n    CONSTRAINT ");
		put_pk_name(b, t);
		gm_buf_puts(b, " PRIMARY KEY ");
		gm_sql_ident_list(b, t->pk, t->pk_nr);
	}
	for (i = 0; i < t->indexes_nr; i++) {
		const gm_index *ix = t->indexes[i];
		if (!ix->constraint)
			continue;
		gm_buf_puts(b, ",\n    CONSTRAINT ");
		gm_sql_ident(b, ix->name);
		gm_buf_puts(b, " UNIQUE ");
		gm_sql_ident_list(b, ix->columns, ix->columns_nr);
		if (ix->deferrable) /* SQLite refuses it: named by the error, never dropped */
			gm_buf_puts(b, " DEFERRABLE");
	}
	for (i = 0; i < t->fkeys_nr; i++) {
		const gm_fkey *fk = t->fkeys[i];
		gm_buf_puts(b, ",\n    CONSTRAINT ");
		gm_sql_ident(b, fk->name);
		gm_buf_puts(b, " FOREIGN KEY ");
		gm_sql_ident_list(b, fk->columns, fk->columns_nr);
		gm_buf_putc(b, ' ');
		put_references(b, fk);
	}
	for (i = 0; i < t->checks_nr; i++) {
		const gm_check *ck = t->checks[i];
		gm_buf_puts(b, ",\n    CONSTRAINT ");
		gm_sql_ident(b, ck->name);
		gm_buf_printf(b, " CHECK (%s)", ck->expr);
	}
	gm_buf_puts(b, "\n);\n");
}

/* CREATE INDEX for every index of t that is not a constraint. */
static void put_create_indexes(gm_buf *b, const gm_table *t)
{
	size_t i;
	for (i = 0; i < t->indexes_nr; i++)
		if (!t->indexes[i]->constraint)
			gm_sql_create_index(b, t, t->indexes[i]);
}

/* ---- planning a modified table ---- */

static void add_stmt(gm_plan *out, gm_buf *b, unsigned flags, const char *subject,
		     const gm_change *ch)
{
	if (b->len)
		gm_plan_add(out, b->ptr, flags, subject, ch);
	gm_buf_clear(b);
}

static void add_column_stmt(gm_plan *out, gm_buf *b, const gm_change *ch, const gm_column *c)
{
	const gm_fkey *fk;
	char *text;
	bool ok;

	gm_buf_puts(b, "ALTER TABLE ");
	gm_sql_ident(b, ch->to->name);
	gm_buf_puts(b, " ADD COLUMN ");
	/* the column as the models wrote it, when their text is known */
	text = ch->to->sql ? gm_sqlite_ddl_column_text(ch->to->sql, c->name) : NULL;
	if (text)
		gm_buf_puts(b, text);
	else
		put_column(b, ch->to, c, false);
	fk = gm_sqlite_inline_fkey(ch, c, &ok);
	if (fk && !(text && gm_sqlite_mentions(text, "REFERENCES"))) {
		gm_buf_puts(b, " CONSTRAINT ");
		gm_sql_ident(b, fk->name);
		gm_buf_putc(b, ' ');
		put_references(b, fk);
	}
	gm_buf_puts(b, ";\n");
	add_stmt(out, b, 0, ch->to->name, ch);
	free(text);
}

static void drop_column_stmt(gm_plan *out, gm_buf *b, const gm_change *ch, const char *col)
{
	gm_buf subject = GM_BUF_INIT;

	gm_buf_puts(b, "ALTER TABLE ");
	gm_sql_ident(b, ch->to->name);
	gm_buf_puts(b, " DROP COLUMN ");
	gm_sql_ident(b, col);
	gm_buf_puts(b, ";\n");
	gm_buf_printf(&subject, "%s.%s", ch->to->name, col);
	add_stmt(out, b, GM_STMT_DATA_LOSS, subject.ptr, ch);
	gm_buf_release(&subject);
}

static void rename_column_stmt(gm_plan *out, gm_buf *b, const gm_change *ch, const char *from,
			       const char *to)
{
	gm_buf_puts(b, "ALTER TABLE ");
	gm_sql_ident(b, ch->to->name);
	gm_buf_puts(b, " RENAME COLUMN ");
	gm_sql_ident(b, from);
	gm_buf_puts(b, " TO ");
	gm_sql_ident(b, to);
	gm_buf_puts(b, ";\n");
	add_stmt(out, b, 0, ch->to->name, ch);
}

struct rename {
	char *from; /* the column's name now */
	const char *to;
	bool done;
};

/* The pending rename that can go next (its target is no pending rename's source, case
 * aside as SQLite has it), or nr when every pending one waits for another. */
static size_t next_rename(const struct rename *r, size_t nr)
{
	size_t i, j;
	for (i = 0; i < nr; i++) {
		if (r[i].done)
			continue;
		for (j = 0; j < nr; j++)
			if (j != i && !r[j].done && !strcasecmp(r[j].from, r[i].to))
				break;
		if (j == nr)
			return i;
	}
	return nr;
}

/*
 * RENAME COLUMN for each rename, in an order where no target is still taken: a rename
 * waits for the one that frees its target (a → b after b → c); in a cycle (a swap) the
 * first one left goes through a temporary name first.
 */
static void plan_renames(gm_plan *out, gm_buf *b, const gm_change *ch)
{
	struct rename *r = NULL;
	size_t nr = 0, alloc = 0, left, i;
	gm_buf tmp = GM_BUF_INIT;

	for (i = 0; i < ch->tchanges_nr; i++) {
		if (ch->tchanges[i].kind != GM_TCHANGE_RENAME_COLUMN)
			continue;
		GM_ALLOC_GROW(r, nr + 1, alloc);
		r[nr].from = gm_xstrdup(ch->tchanges[i].col_from->name);
		r[nr].to = ch->tchanges[i].col_to->name;
		r[nr++].done = false;
	}
	for (left = nr; left;) {
		i = next_rename(r, nr);
		if (i == nr) { /* a cycle */
			for (i = 0; r[i].done; i++)
				;
			gm_buf_clear(&tmp);
			gm_buf_printf(&tmp, "_gm_tmp_%s", r[i].from);
			rename_column_stmt(out, b, ch, r[i].from, tmp.ptr);
			free(r[i].from);
			r[i].from = gm_buf_detach(&tmp);
			continue;
		}
		rename_column_stmt(out, b, ch, r[i].from, r[i].to);
		r[i].done = true;
		left--;
	}
	for (i = 0; i < nr; i++)
		free(r[i].from);
	free(r);
	gm_buf_release(&tmp);
}

/* In place: index drops, column drops, renames, column adds, index adds. */
static void plan_in_place(gm_plan *out, gm_buf *b, const gm_change *ch)
{
	static const gm_tchange_kind passes[] = {
		GM_TCHANGE_DROP_INDEX, GM_TCHANGE_DROP_COLUMN, GM_TCHANGE_RENAME_COLUMN,
		GM_TCHANGE_ADD_COLUMN, GM_TCHANGE_ADD_INDEX,
	};
	const char *t = ch->to->name;
	size_t p, i;

	for (p = 0; p < sizeof(passes) / sizeof(passes[0]); p++) {
		if (passes[p] == GM_TCHANGE_RENAME_COLUMN) {
			plan_renames(out, b, ch);
			continue;
		}
		for (i = 0; i < ch->tchanges_nr; i++) {
			const gm_tchange *tc = &ch->tchanges[i];
			if (tc->kind != passes[p])
				continue;
			switch (tc->kind) {
			case GM_TCHANGE_DROP_INDEX:
				gm_buf_puts(b, "DROP INDEX ");
				gm_sql_ident(b, tc->index_from->name);
				gm_buf_puts(b, ";\n");
				add_stmt(out, b, 0, t, ch);
				break;
			case GM_TCHANGE_DROP_COLUMN:
				drop_column_stmt(out, b, ch, tc->col_from->name);
				break;
			case GM_TCHANGE_ADD_COLUMN:
				add_column_stmt(out, b, ch, tc->col_to);
				break;
			case GM_TCHANGE_ADD_INDEX:
				gm_sql_create_index(b, ch->to, tc->index_to);
				add_stmt(out, b, 0, t, ch);
				break;
			default:
				break;
			}
		}
	}
}

/* The old name of new column c, or NULL when c is new (not copied). */
static const char *source_column(const gm_change *ch, const gm_column *c)
{
	size_t i;
	for (i = 0; i < ch->tchanges_nr; i++) {
		const gm_tchange *tc = &ch->tchanges[i];
		if (tc->kind == GM_TCHANGE_RENAME_COLUMN && !strcmp(tc->col_to->name, c->name))
			return tc->col_from->name;
	}
	for (i = 0; i < ch->tchanges_nr; i++) {
		const gm_tchange *tc = &ch->tchanges[i];
		if ((tc->kind == GM_TCHANGE_ADD_COLUMN && !strcmp(tc->col_to->name, c->name)) ||
		    (tc->kind == GM_TCHANGE_RENAME_COLUMN && !strcmp(tc->col_from->name, c->name)))
			return NULL;
	}
	return gm_table_column(ch->from, c->name) ? c->name : NULL;
}

/*
 * The new table of a rebuild, named `name`: the CREATE TABLE text the models wrote
 * (t->sql: inspected, so `to` has it in both directions) with only the name replaced,
 * so the column-level INTEGER PRIMARY KEY, defaults, CHECK, COLLATE, AUTOINCREMENT,
 * WITHOUT ROWID and STRICT stay as written; generated from t where no text is known.
 * The `extra` columns (dropped ones, carried through the copy) go after the last column.
 */
static void put_new_table(gm_buf *b, const gm_table *t, const char *name,
			  const gm_column *const *extra, size_t extra_nr)
{
	char **names = NULL;
	size_t i;
	bool done = false;

	if (t->sql) {
		names = gm_xcalloc(extra_nr + 1, sizeof(*names));
		for (i = 0; i < extra_nr; i++)
			names[i] = extra[i]->name;
		done = gm_sqlite_ddl_create_as(b, t->sql, name, names, extra_nr);
		free(names);
	}
	if (!done)
		put_create_table(b, t, name, extra, extra_nr);
}

/* Mark in on[] (one flag per dependent of s) the views and triggers that name `name`,
 * or a view so marked. */
static void mark_users(bool *on, const gm_schema *s, const char *name)
{
	const gm_dependent *d;
	size_t i = 0;

	while ((d = gm_schema_next_user(s, name, &i))) {
		if (on[i - 1])
			continue;
		on[i - 1] = true;
		if (!strcmp(d->kind, "view"))
			mark_users(on, s, d->name);
	}
}

/* DROP VIEW / DROP TRIGGER for the marked dependents, the last created first. IF EXISTS:
 * a trigger goes with its table, which an up may have dropped (the down re-creates it). */
static void put_drop_dependents(gm_buf *b, const gm_schema *s, const bool *on)
{
	size_t i;

	for (i = s->dependents_nr; i-- > 0;)
		if (on[i])
			gm_sqlite_put_drop_object(b, s->dependents[i]);
}

/* The marked dependents again, in creation order. A table renamed before its rebuild
 * (ch->from is the old name): SQLite's RENAME TO rewrote their text, so does this. */
static void put_create_dependents(gm_buf *b, const gm_schema *s, const bool *on,
				  const gm_change *ch)
{
	size_t i;
	for (i = 0; i < s->dependents_nr; i++) {
		if (!on[i])
			continue;
		if (strcmp(ch->from->name, ch->to->name))
			gm_sqlite_ddl_replace_name(b, s->dependents[i]->create, ch->from->name,
						   ch->to->name);
		else
			gm_buf_puts(b, s->dependents[i]->create);
		gm_buf_putc(b, '\n');
	}
}

/* Copy the rows: INSERT INTO tmp (new columns) SELECT (their old names) FROM t. */
static void put_copy(gm_buf *b, const gm_change *ch, const char *tmp,
		     const gm_column *const *dropped, size_t dropped_nr)
{
	const gm_table *t = ch->to;
	gm_buf cols = GM_BUF_INIT, srcs = GM_BUF_INIT;
	size_t i, n = 0;

	for (i = 0; i < t->columns_nr + dropped_nr; i++) {
		const gm_column *c = i < t->columns_nr ? t->columns[i] : dropped[i - t->columns_nr];
		const char *src = i < t->columns_nr ? source_column(ch, c) : c->name;
		if (!src || (i < t->columns_nr && c->generated)) /* computed by the new table */
			continue;
		if (n++) {
			gm_buf_puts(&cols, ", ");
			gm_buf_puts(&srcs, ", ");
		}
		gm_sql_ident(&cols, c->name);
		gm_sql_ident(&srcs, src);
	}
	if (n) {
		gm_buf_puts(b, "INSERT INTO ");
		gm_sql_ident(b, tmp);
		gm_buf_printf(b, " (%s) SELECT %s FROM ", cols.ptr, srcs.ptr);
		gm_sql_ident(b, t->name);
		gm_buf_puts(b, ";\n");
	}
	gm_buf_release(&srcs);
	gm_buf_release(&cols);
}

/*
 * The 12-step rebuild (sqlite.org/lang_altertable.html#otheralter): the views and
 * triggers that name the table (deps: the change list's `from`, which carries the
 * database's) dropped, a new table (put_new_table), rows copied, old table dropped, new
 * one renamed, indexes recreated, the views and triggers re-created; an AUTOINCREMENT
 * counter moves with the rows. Dropped columns are carried through the copy and dropped
 * afterwards with DROP COLUMN, so each data loss is its own statement with its own
 * subject (the dependents come back after those). Foreign keys must be off (the
 * applier's begin does it).
 */
static void plan_rebuild(gm_plan *out, gm_buf *b, const gm_change *ch, const gm_schema *deps)
{
	const gm_table *t = ch->to;
	const gm_column **dropped = NULL;
	size_t dropped_nr = 0, dropped_alloc = 0, i;
	gm_buf tmp = GM_BUF_INIT;
	bool *on = gm_xcalloc(deps->dependents_nr + 1, sizeof(*on));

	/* a column dropped and added again (a generated column's new expression) is not
	 * carried: the new table has it */
	for (i = 0; i < ch->tchanges_nr; i++)
		if (ch->tchanges[i].kind == GM_TCHANGE_DROP_COLUMN &&
		    !gm_table_column(t, ch->tchanges[i].col_from->name))
			GM_PUSH(dropped, dropped_nr, dropped_alloc, ch->tchanges[i].col_from);
	mark_users(on, deps, ch->from->name);
	mark_users(on, deps, t->name);

	gm_buf_printf(&tmp, "_gm_new_%s", t->name);
	put_drop_dependents(b, deps, on);
	put_new_table(b, t, tmp.ptr, dropped, dropped_nr);
	put_copy(b, ch, tmp.ptr, dropped, dropped_nr);
	if (has_autoincrement(t)) {
		/* keep the AUTOINCREMENT counter: ids of deleted rows are never reused */
		gm_buf_puts(b, "DELETE FROM sqlite_sequence WHERE name = ");
		gm_sql_literal(b, tmp.ptr);
		gm_buf_puts(b, ";\nUPDATE sqlite_sequence SET name = ");
		gm_sql_literal(b, tmp.ptr);
		gm_buf_puts(b, " WHERE name = ");
		gm_sql_literal(b, t->name);
		gm_buf_puts(b, ";\n");
	}
	gm_buf_puts(b, "DROP TABLE ");
	gm_sql_ident(b, t->name);
	gm_buf_puts(b, ";\nALTER TABLE ");
	gm_sql_ident(b, tmp.ptr);
	gm_buf_puts(b, " RENAME TO ");
	gm_sql_ident(b, t->name);
	gm_buf_puts(b, ";\n");
	put_create_indexes(b, t);
	if (!dropped_nr)
		put_create_dependents(b, deps, on, ch);
	add_stmt(out, b, GM_STMT_REBUILD, t->name, ch);

	for (i = 0; i < dropped_nr; i++)
		drop_column_stmt(out, b, ch, dropped[i]->name);
	if (dropped_nr) {
		put_create_dependents(b, deps, on, ch);
		add_stmt(out, b, 0, t->name, ch);
	}
	gm_buf_release(&tmp);
	free(on);
	free(dropped);
}

static void plan_modify(gm_plan *out, gm_buf *b, const gm_change *ch, const gm_schema *deps)
{
	if (gm_sqlite_needs_rebuild(ch))
		plan_rebuild(out, b, ch, deps);
	else
		plan_in_place(out, b, ch);
}

/*
 * A new table: the models' own text when known (see put_new_table), its indexes, and the
 * triggers on it that deps (the change list's `from`) still has: a down re-creating a
 * table its up dropped gets back the triggers that went with it.
 */
static void plan_add_table(gm_plan *out, gm_buf *b, const gm_change *ch, const gm_schema *deps)
{
	size_t i;

	if (ch->to->sql)
		gm_buf_printf(b, "%s;\n", ch->to->sql);
	else
		put_create_table(b, ch->to, ch->to->name, NULL, 0);
	put_create_indexes(b, ch->to);
	for (i = 0; i < deps->dependents_nr; i++) {
		const gm_dependent *d = deps->dependents[i];
		if (!strcmp(d->kind, "trigger") && d->table && !strcmp(d->table, ch->to->name))
			gm_buf_printf(b, "%s\n", d->create);
	}
	add_stmt(out, b, 0, ch->to->name, ch);
}

int gm_sqlite_plan(gm_plan *out, const gm_changes *changes)
{
	gm_buf b = GM_BUF_INIT;
	gm_schema *none = NULL, carried;
	const gm_schema *deps;
	size_t i;

	GM_ASSERT_ARG(out);
	GM_ASSERT_ARG(changes);
	/* the views and triggers a rebuild carries: the database's, but those the changes
	 * drop or replace (dropped first, created last) */
	if (!changes->from)
		gm_schema_new(&none);
	else
		gm_sqlite_carried_objects(&carried, changes);
	deps = none ? none : &carried;
	gm_sqlite_plan_objects(out, changes, false);
	for (i = 0; i < changes->nr; i++) {
		const gm_change *ch = &changes->v[i];
		switch (ch->kind) {
		case GM_CHANGE_ADD_TABLE:
			plan_add_table(out, &b, ch, deps);
			break;
		case GM_CHANGE_RENAME_TABLE:
			gm_buf_puts(&b, "ALTER TABLE ");
			gm_sql_ident(&b, ch->from->name);
			gm_buf_puts(&b, " RENAME TO ");
			gm_sql_ident(&b, ch->to->name);
			gm_buf_puts(&b, ";\n");
			add_stmt(out, &b, 0, ch->to->name, ch);
			break;
		case GM_CHANGE_MODIFY_TABLE:
			plan_modify(out, &b, ch, deps);
			break;
		case GM_CHANGE_DROP_TABLE:
			gm_buf_puts(&b, "DROP TABLE ");
			gm_sql_ident(&b, ch->from->name);
			gm_buf_puts(&b, ";\n");
			add_stmt(out, &b, GM_STMT_DATA_LOSS, ch->from->name, ch);
			break;
		case GM_CHANGE_ADD_ENUM:
		case GM_CHANGE_ADD_ENUM_VALUE:
		case GM_CHANGE_SWAP_ENUM:
		case GM_CHANGE_RENAME_ENUM:
		case GM_CHANGE_DROP_ENUM:
			/* no enum types: labels live on the columns (MODIFY_COLUMN rebuilds) */
			break;
		case GM_CHANGE_ADD_OBJECT:
		case GM_CHANGE_DROP_OBJECT:
		case GM_CHANGE_REPLACE_OBJECT:
			break; /* gm_sqlite_plan_objects, before and after */
		}
	}
	gm_sqlite_plan_objects(out, changes, true);
	if (!none)
		free(carried.dependents);
	gm_buf_release(&b);
	gm_schema_free(none);
	return 0;
}
