/* Unit tests of core/diff.c: schema × schema → ordered change list. */
#include <stdbool.h>
#include <stdlib.h>
#include "gm_test.h"
#include "schema_int.h"
#include "diff_int.h"

/*
 * Schemas are written in a tiny line language (';' or newline separates lines, tokens are
 * separated by spaces, "double quotes" group a token with spaces):
 *
 *   enum NAME [was=OLD] [at=ORIGIN] LABEL...
 *   table NAME [was=OLD] [at=ORIGIN] [comment=TEXT]
 *   col NAME TYPE [notnull] [identity] [default=V] [sql=EXPR] [comment=T] [was=OLD]
 *                 [at=ORIGIN] [labels=a,b,c]
 *   pk [name=N] [comment=T] COL...      (name defaults to <table>_pkey)
 *   index NAME [unique] [constraint] [where=W] [expr=E] [comment=T] COL...
 *   fkey NAME COL[,COL] REFTABLE REFCOL[,REFCOL] [delete=ACTION] [update=ACTION] [comment=T]
 *   check NAME EXPR [comment=T]
 *
 * Lines after a `table` line belong to that table.
 */
#define MAX_TOK 32

static size_t tokenize(char *line, char **tok)
{
	size_t n = 0;
	char *r = line, *w;

	for (;;) {
		while (*r == ' ' || *r == '\t')
			r++;
		if (!*r || n == MAX_TOK)
			return n;
		tok[n++] = w = r;
		while (*r && *r != ' ' && *r != '\t') {
			if (*r == '"') {
				for (r++; *r && *r != '"'; r++)
					*w++ = *r;
				if (*r)
					r++;
			} else {
				*w++ = *r++;
			}
		}
		if (*r)
			r++;
		*w = '\0';
	}
}

static const char *opt(const char *tok, const char *key)
{
	size_t n = strlen(key);
	return !strncmp(tok, key, n) && tok[n] == '=' ? tok + n + 1 : NULL;
}

static void split_commas(char *s, void (*add)(void *, const char *), void *obj)
{
	char *p;
	for (p = strchr(s, ','); p; s = p + 1, p = strchr(s, ',')) {
		*p = '\0';
		add(obj, s);
	}
	add(obj, s);
}

static void add_col_label(void *c, const char *l)
{
	gm_column_add_label(c, l);
}

static gm_schema *build(const char *text)
{
	gm_schema *s;
	gm_table *t = NULL;
	char *copy = strdup(text), *line, *next;
	char *tok[MAX_TOK];
	size_t n, i;

	gm_schema_new(&s);
	for (line = copy; line; line = next) {
		next = strpbrk(line, ";\n");
		if (next)
			*next++ = '\0';
		n = tokenize(line, tok);
		if (!n)
			continue;
		if (!strcmp(tok[0], "enum")) {
			gm_enum *e = gm_schema_add_enum(s, tok[1]);
			for (i = 2; i < n; i++) {
				if (opt(tok[i], "was"))
					gm_set_str(&e->was, opt(tok[i], "was"));
				else if (opt(tok[i], "at"))
					gm_set_str(&e->origin, opt(tok[i], "at"));
				else
					gm_enum_add_label(e, tok[i]);
			}
		} else if (!strcmp(tok[0], "table")) {
			t = gm_schema_add_table(s, tok[1]);
			for (i = 2; i < n; i++) {
				if (opt(tok[i], "was"))
					gm_set_str(&t->was, opt(tok[i], "was"));
				else if (opt(tok[i], "at"))
					gm_set_str(&t->origin, opt(tok[i], "at"));
				else if (opt(tok[i], "comment"))
					gm_set_str(&t->comment, opt(tok[i], "comment"));
				else
					fail_msg("bad table token '%s'", tok[i]);
			}
		} else if (!strcmp(tok[0], "col")) {
			gm_column *c = gm_table_add_column(t, tok[1], tok[2]);
			for (i = 3; i < n; i++) {
				if (!strcmp(tok[i], "notnull"))
					c->nullable = false;
				else if (!strcmp(tok[i], "identity"))
					c->identity = true;
				else if (opt(tok[i], "default"))
					gm_column_set_default(c, GM_DEFAULT_LITERAL,
							      opt(tok[i], "default"));
				else if (opt(tok[i], "sql"))
					gm_column_set_default(c, GM_DEFAULT_SQL,
							      opt(tok[i], "sql"));
				else if (opt(tok[i], "comment"))
					gm_set_str(&c->comment, opt(tok[i], "comment"));
				else if (opt(tok[i], "was"))
					gm_set_str(&c->was, opt(tok[i], "was"));
				else if (opt(tok[i], "at"))
					gm_set_str(&c->origin, opt(tok[i], "at"));
				else if (opt(tok[i], "labels"))
					split_commas((char *)opt(tok[i], "labels"), add_col_label,
						     c);
				else
					fail_msg("bad col token '%s'", tok[i]);
			}
		} else if (!strcmp(tok[0], "pk")) {
			gm_buf name = GM_BUF_INIT;
			gm_name_pkey(&name, t->name);
			for (i = 1; i < n; i++) {
				if (opt(tok[i], "name")) {
					gm_buf_clear(&name);
					gm_buf_puts(&name, opt(tok[i], "name"));
				} else if (opt(tok[i], "comment"))
					gm_set_str(&t->pk_comment, opt(tok[i], "comment"));
				else
					gm_table_add_pk(t, tok[i]);
			}
			gm_set_str(&t->pk_name, name.ptr);
			gm_buf_release(&name);
		} else if (!strcmp(tok[0], "index")) {
			gm_index *ix = gm_table_add_index(t, tok[1]);
			for (i = 2; i < n; i++) {
				if (!strcmp(tok[i], "unique"))
					ix->unique = true;
				else if (!strcmp(tok[i], "constraint"))
					ix->constraint = true;
				else if (opt(tok[i], "where"))
					gm_set_str(&ix->where, opt(tok[i], "where"));
				else if (opt(tok[i], "expr"))
					gm_set_str(&ix->expr, opt(tok[i], "expr"));
				else if (opt(tok[i], "comment"))
					gm_set_str(&ix->comment, opt(tok[i], "comment"));
				else
					gm_index_add_column(ix, tok[i]);
			}
		} else if (!strcmp(tok[0], "fkey")) {
			gm_fkey *fk = gm_table_add_fkey(t, tok[1], tok[3]);
			char *cols = tok[2], *refs = tok[4], *cp, *rp;
			for (;;) {
				cp = strchr(cols, ',');
				rp = strchr(refs, ',');
				if (cp)
					*cp = '\0';
				if (rp)
					*rp = '\0';
				gm_fkey_add_pair(fk, cols, refs);
				if (!cp || !rp)
					break;
				cols = cp + 1;
				refs = rp + 1;
			}
			for (i = 5; i < n; i++) {
				if (opt(tok[i], "delete"))
					gm_set_str(&fk->on_delete, opt(tok[i], "delete"));
				else if (opt(tok[i], "update"))
					gm_set_str(&fk->on_update, opt(tok[i], "update"));
				else if (opt(tok[i], "comment"))
					gm_set_str(&fk->comment, opt(tok[i], "comment"));
				else
					fail_msg("bad fkey token '%s'", tok[i]);
			}
		} else if (!strcmp(tok[0], "check")) {
			gm_check *ck = gm_table_add_check(t, tok[1], tok[2]);
			if (n > 3)
				gm_set_str(&ck->comment, opt(tok[3], "comment"));
		} else {
			fail_msg("bad line '%s'", line);
		}
	}
	free(copy);
	return s;
}

/* Diff two schema texts; returns the gm_changes_describe text (caller frees). */
static char *describe(const char *before, const char *after, unsigned flags)
{
	gm_schema *a = build(before), *b = build(after);
	gm_changes ch = GM_CHANGES_INIT;
	gm_buf out = GM_BUF_INIT;

	assert_gm_ok(gm_diff(&ch, a, b, flags));
	assert_ptr_equal(ch.from, a);
	assert_ptr_equal(ch.to, b);
	gm_changes_describe(&out, &ch);
	gm_changes_release(&ch);
	gm_schema_free(b);
	gm_schema_free(a);
	return gm_buf_detach(&out);
}

#define DEALS                                                                                \
	"enum dealcurrency USD EUR\n"                                                        \
	"table contacts; col id integer notnull; col email varchar(200) notnull; pk id\n"    \
	"index contacts_email_key unique constraint email\n"                                 \
	"table deals comment=\"Sales deals\"; col id bigint notnull identity\n"              \
	"col title varchar(120) notnull; col amount numeric(12,2) notnull default=0\n"       \
	"col currency dealcurrency notnull default=USD; col contact_id integer\n"            \
	"col created_at timestamptz notnull sql=now(); pk id; index deals_title_idx title\n" \
	"index ux_deals_contact_title unique contact_id title\n"                             \
	"fkey deals_contact_id_fkey contact_id contacts id delete=cascade\n"                 \
	"check amount_positive \"amount >= 0\"\n"

#define CHAIN3                                                                 \
	"table a; col b_id integer; fkey a_b_fkey b_id b id\n"                 \
	"table b; col id integer; col c_id integer; fkey b_c_fkey c_id c id\n" \
	"table c; col id integer\n"

#define CYCLE                                                                  \
	"table w; col x_id integer; fkey w_x_fkey x_id x id\n"                 \
	"table x; col id integer; col y_id integer; fkey x_y_fkey y_id y id\n" \
	"table y; col id integer; col x_id integer; fkey y_x_fkey x_id x id\n" \
	"table n; col id integer; col parent integer; fkey n_parent_fkey parent n id\n"

/* Table t with a key of each kind that takes a comment (arguments: "comment=x" or ""). */
#define KEYS(ix, uq, fk, ck, pk)                                                                \
	"table t; col a integer; index t_a_idx a " ix "; index t_a_key unique constraint a " uq \
	"; fkey t_a_fkey a t a " fk "; check t_a_check a>0 " ck "; pk a " pk

static const struct {
	const char *name, *before, *after;
	unsigned flags;
	const char *expect;
} cases[] = {
	{ "empty schemas", "", "", 0, "" },
	{ "identical schemas", DEALS, DEALS, 0, "" },
	{ "identical schemas, reverse", DEALS, DEALS, GM_DIFF_REVERSE, "" },

	/* enums */
	{ "new enum and a table using it", "",
	  "enum mood happy sad; table people; col id integer notnull; col m mood; pk id", 0,
	  "add enum mood\nadd table people\n" },
	{ "existing enum used by a new table", "enum mood happy sad",
	  "enum mood happy sad; table people; col m mood", 0, "add table people\n" },
	{ "enum dropped after the tables using it", "enum mood happy; table people; col m mood", "",
	  0, "drop table people\ndrop enum mood\n" },
	{ "enum label appended", "enum dealcurrency USD EUR", "enum dealcurrency USD EUR BTC", 0,
	  "add value 'BTC' to enum dealcurrency\n" },
	{ "enum label inserted at the start", "enum e b c", "enum e a b c", 0,
	  "add value 'a' to enum e\n" },
	{ "enum label inserted in the middle", "enum e a c", "enum e a b c", 0,
	  "add value 'b' to enum e\n" },
	{ "several enum labels inserted", "enum e c e", "enum e a b c d e f g", 0,
	  "add value 'b' to enum e\nadd value 'a' to enum e\nadd value 'd' to enum e\n"
	  "add value 'f' to enum e\nadd value 'g' to enum e\n" },
	{ "enum label removed", "enum contacteventstatus active archived done",
	  "enum contacteventstatus active done", 0,
	  "swap enum contacteventstatus (remove 'archived')\n" },
	{ "enum labels reordered", "enum e a b c", "enum e a c b", 0, "swap enum e (reorder)\n" },
	{ "enum label replaced", "enum e a b", "enum e a c", 0,
	  "swap enum e (remove 'b'; add 'c')\n" },
	{ "enum renamed, label added, columns follow",
	  "enum old a; table t; col s old; col s2 old[]",
	  "enum new was=old a b; table t; col s new; col s2 new[]", 0,
	  "rename enum old to new\nadd value 'b' to enum new\n" },
	{ "stale enum hint: old name absent", "enum a x", "enum b was=zzz x", 0,
	  "add enum b\ndrop enum a\n" },
	{ "stale enum hint: new name already there", "enum a x; enum b y", "enum b was=a y", 0,
	  "drop enum a\n" },

	/* tables */
	{ "table renamed", "table a; col id integer", "table b was=a; col id integer", 0,
	  "rename table a to b\n" },
	{ "table renamed and modified", "table a; col id integer",
	  "table b was=a; col id integer; col x text", 0, "rename table a to b\nadd column b.x\n" },
	{ "stale table hint: old name absent", "table a", "table b was=zzz", 0,
	  "add table b\ndrop table a\n" },
	{ "stale table hint: new name already there", "table a; table b", "table b was=a", 0,
	  "drop table a\n" },
	{ "stale table hint: old name kept", "table a", "table a; table b was=a", 0,
	  "add table b\n" },
	{ "table comment", "table t comment=x; col a integer", "table t comment=y; col a integer",
	  0, "change comment of table t\n" },

	/* columns */
	{ "columns added, dropped, changed",
	  "table deals; col id integer notnull; col notes text; col amount integer\n"
	  "col title varchar(120)",
	  "table deals; col id integer notnull; col amount bigint; col title varchar(120) notnull\n"
	  "col summary text",
	  0,
	  "drop column deals.notes\nadd column deals.summary\n"
	  "change type of deals.amount from integer to bigint\nmake deals.title not null\n" },
	{ "column defaults, identity, comment",
	  "table t; col a integer; col b text default=x; col c text sql=now()\n"
	  "col d integer notnull; col e text comment=hi; col f text default=now(); col g text notnull",
	  "table t; col a integer default=0; col b text default=y; col c text\n"
	  "col d integer notnull identity; col e text comment=bye; col f text sql=now(); col g text",
	  0,
	  "set default of t.a\nchange default of t.b\ndrop default of t.c\nadd identity to t.d\n"
	  "change comment of t.e\nchange default of t.f\nmake t.g nullable\n" },
	{ "column renamed and changed", "table t; col a integer",
	  "table t; col b integer was=a notnull", 0,
	  "rename column t.a to b\nmake t.b not null\n" },
	{ "stale column hint", "table t; col a integer", "table t; col b integer was=zzz", 0,
	  "drop column t.a\nadd column t.b\n" },
	{ "emulated enum labels", "table t; col s text labels=a,b; col u text",
	  "table t; col s text labels=a,b,c; col u text labels=x", 0,
	  "change values of t.s (add 'c')\nchange values of t.u (add 'x')\n" },
	{ "emulated enum labels removed", "table t; col s text labels=a,b,c",
	  "table t; col s text labels=c,a", 0, "change values of t.s (remove 'b'; reorder)\n" },

	/* indexes, foreign keys, checks, primary keys */
	{ "indexes added, dropped, changed",
	  "table t; col a integer; col b integer; index t_a_idx a; index t_b_idx b; index gone_idx a",
	  "table t; col a integer; col b integer; index t_a_idx a; index t_b_idx unique b\n"
	  "index t_a_b_key unique constraint a b",
	  0,
	  "drop index gone_idx\ndrop index t_b_idx\nadd unique constraint t_a_b_key\n"
	  "add index t_b_idx\n" },
	{ "index predicate and expression",
	  "table t; col a text; index i1 a where=\"a > 0\"; index i2 expr=lower(a)\n"
	  "index i3 a; index i4 constraint unique a",
	  "table t; col a text; index i1 a where=\"a>0\"; index i2 expr=upper(a)\n"
	  "index i3 a where=\"a is not null\"; index i4 unique a",
	  0,
	  "drop index i2\ndrop index i3\ndrop unique constraint i4\nadd index i2\n"
	  "add index i3\nadd index i4\n" },
	{ "foreign keys",
	  "table p; col id integer; table t; col pid integer; col qid integer\n"
	  "fkey t_pid_fkey pid p id; fkey t_qid_fkey qid p id; fkey t_old_fkey qid p id",
	  "table p; col id integer; table t; col pid integer; col qid integer\n"
	  "fkey t_pid_fkey pid p id delete=cascade; fkey t_qid_fkey qid p id update=\"no action\"",
	  0,
	  "drop foreign key t_old_fkey\ndrop foreign key t_pid_fkey\nadd foreign key t_pid_fkey\n" },
	{ "foreign key target changed",
	  "table p; col id integer; col k integer; table q; col id integer\n"
	  "table t; col pid integer; fkey f1 pid p id; fkey f2 pid p id; fkey f3 pid p id update=cascade",
	  "table p; col id integer; col k integer; table q; col id integer\n"
	  "table t; col pid integer; fkey f1 pid q id; fkey f2 pid p k; fkey f3 pid p id",
	  0,
	  "drop foreign key f1\ndrop foreign key f2\ndrop foreign key f3\n"
	  "add foreign key f1\nadd foreign key f2\nadd foreign key f3\n" },
	{ "checks, whitespace ignored",
	  "table t; col amount integer; col a integer\n"
	  "check amount_positive \"amount >= 0\"; check c2 \"a > 1\"; check c3 x\n"
	  "check c5 \"a = 'x  y'\"",
	  "table t; col amount integer; col a integer\n"
	  "check amount_positive \"amount>=0\"; check c2 \"a > 2\"; check c4 y\n"
	  "check c5 \"a = 'x y'\"",
	  0,
	  "drop check c2\ndrop check c3\ndrop check c5\nadd check c2\nadd check c4\n"
	  "add check c5\n" },
	{ "primary key order", "table t; col a integer notnull; col b integer notnull; pk a b",
	  "table t; col a integer notnull; col b integer notnull; pk b a", 0,
	  "change primary key of t\n" },
	{ "primary key name", "table t; col a integer notnull; pk a",
	  "table t; col a integer notnull; pk name=t_primary a", 0, "change primary key of t\n" },
	{ "primary key added", "table t; col a integer notnull",
	  "table t; col a integer notnull; pk a", 0, "change primary key of t\n" },
	{ "order within a table",
	  "table p; col id integer\n"
	  "table t; col id integer notnull; col old text; col ren integer; col typ integer\n"
	  "col gone_ref integer; pk id; index t_old_idx old\n"
	  "fkey t_gone_ref_fkey gone_ref p id; check t_old_check \"old <> ''\"",
	  "table p; col id integer\n"
	  "table t comment=c; col id integer notnull; col newname integer was=ren; col typ bigint\n"
	  "col added text; col ref integer; pk id typ; index t_added_idx added\n"
	  "fkey t_ref_fkey ref p id; check t_added_check \"added <> ''\"",
	  0,
	  "drop foreign key t_gone_ref_fkey\ndrop check t_old_check\ndrop index t_old_idx\n"
	  "drop column t.old\ndrop column t.gone_ref\nrename column t.ren to newname\n"
	  "add column t.added\nadd column t.ref\nchange type of t.typ from integer to bigint\n"
	  "change primary key of t\nadd index t_added_idx\nadd check t_added_check\n"
	  "add foreign key t_ref_fkey\nchange comment of table t\n" },

	/* renames seen through by the objects that name them */
	{ "renamed table and column referenced by a foreign key",
	  "table a; col id integer; table t; col a_id integer; fkey t_a_fkey a_id a id",
	  "table b was=a; col key integer was=id; table t; col a_id integer; fkey t_a_fkey a_id b key",
	  0, "rename table a to b\nrename column b.id to key\n" },
	{ "renamed column in the key, an index and a check",
	  "table t; col a integer notnull; pk a; index t_a_idx a; check t_a_check \"a > 0\"\n"
	  "index t_w_idx a where=\"\\\"a\\\" > 1\"",
	  "table t; col b integer notnull was=a; pk b; index t_a_idx b; check t_a_check \"b > 0\"\n"
	  "index t_w_idx b where=\"\\\"b\\\" > 1\"",
	  0, "rename column t.a to b\n" },

	/* order of the whole list */
	{ "foreign-key order of new tables", "", CHAIN3, 0,
	  "add table c\nadd table b\nadd table a\n" },
	{ "new tables: self reference and a cycle", "", CYCLE, 0,
	  "add table n\nadd table x\nadd table w\nadd table y\n" },
	{ "new tables referencing existing ones", "table a; col id integer",
	  "table a; col id integer; table z; col a_id integer; fkey z_a_fkey a_id a id\n"
	  "table b; col z_id integer; fkey b_z_fkey z_id z id",
	  0, "add table z\nadd table b\n" },
	{ "reverse foreign-key order of drops", CHAIN3, "", 0,
	  "drop table a\ndrop table b\ndrop table c\n" },
	{ "drops: self reference and a cycle", CYCLE, "", 0,
	  "drop table n\ndrop table w\ndrop table x\ndrop table y\n" },
	{ "order of kinds",
	  "enum gone x; enum e a; table old; col id integer; table keep; col id integer\n"
	  "table dropme; col id integer",
	  "enum e a b; enum newe y; table new was=old; col id integer; table keep; col id integer\n"
	  "col n text; table added; col id integer",
	  0,
	  "add enum newe\nadd value 'b' to enum e\nrename table old to new\nadd table added\n"
	  "add column keep.n\ndrop table dropme\ndrop enum gone\n" },

	/* rename hints in the down direction */
	{ "reverse: hints read from `from`", "enum f was=e l; table b was=a; col y integer was=x",
	  "enum e l; table a; col x integer", GM_DIFF_REVERSE,
	  "rename enum f to e\nrename table b to a\nrename column a.y to x\n" },
	{ "forward ignores the hints of `from`",
	  "enum f was=e l; table b was=a; col y integer was=x", "enum e l; table a; col x integer",
	  0, "add enum e\nadd table a\ndrop table b\ndrop enum f\n" },
	{ "reverse ignores the hints of `to`", "table a; col x integer",
	  "table b was=a; col x integer", GM_DIFF_REVERSE, "add table b\ndrop table a\n" },
	{ "reverse: stale hint", "table b was=zzz", "table a", GM_DIFF_REVERSE,
	  "add table a\ndrop table b\n" },
	{ "reverse: column hint", "table t; col y integer was=x", "table t; col x integer",
	  GM_DIFF_REVERSE, "rename column t.y to x\n" },
	{ "two stale hints naming one absent object", "", "table b was=zzz; table c was=zzz", 0,
	  "add table b\nadd table c\n" },

	/* comments of indexes and constraints: a comment-only change is never a re-creation */
	{ "comments changed, added, removed: comment changes only, kept keys first",
	  KEYS("comment=x", "", "", "comment=w", "comment=p"),
	  KEYS("comment=y", "comment=u", "comment=f", "", "comment=p"), 0,
	  "change comment of index t_a_idx on t\nchange comment of unique constraint t_a_key "
	  "on t\nchange comment of foreign key t_a_fkey on t\nchange comment of check "
	  "t_a_check on t\n" },
	{ "same comments", KEYS("comment=x", "", "comment=f", "", "comment=p"),
	  KEYS("comment=x", "", "comment=f", "", "comment=p"), 0, "" },
	{ "primary key comment", KEYS("", "", "", "", ""), KEYS("", "", "", "", "comment=p"), 0,
	  "change comment of primary key t_pkey on t\n" },
	{ "a key created again carries its comment: no comment change",
	  "table t; col a integer; col b integer; index t_a_idx a comment=x; pk a comment=p",
	  "table t; col a integer; col b integer; index t_a_idx b comment=y; pk b comment=q", 0,
	  "drop index t_a_idx\nchange primary key of t\nadd index t_a_idx\n" },
	{ "a new key with a comment is an add only", "table t; col a integer",
	  "table t; col a integer; check t_a_check a>0 comment=c", 0, "add check t_a_check\n" },
};

static void test_diff__cases(void **state)
{
	size_t i;
	int failed = 0;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = describe(cases[i].before, cases[i].after, cases[i].flags);
		if (strcmp(got, cases[i].expect)) {
			print_error("case '%s':\n--- expected\n%s--- got\n%s---\n", cases[i].name,
				    cases[i].expect, got);
			failed++;
		}
		free(got);
	}
	assert_int_equal(failed, 0);
}

/* "label<before" / "label>after" / "label" for each ADD_ENUM_VALUE. */
static char *neighbours(const char *before, const char *after)
{
	gm_schema *a = build(before), *b = build(after);
	gm_changes ch = GM_CHANGES_INIT;
	gm_buf out = GM_BUF_INIT;
	size_t i;

	assert_gm_ok(gm_diff(&ch, a, b, 0));
	for (i = 0; i < ch.nr; i++) {
		const gm_change *c = &ch.v[i];
		assert_int_equal(c->kind, GM_CHANGE_ADD_ENUM_VALUE);
		assert_ptr_equal(c->enum_from, a->enums[0]);
		assert_ptr_equal(c->enum_to, b->enums[0]);
		assert_false(c->before && c->after);
		gm_buf_printf(&out, "%s%s%s%s%s ", c->label, c->before ? "<" : "",
			      c->before ? c->before : "", c->after ? ">" : "",
			      c->after ? c->after : "");
	}
	gm_changes_release(&ch);
	gm_schema_free(b);
	gm_schema_free(a);
	return gm_buf_detach(&out);
}

/* neighbours(before, after) must be expect. */
static void neighbours_are(const char *before, const char *after, const char *expect)
{
	char *s = neighbours(before, after);
	assert_string_equal(s, expect);
	free(s);
}

static void test_diff__enum_value_neighbours_exist(void **state)
{
	neighbours_are("enum e a b", "enum e a b c", "c>b ");
	neighbours_are("enum e b c", "enum e a b c", "a<b ");
	neighbours_are("enum e a c", "enum e a b c", "b>a ");
	neighbours_are("enum e c e", "enum e a b c d e f g", "b<c a<b d>c f>e g>f ");
	neighbours_are("enum e", "enum e a b", "a b>a ");
}

static void test_diff__list_borrows_from_the_schemas(void **state)
{
	gm_schema *a = build("enum e x; table t; col a integer; col b text; index t_b_idx b\n"
			     "table gone; col id integer");
	gm_schema *b = build("enum e x y; table u was=t; col a bigint; col c text was=b\n"
			     "index t_b_idx a; table added; col id integer");
	gm_changes ch = GM_CHANGES_INIT;
	const gm_change *c;

	assert_gm_ok(gm_diff(&ch, a, b, 0));
	assert_ptr_equal(ch.from, a);
	assert_ptr_equal(ch.to, b);
	assert_int_equal(ch.nr, 5);

	c = &ch.v[0];
	assert_int_equal(c->kind, GM_CHANGE_ADD_ENUM_VALUE);
	assert_string_equal(c->label, "y");
	assert_ptr_equal(c->label, b->enums[0]->labels[1]);
	assert_ptr_equal(c->after, b->enums[0]->labels[0]);

	c = &ch.v[1];
	assert_int_equal(c->kind, GM_CHANGE_RENAME_TABLE);
	assert_ptr_equal(c->from, a->tables[0]);
	assert_ptr_equal(c->to, b->tables[0]);
	assert_int_equal(c->tchanges_nr, 0);

	assert_int_equal(ch.v[2].kind, GM_CHANGE_ADD_TABLE);
	assert_ptr_equal(ch.v[2].to, b->tables[1]);

	c = &ch.v[3];
	assert_int_equal(c->kind, GM_CHANGE_MODIFY_TABLE);
	assert_ptr_equal(c->from, a->tables[0]);
	assert_ptr_equal(c->to, b->tables[0]);
	assert_int_equal(c->tchanges_nr, 4);
	assert_int_equal(c->tchanges[0].kind, GM_TCHANGE_DROP_INDEX);
	assert_ptr_equal(c->tchanges[0].index_from, a->tables[0]->indexes[0]);
	assert_int_equal(c->tchanges[1].kind, GM_TCHANGE_RENAME_COLUMN);
	assert_ptr_equal(c->tchanges[1].col_from, a->tables[0]->columns[1]);
	assert_ptr_equal(c->tchanges[1].col_to, b->tables[0]->columns[1]);
	assert_int_equal(c->tchanges[2].kind, GM_TCHANGE_MODIFY_COLUMN);
	assert_ptr_equal(c->tchanges[2].col_from, a->tables[0]->columns[0]);
	assert_ptr_equal(c->tchanges[2].col_to, b->tables[0]->columns[0]);
	assert_int_equal(c->tchanges[2].coldiff, GM_COLDIFF_TYPE);
	assert_int_equal(c->tchanges[3].kind, GM_TCHANGE_ADD_INDEX);
	assert_ptr_equal(c->tchanges[3].index_to, b->tables[0]->indexes[0]);

	assert_int_equal(ch.v[4].kind, GM_CHANGE_DROP_TABLE);
	assert_ptr_equal(ch.v[4].from, a->tables[1]);

	gm_changes_release(&ch);
	assert_null(ch.v);
	assert_int_equal(ch.nr, 0);
	gm_changes_release(&ch); /* twice is fine */
	gm_schema_free(b);
	gm_schema_free(a);
}

static void test_diff__column_diff_bits(void **state)
{
	gm_schema *a = build("table t; col c integer; col e text labels=a");
	gm_schema *b = build("table t; col c bigint notnull default=1 identity comment=x\n"
			     "col e text labels=b");
	gm_changes ch = GM_CHANGES_INIT;
	gm_buf out = GM_BUF_INIT;

	assert_gm_ok(gm_diff(&ch, a, b, 0));
	assert_int_equal(ch.nr, 1);
	assert_int_equal(ch.v[0].tchanges_nr, 2);
	assert_int_equal(ch.v[0].tchanges[0].coldiff,
			 GM_COLDIFF_TYPE | GM_COLDIFF_NULL | GM_COLDIFF_DEFAULT |
				 GM_COLDIFF_IDENTITY | GM_COLDIFF_COMMENT);
	assert_int_equal(ch.v[0].tchanges[1].coldiff, GM_COLDIFF_TYPE);
	gm_changes_describe(&out, &ch);
	assert_string_equal(out.ptr, "change type of t.c from integer to bigint\n"
				     "make t.c not null\nset default of t.c\nadd identity to t.c\n"
				     "change comment of t.c\n"
				     "change values of t.e (remove 'a'; add 'b')\n");
	gm_buf_release(&out);
	gm_changes_release(&ch);
	gm_schema_free(b);
	gm_schema_free(a);
}

static void expect_conflict(const char *before, const char *after, unsigned flags,
			    const char *message)
{
	gm_schema *a = build(before), *b = build(after);
	gm_changes ch = GM_CHANGES_INIT;

	gm_error_clear();
	assert_gm_fails(GM_EINVALID, message, gm_diff(&ch, a, b, flags));
	assert_null(ch.v);
	assert_int_equal(ch.nr, 0);
	gm_schema_free(b);
	gm_schema_free(a);
}

static void test_diff__conflicting_hints(void **state)
{
	expect_conflict("table a", "table b was=a at=m.yml:1:3; table c was=a at=m.yml:5:3", 0,
			"tables 'b' (m.yml:1:3) and 'c' (m.yml:5:3) are both renamed from 'a'");
	expect_conflict(
		"table t; col a integer",
		"table t; col b integer was=a at=m.yml:3:7; col c integer was=a at=m.yml:4:7", 0,
		"columns 't.b' (m.yml:3:7) and 't.c' (m.yml:4:7) are both renamed from 't.a'");
	expect_conflict("enum e x", "enum f was=e x at=m.yml:2:3; enum g was=e x", 0,
			"enums 'f' (m.yml:2:3) and 'g' are both renamed from 'e'");
	expect_conflict("table b was=a at=x.yml:1:3; table c was=a at=x.yml:2:3", "table a",
			GM_DIFF_REVERSE,
			"tables 'b' (x.yml:1:3) and 'c' (x.yml:2:3) are both renamed from 'a'");
	assert_non_null(gm_error_last()->hint);
}

/* Equal schemas declared in another order give the same list; so does a second run. */
static void test_diff__deterministic(void **state)
{
	const char *before1 =
		"enum e1 a; enum e2 a; table t1; col a integer; index i2 a; index i1 a\n"
		"check c2 \"a > 1\"; check c1 \"a > 0\"; fkey f2 a t2 id; fkey f1 a t2 id\n"
		"table t2; col id integer\ntable t3; col id integer; table t4; col id integer";
	const char *before2 =
		"table t4; col id integer; table t3; col id integer; table t2; col id integer\n"
		"table t1; col a integer; index i1 a; index i2 a\n"
		"check c1 \"a > 0\"; check c2 \"a > 1\"; fkey f1 a t2 id; fkey f2 a t2 id\n"
		"enum e2 a; enum e1 a";
	const char *after1 =
		"enum n1 x; enum n2 x; table t1; col a text\n"
		"table t2; col id integer; table t5; col id integer; table t6; col id integer";
	const char *after2 = "table t6; col id integer; table t5; col id integer\n"
			     "table t2; col id integer; table t1; col a text; enum n2 x; enum n1 x";
	const char *expect =
		"add enum n1\nadd enum n2\nadd table t5\nadd table t6\n"
		"drop foreign key f1\ndrop foreign key f2\ndrop check c1\ndrop check c2\n"
		"drop index i1\ndrop index i2\nchange type of t1.a from integer to text\n"
		"drop table t3\ndrop table t4\ndrop enum e1\ndrop enum e2\n";
	char *s;

	s = describe(before1, after1, 0);
	assert_string_equal(s, expect);
	free(s);
	s = describe(before2, after2, 0);
	assert_string_equal(s, expect);
	free(s);
	s = describe(before1, after2, 0);
	assert_string_equal(s, expect);
	free(s);
}

/* gm_schema_fk_order: "x>y" makes x reference y; the order as "a b c". */
static char *fk_order_of(const char *const *refs, size_t nrefs, const char *const *names, size_t n,
			 bool children_first)
{
	gm_schema *s;
	const gm_table **order;
	gm_buf b = GM_BUF_INIT;
	size_t i;

	gm_schema_new(&s);
	for (i = 0; i < n; i++)
		gm_schema_add_table(s, names[i]);
	for (i = 0; i < nrefs; i++) {
		char from[2] = { refs[i][0], 0 }, to[2] = { refs[i][2], 0 };
		gm_table_add_fkey(gm_schema_table(s, from), NULL, to);
	}
	gm_schema_fk_order(&order, (const gm_table *const *)s->tables, n, children_first);
	for (i = 0; i < n; i++)
		gm_buf_printf(&b, "%s%s", i ? " " : "", order[i]->name);
	free(order);
	gm_schema_free(s);
	return gm_buf_detach(&b);
}

static void test_diff__fk_order(void **state)
{
	static const char *const names[] = { "e", "d", "c", "b", "a" };
	/* a hangs off the cycle c<->d; b references itself and a table not listed */
	static const char *const refs[] = { "a>c", "c>d", "d>c", "b>b", "b>z", "e>a" };
	char *got;
	(void)state;

	got = fk_order_of(refs, 6, names, 5, false);
	assert_string_equal(got, "b c a d e");
	free(got);
	got = fk_order_of(refs, 6, names, 5, true);
	assert_string_equal(got, "b e a c d");
	free(got);
	got = fk_order_of(refs, 0, names, 0, false);
	assert_string_equal(got, "");
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diff__cases),
		cmocka_unit_test(test_diff__enum_value_neighbours_exist),
		cmocka_unit_test(test_diff__list_borrows_from_the_schemas),
		cmocka_unit_test(test_diff__column_diff_bits),
		cmocka_unit_test(test_diff__conflicting_hints),
		cmocka_unit_test(test_diff__deterministic),
		cmocka_unit_test(test_diff__fk_order),
	};
	return cmocka_run_group_tests_name("diff", tests, NULL, NULL);
}
