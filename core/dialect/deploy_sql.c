/*
 * The version table's SQL for both dialects (DESIGN.md §3.9) and SQLite's deploy lock.
 *
 *   SQLite:                                   PostgreSQL:
 *   CREATE TABLE IF NOT EXISTS git_migrate_history (
 *       revision text NOT NULL PRIMARY KEY,       revision text NOT NULL PRIMARY KEY,
 *       checksum text NOT NULL,                   checksum text NOT NULL,
 *       applied_at text NOT NULL                  applied_at timestamptz NOT NULL
 *           DEFAULT (CURRENT_TIMESTAMP),              DEFAULT now(),
 *       execution_ms integer NOT NULL,            execution_ms integer NOT NULL,
 *       applied_by text NOT NULL                  applied_by text NOT NULL
 *   );
 *
 * applied_at is set by the database (SQLite's CURRENT_TIMESTAMP is UTC; PostgreSQL's is
 * read back AT TIME ZONE 'UTC'), so that --sql output records the moment it is run.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sqlite3.h>
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "error_int.h"
#include "dialect/sql.h"
#include "dialect/sqlite.h"
#include "db_int.h"
#include "interrupt.h"
#include "util/file.h"
#include "util/banned.h"

static void put_create(gm_buf *out, const char *table, bool pg)
{
	gm_buf_puts(out, "CREATE TABLE IF NOT EXISTS ");
	gm_sql_ident(out, table);
	gm_buf_printf(out,
		      " (\n"
		      "    revision text NOT NULL PRIMARY KEY,\n"
		      "    checksum text NOT NULL,\n"
		      "    applied_at %s NOT NULL DEFAULT %s,\n"
		      "    execution_ms integer NOT NULL,\n"
		      "    applied_by text NOT NULL\n"
		      ");\n",
		      pg ? "timestamptz" : "text", pg ? "now()" : "(CURRENT_TIMESTAMP)");
}

static void put_exists(gm_buf *out, const char *table, bool pg)
{
	gm_buf name = GM_BUF_INIT;

	if (pg) {
		gm_sql_ident(&name, table);
		gm_buf_puts(out, "SELECT 1 WHERE to_regclass(");
		gm_sql_literal(out, name.ptr);
		gm_buf_puts(out, ") IS NOT NULL");
	} else {
		gm_buf_puts(out, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ");
		gm_sql_literal(out, table);
	}
	gm_buf_release(&name);
}

static void put_select(gm_buf *out, const char *table, bool pg)
{
	gm_buf_printf(out, "SELECT revision, checksum, %s, execution_ms, applied_by FROM ",
		      pg ? "to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')"
			 : "applied_at");
	gm_sql_ident(out, table);
	gm_buf_puts(out, " ORDER BY applied_at, revision");
}

void gm_sql_version(gm_buf *out, enum gm_version_op op, const char *table,
		    const gm_version_row *row, bool pg)
{
	switch (op) {
	case GM_VERSION_CREATE:
		put_create(out, table, pg);
		return;
	case GM_VERSION_EXISTS:
		put_exists(out, table, pg);
		return;
	case GM_VERSION_SELECT:
		put_select(out, table, pg);
		return;
	case GM_VERSION_INSERT:
		gm_buf_puts(out, "INSERT INTO ");
		gm_sql_ident(out, table);
		gm_buf_puts(out, " (revision, checksum, execution_ms, applied_by) VALUES (");
		gm_sql_literal(out, row->revision);
		gm_buf_puts(out, ", ");
		gm_sql_literal(out, row->checksum);
		gm_buf_printf(out, ", %ld, ", row->execution_ms);
		gm_sql_literal(out, row->applied_by);
		gm_buf_puts(out, ");\n");
		return;
	case GM_VERSION_HAS:
	case GM_VERSION_UPDATE:
	case GM_VERSION_DELETE:
	case GM_VERSION_PURGE:
		gm_buf_puts(out, op == GM_VERSION_HAS      ? "SELECT 1 FROM "
				 : op == GM_VERSION_UPDATE ? "UPDATE "
							   : "DELETE FROM ");
		gm_sql_ident(out, table);
		if (op == GM_VERSION_UPDATE) {
			gm_buf_puts(out, " SET checksum = ");
			gm_sql_literal(out, row->checksum);
		}
		if (op != GM_VERSION_PURGE) {
			gm_buf_puts(out, " WHERE revision = ");
			gm_sql_literal(out, row->revision);
		}
		gm_buf_puts(out, op == GM_VERSION_HAS ? "" : ";\n");
		return;
	case GM_VERSION_BEGIN:
		gm_buf_puts(out, pg ? "BEGIN;\n" : "BEGIN IMMEDIATE;\n");
		return;
	case GM_VERSION_COMMIT:
		gm_buf_puts(out, "COMMIT;\n");
		return;
	case GM_VERSION_ALEMBIC:
		gm_buf_puts(out, "SELECT version_num FROM ");
		gm_sql_ident(out, table);
		gm_buf_puts(out, " ORDER BY version_num");
		return;
	}
}

void gm_sqlite_version_sql(gm_buf *out, enum gm_version_op op, const char *table,
			   const gm_version_row *row)
{
	gm_sql_version(out, op, table, row, false);
}

/*
 * ---- SQLite: one deploy run at a time, and a busy database waited on ----
 *
 * BEGIN IMMEDIATE serializes the transactions, but a transaction: false revision runs
 * outside any: two runs could both start it. So a run holds an flock(2) on
 * "<database file>.git-migrate.lock" beside the database (as SQLite's own -journal file
 * is), and removes the file when it is done, still holding the lock. A waiter that then
 * gets the lock of a removed file sees that the path no longer names its file and starts
 * over, so two runs never hold different files. flock locks are apart from the POSIX locks
 * SQLite takes on the database file itself, and the kernel drops them when the process
 * ends however it ends (a killed run leaves the file, unlocked). An in-memory or temporary
 * database needs no lock.
 */

struct busy_wait {
	gm_wait_cb on_wait;
	void *payload;
	struct timespec since;
	bool told;
};

static struct busy_wait busy; /* one deploy run per process */
static int lock_fd = -1;      /* the held deploy lock file */
static char *lock_path;       /* its path, removed on release */

/* True when the locked fd is still the file at path (not removed by the run before). */
static bool lock_current(int fd, const char *path)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

/* Waited 2 s: say so once. count 0 starts the clock. */
static void busy_tell(struct busy_wait *b, int count)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (count == 0)
		b->since = now;
	else if (!b->told && now.tv_sec - b->since.tv_sec >= 2) {
		b->told = true;
		if (b->on_wait)
			b->on_wait("waiting for another git-migrate run on this database...",
				   b->payload);
	}
}

/* sqlite3_busy_handler: sleep 20 ms and retry; 0 (give up) only for a signal. */
static int busy_handler(void *arg, int count)
{
	struct timespec nap = { 0, 20 * 1000 * 1000 };

	if (gm_interrupted())
		return 0;
	busy_tell(arg, count);
	nanosleep(&nap, NULL);
	return 1;
}

/* Take the run's lock file for database file `db` (see above), waiting as long as it takes. */
static int lock_file(const char *db)
{
	struct timespec nap = { 0, 20 * 1000 * 1000 };
	gm_buf path = GM_BUF_INIT;
	int count, error = 0;

	gm_buf_printf(&path, "%s.git-migrate.lock", db);
	for (count = 0; error == 0; count++) {
		if (lock_fd < 0 &&
		    (lock_fd = open(path.ptr, O_RDWR | O_CREAT | O_CLOEXEC, 0666)) < 0) {
			error = gm_error_set(GM_EDB, "cannot open the deploy lock '%s': %s",
					     path.ptr, strerror(errno));
			break;
		}
		if (flock(lock_fd, LOCK_EX | LOCK_NB) == 0) {
			if (lock_current(lock_fd, path.ptr))
				break;
			close(lock_fd); /* the run before removed it: start over */
			lock_fd = -1;
			continue;
		}
		if (errno != EWOULDBLOCK && errno != EINTR)
			error = gm_error_set(GM_EDB, "cannot lock '%s': %s", path.ptr,
					     strerror(errno));
		else if ((error = gm_interrupt_check()) == 0) {
			busy_tell(&busy, count);
			nanosleep(&nap, NULL);
		}
	}
	if (error < 0 && lock_fd >= 0) {
		close(lock_fd);
		lock_fd = -1;
	}
	if (error == 0)
		lock_path = gm_buf_detach(&path);
	gm_buf_release(&path);
	return error;
}

int gm_sqlite_deploy_lock(gm_conn *conn, const char *table, gm_wait_cb on_wait, void *payload)
{
	const char *db = sqlite3_db_filename(gm_sqlite_db(conn), "main");

	(void)table;
	memset(&busy, 0, sizeof(busy));
	busy.on_wait = on_wait;
	busy.payload = payload;
	if (db && *db) {
		int error = lock_file(db);
		if (error < 0)
			return error;
	}
	sqlite3_busy_handler(gm_sqlite_db(conn), busy_handler, &busy);
	return 0;
}

void gm_sqlite_deploy_unlock(gm_conn *conn, const char *table)
{
	(void)table;
	sqlite3_busy_timeout(gm_sqlite_db(conn), 10000);
	if (lock_fd >= 0) {
		unlink(lock_path); /* still held: a waiter sees the path changed */
		close(lock_fd);    /* releases the flock */
		lock_fd = -1;
	}
	free(lock_path);
	lock_path = NULL;
}

/* createdb on SQLite: the file's directory, and the file (empty: an empty database). */
int gm_sqlite_create_database(const gm_url *url, bool *existed)
{
	gm_buf dir = GM_BUF_INIT;
	const char *slash;
	int fd = -1, error = 0;

	*existed = false;
	if (!url->path || !strcmp(url->path, ":memory:"))
		return gm_error_set(GM_EINVALID, "'%s' is not a database file", url->masked);
	*existed = access(url->path, F_OK) == 0;
	if ((slash = strrchr(url->path, '/')) && slash != url->path) {
		gm_buf_put(&dir, url->path, (size_t)(slash - url->path));
		if (gm_mkdirs(dir.ptr) < 0)
			error = gm_error_set(GM_EDB, "cannot create the directory of '%s': %s",
					     url->masked, gm_error_last()->message);
	}
	if (!error && !*existed && (fd = open(url->path, O_WRONLY | O_CREAT, 0666)) < 0)
		error = gm_error_set(GM_EDB, "cannot create '%s': %s", url->masked,
				     strerror(errno));
	if (fd >= 0)
		close(fd);
	gm_buf_release(&dir);
	return error;
}
