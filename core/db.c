/* Databases: the dialect registry, URL parsing and masking, connections, plans, sections. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/db.h"
#include "git-migrate/error.h"
#include "git-migrate/revision.h"
#include "git-migrate/vec.h"
#include "error_int.h"
#include "db_int.h"
#include "interrupt.h"
#include "util/banned.h"

/* The dialects, by URL scheme. A new dialect is one line here. */
static const gm_dialect *const dialects[] = { &gm_dialect_sqlite, &gm_dialect_postgres, NULL };

const gm_dialect *gm_dialect_for_scheme(const char *scheme)
{
	size_t i, j;
	if (!scheme)
		return NULL;
	for (i = 0; dialects[i]; i++)
		for (j = 0; dialects[i]->schemes && dialects[i]->schemes[j]; j++)
			if (!strcasecmp(dialects[i]->schemes[j], scheme))
				return dialects[i];
	return NULL;
}

/* ---- masking -------------------------------------------------------------- */

/* Length of a URL scheme at s ("postgres" in "postgres://..."), 0 when s has none. */
static size_t scheme_len(const char *s)
{
	size_t n = 0;
	if (!isalpha((unsigned char)s[0]))
		return 0;
	while (isalnum((unsigned char)s[n]) || s[n] == '+' || s[n] == '-' || s[n] == '.')
		n++;
	return s[n] == ':' ? n : 0;
}

static bool is_uri(const char *s)
{
	size_t n = scheme_len(s);
	return n && !strncmp(s + n, "://", 3);
}

/* Append s[0..n) with "password=" query values replaced by ***. */
static void mask_query(gm_buf *out, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t start = i, end;
		while (i < n && s[i] != '&' && s[i] != '#')
			i++;
		end = i;
		if (end - start > 9 && !strncasecmp(s + start, "password=", 9)) {
			gm_buf_put(out, s + start, 9);
			gm_buf_puts(out, "***");
		} else {
			gm_buf_put(out, s + start, end - start);
		}
		if (i < n)
			gm_buf_putc(out, s[i++]);
	}
}

static void mask_uri(gm_buf *out, const char *s)
{
	const char *auth = strstr(s, "://") + 3;
	size_t auth_len = strcspn(auth, "/?#");
	const char *at = NULL, *colon, *q, *p;

	for (p = auth; p < auth + auth_len; p++)
		if (*p == '@')
			at = p;
	if (at && (colon = memchr(auth, ':', (size_t)(at - auth)))) {
		gm_buf_put(out, s, (size_t)(colon + 1 - s));
		gm_buf_puts(out, "***");
		p = at;
	} else {
		p = s;
	}
	q = strchr(auth + auth_len, '?');
	if (!q) {
		gm_buf_puts(out, p);
		return;
	}
	gm_buf_put(out, p, (size_t)(q + 1 - p));
	mask_query(out, q + 1, strlen(q + 1));
}

/* One key=value pair of a libpq conninfo string, as spans of the input. */
struct kv {
	const char *key, *value;
	size_t key_len, value_len;
	const char *end;
};

/* Parse the next pair at *s (leading spaces skipped). 1 = a pair, 0 = end, -1 = syntax error. */
static int next_kv(struct kv *kv, const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	if (!*s)
		return 0;
	kv->key = s;
	while (*s && *s != '=' && !isspace((unsigned char)*s))
		s++;
	kv->key_len = (size_t)(s - kv->key);
	while (isspace((unsigned char)*s))
		s++;
	if (*s != '=' || !kv->key_len)
		return -1;
	s++;
	while (isspace((unsigned char)*s))
		s++;
	kv->value = s;
	if (*s == '\'') {
		s++;
		while (*s && *s != '\'') {
			if (*s == '\\' && s[1])
				s++;
			s++;
		}
		if (*s != '\'')
			return -1;
		s++;
	} else {
		while (*s && !isspace((unsigned char)*s)) {
			if (*s == '\\' && s[1])
				s++;
			s++;
		}
	}
	kv->value_len = (size_t)(s - kv->value);
	kv->end = s;
	return 1;
}

static bool kv_is(const struct kv *kv, const char *key)
{
	return kv->key_len == strlen(key) && !strncmp(kv->key, key, kv->key_len);
}

static void mask_kv(gm_buf *out, const char *s)
{
	struct kv kv;
	int rc;

	while ((rc = next_kv(&kv, s)) > 0) {
		gm_buf_put(out, s, (size_t)(kv.value - s));
		if (kv_is(&kv, "password"))
			gm_buf_puts(out, "***");
		else
			gm_buf_put(out, kv.value, kv.value_len);
		s = kv.end;
	}
	if (rc < 0 && strstr(s, "password"))
		gm_buf_puts(out, " ***"); /* unparsable rest that may hold a password */
	else
		gm_buf_puts(out, s);
}

static bool looks_kv(const char *s)
{
	struct kv kv;
	return !scheme_len(s) && next_kv(&kv, s) > 0;
}

void gm_url_mask(gm_buf *out, const char *s)
{
	gm_buf_clear(out);
	if (!s)
		return;
	if (is_uri(s))
		mask_uri(out, s);
	else if (strchr(s, '='))
		mask_kv(out, s);
	else
		gm_buf_puts(out, s);
}

/* ---- parsing -------------------------------------------------------------- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Append s[0..n) percent-decoded. */
static void put_decoded(gm_buf *out, const char *s, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		int hi, lo;
		if (s[i] == '%' && i + 2 < n && (hi = hexval(s[i + 1])) >= 0 &&
		    (lo = hexval(s[i + 2])) >= 0) {
			gm_buf_putc(out, (char)(hi * 16 + lo));
			i += 2;
		} else {
			gm_buf_putc(out, s[i]);
		}
	}
}

static int bad_sqlite(const gm_url *u)
{
	gm_error_set(GM_EINVALID, "invalid sqlite URL '%s'", u->masked);
	gm_error_hint("use sqlite:///relative/path.db, sqlite:////absolute/path.db or "
		      "sqlite://:memory:");
	return GM_EINVALID;
}

static int parse_sqlite(gm_url *u, const char *s, const char *base_dir)
{
	const char *rest = s + strlen("sqlite:");
	gm_buf b = GM_BUF_INIT;

	if (strncmp(rest, "//", 2))
		return bad_sqlite(u);
	rest += 2;
	if (!*rest || !strcmp(rest, ":memory:") || !strcmp(rest, "/:memory:")) {
		u->path = gm_xstrdup(":memory:");
		return 0;
	}
	if (*rest != '/')
		return bad_sqlite(u); /* sqlite://host/... */
	rest++;
	if (!*rest || rest[strlen(rest) - 1] == '/')
		return bad_sqlite(u);
	if (*rest != '/') {
		if (base_dir) {
			gm_buf_puts(&b, base_dir);
		} else {
			char *cwd = getcwd(NULL, 0);
			gm_buf_puts(&b, cwd ? cwd : ".");
			free(cwd);
		}
		if (b.len > 1 && b.ptr[b.len - 1] == '/')
			gm_buf_truncate(&b, b.len - 1);
		if (!(b.len == 1 && b.ptr[0] == '/'))
			gm_buf_putc(&b, '/');
	}
	put_decoded(&b, rest, strlen(rest));
	u->path = gm_buf_detach(&b);
	return 0;
}

static void pg_uri_dbname(gm_url *u, const char *s)
{
	const char *auth = strstr(s, "://") + 3;
	const char *p = auth + strcspn(auth, "/?#"), *q;
	gm_buf b = GM_BUF_INIT;
	size_t n;

	if (*p == '/') {
		p++;
		n = strcspn(p, "?#");
		if (n) {
			put_decoded(&b, p, n);
			u->dbname = gm_buf_detach(&b);
		}
	}
	if ((q = strchr(s, '?'))) {
		for (q++; *q && *q != '#'; q += n + (q[n] == '&')) {
			n = strcspn(q, "&#");
			if (n > 7 && !strncmp(q, "dbname=", 7)) {
				free(u->dbname);
				gm_buf_clear(&b);
				put_decoded(&b, q + 7, n - 7);
				u->dbname = gm_buf_detach(&b);
			}
			if (!q[n])
				break;
		}
	}
	gm_buf_release(&b);
}

/* Unquote a conninfo value (single quotes, backslash escapes). */
static char *kv_value(const struct kv *kv)
{
	gm_buf b = GM_BUF_INIT;
	const char *p = kv->value, *end = kv->value + kv->value_len;
	if (p < end && *p == '\'') {
		p++;
		end--;
	}
	for (; p < end; p++) {
		if (*p == '\\' && p + 1 < end)
			p++;
		gm_buf_putc(&b, *p);
	}
	return gm_buf_detach(&b);
}

static int parse_kv(gm_url *u, const char *s)
{
	struct kv kv;
	int rc;

	while ((rc = next_kv(&kv, s)) > 0) {
		if (kv_is(&kv, "dbname")) {
			free(u->dbname);
			u->dbname = kv_value(&kv);
		}
		s = kv.end;
	}
	if (rc < 0)
		return gm_error_set(GM_EINVALID, "invalid connection string '%s'", u->masked);
	return 0;
}

int gm_url_parse(gm_url **out, const char *s, const char *base_dir)
{
	gm_url *u;
	gm_buf b = GM_BUF_INIT;
	const char *scheme = NULL;
	size_t n;
	int error = 0;

	GM_ASSERT_ARG(out);
	*out = NULL;
	if (!s || !*s)
		return gm_error_set(GM_EINVALID, "empty database URL");
	u = gm_xcalloc(1, sizeof(*u));
	u->raw = gm_xstrdup(s);
	gm_url_mask(&b, s);
	u->masked = gm_buf_detach(&b);

	n = scheme_len(s);
	if (!strcmp(s, "sqlite")) {
		scheme = "sqlite"; /* a scratch server: temporary files, path NULL */
	} else if (n == 6 && !strncasecmp(s, "sqlite", 6)) {
		scheme = "sqlite";
		error = parse_sqlite(u, s, base_dir);
	} else if ((n == 8 && !strncasecmp(s, "postgres", 8)) ||
		   (n == 10 && !strncasecmp(s, "postgresql", 10))) {
		scheme = "postgres";
		if (!is_uri(s)) {
			error = gm_error_set(GM_EINVALID, "invalid database URL '%s'", u->masked);
			gm_error_hint("use postgres://user:password@host:port/dbname");
		} else {
			u->conninfo = gm_xstrdup(s);
			pg_uri_dbname(u, s);
		}
	} else if (n) {
		error = gm_error_set(GM_EINVALID, "unsupported database URL '%s'", u->masked);
		gm_error_hint("supported: sqlite:///file.db, postgres://..., or a libpq "
			      "\"key=value\" string");
	} else if (looks_kv(s)) {
		scheme = "postgres";
		u->conninfo = gm_xstrdup(s);
		error = parse_kv(u, s);
	} else {
		error = gm_error_set(GM_EINVALID, "invalid database URL '%s'", u->masked);
		gm_error_hint("for a SQLite file, write sqlite:///%s", u->masked);
	}
	if (error < 0)
		goto done;

	if (!(u->dialect = gm_dialect_for_scheme(scheme))) {
		error = gm_error_set(GM_EINVALID, "%s is not supported ('%s')", scheme, u->masked);
		goto done;
	}
	*out = u;
	u = NULL;
done:
	gm_url_free(u);
	return error;
}

void gm_url_free(gm_url *url)
{
	if (!url)
		return;
	free(url->raw);
	free(url->masked);
	free(url->path);
	free(url->conninfo);
	free(url->dbname);
	free(url);
}

/* ---- connections ------------------------------------------------------------ */

int gm_conn_open(gm_conn **out, const gm_url *url)
{
	GM_ASSERT_ARG(out && url && url->dialect);
	*out = NULL;
	return url->dialect->connect(out, url);
}

void gm_conn_free(gm_conn *conn)
{
	if (conn)
		conn->dialect->disconnect(conn);
}

/* ---- plans ------------------------------------------------------------------ */

void gm_plan_add(gm_plan *plan, const char *sql, unsigned flags, const char *subject,
		 const gm_change *source)
{
	gm_stmt st;
	GM_ASSERT_ARG(plan && sql);
	st.sql = gm_xstrdup(sql);
	st.flags = flags;
	st.subject = gm_xstrdup(subject);
	st.source = source;
	GM_PUSH(plan->v, plan->nr, plan->alloc, st);
}

void gm_plan_release(gm_plan *plan)
{
	size_t i;
	if (!plan)
		return;
	for (i = 0; i < plan->nr; i++) {
		free(plan->v[i].sql);
		free(plan->v[i].subject);
	}
	free(plan->v);
	plan->v = NULL;
	plan->nr = plan->alloc = 0;
}

void gm_plan_render(gm_buf *out, const gm_plan *plan)
{
	size_t i;
	for (i = 0; i < plan->nr; i++) {
		const gm_stmt *st = &plan->v[i];
		size_t n = strlen(st->sql);
		gm_buf_puts(out, st->sql);
		if (n && st->sql[n - 1] != '\n')
			gm_buf_putc(out, '\n');
		if (st->flags & GM_STMT_COMMIT_AFTER)
			gm_buf_puts(out, "-- +migrate commit\n");
		gm_buf_putc(out, '\n');
	}
}

/* ---- applying a section ----------------------------------------------------- */

/* A copy of the last error, so a rollback after a failure cannot replace it. */
struct saved_error {
	int code, line, col;
	char *message, *path, *hint, *detail;
};

static void error_save(struct saved_error *s)
{
	const gm_error *e = gm_error_last();
	s->code = e->code;
	s->line = e->line;
	s->col = e->col;
	s->message = gm_xstrdup(e->message);
	s->path = gm_xstrdup(e->path);
	s->hint = gm_xstrdup(e->hint);
	s->detail = gm_xstrdup(e->detail);
}

static int error_restore(struct saved_error *s)
{
	if (s->path)
		gm_error_set_at(s->code, s->path, s->line, s->col, "%s", s->message);
	else
		gm_error_set(s->code, "%s", s->message);
	if (s->hint)
		gm_error_hint("%s", s->hint);
	if (s->detail)
		gm_error_detail("%s", s->detail);
	free(s->message);
	free(s->path);
	free(s->hint);
	free(s->detail);
	return s->code < 0 ? s->code : GM_EDB;
}

/* Roll back after `error`, keeping its message. */
static int rollback_keep(gm_conn *conn, int error)
{
	struct saved_error s;
	error_save(&s);
	if (s.code >= 0)
		s.code = error;
	conn->dialect->rollback(conn);
	return error_restore(&s);
}

static bool blank(const char *sql)
{
	while (*sql && isspace((unsigned char)*sql))
		sql++;
	return !*sql;
}

int gm_db_apply_section(gm_conn *conn, const struct gm_section *sec, bool transaction,
			const char *origin)
{
	const gm_dialect *d;
	size_t i;
	int error = 0;

	GM_ASSERT_ARG(conn && sec);
	d = conn->dialect;
	if (!sec->present)
		return 0;
	for (i = 0; i < sec->parts_nr; i++) {
		const gm_sql_part *part = &sec->parts[i];

		if (!part->sql || blank(part->sql))
			continue;
		if (transaction && (error = d->begin(conn)) < 0) {
			gm_error_locate(origin, part->line, 0);
			return error;
		}
		/* exec names origin:line itself */
		if ((error = d->exec(conn, part->sql, origin, part->line)) < 0)
			return transaction ? rollback_keep(conn, error) : error;
		if (transaction && (error = d->commit(conn)) < 0) {
			gm_error_locate(origin, 0, 0);
			return rollback_keep(conn, error);
		}
	}
	return 0;
}

bool gm_db_section_groupable(const struct gm_section *sec, bool transaction)
{
	size_t i, parts = 0;

	if (!transaction)
		return false;
	for (i = 0; i < sec->parts_nr; i++)
		if (sec->parts[i].sql && !blank(sec->parts[i].sql))
			parts++;
	return parts <= 1;
}

int gm_db_apply_group(gm_conn *conn, const struct gm_section *const *secs,
		      const char *const *origins, size_t nr, size_t *failed)
{
	const gm_dialect *d = conn->dialect;
	size_t i;
	int error;

	*failed = 0;
	if ((error = d->begin(conn)) < 0)
		return error;
	for (i = 0; i < nr; i++) {
		*failed = i;
		if ((error = gm_interrupt_check()) < 0 ||
		    (error = gm_db_apply_section(conn, secs[i], false, origins[i])) < 0)
			return rollback_keep(conn, error);
	}
	*failed = nr;
	if ((error = d->commit(conn)) < 0)
		return rollback_keep(conn, error);
	return 0;
}
