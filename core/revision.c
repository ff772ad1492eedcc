/* Revision files (DESIGN.md §3.2): parse, ids and slugs (writing: revision_write.c). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include "git-migrate/revision.h"
#include "revision_int.h"
#include "git-migrate/alloc.h"
#include "git-migrate/error.h"
#include "dialect/sql.h"
#include "git-migrate/vec.h"
#include "error_int.h"
#include "util/banned.h"

bool gm_revision_id_valid(const char *id)
{
	size_t n = 0;

	if (!id)
		return false;
	for (; id[n]; n++) {
		char c = id[n];
		if (n >= GM_REVISION_ID_MAX)
			return false;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return false;
	}
	return n > 0;
}

void gm_revision_new_id(char out[13])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[6];
	size_t got = 0;
	int fd, i;

	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		while (got < sizeof(raw)) {
			ssize_t n = read(fd, raw + got, sizeof(raw) - got);
			if (n <= 0)
				break;
			got += (size_t)n;
		}
		close(fd);
	}
	if (got < sizeof(raw)) {
		/* no /dev/urandom: good enough to avoid collisions in one repository */
		static unsigned long long counter;
		struct timespec ts;
		unsigned long long x;

		clock_gettime(CLOCK_REALTIME, &ts);
		x = (unsigned long long)ts.tv_sec * 1000000007ULL ^ (unsigned long long)ts.tv_nsec ^
		    ((unsigned long long)getpid() << 32) ^ (++counter * 0x9e3779b97f4a7c15ULL);
		for (i = 0; i < 6; i++)
			raw[i] = (unsigned char)(x >> (8 * i));
	}
	for (i = 0; i < 6; i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 0xf];
	}
	out[12] = '\0';
}

void gm_revision_slug(gm_buf *out, const char *message)
{
	size_t start = out->len;
	bool sep = false;
	const char *p;

	bool cut = false;

	for (p = message ? message : ""; *p; p++) {
		char c = *p;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (sep && out->len > start)
				gm_buf_putc(out, '_');
			sep = false;
			if (out->len - start >= GM_SLUG_MAX) {
				cut = true;
				break;
			}
			gm_buf_putc(out, c);
		} else {
			sep = true;
		}
	}
	if (out->len - start > GM_SLUG_MAX)
		gm_buf_truncate(out, start + GM_SLUG_MAX);
	/* A word cut in half reads badly: end at the last whole word when there is one. */
	if (cut && out->ptr[out->len - 1] != '_') {
		const char *us = memrchr(out->ptr + start, '_', out->len - start);
		if (us && (size_t)(us - out->ptr) > start + GM_SLUG_MAX / 2)
			gm_buf_truncate(out, (size_t)(us - out->ptr));
	}
	while (out->len > start && out->ptr[out->len - 1] == '_')
		gm_buf_truncate(out, out->len - 1);
	/* A message with no letter or digit ("!!!", "é") still names the file readably. */
	if (out->len == start)
		gm_buf_puts(out, "revision");
}

/* ---- parsing ---------------------------------------------------------- */

enum state {
	IN_HEADER,
	IN_UP,
	IN_DOWN
};

/* A part being collected: leading and trailing blank lines are dropped. */
struct part_builder {
	gm_buf text;
	size_t keep;    /* length up to the end of the last non-blank line */
	int first_line; /* line of the first non-blank line, 0 = none yet */
	int start;      /* line after the marker that opened the part */
};

struct parser {
	const char *path;
	gm_revision *rev;
	enum state state;
	gm_section *section; /* the section being filled */
	struct part_builder part;
	int line;
	unsigned seen; /* header keys met so far: bit i = once_keys[i] */
};

static bool is_blank(const char *s, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\f' && s[i] != '\v')
			return false;
	return true;
}

static void part_line(struct part_builder *pb, const char *s, size_t n, int line)
{
	bool blank = is_blank(s, n);

	if (blank && !pb->first_line)
		return;
	if (!pb->first_line)
		pb->first_line = line;
	gm_buf_put(&pb->text, s, n);
	gm_buf_putc(&pb->text, '\n');
	if (!blank)
		pb->keep = pb->text.len;
}

/* Close the part being collected into the current section. */
static void part_close(struct parser *ps)
{
	gm_section *s = ps->section;
	struct part_builder *pb = &ps->part;
	size_t alloc = s->parts_nr;
	gm_sql_part part;

	gm_buf_truncate(&pb->text, pb->keep);
	part.sql = gm_buf_detach(&pb->text);
	part.line = pb->first_line ? pb->first_line : pb->start;
	GM_ALLOC_GROW(s->parts, s->parts_nr + 1, alloc);
	s->parts[s->parts_nr++] = part;
	pb->keep = 0;
	pb->first_line = 0;
	pb->start = ps->line + 1;
}

static void open_section(struct parser *ps, gm_section *s)
{
	s->present = true;
	s->line = ps->line;
	ps->section = s;
	ps->part.keep = 0;
	ps->part.first_line = 0;
	ps->part.start = ps->line + 1;
	gm_buf_clear(&ps->part.text);
}

/*
 * Blank inside a header or directive line: a '\r' too (a line may end in several, and
 * the writer drops one per rewrite), so a line reads the same before and after.
 */
static bool blank_char(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static char *trimmed(const char *s, size_t n)
{
	while (n && blank_char(*s)) {
		s++;
		n--;
	}
	while (n && blank_char(s[n - 1]))
		n--;
	return gm_xstrndup(s, n);
}

/*
 * If the line is a "-- +migrate <word>" directive, return 1 and put the word in *word
 * (owned by the caller); 0 otherwise. Errors on extra words.
 */
static int directive(char **word, struct parser *ps, const char *s, size_t n)
{
	const char *end = s + n, *w;
	static const char marker[] = "+migrate";

	*word = NULL;
	while (s < end && blank_char(*s))
		s++;
	if (end - s < 2 || s[0] != '-' || s[1] != '-')
		return 0;
	s += 2;
	while (s < end && blank_char(*s))
		s++;
	if ((size_t)(end - s) < sizeof(marker) - 1 || memcmp(s, marker, sizeof(marker) - 1))
		return 0;
	s += sizeof(marker) - 1;
	if (s < end && !blank_char(*s))
		return 0;
	while (s < end && blank_char(*s))
		s++;
	w = s;
	while (s < end && !blank_char(*s))
		s++;
	*word = gm_xstrndup(w, (size_t)(s - w));
	while (s < end && blank_char(*s))
		s++;
	if (s < end) {
		char *rest = trimmed(s, (size_t)(end - s));
		int error = gm_error_set_at(GM_EINVALID, ps->path, ps->line, 0,
					    "unexpected '%s' after '-- +migrate %s'", rest, *word);
		free(rest);
		free(*word);
		*word = NULL;
		return error;
	}
	return 1;
}

static int parse_parents(struct parser *ps, const char *value)
{
	gm_revision *rev = ps->rev;
	const char *p = value;

	rev->parents_line = ps->line;
	if (!*value)
		return 0;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		char *id = trimmed(p, n);

		if (!*id) {
			free(id);
			return gm_error_set_at(GM_EINVALID, ps->path, ps->line, 0,
					       "empty id in 'down_revision: %s'", value);
		}
		if (!gm_revision_id_valid(id)) {
			gm_error_set_at(GM_EINVALID, ps->path, ps->line, 0,
					"invalid parent revision id '%s'", id);
			gm_error_hint("ids are 1 to %d characters of [A-Za-z0-9_-]; a merge "
				      "revision names two parents as 'a, b'",
				      GM_REVISION_ID_MAX);
			free(id);
			return GM_EINVALID;
		}
		if (rev->parents_nr == 2) {
			free(id);
			return gm_error_set_at(GM_EINVALID, ps->path, ps->line, 0,
					       "more than two parents in 'down_revision: %s'",
					       value);
		}
		if (rev->parents_nr == 1 && !strcmp(rev->parents[0], id)) {
			int error = gm_error_set_at(GM_EINVALID, ps->path, ps->line, 0,
						    "parent '%s' named twice", id);
			free(id);
			return error;
		}
		rev->parents[rev->parents_nr++] = id;
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

static int duplicate_key(struct parser *ps, const char *key)
{
	return gm_error_set_at(GM_EINVALID, ps->path, ps->line, 0, "duplicate '%s' header", key);
}

/* Header keys that may appear once (unknown keys are kept, repeats included). */
static const char *const once_keys[] = {
	"revision", "down_revision", "message", "created", "transaction", NULL,
};

static unsigned key_bit(const char *key)
{
	unsigned i;
	for (i = 0; once_keys[i]; i++)
		if (!strcmp(once_keys[i], key))
			return 1u << i;
	return 0;
}

/* A single-valued header key met a second time is an error at its line. */
static int seen_once(struct parser *ps, const char *key)
{
	unsigned bit = key_bit(key);
	if (bit && (ps->seen & bit))
		return duplicate_key(ps, key);
	ps->seen |= bit;
	return 0;
}

/* A "-- key: value" header line; returns 1 when it was one, 0 for a plain comment. */
static int header_line(struct parser *ps, const char *s, size_t n)
{
	gm_revision *rev = ps->rev;
	const char *end = s + n, *k, *colon;
	char *key = NULL, *value = NULL;
	int error = 0;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if (end - s < 2 || s[0] != '-' || s[1] != '-')
		return 0;
	s += 2;
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	k = s;
	while (s < end && ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
			   (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
		s++;
	if (s == k || s == end || *s != ':')
		return 0; /* a comment, e.g. "-- git-migrate revision" */
	colon = s;
	key = gm_xstrndup(k, (size_t)(colon - k));
	value = trimmed(colon + 1, (size_t)(end - colon - 1));

	if ((error = seen_once(ps, key)) < 0)
		goto done;
	if (!strcmp(key, "revision")) {
		rev->id_line = ps->line;
		if (!gm_revision_id_valid(value)) {
			gm_error_set_at(GM_EINVALID, ps->path, ps->line, 0,
					"invalid revision id '%s'", value);
			gm_error_hint("ids are 1 to %d characters of [A-Za-z0-9_-]",
				      GM_REVISION_ID_MAX);
			error = GM_EINVALID;
			goto done;
		}
		rev->id = value;
		value = NULL;
	} else if (!strcmp(key, "down_revision")) {
		error = parse_parents(ps, value);
	} else if (!strcmp(key, "message")) {
		rev->message = value;
		value = NULL;
	} else if (!strcmp(key, "created")) {
		rev->created = value;
		value = NULL;
	} else if (!strcmp(key, "transaction")) {
		if (!strcmp(value, "false"))
			rev->transaction = false;
		else if (!strcmp(value, "true"))
			rev->transaction = true;
		else {
			error = gm_error_set_at(GM_EINVALID, ps->path, ps->line, 0,
						"'transaction' must be true or false, not '%s'",
						value);
			goto done;
		}
	} else {
		gm_header_kv kv;
		size_t alloc = rev->extra_nr;

		kv.key = key;
		kv.value = value;
		kv.line = ps->line;
		GM_ALLOC_GROW(rev->extra, rev->extra_nr + 1, alloc);
		rev->extra[rev->extra_nr++] = kv;
		key = value = NULL;
	}
done:
	free(value);
	free(key);
	return error < 0 ? error : 1;
}

static int handle_directive(struct parser *ps, const char *word)
{
	gm_revision *rev = ps->rev;

	if (!strcasecmp(word, "up")) {
		if (rev->down.present)
			return gm_error_set_at(GM_EINVALID, ps->path, ps->line, 0,
					       "'-- +migrate up' after '-- +migrate down'");
		if (rev->up.present)
			return gm_error_set_at(GM_EINVALID, ps->path, ps->line, 0,
					       "second '-- +migrate up' (first at line %d)",
					       rev->up.line);
		open_section(ps, &rev->up);
		ps->state = IN_UP;
	} else if (!strcasecmp(word, "down")) {
		if (rev->down.present)
			return gm_error_set_at(GM_EINVALID, ps->path, ps->line, 0,
					       "second '-- +migrate down' (first at line %d)",
					       rev->down.line);
		if (!rev->up.present)
			return gm_error_set_at(GM_EINVALID, ps->path, ps->line, 0,
					       "'-- +migrate down' before '-- +migrate up'");
		part_close(ps);
		open_section(ps, &rev->down);
		ps->state = IN_DOWN;
	} else if (!strcasecmp(word, "commit")) {
		if (ps->state == IN_HEADER)
			return gm_error_set_at(GM_EINVALID, ps->path, ps->line, 0,
					       "'-- +migrate commit' outside a section");
		part_close(ps);
	} else {
		return gm_error_set_at(GM_EINVALID, ps->path, ps->line, 0,
				       "unknown directive '-- +migrate %s'", word);
	}
	return 0;
}

static int parse_line(struct parser *ps, const char *s, size_t n)
{
	char *word = NULL;
	int rc;

	if ((rc = directive(&word, ps, s, n)) < 0)
		return rc;
	if (rc == 1) {
		rc = handle_directive(ps, word);
		free(word);
		return rc;
	}
	if (ps->state != IN_HEADER) {
		part_line(&ps->part, s, n, ps->line);
		return 0;
	}
	if (is_blank(s, n))
		return 0;
	if ((rc = header_line(ps, s, n)) < 0)
		return rc;
	if (rc == 1)
		return 0;
	if (n >= 2 && s[0] == '-' && s[1] == '-')
		return 0; /* a plain comment in the header */
	return gm_error_set_at(GM_EINVALID, ps->path, ps->line, 0,
			       "SQL before the '-- +migrate up' section");
}

static bool is_empty(const char *data, size_t len)
{
	size_t i;
	for (i = 0; i < len; i++)
		if (data[i] != ' ' && data[i] != '\t' && data[i] != '\n' && data[i] != '\r')
			return false;
	return true;
}

static int count_lines(const char *data, size_t upto)
{
	int line = 1;
	const char *p = data, *end = data + upto;

	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		line++;
		p++;
	}
	return line;
}

/* ---- transaction control inside a section ---------------------------- */

struct tx_scan {
	const char *where;
	const char *section;
	int first_line;
};

static int refuse_tx_control(const char *stmt, int line, void *payload)
{
	const struct tx_scan *t = payload;
	const char *kw = gm_sql_transaction_control(stmt);

	if (!kw)
		return 0;
	gm_error_set_at(GM_EINVALID, t->where, t->first_line + line - 1, 0,
			"'%s' in the %s section: each section runs in a transaction of its "
			"own; remove it (a '-- +migrate commit' line commits there, and "
			"'-- transaction: false' in the header runs the statements that "
			"cannot run in a transaction, such as CREATE INDEX CONCURRENTLY)",
			kw, t->section);
	return GM_EINVALID;
}

/*
 * A section may not hold its own COMMIT/BEGIN/ROLLBACK/END: the applier owns the
 * transactions, and such a statement would end one early or leave one open.
 */
static int check_tx_control(const gm_section *s, const char *name, const char *where)
{
	struct tx_scan t = { where, name, 0 };
	size_t i;
	int error;

	for (i = 0; i < s->parts_nr; i++) {
		if (!s->parts[i].sql)
			continue;
		t.first_line = s->parts[i].line;
		if ((error = gm_sql_split(s->parts[i].sql, refuse_tx_control, &t)) < 0)
			return error;
	}
	return 0;
}

int gm_revision_parse(gm_revision **out, const char *path, const char *data, size_t len)
{
	struct parser ps;
	const char *p = data, *end = data + len, *nul;
	const char *where = path ? path : "<revision>";
	gm_revision *rev;
	int error = 0;

	GM_ASSERT_ARG(out);
	GM_ASSERT_ARG(data || !len);
	*out = NULL;

	if (len && (nul = memchr(data, '\0', len)) != NULL)
		return gm_error_set_at(GM_EINVALID, where, count_lines(data, (size_t)(nul - data)),
				       0, "NUL byte in revision file (binary content?)");
	/* A UTF-8 byte order mark (editors on Windows write one) is not content. */
	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3)) {
		data += 3;
		len -= 3;
		p = data;
		end = data + len;
	}
	if (is_empty(data, len))
		return gm_error_set_at(GM_EINVALID, where, 1, 0, "empty revision file");

	rev = gm_xcalloc(1, sizeof(*rev));
	rev->transaction = true;
	rev->path = gm_xstrdup(path);
	memset(&ps, 0, sizeof(ps));
	ps.path = where;
	ps.rev = rev;
	ps.state = IN_HEADER;
	gm_buf_init(&ps.part.text);

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		ps.line++;
		/* every '\r' before the '\n' (not only CRLF's one): a rewritten file then
		 * reads exactly as the file it was written from (found by fuzz_revision) */
		while (n && p[n - 1] == '\r')
			n--;
		if ((error = parse_line(&ps, p, n)) < 0)
			goto done;
		p = nl ? nl + 1 : end;
	}
	if (ps.state != IN_HEADER)
		part_close(&ps);

	if (!(ps.seen & key_bit("revision"))) {
		error = gm_error_set_at(GM_EINVALID, where, 1, 0, "missing 'revision' header");
		gm_error_hint("a revision file starts with '-- revision: <id>' and "
			      "'-- down_revision: <parent>' lines");
		goto done;
	}
	if (!(ps.seen & key_bit("down_revision"))) {
		error = gm_error_set_at(GM_EINVALID, where, rev->id_line, 0,
					"missing 'down_revision' header");
		gm_error_hint("write '-- down_revision:' with no value for a base revision");
		goto done;
	}
	if (!rev->up.present) {
		error = gm_error_set_at(GM_EINVALID, where, ps.line ? ps.line : 1, 0,
					"no '-- +migrate up' section");
		goto done;
	}
	if ((error = check_tx_control(&rev->up, "up", where)) < 0 ||
	    (error = check_tx_control(&rev->down, "down", where)) < 0)
		goto done;

done:
	gm_buf_release(&ps.part.text);
	if (error < 0) {
		gm_revision_free(rev);
		return error;
	}
	*out = rev;
	return 0;
}

static void section_release(gm_section *s)
{
	size_t i;
	for (i = 0; i < s->parts_nr; i++)
		free(s->parts[i].sql);
	free(s->parts);
}

static char *dup_or_null(const char *s)
{
	return s ? gm_xstrdup(s) : NULL;
}

static void section_dup(gm_section *to, const gm_section *from)
{
	size_t i;

	*to = *from;
	to->parts = from->parts_nr ? gm_xmalloc(from->parts_nr * sizeof(*to->parts)) : NULL;
	for (i = 0; i < from->parts_nr; i++) {
		to->parts[i].sql = dup_or_null(from->parts[i].sql);
		to->parts[i].line = from->parts[i].line;
	}
}

gm_revision *gm_revision_dup(const gm_revision *rev)
{
	gm_revision *r = gm_xmalloc(sizeof(*r));
	size_t i;

	*r = *rev;
	r->id = dup_or_null(rev->id);
	for (i = 0; i < rev->parents_nr; i++)
		r->parents[i] = gm_xstrdup(rev->parents[i]);
	r->message = dup_or_null(rev->message);
	r->created = dup_or_null(rev->created);
	r->extra = rev->extra_nr ? gm_xmalloc(rev->extra_nr * sizeof(*r->extra)) : NULL;
	for (i = 0; i < rev->extra_nr; i++) {
		r->extra[i].key = dup_or_null(rev->extra[i].key);
		r->extra[i].value = dup_or_null(rev->extra[i].value);
		r->extra[i].line = rev->extra[i].line;
	}
	section_dup(&r->up, &rev->up);
	section_dup(&r->down, &rev->down);
	r->path = dup_or_null(rev->path);
	return r;
}

void gm_revision_free(gm_revision *rev)
{
	size_t i;

	if (!rev)
		return;
	free(rev->id);
	for (i = 0; i < rev->parents_nr; i++)
		free(rev->parents[i]);
	free(rev->message);
	free(rev->created);
	for (i = 0; i < rev->extra_nr; i++) {
		free(rev->extra[i].key);
		free(rev->extra[i].value);
	}
	free(rev->extra);
	section_release(&rev->up);
	section_release(&rev->down);
	free(rev->path);
	free(rev);
}
