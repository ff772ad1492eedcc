/*
 * Databases inside core: URLs, the dialect driver struct (STYLE §1.5), connections,
 * planned SQL, applying a revision section. Only core/dialect/ writes SQL text;
 * everything else goes through these functions.
 */
#ifndef GM_CORE_DB_INT_H
#define GM_CORE_DB_INT_H
#include <stdbool.h>
#include <stddef.h>
#include "git-migrate/buf.h"
#include "git-migrate/db.h"
#include "git-migrate/diff.h"
#include "git-migrate/prepare.h"
#include "git-migrate/schema.h"

typedef struct gm_dialect gm_dialect;

/* A parsed database URL (DESIGN.md §3.9). */
typedef struct gm_url {
	const gm_dialect *dialect;
	char *raw;      /* as given */
	char *masked;   /* for messages: password replaced by *** */
	char *path;     /* sqlite: absolute file path, or ":memory:"; else NULL */
	char *conninfo; /* postgres: what libpq is given; else NULL */
	char *dbname;   /* postgres: database name (may be NULL: libpq defaults) */
} gm_url;

/*
 * Parse a URL: "sqlite:///rel.db" (relative to base_dir), "sqlite:////abs.db",
 * "sqlite://:memory:", the bare word "sqlite" (a scratch server: temporary files),
 * "postgres://", "postgresql://" and libpq "key=value" strings. GM_EINVALID with the
 * masked URL in the message when the scheme is unknown. Caller owns *out (gm_url_free).
 */
int gm_url_parse(gm_url **out, const char *s, const char *base_dir);
void gm_url_free(gm_url *url);

/* Flags of a planned statement. */
enum gm_stmt_flags {
	GM_STMT_NO_TX = (1 << 0),        /* cannot run inside a transaction */
	GM_STMT_DATA_LOSS = (1 << 1),    /* drops a table or column (data is lost) */
	GM_STMT_REBUILD = (1 << 2),      /* SQLite table rebuild */
	GM_STMT_ENUM_SWAP = (1 << 3),    /* PostgreSQL enum type swap (rewrites using tables) */
	GM_STMT_COMMIT_AFTER = (1 << 4), /* "-- +migrate commit" after this statement */
	GM_STMT_REWRITE = (1 << 5),      /* rewrites a table's rows (type change) */
	GM_STMT_REFRESH = (1 << 6),      /* creates a materialized view (runs its query) */
};

typedef struct gm_stmt {
	char *sql;               /* one or more statements, each ending in ';' and a newline */
	unsigned flags;          /* enum gm_stmt_flags */
	char *subject;           /* "deals" or "deals.notes": what a warning is about (or NULL) */
	const gm_change *source; /* borrowed from the gm_changes planned */
} gm_stmt;

typedef struct gm_plan {
	gm_stmt *v;
	size_t nr, alloc;
} gm_plan;

/* clang-format off */
#define GM_PLAN_INIT { NULL, 0, 0 }
/* clang-format on */

/* Append a statement (sql copied). */
void gm_plan_add(gm_plan *plan, const char *sql, unsigned flags, const char *subject,
		 const gm_change *source);
void gm_plan_release(gm_plan *plan);
/* The section text of a plan: statements in order, "-- +migrate commit" lines where flagged. */
void gm_plan_render(gm_buf *out, const gm_plan *plan);

enum gm_dialect_caps {
	GM_DIALECT_NATIVE_ENUM = (1 << 0),  /* CREATE TYPE ... AS ENUM */
	GM_DIALECT_ALTER_COLUMN = (1 << 1), /* else: table rebuild */
	GM_DIALECT_TRANSACT_DDL = (1 << 2),
};

/* Every connection of every dialect starts with this (the dialect embeds it first). */
struct gm_conn {
	const gm_dialect *dialect;
};

/*
 * The version table's operations (DESIGN.md §3.9), as gm_dialect.version_sql writes them.
 * One row per applied revision: revision (primary key), checksum (git blob id of the file
 * as applied), applied_at (UTC, set by the database), execution_ms, applied_by.
 */
enum gm_version_op {
	GM_VERSION_CREATE, /* CREATE TABLE IF NOT EXISTS */
	GM_VERSION_EXISTS, /* a query: one row when the table exists */
	GM_VERSION_SELECT, /* a query: revision, checksum, applied_at (UTC text), execution_ms,
			    * applied_by; oldest first */
	GM_VERSION_HAS,    /* a query: one row when row's revision is in the table */
	GM_VERSION_INSERT, /* row's revision, checksum, execution_ms, applied_by */
	GM_VERSION_DELETE, /* row's revision */
	GM_VERSION_UPDATE, /* row's checksum for row's revision (stamp) */
	GM_VERSION_PURGE,  /* every row */
	GM_VERSION_BEGIN,  /* transaction boundaries as --sql prints them */
	GM_VERSION_COMMIT,
	GM_VERSION_ALEMBIC, /* a query: the version_num of every row of `table`, Alembic's
			     * version table (stamp --from-alembic; GM_VERSION_EXISTS tells
			     * whether it exists) */
};

typedef struct gm_version_row {
	const char *revision, *checksum, *applied_by;
	long execution_ms;
} gm_version_row;

/* One fixture row handed to a dialect's loader (gm_dialect.load_rows). */
typedef struct gm_row {
	const char *const *values; /* one per column, as text; NULL for SQL NULL. Borrowed
				     * until the next call of the iterator. */
	const char *path;          /* the file the row comes from, for messages */
	int line;                  /* 1-based line where the row starts */
} gm_row;

/* Row iterator: fill *row and return 0; GM_ITEROVER after the last row; < 0 (error set). */
typedef int (*gm_row_next_fn)(gm_row *row, void *payload);

/*
 * A scratch database made as a copy of another (a snapshot cache entry), and what to do
 * while the server copies it (meanwhile may be NULL; it runs before the copy's outcome is
 * known, and not at all when the copy cannot be started).
 */
typedef struct gm_scratch_from {
	const char *template;
	void (*meanwhile)(void *payload);
	void *payload;
} gm_scratch_from;

struct gm_dialect {
	const char *name;           /* "sqlite", "postgres" */
	const char *const *schemes; /* URL schemes, NULL-terminated */
	unsigned caps;              /* enum gm_dialect_caps */

	/* Connect. GM_EDB with the masked URL on failure. Caller owns *out (disconnect). */
	int (*connect)(gm_conn **out, const gm_url *url);
	void (*disconnect)(gm_conn *conn); /* NULL-safe */

	/*
	 * Create a scratch database on `server` and connect to it. Caller owns both. Empty,
	 * or with `from` a copy of the database from->template (PostgreSQL: a database name;
	 * SQLite: a file path), from->meanwhile(from->payload) running while the server
	 * copies (SQLite: after the copy); GM_EEXISTS when a session is connected to the
	 * template (PostgreSQL: it is not copied then); GM_ENOTFOUND when the template file
	 * is gone (SQLite).
	 */
	int (*scratch_create)(gm_conn **out, gm_url **url_out, const gm_url *server,
			      const gm_scratch_from *from);
	/* Drop a scratch database (no connection to it may be open). */
	int (*scratch_drop)(const gm_url *scratch);
	/*
	 * Start dropping a scratch database (no connection to it may be open) without
	 * waiting: *out is a new connection whose DROP runs on the server; exec_wait takes
	 * its result, then disconnect. GM_EDB when it cannot be sent (*out NULL). NULL on a
	 * dialect whose drop costs nothing to wait for (SQLite: a file unlinked).
	 */
	int (*scratch_drop_send)(gm_conn **out, const gm_url *scratch);

	/*
	 * Execute a multi-statement SQL text. On failure: GM_EDB, the message names the
	 * failing statement's location as origin:line (first_line = line of sql's first line
	 * in origin) and the database's message; the statement is in gm_error detail.
	 */
	int (*exec)(gm_conn *conn, const char *sql, const char *origin, int first_line);
	/* Transactions for applying a revision section. SQLite: begin turns foreign keys off
	 * first, commit runs PRAGMA foreign_key_check (GM_EDB naming the table on violations)
	 * and restores them, so table rebuilds are safe. */
	/*
	 * Run one query and hand each row to fn (values as text, NULL for SQL NULL); fn
	 * returning < 0 stops and that value is returned. GM_EDB on failure.
	 */
	int (*query)(gm_conn *conn, const char *sql,
		     int (*fn)(const char *const *values, size_t n, void *payload), void *payload);
	int (*begin)(gm_conn *conn);
	int (*commit)(gm_conn *conn);
	int (*rollback)(gm_conn *conn);

	/*
	 * Optional (NULL: none): start running a multi-statement SQL text in one implicit
	 * transaction and return at once; exec_wait then waits for it: 0 when every
	 * statement ran, else GM_EDB with the server's message (GM_EINTERRUPTED after our
	 * interrupt); with `discard`, it only waits (the error state is left alone).
	 * exec_send fails GM_EDB when the text cannot be sent.
	 */
	int (*exec_send)(gm_conn *conn, const char *sql);
	int (*exec_wait)(gm_conn *conn, bool discard);

	/* Inspect the database into a canonical schema, skipping `version_table` and the
	 * engine's own tables. Objects not covered go to schema->unsupported. Caller owns *out. */
	int (*inspect)(gm_schema **out, gm_conn *conn, const char *version_table);
	/* Optional (NULL: none): start inspect's reading on the server and return at once,
	 * for an inspect of conn to come (nothing else may use conn in between; a failure to
	 * send is no error: inspect then reads the usual way). */
	void (*inspect_send)(gm_conn *conn, const char *version_table);

	/* Turn a models schema into the form inspect returns on this dialect (in place). */
	void (*normalize)(gm_schema *s);

	/* Plan SQL for changes (offline, no connection). Fills *out (GM_PLAN_INIT). */
	int (*plan)(gm_plan *out, const gm_changes *changes);

	/* Async-signal-safe: make a running statement on conn stop (sqlite3_interrupt / PQcancel). */
	void (*interrupt)(gm_conn *conn);

	/*
	 * Insert rows into table t, giving `columns` (in that order; the others get their
	 * defaults), pulling the rows one at a time from next() until GM_ITEROVER, inside
	 * the caller's transaction: memory does not grow with the number of rows (SQLite: one
	 * prepared INSERT; PostgreSQL: COPY FROM STDIN). SQLite checks foreign keys here
	 * only when the load is diagnosing (load.h: a failed load loaded again), else the
	 * commit does. A row the database refuses is
	 * GM_EINVALID at the row's path:line, naming the table and the database's message;
	 * an error of next() is returned as is. The transaction may be unusable afterwards
	 * (the caller rolls back). NULL when the dialect cannot load rows.
	 */
	int (*load_rows)(gm_conn *conn, const gm_table *t, const char *const *columns,
			 size_t ncolumns, gm_row_next_fn next, void *payload);

	/* ---- deploy (DESIGN.md §3.9) ---- */

	/* Append the SQL of one version-table operation on `table` (row: NULL unless the
	 * operation needs it), one statement ending in ";\n" (queries without the ';'). */
	void (*version_sql)(gm_buf *out, enum gm_version_op op, const char *table,
			    const gm_version_row *row);
	/*
	 * Serialize the deploy runs of one target, keyed by the version table's name.
	 * PostgreSQL: a session advisory lock. SQLite: nothing is held between transactions
	 * (each BEGIN IMMEDIATE serializes, and the runner re-reads the row inside it); the
	 * busy handler then waits as long as it takes. Either way on_wait (may be NULL) is
	 * called once after 2 s of waiting; GM_EINTERRUPTED when a signal stops the wait.
	 */
	int (*deploy_lock)(gm_conn *conn, const char *table, gm_wait_cb on_wait, void *payload);
	void (*deploy_unlock)(gm_conn *conn, const char *table);
	/* Create the database url names (SQLite: the file's directory); *existed when it
	 * was already there. GM_EDB with the masked URL. */
	int (*create_database)(const gm_url *url, bool *existed);
};

extern const gm_dialect gm_dialect_sqlite;
extern const gm_dialect gm_dialect_postgres;

/* Dialect for a URL scheme ("sqlite", "postgres", "postgresql"), or NULL. */
const gm_dialect *gm_dialect_for_scheme(const char *scheme);

/* Connect through the URL's dialect. Caller owns *out (gm_conn_free). */
int gm_conn_open(gm_conn **out, const gm_url *url);
void gm_conn_free(gm_conn *conn); /* NULL-safe */

/*
 * Run one section of a revision on conn: each part (split at "-- +migrate commit") in its
 * own transaction (none when the revision says transaction: false). `origin` names the
 * file for messages. On failure the open transaction is rolled back and the error says
 * "<origin>:<line>: <database message>".
 */
struct gm_section;
int gm_db_apply_section(gm_conn *conn, const struct gm_section *sec, bool transaction,
			const char *origin);

/*
 * True when a section can share one transaction with others (gm_db_apply_group): it
 * runs in a transaction, in one part (no "-- +migrate commit" of its own).
 */
bool gm_db_section_groupable(const struct gm_section *sec, bool transaction);

/*
 * Run secs[0..nr) (each groupable; origins[k] names secs[k]'s file) in ONE transaction.
 * 0 when all of them ran and the commit passed. Otherwise the transaction is rolled back
 * (nothing of the group stays), the error is the failure's, and *failed is the index of
 * the section that failed, or nr when the commit did (a deferred check).
 */
int gm_db_apply_group(gm_conn *conn, const struct gm_section *const *secs,
		      const char *const *origins, size_t nr, size_t *failed);

#endif
