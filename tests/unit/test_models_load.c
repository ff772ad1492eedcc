/* gm_models_load: every configured models source (YAML globs, files, *.sql, commands). */
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "gm_test.h"
#include "schema_int.h"
#include "models_int.h"
#include "diff_int.h"
#include "db_int.h"

/* The last error is exactly code at path:line:col with message; its hint. */
#define assert_error_at assert_gm_error_at
#define assert_hint assert_gm_hint

static char tmpdir[256];

GM_TEST_TMPDIR_FIXTURES(setup_dir, teardown_dir, tmpdir, "gm_test_models_")

#define write_file(rel, text) gm_test_write_file(tmpdir, rel, text)

static void remove_file(const char *rel)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	assert_int_equal(unlink(path), 0);
}

/* A config with the given sources (kind, value, line), as the config loader fills it. */
static gm_config *make_config(const gm_model_source *src, size_t n)
{
	gm_config *cfg = calloc(1, sizeof(*cfg));
	size_t i;

	cfg->root = strdup(tmpdir);
	cfg->path = strdup(".gitmigrate.yml");
	cfg->version_table = strdup("git_migrate_history");
	cfg->models = calloc(n ? n : 1, sizeof(*cfg->models));
	for (i = 0; i < n; i++) {
		cfg->models[i] = src[i];
		cfg->models[i].value = strdup(src[i].value);
	}
	cfg->models_nr = n;
	return cfg;
}

static void free_config(gm_config *cfg)
{
	size_t i;
	for (i = 0; i < cfg->models_nr; i++)
		free(cfg->models[i].value);
	free(cfg->models);
	free(cfg->root);
	free(cfg->path);
	free(cfg->version_table);
	free(cfg);
}

static void test_models__load_yaml_globs(void **state)
{
	static const gm_model_source src[] = { { GM_MODELS_YAML, "models/*.yml", 0 } };
	gm_config *cfg = make_config(src, 1);
	gm_schema *s = NULL;

	(void)state;
	/* no models directory at all: an error naming the pattern, never an empty schema
	 * (which would plan a drop of every table) */
	assert_gm_fails(GM_ENOTFOUND, "models pattern 'models/*.yml' matches no file",
			gm_models_load(&s, cfg, NULL));
	assert_null(s);
	gm_error_clear();

	/* files are read in name order; b.yml's enum serves a.yml's column */
	write_file("models/b.yml", "enums:\n  stage: [lead, won]\n"
				   "tables:\n  b: {columns: {id: int}}\n");
	write_file("models/a.yml", "tables:\n  a:\n    columns: {s: Stage}\n");
	write_file("models/notes.txt", "not yaml: [\n");
	assert_gm_ok(gm_models_load(&s, cfg, NULL));
	assert_int_equal(s->tables_nr, 2);
	assert_string_equal(s->tables[0]->name, "a");
	assert_string_equal(s->tables[0]->origin, "models/a.yml:2:3");
	assert_string_equal(s->tables[0]->columns[0]->type, "stage");
	gm_schema_free(s);

	/* the same table in two files: the second place is the error's */
	write_file("models/c.yml", "# c\ntables:\n  b:\n    columns: {id: bigint}\n");
	assert_error_at(gm_models_load(&s, cfg, NULL), GM_EINVALID, "models/c.yml", 3, 3,
			"table 'b' is defined twice: models/b.yml:4:3 and models/c.yml:3:3");
	assert_null(s);
	remove_file("models/c.yml");

	/* validation runs on the merged schema */
	write_file("models/d.yml", "tables:\n  d:\n    columns: {s: stag}\n");
	assert_error_at(gm_models_load(&s, cfg, NULL), GM_EINVALID, "models/d.yml", 3, 15,
			"column 'd.s' has unknown type 'stag'");
	assert_hint("did you mean 'stage'?");
	free_config(cfg);
}

static void test_models__load_missing_explicit_file(void **state)
{
	static const gm_model_source src[] = { { GM_MODELS_YAML, "models/schema.yml", 4 } };
	gm_config *cfg = make_config(src, 1);
	gm_schema *s = NULL;

	(void)state;
	assert_error_at(gm_models_load(&s, cfg, NULL), GM_ENOTFOUND, ".gitmigrate.yml", 4, 0,
			"models file 'models/schema.yml' does not exist");
	assert_null(s);
	free_config(cfg);
}

static void test_models__load_sql_and_command(void **state)
{
	static const gm_model_source src[] = {
		{ GM_MODELS_YAML, "models/*.yml", 2 },
		{ GM_MODELS_SQL, "db/*.sql", 3 },
		{ GM_MODELS_COMMAND,
		  "echo \"$GIT_MIGRATE_SCRATCH_URL\" > url.txt; "
		  "echo 'CREATE TABLE from_cmd (id integer);'",
		  4 },
	};
	gm_config *cfg = make_config(src, 3);
	gm_url *server = NULL;
	gm_schema *s = NULL;
	gm_table *t;
	char path[512];
	FILE *f;
	char line[512] = "";

	(void)state;
	assert_gm_ok(gm_url_parse(&server, "sqlite", tmpdir));
	write_file("models/a.yml", "tables:\n  a:\n    columns:\n"
				   "      id: {type: int, primary_key: true}\n"
				   "      s: {type: integer, references: from_sql(id)}\n");
	write_file("db/schema.sql", "CREATE TABLE from_sql (id integer PRIMARY KEY, n WEIRDTYPE);\n"
				    "CREATE VIEW v AS SELECT 1;\n");
	assert_gm_ok(gm_models_load(&s, cfg, server));
	assert_int_equal(s->tables_nr, 3);
	t = gm_schema_table(s, "from_sql");
	assert_non_null(t);
	assert_string_equal(t->origin, "db/schema.sql");
	assert_non_null(gm_table_column(t, "n")); /* inspected types are not checked */
	t = gm_schema_table(s, "from_cmd");
	assert_non_null(t);
	assert_string_equal(t->origin, "command 'echo \"$GIT_MIGRATE_SCRATCH_URL\" > url.txt; "
				       "echo 'CREATE TABLE from_cmd (id integer);''");
	/* the SQL file's view is an object of the models, from that file */
	assert_non_null(gm_schema_dependent(s, "view", "v"));
	assert_string_equal(gm_schema_dependent(s, "view", "v")->origin, "db/schema.sql");
	gm_schema_free(s);

	/* the command ran in the root, with the scratch URL in its environment */
	snprintf(path, sizeof(path), "%s/url.txt", tmpdir);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	assert_non_null(strstr(line, "sqlite"));

	/* a failing command: its exit status, its stderr as detail */
	free(cfg->models[2].value);
	cfg->models[2].value = strdup("echo boom >&2; exit 3");
	assert_error_at(gm_models_load(&s, cfg, server), GM_ERROR, ".gitmigrate.yml", 4, 0,
			"models command 'echo boom >&2; exit 3' failed with exit status 3");
	assert_string_equal(gm_error_last()->detail, "boom");

	/* a table defined by YAML and again by the command */
	free(cfg->models[2].value);
	cfg->models[2].value = strdup("echo 'CREATE TABLE a (id integer);'");
	assert_error_at(gm_models_load(&s, cfg, server), GM_EINVALID, ".gitmigrate.yml", 4, 0,
			"table 'a' is defined twice: models/a.yml:2:3 and "
			"command 'echo 'CREATE TABLE a (id integer);''");

	/* bad SQL in a file: the database's error, at the file */
	write_file("db/schema.sql",
		   "CREATE TABLE from_sql (id integer PRIMARY KEY);\nCREATE TABLEX;\n");
	assert_int_equal(gm_models_load(&s, cfg, server), GM_EDB);
	assert_string_equal(gm_error_last()->path, "db/schema.sql");
	assert_int_equal(gm_error_last()->line, 2);
	assert_non_null(strstr(gm_error_last()->message, "syntax error"));

	/* SQL sources without a scratch server */
	assert_error_at(gm_models_load(&s, cfg, NULL), GM_EINVALID, ".gitmigrate.yml", 3, 0,
			"models source 'db/*.sql' needs a scratch database");
	gm_url_free(server);
	free_config(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_models__load_yaml_globs, setup_dir,
						teardown_dir),
		cmocka_unit_test_setup_teardown(test_models__load_missing_explicit_file, setup_dir,
						teardown_dir),
		cmocka_unit_test_setup_teardown(test_models__load_sql_and_command, setup_dir,
						teardown_dir),
	};
	return cmocka_run_group_tests_name("models_load", tests, NULL, NULL);
}
