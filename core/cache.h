/*
 * The snapshot cache (DESIGN.md §7): the state of a scratch database after production's
 * chain was replayed and the fixtures loaded, kept between runs and restored into a new
 * scratch database instead of replaying again. Internal to core; the replay session
 * (gm_replay_open_cached in replay.c) is its client, `git migrate cache` sees
 * git-migrate/cache.h.
 *
 * Entries: "gm_cache_<repo>_<key>" (repo: 8 hex digits of the git common dir's path,
 * key: 24 of the hash of what the state depends on, see cache_key.c), with metadata
 * beside it (cache_meta.c) that names the state's production revisions (a hash of
 * their ids and blob ids, so that an entry of an older production is found as an
 * ancestor), the fingerprint of its schema (checked on every use: a corrupt or altered
 * entry is removed and rebuilt, never used), what the fixtures loaded, and when it was
 * made. SQLite: files under <git common dir>/git-migrate/cache/; PostgreSQL: template
 * databases on the scratch server (dialect/sqlite_cache.c, postgres_cache.c).
 *
 * Models entries (cache_models.c, PostgreSQL only): "gm_cache_<repo>_models_<key>", the
 * database the models' DDL makes, kept so that a run only inspects it. They share the
 * prefix, so that listing, clearing and the leftover rules cover them; their metadata
 * says "kind models" (gm_cache_meta.kind), and each kind is bounded apart.
 */
#ifndef GM_CORE_CACHE_H
#define GM_CORE_CACHE_H
#include <stdbool.h>
#include <stddef.h>
#include "git-migrate/cache.h"
#include "git-migrate/config.h"
#include "git-migrate/fixtures.h"
#include "git-migrate/repo.h"
#include "git-migrate/schema.h"
#include "chain.h"
#include "db_int.h"
#include "dialect/cache_ops.h"
#include "scratch.h"

typedef struct gm_cache gm_cache;

/* What an entry holds: a snapshot (replayed and fixtured), or the models' database. */
enum gm_cache_kind {
	GM_CACHE_SNAPSHOT,
	GM_CACHE_MODELS
};

/* What a state holds: the first `revisions` of production's order, the fixtures (a
 * models entry: none of them; `tables`, the tables its models create). */
typedef struct gm_cache_meta {
	enum gm_cache_kind kind;
	size_t tables;
	char base[GM_OID_HEXSZ + 1];  /* the key without production's chain */
	char chain[GM_OID_HEXSZ + 1]; /* production's first `revisions` (ids, blob ids) */
	size_t revisions;
	char *head; /* the last of them */
	long long created;
	char fingerprint[GM_OID_HEXSZ + 1]; /* hash of the schema's fingerprint */
	bool fixtures_loaded;
	gm_fixtures_report fixtures;
} gm_cache_meta;

void gm_cache_meta_release(gm_cache_meta *m);
/* Render m as text / parse text into m (GM_EINVALID when it is not an entry's). */
void gm_cache_meta_format(gm_buf *out, const gm_cache_meta *m);
int gm_cache_meta_parse(gm_cache_meta *out, const char *text);

/*
 * The cache of repo on the scratch server, for a state of production's h->order[0..stop)
 * (stop <= h->prod_nr) with the fixtures unless no_fixtures; conn is a connection to the
 * server (its version is part of the key). *out is NULL when the cache is off
 * (cache_size: 0). Caller owns *out (gm_cache_free). GM_EGIT / GM_EDB.
 */
int gm_cache_new(gm_cache **out, gm_repo *repo, const gm_config *cfg, const gm_url *server,
		 gm_conn *conn, const gm_history *h, size_t stop, bool no_fixtures);
void gm_cache_free(gm_cache *c);

/*
 * Restore the best entry into the scratch database *s: the one of exactly this state,
 * else the one with the most of production's revisions that are a prefix of this
 * state's. *s is either empty (a dialect whose scratch is made first: SQLite) or NULL (a
 * dialect that copies, see gm_cache_server_conn): then the entry is copied into a new scratch
 * database, *s, and meanwhile(payload) runs while the server copies (unless no entry can
 * be copied; meanwhile may be NULL). On success *meta_out describes it (caller releases;
 * revisions == 0 and 0 returned when there was none) and *schema_out is its schema, as
 * the check inspected it (caller owns; NULL when there was no entry). An entry that
 * cannot be restored or whose schema is not its fingerprint is removed and GM_ENOTFOUND
 * returned: *s then holds garbage or is NULL, and the caller starts over on a new
 * scratch database. An entry a session is connected to (PostgreSQL copies only a
 * template nobody uses) is left alone: GM_EEXISTS, *s NULL, and the caller goes on
 * without the cache.
 */
int gm_cache_restore(gm_cache_meta *meta_out, gm_schema **schema_out, gm_cache *c, gm_scratch **s,
		     void (*meanwhile)(void *payload), void *payload);

/*
 * Whether the cache on server's dialect makes the scratch database as a copy of an entry
 * (PostgreSQL), so that a run keys its entries before it has one: then *out is a
 * connection to the server for gm_cache_new and gm_cache_models_new (caller disconnects),
 * else NULL and 0. GM_EDB when the server cannot be connected to.
 */
int gm_cache_server_conn(gm_conn **out, const gm_url *server);

/*
 * Save s (holding this state: fingerprint the hash of its schema's fingerprint, the
 * fixtures as loaded) as this key's entry, then drop the oldest entries beyond the
 * configured size. Another run saving the same key at the same time is not an error.
 */
int gm_cache_save(gm_cache *c, gm_scratch *s, const char *fingerprint, bool fixtures_loaded,
		  const gm_fixtures_report *fixtures);

/* ---- the key (cache_key.c) ---- */

/*
 * The key of a state (see cache_key.c for what it holds): *base the hash of everything
 * but production's chain, *name_key that with production's migrations tree id.
 * GM_EGIT / GM_ERROR when a tree or a fixture file cannot be read.
 */
int gm_cache_key(char base_out[GM_OID_HEXSZ + 1], char name_key_out[GM_OID_HEXSZ + 1],
		 gm_repo *repo, const gm_config *cfg, const gm_history *h,
		 const char *server_version, const char *dialect, bool no_fixtures);

/* The lines of a key that name the tool (its version and build), the dialect and the
 * server's version, appended to key (cache_key.c). */
void gm_cache_key_tool(gm_buf *key, const char *dialect, const char *server_version);

/* out[k] (k = 0..stop): the hash of production's first k revisions, ids and blob ids. */
void gm_cache_chain_hashes(char (*out)[GM_OID_HEXSZ + 1], const gm_history *h, size_t stop);

/* The entry name this state is saved under (borrowed). */
const char *gm_cache_name(const gm_cache *c);

/* The hash of a schema's fingerprint text, as entries store it. */
void gm_cache_fingerprint_hash(char out[GM_OID_HEXSZ + 1], const char *fingerprint);

/* ---- the models cache (cache_models.c) ---- */

/*
 * The models cache of repo on the scratch server: the database that the models' DDL
 * `ddl` (planned from an empty schema) makes, kept between runs as entry
 * "gm_cache_<repo>_models_<key>" and only inspected on a hit. conn is a connection to the
 * server (its version and session settings are part of the key, cache_models.c says
 * what else). *out is NULL when it is off: cache_size: 0, or a dialect without it
 * (SQLite: not cached, README says what it costs). Caller owns *out (gm_cache_free). GM_EDB
 * when the server cannot say what the key needs.
 */
int gm_cache_models_new(gm_cache **out, gm_repo *repo, const gm_config *cfg, const gm_url *server,
			gm_conn *conn, const char *ddl);

/* Whether dialect d has a models cache (PostgreSQL). */
bool gm_cache_models_on(const gm_dialect *d);

/*
 * This key's entry, inspected in place on a read-only connection (the version table left
 * out): *out its schema on a hit; NULL on a miss, and *note says which (static: "hit",
 * "miss"; "a bad entry was removed; miss" when its schema is not its fingerprint or its
 * metadata is not well formed; "miss (entry unreadable)" when it cannot be connected to
 * or inspected: gone, or cut off by another run's `cache clear`). An entry that is not
 * a hit is removed. The cache never fails a run: errors are cleared and < 0 returned
 * only for an interrupt. Caller owns *out.
 */
int gm_cache_models_read(gm_schema **out, const char **note, gm_cache *c);

/*
 * Start gm_cache_models_read: connect to this key's entry and have the server start its
 * inspection (PostgreSQL: one pipeline), so that it runs while the caller does other
 * work; gm_cache_models_read then takes it (c holds the connection until then, or until
 * gm_cache_free). *present: whether the entry exists (false: the read will be a miss).
 * Never fails the run: < 0 only for an interrupt.
 */
int gm_cache_models_read_start(bool *present, gm_cache *c);

/*
 * Keep the scratch database s, holding `schema` (what inspecting it gave), as this key's
 * entry: its fingerprint and metadata stored beside it, renamed into place; then drop the
 * oldest models entries beyond the configured size. s is consumed (dropped when it is not
 * kept). Another run keeping the same key first is not an error. GM_EDB.
 */
int gm_cache_models_save(gm_cache *c, gm_scratch *s, const gm_schema *schema);

#endif
