/* The diff's functions, core-internal (the types are in git-migrate/diff.h). */
#ifndef GM_CORE_DIFF_INT_H
#define GM_CORE_DIFF_INT_H
#include "git-migrate/buf.h"
#include "git-migrate/diff.h"
#include "git-migrate/schema.h"

/*
 * Compute the changes that turn `from` into `to`. Rename hints (`was: old`) on objects of
 * `to` turn a drop of `old` + an add into a rename; a hint whose old name does not exist
 * in `from` (or whose new name already exists there) is ignored, so hints can stay.
 * GM_DIFF_REVERSE reads the hints from `from` instead: an object X of `from` with
 * `was: Y`, where Y is in `to` and X is not, is renamed X → Y. That is the down
 * direction: gm_diff(&down, desired, current, GM_DIFF_REVERSE).
 * *out must be GM_CHANGES_INIT. GM_EINVALID only for contradictions (two hints naming
 * one old object), with a message naming both.
 */
enum gm_diff_flags {
	GM_DIFF_REVERSE = (1 << 0)
};
int gm_diff(gm_changes *out, const gm_schema *from, const gm_schema *to, unsigned flags);

void gm_changes_release(gm_changes *changes);

/* diff_objects.c: append the changes of the objects beyond tables (gm_dependent, compared
 * kinds only) that turn `from` into `to`: drops (the last created first), then
 * replacements and additions in `to`'s creation order. */
void gm_diff_objects(gm_changes *out, const gm_schema *from, const gm_schema *to);

/* diff_comments.c: append a sub-change of `kind` to ch (zeroed but for its kind); ch owns
 * it, the result is borrowed until the next push. */
gm_tchange *gm_tchange_push(gm_change *ch, gm_tchange_kind kind);

/*
 * diff_comments.c: append to MODIFY_TABLE ch, after its other sub-changes, one
 * GM_TCHANGE_MODIFY_KEY_COMMENT per index, unique, foreign key, check or exclusion
 * constraint, and primary key, that both tables have (same name), that ch neither drops
 * nor adds again, and whose comment differs (a comment is never a reason to re-create:
 * the comparisons of diff.c leave it out; an object ch adds again gets its comment with
 * it, from the planner).
 */
void gm_diff_key_comments(gm_change *ch);

/* diff_comments.c: the name of the index or constraint of MODIFY_KEY_COMMENT tc of ch
 * (borrowed from ch->to), and in *what its kind ("index", "unique constraint", "foreign
 * key", "check", "exclusion constraint", "primary key"), for messages. */
const char *gm_tchange_key_name(const gm_change *ch, const gm_tchange *tc, const char **what);

/* Whether the list has a change of `kind` whose `to` table is named `table` (a table it
 * creates: GM_CHANGE_ADD_TABLE; modifies: GM_CHANGE_MODIFY_TABLE). */
bool gm_changes_has(const gm_changes *changes, gm_change_kind kind, const char *table);

/* One line per change for a human summary ("add table contact_events", "add value 'BTC' to
 * enum dealcurrency", "drop column deals.notes"). Appends to out. */
void gm_changes_describe(gm_buf *out, const gm_changes *changes);

#endif
