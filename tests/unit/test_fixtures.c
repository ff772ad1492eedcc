/*
 * Unit tests of core/fixtures.c (and the streaming CSV/YAML readers, the SQLite loader):
 * a real git repository and real SQLite files in a temporary directory.
 */
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sqlite3.h>
#include "gm_test.h"
#include "dialect/sqlite.h"
#include "fixtures_int.h"
#include "db_int.h"
#include "schema_int.h"

static char tmp[PATH_MAX]; /* the temporary directory */
static char dir[PATH_MAX]; /* the repository */
static int dbn;            /* a fresh database per test */

/* A shell command in the repository; fails the test when it fails. */
#define sh(...) gm_test_sh(dir, __VA_ARGS__)

/* Write a file of the repository (path relative to its root). */
#define write_file(path, content) gm_test_write_file(dir, path, content)

static const char schema_sql[] =
	"CREATE TABLE contacts (id integer PRIMARY KEY, email text NOT NULL UNIQUE, name text);"
	"CREATE TABLE deals (id integer PRIMARY KEY, title text NOT NULL DEFAULT 'untitled',"
	" contact_id integer REFERENCES contacts (id), active boolean, meta json);";

struct db {
	gm_url *url;
	gm_conn *conn;
	gm_schema *schema;
};

static void db_open(struct db *d)
{
	char raw[PATH_MAX + 64];
	snprintf(raw, sizeof(raw), "sqlite:///%s/db%d.sqlite", tmp, ++dbn);
	assert_gm_ok(gm_url_parse(&d->url, raw, tmp));
	assert_gm_ok(gm_conn_open(&d->conn, d->url));
	assert_gm_ok(d->conn->dialect->exec(d->conn, schema_sql, "schema", 1));
	assert_gm_ok(d->conn->dialect->inspect(&d->schema, d->conn, "git_migrate_history"));
}

static void db_close(struct db *d)
{
	gm_schema_free(d->schema);
	gm_conn_free(d->conn);
	gm_url_free(d->url);
}

/* The first column of the first row of a query, "NULL" for NULL, into out. */
static void query1(struct db *d, const char *sql, char *out, size_t size)
{
	sqlite3_stmt *st = NULL;
	sqlite3 *db = gm_sqlite_db(d->conn);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
	else
		snprintf(out, size, "NULL");
	sqlite3_finalize(st);
}

static void assert_query(struct db *d, const char *sql, const char *want)
{
	char got[4096];
	query1(d, sql, got, sizeof(got));
	if (strcmp(got, want)) {
		print_error("%s: got '%s', want '%s'\n", sql, got, want);
		fail();
	}
}

static int load(gm_fixtures_report *rep, struct db *d, const char *fixdir, const char *commit)
{
	gm_fixtures_opts o = GM_FIXTURES_OPTS_INIT;
	gm_repo *repo = NULL;
	int error;
	o.dir = fixdir;
	o.commit = commit;
	assert_gm_ok(gm_repo_discover(&repo, dir));
	error = gm_fixtures_load(rep, repo, d->conn, d->schema, &o);
	gm_repo_free(repo);
	return error;
}

static void assert_error_at(const char *path, int line, int col)
{
	const gm_error *e = gm_error_last();
	assert_non_null(e->path);
	assert_string_equal(e->path, path);
	assert_int_equal(e->line, line);
	if (col >= 0)
		assert_int_equal(e->col, col);
}

static int group_setup(void **state)
{
	(void)state;
	gm_test_repo_init(tmp, dir, sizeof(dir), "gm-test-fixtures-");
	sh("git commit -q --allow-empty -m init");
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	return gm_test_repo_cleanup(tmp);
}

static void test_fixtures__yaml_quotes_nulls_unicode(void **state)
{
	gm_fixtures_report rep = GM_FIXTURES_REPORT_INIT;
	struct db d = { 0 };
	(void)state;
	sh("mkdir -p y1");
	write_file(
		"y1/people.yml",
		"contacts:\n"
		"  - {id: 1, email: \"a@x.com\", name: ~}\n"
		"  - id: 2\n"
		"    email: 'it''s'\n"
		"    name: \"~\"\n"
		"  - id: 3\n"
		"    email: \"\\u00fcn\\u00efc\\u00f8d\\u00e9 \xe6\x97\xa5\xe6\x9c\xac\"\n"
		"    name: null\n"
		"  - id: 4\n"
		"    email: \"  spaced  \"\n"
		"    name: ''\n"
		"  - {id: 5, email: 'null', name: \"line1\\nline2\\ttab\"}\n"
		"deals:\n"
		"  - {id: 1, title: First, contact_id: 1, active: true, meta: {a: [1, x, null]}}\n"
		"  - {id: 2, contact_id: 2}\n");
	db_open(&d);
	assert_gm_ok(load(&rep, &d, "y1", NULL));
	assert_true(rep.exists);
	assert_int_equal(rep.rows, 7);
	assert_int_equal(gm_fixtures_rows(&rep, "contacts"), 5);
	assert_int_equal(gm_fixtures_rows(&rep, "deals"), 2);
	assert_int_equal(gm_fixtures_rows(&rep, "nothing"), 0);
	assert_query(&d, "SELECT name IS NULL FROM contacts WHERE id = 1", "1");
	assert_query(&d, "SELECT email FROM contacts WHERE id = 2", "it's");
	assert_query(&d, "SELECT name FROM contacts WHERE id = 2", "~");
	assert_query(&d, "SELECT email FROM contacts WHERE id = 3",
		     "\xc3\xbcn\xc3\xaf"
		     "c\xc3\xb8"
		     "d\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac");
	assert_query(&d, "SELECT name IS NULL FROM contacts WHERE id = 3", "1");
	assert_query(&d, "SELECT email FROM contacts WHERE id = 4", "  spaced  ");
	assert_query(&d, "SELECT quote(name) FROM contacts WHERE id = 4", "''");
	assert_query(&d, "SELECT email FROM contacts WHERE id = 5", "null");
	assert_query(&d, "SELECT name FROM contacts WHERE id = 5", "line1\nline2\ttab");
	assert_query(&d, "SELECT active FROM deals WHERE id = 1", "1");
	assert_query(&d, "SELECT meta FROM deals WHERE id = 1", "{\"a\":[1,\"x\",null]}");
	/* A row without a column gets the column's default. */
	assert_query(&d, "SELECT title FROM deals WHERE id = 2", "untitled");
	gm_fixtures_report_release(&rep);
	db_close(&d);
}

static void test_fixtures__csv_quoting_crlf(void **state)
{
	gm_fixtures_report rep = GM_FIXTURES_REPORT_INIT;
	struct db d = { 0 };
	(void)state;
	sh("mkdir -p c1");
	write_file("c1/contacts.csv", "\xef\xbb\xbfid,email,name\r\n"
				      "1,\"a,b@x.com\",\r\n"
				      "2,\"say \"\"hi\"\"\",\"\"\r\n"
				      "3,\"multi\r\nline\",x\r\n"
				      "\r\n"
				      "4,plain,\"\xc3\xa9t\xc3\xa9\""); /* no newline at the end */
	db_open(&d);
	assert_gm_ok(load(&rep, &d, "c1", NULL));
	assert_int_equal(gm_fixtures_rows(&rep, "contacts"), 4);
	assert_query(&d, "SELECT email FROM contacts WHERE id = 1", "a,b@x.com");
	assert_query(&d, "SELECT name IS NULL FROM contacts WHERE id = 1", "1");
	assert_query(&d, "SELECT email FROM contacts WHERE id = 2", "say \"hi\"");
	assert_query(&d, "SELECT quote(name) FROM contacts WHERE id = 2", "''");
	assert_query(&d, "SELECT email FROM contacts WHERE id = 3", "multi\r\nline");
	assert_query(&d, "SELECT name FROM contacts WHERE id = 4", "\xc3\xa9t\xc3\xa9");
	gm_fixtures_report_release(&rep);
	db_close(&d);
}

static void test_fixtures__csv_malformed(void **state)
{
	gm_fixtures_report rep = GM_FIXTURES_REPORT_INIT;
	struct db d = { 0 };
	(void)state;
	sh("mkdir -p c2 c3 c4 c5");
	write_file("c2/contacts.csv", "id,email,name\n1,a,b\n2,\"open\nstill open,x\n");
	write_file("c3/contacts.csv", "id,email,name\n1,\"a\"b,c\n");
	write_file("c4/contacts.csv", "id,email,name\n1,a\n");
	write_file("c5/contacts.csv", "id,email,name\n1,a\"b,c\n");
	db_open(&d);
	assert_gm_fails(GM_EINVALID, "unterminated quoted field", load(&rep, &d, "c2", NULL));
	assert_error_at("c2/contacts.csv", 3, 3);
	assert_gm_fails(GM_EINVALID, "after a closing quote", load(&rep, &d, "c3", NULL));
	assert_error_at("c3/contacts.csv", 2, 6);
	assert_gm_fails(GM_EINVALID, "expected 3 fields (as in the header), found 2",
			load(&rep, &d, "c4", NULL));
	assert_error_at("c4/contacts.csv", 2, -1);
	assert_gm_fails(GM_EINVALID, "in an unquoted field", load(&rep, &d, "c5", NULL));
	assert_error_at("c5/contacts.csv", 2, 4);
	/* Nothing was loaded: every failure rolled back (row 1 of c2 included). */
	assert_query(&d, "SELECT count(*) FROM contacts", "0");
	db_close(&d);
}

static void test_fixtures__yaml_malformed(void **state)
{
	gm_fixtures_report rep = GM_FIXTURES_REPORT_INIT;
	struct db d = { 0 };
	(void)state;
	sh("mkdir -p y2 y3 y4");
	write_file("y2/a.yml", "contacts:\n  - {id: 1, email: x\n");
	write_file("y3/a.yml", "contacts:\n  - id: 1\n  - [1, 2]\n");
	write_file("y4/a.yml", "- contacts\n");
	db_open(&d);
	assert_gm_fails(GM_EINVALID, "did not find expected", load(&rep, &d, "y2", NULL));
	assert_error_at("y2/a.yml", 3, 1);
	assert_gm_fails(GM_EINVALID, "a row of 'contacts' must be a mapping",
			load(&rep, &d, "y3", NULL));
	assert_error_at("y3/a.yml", 3, 5);
	assert_gm_fails(GM_EINVALID, "a mapping of table names", load(&rep, &d, "y4", NULL));
	assert_error_at("y4/a.yml", 1, 1);
	db_close(&d);
}

static void test_fixtures__unknown_table_and_column(void **state)
{
	gm_fixtures_report rep = GM_FIXTURES_REPORT_INIT;
	struct db d = { 0 };
	(void)state;
	sh("mkdir -p u1 u2 u3 u4");
	write_file("u1/contacts.csv", "id,email\n1,a\n");
	write_file("u1/more.yml", "deals:\n  - {id: 1}\ncontcts:\n  - {id: 2}\n");
	write_file("u2/contacts.csv", "id,emial\n1,a\n");
	write_file("u3/a.yml", "deals:\n  - {id: 1, titel: x}\n");
	write_file("u4/dels.csv", "id\n1\n");
	write_file("u4/x.yml", "nope: []\n");
	db_open(&d);
	assert_gm_fails(GM_EINVALID, "table 'contcts' does not exist in the database",
			load(&rep, &d, "u1", NULL));
	assert_error_at("u1/more.yml", 3, 1);
	assert_string_equal(gm_error_last()->hint, "did you mean 'contacts'?");
	assert_gm_fails(GM_EINVALID, "table 'contacts' has no column 'emial'",
			load(&rep, &d, "u2", NULL));
	assert_error_at("u2/contacts.csv", 1, 4);
	assert_string_equal(gm_error_last()->hint, "did you mean 'email'?");
	assert_gm_fails(GM_EINVALID, "table 'deals' has no column 'titel'",
			load(&rep, &d, "u3", NULL));
	assert_error_at("u3/a.yml", 2, 13);
	assert_string_equal(gm_error_last()->hint, "did you mean 'title'?");
	/* Every missing table is named. */
	assert_gm_fails(GM_EINVALID,
			"2 tables do not exist in the database: 'dels' "
			"(u4/dels.csv), 'nope' (u4/x.yml:1)",
			load(&rep, &d, "u4", NULL));
	assert_string_equal(gm_error_last()->hint, "did you mean 'deals'?");
	assert_query(&d, "SELECT count(*) FROM contacts", "0");
	db_close(&d);
}

static void test_fixtures__constraint_names_file_and_row(void **state)
{
	gm_fixtures_report rep = GM_FIXTURES_REPORT_INIT;
	struct db d = { 0 };
	(void)state;
	sh("mkdir -p k1 k2 k3");
	write_file("k1/a.yml", "contacts:\n"
			       "  - {id: 1, email: a@x}\n"
			       "  - id: 2\n"
			       "    email: a@x\n");
	write_file("k2/contacts.csv", "id,email\n1,a\n2,b\n3,\n");
	write_file("k3/contacts.csv", "id,email\n1,a\n");
	write_file("k3/deals.csv", "id,title,contact_id\n1,ok,1\n\n2,bad,99\n");
	db_open(&d);
	assert_gm_fails(GM_EINVALID, "table 'contacts': UNIQUE constraint failed: contacts.email",
			load(&rep, &d, "k1", NULL));
	assert_error_at("k1/a.yml", 3, -1);
	assert_non_null(strstr(gm_error_last()->detail, "email = 'a@x'"));
	assert_gm_fails(GM_EINVALID, "NOT NULL constraint failed: contacts.email",
			load(&rep, &d, "k2", NULL));
	assert_error_at("k2/contacts.csv", 4, -1);
	assert_gm_fails(GM_EINVALID,
			"table 'deals': FOREIGN KEY constraint failed: "
			"(contact_id)=(99) is not present in table 'contacts'",
			load(&rep, &d, "k3", NULL));
	assert_error_at("k3/deals.csv", 4, -1);
	assert_query(&d, "SELECT count(*) FROM contacts", "0");
	assert_query(&d, "SELECT count(*) FROM deals", "0");
	db_close(&d);
}

static void test_fixtures__foreign_key_order_across_files(void **state)
{
	gm_fixtures_report rep = GM_FIXTURES_REPORT_INIT;
	struct db d = { 0 };
	(void)state;
	sh("mkdir -p o1");
	/* Child rows in a.yml (first by name), parent rows in contacts.csv, and a SQL file
	 * that needs both (SQL files run after the data files). */
	write_file("o1/a.yml", "deals:\n  - {id: 1, title: t, contact_id: 2}\n");
	write_file("o1/contacts.csv", "id,email\n2,b@x\n");
	write_file(
		"o1/0-first.sql",
		"INSERT INTO deals (id, title, contact_id) SELECT 2, 'sql', id FROM contacts;\n");
	write_file("o1/README", "not a fixture\n");
	db_open(&d);
	assert_gm_ok(load(&rep, &d, "o1", NULL));
	assert_int_equal(rep.nr, 2);
	assert_string_equal(rep.v[0].table, "contacts");
	assert_string_equal(rep.v[1].table, "deals");
	assert_int_equal(rep.files, 2);
	assert_int_equal(rep.sql_files, 1);
	/* the row the SQL file added is counted too */
	assert_int_equal(gm_fixtures_rows(&rep, "deals"), 2);
	assert_int_equal(gm_fixtures_rows(&rep, "contacts"), 1);
	assert_int_equal(rep.rows, 3);
	assert_query(&d, "SELECT count(*) FROM deals", "2");
	assert_query(&d, "SELECT contact_id FROM deals WHERE id = 2", "2");
	gm_fixtures_report_release(&rep);
	db_close(&d);
}

static void test_fixtures__mixed_columns_and_empty(void **state)
{
	gm_fixtures_report rep = GM_FIXTURES_REPORT_INIT;
	struct db d = { 0 };
	(void)state;
	sh("mkdir -p m1");
	write_file("m1/a.yml", "contacts:\n"
			       "  - {id: 1, email: a}\n"
			       "  - {email: b, id: 2}\n"
			       "  - {id: 3, email: c, name: C}\n"
			       "  - {id: 4, email: d}\n"
			       "deals: []\n"
			       "contacts:\n"
			       "  - {id: 5, email: e}\n");
	write_file("m1/deals.csv", "");
	db_open(&d);
	assert_gm_ok(load(&rep, &d, "m1", NULL));
	assert_int_equal(gm_fixtures_rows(&rep, "contacts"), 5);
	assert_int_equal(gm_fixtures_rows(&rep, "deals"), 0);
	assert_query(&d,
		     "SELECT group_concat(id || ':' || email || ':' || ifnull(name, '-'), ' ') "
		     "FROM (SELECT * FROM contacts ORDER BY id)",
		     "1:a:- 2:b:- 3:c:C 4:d:- 5:e:-");
	gm_fixtures_report_release(&rep);
	db_close(&d);
}

static void test_fixtures__missing_directory(void **state)
{
	gm_fixtures_report rep = GM_FIXTURES_REPORT_INIT;
	struct db d = { 0 };
	(void)state;
	db_open(&d);
	assert_gm_ok(load(&rep, &d, "no/such/dir", NULL));
	assert_false(rep.exists);
	assert_int_equal(rep.nr, 0);
	assert_gm_ok(load(&rep, &d, "no/such/dir", "HEAD"));
	assert_false(rep.exists);
	db_close(&d);
}

static void test_fixtures__from_git(void **state)
{
	gm_fixtures_report rep = GM_FIXTURES_REPORT_INIT;
	struct db d = { 0 };
	(void)state;
	sh("mkdir -p g1");
	write_file("g1/contacts.csv", "id,email\n1,committed\n2,\"two\nlines\"\n");
	write_file("g1/deals.yml", "deals:\n  - {id: 7, title: committed, contact_id: 1}\n");
	sh("git add g1 && git commit -q -m fixtures && git tag fixtures");
	/* The worktree differs: the commit's blobs are read, not the files. */
	write_file("g1/contacts.csv", "id,email\n1,worktree\n");
	write_file("g1/deals.yml", "deals: []\n");
	write_file("g1/extra.csv", "id\n1\n");
	db_open(&d);
	assert_gm_ok(load(&rep, &d, "g1/", "fixtures"));
	assert_true(rep.exists);
	assert_int_equal(strlen(rep.tree_oid), 40);
	assert_int_equal(rep.rows, 3);
	assert_query(&d, "SELECT email FROM contacts WHERE id = 1", "committed");
	assert_query(&d, "SELECT email FROM contacts WHERE id = 2", "two\nlines");
	assert_query(&d, "SELECT title FROM deals WHERE id = 7", "committed");
	gm_fixtures_report_release(&rep);
	/* Packed objects (no streaming read in libgit2): read through git cat-file. */
	sh("git gc -q");
	db_close(&d);
	db_open(&d);
	assert_gm_ok(load(&rep, &d, "g1", "fixtures"));
	assert_int_equal(rep.rows, 3);
	assert_query(&d, "SELECT email FROM contacts WHERE id = 2", "two\nlines");
	gm_fixtures_report_release(&rep);
	assert_gm_fails(GM_ENOTFOUND, "unknown revision 'nope'", load(&rep, &d, "g1", "nope"));
	db_close(&d);
}

static void test_fixtures__csv_reader_lines(void **state)
{
	gm_fixtures_report rep = GM_FIXTURES_REPORT_INIT;
	struct db d = { 0 };
	(void)state;
	/* The line of a row after multi-line fields and CRLF is where the row starts. */
	sh("mkdir -p l1");
	write_file("l1/contacts.csv",
		   "id,email,name\r\n1,\"a\r\nb\r\nc\",x\r\n2,\"d\",\"e\nf\"\r\n1,dup,\r\n");
	db_open(&d);
	assert_gm_fails(GM_EINVALID, "UNIQUE constraint failed: contacts.id",
			load(&rep, &d, "l1", NULL));
	assert_error_at("l1/contacts.csv", 7, -1);
	db_close(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures__yaml_quotes_nulls_unicode),
		cmocka_unit_test(test_fixtures__csv_quoting_crlf),
		cmocka_unit_test(test_fixtures__csv_malformed),
		cmocka_unit_test(test_fixtures__yaml_malformed),
		cmocka_unit_test(test_fixtures__unknown_table_and_column),
		cmocka_unit_test(test_fixtures__constraint_names_file_and_row),
		cmocka_unit_test(test_fixtures__foreign_key_order_across_files),
		cmocka_unit_test(test_fixtures__mixed_columns_and_empty),
		cmocka_unit_test(test_fixtures__missing_directory),
		cmocka_unit_test(test_fixtures__from_git),
		cmocka_unit_test(test_fixtures__csv_reader_lines),
	};
	return cmocka_run_group_tests_name("fixtures", tests, group_setup, group_teardown);
}
