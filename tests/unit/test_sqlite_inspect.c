/*
 * Unit tests of the SQLite dialect's connection side (core/dialect/sqlite.c) and its
 * inspector (core/dialect/sqlite_inspect.c), against real SQLite files in a temp dir.
 */
#include <stdlib.h>
#include <unistd.h>
#include <sqlite3.h>
#include "gm_test.h"
#include "dialect/sqlite.h"
#include "type.h"
#include "db_int.h"
#include "schema_int.h"

#define CHINOOK "/work/shared/realworld/datasets/chinook/chinook_sqlite.sql.gz"

static char dir[4096];

GM_TEST_TMPDIR_FIXTURES(setup, teardown, dir, "gm_test_sqlite_")

static gm_conn *open_db(const char *name)
{
	gm_buf path = GM_BUF_INIT;
	gm_url url;
	gm_conn *conn = NULL;

	memset(&url, 0, sizeof(url));
	gm_buf_printf(&path, "%s/%s", dir, name);
	url.dialect = &gm_dialect_sqlite;
	url.raw = url.masked = url.path = path.ptr;
	assert_gm_ok(gm_dialect_sqlite.connect(&conn, &url));
	gm_buf_release(&path);
	return conn;
}

static void exec_ok(gm_conn *conn, const char *sql)
{
	assert_gm_ok(gm_dialect_sqlite.exec(conn, sql, "test.sql", 1));
}

static gm_schema *inspect(gm_conn *conn, const char *version_table)
{
	gm_schema *s = NULL;
	assert_gm_ok(gm_dialect_sqlite.inspect(&s, conn, version_table));
	assert_non_null(s);
	return s;
}

/* The value of a one-row, one-column query (caller frees). */
static char *query1(gm_conn *conn, const char *sql)
{
	sqlite3_stmt *st = NULL;
	char *v = NULL;
	assert_int_equal(sqlite3_prepare_v2(gm_sqlite_db(conn), sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = gm_xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

static void assert_query(gm_conn *conn, const char *sql, const char *expect)
{
	char *v = query1(conn, sql);
	assert_non_null(v);
	assert_string_equal(v, expect);
	free(v);
}

static gm_table *table(const gm_schema *s, const char *name)
{
	gm_table *t = gm_schema_table(s, name);
	if (!t)
		print_error("no table '%s'\n", name);
	assert_non_null(t);
	return t;
}

static gm_column *column(const gm_table *t, const char *name)
{
	gm_column *c = gm_table_column(t, name);
	if (!c)
		print_error("no column '%s.%s'\n", t->name, name);
	assert_non_null(c);
	return c;
}

static void assert_default(const gm_column *c, gm_default_kind kind, const char *value)
{
	assert_int_equal(c->default_kind, kind);
	if (value)
		assert_string_equal(c->default_value, value);
	else
		assert_null(c->default_value);
}

static void assert_strv(char *const *v, size_t n, const char *const *expect)
{
	size_t i;
	for (i = 0; expect[i]; i++) {
		assert_true(i < n);
		assert_string_equal(v[i], expect[i]);
	}
	assert_int_equal(n, i);
}

static char *type_of(const char *declared)
{
	gm_buf b = GM_BUF_INIT;
	gm_type_canonical(&b, declared);
	return gm_buf_detach(&b);
}

/* The DDL format the SQLite planner writes (core/dialect/sqlite.h). */
static const char our_ddl[] =
	"CREATE TABLE \"contacts\" (\n"
	"    \"id\" integer NOT NULL,\n"
	"    \"email\" varchar(200) NOT NULL,\n"
	"    CONSTRAINT \"contacts_pkey\" PRIMARY KEY (\"id\"),\n"
	"    CONSTRAINT \"contacts_email_key\" UNIQUE (\"email\")\n"
	");\n"
	"CREATE TABLE \"deals\" (\n"
	"    \"id\" integer NOT NULL CONSTRAINT \"deals_pkey\" PRIMARY KEY AUTOINCREMENT,\n"
	"    \"title\" varchar(120) NOT NULL,\n"
	"    \"currency\" text NOT NULL DEFAULT 'USD' CHECK (\"currency\" IN ('USD', 'EUR')),\n"
	"    \"stage\" text CHECK (\"stage\" IN ('new', 'won', 'it''s lost')),\n"
	"    \"amount\" numeric(12,2) NOT NULL DEFAULT 0,\n"
	"    \"fee\" double DEFAULT -1.5,\n"
	"    \"created_at\" timestamptz NOT NULL DEFAULT (CURRENT_TIMESTAMP),\n"
	"    \"contact_id\" integer,\n"
	"    \"note\" text DEFAULT 'it''s',\n"
	"    \"active\" boolean NOT NULL DEFAULT TRUE,\n"
	"    \"Order\" text,\n"
	"    CONSTRAINT \"deals_title_key\" UNIQUE (\"title\"),\n"
	"    CONSTRAINT \"deals_contact_id_fkey\" FOREIGN KEY (\"contact_id\") REFERENCES \"contacts\" (\"id\") ON DELETE CASCADE,\n"
	"    CONSTRAINT \"amount_positive\" CHECK (amount >= 0),\n"
	"    CONSTRAINT \"deals_title_check\" CHECK (length(title) > 0),\n"
	"    CONSTRAINT \"deals_check\" CHECK (amount < 1000000),\n"
	"    CONSTRAINT \"deals_check1\" CHECK (fee <= amount)\n"
	");\n"
	"CREATE UNIQUE INDEX \"ux_deals_contact_title\" ON \"deals\" (\"contact_id\", \"title\");\n"
	"CREATE INDEX \"deals_title_idx\" ON \"deals\" (\"title\") WHERE amount > 0;\n"
	"CREATE INDEX \"deals_lower_title\" ON \"deals\" (lower(title), \"Order\");\n";

/* The same schema as a person might write it. */
static const char hand_ddl[] =
	"/* contacts: written by hand */\n"
	"create table contacts (\n"
	"  id INTEGER primary key,  -- the rowid alias\n"
	"  [email] VARCHAR(200) not null unique\n"
	");\n"
	"CREATE TABLE IF NOT EXISTS `deals` (\n"
	"  `id` INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"  \"title\" Varchar(120) NOT NULL UNIQUE CHECK (length(title) > 0),\n"
	"  currency TEXT not null default 'USD' check (currency in ('USD','EUR')),\n"
	"  stage text,\n"
	"  amount NUMERIC(12,2) NOT NULL DEFAULT 0 CONSTRAINT amount_positive CHECK (amount >= 0),\n"
	"  fee DOUBLE PRECISION default -1.5,\n"
	"  created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
	"  contact_id integer REFERENCES contacts(id) ON DELETE CASCADE,\n"
	"  note text default 'it''s',  /* a comment, with (parens, commas) */\n"
	"  active BOOLEAN not null default true,\n"
	"  [Order] text,\n"
	"  check (amount < 1000000),\n"
	"  CHECK (stage IN ('new', 'won', 'it''s lost')),\n"
	"  Check (fee <= amount)\n"
	");\n"
	"create unique index ux_deals_contact_title on deals (contact_id, [title]);\n"
	"CREATE INDEX deals_title_idx ON deals (title) WHERE amount > 0;\n"
	"create index deals_lower_title on deals (lower(title), \"Order\");\n";

static void test_sqlite_inspect__own_ddl(void **state)
{
	gm_conn *conn = open_db("own.db");
	gm_schema *s;
	gm_table *t;
	gm_column *c;
	gm_index *ix;
	gm_fkey *fk;
	char *ty;

	exec_ok(conn, our_ddl);
	s = inspect(conn, "git_migrate_history");
	assert_int_equal(s->tables_nr, 2); /* sqlite_sequence skipped */
	assert_int_equal(s->enums_nr, 0);
	assert_int_equal(s->unsupported_nr, 0);

	t = table(s, "contacts");
	assert_int_equal(t->columns_nr, 2);
	c = column(t, "id");
	assert_string_equal(c->type, "integer");
	assert_false(c->nullable);
	assert_false(c->identity);
	assert_default(c, GM_DEFAULT_NONE, NULL);
	c = column(t, "email");
	assert_string_equal(c->type, "varchar(200)");
	assert_false(c->nullable);
	assert_strv(t->pk, t->pk_nr, (const char *[]){ "id", NULL });
	assert_string_equal(t->pk_name, "contacts_pkey");
	assert_int_equal(t->indexes_nr, 1);
	ix = gm_table_index(t, "contacts_email_key");
	assert_non_null(ix);
	assert_true(ix->unique);
	assert_true(ix->constraint);
	assert_strv(ix->columns, ix->columns_nr, (const char *[]){ "email", NULL });
	assert_int_equal(t->fkeys_nr, 0);
	assert_int_equal(t->checks_nr, 0);

	t = table(s, "deals");
	assert_int_equal(t->columns_nr, 11);
	assert_string_equal(t->columns[0]->name, "id");
	assert_string_equal(t->columns[10]->name, "Order");
	c = column(t, "id");
	assert_true(c->identity);
	assert_false(c->nullable);
	assert_string_equal(t->pk_name, "deals_pkey");
	assert_strv(t->pk, t->pk_nr, (const char *[]){ "id", NULL });

	c = column(t, "currency");
	assert_string_equal(c->type, "text");
	assert_strv(c->labels, c->labels_nr, (const char *[]){ "USD", "EUR", NULL });
	assert_false(c->nullable);
	assert_default(c, GM_DEFAULT_LITERAL, "USD");
	c = column(t, "stage");
	assert_string_equal(c->type, "text");
	assert_strv(c->labels, c->labels_nr, (const char *[]){ "new", "won", "it's lost", NULL });
	assert_true(c->nullable);
	assert_default(c, GM_DEFAULT_NONE, NULL);
	c = column(t, "amount");
	assert_string_equal(c->type, "numeric(12,2)");
	assert_null(c->labels);
	assert_default(c, GM_DEFAULT_LITERAL, "0");
	c = column(t, "fee");
	ty = type_of("double");
	assert_string_equal(c->type, ty);
	free(ty);
	assert_default(c, GM_DEFAULT_LITERAL, "-1.5");
	c = column(t, "created_at");
	assert_string_equal(c->type, "timestamptz");
	assert_default(c, GM_DEFAULT_SQL, "CURRENT_TIMESTAMP");
	c = column(t, "note");
	assert_default(c, GM_DEFAULT_LITERAL, "it's");
	assert_true(c->nullable);
	c = column(t, "active");
	assert_string_equal(c->type, "boolean");
	assert_default(c, GM_DEFAULT_LITERAL, "true");
	c = column(t, "contact_id");
	assert_true(c->nullable);
	assert_false(c->identity);

	assert_int_equal(t->fkeys_nr, 1);
	fk = gm_table_fkey(t, "deals_contact_id_fkey");
	assert_non_null(fk);
	assert_string_equal(fk->ref_table, "contacts");
	assert_strv(fk->columns, fk->columns_nr, (const char *[]){ "contact_id", NULL });
	assert_strv(fk->ref_columns, fk->ref_columns_nr, (const char *[]){ "id", NULL });
	assert_string_equal(fk->on_delete, "cascade");
	assert_null(fk->on_update);

	assert_int_equal(t->checks_nr, 4);
	assert_string_equal(gm_table_check(t, "amount_positive")->expr, "amount >= 0");
	assert_string_equal(gm_table_check(t, "deals_title_check")->expr, "length(title) > 0");
	assert_string_equal(gm_table_check(t, "deals_check")->expr, "amount < 1000000");
	assert_string_equal(gm_table_check(t, "deals_check1")->expr, "fee <= amount");

	assert_int_equal(t->indexes_nr, 4);
	ix = gm_table_index(t, "deals_title_key");
	assert_non_null(ix);
	assert_true(ix->unique && ix->constraint);
	assert_strv(ix->columns, ix->columns_nr, (const char *[]){ "title", NULL });
	ix = gm_table_index(t, "ux_deals_contact_title");
	assert_non_null(ix);
	assert_true(ix->unique);
	assert_false(ix->constraint);
	assert_null(ix->where);
	assert_null(ix->expr);
	assert_strv(ix->columns, ix->columns_nr, (const char *[]){ "contact_id", "title", NULL });
	ix = gm_table_index(t, "deals_title_idx");
	assert_non_null(ix);
	assert_false(ix->unique);
	assert_string_equal(ix->where, "amount > 0");
	assert_strv(ix->columns, ix->columns_nr, (const char *[]){ "title", NULL });
	ix = gm_table_index(t, "deals_lower_title");
	assert_non_null(ix);
	assert_int_equal(ix->columns_nr, 0);
	assert_string_equal(ix->expr, "lower(title), \"Order\"");

	gm_schema_free(s);
	gm_dialect_sqlite.disconnect(conn);
}

static void test_sqlite_inspect__hand_written_ddl(void **state)
{
	gm_conn *own = open_db("own.db"), *hand = open_db("hand.db");
	gm_schema *a, *b;
	gm_buf fa = GM_BUF_INIT, fb = GM_BUF_INIT;
	gm_table *t;

	exec_ok(own, our_ddl);
	exec_ok(hand, hand_ddl);
	a = inspect(own, NULL);
	b = inspect(hand, NULL);
	gm_schema_fingerprint(&fa, a);
	gm_schema_fingerprint(&fb, b);
	assert_string_equal(fb.ptr, fa.ptr);

	/* a few fields spelled out, so the comparison is not vacuous */
	t = table(b, "deals");
	assert_true(column(t, "id")->identity);
	assert_string_equal(t->pk_name, "deals_pkey");
	assert_non_null(gm_table_index(t, "deals_title_key"));
	assert_non_null(gm_table_fkey(t, "deals_contact_id_fkey"));
	assert_string_equal(gm_table_check(t, "deals_check1")->expr, "fee <= amount");
	assert_strv(column(t, "stage")->labels, column(t, "stage")->labels_nr,
		    (const char *[]){ "new", "won", "it's lost", NULL });
	t = table(b, "contacts");
	assert_false(column(t, "id")->nullable);
	assert_false(column(t, "id")->identity);
	assert_non_null(gm_table_index(t, "contacts_email_key"));

	gm_buf_release(&fb);
	gm_buf_release(&fa);
	gm_schema_free(b);
	gm_schema_free(a);
	gm_dialect_sqlite.disconnect(hand);
	gm_dialect_sqlite.disconnect(own);
}

static void test_sqlite_inspect__odd_forms(void **state)
{
	gm_conn *conn = open_db("odd.db");
	gm_schema *s;
	gm_table *t;
	gm_fkey *fk;
	gm_column *c;
	char *ty;

	exec_ok(conn,
		"CREATE TABLE Parent (Id integer, Code text, PRIMARY KEY (Id));\n"
		"CREATE TABLE [child items] (\n"
		"  [item id] INTEGER NOT NULL,\n"
		"  \"parent\" INT CONSTRAINT child_parent_fk REFERENCES parent ON UPDATE SET NULL\n"
		"      ON DELETE SET DEFAULT NOT DEFERRABLE,\n"
		"  code TEXT CONSTRAINT code_known CHECK (code IN ('a', 'b')) COLLATE NOCASE,\n"
		"  kind text CHECK (kind IN ('x', 'y') OR kind IS NULL),\n"
		"  other text CHECK (kind IN ('p')),\n"
		"  flags int DEFAULT (1 + 2) NOT NULL,\n"
		"  blob_v blob DEFAULT x'00ff',\n"
		"  nullable_v text DEFAULT NULL,\n"
		"  CONSTRAINT [child pk] PRIMARY KEY ([item id], parent),\n"
		"  CONSTRAINT \"uq code\" UNIQUE (code, kind) ON CONFLICT IGNORE,\n"
		"  UNIQUE (other),\n"
		"  FOREIGN KEY (code) REFERENCES Parent (code) ON DELETE RESTRICT\n"
		") WITHOUT ROWID;\n"
		"CREATE TABLE git_migrate_history (revision text PRIMARY KEY);\n"
		"CREATE VIEW v_child AS SELECT * FROM [child items];\n"
		"CREATE TRIGGER trg AFTER INSERT ON Parent BEGIN SELECT 1; END;\n"
		"CREATE INDEX ix_expr ON Parent (Code COLLATE NOCASE, (Id * 2)) WHERE Code IS NOT NULL;\n"
		"CREATE TABLE untyped (a, b DEFAULT \"x\", c DEFAULT 0x1F);\n"
		"ANALYZE;\n");
	s = inspect(conn, "git_migrate_history");
	assert_int_equal(s->tables_nr, 3); /* history and sqlite_stat1 skipped */
	assert_null(gm_schema_table(s, "git_migrate_history"));
	/* views and triggers are objects (compared), not unsupported: in sqlite_schema order,
	 * with the tables they name in the declared spelling */
	assert_int_equal(s->unsupported_nr, 0);
	assert_int_equal(s->dependents_nr, 2);
	assert_string_equal(s->dependents[0]->kind, "view");
	assert_string_equal(s->dependents[0]->name, "v_child");
	assert_null(s->dependents[0]->table);
	assert_string_equal(s->dependents[0]->create,
			    "CREATE VIEW v_child AS SELECT * FROM [child items];");
	assert_strv(s->dependents[0]->uses, s->dependents[0]->uses_nr,
		    (const char *[]){ "child items", NULL });
	assert_string_equal(s->dependents[1]->kind, "trigger");
	assert_string_equal(s->dependents[1]->name, "trg");
	assert_string_equal(s->dependents[1]->table, "Parent");
	assert_strv(s->dependents[1]->uses, s->dependents[1]->uses_nr,
		    (const char *[]){ "Parent", NULL });
	/* each table keeps its CREATE text as sqlite_schema has it */
	assert_string_equal(table(s, "untyped")->sql,
			    "CREATE TABLE untyped (a, b DEFAULT \"x\", c DEFAULT 0x1F)");

	t = table(s, "Parent");
	assert_strv(t->pk, t->pk_nr, (const char *[]){ "Id", NULL });
	assert_string_equal(t->pk_name, "Parent_pkey");
	assert_string_equal(gm_table_index(t, "ix_expr")->expr, "Code COLLATE NOCASE, (Id * 2)");
	assert_string_equal(gm_table_index(t, "ix_expr")->where, "Code IS NOT NULL");

	t = table(s, "child items");
	assert_strv(t->pk, t->pk_nr, (const char *[]){ "item id", "parent", NULL });
	assert_string_equal(t->pk_name, "child pk");
	assert_false(column(t, "parent")->nullable); /* pk column */
	assert_false(column(t, "item id")->identity);

	fk = gm_table_fkey(t, "child_parent_fk");
	assert_non_null(fk);
	assert_string_equal(fk->ref_table, "Parent"); /* declared spelling */
	assert_strv(fk->ref_columns, fk->ref_columns_nr, (const char *[]){ "Id", NULL });
	assert_string_equal(fk->on_update, "set null");
	assert_string_equal(fk->on_delete, "set default");
	fk = gm_table_fkey(t, "child items_code_fkey");
	assert_non_null(fk);
	assert_strv(fk->ref_columns, fk->ref_columns_nr, (const char *[]){ "Code", NULL });
	assert_string_equal(fk->on_delete, "restrict");

	c = column(t, "code"); /* named check: a check, not an enum */
	assert_null(c->labels);
	assert_string_equal(gm_table_check(t, "code_known")->expr, "code IN ('a', 'b')");
	c = column(t, "kind"); /* not only literals: a check */
	assert_null(c->labels);
	assert_string_equal(gm_table_check(t, "child items_kind_check")->expr,
			    "kind IN ('x', 'y') OR kind IS NULL");
	c = column(t, "other"); /* column check on another column: a check */
	assert_null(c->labels);
	assert_null(column(t, "kind")->labels);
	assert_string_equal(gm_table_check(t, "child items_other_check")->expr, "kind IN ('p')");
	assert_int_equal(t->checks_nr, 3);

	assert_default(column(t, "flags"), GM_DEFAULT_SQL, "1 + 2");
	assert_default(column(t, "blob_v"), GM_DEFAULT_SQL, "x'00ff'");
	assert_default(column(t, "nullable_v"), GM_DEFAULT_NONE, NULL);

	t = table(s, "untyped");
	ty = type_of("");
	assert_string_equal(column(t, "a")->type, ty);
	free(ty);
	assert_true(column(t, "a")->nullable);
	assert_default(column(t, "b"), GM_DEFAULT_LITERAL, "x");
	assert_default(column(t, "c"), GM_DEFAULT_LITERAL, "0x1F");
	assert_int_equal(t->pk_nr, 0);
	assert_null(t->pk_name);

	t = table(s, "child items");
	assert_int_equal(t->indexes_nr, 2);
	assert_strv(gm_table_index(t, "uq code")->columns, gm_table_index(t, "uq code")->columns_nr,
		    (const char *[]){ "code", "kind", NULL });
	assert_true(gm_table_index(t, "child items_other_key")->constraint);

	gm_schema_free(s);
	gm_dialect_sqlite.disconnect(conn);
}

static void load_chinook(gm_conn *conn)
{
	gm_buf sql = GM_BUF_INIT;
	char chunk[65536];
	size_t n;
	FILE *f = popen("gzip -dc " CHINOOK, "r");

	assert_non_null(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		gm_buf_put(&sql, chunk, n);
	assert_int_equal(pclose(f), 0);
	assert_true(sql.len > 100000);
	assert_gm_ok(gm_dialect_sqlite.begin(conn));
	assert_gm_ok(gm_dialect_sqlite.exec(conn, sql.ptr, "chinook_sqlite.sql", 1));
	assert_gm_ok(gm_dialect_sqlite.commit(conn));
	gm_buf_release(&sql);
}

static void assert_fkey(const gm_table *t, const char *name, const char *col, const char *ref,
			const char *ref_col)
{
	gm_fkey *fk = gm_table_fkey(t, name);
	if (!fk)
		print_error("no foreign key '%s' on '%s'\n", name, t->name);
	assert_non_null(fk);
	assert_strv(fk->columns, fk->columns_nr, (const char *[]){ col, NULL });
	assert_string_equal(fk->ref_table, ref);
	assert_strv(fk->ref_columns, fk->ref_columns_nr, (const char *[]){ ref_col, NULL });
	assert_null(fk->on_delete); /* NO ACTION */
	assert_null(fk->on_update);
}

static void assert_index(const gm_table *t, const char *name, const char *col)
{
	gm_index *ix = gm_table_index(t, name);
	if (!ix)
		print_error("no index '%s' on '%s'\n", name, t->name);
	assert_non_null(ix);
	assert_false(ix->unique);
	assert_false(ix->constraint);
	assert_null(ix->where);
	assert_strv(ix->columns, ix->columns_nr, (const char *[]){ col, NULL });
}

static void test_sqlite_inspect__chinook(void **state)
{
	static const struct {
		const char *table, *pk;
		size_t columns, fkeys, indexes;
	} tables[] = {
		{ "Album", "AlbumId", 3, 1, 1 },
		{ "Artist", "ArtistId", 2, 0, 0 },
		{ "Customer", "CustomerId", 13, 1, 1 },
		{ "Employee", "EmployeeId", 15, 1, 1 },
		{ "Genre", "GenreId", 2, 0, 0 },
		{ "Invoice", "InvoiceId", 9, 1, 1 },
		{ "InvoiceLine", "InvoiceLineId", 5, 2, 2 },
		{ "MediaType", "MediaTypeId", 2, 0, 0 },
		{ "Playlist", "PlaylistId", 2, 0, 0 },
		{ "PlaylistTrack", NULL, 2, 2, 2 },
		{ "Track", "TrackId", 9, 3, 3 },
	};
	gm_conn *conn = open_db("chinook.db");
	gm_schema *s;
	gm_table *t;
	gm_buf name = GM_BUF_INIT;
	char *ty;
	size_t i;

	load_chinook(conn);
	assert_query(conn, "SELECT count(*) FROM Track", "3503");
	s = inspect(conn, "git_migrate_history");
	assert_int_equal(s->tables_nr, 11);
	assert_int_equal(s->unsupported_nr, 0);
	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		t = table(s, tables[i].table);
		assert_int_equal(t->columns_nr, tables[i].columns);
		assert_int_equal(t->fkeys_nr, tables[i].fkeys);
		assert_int_equal(t->indexes_nr, tables[i].indexes);
		assert_int_equal(t->checks_nr, 0);
		gm_buf_clear(&name);
		gm_buf_printf(&name, "PK_%s", tables[i].table);
		assert_string_equal(t->pk_name, name.ptr);
		if (tables[i].pk) {
			assert_strv(t->pk, t->pk_nr, (const char *[]){ tables[i].pk, NULL });
			assert_false(column(t, tables[i].pk)->nullable);
		}
	}
	t = table(s, "PlaylistTrack");
	assert_strv(t->pk, t->pk_nr, (const char *[]){ "PlaylistId", "TrackId", NULL });
	assert_fkey(t, "PlaylistTrack_PlaylistId_fkey", "PlaylistId", "Playlist", "PlaylistId");
	assert_fkey(t, "PlaylistTrack_TrackId_fkey", "TrackId", "Track", "TrackId");
	assert_index(t, "IFK_PlaylistTrackPlaylistId", "PlaylistId");
	assert_index(t, "IFK_PlaylistTrackTrackId", "TrackId");

	t = table(s, "Album");
	assert_fkey(t, "Album_ArtistId_fkey", "ArtistId", "Artist", "ArtistId");
	assert_index(t, "IFK_AlbumArtistId", "ArtistId");
	ty = type_of("NVARCHAR(160)");
	assert_string_equal(column(t, "Title")->type, ty);
	free(ty);
	assert_false(column(t, "Title")->nullable);
	assert_string_equal(column(t, "AlbumId")->type, "integer");

	t = table(s, "Employee");
	assert_fkey(t, "Employee_ReportsTo_fkey", "ReportsTo", "Employee", "EmployeeId");
	assert_true(column(t, "ReportsTo")->nullable);
	t = table(s, "Customer");
	assert_fkey(t, "Customer_SupportRepId_fkey", "SupportRepId", "Employee", "EmployeeId");
	t = table(s, "Invoice");
	assert_fkey(t, "Invoice_CustomerId_fkey", "CustomerId", "Customer", "CustomerId");
	assert_string_equal(column(t, "Total")->type, "numeric(10,2)");
	t = table(s, "InvoiceLine");
	assert_fkey(t, "InvoiceLine_InvoiceId_fkey", "InvoiceId", "Invoice", "InvoiceId");
	assert_fkey(t, "InvoiceLine_TrackId_fkey", "TrackId", "Track", "TrackId");
	t = table(s, "Track");
	assert_fkey(t, "Track_AlbumId_fkey", "AlbumId", "Album", "AlbumId");
	assert_fkey(t, "Track_GenreId_fkey", "GenreId", "Genre", "GenreId");
	assert_fkey(t, "Track_MediaTypeId_fkey", "MediaTypeId", "MediaType", "MediaTypeId");
	assert_index(t, "IFK_TrackMediaTypeId", "MediaTypeId");

	gm_buf_release(&name);
	gm_schema_free(s);
	gm_dialect_sqlite.disconnect(conn);
}

static void test_sqlite_inspect__exec_error_location(void **state)
{
	gm_conn *conn = open_db("exec.db");
	const gm_error *e;

	/* prepare-time failure in the 2nd of 3 statements, which starts at line 3 */
	assert_int_equal(gm_dialect_sqlite.exec(conn,
						"CREATE TABLE a (x integer NOT NULL);\n"
						"-- a comment\n"
						"INSERT INTO nosuch\n"
						"  VALUES (1);\n"
						"INSERT INTO a VALUES (2);\n",
						"a00000000001_x.sql", 10),
			 GM_EDB);
	e = gm_error_last();
	assert_string_equal(e->path, "a00000000001_x.sql");
	assert_int_equal(e->line, 12);
	assert_non_null(strstr(e->message, "no such table: nosuch"));
	assert_string_equal(e->detail, "INSERT INTO nosuch\n  VALUES (1);");
	assert_query(conn, "SELECT count(*) FROM a", "0"); /* the 3rd never ran */

	/* step-time failure (a constraint) in the 2nd statement */
	assert_int_equal(
		gm_dialect_sqlite.exec(conn,
				       "INSERT INTO a VALUES (1);\n"
				       "\n"
				       "\n"
				       "INSERT INTO a VALUES (NULL); INSERT INTO a VALUES (3);",
				       "rev.sql", 1),
		GM_EDB);
	e = gm_error_last();
	assert_string_equal(e->path, "rev.sql");
	assert_int_equal(e->line, 4);
	assert_non_null(strstr(e->message, "NOT NULL constraint failed: a.x"));
	assert_string_equal(e->detail, "INSERT INTO a VALUES (NULL);");
	assert_query(conn, "SELECT group_concat(x) FROM a", "1");

	/* rows are stepped to completion; comments and blank text are fine */
	assert_gm_ok(gm_dialect_sqlite.exec(conn, "SELECT * FROM a; /* end */\n-- done\n", "x", 1));
	assert_gm_ok(gm_dialect_sqlite.exec(conn, "", "x", 1));
	gm_dialect_sqlite.disconnect(conn);
}

static void test_sqlite_inspect__connect_error(void **state)
{
	gm_url url;
	gm_conn *conn = NULL;

	memset(&url, 0, sizeof(url));
	url.dialect = &gm_dialect_sqlite;
	url.raw = url.masked = url.path = "/nonexistent/dir/x.db";
	assert_gm_fails(GM_EDB, "cannot open database '/nonexistent/dir/x.db'",
			gm_dialect_sqlite.connect(&conn, &url));
	assert_null(conn);
	gm_dialect_sqlite.disconnect(NULL);

	url.raw = url.masked = url.path = ":memory:";
	assert_gm_ok(gm_dialect_sqlite.connect(&conn, &url));
	assert_gm_ok(gm_dialect_sqlite.exec(conn, "CREATE TABLE t (x); INSERT INTO t VALUES (1);",
					    NULL, 1));
	assert_query(conn, "SELECT x FROM t", "1");
	gm_dialect_sqlite.disconnect(conn);
}

static void test_sqlite_inspect__foreign_key_check_at_commit(void **state)
{
	gm_conn *conn = open_db("fk.db");

	exec_ok(conn, "CREATE TABLE p (id integer PRIMARY KEY);\n"
		      "CREATE TABLE c (id integer PRIMARY KEY, pid integer REFERENCES p (id));\n"
		      "INSERT INTO p VALUES (1);\n");
	assert_query(conn, "PRAGMA foreign_keys", "1");

	/* a good transaction commits; foreign keys are off inside and restored after */
	assert_gm_ok(gm_dialect_sqlite.begin(conn));
	assert_query(conn, "PRAGMA foreign_keys", "0");
	exec_ok(conn, "INSERT INTO c VALUES (10, 1);");
	assert_gm_ok(gm_dialect_sqlite.commit(conn));
	assert_query(conn, "PRAGMA foreign_keys", "1");

	/* violations fail the commit, roll back, and name the first one */
	assert_gm_ok(gm_dialect_sqlite.begin(conn));
	exec_ok(conn, "INSERT INTO c VALUES (11, 7); INSERT INTO c VALUES (12, 8);");
	assert_gm_fails(GM_EDB, "row 11 of 'c' references a missing row of 'p' (2 violations)",
			gm_dialect_sqlite.commit(conn));
	assert_query(conn, "SELECT count(*) FROM c", "1");
	assert_query(conn, "PRAGMA foreign_keys", "1");

	/* rollback */
	assert_gm_ok(gm_dialect_sqlite.begin(conn));
	exec_ok(conn, "DELETE FROM c;");
	assert_gm_ok(gm_dialect_sqlite.rollback(conn));
	assert_query(conn, "SELECT count(*) FROM c", "1");
	assert_query(conn, "PRAGMA foreign_keys", "1");
	assert_gm_ok(gm_dialect_sqlite.rollback(conn)); /* none open: fine */
	gm_dialect_sqlite.disconnect(conn);
}

/* The schema conn holds, read again (reusing what its last inspection read) and read
 * whole on a new connection to the same file: both the same, in fingerprint, table order
 * and unsupported lines. */
static void assert_reread(gm_conn *conn)
{
	gm_conn *fresh = open_db("memo.db");
	gm_schema *again = inspect(conn, "git_migrate_history");
	gm_schema *full = inspect(fresh, "git_migrate_history");

	assert_gm_ok(gm_schema_memo_check(again, full));
	gm_schema_free(again);
	gm_schema_free(full);
	gm_dialect_sqlite.disconnect(fresh);
}

/* An inspection after changes copies the tables that did not change from the last one on
 * its connection, and reads as a full inspection: whatever changed, whatever a table's
 * reading depends on (a referenced table's primary key), tables gone and new. */
static void test_sqlite_inspect__reread_after_changes(void **state)
{
	gm_conn *conn = open_db("memo.db");
	gm_schema *s;
	const gm_table *c;
	static const char *const steps[] = {
		/* an index on one table */
		"CREATE INDEX c_note ON c (note);",
		/* the parent's primary key moves: c's key without a column list follows it */
		"CREATE TABLE p2 (id integer, code text PRIMARY KEY);\n"
		"DROP TABLE p;\n"
		"ALTER TABLE p2 RENAME TO p;",
		/* a generated column (its line), a virtual table, a table dropped */
		"ALTER TABLE other ADD COLUMN g integer GENERATED ALWAYS AS (id * 2);",
		"CREATE VIRTUAL TABLE ft USING fts5(body);",
		"DROP TABLE other;",
		/* a table renamed: the keys naming it are rewritten by SQLite */
		"ALTER TABLE p RENAME TO parent;",
		/* the version table is never read */
		"CREATE TABLE git_migrate_history (revision text);",
	};
	size_t i;
	(void)state;

	exec_ok(conn,
		"CREATE TABLE p (id integer PRIMARY KEY, code text UNIQUE);\n"
		"CREATE TABLE c (id integer PRIMARY KEY, pid integer REFERENCES p, note text);\n"
		"CREATE TABLE other (id integer PRIMARY KEY);\n"
		"CREATE TABLE keep (id integer PRIMARY KEY, x text);\n");
	s = inspect(conn, "git_migrate_history");
	c = gm_schema_table(s, "c");
	assert_non_null(c);
	assert_string_equal(c->fkeys[0]->ref_columns[0], "id");
	gm_schema_free(s);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		exec_ok(conn, steps[i]);
		assert_reread(conn);
	}
	s = inspect(conn, "git_migrate_history");
	c = gm_schema_table(s, "c");
	assert_string_equal(c->fkeys[0]->ref_table, "parent");
	assert_string_equal(c->fkeys[0]->ref_columns[0], "code");
	assert_null(gm_schema_table(s, "other"));
	assert_non_null(gm_schema_table(s, "keep"));
	gm_schema_free(s);
	gm_dialect_sqlite.disconnect(conn);
}

static void test_sqlite_inspect__dependents(void **state)
{
	gm_conn *conn = open_db("deps.db");
	gm_schema *s;

	exec_ok(conn, "CREATE TABLE p (id INTEGER PRIMARY KEY, name TEXT);\n"
		      "CREATE TABLE \"Log\" (msg TEXT);\n"
		      "CREATE VIEW zz AS SELECT name FROM p;\n"
		      "CREATE VIEW aa AS SELECT * FROM zz JOIN log;\n"
		      "CREATE TRIGGER t1 AFTER DELETE ON \"Log\" BEGIN\n"
		      "  DELETE FROM p WHERE name = old.msg;\nEND;\n");
	s = inspect(conn, NULL);
	assert_int_equal(s->dependents_nr, 3);
	assert_string_equal(s->dependents[0]->name, "zz"); /* created first */
	assert_strv(s->dependents[0]->uses, s->dependents[0]->uses_nr,
		    (const char *[]){ "p", NULL });
	assert_string_equal(s->dependents[1]->name, "aa");
	assert_strv(s->dependents[1]->uses, s->dependents[1]->uses_nr,
		    (const char *[]){ "Log", "zz", NULL });
	assert_string_equal(s->dependents[2]->create, "CREATE TRIGGER t1 AFTER DELETE ON \"Log\" "
						      "BEGIN\n  DELETE FROM p WHERE name = "
						      "old.msg;\nEND;");
	assert_strv(s->dependents[2]->uses, s->dependents[2]->uses_nr,
		    (const char *[]){ "Log", "p", NULL });
	assert_string_equal(s->dependents[2]->table, "Log");
	assert_int_equal(s->unsupported_nr, 0);
	gm_schema_free(s);
	gm_dialect_sqlite.disconnect(conn);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sqlite_inspect__own_ddl, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sqlite_inspect__hand_written_ddl, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sqlite_inspect__odd_forms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sqlite_inspect__dependents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sqlite_inspect__reread_after_changes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sqlite_inspect__chinook, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sqlite_inspect__exec_error_location, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sqlite_inspect__connect_error, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sqlite_inspect__foreign_key_check_at_commit,
						setup, teardown),
	};
	return cmocka_run_group_tests_name("sqlite_inspect", tests, NULL, NULL);
}
