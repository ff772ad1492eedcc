/* Unit tests of core/config.c: .gitmigrate.yml keys, defaults, errors, env overrides. */
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>
#include "gm_test.h"

static char root[256];

#define write_file(name, text) gm_test_write_file(root, name, text)

static void write_config(const char *text)
{
	write_file(".gitmigrate.yml", text);
}

GM_TEST_TMPDIR_FIXTURES(group_setup, group_teardown, root, "gm-test-config-")

static int setup(void **state)
{
	(void)state;
	unsetenv("GIT_MIGRATE_DATABASE_URL");
	unsetenv("DATABASE_URL");
	return 0;
}

static int teardown(void **state)
{
	char path[512];
	(void)state;
	snprintf(path, sizeof(path), "%s/.gitmigrate.yml", root);
	unlink(path);
	unsetenv("GIT_MIGRATE_DATABASE_URL");
	unsetenv("DATABASE_URL");
	gm_error_clear();
	return 0;
}

static void assert_defaults(const gm_config *cfg)
{
	assert_string_equal(cfg->root, root);
	assert_string_equal(cfg->production, "production");
	assert_string_equal(cfg->migrations, "migrations/versions");
	assert_int_equal(cfg->models_nr, 1);
	assert_int_equal(cfg->models[0].kind, GM_MODELS_YAML);
	assert_string_equal(cfg->models[0].value, "models/*.yml");
	assert_string_equal(cfg->fixtures, "data");
	assert_int_equal(cfg->fixtures_from, GM_FIXTURES_FROM_PRODUCTION);
	assert_string_equal(cfg->database, "sqlite:///app.db");
	assert_null(cfg->scratch);
	assert_string_equal(cfg->version_table, "git_migrate_history");
}

static void test_config__defaults_without_a_file(void **state)
{
	gm_config *cfg = NULL;
	(void)state;
	assert_gm_ok(gm_config_load(&cfg, root, NULL));
	assert_defaults(cfg);
	assert_null(cfg->path);
	assert_string_equal(cfg->database_from, "default");
	gm_config_free(cfg);
}

static void test_config__defaults_helper(void **state)
{
	gm_config *cfg = NULL;
	char with_slash[512];
	(void)state;
	snprintf(with_slash, sizeof(with_slash), "%s/", root);
	gm_config_defaults(&cfg, with_slash);
	assert_defaults(cfg);
	assert_string_equal(cfg->database_from, "default");
	gm_config_free(cfg);
	gm_config_free(NULL);
}

static void test_config__empty_file_is_defaults(void **state)
{
	gm_config *cfg = NULL;
	(void)state;
	write_config("");
	assert_gm_ok(gm_config_load(&cfg, root, NULL));
	assert_defaults(cfg);
	assert_non_null(cfg->path);
	gm_config_free(cfg);

	write_config("# only a comment\n");
	assert_gm_ok(gm_config_load(&cfg, root, NULL));
	assert_defaults(cfg);
	gm_config_free(cfg);
}

static void test_config__template_is_the_defaults(void **state)
{
	gm_config *cfg = NULL;
	const char *t = gm_config_template();
	static const char *const keys[] = { "production:", "migrations:",    "models:",
					    "fixtures:",   "fixtures_from:", "database:",
					    "scratch:",    "version_table:", NULL };
	size_t i;
	(void)state;
	for (i = 0; keys[i]; i++)
		assert_non_null(strstr(t, keys[i]));
	write_config(t);
	assert_gm_ok(gm_config_load(&cfg, root, NULL));
	assert_defaults(cfg);
	gm_config_free(cfg);
}

static void test_config__every_key(void **state)
{
	gm_config *cfg = NULL;
	(void)state;
	write_config("production: release\n"
		     "migrations: ./db/revisions/\n"
		     "models:\n"
		     "  - schema/*.yml\n"
		     "  - ddl/*.sql\n"
		     "  - {command: \"python manage.py create_all\"}\n"
		     "fixtures: seed\n"
		     "fixtures_from: worktree\n"
		     "database: sqlite:///dev.db\n"
		     "scratch: postgres://localhost/postgres\n"
		     "version_table: schema_history\n");
	assert_gm_ok(gm_config_load(&cfg, root, NULL));
	assert_string_equal(cfg->production, "release");
	assert_string_equal(cfg->migrations, "db/revisions");
	assert_int_equal(cfg->models_nr, 3);
	assert_int_equal(cfg->models[0].kind, GM_MODELS_YAML);
	assert_string_equal(cfg->models[0].value, "schema/*.yml");
	assert_int_equal(cfg->models[0].line, 4);
	assert_int_equal(cfg->models[1].kind, GM_MODELS_SQL);
	assert_string_equal(cfg->models[1].value, "ddl/*.sql");
	assert_int_equal(cfg->models[2].kind, GM_MODELS_COMMAND);
	assert_string_equal(cfg->models[2].value, "python manage.py create_all");
	assert_int_equal(cfg->models[2].line, 6);
	assert_string_equal(cfg->fixtures, "seed");
	assert_int_equal(cfg->fixtures_from, GM_FIXTURES_FROM_WORKTREE);
	assert_string_equal(cfg->database, "sqlite:///dev.db");
	assert_string_equal(cfg->database_from, "config");
	assert_string_equal(cfg->scratch, "postgres://localhost/postgres");
	assert_string_equal(cfg->version_table, "schema_history");
	gm_config_free(cfg);
}

static void test_config__models_single_source(void **state)
{
	gm_config *cfg = NULL;
	(void)state;
	write_config("models: schema.sql\n");
	assert_gm_ok(gm_config_load(&cfg, root, NULL));
	assert_int_equal(cfg->models_nr, 1);
	assert_int_equal(cfg->models[0].kind, GM_MODELS_SQL);
	assert_string_equal(cfg->models[0].value, "schema.sql");
	gm_config_free(cfg);

	write_config("models: [models/*.yml, {command: ./dump-schema}]\n");
	assert_gm_ok(gm_config_load(&cfg, root, NULL));
	assert_int_equal(cfg->models_nr, 2);
	assert_int_equal(cfg->models[1].kind, GM_MODELS_COMMAND);
	assert_string_equal(cfg->models[1].value, "./dump-schema");
	gm_config_free(cfg);
}

static void test_config__sqlalchemy_source_and_python(void **state)
{
	gm_config *cfg = NULL;
	(void)state;
	write_config("models:\n"
		     "  - {sqlalchemy: \"app.models:db\"}\n"
		     "  - {sqlalchemy: \"pkg.sub.mod:Base.metadata\"}\n"
		     "python: .venv/bin/python\n");
	assert_gm_ok(gm_config_load(&cfg, root, NULL));
	assert_int_equal(cfg->models_nr, 2);
	assert_int_equal(cfg->models[0].kind, GM_MODELS_SQLALCHEMY);
	assert_string_equal(cfg->models[0].value, "app.models:db");
	assert_int_equal(cfg->models[0].line, 2);
	assert_int_equal(cfg->models[1].kind, GM_MODELS_SQLALCHEMY);
	assert_string_equal(cfg->models[1].value, "pkg.sub.mod:Base.metadata");
	assert_string_equal(cfg->python, ".venv/bin/python");
	gm_config_free(cfg);

	write_config("models: {sqlalchemy: \"models:metadata\"}\n");
	assert_gm_ok(gm_config_load(&cfg, root, NULL));
	assert_int_equal(cfg->models[0].kind, GM_MODELS_SQLALCHEMY);
	assert_null(cfg->python); /* python3 */
	gm_config_free(cfg);
}

static void assert_config_error(const char *yaml, int line, int col, const char *needle)
{
	gm_config *cfg = (gm_config *)1;
	const gm_error *e;
	write_config(yaml);
	assert_gm_fails(GM_EINVALID, needle, gm_config_load(&cfg, root, NULL));
	assert_null(cfg);
	e = gm_error_last();
	assert_non_null(e->path);
	assert_string_equal(e->path, ".gitmigrate.yml");
	assert_int_equal(e->line, line);
	if (col)
		assert_int_equal(e->col, col);
}

static void test_config__unknown_key_with_hint(void **state)
{
	(void)state;
	assert_config_error("# config\nmigrations: m\nprodution: main\n", 3, 1,
			    "unknown key 'prodution'");
	assert_non_null(gm_error_last()->hint);
	assert_string_equal(gm_error_last()->hint, "did you mean 'production'?");

	assert_config_error("colour: red\n", 1, 1, "unknown key 'colour'");
	assert_null(gm_error_last()->hint);

	assert_config_error("version-table: x\n", 1, 1, "unknown key 'version-table'");
	assert_string_equal(gm_error_last()->hint, "did you mean 'version_table'?");
}

static void test_config__wrong_types(void **state)
{
	(void)state;
	assert_config_error("production: [a, b]\n", 1, 13,
			    "'production' must be a string, not a list");
	assert_config_error("migrations:\n  dir: x\n", 2, 3,
			    "'migrations' must be a string, not a mapping");
	assert_config_error("database:\n", 1, 0, "'database' needs a value");
	assert_config_error("fixtures_from: staging\n", 1, 16,
			    "'fixtures_from' must be 'production' or 'worktree', not 'staging'");
	assert_config_error("models: []\n", 1, 9, "'models' needs at least one source");
	assert_config_error("models:\n  - [a]\n", 2, 5, "an entry of 'models' must be a glob");
	assert_config_error("models:\n  - {cmd: x}\n", 2, 6, "unknown key 'cmd'");
	assert_config_error("models:\n  - {command: [x]}\n", 2, 15, "'command' must be a string");
	assert_config_error("models:\n  - {sqlalchemy: app}\n", 2, 18,
			    "'sqlalchemy' must be \"module:attribute\"");
	assert_config_error("models:\n  - {sqlalchemy: \"a:b:c\"}\n", 2, 18,
			    "'sqlalchemy' must be \"module:attribute\"");
	assert_config_error("models:\n  - {sqlalchemy: \"a..b:c\"}\n", 2, 18,
			    "'sqlalchemy' must be \"module:attribute\"");
	assert_config_error("models:\n  - {sqlalchemy: \"1a:b\"}\n", 2, 18,
			    "'sqlalchemy' must be \"module:attribute\"");
	assert_config_error("models:\n  - {sqlalchemy: \"a:\"}\n", 2, 18,
			    "'sqlalchemy' must be \"module:attribute\"");
	assert_config_error("models:\n  - {sqlalchemy: \"a:b\", command: x}\n", 2, 5,
			    "needs one key: 'command' or 'sqlalchemy'");
	assert_config_error("models:\n  - {sqlalchmy: \"a:b\"}\n", 2, 6, "unknown key 'sqlalchmy'");
	assert_string_equal(gm_error_last()->hint, "did you mean 'sqlalchemy'?");
	assert_config_error("python: [x]\n", 1, 9, "'python' must be a string");
	assert_config_error("version_table: \"drop table\"\n", 1, 16,
			    "'version_table' must be a plain identifier");
	assert_config_error("migrations: /abs/path\n", 1, 13,
			    "'migrations' must be relative to the repository root");
	assert_config_error("fixtures: ../outside\n", 1, 11,
			    "'fixtures' must stay inside the repository");
	assert_config_error("- production\n", 1, 1, "expected a mapping of keys, not a list");
	assert_config_error("production: a\nproduction: b\n", 2, 1, "duplicate key 'production'");
}

static void test_config__malformed_yaml(void **state)
{
	gm_config *cfg = NULL;
	(void)state;
	write_config("production: [unclosed\n");
	assert_int_equal(gm_config_load(&cfg, root, NULL), GM_EINVALID);
	assert_null(cfg);
	assert_string_equal(gm_error_last()->path, ".gitmigrate.yml");
	assert_true(gm_error_last()->line > 0);
}

/* Hostile input: 100k nested lists, a NUL inside a string, a second document. */
static void test_config__hostile_yaml(void **state)
{
	gm_buf b = GM_BUF_INIT;
	int i;

	(void)state;
	gm_buf_puts(&b, "# deep\nmodels: ");
	for (i = 0; i < 100000; i++)
		gm_buf_putc(&b, '[');
	for (i = 0; i < 100000; i++)
		gm_buf_putc(&b, ']');
	gm_buf_putc(&b, '\n');
	/* the root mapping is level 1: the 64th '[' (column 9 + 63) is level 65 */
	assert_config_error(b.ptr, 2, 9 + 63, "nesting deeper than 64 levels");
	gm_buf_release(&b);

	assert_config_error("production: prod\ndatabase: \"sqlite:///a.db\\0x\"\n", 2, 11,
			    "NUL character in a string");
	assert_config_error("production: \"\\u0000\"\n", 1, 13, "NUL character in a string");
	assert_config_error("production: main\n---\nproduction: evil\n", 2, 1,
			    "more than one YAML document");
	assert_config_error("production: main\n...\n---\n", 3, 1, "more than one YAML document");
}

static void test_config__one_document_markers(void **state)
{
	gm_config *cfg = NULL;
	(void)state;
	write_config("%YAML 1.1\n---\nproduction: main\n...\n# the end\n");
	assert_gm_ok(gm_config_load(&cfg, root, NULL));
	assert_string_equal(cfg->production, "main");
	gm_config_free(cfg);
}

static void test_config__scratch_null_and_value(void **state)
{
	gm_config *cfg = NULL;
	(void)state;
	write_config("scratch: ~\n");
	assert_gm_ok(gm_config_load(&cfg, root, NULL));
	assert_null(cfg->scratch);
	gm_config_free(cfg);
	write_config("scratch: sqlite\n");
	assert_gm_ok(gm_config_load(&cfg, root, NULL));
	assert_string_equal(cfg->scratch, "sqlite");
	gm_config_free(cfg);
}

static void test_config__explicit_path(void **state)
{
	gm_config *cfg = NULL;
	char path[512], cwd[512];
	(void)state;
	write_file("other.yml", "production: staging\n");
	snprintf(path, sizeof(path), "%s/other.yml", root);
	assert_gm_ok(gm_config_load(&cfg, root, path));
	assert_string_equal(cfg->production, "staging");
	assert_string_equal(cfg->path, path);
	gm_config_free(cfg);

	/* relative to the current directory */
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(root), 0);
	assert_gm_ok(gm_config_load(&cfg, root, "other.yml"));
	assert_string_equal(cfg->production, "staging");
	gm_config_free(cfg);
	assert_gm_fails(GM_ENOTFOUND, "cannot read config 'missing.yml'",
			gm_config_load(&cfg, root, "missing.yml"));
	assert_null(cfg);
	assert_int_equal(chdir(cwd), 0);
	snprintf(path, sizeof(path), "%s/other.yml", root);
	unlink(path);
}

static void test_config__env_overrides(void **state)
{
	gm_config *cfg = NULL;
	(void)state;
	write_config("database: sqlite:///from-config.db\n");

	setenv("DATABASE_URL", "sqlite:///from-database-url.db", 1);
	assert_gm_ok(gm_config_load(&cfg, root, NULL));
	assert_string_equal(cfg->database, "sqlite:///from-database-url.db");
	assert_string_equal(cfg->database_from, "DATABASE_URL");
	gm_config_free(cfg);

	setenv("GIT_MIGRATE_DATABASE_URL", "sqlite:///from-gm.db", 1);
	assert_gm_ok(gm_config_load(&cfg, root, NULL));
	assert_string_equal(cfg->database, "sqlite:///from-gm.db");
	assert_string_equal(cfg->database_from, "GIT_MIGRATE_DATABASE_URL");
	gm_config_free(cfg);

	/* an empty variable does not count */
	setenv("GIT_MIGRATE_DATABASE_URL", "", 1);
	unsetenv("DATABASE_URL");
	assert_gm_ok(gm_config_load(&cfg, root, NULL));
	assert_string_equal(cfg->database, "sqlite:///from-config.db");
	assert_string_equal(cfg->database_from, "config");
	gm_config_free(cfg);

	/* overrides apply without a config file too */
	teardown(state);
	setenv("DATABASE_URL", "sqlite:///env.db", 1);
	assert_gm_ok(gm_config_load(&cfg, root, NULL));
	assert_string_equal(cfg->database, "sqlite:///env.db");
	assert_string_equal(cfg->database_from, "DATABASE_URL");
	gm_config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_config__defaults_without_a_file, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_config__defaults_helper, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config__empty_file_is_defaults, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_config__template_is_the_defaults, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_config__every_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config__models_single_source, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config__sqlalchemy_source_and_python, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_config__unknown_key_with_hint, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_config__wrong_types, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config__malformed_yaml, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config__hostile_yaml, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config__one_document_markers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config__scratch_null_and_value, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_config__explicit_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config__env_overrides, setup, teardown),
	};
	return cmocka_run_group_tests_name("config", tests, group_setup, group_teardown);
}
