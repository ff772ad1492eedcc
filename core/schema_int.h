/* Schema internals shared inside core (not cmd/'s API). */
#ifndef GM_CORE_SCHEMA_INT_H
#define GM_CORE_SCHEMA_INT_H

#include <stdbool.h>
#include <stddef.h>
#include "git-migrate/schema.h"

/*
 * The n tables (distinct names) in foreign-key order: referenced tables before the
 * tables that reference them (children_first: the reverse, for drops). A table's
 * references to itself and to tables not in the list do not count. Ties go by name, so
 * the order is deterministic. Cycle rule: when every table left waits for another,
 * start at the first waiting table by name and follow its first dependency by name
 * until a table repeats; that table is on a cycle and goes next (so a table that only
 * hangs off a cycle still waits for it). Caller owns *out (free(); n entries, borrowed).
 */
void gm_schema_fk_order(const gm_table ***out, const gm_table *const *tables, size_t n,
			bool children_first);

#endif
