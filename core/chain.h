/*
 * The chain inside core: the history loader (production's chain, the checked tree's
 * chain, the two combined, each revision file parsed once), the graph rules with one
 * message each, and the walks verify and rebase need. Internal to core; cmd sees
 * revision.h.
 */
#ifndef GM_CORE_CHAIN_H
#define GM_CORE_CHAIN_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "git-migrate/config.h"
#include "git-migrate/finding.h"
#include "git-migrate/repo.h"
#include "git-migrate/revision.h"
#include "revision_int.h"

/*
 * Build a chain from the *.sql files of a directory listing (other files are ignored).
 * Every problem becomes a finding (check "parse": unparsable file, duplicate id, file
 * name not starting with "<id>_"; check "graph": missing parent, cycle, several bases,
 * several heads), and the chain holds the revisions that parsed. Returns < 0 only on
 * internal failure. Caller owns *out (gm_chain_free).
 */
int gm_chain_load(gm_chain **out, gm_findings *findings, const gm_files *files);

/*
 * gm_chain_load, where a file whose blob id and path are those of a revision of `known`
 * (NULL: none) gets a copy of that revision instead of being parsed again: the same
 * bytes parse the same. Ownership and failure as gm_chain_load.
 */
int gm_chain_load_known(gm_chain **out, gm_findings *findings, const gm_files *files,
			const gm_chain *known);

/* An empty chain to which revisions are added. */
void gm_chain_new(gm_chain **out);

/* Add a revision; the chain takes ownership. Duplicates are kept and reported by check. */
void gm_chain_add(gm_chain *chain, gm_revision *rev);

/* Run the "parse" (ids) and "graph" checks, appending findings. */
void gm_chain_check(const gm_chain *chain, gm_findings *findings);

/* The i-th revision in the order they were added (i < gm_chain_count()). Borrowed. */
const gm_revision *gm_chain_at(const gm_chain *chain, size_t i);

/* Bases (revisions with no parent), sorted by id; the contract of gm_chain_heads. */
const gm_revision *const *gm_chain_bases(const gm_chain *chain, size_t *nr);

/* True when `ancestor` is `id` itself or reachable from `id` through parents. */
bool gm_chain_descends(const gm_chain *chain, const char *id, const char *ancestor);

#define GM_CHAIN_NONE SIZE_MAX

/* The fields are chain.c's and chain_graph.c's; everyone else uses the functions. */
struct gm_chain {
	gm_revision **v;
	size_t nr, alloc;
	bool borrowed; /* gm_chain_free leaves the revisions (they moved elsewhere) */

	/* open-addressing table: id → index of the first revision with that id, stored +1 */
	size_t *slots;
	size_t slots_nr; /* a power of two, or 0 */

	/* caches, rebuilt when stale (gm_chain_add makes them stale) */
	bool stale;
	const gm_revision **heads, **bases;
	size_t heads_nr, bases_nr;
};

/* Index of the first revision with this id, or GM_CHAIN_NONE. */
size_t gm_chain_index(const gm_chain *chain, const char *id);

/* Revisions were changed in place (rebase re-chains them): drop the cached heads/bases. */
void gm_chain_changed(gm_chain *chain);

/* ---- the history loader (chain.c) ------------------------------------- */

/*
 * One history as a run reads it: production's migrations directory (from git objects),
 * the checked tree's (the worktree, or a git revision), each file parsed once into its
 * chain; then (gm_history_combine) the two combined for a replay. Fields are read-only
 * for callers except through the functions below.
 */
typedef struct gm_history {
	const char *production; /* the production ref as named (borrowed) */
	const char *local_rev;  /* the checked git revision; NULL = the worktree (borrowed) */
	char prod_oid[GM_OID_HEXSZ + 1]; /* the production commit */
	gm_files prod_files;             /* production's migrations directory */
	gm_files local_files;            /* the checked tree's */
	gm_chain *prod;                  /* production's chain */
	gm_chain *local;           /* the checked tree's chain as read (production's in it too) */
	gm_findings prod_findings; /* parse/graph problems of each */
	gm_findings local_findings;
	const char *prod_head; /* production's head (the first by id), NULL for none */
	size_t local_nr;       /* local revisions: in the checked tree, not in production */

	/* filled by gm_history_combine, which moves the revisions of prod and local into
	 * `all` and frees what a replay does not need: prod, local and the file listings
	 * are NULL/empty afterwards (prod_head stays valid: it points into `all`) */
	gm_chain *all;             /* production's revisions, then the local ones */
	const gm_revision **order; /* replay order of `all` (borrowed pointers) */
	size_t order_nr;
	size_t prod_nr;   /* how many of `order` are production's (they come first) */
	const char *head; /* the head of `all`: what a new revision chains onto */
} gm_history;

/* clang-format off */
#define GM_HISTORY_INIT { 0 }
/* clang-format on */

/*
 * Read and parse production's chain (ref `production`, NULL = cfg->production) and the
 * checked tree's (git revision `local_rev`, NULL = the worktree). Problems in the files
 * are findings (h->prod_findings, h->local_findings), not errors. < 0 when a ref does not
 * resolve (production's with a hint) or a directory cannot be read. The caller owns h
 * (gm_history_release, also after a failure).
 */
int gm_history_load(gm_history *h, gm_repo *repo, const gm_config *cfg, const char *production,
		    const char *local_rev);

/*
 * The local revisions (those of h->local whose id production lacks), in file order, as
 * pointers into h->local that rebase may re-chain in place before gm_history_combine.
 * Caller frees the array only; *nr receives the count.
 */
gm_revision **gm_history_locals(gm_history *h, size_t *nr);

/*
 * Combine the chains for a replay: production's chain must have no problem
 * (GM_EINVALID, prefixed "production ('<ref>')"), the checked tree's no parse problem;
 * unless `rechained` (rebase moved them), no local revision may hang off an older
 * production revision (gm_chain_check_fork: GM_ECHECK); the combined chain must pass
 * gm_chain_check (GM_EINVALID, the first finding, the rest counted in the hint). Fills
 * h->all, h->order, h->prod_nr and h->head; h->prod, h->local and the file listings are
 * gone afterwards (see the fields).
 */
int gm_history_combine(gm_history *h, bool rechained);

void gm_history_release(gm_history *h);

/* ---- graph rules and walks (chain_graph.c) ---------------------------- */

/*
 * The stale-fork rule: a local revision of `local` (one production lacks) whose parent
 * is a production revision other than `prod_head`. The first such revision, its parent
 * in *parent_out; NULL when none.
 */
const gm_revision *gm_chain_stale_fork(const gm_chain *local, const gm_chain *prod,
				       const char *prod_head, const char **parent_out);

/*
 * The stale-fork rule as an error, for a run that replays: GM_ECHECK at the revision's
 * down_revision line, with the same message verify's "chained" finding has. 0 when no
 * local revision hangs off an older production revision.
 */
int gm_chain_check_fork(const gm_chain *local, const gm_chain *prod, const char *prod_head,
			const char *prod_name);

/*
 * "chained": every head of `chain` descends from every head of `prod` (named
 * `prod_name` in messages); a stale fork is named as such, else each head that does not
 * descend. Heads behind a missing parent are left to the "graph" check. Appends findings.
 */
void gm_chain_check_chained(gm_findings *findings, const gm_chain *chain, const gm_chain *prod,
			    const char *prod_name);

/*
 * Production revisions that `chain` builds on: out[i] (one per gm_chain_at(prod, i)) is
 * true when the i-th is named as a parent by a revision of `chain`, or is an ancestor of
 * such. Caller frees the array.
 */
bool *gm_chain_covered(const gm_chain *prod, const gm_chain *chain);

/*
 * Put revisions v[0..nr) in one line, the order in which `rebase` chains several local
 * heads: parents before children (parents outside v are ignored), ties broken by the
 * `created` header (one without it comes after those with one), then by path. Sorts v in
 * place. GM_EINVALID (the revision's file:line) when they form a cycle; v is then as it
 * was.
 */
int gm_revisions_linearize(const gm_revision **v, size_t nr);

#endif
