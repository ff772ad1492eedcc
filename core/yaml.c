/* libyaml wrapper: document → gm_yaml_node tree with 1-based line:col marks. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "git-migrate/vec.h"
#include "error_int.h"
#include "yaml.h"
#include "util/banned.h"

/* All nodes of a document, so that aliases (shared nodes) are freed once. */
struct node_list {
	gm_yaml_node **v;
	size_t nr, alloc;
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

/*
 * libyaml's error as GM_EINVALID at path:line:col. A reader error (bad encoding, a
 * control character) has no mark, only a byte offset: with the data at hand it is turned
 * into a line and column.
 */
static int parser_error(const yaml_parser_t *parser, const char *path, const char *data, size_t len)
{
	const char *problem = parser->problem ? parser->problem : "syntax error";
	int line = (int)parser->problem_mark.line + 1;
	int col = (int)parser->problem_mark.column + 1;

	if (parser->error == YAML_READER_ERROR && data && parser->problem_offset <= len)
		offset_to_mark(data, parser->problem_offset, &line, &col);
	if (parser->context)
		return gm_error_set_at(GM_EINVALID, path, line, col, "%s %s", parser->context,
				       problem);
	return gm_error_set_at(GM_EINVALID, path, line, col, "%s", problem);
}

static int too_deep(const char *path, const yaml_mark_t *m)
{
	return gm_error_set_at(GM_EINVALID, path, (int)m->line + 1, (int)m->column + 1,
			       "nesting deeper than %d levels", GM_YAML_MAX_DEPTH);
}

/* A scalar holding a NUL (a "\0" escape) would be cut short as a C string: refused. */
static int check_scalar(const char *path, const yaml_event_t *e)
{
	if (!memchr(e->data.scalar.value, '\0', e->data.scalar.length))
		return 0;
	return gm_error_set_at(GM_EINVALID, path, (int)e->start_mark.line + 1,
			       (int)e->start_mark.column + 1,
			       "NUL character in a string (\\0 is not allowed)");
}

static int second_document(const char *path, const yaml_mark_t *m)
{
	return gm_error_set_at(GM_EINVALID, path, (int)m->line + 1, (int)m->column + 1,
			       "more than one YAML document (only one is allowed)");
}

/*
 * Anchors of the document being composed: a hash table of names (open addressing over
 * indexes into v), so that many aliases stay linear. A node is registered when it is
 * complete, so an alias can never name one of its own ancestors (no cycles).
 */
struct anchor {
	char *name;
	gm_yaml_node *node;
	int height;  /* nesting levels inside the node (0 for a scalar) */
	size_t size; /* nodes in it, aliases counted as what they repeat */
};

struct anchors {
	struct anchor *v;
	size_t nr, alloc;
	size_t *slots; /* index + 1 into v; 0 is empty */
	size_t cap;    /* a power of two, or 0 */
};

static size_t hash_name(const char *s)
{
	size_t h = 2166136261u;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static size_t *anchor_slot(const struct anchors *a, const char *name)
{
	size_t i = hash_name(name) & (a->cap - 1);
	while (a->slots[i] && strcmp(a->v[a->slots[i] - 1].name, name))
		i = (i + 1) & (a->cap - 1);
	return &a->slots[i];
}

static const struct anchor *anchor_find(const struct anchors *a, const char *name)
{
	size_t *slot;
	if (!a->cap)
		return NULL;
	slot = anchor_slot(a, name);
	return *slot ? &a->v[*slot - 1] : NULL;
}

/* Register a complete node under `name` (taken over); false when it is already taken. */
static bool anchor_add(struct anchors *a, char *name, gm_yaml_node *node, int height, size_t size)
{
	size_t i;

	if (anchor_find(a, name)) {
		free(name);
		return false;
	}
	if (2 * (a->nr + 1) > a->cap) {
		free(a->slots);
		a->cap = a->cap ? 2 * a->cap : 16;
		a->slots = gm_xcalloc(a->cap, sizeof(*a->slots));
		for (i = 0; i < a->nr; i++)
			*anchor_slot(a, a->v[i].name) = i + 1;
	}
	GM_ALLOC_GROW(a->v, a->nr + 1, a->alloc);
	a->v[a->nr].name = name;
	a->v[a->nr].node = node;
	a->v[a->nr].height = height;
	a->v[a->nr].size = size;
	a->nr++;
	*anchor_slot(a, name) = a->nr;
	return true;
}

static void anchors_release(struct anchors *a)
{
	size_t i;
	for (i = 0; i < a->nr; i++)
		free(a->v[i].name);
	free(a->v);
	free(a->slots);
}

struct gm_yaml_doc_priv {
	gm_yaml_doc pub;
	struct node_list all;
};

/* An open sequence or mapping while its events arrive. */
struct frame {
	gm_yaml_node *node;
	size_t alloc; /* room in node->items */
	int height;   /* the tallest child so far (0: scalars only) */
	size_t size;  /* itself and its children so far, as struct anchor's */
	char *anchor; /* registered when the collection ends */
};

/*
 * Builds the tree from events, iteratively, at most GM_YAML_MAX_DEPTH levels deep.
 * Aliases share nodes, but whoever walks the tree walks a shared node once per alias: a
 * small file of aliases of aliases can stand for a huge document (a "YAML bomb"). So
 * the nodes the document stands for, `expanded`, may exceed the nodes written by at
 * most ALIAS_FACTOR times (after a first ALIAS_SLACK): work stays linear in the input.
 */
#define ALIAS_FACTOR 10
#define ALIAS_SLACK 100000

struct composer {
	struct gm_yaml_doc_priv *d;
	const char *path;
	struct frame stack[GM_YAML_MAX_DEPTH];
	int depth;       /* open collections */
	size_t expanded; /* nodes so far, each alias counted as what it repeats */
	struct anchors anchors;
};

static gm_yaml_node *new_node(struct composer *c, gm_yaml_kind kind, const yaml_event_t *e)
{
	gm_yaml_node *n = gm_xcalloc(1, sizeof(*n));
	n->kind = kind;
	n->line = (int)e->start_mark.line + 1;
	n->col = (int)e->start_mark.column + 1;
	GM_PUSH(c->d->all.v, c->d->all.nr, c->d->all.alloc, n);
	return n;
}

/*
 * Hang a node (new or aliased) under the open collection. Its height and size count for
 * that collection now, except a new collection's: they count when it ends.
 */
static void attach(struct composer *c, gm_yaml_node *n, int height, size_t size)
{
	struct frame *f;

	if (!c->depth) {
		c->d->pub.root = n;
		return;
	}
	f = &c->stack[c->depth - 1];
	GM_ALLOC_GROW(f->node->items, f->node->nr + 1, f->alloc);
	f->node->items[f->node->nr++] = n; /* a mapping's nr counts items until its end */
	if (height > f->height)
		f->height = height;
	f->size += size;
}

static int register_anchor(struct composer *c, const yaml_char_t *anchor, gm_yaml_node *n,
			   int height, size_t size, const yaml_mark_t *m)
{
	if (!anchor)
		return 0;
	if (anchor_add(&c->anchors, gm_xstrdup((const char *)anchor), n, height, size))
		return 0;
	return gm_error_set_at(GM_EINVALID, c->path, (int)m->line + 1, (int)m->column + 1,
			       "anchor '&%s' is defined twice", (const char *)anchor);
}

/* The end of a sequence or mapping: its frame's height and size go to its parent. */
static int compose_end(struct composer *c, const yaml_mark_t *m)
{
	struct frame done, *f;
	gm_yaml_node *n;
	int error;

	if (!c->depth)
		GM_BUG("collection end without a start");
	done = c->stack[--c->depth];
	n = done.node;
	if (n->kind == GM_YAML_MAP)
		n->nr /= 2; /* pairs */
	if (!n->items)
		n->items = gm_xcalloc(1, sizeof(*n->items));
	if (c->depth) {
		f = &c->stack[c->depth - 1];
		if (done.height + 1 > f->height)
			f->height = done.height + 1;
		f->size += done.size;
	}
	if (!done.anchor)
		return 0;
	error = register_anchor(c, (const yaml_char_t *)done.anchor, n, done.height + 1, done.size,
				m);
	free(done.anchor);
	return error;
}

/* An alias: the anchored node again, within the depth and expansion limits. */
static int compose_alias(struct composer *c, const yaml_event_t *e, const yaml_mark_t *m)
{
	const struct anchor *a = anchor_find(&c->anchors, (const char *)e->data.alias.anchor);

	if (!a)
		return gm_error_set_at(GM_EINVALID, c->path, (int)m->line + 1, (int)m->column + 1,
				       "undefined alias '*%s' (its anchor must come "
				       "before it, outside it)",
				       (const char *)e->data.alias.anchor);
	if (c->depth + a->height > GM_YAML_MAX_DEPTH)
		return too_deep(c->path, m);
	c->expanded += a->size;
	if (c->expanded > ALIAS_FACTOR * c->d->all.nr + ALIAS_SLACK)
		return gm_error_set_at(GM_EINVALID, c->path, (int)m->line + 1, (int)m->column + 1,
				       "aliases repeat too much: the document would be "
				       "more than %d times as large as written",
				       ALIAS_FACTOR);
	attach(c, a->node, a->height, a->size);
	return 0;
}

/* One event of the document's body. */
static int compose(struct composer *c, const yaml_event_t *e)
{
	const yaml_mark_t *m = &e->start_mark;
	gm_yaml_node *n;
	struct frame *f;
	int error;

	switch (e->type) {
	case YAML_SCALAR_EVENT:
		if ((error = check_scalar(c->path, e)) < 0)
			return error;
		n = new_node(c, GM_YAML_SCALAR, e);
		n->value = gm_xstrndup((const char *)e->data.scalar.value, e->data.scalar.length);
		n->plain = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		attach(c, n, 0, 1);
		c->expanded++;
		return register_anchor(c, e->data.scalar.anchor, n, 0, 1, m);
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (c->depth == GM_YAML_MAX_DEPTH)
			return too_deep(c->path, m);
		n = new_node(c, e->type == YAML_SEQUENCE_START_EVENT ? GM_YAML_SEQ : GM_YAML_MAP,
			     e);
		attach(c, n, 0, 0);
		c->expanded++;
		f = &c->stack[c->depth++];
		memset(f, 0, sizeof(*f));
		f->node = n;
		f->size = 1;
		if (e->type == YAML_SEQUENCE_START_EVENT && e->data.sequence_start.anchor)
			f->anchor = gm_xstrdup((const char *)e->data.sequence_start.anchor);
		if (e->type == YAML_MAPPING_START_EVENT && e->data.mapping_start.anchor)
			f->anchor = gm_xstrdup((const char *)e->data.mapping_start.anchor);
		return 0;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return compose_end(c, m);
	case YAML_ALIAS_EVENT:
		return compose_alias(c, e, m);
	default:
		GM_BUG("unexpected YAML event inside a document");
	}
}

int gm_yaml_load(gm_yaml_doc **out, const char *path, const char *data, size_t len)
{
	yaml_parser_t parser;
	yaml_event_t e;
	struct composer c;
	bool in_doc = false, seen_doc = false, end = false;
	size_t bad;
	int i, error = 0;

	*out = NULL;
	if (!utf8_valid((const unsigned char *)data, len, &bad)) {
		int line, col;
		offset_to_mark(data, bad, &line, &col);
		return gm_error_set_at(GM_EINVALID, path, line, col,
				       "not valid UTF-8 (byte 0x%02x)", (unsigned char)data[bad]);
	}
	if (memchr(data, '\0', len)) {
		int line, col;
		offset_to_mark(data, (size_t)((const char *)memchr(data, '\0', len) - data), &line,
			       &col);
		return gm_error_set_at(GM_EINVALID, path, line, col, "binary content (NUL byte)");
	}
	if (!yaml_parser_initialize(&parser))
		return gm_error_set(GM_ERROR, "cannot initialize the YAML parser");
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	memset(&c, 0, sizeof(c));
	c.path = path;
	c.d = gm_xcalloc(1, sizeof(*c.d));
	c.d->pub.path = gm_xstrdup(path);

	/*
	 * Events, not yaml_parser_load(): the depth is bounded while parsing, before libyaml
	 * holds a deep document (its scanner's cost per token grows with the flow depth, so
	 * an unbounded depth is quadratic time), and the tree is built without recursion.
	 */
	while (!end) {
		if (!yaml_parser_parse(&parser, &e)) {
			error = parser_error(&parser, path, data, len);
			break;
		}
		switch (e.type) {
		case YAML_STREAM_START_EVENT:
			break;
		case YAML_STREAM_END_EVENT:
			end = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (seen_doc)
				error = second_document(path, &e.start_mark);
			in_doc = seen_doc = true;
			break;
		case YAML_DOCUMENT_END_EVENT:
			in_doc = false;
			break;
		default:
			if (!in_doc)
				GM_BUG("YAML node outside a document");
			error = compose(&c, &e);
			break;
		}
		yaml_event_delete(&e);
		if (error < 0)
			break;
	}
	for (i = 0; i < c.depth; i++)
		free(c.stack[i].anchor);
	anchors_release(&c.anchors);
	yaml_parser_delete(&parser);
	if (error < 0) {
		gm_yaml_free(&c.d->pub);
		return error;
	}
	*out = &c.d->pub;
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
	gm_error_set_at(GM_EINVALID, doc->path, n ? n->line : 0, n ? n->col : 0, "%s", b.ptr);
	gm_buf_release(&b);
	return GM_EINVALID;
}

/* ---- streaming events ---- */

struct gm_yaml_stream {
	yaml_parser_t parser;
	yaml_event_t event;
	bool have_event; /* event must be deleted before the next parse */
	bool done;
	int depth;      /* open collections */
	int read_error; /* the read callback failed: its error is already set */
	char *path;
	gm_yaml_read_fn read;
	void *payload;
};

static int stream_read_handler(void *data, unsigned char *buffer, size_t size, size_t *size_read)
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

int gm_yaml_stream_open(gm_yaml_stream **out, const char *path, gm_yaml_read_fn read, void *payload)
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
	s->done = true;
	if (s->read_error)
		return s->read_error;
	return parser_error(&s->parser, s->path, NULL, 0);
}

/*
 * The document's root node is complete: what follows must be the end of the stream. A
 * second document is refused now, while the caller still reads the first one (so a
 * fixtures scan fails before anything is loaded). The next call then returns END.
 */
static int stream_check_rest(gm_yaml_stream *s)
{
	yaml_event_t e;
	yaml_event_type_t type;
	yaml_mark_t m;

	for (;;) {
		if (!yaml_parser_parse(&s->parser, &e))
			return stream_fail(s);
		type = e.type;
		m = e.start_mark;
		yaml_event_delete(&e);
		s->done = true;
		if (type == YAML_STREAM_END_EVENT)
			return 0;
		if (type == YAML_DOCUMENT_START_EVENT)
			return second_document(s->path, &m);
		if (type != YAML_DOCUMENT_END_EVENT)
			GM_BUG("a YAML node after the root");
	}
}

int gm_yaml_stream_next(gm_yaml_stream *s, gm_yaml_event *ev)
{
	yaml_event_t *e = &s->event;
	int error;

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
			if ((error = check_scalar(s->path, e)) < 0) {
				s->done = true;
				return error;
			}
			ev->type = GM_YAML_EV_SCALAR;
			ev->value = (const char *)e->data.scalar.value;
			ev->len = e->data.scalar.length;
			ev->plain = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (s->depth == GM_YAML_MAX_DEPTH) {
				s->done = true;
				return too_deep(s->path, &e->start_mark);
			}
			s->depth++;
			ev->type = e->type == YAML_SEQUENCE_START_EVENT ? GM_YAML_EV_SEQ_START
									: GM_YAML_EV_MAP_START;
			return 0;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			s->depth--;
			ev->type = e->type == YAML_SEQUENCE_END_EVENT ? GM_YAML_EV_SEQ_END
								      : GM_YAML_EV_MAP_END;
			break;
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
		/* A scalar or a collection's end: was it the whole root? */
		if (!s->depth && (error = stream_check_rest(s)) < 0) {
			memset(ev, 0, sizeof(*ev));
			ev->type = GM_YAML_EV_END;
			return error;
		}
		return 0;
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
