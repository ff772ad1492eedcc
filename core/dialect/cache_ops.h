/*
 * The cache's database operations, one table per dialect (sqlite_cache.c,
 * postgres_cache.c); core/cache.c decides what to keep, these only store and fetch it.
 */
#ifndef GM_DIALECT_CACHE_OPS_H
#define GM_DIALECT_CACHE_OPS_H
#include <stddef.h>
#include "git-migrate/buf.h"
#include "db_int.h"
#include "../scratch.h"

/* Where one repository's entries live: a directory (SQLite) or a server (PostgreSQL). */
typedef struct gm_cache_place {
	const gm_url *server;      /* the scratch server */
	const char *dir;           /* <git common dir>/git-migrate/cache, no trailing slash */
	const char *version_table; /* the config's, which inspections leave out (or NULL) */
} gm_cache_place;

/* One stored entry: its name and the metadata text saved beside it. */
typedef struct gm_cache_stored {
	char *name;
	char *meta; /* "" when it has none (a half-written entry) */
} gm_cache_stored;

typedef struct gm_cache_stored_list {
	gm_cache_stored *v;
	size_t nr, alloc;
} gm_cache_stored_list;

void gm_cache_stored_list_release(gm_cache_stored_list *l);

typedef struct gm_cache_ops {
	/* The server's version ("150004"; SQLite: the library's "3.40.1"). Caller frees. */
	int (*server_version)(char **out, gm_conn *conn);
	/* The entries whose name starts with prefix (appended to *out). GM_EDB. */
	int (*list)(gm_cache_stored_list *out, const gm_cache_place *where, const char *prefix);
	/*
	 * Save the scratch database s as entry `name` with metadata `meta`, atomically: built
	 * under a temporary name that the leftover rules remove when this process dies, then
	 * renamed. GM_EEXISTS when another run saved `name` first (the scratch is untouched
	 * either way and stays usable).
	 */
	int (*save)(const gm_cache_place *where, gm_scratch *s, const char *name, const char *meta);
	/* Fill the empty scratch database s from entry `name` (SQLite, for a run that has
	 * a scratch database already). GM_EDB when it cannot. NULL: copy only. */
	int (*restore)(const gm_cache_place *where, gm_scratch *s, const char *name);
	/*
	 * A new scratch database, a copy of entry `name` (PostgreSQL: the entry is its
	 * template; SQLite: its file, copied), meanwhile(payload) running while the server
	 * copies (SQLite: once copied); see gm_scratch_create_from. GM_EDB when it cannot
	 * (*out NULL); GM_EEXISTS when a session is connected to the entry (it is left
	 * alone). NULL on a dialect whose scratch is made first and filled (restore).
	 */
	int (*copy)(gm_scratch **out, const gm_cache_place *where, const char *name,
		    void (*meanwhile)(void *payload), void *payload);
	/*
	 * A connection to the server (not to a scratch database) that server_version and
	 * session read, for the keys of a run that has no scratch database yet (copy;
	 * SQLite: an in-memory database). Caller owns *out. NULL on a dialect without copy.
	 */
	int (*connect)(gm_conn **out, const gm_cache_place *where);
	/* Remove entry `name` (a missing one is fine; sessions connected to it are ended). */
	int (*remove)(const gm_cache_place *where, const char *name);

	/* The models cache (cache_models.c); NULL on a dialect without it (SQLite). */
	/*
	 * What else on the server shapes the database that DDL makes there and its
	 * inspection, besides its version: one line per setting. Caller frees. GM_EDB.
	 */
	int (*session)(char **out, gm_conn *conn);
	/*
	 * A read-only connection to entry `name`, and the metadata stored beside it ("" when
	 * none). Caller owns both. GM_ENOTFOUND when there is no such entry; GM_EDB when it
	 * cannot be connected to or read.
	 */
	int (*open)(gm_conn **out, char **meta_out, const gm_cache_place *where, const char *name);
	/*
	 * Keep the scratch database s itself as entry `name` with metadata `meta` (comment
	 * it, then rename it into place: atomic; killed before, it is a scratch leftover). s
	 * is consumed: dropped when not kept. GM_EEXISTS when another run kept `name` first.
	 */
	int (*keep)(const gm_cache_place *where, gm_scratch *s, const char *name, const char *meta);
} gm_cache_ops;

extern const gm_cache_ops gm_cache_ops_sqlite;
extern const gm_cache_ops gm_cache_ops_postgres;

#endif
