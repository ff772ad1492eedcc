/* Revision files (DESIGN.md §3.2) and the chain graph they form. */
#ifndef GM_REVISION_H
#define GM_REVISION_H
#include <stdbool.h>
#include <stddef.h>
#include "git-migrate/buf.h"
#include "git-migrate/config.h"
#include "git-migrate/finding.h"
#include "git-migrate/repo.h"

/* One part of a section, split at "-- +migrate commit" lines. */
typedef struct gm_sql_part {
	char *sql; /* the SQL text of this part (may be empty) */
	int line;  /* 1-based line in the file where this part's text starts */
} gm_sql_part;

typedef struct gm_section {
	bool present;       /* the "-- +migrate up/down" marker exists */
	gm_sql_part *parts; /* at least one part when present */
	size_t parts_nr;
	int line; /* line of the marker */
} gm_section;

typedef struct gm_header_kv {
	char *key, *value;
	int line;
} gm_header_kv;

typedef struct gm_revision {
	char *id;
	char *parents[2]; /* down_revision: 0, 1 or 2 ids */
	size_t parents_nr;
	char *message;       /* may be NULL */
	char *created;       /* may be NULL */
	bool transaction;    /* false with "-- transaction: false" */
	gm_header_kv *extra; /* unknown header keys, kept in order */
	size_t extra_nr;
	gm_section up, down;
	char *path; /* where it was read from, for messages ("migrations/versions/x.sql") */
	char checksum[GM_OID_HEXSZ + 1]; /* git blob id of the file content ("" when unknown) */
	int id_line;      /* line of the "revision" header (0 when unknown), for findings */
	int parents_line; /* line of the "down_revision" header (0 when unknown) */
} gm_revision;

/* ---- the chain -------------------------------------------------------- */

typedef struct gm_chain gm_chain;

void gm_chain_free(gm_chain *chain);

/* Number of revisions. */
size_t gm_chain_count(const gm_chain *chain);

/* Revision by id, or NULL. Borrowed, valid while the chain lives. */
const gm_revision *gm_chain_find(const gm_chain *chain, const char *id);

/*
 * Revision by id or unique id prefix (an exact id wins over a prefix). GM_ENOTFOUND
 * ("unknown revision 'x'") or GM_EINVALID ("ambiguous revision prefix 'x'", hint lists
 * candidates). *out is borrowed, valid while the chain lives.
 */
int gm_chain_lookup(const gm_revision **out, const gm_chain *chain, const char *id_or_prefix);

/*
 * Revisions in replay order (base first, parents before children; ties broken by id).
 * Fills an array of borrowed pointers of gm_chain_count() entries (caller frees the
 * array only). GM_EINVALID when the graph has a cycle or a missing parent.
 */
int gm_chain_order(const gm_revision ***out, size_t *nr, const gm_chain *chain);

/* Heads (revisions nobody names as a parent), sorted by id. Borrowed array of borrowed pointers
 * valid until the chain changes; *nr receives the count. */
const gm_revision *const *gm_chain_heads(const gm_chain *chain, size_t *nr);

/*
 * Read the chain of a migrations directory: from git revision `rev`, or from the worktree
 * when rev is NULL (chain.c's loader, each file parsed once). Parse/graph problems go to
 * findings. Caller owns *out.
 */
int gm_chain_read(gm_chain **out, gm_findings *findings, gm_repo *repo, const gm_config *cfg,
		  const char *rev);

#endif
