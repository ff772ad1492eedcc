/* .gitmigrate.yml → gm_config (DESIGN.md §3.1): defaults, validation, env overrides. */
#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/config.h"
#include "git-migrate/error.h"
#include "error_int.h"
#include "yaml.h"
#include "util/suggest.h"
#include "util/bounded.h"
#include "util/banned.h"

#define DEFAULT_PRODUCTION "production"
#define DEFAULT_MIGRATIONS "migrations/versions"
#define DEFAULT_MODELS "models/*.yml"
#define DEFAULT_FIXTURES "data"
#define DEFAULT_DATABASE "sqlite:///app.db"
#define DEFAULT_VERSION_TABLE "git_migrate_history"
#define CONFIG_NAME ".gitmigrate.yml"

static const char template_text[] =
	"# git-migrate configuration. Every key is optional; the values below are the defaults.\n"
	"\n"
	"# The branch (or any git revision) whose migrations are history: a local branch,\n"
	"# then origin/<name>, then any revision. It is never checked out.\n"
	"production: " DEFAULT_PRODUCTION "\n"
	"\n"
	"# Where revision files live, relative to the repository root.\n"
	"migrations: " DEFAULT_MIGRATIONS "\n"
	"\n"
	"# The desired schema: YAML model globs, *.sql DDL globs, {command: \"...\"}\n"
	"# (run in the repository root with GIT_MIGRATE_SCRATCH_URL set), or\n"
	"# {sqlalchemy: \"module:attribute\"} (a SQLAlchemy MetaData, Base or Flask db).\n"
	"models:\n"
	"  - " DEFAULT_MODELS "\n"
	"\n"
	"# Fixtures (YAML, CSV or SQL) loaded into the scratch database after replay.\n"
	"fixtures: " DEFAULT_FIXTURES "\n"
	"# Read fixtures from the production ref (production) or from the worktree (worktree).\n"
	"fixtures_from: production\n"
	"\n"
	"# The target database. GIT_MIGRATE_DATABASE_URL, then DATABASE_URL, override it.\n"
	"# sqlite:///relative.db, sqlite:////absolute.db, postgres://user@host/db, ...\n"
	"database: " DEFAULT_DATABASE "\n"
	"\n"
	"# Where scratch databases are created: sqlite (temporary files) or a PostgreSQL URL.\n"
	"# Default: the server of `database` when it is PostgreSQL, sqlite otherwise.\n"
	"# scratch: sqlite\n"
	"\n"
	"# The table recording applied revisions in the target database.\n"
	"version_table: " DEFAULT_VERSION_TABLE "\n"
	"\n"
	"# The largest revision file read (KiB, MiB or GiB).\n"
	"# max_revision_size: 1 MiB\n"
	"\n"
	"# PostgreSQL: the schemas managed besides the current one (public). Default: every\n"
	"# schema the models name; the others are left as the database has them.\n"
	"# schemas: [public, billing]\n"
	"\n"
	"# Snapshot cache entries kept per repository (0 turns the cache off).\n"
	"# cache_size: 3\n"
	"\n"
	"# The Python interpreter of {sqlalchemy: \"module:attribute\"} model sources.\n"
	"# python: python3\n";

const char *gm_config_template(void)
{
	return template_text;
}

static char *strip_trailing_slash(const char *s)
{
	size_t n = strlen(s);
	while (n > 1 && s[n - 1] == '/')
		n--;
	return gm_xstrndup(s, n);
}

static void add_model(gm_config *cfg, gm_model_source_kind kind, const char *value, int line)
{
	gm_model_source *m;
	cfg->models = gm_xrealloc(cfg->models, (cfg->models_nr + 1) * sizeof(*cfg->models));
	m = &cfg->models[cfg->models_nr++];
	m->kind = kind;
	m->value = gm_xstrdup(value);
	m->line = line;
}

static void clear_models(gm_config *cfg)
{
	size_t i;
	for (i = 0; i < cfg->models_nr; i++)
		free(cfg->models[i].value);
	free(cfg->models);
	cfg->models = NULL;
	cfg->models_nr = 0;
}

void gm_config_defaults(gm_config **out, const char *root)
{
	gm_config *cfg = gm_xcalloc(1, sizeof(*cfg));
	cfg->root = root ? strip_trailing_slash(root) : NULL;
	cfg->production = gm_xstrdup(DEFAULT_PRODUCTION);
	cfg->migrations = gm_xstrdup(DEFAULT_MIGRATIONS);
	add_model(cfg, GM_MODELS_YAML, DEFAULT_MODELS, 0);
	cfg->fixtures = gm_xstrdup(DEFAULT_FIXTURES);
	cfg->fixtures_from = GM_FIXTURES_FROM_PRODUCTION;
	cfg->database = gm_xstrdup(DEFAULT_DATABASE);
	cfg->database_from = "default";
	cfg->scratch = NULL;
	cfg->version_table = gm_xstrdup(DEFAULT_VERSION_TABLE);
	cfg->cache_size = 3;
	*out = cfg;
}

static void clear_schemas(gm_config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->schemas_nr; i++)
		free(cfg->schemas[i]);
	free(cfg->schemas);
	cfg->schemas = NULL;
	cfg->schemas_nr = 0;
}

void gm_config_free(gm_config *cfg)
{
	if (!cfg)
		return;
	free(cfg->path);
	free(cfg->root);
	free(cfg->production);
	free(cfg->migrations);
	clear_models(cfg);
	free(cfg->fixtures);
	free(cfg->database);
	free(cfg->scratch);
	free(cfg->version_table);
	clear_schemas(cfg);
	free(cfg->python);
	free(cfg);
}

/* ---- parsing ------------------------------------------------------------ */

static const char *const known_keys[] = {
	"production", "migrations",    "models",
	"fixtures",   "fixtures_from", "database",
	"scratch",    "version_table", "max_revision_size",
	"schemas",    "cache_size",    "python",
	NULL,
};

static const char *closest(const char *word, const char *const *candidates)
{
	const char *best = NULL;
	size_t best_d = 3, i;
	for (i = 0; candidates[i]; i++) {
		size_t dist = gm_edit_distance(word, candidates[i]);
		if (dist < best_d) {
			best_d = dist;
			best = candidates[i];
		}
	}
	return best;
}

static int unknown_key(const gm_yaml_doc *doc, const gm_yaml_node *key,
		       const char *const *candidates)
{
	const char *near = closest(key->value, candidates);
	gm_yaml_error(doc, key, "unknown key '%s'", key->value);
	if (near)
		gm_error_hint("did you mean '%s'?", near);
	return GM_EINVALID;
}

/* A non-null scalar for key `name`; stores a copy in *dst (replacing it). */
static int get_string(char **dst, const gm_yaml_doc *doc, const char *name, const gm_yaml_node *v)
{
	if (v->kind != GM_YAML_SCALAR)
		return gm_yaml_error(doc, v, "'%s' must be a string, not %s", name,
				     gm_yaml_kind_name(v));
	if (gm_yaml_is_null(v) || !*v->value)
		return gm_yaml_error(doc, v, "'%s' needs a value", name);
	free(*dst);
	*dst = gm_xstrdup(v->value);
	return 0;
}

/* A size in bytes: a number, optionally with KiB, MiB or GiB ("4 MiB"). */
static int get_size(size_t *dst, const gm_yaml_doc *doc, const char *name, const gm_yaml_node *v)
{
	unsigned long long n, mult = 1;
	char *end;

	if (v->kind != GM_YAML_SCALAR || gm_yaml_is_null(v) || !*v->value)
		return gm_yaml_error(doc, v, "'%s' must be a size such as 4 MiB", name);
	errno = 0;
	n = strtoull(v->value, &end, 10);
	while (*end == ' ')
		end++;
	if (!strcasecmp(end, "KiB") || !strcasecmp(end, "K"))
		mult = 1024;
	else if (!strcasecmp(end, "MiB") || !strcasecmp(end, "M"))
		mult = 1024 * 1024;
	else if (!strcasecmp(end, "GiB") || !strcasecmp(end, "G"))
		mult = 1024 * 1024 * 1024;
	else if (*end && strcasecmp(end, "B") && strcasecmp(end, "bytes"))
		mult = 0;
	if (errno || !mult || end == v->value || v->value[0] == '-' || !n ||
	    n > (unsigned long long)SIZE_MAX / mult)
		return gm_yaml_error(doc, v, "'%s' must be a size such as 4 MiB, not '%s'", name,
				     v->value);
	*dst = (size_t)(n * mult);
	return 0;
}

/* A count: a whole number from 0 to 1000 (the snapshot cache's size). */
static int get_count(long *dst, const gm_yaml_doc *doc, const char *name, const gm_yaml_node *v)
{
	char *end = NULL;
	long n = -1;

	if (v->kind == GM_YAML_SCALAR && !gm_yaml_is_null(v) && *v->value) {
		errno = 0;
		n = strtol(v->value, &end, 10);
		if (errno || *end || n > 1000)
			n = -1;
	}
	if (n < 0)
		return gm_yaml_error(doc, v, "'%s' must be a whole number from 0 to 1000", name);
	*dst = n;
	return 0;
}

/* A path relative to the repository root: not absolute, no "..", no trailing '/'. */
static int get_relpath(char **dst, const gm_yaml_doc *doc, const char *name, const gm_yaml_node *v)
{
	char *s = NULL, *p;
	const char *q;
	int error;

	if ((error = get_string(&s, doc, name, v)) < 0)
		return error;
	if (s[0] == '/') {
		free(s);
		return gm_yaml_error(doc, v, "'%s' must be relative to the repository root", name);
	}
	for (q = s; (q = strstr(q, "..")); q += 2) {
		if ((q == s || q[-1] == '/') && (q[2] == '\0' || q[2] == '/')) {
			free(s);
			return gm_yaml_error(doc, v, "'%s' must stay inside the repository", name);
		}
	}
	q = s;
	while (q[0] == '.' && q[1] == '/')
		q += 2;
	p = strip_trailing_slash(*q ? q : ".");
	free(s);
	free(*dst);
	*dst = p;
	return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcmp(s + n - m, suffix);
}

/* A `{sqlalchemy: "module:attribute"}` value: a dotted module, one ':', a dotted attribute. */
static bool is_sqlalchemy_spec(const char *s)
{
	const char *colon = strchr(s, ':');
	const char *p;
	bool start = true;

	if (!colon || strchr(colon + 1, ':'))
		return false;
	for (p = s; *p; p++) {
		if (*p == '.' || *p == ':') {
			if (start)
				return false;
			start = true;
		} else if (*p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			   (!start && *p >= '0' && *p <= '9')) {
			start = false;
		} else {
			return false;
		}
	}
	return !start;
}

/* A models entry mapping: {command: "..."} or {sqlalchemy: "module:attribute"}. */
static int parse_model_map(gm_config *cfg, const gm_yaml_doc *doc, const gm_yaml_node *item)
{
	static const char *const model_keys[] = { "command", "sqlalchemy", NULL };
	const gm_yaml_node *k = NULL, *v;

	if (item->nr != 1)
		return gm_yaml_error(doc, item,
				     "a 'models' entry mapping needs one key: 'command' or "
				     "'sqlalchemy'");
	k = gm_yaml_key(item, 0);
	v = gm_yaml_value(item, 0);
	if (k->kind != GM_YAML_SCALAR)
		return gm_yaml_error(doc, k, "keys must be strings");
	if (strcmp(k->value, "command") && strcmp(k->value, "sqlalchemy"))
		return unknown_key(doc, k, model_keys);
	if (v->kind != GM_YAML_SCALAR)
		return gm_yaml_error(doc, v, "'%s' must be a string, not %s", k->value,
				     gm_yaml_kind_name(v));
	if (gm_yaml_is_null(v) || !*v->value)
		return gm_yaml_error(doc, v, "'%s' needs a value", k->value);
	if (!strcmp(k->value, "command")) {
		add_model(cfg, GM_MODELS_COMMAND, v->value, v->line);
		return 0;
	}
	if (!is_sqlalchemy_spec(v->value))
		return gm_yaml_error(doc, v,
				     "'sqlalchemy' must be \"module:attribute\" (e.g. "
				     "\"app.models:db\"), not '%s'",
				     v->value);
	add_model(cfg, GM_MODELS_SQLALCHEMY, v->value, v->line);
	return 0;
}

static int parse_model(gm_config *cfg, const gm_yaml_doc *doc, const gm_yaml_node *item)
{
	if (item->kind == GM_YAML_SCALAR) {
		if (gm_yaml_is_null(item) || !*item->value)
			return gm_yaml_error(doc, item, "empty entry in 'models'");
		add_model(cfg, ends_with(item->value, ".sql") ? GM_MODELS_SQL : GM_MODELS_YAML,
			  item->value, item->line);
		return 0;
	}
	if (item->kind != GM_YAML_MAP)
		return gm_yaml_error(doc, item,
				     "an entry of 'models' must be a glob, {command: \"...\"} "
				     "or {sqlalchemy: \"module:attribute\"}, not %s",
				     gm_yaml_kind_name(item));
	return parse_model_map(cfg, doc, item);
}

static int parse_models(gm_config *cfg, const gm_yaml_doc *doc, const gm_yaml_node *v)
{
	size_t i;
	int error;

	clear_models(cfg);
	if (v->kind != GM_YAML_SEQ) {
		if (v->kind == GM_YAML_SCALAR && gm_yaml_is_null(v))
			return gm_yaml_error(doc, v, "'models' needs at least one source");
		return parse_model(cfg, doc, v); /* a single source without the list */
	}
	if (!v->nr)
		return gm_yaml_error(doc, v, "'models' needs at least one source");
	for (i = 0; i < v->nr; i++)
		if ((error = parse_model(cfg, doc, v->items[i])) < 0)
			return error;
	return 0;
}

/* `schemas:` a list of schema names (or one name without the list). */
static int parse_schemas(gm_config *cfg, const gm_yaml_doc *doc, const gm_yaml_node *v)
{
	const gm_yaml_node *const *items = (const gm_yaml_node *const *)v->items;
	size_t i, n = v->nr;

	clear_schemas(cfg);
	if (v->kind == GM_YAML_SCALAR) {
		items = &v;
		n = gm_yaml_is_null(v) ? 0 : 1;
	} else if (v->kind != GM_YAML_SEQ) {
		return gm_yaml_error(doc, v, "'schemas' must be a list of schema names, not %s",
				     gm_yaml_kind_name(v));
	}
	if (!n)
		return gm_yaml_error(doc, v, "'schemas' needs at least one schema");
	for (i = 0; i < n; i++) {
		if (items[i]->kind != GM_YAML_SCALAR || gm_yaml_is_null(items[i]) ||
		    !*items[i]->value)
			return gm_yaml_error(doc, items[i],
					     "an entry of 'schemas' must be a schema name");
		cfg->schemas =
			gm_xrealloc(cfg->schemas, (cfg->schemas_nr + 1) * sizeof(*cfg->schemas));
		cfg->schemas[cfg->schemas_nr++] = gm_xstrdup(items[i]->value);
	}
	return 0;
}

static bool is_identifier(const char *s)
{
	size_t i;
	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_'))
		return false;
	for (i = 1; s[i]; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return i <= 63;
}

static int parse_key(gm_config *cfg, const gm_yaml_doc *doc, const gm_yaml_node *k,
		     const gm_yaml_node *v)
{
	const char *key = k->value;
	int error;

	if (!strcmp(key, "production"))
		return get_string(&cfg->production, doc, key, v);
	if (!strcmp(key, "migrations"))
		return get_relpath(&cfg->migrations, doc, key, v);
	if (!strcmp(key, "models"))
		return parse_models(cfg, doc, v);
	if (!strcmp(key, "fixtures"))
		return get_relpath(&cfg->fixtures, doc, key, v);
	if (!strcmp(key, "fixtures_from")) {
		char *s = NULL;
		if ((error = get_string(&s, doc, key, v)) < 0)
			return error;
		if (!strcmp(s, "production"))
			cfg->fixtures_from = GM_FIXTURES_FROM_PRODUCTION;
		else if (!strcmp(s, "worktree"))
			cfg->fixtures_from = GM_FIXTURES_FROM_WORKTREE;
		else
			error = gm_yaml_error(doc, v,
					      "'fixtures_from' must be 'production' or "
					      "'worktree', not '%s'",
					      s);
		free(s);
		return error;
	}
	if (!strcmp(key, "database")) {
		if ((error = get_string(&cfg->database, doc, key, v)) < 0)
			return error;
		cfg->database_from = "config";
		return 0;
	}
	if (!strcmp(key, "scratch")) {
		if (v->kind == GM_YAML_SCALAR && gm_yaml_is_null(v)) {
			free(cfg->scratch);
			cfg->scratch = NULL;
			return 0;
		}
		return get_string(&cfg->scratch, doc, key, v);
	}
	if (!strcmp(key, "version_table")) {
		if ((error = get_string(&cfg->version_table, doc, key, v)) < 0)
			return error;
		if (!is_identifier(cfg->version_table))
			return gm_yaml_error(doc, v,
					     "'version_table' must be a plain identifier "
					     "([A-Za-z_][A-Za-z0-9_]*), not '%s'",
					     cfg->version_table);
		return 0;
	}
	if (!strcmp(key, "schemas"))
		return parse_schemas(cfg, doc, v);
	if (!strcmp(key, "max_revision_size"))
		return get_size(&cfg->max_revision_size, doc, key, v);
	if (!strcmp(key, "cache_size"))
		return get_count(&cfg->cache_size, doc, key, v);
	if (!strcmp(key, "python"))
		return get_string(&cfg->python, doc, key, v);
	return unknown_key(doc, k, known_keys);
}

static int parse_doc(gm_config *cfg, const gm_yaml_doc *doc)
{
	const gm_yaml_node *root = doc->root;
	size_t i, j;
	int error;

	if (!root || (root->kind == GM_YAML_SCALAR && gm_yaml_is_null(root)))
		return 0; /* an empty file: defaults */
	if (root->kind != GM_YAML_MAP)
		return gm_yaml_error(doc, root, "expected a mapping of keys, not %s",
				     gm_yaml_kind_name(root));
	for (i = 0; i < root->nr; i++) {
		const gm_yaml_node *k = gm_yaml_key(root, i);
		if (k->kind != GM_YAML_SCALAR)
			return gm_yaml_error(doc, k, "keys must be strings, not %s",
					     gm_yaml_kind_name(k));
		for (j = 0; j < i; j++) {
			const gm_yaml_node *prev = gm_yaml_key(root, j);
			if (prev->kind == GM_YAML_SCALAR && !strcmp(prev->value, k->value))
				return gm_yaml_error(doc, k, "duplicate key '%s'", k->value);
		}
		if ((error = parse_key(cfg, doc, k, gm_yaml_value(root, i))) < 0)
			return error;
	}
	return 0;
}

static void apply_env(gm_config *cfg)
{
	static const char *const vars[] = { "GIT_MIGRATE_DATABASE_URL", "DATABASE_URL", NULL };
	size_t i;
	for (i = 0; vars[i]; i++) {
		const char *v = getenv(vars[i]);
		if (v && *v) {
			free(cfg->database);
			cfg->database = gm_xstrdup(v);
			cfg->database_from = vars[i];
			return;
		}
	}
}

int gm_config_load(gm_config **out, const char *root, const char *path)
{
	gm_config *cfg = NULL;
	gm_yaml_doc *doc = NULL;
	gm_buf file = GM_BUF_INIT, data = GM_BUF_INIT;
	const char *shown;
	struct stat st;
	int error = 0;

	GM_ASSERT_ARG(out && root);
	*out = NULL;
	gm_config_defaults(&cfg, root);

	if (path) {
		gm_buf_puts(&file, path);
		shown = path;
	} else {
		gm_buf_printf(&file, "%s/%s", cfg->root, CONFIG_NAME);
		shown = CONFIG_NAME;
	}
	if (!path && lstat(file.ptr, &st) < 0 && errno == ENOENT)
		goto env; /* no config file: defaults */
	/* The repository's own config stays inside it; one named with --config may be
	 * anywhere. Either way: a regular file, at most 1 MiB, UTF-8. */
	if ((error = gm_file_read_bounded(&data, path ? NULL : cfg->root, file.ptr, shown,
					  GM_LIMIT_CONFIG, "the config file", true)) < 0) {
		if (error == GM_ENOTFOUND)
			gm_error_set(GM_ENOTFOUND, "cannot read config '%s': %s", shown,
				     strerror(ENOENT));
		else if (error != GM_EINVALID)
			gm_error_prefix("cannot read config");
		goto done;
	}
	cfg->path = gm_buf_detach(&file);
	if ((error = gm_yaml_load(&doc, shown, data.ptr, data.len)) < 0)
		goto done;
	if ((error = parse_doc(cfg, doc)) < 0)
		goto done;
env:
	apply_env(cfg);
	*out = cfg;
	cfg = NULL;
done:
	gm_yaml_free(doc);
	gm_buf_release(&data);
	gm_buf_release(&file);
	gm_config_free(cfg);
	return error;
}
