/*
 * The YAML fixtures reader (core/fixtures.c over core/yaml.c's event stream), end to end
 * through gm_fixtures_load without a database: the connection is a stand-in dialect
 * whose load_rows pulls every row and reads its values. gm_fixtures_load lists and reads
 * a directory of a worktree, so the input is written as data/f.yml of a scratch
 * worktree (a hand-made empty .git, opened once; no git command runs). The schema comes
 * from a fixed models file: parent/child tables (foreign-key order), a json column.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fixtures_int.h"
#include "fuzz.h"
#include "db_int.h"
#include "models_int.h"
#include "schema_int.h"

static const char models[] = "tables:\n"
			     "  contacts:\n"
			     "    columns:\n"
			     "      id: {type: integer, primary_key: true}\n"
			     "      email: {type: varchar(200), null: false}\n"
			     "      name: text\n"
			     "  deals:\n"
			     "    columns:\n"
			     "      id: {type: integer, primary_key: true}\n"
			     "      title: text\n"
			     "      contact_id: {type: integer, references: contacts(id)}\n"
			     "      meta: json\n"
			     "      active: boolean\n";

static int fake_ok(gm_conn *conn)
{
	(void)conn;
	return 0;
}

static int fake_exec(gm_conn *conn, const char *sql, const char *origin, int first_line)
{
	(void)conn, (void)sql, (void)origin, (void)first_line;
	return 0;
}

/* Pull every row, reading each value (ASan sees a value that is not valid memory). */
static volatile size_t sink;
static size_t rows_seen;

static int fake_load_rows(gm_conn *conn, const gm_table *t, const char *const *columns,
			  size_t ncolumns, gm_row_next_fn next, void *payload)
{
	gm_row row;
	size_t i, n = 0;
	int error;

	(void)conn;
	for (i = 0; i < ncolumns; i++)
		if (!gm_table_column(t, columns[i]))
			abort(); /* the reader checked the names */
	while ((error = next(&row, payload)) == 0) {
		for (i = 0; i < ncolumns; i++)
			if (row.values[i])
				n += strlen(row.values[i]);
		if (row.line < 1 || !row.path)
			abort();
		rows_seen++;
	}
	sink = n;
	return error == GM_ITEROVER ? 0 : error;
}

static const gm_dialect fake = {
	.name = "fuzz",
	.begin = fake_ok,
	.commit = fake_ok,
	.rollback = fake_ok,
	.exec = fake_exec,
	.load_rows = fake_load_rows,
};

static char root[] = "/tmp/gm-fuzz-fixtures-XXXXXX";
static char file[PATH_MAX];
static gm_repo *repo;
static gm_schema *schema;

static void write_text(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
		perror(path);
		abort();
	}
}

static void cleanup(void)
{
	static const char *const parts[] = { "data/f.yml",  "data",         ".git/HEAD",
					     ".git/config", ".git/objects", ".git/refs/heads",
					     ".git/refs",   ".git",         NULL };
	char p[PATH_MAX];
	size_t i;

	gm_repo_free(repo);
	gm_schema_free(schema);
	for (i = 0; parts[i]; i++) {
		snprintf(p, sizeof(p), "%s/%s", root, parts[i]);
		remove(p);
	}
	rmdir(root);
}

static void setup(void)
{
	static const char *const dirs[] = { ".git",      ".git/objects",
					    ".git/refs", ".git/refs/heads",
					    "data",      NULL };
	static const char head[] = "ref: refs/heads/main\n";
	static const char config[] = "[core]\n\trepositoryformatversion = 0\n\tbare = false\n";
	char p[PATH_MAX];
	size_t i;

	if (!mkdtemp(root))
		abort();
	for (i = 0; dirs[i]; i++) {
		snprintf(p, sizeof(p), "%s/%s", root, dirs[i]);
		if (mkdir(p, 0700) < 0)
			abort();
	}
	snprintf(p, sizeof(p), "%s/.git/HEAD", root);
	write_text(p, head, sizeof(head) - 1);
	snprintf(p, sizeof(p), "%s/.git/config", root);
	write_text(p, config, sizeof(config) - 1);
	snprintf(file, sizeof(file), "%s/data/f.yml", root);
	gm_repo_global_init();
	gm_schema_new(&schema);
	if (gm_repo_discover(&repo, root) < 0 ||
	    gm_models_parse_yaml(schema, "models/fuzz.yml", models, sizeof(models) - 1) < 0) {
		fprintf(stderr, "fuzz_fixtures setup: %s\n", gm_error_last()->message);
		abort();
	}
	atexit(cleanup);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gm_fixtures_report rep = GM_FIXTURES_REPORT_INIT;
	gm_fixtures_opts o = GM_FIXTURES_OPTS_INIT;
	gm_conn conn = { &fake };

	if (!repo)
		setup();
	write_text(file, data, size);
	o.dir = "data";
	rows_seen = 0;
	if (gm_fixtures_load(&rep, repo, &conn, schema, &o) == 0 &&
	    (rep.files != 1 || rep.rows != rows_seen))
		abort(); /* the report counts the rows handed out */
	gm_fixtures_report_release(&rep);
	gm_error_clear();
	return 0;
}
