/*
 * Revision files (core/revision.c): parse any bytes. What parses is written back with
 * gm_revision_format (as prepare writes files), which must parse again with the same id,
 * parents, transaction flag and the same SQL in each section. (The header text is not a
 * fixed point: header values lose control characters.) A copy (gm_revision_dup, what the
 * history loader gives a worktree file production has too) writes the very same text.
 */
#include <stdbool.h>
#include <stdlib.h>
#include "fuzz.h"
#include "revision_int.h"

static bool same_text(const gm_section *a, const gm_section *b)
{
	char *ta = gm_section_text(a), *tb = gm_section_text(b);
	bool same = !strcmp(ta, tb);

	free(ta);
	free(tb);
	return same;
}

static bool same(const gm_revision *a, const gm_revision *b)
{
	size_t i;

	if (strcmp(a->id, b->id) || a->parents_nr != b->parents_nr ||
	    a->transaction != b->transaction || a->up.present != b->up.present ||
	    a->down.present != b->down.present)
		return false;
	for (i = 0; i < a->parents_nr; i++)
		if (strcmp(a->parents[i], b->parents[i]))
			return false;
	/* the SQL of each section is a fixed point of writing and reading */
	return same_text(&a->up, &b->up) && same_text(&a->down, &b->down);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gm_revision *rev = NULL, *again = NULL, *copy = NULL;
	gm_buf text = GM_BUF_INIT, copied = GM_BUF_INIT;

	if (gm_revision_parse(&rev, "migrations/versions/a00000000001_x.sql", (const char *)data,
			      size) < 0)
		goto done;
	free(gm_section_text(&rev->up));
	free(gm_section_text(&rev->down));
	gm_revision_format(&text, rev);
	copy = gm_revision_dup(rev);
	gm_revision_format(&copied, copy);
	if (copied.len != text.len || memcmp(copied.ptr, text.ptr, text.len) ||
	    strcmp(copy->path, rev->path) || strcmp(copy->checksum, rev->checksum) ||
	    copy->id_line != rev->id_line || copy->parents_line != rev->parents_line)
		abort(); /* a copy that differs from what it copies */
	if (gm_revision_parse(&again, "again.sql", text.ptr, text.len) < 0)
		abort(); /* the writer produced a file its reader refuses */
	if (!same(rev, again))
		abort(); /* or one that reads differently */
done:
	gm_revision_free(copy);
	gm_revision_free(again);
	gm_revision_free(rev);
	gm_buf_release(&text);
	gm_buf_release(&copied);
	gm_error_clear();
	return 0;
}
