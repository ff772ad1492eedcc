/* PostgreSQL planner for extensions, sequences and domains: ALTER, never drop and create. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/diff.h"
#include "git-migrate/schema.h"
#include "dialect/postgres.h"
#include "dialect/sql.h"
#include "util/strvec.h"
#include "util/banned.h"

/*
 * The parts of a create text, as postgres_catalog_types.c writes it: the CREATE
 * statement, then (a sequence's) "ALTER SEQUENCE s OWNED BY t.c;", then "COMMENT ON ...;".
 * Each part is a copy without its trailing ';' and newline, or NULL.
 */
struct parts {
	char *main, *owned, *comment;
};

static char *part(const char *start, const char *end)
{
	size_t n = end ? (size_t)(end - start) : strlen(start);

	while (n && (start[n - 1] == '\n' || start[n - 1] == ';'))
		n--;
	return gm_xstrndup(start, n);
}

static void parts_read(struct parts *p, const char *create)
{
	const char *owned = strstr(create, "\nALTER SEQUENCE ");
	const char *comment = strstr(create, "\nCOMMENT ON ");

	p->main = part(create, owned ? owned : comment);
	p->owned = owned ? part(owned + 1, comment) : NULL;
	p->comment = comment ? part(comment + 1, NULL) : NULL;
}

static void parts_release(struct parts *p)
{
	free(p->main);
	free(p->owned);
	free(p->comment);
}

static void put_stmt(gm_buf *b, const char *stmt)
{
	gm_buf_printf(b, "%s;\n", stmt);
}

/* "COMMENT ON <what> name IS '...';" of `to`, or IS NULL when `to` has none. */
static void put_comment(gm_buf *b, const char *what, const char *name, const char *comment)
{
	if (comment) {
		put_stmt(b, comment);
		return;
	}
	gm_buf_printf(b, "COMMENT ON %s ", what);
	gm_sql_ident(b, name);
	gm_buf_puts(b, " IS NULL;\n");
}

/* ---- extensions ---- */

/*
 * Another schema: ALTER EXTENSION ... SET SCHEMA (the current one, by name at run time,
 * when `to` has no WITH SCHEMA). Another comment: COMMENT ON, or back to the control
 * file's comment (pg_available_extensions) when `to` has none.
 */
static void replace_extension(gm_buf *b, const gm_dependent *to, const struct parts *f,
			      const struct parts *t)
{
	const char *schema = strstr(t->main, " WITH SCHEMA ");
	gm_buf lit = GM_BUF_INIT;

	gm_sql_literal(&lit, to->name);
	if (!gm_str_eq(f->main, t->main) && schema) {
		gm_buf_puts(b, "ALTER EXTENSION ");
		gm_sql_ident(b, to->name);
		gm_buf_printf(b, " SET SCHEMA %s;\n", schema + 13);
	} else if (!gm_str_eq(f->main, t->main)) {
		gm_buf_printf(b,
			      "DO $$ BEGIN EXECUTE pg_catalog.format('ALTER EXTENSION %%I SET "
			      "SCHEMA %%I', %s, current_schema()); END $$;\n",
			      lit.ptr);
	}
	if (!gm_str_eq(f->comment, t->comment) && t->comment)
		put_stmt(b, t->comment);
	else if (!gm_str_eq(f->comment, t->comment))
		gm_buf_printf(b,
			      "DO $$ BEGIN EXECUTE pg_catalog.format('COMMENT ON EXTENSION %%I IS "
			      "%%L', %s, (SELECT comment FROM pg_catalog.pg_available_extensions "
			      "WHERE name = %s)); END $$;\n",
			      lit.ptr, lit.ptr);
	gm_buf_release(&lit);
}

/* ---- sequences ---- */

static void put_owned_none(gm_buf *b, const char *name)
{
	gm_buf_puts(b, "ALTER SEQUENCE ");
	gm_sql_ident(b, name);
	gm_buf_puts(b, " OWNED BY NONE;\n");
}

/*
 * ALTER SEQUENCE with every option of `to` (START WITH changes the start recorded, not
 * the current value); OWNED BY comes off before the tables change and on after them.
 */
static void replace_sequence(gm_buf *b, const gm_dependent *to, const struct parts *f,
			     const struct parts *t, enum gm_pg_phase ph)
{
	bool owner = !gm_str_eq(f->owned, t->owned);

	if (ph == GM_PG_PH_DROP_USERS && owner && f->owned)
		put_owned_none(b, to->name);
	if (ph == GM_PG_PH_CREATE_USERS && owner && t->owned)
		put_stmt(b, t->owned);
	if (ph != GM_PG_PH_ADD)
		return;
	if (!gm_str_eq(f->main, t->main)) {
		const char *opts = strstr(t->main, " AS ");
		gm_buf_puts(b, "ALTER SEQUENCE ");
		gm_sql_ident(b, to->name);
		gm_buf_printf(b, "%s;\n", opts ? opts : "");
	}
	if (!gm_str_eq(f->comment, t->comment))
		put_comment(b, "SEQUENCE", to->name, t->comment);
}

/* ---- domains ---- */

/* The clause of main (its lines after the first, "    X ...") that starts with `kw`. */
static const char *clause(const char *main, const char *kw, size_t *len)
{
	const char *p = main;
	size_t n = strlen(kw);

	while ((p = strstr(p, "\n    "))) {
		const char *end;
		p += 5;
		end = strchr(p, '\n');
		*len = end ? (size_t)(end - p) : strlen(p);
		if (!strncmp(p, kw, n))
			return p;
	}
	*len = 0;
	return NULL;
}

/* Whether `main` has the clause line `line` (len bytes). */
static bool has_clause(const char *main, const char *line, size_t len)
{
	const char *p = main;

	while ((p = strstr(p, "\n    "))) {
		p += 5;
		if (!strncmp(p, line, len) && (p[len] == '\n' || !p[len]))
			return true;
	}
	return false;
}

/* The constraint name of "CONSTRAINT name CHECK ..." (quoted as written). */
static void put_constraint_name(gm_buf *b, const char *line)
{
	const char *p = line + 11, *q = p;

	if (*q == '"')
		for (q++; *q && !(*q == '"' && q[1] != '"'); q += *q == '"' ? 2 : 1)
			;
	q = strchr(q, ' ');
	gm_buf_put(b, p, q ? (size_t)(q - p) : strlen(p));
}

static void alter_domain(gm_buf *b, const char *name)
{
	gm_buf_puts(b, "ALTER DOMAIN ");
	gm_sql_ident(b, name);
	gm_buf_putc(b, ' ');
}

/* Constraints of `from` that `to` lacks are dropped, or (add) those of `to` added. */
static void domain_checks(gm_buf *b, const char *name, const char *from, const char *to, bool add)
{
	const char *p = add ? to : from;

	while ((p = strstr(p, "\n    CONSTRAINT "))) {
		const char *end = strchr(p + 5, '\n');
		size_t len = end ? (size_t)(end - p - 5) : strlen(p + 5);

		p += 5;
		if (has_clause(add ? from : to, p, len))
			continue;
		alter_domain(b, name);
		if (add) {
			gm_buf_puts(b, "ADD ");
			gm_buf_put(b, p, len);
		} else {
			gm_buf_puts(b, "DROP CONSTRAINT ");
			put_constraint_name(b, p);
		}
		gm_buf_puts(b, ";\n");
	}
}

/* The first line (CREATE DOMAIN d AS base) and COLLATE clause, which ALTER cannot change. */
static bool same_base(const char *f, const char *t)
{
	const char *fe = strchr(f, '\n'), *te = strchr(t, '\n'), *fc, *tc;
	size_t fl = fe ? (size_t)(fe - f) : strlen(f), tl = te ? (size_t)(te - t) : strlen(t);
	size_t fn = 0, tn = 0;

	fc = clause(f, "COLLATE ", &fn);
	tc = clause(t, "COLLATE ", &tn);
	return fl == tl && !strncmp(f, t, fl) && fn == tn && (!fc || !strncmp(fc, tc, fn));
}

/*
 * A new base type or collation, which ALTER DOMAIN cannot change: swapped like an enum.
 * The old domain is renamed, the new one created, the columns of changes->from of the
 * domain converted (USING c::<new base>), the old one dropped; what uses the domain or
 * those tables (views, functions...) is dropped before and created after
 * (gm_pg_carry_dependents). A value the new base type or checks refuse fails the
 * revision, naming the column.
 */
static void swap_domain(gm_buf *b, const gm_changes *changes, const gm_dependent *to,
			const char *main)
{
	gm_strvec names = GM_STRVEC_INIT;
	gm_buf drop = GM_BUF_INIT, create = GM_BUF_INIT, alter = GM_BUF_INIT, old = GM_BUF_INIT;
	const char *base = strstr(main, " AS ") + 4, *end = strchr(base, '\n');
	size_t i, j;

	gm_strvec_push(&names, to->name);
	for (i = 0; changes->from && i < changes->from->tables_nr; i++) {
		const gm_table *t = changes->from->tables[i];
		for (j = 0; j < t->columns_nr; j++) {
			if (strcmp(t->columns[j]->type, to->name))
				continue;
			if (strcmp(names.v[names.nr - 1], t->name))
				gm_strvec_push(&names, t->name);
			gm_pg_put_alter_column(&alter, t->name, t->columns[j]->name);
			gm_buf_printf(&alter, "TYPE %s USING ", names.v[0]);
			gm_sql_ident(&alter, t->columns[j]->name);
			gm_buf_puts(&alter, "::");
			gm_buf_put(&alter, base, end ? (size_t)(end - base) : strlen(base));
			gm_buf_puts(&alter, ";\n");
		}
	}
	if (changes->from)
		gm_pg_carry_dependents(&drop, &create, changes, names.v, names.nr);
	gm_buf_printf(&old, "%s__old", to->name);
	gm_buf_puts(b, drop.ptr);
	alter_domain(b, to->name);
	gm_buf_puts(b, "RENAME TO ");
	gm_sql_ident(b, old.ptr);
	gm_buf_printf(b, ";\n%s\n%sDROP DOMAIN ", to->create, alter.ptr);
	gm_sql_ident(b, old.ptr);
	gm_buf_printf(b, ";\n%s", create.ptr);
	gm_buf_release(&old);
	gm_buf_release(&alter);
	gm_buf_release(&create);
	gm_buf_release(&drop);
	gm_strvec_release(&names);
}

/*
 * ALTER DOMAIN: constraints dropped, DEFAULT, NOT NULL, constraints added (which checks
 * the rows of the columns using it). A new base type or collation: swap_domain.
 */
static void replace_domain(gm_buf *b, const gm_changes *changes, const gm_dependent *to,
			   const struct parts *f, const struct parts *t)
{
	const char *fd, *td;
	size_t fn = 0, tn = 0;

	if (!same_base(f->main, t->main)) {
		swap_domain(b, changes, to, t->main);
		return;
	}
	domain_checks(b, to->name, f->main, t->main, false);
	fd = clause(f->main, "DEFAULT ", &fn);
	td = clause(t->main, "DEFAULT ", &tn);
	if (td && (!fd || fn != tn || strncmp(fd, td, tn))) {
		alter_domain(b, to->name);
		gm_buf_puts(b, "SET ");
		gm_buf_put(b, td, tn);
		gm_buf_puts(b, ";\n");
	} else if (fd && !td) {
		alter_domain(b, to->name);
		gm_buf_puts(b, "DROP DEFAULT;\n");
	}
	if (has_clause(f->main, "NOT NULL", 8) != has_clause(t->main, "NOT NULL", 8)) {
		alter_domain(b, to->name);
		gm_buf_printf(b, "%s NOT NULL;\n",
			      has_clause(t->main, "NOT NULL", 8) ? "SET" : "DROP");
	}
	domain_checks(b, to->name, f->main, t->main, true);
	if (!gm_str_eq(f->comment, t->comment))
		put_comment(b, "DOMAIN", to->name, t->comment);
}

/* ---- dispatch ---- */

static bool is_type_kind(const gm_dependent *d)
{
	return !strcmp(d->kind, "extension") || !strcmp(d->kind, "sequence") ||
	       !strcmp(d->kind, "domain");
}

/* An added sequence: created in ADD, its OWNED BY in CREATE_USERS. */
static void add_sequence(gm_buf *b, const gm_dependent *d, enum gm_pg_phase ph)
{
	struct parts p;

	parts_read(&p, d->create);
	if (ph == GM_PG_PH_ADD) {
		put_stmt(b, p.main);
		if (p.comment)
			put_stmt(b, p.comment);
	} else if (ph == GM_PG_PH_CREATE_USERS && p.owned) {
		put_stmt(b, p.owned);
	}
	parts_release(&p);
}

/* A dropped sequence that a column owns: OWNED BY NONE in DROP_USERS (true), before its
 * table or column goes (which would drop it); DROP SEQUENCE is the common drop. */
static bool drop_sequence(gm_buf *b, const gm_dependent *d, enum gm_pg_phase ph)
{
	struct parts p;
	bool owned;

	if (ph != GM_PG_PH_DROP_USERS)
		return false;
	parts_read(&p, d->create);
	owned = p.owned != NULL;
	parts_release(&p);
	if (owned)
		put_owned_none(b, d->name);
	return owned;
}

static void replace(gm_buf *b, const gm_changes *changes, const gm_dependent *from,
		    const gm_dependent *to, enum gm_pg_phase ph)
{
	struct parts f, t;
	bool ext = !strcmp(to->kind, "extension");

	parts_read(&f, from->create);
	parts_read(&t, to->create);
	if (!strcmp(to->kind, "sequence"))
		replace_sequence(b, to, &f, &t, ph);
	else if (ext && ph == GM_PG_PH_PRE)
		replace_extension(b, to, &f, &t);
	else if (!ext && ph == GM_PG_PH_ADD)
		replace_domain(b, changes, to, &f, &t);
	parts_release(&f);
	parts_release(&t);
}

bool gm_pg_plan_type(gm_buf *b, const gm_changes *changes, const gm_change *ch, enum gm_pg_phase ph)
{
	const gm_dependent *d = ch->object_to ? ch->object_to : ch->object_from;

	if (!d || !is_type_kind(d))
		return false;
	switch (ch->kind) {
	case GM_CHANGE_ADD_OBJECT:
		if (strcmp(d->kind, "sequence"))
			return false;
		add_sequence(b, d, ph);
		return true;
	case GM_CHANGE_DROP_OBJECT:
		return !strcmp(d->kind, "sequence") && drop_sequence(b, d, ph);
	case GM_CHANGE_REPLACE_OBJECT:
		replace(b, changes, ch->object_from, ch->object_to, ph);
		return true;
	default:
		return false;
	}
}
