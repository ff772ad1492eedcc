/* PostgreSQL's deploy slots: the advisory lock of a target, and createdb (DESIGN.md §3.9). */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <libpq-fe.h>
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "error_int.h"
#include "dialect/postgres.h"
#include "dialect/sql.h"
#include "db_int.h"
#include "interrupt.h"
#include "util/banned.h"

void gm_pg_version_sql(gm_buf *out, enum gm_version_op op, const char *table,
		       const gm_version_row *row)
{
	gm_sql_version(out, op, table, row, true);
}

/*
 * The advisory lock key of a version table: FNV-1a (64 bits) of "git-migrate:<table>", so
 * that every run deploying to one version table of one database takes the same lock.
 */
static void lock_key(char out[24], const char *table)
{
	uint64_t h = 14695981039346656037ULL;
	const char *p;

	for (p = "git-migrate:"; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	for (p = table; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	snprintf(out, 24, "%" PRId64, (int64_t)h);
}

/* One pg_try_advisory_lock: *got true when it was taken. */
static int try_lock(struct gm_pg_conn *c, const char *key, bool *got)
{
	PGresult *res = NULL;
	int error;

	error = gm_pg_query(&res, c, "cannot take the deploy lock",
			    "SELECT pg_try_advisory_lock($1::bigint)", key, NULL);
	*got = error == 0 && PQntuples(res) == 1 && !strcmp(PQgetvalue(res, 0, 0), "t");
	PQclear(res);
	return error;
}

int gm_pg_deploy_lock(gm_conn *conn, const char *table, gm_wait_cb on_wait, void *payload)
{
	struct gm_pg_conn *c = (struct gm_pg_conn *)conn;
	struct timespec nap = { 0, 50 * 1000 * 1000 };
	char key[24];
	bool got = false;
	int error, tries = 0;

	lock_key(key, table);
	for (;;) {
		if ((error = try_lock(c, key, &got)) < 0 || got)
			return error;
		if ((error = gm_interrupt_check()) < 0)
			return error;
		if (++tries == 40 && on_wait)
			on_wait("waiting for another git-migrate run on this database...", payload);
		nanosleep(&nap, NULL);
	}
}

void gm_pg_deploy_unlock(gm_conn *conn, const char *table)
{
	struct gm_pg_conn *c = (struct gm_pg_conn *)conn;
	PGresult *res = NULL;
	char key[24];

	lock_key(key, table);
	gm_pg_query(&res, c, "cannot release the deploy lock",
		    "SELECT pg_advisory_unlock($1::bigint)", key, NULL);
	PQclear(res);
}

int gm_pg_create_database(const gm_url *url, bool *existed)
{
	struct gm_pg_conn *admin = NULL;
	PGresult *res = NULL;
	gm_buf sql = GM_BUF_INIT;
	int error;

	*existed = false;
	if (!url->dbname || !*url->dbname)
		return gm_error_set(GM_EINVALID, "'%s' names no database", url->masked);
	if ((error = gm_pg_connect_admin(&admin, url->conninfo, NULL, url->masked)) < 0)
		return error;
	if ((error = gm_pg_query(&res, admin, "cannot look up the database",
				 "SELECT 1 FROM pg_database WHERE datname = $1", url->dbname,
				 NULL)) < 0)
		goto done;
	*existed = PQntuples(res) > 0;
	PQclear(res);
	res = NULL;
	if (*existed)
		goto done;
	gm_buf_puts(&sql, "CREATE DATABASE ");
	gm_sql_ident(&sql, url->dbname);
	error = gm_pg_query(&res, admin, "cannot create the database", sql.ptr, NULL, NULL);
done:
	PQclear(res);
	gm_buf_release(&sql);
	admin->parent.dialect->disconnect(&admin->parent);
	return error;
}
