/*
 * A baseline for a database no tool manages yet (`init --from-database`, issue 15): the
 * live schema read once and written as a base revision, YAML models (and a SQL model for
 * what YAML cannot say) and a config that names them.
 */
#ifndef GM_BASELINE_H
#define GM_BASELINE_H
#include <stdbool.h>
#include <stddef.h>
#include "git-migrate/config.h"

/* Where the models go, relative to the root. */
#define GM_BASELINE_YAML "models/schema.yml"
#define GM_BASELINE_SQL "models/unexpressed.sql"

typedef struct gm_baseline {
	char *database;      /* the URL as the config holds it: without its password */
	bool had_password;   /* the URL given held one (left out of `database`) */
	char *id;            /* the base revision's id */
	char *revision_path; /* "<migrations>/<id>_baseline.sql", relative to the root */
	char *revision;      /* its text */
	char *yaml;          /* GM_BASELINE_YAML's text */
	char *sql;           /* GM_BASELINE_SQL's text, or NULL when the YAML says everything */
	char *config;        /* the config's text */
	char **unexpressed;  /* what went to the SQL model and why ("table t: ...") */
	size_t unexpressed_nr;
	char **unsupported; /* what the schema model does not cover (named, left out) */
	size_t unsupported_nr;
	size_t tables_nr, objects_nr; /* in the database */
} gm_baseline;

/*
 * Read the database at `url` (SQLite file or PostgreSQL URL; a SQLite path is relative
 * to cfg->root, and must exist) and fill *out with the texts to write; writes nothing.
 * cfg gives the root, the migrations directory and the version table (left out). The
 * YAML models are parsed back before they are returned. Release *out with
 * gm_baseline_release (also after a failure). GM_EINVALID (bad URL), GM_ENOTFOUND (no
 * such SQLite file), GM_EDB (unreachable: the message masks the password), GM_EEXISTS
 * (the database has git-migrate's version table: it is managed already).
 */
int gm_baseline_read(gm_baseline *out, const char *url, const gm_config *cfg);

void gm_baseline_release(gm_baseline *b);

#endif
