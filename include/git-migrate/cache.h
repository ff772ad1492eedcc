/* The cache as `git migrate cache` sees it: list and clear this repository's snapshot
 * and models entries. */
#ifndef GM_CACHE_H
#define GM_CACHE_H
#include <stdbool.h>
#include <stddef.h>
#include "git-migrate/config.h"
#include "git-migrate/repo.h"

typedef struct gm_cache_entry_info {
	char *name;        /* the entry: a file stem (SQLite) or a database (PostgreSQL) */
	char *head;        /* production's last revision in it ("" when unknown) */
	size_t revisions;  /* production's revisions replayed in it */
	size_t rows;       /* fixture rows loaded in it */
	long long created; /* seconds since the epoch; 0 when unknown */
	bool valid;        /* false: half-written, or its metadata cannot be read */
	bool models;       /* a models entry (the models' database), not a snapshot */
	size_t tables;     /* a models entry: the tables its models create */
} gm_cache_entry_info;

typedef struct gm_cache_list {
	gm_cache_entry_info *v; /* newest first */
	size_t nr, alloc;
	char *where; /* the cache directory, or the scratch server's URL (masked) */
} gm_cache_list;

/*
 * This repository's entries on the configured scratch server (SQLite: the directory
 * <git common dir>/git-migrate/cache). Caller releases *out (gm_cache_list_release).
 * GM_EINVALID (bad scratch URL), GM_EDB (server unreachable).
 */
int gm_cache_list_entries(gm_cache_list *out, gm_repo *repo, const gm_config *cfg);

/* Remove every entry of this repository, half-written ones too; *removed counts them. */
int gm_cache_clear(size_t *removed, gm_repo *repo, const gm_config *cfg);

void gm_cache_list_release(gm_cache_list *l);

#endif
