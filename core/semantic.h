/*
 * Semantic conflicts (verify --replay, rebase): two revisions that both apply and still
 * change the same object. Internal to core.
 */
#ifndef GM_CORE_SEMANTIC_H
#define GM_CORE_SEMANTIC_H
#include <stdbool.h>
#include <stddef.h>
#include "git-migrate/diff.h"
#include "git-migrate/finding.h"
#include "git-migrate/revision.h"
#include "diff_int.h"

/*
 * The objects one revision changed, by name: tables ("table deals", added, dropped or
 * renamed), columns ("deals.currency"), indexes ("index deals_title_idx"), constraints
 * ("constraint deals_amount_check", "primary key of deals"), enums ("enum currency"),
 * read from `changes`, the diff of the schemas inspected before and after its up section
 * (so the SQL that wrote them does not matter: a table rebuild that changes one column
 * touches that column). Caller owns *out (gm_touched_free); the names are copied.
 */
typedef struct gm_touched gm_touched;
void gm_touched_new(gm_touched **out, const gm_changes *changes);
size_t gm_touched_count(const gm_touched *t); /* 0 for NULL */
void gm_touched_free(gm_touched *t);          /* NULL-safe */

/*
 * A semantic conflict: production's revision `prod`, newer than the branch's fork, and
 * the branch's `local` revision changed the same object (the same name, or a table and
 * something of that table). Appends one "semantic" warning (gm_findings_warn) at
 * local's up section naming both revisions and every shared object ("semantic conflict:
 * production's <id> changed deals.currency; your <id> also changes deals.currency") and
 * returns true; false (nothing appended) when they share nothing or either is NULL.
 */
bool gm_semantic_conflict(gm_findings *f, const gm_revision *prod, const gm_touched *pt,
			  const gm_revision *local, const gm_touched *lt);

#endif
