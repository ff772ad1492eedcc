/* How scratch databases are made and used on PostgreSQL: the CREATE DATABASE strategy,
 * the settings of a scratch session, SQL run in the background (exec_send, exec_wait),
 * the leftovers of killed runs. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libpq-fe.h>
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "error_int.h"
#include "dialect/postgres.h"
#include "sql.h"
#include "interrupt.h"
#include "util/file.h"
#include "util/strvec.h"
#include "util/banned.h"

/*
 * The settings of a session on a scratch database.
 * - When a run is SIGKILLed in the middle of a long statement, the server notices the
 *   dead client within a second and ends the session (PostgreSQL 14+; older servers
 *   refuse the setting, which is harmless), so that the next run can drop the database
 *   (drop_stale skips databases somebody is connected to).
 * - Commits do not wait for the WAL to reach the disk: a scratch database is thrown away,
 *   and a replay commits once per revision (on a server with fsync on, 500 revisions
 *   replayed in 1.58 s against psql -1's 0.77 s, measured, before this).
 * - Its inspections keep what they read for the next one (postgres_inspect_memo.c).
 */
void gm_pg_scratch_session(struct gm_pg_conn *c)
{
	c->memo_on = true;
	PQclear(PQexec(c->pg, "SET client_connection_check_interval = 1000"));
	PQclear(PQexec(c->pg, "SET synchronous_commit = off"));
}

/*
 * Append " STRATEGY FILE_COPY" when it is the cheaper way to create a database there: on
 * PostgreSQL 15 and later with fsync off (a throwaway server, as tests and CI run). Its
 * checkpoint then writes without syncing, and it took a third of WAL_LOG's time (60 ms
 * against 180 ms, measured); with fsync on it is 7 times slower, so the default stays.
 */
void gm_pg_create_strategy(gm_buf *sql, struct gm_pg_conn *admin)
{
	PGresult *res;

	if (PQserverVersion(admin->pg) < 150000)
		return;
	res = PQexec(admin->pg, "SELECT current_setting('fsync') = 'off'");
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 &&
	    !strcmp(PQgetvalue(res, 0, 0), "t"))
		gm_buf_puts(sql, " STRATEGY FILE_COPY");
	PQclear(res);
}

int gm_pg_exec_send(gm_conn *conn, const char *sql)
{
	struct gm_pg_conn *c = (struct gm_pg_conn *)conn;
	gm_buf msg = GM_BUF_INIT;
	int error;

	if (PQsendQuery(c->pg, sql))
		return 0;
	gm_pg_one_line(&msg, PQerrorMessage(c->pg));
	error = gm_error_set(GM_EDB, "cannot send to '%s': %s", c->masked, msg.ptr);
	gm_buf_release(&msg);
	return error;
}

int gm_pg_exec_wait(gm_conn *conn, bool discard)
{
	struct gm_pg_conn *c = (struct gm_pg_conn *)conn;
	gm_buf msg = GM_BUF_INIT;
	PGresult *res;
	int error = 0;

	while ((res = PQgetResult(c->pg)) != NULL) {
		ExecStatusType st = PQresultStatus(res);
		const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);

		if (!error && st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK &&
		    st != PGRES_EMPTY_QUERY) {
			error = GM_EDB;
			gm_pg_one_line(&msg, primary ? primary : PQerrorMessage(c->pg));
		}
		PQclear(res);
	}
	if (error && !discard)
		error = gm_interrupted() ? gm_interrupt_error()
					 : gm_error_set(GM_EDB, "on '%s': %s", c->masked, msg.ptr);
	gm_buf_release(&msg);
	return discard ? 0 : error;
}

/* From the send, the server copies while meanwhile runs. */
PGresult *gm_pg_exec_meanwhile(struct gm_pg_conn *c, const char *sql, const gm_scratch_from *from)
{
	PGresult *res, *last = NULL;

	if (!from || !from->meanwhile || !PQsendQuery(c->pg, sql))
		return PQexec(c->pg, sql);
	from->meanwhile(from->payload);
	while ((res = PQgetResult(c->pg)) != NULL) {
		PQclear(last);
		last = res;
	}
	return last ? last : PQmakeEmptyPGresult(c->pg, PGRES_FATAL_ERROR);
}

bool gm_pg_db_in_use(struct gm_pg_conn *admin, const char *db)
{
	PGresult *res = NULL;
	bool yes = false;

	if (gm_pg_query(&res, admin, "cannot list sessions",
			"SELECT 1 FROM pg_catalog.pg_stat_activity a"
			" WHERE a.datname = $1 AND " GM_PG_HOLDING_SESSION " LIMIT 1",
			db, NULL) == 0)
		yes = PQntuples(res) > 0;
	else
		gm_error_clear();
	PQclear(res);
	return yes;
}

void gm_pg_create_sql(gm_buf *sql, struct gm_pg_conn *admin, const char *name, const char *template)
{
	gm_buf_puts(sql, "CREATE DATABASE ");
	gm_sql_ident(sql, name);
	if (!template) {
		gm_pg_create_strategy(sql, admin);
		return;
	}
	gm_buf_puts(sql, " TEMPLATE ");
	gm_sql_ident(sql, template);
	/* a file copy of the template's files: no WAL for every page of it */
	if (PQserverVersion(admin->pg) >= 150000)
		gm_buf_puts(sql, " STRATEGY FILE_COPY");
}

/* This role's own: another role's leftovers are its runs' to remove (a superuser's runs
 * took every role's, and on a shared server one user's run then dropped what another was
 * looking at after a kill), that no session holds (GM_PG_HOLDING_SESSION). */
static const char stale_scratch_sql[] =
	"SELECT d.datname FROM pg_catalog.pg_database d "
	"WHERE d.datname LIKE 'gm\\_scratch\\_%' "
	"AND d.datdba = (SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname = current_user) "
	"AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_stat_activity a "
	"WHERE a.datname = d.datname AND " GM_PG_HOLDING_SESSION ")";

/*
 * Whether a scratch database nobody is connected to is a leftover of a killed run. Its
 * name is gm_scratch_<owner tag>_<created>_<random> (created: seconds since the epoch;
 * pg_database keeps no creation time): stale when the owner tag is this host's and its
 * process is gone, or another host's and it was created more than a day ago (see
 * util/file.h). Names of older versions, gm_scratch_<pid>_<random>, are stale when that
 * pid is not running here.
 */
static bool scratch_is_stale(const char *name)
{
	const char *rest = name + strlen(GM_PG_SCRATCH_PREFIX), *end;
	enum gm_owner owner = gm_owner_of(rest, &end);
	char *stop;
	long long made;
	long pid;

	if (owner != GM_OWNER_NONE) {
		if (*end != '_')
			return false;
		made = strtoll(end + 1, &stop, 10);
		if (*stop != '_' || made <= 0)
			return false;
		return gm_owner_stale(owner, (time_t)made);
	}
	pid = strtol(rest, &stop, 10);
	if (pid <= 0 || *stop != '_' || pid == (long)getpid())
		return false;
	return kill((pid_t)pid, 0) < 0 && errno == ESRCH;
}

void gm_pg_stale_scratches(gm_strvec *out, struct gm_pg_conn *c)
{
	PGresult *res = NULL;
	int i;

	if (gm_pg_query(&res, c, "cannot list databases", stale_scratch_sql, NULL, NULL) < 0) {
		gm_error_clear();
		return;
	}
	for (i = 0; i < PQntuples(res); i++)
		if (scratch_is_stale(PQgetvalue(res, i, 0)))
			gm_strvec_push(out, PQgetvalue(res, i, 0));
	PQclear(res);
}
