/* Revision text (DESIGN.md §3.2): every revision file git-migrate writes is made here. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "git-migrate/revision.h"
#include "git-migrate/alloc.h"
#include "git-migrate/error.h"
#include "error_int.h"
#include "revision_int.h"
#include "util/strvec.h"
#include "util/banned.h"

/* ---- writing ---------------------------------------------------------- */

/*
 * Header values are single lines: newlines and every other control character become
 * spaces, so no value (a `-m` message, say) can start a line of its own and forge a
 * header key or a section marker.
 */
static void put_value(gm_buf *out, const char *v)
{
	for (; v && *v; v++)
		gm_buf_putc(out, ((unsigned char)*v < 0x20 || *v == 0x7f) ? ' ' : *v);
}

static void put_section(gm_buf *out, const gm_section *s)
{
	size_t i;

	for (i = 0; i < s->parts_nr; i++) {
		const char *sql = s->parts[i].sql ? s->parts[i].sql : "";
		size_t n = strlen(sql);

		if (i)
			gm_buf_puts(out, "-- +migrate commit\n");
		gm_buf_puts(out, sql);
		if (n && sql[n - 1] != '\n')
			gm_buf_putc(out, '\n');
	}
}

void gm_revision_format(gm_buf *out, const gm_revision *rev)
{
	size_t i;

	gm_buf_puts(out, "-- git-migrate revision\n");
	gm_buf_puts(out, "-- revision: ");
	put_value(out, rev->id);
	gm_buf_puts(out, "\n-- down_revision:");
	for (i = 0; i < rev->parents_nr; i++) {
		gm_buf_puts(out, i ? ", " : " ");
		put_value(out, rev->parents[i]);
	}
	gm_buf_putc(out, '\n');
	if (rev->message) {
		gm_buf_puts(out, "-- message: ");
		put_value(out, rev->message);
		gm_buf_putc(out, '\n');
	}
	if (rev->created) {
		gm_buf_puts(out, "-- created: ");
		put_value(out, rev->created);
		gm_buf_putc(out, '\n');
	}
	if (!rev->transaction)
		gm_buf_puts(out, "-- transaction: false\n");
	for (i = 0; i < rev->extra_nr; i++) {
		gm_buf_puts(out, "-- ");
		put_value(out, rev->extra[i].key);
		gm_buf_puts(out, ": ");
		put_value(out, rev->extra[i].value);
		gm_buf_putc(out, '\n');
	}
	gm_buf_puts(out, "\n-- +migrate up\n");
	put_section(out, &rev->up);
	if (rev->down.present) {
		gm_buf_puts(out, "\n-- +migrate down\n");
		put_section(out, &rev->down);
	}
}

char *gm_section_text(const gm_section *s)
{
	gm_buf b = GM_BUF_INIT;
	put_section(&b, s);
	return gm_buf_detach(&b);
}

void gm_revision_format_new(gm_buf *out, const char *id, const char *parent, const char *message,
			    const char *up_sql, const char *down_sql)
{
	gm_revision draft;
	gm_sql_part up_part = { (char *)up_sql, 0 }, down_part = { (char *)down_sql, 0 };
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	memset(&draft, 0, sizeof(draft));
	draft.id = (char *)id;
	if (parent)
		draft.parents[draft.parents_nr++] = (char *)parent;
	draft.message = (char *)message;
	draft.created = stamp;
	draft.transaction = true;
	draft.up.present = draft.down.present = true;
	draft.up.parts = &up_part;
	draft.up.parts_nr = 1;
	draft.down.parts = &down_part;
	draft.down.parts_nr = 1;
	gm_revision_format(out, &draft);
}

/* ---- rewriting the parents ------------------------------------------- */

static bool same_section(const gm_section *a, const gm_section *b)
{
	char *x, *y;
	bool same;

	if (a->present != b->present)
		return false;
	x = gm_section_text(a);
	y = gm_section_text(b);
	same = !strcmp(x, y);
	free(x);
	free(y);
	return same;
}

int gm_revision_set_parents(gm_buf *out, const char *path, const char *data, size_t len,
			    char *const *parents, size_t parents_nr)
{
	const char *where = path ? path : "<revision>";
	gm_revision *old = NULL, *rev = NULL;
	gm_buf text = GM_BUF_INIT;
	const char *p = data, *end = data + len, *colon, *eol;
	size_t i;
	bool same;
	int line, error;

	GM_ASSERT_ARG(out && (data || !len) && (parents || !parents_nr));
	if (parents_nr > 2)
		return gm_error_set_at(GM_EINVALID, where, 0, 0,
				       "a revision has at most two parents, not %zu", parents_nr);
	for (i = 0; i < parents_nr; i++)
		if (!gm_revision_id_valid(parents[i]))
			return gm_error_set_at(GM_EINVALID, where, 0, 0,
					       "invalid parent revision id '%s'", parents[i]);
	if ((error = gm_revision_parse(&old, path, data, len)) < 0)
		return error;

	/* The header line the parser read the parents from ("-- down_revision: a"): keep
	 * everything up to its colon and its line ending, replace the value. A byte order
	 * mark is part of line 1, so the parser's line numbers hold for the raw text. */
	for (line = 1; line < old->parents_line && p < end; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
	}
	eol = memchr(p, '\n', (size_t)(end - p));
	eol = eol ? eol : end;
	colon = memchr(p, ':', (size_t)(eol - p));
	if (old->parents_line <= 0 || !colon) {
		error = gm_error_set_at(GM_EINVALID, where, old->parents_line, 0,
					"cannot find the down_revision line to rewrite");
		goto done;
	}
	if (eol > colon + 1 && eol[-1] == '\r')
		eol--;
	gm_buf_put(&text, data, (size_t)(colon + 1 - data));
	for (i = 0; i < parents_nr; i++)
		gm_buf_printf(&text, "%s%s", i ? ", " : " ", parents[i]);
	gm_buf_put(&text, eol, (size_t)(end - eol));

	/* The result must read as the same revision, with the new parents. */
	if ((error = gm_revision_parse(&rev, path, text.ptr, text.len)) < 0) {
		gm_error_prefix("the rewritten revision does not parse (a bug)");
		goto done;
	}
	same = !strcmp(rev->id, old->id) && rev->parents_nr == parents_nr &&
	       gm_str_eq(rev->message, old->message) && gm_str_eq(rev->created, old->created) &&
	       rev->transaction == old->transaction && rev->extra_nr == old->extra_nr &&
	       same_section(&rev->up, &old->up) && same_section(&rev->down, &old->down);
	for (i = 0; same && i < parents_nr; i++)
		same = !strcmp(rev->parents[i], parents[i]);
	if (!same) {
		error = gm_error_set_at(GM_ERROR, where, old->parents_line, 0,
					"rewriting the down_revision line changed the revision "
					"(a bug)");
		goto done;
	}
	gm_buf_put(out, text.ptr, text.len);

done:
	gm_revision_free(old);
	gm_revision_free(rev);
	gm_buf_release(&text);
	return error;
}
