/* PostgreSQL planner, the order of a plan: the phase of each change and sub-change. */
#include <stdbool.h>
#include "git-migrate/diff.h"
#include "dialect/postgres.h"
#include "util/banned.h"

enum gm_pg_phase gm_pg_change_phase(const gm_change *ch)
{
	switch (ch->kind) {
	case GM_CHANGE_ADD_ENUM:
	case GM_CHANGE_ADD_ENUM_VALUE:
	case GM_CHANGE_RENAME_ENUM:
	case GM_CHANGE_RENAME_TABLE:
		return GM_PG_PH_ADD;
	case GM_CHANGE_DROP_TABLE:
		return GM_PG_PH_DROP_TABLES;
	case GM_CHANGE_SWAP_ENUM:
		return GM_PG_PH_SWAP;
	case GM_CHANGE_ADD_TABLE:
		return GM_PG_PH_CREATE;
	case GM_CHANGE_DROP_ENUM:
		return GM_PG_PH_DROP_ENUMS;
	case GM_CHANGE_MODIFY_TABLE:
	case GM_CHANGE_ADD_OBJECT:
	case GM_CHANGE_DROP_OBJECT:
	case GM_CHANGE_REPLACE_OBJECT:
		break;
	}
	return GM_PG_PH_NR;
}

enum gm_pg_phase gm_pg_tchange_phase(const gm_changes *changes, const gm_tchange *tc)
{
	switch (tc->kind) {
	case GM_TCHANGE_DROP_FKEY:
		return GM_PG_PH_DROP_FKEYS;
	case GM_TCHANGE_DROP_CHECK:
	case GM_TCHANGE_DROP_INDEX:
	case GM_TCHANGE_DROP_COLUMN:
		return GM_PG_PH_REMOVE;
	case GM_TCHANGE_MODIFY_COLUMN:
		return gm_pg_leaves_swap(changes, tc) ? GM_PG_PH_REMOVE : GM_PG_PH_CREATE;
	default:
		return GM_PG_PH_CREATE;
	}
}
