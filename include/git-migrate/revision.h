/* Revision files (DESIGN.md §3.2) and the chain graph they form. */
#ifndef GM_REVISION_H
#define GM_REVISION_H
#include <stdbool.h>
#include <stddef.h>
#include "git-migrate/buf.h"
#include "git-migrate/config.h"
#include "git-migrate/finding.h"
#include "git-migrate/repo.h"

#define GM_REVISION_ID_MAX 64
#define GM_SLUG_MAX 40

/* One part of a section, split at "-- +migrate commit" lines. */
typedef struct gm_sql_part {
	char *sql;        /* the SQL text of this part (may be empty) */
	int line;         /* 1-based line in the file where this part's text starts */
} gm_sql_part;

typedef struct gm_section {
	bool present;     /* the "-- +migrate up/down" marker exists */
	gm_sql_part *parts; /* at least one part when present */
	size_t parts_nr;
	int line;         /* line of the marker */
} gm_section;

typedef struct gm_header_kv {
	char *key, *value;
	int line;
} gm_header_kv;

typedef struct gm_revision {
	char *id;
	char *parents[2];   /* down_revision: 0, 1 or 2 ids */
	size_t parents_nr;
	char *message;      /* may be NULL */
	char *created;      /* may be NULL */
	bool transaction;   /* false with "-- transaction: false" */
	gm_header_kv *extra; /* unknown header keys, kept in order */
	size_t extra_nr;
	gm_section up, down;
	char *path;         /* where it was read from, for messages ("migrations/versions/x.sql") */
	char checksum[GM_OID_HEXSZ + 1]; /* git blob id of the file content ("" when unknown) */
	int id_line;        /* line of the "revision" header (0 when unknown), for findings */
	int parents_line;   /* line of the "down_revision" header (0 when unknown) */
} gm_revision;

/* True when id is 1–64 characters of [A-Za-z0-9_-]. */
bool gm_revision_id_valid(const char *id);

/* Write a fresh 12-lowercase-hex id into out (from /dev/urandom). */
void gm_revision_new_id(char out[13]);

/* Slug of a message: lowercase [a-z0-9_], runs of anything else become one '_', at most 40. */
void gm_revision_slug(gm_buf *out, const char *message);

/*
 * Parse one revision file. `path` is used in messages. Errors are GM_EINVALID with
 * path:line set (e.g. "missing 'revision' header", "invalid revision id 'a/b'",
 * "no '-- +migrate up' section"). Caller owns *out (gm_revision_free).
 */
int gm_revision_parse(gm_revision **out, const char *path, const char *data, size_t len);

/* Render a revision as file text (header, up, down) into out. */
void gm_revision_format(gm_buf *out, const gm_revision *rev);

/* The whole text of a section (its parts joined with "-- +migrate commit" lines). Caller frees. */
char *gm_section_text(const gm_section *s);

void gm_revision_free(gm_revision *rev);

/*
 * Rewrite revision file text `data` (len bytes) so that its down_revision header names
 * `parents` (0 to 2 ids), changing no other byte: the header key as spelled, every other
 * line and every line ending stay as they are. The text must parse, and the result is
 * parsed back and must be the same revision with the new parents. Appends the new text
 * to out. GM_EINVALID (path:line) when the text does not parse or an id is invalid; out
 * is then unchanged.
 */
int gm_revision_set_parents(gm_buf *out, const char *path, const char *data, size_t len,
			    char *const *parents, size_t parents_nr);

/* ---- the chain -------------------------------------------------------- */

typedef struct gm_chain gm_chain;

/*
 * Build a chain from the *.sql files of a directory listing (other files are ignored).
 * Every problem becomes a finding (check "parse": unparsable file, duplicate id, file
 * name not starting with "<id>_"; check "graph": missing parent, cycle, several bases,
 * several heads), and the chain holds the revisions that parsed. Returns < 0 only on
 * internal failure. Caller owns *out (gm_chain_free).
 */
int gm_chain_load(gm_chain **out, gm_findings *findings, const gm_files *files);

/* An empty chain to which revisions are added. */
void gm_chain_new(gm_chain **out);

/* Add a revision; the chain takes ownership. Duplicates are kept and reported by check. */
void gm_chain_add(gm_chain *chain, gm_revision *rev);

/* Run the "parse" (ids) and "graph" checks, appending findings. */
void gm_chain_check(const gm_chain *chain, gm_findings *findings);

void gm_chain_free(gm_chain *chain);

/* Number of revisions. */
size_t gm_chain_count(const gm_chain *chain);

/* Revision by id, or NULL. Borrowed, valid while the chain lives. */
const gm_revision *gm_chain_find(const gm_chain *chain, const char *id);

/* The i-th revision in the order they were added (i < gm_chain_count()). Borrowed. */
const gm_revision *gm_chain_at(const gm_chain *chain, size_t i);

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

/* Bases (revisions with no parent), sorted by id; same contract. */
const gm_revision *const *gm_chain_bases(const gm_chain *chain, size_t *nr);

/*
 * Read the chain of a migrations directory: from git revision `rev`, or from the worktree
 * when rev is NULL (chain.c's loader, each file parsed once). Parse/graph problems go to
 * findings. Caller owns *out.
 */
int gm_chain_read(gm_chain **out, gm_findings *findings, gm_repo *repo,
		  const gm_config *cfg, const char *rev);

/* True when `ancestor` is `id` itself or reachable from `id` through parents. */
bool gm_chain_descends(const gm_chain *chain, const char *id, const char *ancestor);

#endif
