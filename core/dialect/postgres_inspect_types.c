/* PostgreSQL inspection of extensions, standalone sequences and domains (objects). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "git-migrate/schema.h"
#include "dialect/postgres.h"
#include "error_int.h"
#include "schema_int.h"
#include "util/banned.h"

#define SEP '\x1f' /* separator of name lists (string_agg(..., chr(31))) */

/* Add each name of the chr(31)-separated list to d's uses. */
static void add_uses(gm_dependent *d, const char *list)
{
	gm_buf b = GM_BUF_INIT;

	while (list && *list) {
		const char *end = strchr(list, SEP);
		size_t n = end ? (size_t)(end - list) : strlen(list);

		gm_buf_clear(&b);
		gm_buf_put(&b, list, n);
		gm_dependent_add_use(d, b.ptr);
		list = end ? end + 1 : NULL;
	}
	gm_buf_release(&b);
}

/* Rows of query: 0 name, 1 create, 2 uses (when `uses_col`): objects of `kind`. */
static int read_kind(gm_schema *s, struct gm_pg_conn *c, const char *kind, const char *query,
		     int uses_col)
{
	PGresult *res = NULL;
	gm_buf what = GM_BUF_INIT;
	int i, error;

	gm_buf_printf(&what, "cannot read %ss", kind);
	error = gm_pg_query_prepared(&res, c, what.ptr, query, NULL);
	gm_buf_release(&what);
	if (error < 0)
		return error;
	for (i = 0; i < PQntuples(res); i++) {
		gm_dependent *d = gm_schema_add_dependent(s, kind, PQgetvalue(res, i, 0), NULL,
							  PQgetvalue(res, i, 1));
		if (uses_col >= 0 && !PQgetisnull(res, i, uses_col))
			add_uses(d, PQgetvalue(res, i, uses_col));
	}
	PQclear(res);
	return 0;
}

int gm_pg_inspect_types(gm_schema *s, struct gm_pg_conn *c)
{
	int error;

	if ((error = read_kind(s, c, "extension", gm_pg_q_extensions, -1)) < 0 ||
	    (error = read_kind(s, c, "sequence", gm_pg_q_sequences, -1)) < 0 ||
	    (error = read_kind(s, c, "domain", gm_pg_q_domains, 2)) < 0)
		return error;
	return 0;
}

/*
 * The extension a "not available" error names: PostgreSQL 15+ `extension "x" is not
 * available`, before 15 `could not open extension control file ".../x.control": ...`.
 * NULL when primary is another error; caller frees.
 */
static char *missing_extension(const char *primary)
{
	const char *p = "extension \"", *q = "could not open extension control file \"";
	const char *end;

	if (!primary)
		return NULL;
	if (!strncmp(primary, p, strlen(p))) {
		primary += strlen(p);
		end = strchr(primary, '"');
		if (!end || strcmp(end, "\" is not available"))
			return NULL;
		return gm_xstrndup(primary, (size_t)(end - primary));
	}
	if (strncmp(primary, q, strlen(q)) || !(end = strstr(primary, ".control\"")))
		return NULL;
	for (p = end; p > primary && p[-1] != '/' && p[-1] != '"';)
		p--;
	return gm_xstrndup(p, (size_t)(end - p));
}

bool gm_pg_hint_extension(const char *primary, int server_version)
{
	char *name = missing_extension(primary);

	if (!name)
		return false;
	gm_error_hint("extension '%s' must be installed on the PostgreSQL server: install "
		      "its package there (e.g. postgresql-%d-%s; the contrib modules are in "
		      "postgresql-contrib), or point 'scratch:' in .gitmigrate.yml at a server "
		      "that has it",
		      name, server_version / 10000, name);
	free(name);
	return true;
}
