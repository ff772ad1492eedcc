/* .gitmigrate.yml → gm_config (DESIGN.md §3.1). Every key is optional. */
#ifndef GM_CONFIG_H
#define GM_CONFIG_H
#include <stddef.h>

typedef enum {
	GM_MODELS_YAML,       /* a glob of YAML model files ("models/<glob>.yml") */
	GM_MODELS_SQL,        /* a glob of *.sql DDL files */
	GM_MODELS_COMMAND,    /* {command: "..."} run in the repository root */
	GM_MODELS_SQLALCHEMY, /* {sqlalchemy: "module:attribute"}: the DDL of a SQLAlchemy
			       * MetaData (or a Base, or a Flask-SQLAlchemy db), printed by
			       * `python` in the repository root */
} gm_model_source_kind;

typedef struct gm_model_source {
	gm_model_source_kind kind;
	char *value; /* the glob (relative to the repository root), the command, or
		      * "module:attribute" (checked: dotted names, one ':') */
	int line;    /* where it was declared in the config (0 = default) */
} gm_model_source;

typedef enum {
	GM_FIXTURES_FROM_PRODUCTION,
	GM_FIXTURES_FROM_WORKTREE
} gm_fixtures_from;

typedef struct gm_config {
	char *path;              /* the config file read, or NULL when none existed */
	char *root;              /* absolute worktree root, no trailing slash */
	char *production;        /* "production" */
	char *migrations;        /* "migrations/versions", relative to root, no trailing slash */
	gm_model_source *models; /* default: one YAML source, models/<all>.yml */
	size_t models_nr;
	char *fixtures;                 /* "data" */
	gm_fixtures_from fixtures_from; /* production */
	char *database;                 /* "sqlite:///app.db" unless overridden */
	const char *
		database_from; /* "GIT_MIGRATE_DATABASE_URL", "DATABASE_URL", "config" or "default" (static) */
	char *scratch;            /* "sqlite" or a PostgreSQL URL; NULL = derive from database */
	char *version_table;      /* "git_migrate_history" */
	size_t max_revision_size; /* largest revision file read, in bytes; 0 = 1 MiB */
	char **schemas;           /* PostgreSQL schemas managed besides the current one (the
				   * `schemas:` key, names as written); NULL = every schema
				   * the models name (gm_schema_scope) */
	size_t schemas_nr;
	long cache_size; /* snapshot cache entries kept (default 3; 0: no cache) */
	char *python;    /* `python:`, the interpreter of sqlalchemy sources, looked up on
			  * PATH unless it holds a '/'; NULL = "python3" */
} gm_config;

/*
 * Load configuration for the worktree at `root` (absolute). `path` names the file to
 * read; NULL means "<root>/.gitmigrate.yml" if it exists (defaults otherwise). An explicit
 * path that does not exist is GM_ENOTFOUND. Unknown keys and wrong types are GM_EINVALID
 * with file:line:col set. Environment overrides for `database` are applied
 * (GIT_MIGRATE_DATABASE_URL, then DATABASE_URL). Caller owns *out (gm_config_free).
 */
int gm_config_load(gm_config **out, const char *root, const char *path);

/* A config holding only defaults (used by `init`). Caller owns *out. */
void gm_config_defaults(gm_config **out, const char *root);

/* Free a config; NULL-safe. */
void gm_config_free(gm_config *cfg);

/* The default .gitmigrate.yml text `init` writes (static string). */
const char *gm_config_template(void);

#endif
