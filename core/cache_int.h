/*
 * The cache handle, shared by cache.c (snapshot entries, listing, bound) and
 * cache_models.c (models entries); internal to those two files.
 */
#ifndef GM_CORE_CACHE_INT_H
#define GM_CORE_CACHE_INT_H
#include "cache.h"

struct gm_cache {
	const gm_cache_ops *ops;
	enum gm_cache_kind kind; /* of the entry this handle saves */
	gm_cache_place where;
	char *dir;
	long size;
	char prefix[32]; /* "gm_cache_<repo>_" */
	char name[64];   /* this state's entry */
	char base[GM_OID_HEXSZ + 1];
	char (*chains)[GM_OID_HEXSZ + 1]; /* chains[k]: production's first k revisions */
	size_t stop;
	const char *head;          /* borrowed from the history */
	const char *version_table; /* borrowed from the config */
	/* gm_cache_models_read_start's: the entry's connection, its inspection sent, and
	 * its metadata; or what opening it failed with (GM_ENOTFOUND: no entry, a miss) */
	struct {
		bool started;
		int open_error;
		gm_conn *conn;
		char *meta;
	} reading;
};

/* The entries' operations of dialect d (NULL when it has no cache). */
const gm_cache_ops *gm_cache_ops_for(const gm_dialect *d);

/* A new handle for repo's entries on server (its place and prefix set, no key); NULL
 * when d has no cache. Caller owns it (gm_cache_free). */
gm_cache *gm_cache_handle(gm_repo *repo, const gm_url *server, enum gm_cache_kind kind);

/* After c's entry was saved (`error`: the save's): another run saving it first is no
 * error; once saved, the oldest valid entries of its kind beyond the configured size are
 * dropped, never this one (half-written ones are another run's, still being saved: left
 * alone; best effort). The save's error otherwise. */
int gm_cache_saved(gm_cache *c, int error);

#endif
