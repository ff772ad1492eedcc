/*
 * The diff: schema × schema → an ordered, dialect-neutral change list (DESIGN.md §3.6 step 8).
 *
 * Ownership: a gm_changes *borrows* from the two schemas it was computed from (every
 * pointer in it points into `from` or `to`). Free the change list (gm_changes_release)
 * before either schema.
 *
 * Order of the list: enum additions and label additions first, then table renames, new
 * tables in foreign-key order (referenced tables first), table modifications, then drops:
 * tables in reverse foreign-key order, then enums no longer used, then the objects beyond
 * tables (diff_objects.c: drops, replacements, additions). A table has at most one
 * MODIFY_TABLE (SQLite rebuilds it once). A planner may run the list in phases so that
 * what uses a thing goes before the thing is changed or dropped and comes after: the
 * PostgreSQL planner does, taking a MODIFY_TABLE's sub-changes apart (see enum
 * gm_pg_phase in core/dialect/postgres.h); a down is planned the same way.
 */
#ifndef GM_DIFF_H
#define GM_DIFF_H
#include <stdbool.h>
#include <stddef.h>
#include "git-migrate/schema.h"

typedef enum {
	GM_CHANGE_ADD_ENUM, /* enum_to */
	GM_CHANGE_ADD_ENUM_VALUE, /* enum_from, enum_to, label (+ before / after: neighbour label or NULL) */
	GM_CHANGE_SWAP_ENUM,      /* enum_from, enum_to: labels removed or reordered (type swap) */
	GM_CHANGE_RENAME_ENUM,    /* enum_from, enum_to */
	GM_CHANGE_DROP_ENUM,      /* enum_from */
	GM_CHANGE_ADD_TABLE,      /* to */
	GM_CHANGE_RENAME_TABLE,   /* from, to (followed by a MODIFY_TABLE when more changed) */
	GM_CHANGE_MODIFY_TABLE,   /* from, to, tchanges */
	GM_CHANGE_DROP_TABLE,     /* from */
	GM_CHANGE_ADD_OBJECT,     /* object_to (gm_dependent: a view, a function ...) */
	GM_CHANGE_DROP_OBJECT,    /* object_from */
	GM_CHANGE_REPLACE_OBJECT, /* object_from, object_to: same kind and name, new create */
} gm_change_kind;

typedef enum {                     /* sub-changes of GM_CHANGE_MODIFY_TABLE */
	GM_TCHANGE_ADD_COLUMN,     /* col_to */
	GM_TCHANGE_DROP_COLUMN,    /* col_from */
	GM_TCHANGE_RENAME_COLUMN,  /* col_from, col_to (a MODIFY_COLUMN follows if more changed) */
	GM_TCHANGE_MODIFY_COLUMN,  /* col_from, col_to, coldiff */
	GM_TCHANGE_ADD_INDEX,      /* index_to (also UNIQUE constraints: index_to->constraint) */
	GM_TCHANGE_DROP_INDEX,     /* index_from */
	GM_TCHANGE_ADD_FKEY,       /* fkey_to */
	GM_TCHANGE_DROP_FKEY,      /* fkey_from */
	GM_TCHANGE_ADD_CHECK,      /* check_to */
	GM_TCHANGE_DROP_CHECK,     /* check_from */
	GM_TCHANGE_MODIFY_PKEY,    /* primary key columns or name changed: uses the tables */
	GM_TCHANGE_MODIFY_COMMENT, /* table comment changed */
	GM_TCHANGE_MODIFY_KEY_COMMENT, /* only the comment of a kept index or constraint changed:
					* index_from/_to, fkey_from/_to or check_from/_to;
					* none set: the primary key's (diff_comments.c) */
} gm_tchange_kind;

enum gm_column_diff {
	GM_COLDIFF_TYPE = (1 << 0), /* type, or emulated-enum labels */
	GM_COLDIFF_NULL = (1 << 1),
	GM_COLDIFF_DEFAULT = (1 << 2),
	GM_COLDIFF_IDENTITY = (1 << 3),
	GM_COLDIFF_COMMENT = (1 << 4),
	GM_COLDIFF_GENERATED =
		(1 << 5), /* generated expression or stored/virtual; plain ↔ generated */
};

typedef struct gm_tchange {
	gm_tchange_kind kind;
	const gm_column *col_from, *col_to;
	unsigned coldiff; /* enum gm_column_diff, for MODIFY_COLUMN */
	const gm_index *index_from, *index_to;
	const gm_fkey *fkey_from, *fkey_to;
	const gm_check *check_from, *check_to;
} gm_tchange;

typedef struct gm_change {
	gm_change_kind kind;
	const gm_enum *enum_from, *enum_to;
	const char *label;          /* ADD_ENUM_VALUE */
	const char *before, *after; /* ADD_ENUM_VALUE: insert before/after this label (one set) */
	const gm_table *from, *to;
	gm_tchange
		*tchanges; /* MODIFY_TABLE: in order: drops of fkeys/checks/indexes, column changes,
			   * adds, comment changes of kept keys, the table's comment */
	size_t tchanges_nr, tchanges_alloc;
	const gm_dependent *object_from, *object_to; /* *_OBJECT */
} gm_change;

typedef struct gm_changes {
	gm_change *v;
	size_t nr, alloc;
	const gm_schema *from, *to; /* the schemas this list borrows from */
	bool reverse;               /* computed with GM_DIFF_REVERSE: the down of a revision */
} gm_changes;

/* clang-format off */
#define GM_CHANGES_INIT { NULL, 0, 0, NULL, NULL, false }
/* clang-format on */

/* Computing, describing and releasing a change list is core-internal: core/diff_int.h. */

#endif
