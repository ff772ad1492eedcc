/*
 * Revision files inside core: parsing, ids and slugs (revision.c), writing and
 * rewriting their text (revision_write.c). cmd sees the types in revision.h.
 */
#ifndef GM_CORE_REVISION_INT_H
#define GM_CORE_REVISION_INT_H
#include <stdbool.h>
#include <stddef.h>
#include "git-migrate/buf.h"
#include "git-migrate/revision.h"

#define GM_REVISION_ID_MAX 64
#define GM_SLUG_MAX 40

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

/* A deep copy of rev (gm_revision_parse's result); caller owns it (gm_revision_free). */
gm_revision *gm_revision_dup(const gm_revision *rev);

/* Render a revision as file text (header, up, down) into out. */
void gm_revision_format(gm_buf *out, const gm_revision *rev);

/*
 * The text of a new revision (gm_revision_format's): id, down_revision `parent` (NULL: a
 * base), `message`, created now (UTC), in a transaction, with one up part `up_sql` and
 * one down part `down_sql` (a "-- +migrate commit" line in them splits the section when
 * the text is parsed back). Appends to out.
 */
void gm_revision_format_new(gm_buf *out, const char *id, const char *parent, const char *message,
			    const char *up_sql, const char *down_sql);

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

#endif
