/* libyaml wrapper: document → gm_yaml_node tree with 1-based line:col marks. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "yaml.h"
#include "util/banned.h"

/* All nodes of a document, so that aliases (shared nodes) are freed once. */
struct node_list {
	gm_yaml_node **v;
	size_t nr;
};

static bool utf8_valid(const unsigned char *s, size_t len, size_t *bad)
{
	size_t i = 0;
	while (i < len) {
		unsigned char c = s[i];
		size_t n;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0 && c >= 0xc2) {
			n = 1;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2;
		} else if ((c & 0xf8) == 0xf0 && c <= 0xf4) {
			n = 3;
		} else {
			*bad = i;
			return false;
		}
		for (size_t k = 1; k <= n; k++) {
			if (i + k >= len || (s[i + k] & 0xc0) != 0x80) {
				*bad = i;
				return false;
			}
		}
		i += n + 1;
	}
	return true;
}

static void offset_to_mark(const char *data, size_t off, int *line, int *col)
{
	size_t i;
	*line = 1;
	*col = 1;
	for (i = 0; i < off; i++) {
		if (data[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

static gm_yaml_node *convert(yaml_document_t *doc, int id, gm_yaml_node **memo,
			     struct node_list *all)
{
	yaml_node_t *n = yaml_document_get_node(doc, id);
	gm_yaml_node *out;

	if (!n)
		return NULL;
	if (memo[id])
		return memo[id];
	out = gm_xcalloc(1, sizeof(*out));
	memo[id] = out;
	all->v[all->nr++] = out;
	out->line = (int)n->start_mark.line + 1;
	out->col = (int)n->start_mark.column + 1;
	switch (n->type) {
	case YAML_SCALAR_NODE:
		out->kind = GM_YAML_SCALAR;
		out->value = gm_xstrndup((const char *)n->data.scalar.value,
					 n->data.scalar.length);
		out->plain = n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		break;
	case YAML_SEQUENCE_NODE: {
		yaml_node_item_t *it;
		size_t k = 0;
		out->kind = GM_YAML_SEQ;
		out->nr = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
		out->items = gm_xcalloc(out->nr ? out->nr : 1, sizeof(*out->items));
		for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++)
			out->items[k++] = convert(doc, *it, memo, all);
		break;
	}
	case YAML_MAPPING_NODE: {
		yaml_node_pair_t *p;
		size_t k = 0;
		out->kind = GM_YAML_MAP;
		out->nr = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
		out->items = gm_xcalloc(out->nr ? 2 * out->nr : 1, sizeof(*out->items));
		for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
			out->items[k++] = convert(doc, p->key, memo, all);
			out->items[k++] = convert(doc, p->value, memo, all);
		}
		break;
	}
	default:
		out->kind = GM_YAML_SCALAR;
		out->value = gm_xstrdup("");
		out->plain = true;
		break;
	}
	return out;
}

struct gm_yaml_doc_priv {
	gm_yaml_doc pub;
	struct node_list all;
};

int gm_yaml_load(gm_yaml_doc **out, const char *path, const char *data, size_t len)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	struct gm_yaml_doc_priv *d = NULL;
	gm_yaml_node **memo = NULL;
	size_t bad, count;
	int error = 0;

	*out = NULL;
	if (!utf8_valid((const unsigned char *)data, len, &bad)) {
		int line, col;
		offset_to_mark(data, bad, &line, &col);
		return gm_error_set_at(GM_EINVALID, path, line, col,
				       "not valid UTF-8 (byte 0x%02x)",
				       (unsigned char)data[bad]);
	}
	if (memchr(data, '\0', len)) {
		int line, col;
		offset_to_mark(data, (size_t)((const char *)memchr(data, '\0', len) - data),
			       &line, &col);
		return gm_error_set_at(GM_EINVALID, path, line, col,
				       "binary content (NUL byte)");
	}
	if (!yaml_parser_initialize(&parser))
		return gm_error_set(GM_ERROR, "cannot initialize the YAML parser");
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	if (!yaml_parser_load(&parser, &doc)) {
		yaml_mark_t m = parser.problem_mark;
		if (parser.context)
			error = gm_error_set_at(GM_EINVALID, path, (int)m.line + 1,
						(int)m.column + 1, "%s %s", parser.context,
						parser.problem ? parser.problem : "syntax error");
		else
			error = gm_error_set_at(GM_EINVALID, path, (int)m.line + 1,
						(int)m.column + 1, "%s",
						parser.problem ? parser.problem : "syntax error");
		yaml_parser_delete(&parser);
		return error;
	}
	d = gm_xcalloc(1, sizeof(*d));
	d->pub.path = gm_xstrdup(path);
	count = (size_t)(doc.nodes.top - doc.nodes.start);
	d->all.v = gm_xcalloc(count + 1, sizeof(*d->all.v));
	memo = gm_xcalloc(count + 2, sizeof(*memo));
	if (count)
		d->pub.root = convert(&doc, 1, memo, &d->all);
	free(memo);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	*out = &d->pub;
	return 0;
}

void gm_yaml_free(gm_yaml_doc *doc)
{
	struct gm_yaml_doc_priv *d = (struct gm_yaml_doc_priv *)doc;
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->all.nr; i++) {
		free(d->all.v[i]->value);
		free(d->all.v[i]->items);
		free(d->all.v[i]);
	}
	free(d->all.v);
	free(d->pub.path);
	free(d);
}

const gm_yaml_node *gm_yaml_get(const gm_yaml_node *map, const char *key)
{
	size_t i;
	if (!map || map->kind != GM_YAML_MAP)
		return NULL;
	for (i = 0; i < map->nr; i++) {
		const gm_yaml_node *k = map->items[2 * i];
		if (k && k->kind == GM_YAML_SCALAR && !strcmp(k->value, key))
			return map->items[2 * i + 1];
	}
	return NULL;
}

const gm_yaml_node *gm_yaml_key(const gm_yaml_node *map, size_t i)
{
	return map->items[2 * i];
}

const gm_yaml_node *gm_yaml_value(const gm_yaml_node *map, size_t i)
{
	return map->items[2 * i + 1];
}

bool gm_yaml_is_null(const gm_yaml_node *n)
{
	if (!n)
		return true;
	if (n->kind != GM_YAML_SCALAR || !n->plain)
		return false;
	return !*n->value || !strcmp(n->value, "~") || !strcmp(n->value, "null") ||
	       !strcmp(n->value, "Null") || !strcmp(n->value, "NULL");
}

int gm_yaml_bool(const gm_yaml_node *n)
{
	static const char *const yes[] = { "true", "yes", "on", NULL };
	static const char *const no[] = { "false", "no", "off", NULL };
	size_t i;

	if (!n || n->kind != GM_YAML_SCALAR || !n->plain)
		return -1;
	for (i = 0; yes[i]; i++)
		if (!strcasecmp(n->value, yes[i]))
			return 1;
	for (i = 0; no[i]; i++)
		if (!strcasecmp(n->value, no[i]))
			return 0;
	return -1;
}

const char *gm_yaml_kind_name(const gm_yaml_node *n)
{
	if (!n)
		return "nothing";
	switch (n->kind) {
	case GM_YAML_SEQ:
		return "a list";
	case GM_YAML_MAP:
		return "a mapping";
	default:
		return "a scalar";
	}
}

int gm_yaml_error(const gm_yaml_doc *doc, const gm_yaml_node *n, const char *fmt, ...)
{
	va_list ap;
	gm_buf b = GM_BUF_INIT;

	va_start(ap, fmt);
	gm_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	gm_error_set_at(GM_EINVALID, doc->path, n ? n->line : 0, n ? n->col : 0, "%s",
			b.ptr);
	gm_buf_release(&b);
	return GM_EINVALID;
}

/* ---- streaming events ---- */

struct gm_yaml_stream {
	yaml_parser_t parser;
	yaml_event_t event;
	bool have_event;      /* event must be deleted before the next parse */
	bool done;
	int read_error;       /* the read callback failed: its error is already set */
	char *path;
	gm_yaml_read_fn read;
	void *payload;
};

static int stream_read_handler(void *data, unsigned char *buffer, size_t size,
			       size_t *size_read)
{
	gm_yaml_stream *s = data;
	int error = s->read(s->payload, (char *)buffer, size, size_read);
	if (error < 0) {
		s->read_error = error;
		*size_read = 0;
		return 0;
	}
	return 1;
}

int gm_yaml_stream_open(gm_yaml_stream **out, const char *path, gm_yaml_read_fn read,
			void *payload)
{
	gm_yaml_stream *s;

	*out = NULL;
	s = gm_xcalloc(1, sizeof(*s));
	if (!yaml_parser_initialize(&s->parser)) {
		free(s);
		return gm_error_set(GM_ERROR, "cannot initialize the YAML parser");
	}
	s->path = gm_xstrdup(path);
	s->read = read;
	s->payload = payload;
	yaml_parser_set_input(&s->parser, stream_read_handler, s);
	*out = s;
	return 0;
}

static int stream_fail(gm_yaml_stream *s)
{
	yaml_mark_t m = s->parser.problem_mark;
	const char *problem = s->parser.problem ? s->parser.problem : "syntax error";

	s->done = true;
	if (s->read_error)
		return s->read_error;
	if (s->parser.context)
		return gm_error_set_at(GM_EINVALID, s->path, (int)m.line + 1, (int)m.column + 1,
				       "%s %s", s->parser.context, problem);
	return gm_error_set_at(GM_EINVALID, s->path, (int)m.line + 1, (int)m.column + 1, "%s",
			       problem);
}

int gm_yaml_stream_next(gm_yaml_stream *s, gm_yaml_event *ev)
{
	yaml_event_t *e = &s->event;

	memset(ev, 0, sizeof(*ev));
	ev->type = GM_YAML_EV_END;
	for (;;) {
		if (s->have_event) {
			yaml_event_delete(e);
			s->have_event = false;
		}
		if (s->done)
			return 0;
		if (!yaml_parser_parse(&s->parser, e))
			return stream_fail(s);
		s->have_event = true;
		ev->line = (int)e->start_mark.line + 1;
		ev->col = (int)e->start_mark.column + 1;
		switch (e->type) {
		case YAML_SCALAR_EVENT:
			ev->type = GM_YAML_EV_SCALAR;
			ev->value = (const char *)e->data.scalar.value;
			ev->len = e->data.scalar.length;
			ev->plain = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
			return 0;
		case YAML_SEQUENCE_START_EVENT:
			ev->type = GM_YAML_EV_SEQ_START;
			return 0;
		case YAML_SEQUENCE_END_EVENT:
			ev->type = GM_YAML_EV_SEQ_END;
			return 0;
		case YAML_MAPPING_START_EVENT:
			ev->type = GM_YAML_EV_MAP_START;
			return 0;
		case YAML_MAPPING_END_EVENT:
			ev->type = GM_YAML_EV_MAP_END;
			return 0;
		case YAML_ALIAS_EVENT:
			s->done = true;
			return gm_error_set_at(GM_EINVALID, s->path, ev->line, ev->col,
					       "alias '*%s' is not supported here",
					       (const char *)e->data.alias.anchor);
		case YAML_DOCUMENT_END_EVENT:
		case YAML_STREAM_END_EVENT:
			s->done = true;
			ev->type = GM_YAML_EV_END;
			return 0;
		default: /* stream start, document start, no event */
			continue;
		}
	}
}

bool gm_yaml_event_is_null(const gm_yaml_event *ev)
{
	if (ev->type != GM_YAML_EV_SCALAR || !ev->plain)
		return false;
	return !*ev->value || !strcmp(ev->value, "~") || !strcmp(ev->value, "null") ||
	       !strcmp(ev->value, "Null") || !strcmp(ev->value, "NULL");
}

void gm_yaml_stream_free(gm_yaml_stream *s)
{
	if (!s)
		return;
	if (s->have_event)
		yaml_event_delete(&s->event);
	yaml_parser_delete(&s->parser);
	free(s->path);
	free(s);
}
