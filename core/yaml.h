/* The only user of libyaml: parse a YAML document into a small tree with 1-based marks. */
#ifndef GM_CORE_YAML_H
#define GM_CORE_YAML_H
#include <stdbool.h>
#include <stddef.h>

typedef enum {
	GM_YAML_SCALAR,
	GM_YAML_SEQ,
	GM_YAML_MAP
} gm_yaml_kind;

typedef struct gm_yaml_node {
	gm_yaml_kind kind;
	char *value; /* scalar text ("" for an empty scalar); NULL for SEQ/MAP */
	bool plain;  /* scalar written without quotes (so `~`, `null`, `true` are special) */
	struct gm_yaml_node **items; /* SEQ: the items; MAP: key0, value0, key1, value1, ... */
	size_t nr;                   /* SEQ: items; MAP: pairs (items holds 2*nr) */
	int line, col;               /* 1-based */
} gm_yaml_node;

typedef struct gm_yaml_doc {
	gm_yaml_node *root; /* NULL for an empty document */
	char *path;
} gm_yaml_doc;

/* Sequences and mappings nest at most this deep (the root collection is level 1). */
#define GM_YAML_MAX_DEPTH 64

/*
 * Parse `data`, which holds at most one document (a second one is GM_EINVALID at its
 * start). Errors are GM_EINVALID at path:line:col with libyaml's problem text; non-UTF-8
 * input, a NUL byte, a NUL in a scalar (a "\0" escape) and nesting deeper than
 * GM_YAML_MAX_DEPTH (also through an alias) are rejected the same way, the depth while
 * parsing, so time stays linear in the input. Aliases are resolved (shared nodes); an
 * alias must follow its anchored node's end, so there are no cycles, and aliases may not
 * make the tree stand for more than about 10 times the nodes written (walking it stays
 * linear too). Caller owns *out (gm_yaml_free).
 */
int gm_yaml_load(gm_yaml_doc **out, const char *path, const char *data, size_t len);
void gm_yaml_free(gm_yaml_doc *doc);

/* Map lookup by key (scalar keys); NULL when absent or node is not a map. Borrowed. */
const gm_yaml_node *gm_yaml_get(const gm_yaml_node *map, const char *key);
/* Pair i of a map. Borrowed. */
const gm_yaml_node *gm_yaml_key(const gm_yaml_node *map, size_t i);
const gm_yaml_node *gm_yaml_value(const gm_yaml_node *map, size_t i);
/* True for a plain scalar ~, null, Null, NULL or an empty plain scalar. */
bool gm_yaml_is_null(const gm_yaml_node *n);
/* Parse a plain boolean scalar (true/false/yes/no/on/off). -1 when not a boolean. */
int gm_yaml_bool(const gm_yaml_node *n);
/* "scalar", "sequence", "mapping" for messages. */
const char *gm_yaml_kind_name(const gm_yaml_node *n);

/*
 * Set a GM_EINVALID error at the node's place in doc->path. Returns GM_EINVALID.
 */
int gm_yaml_error(const gm_yaml_doc *doc, const gm_yaml_node *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Streaming: libyaml's event parser over a read callback, for inputs too large to hold
 * as a tree (fixtures). Memory stays flat: one event at a time.
 */
typedef enum {
	GM_YAML_EV_SCALAR,
	GM_YAML_EV_SEQ_START,
	GM_YAML_EV_SEQ_END,
	GM_YAML_EV_MAP_START,
	GM_YAML_EV_MAP_END,
	GM_YAML_EV_END, /* end of the (first) document: no more events */
} gm_yaml_event_type;

typedef struct gm_yaml_event {
	gm_yaml_event_type type;
	const char *value; /* SCALAR: the text (NUL-terminated, "" when empty); else NULL */
	size_t len;        /* SCALAR: length of value */
	bool plain;        /* SCALAR written without quotes (so `~`, `null` are special) */
	int line, col;     /* 1-based start mark */
} gm_yaml_event;

/*
 * Read callback: fill buf with up to size bytes, *got = 0 at the end of the input.
 * Returns 0, or < 0 with the error set (the stream then fails with that error).
 */
typedef int (*gm_yaml_read_fn)(void *payload, char *buf, size_t size, size_t *got);

typedef struct gm_yaml_stream gm_yaml_stream;

/* Open an event stream; `path` names the input in messages. Caller owns *out. */
int gm_yaml_stream_open(gm_yaml_stream **out, const char *path, gm_yaml_read_fn read,
			void *payload);
/*
 * The next event of the document into *ev (borrowed: valid until the next call).
 * Stream and document start/end events are skipped; an empty input yields END at once.
 * Errors are GM_EINVALID at path:line:col (libyaml's problem, which covers bad UTF-8 and
 * control characters); an alias (*name), a NUL in a scalar ("\0"), nesting deeper than
 * GM_YAML_MAX_DEPTH and a second document are refused the same way (anchors are
 * ignored). The second document is found when the first one's root ends: the call that
 * would return that scalar or collection end fails instead.
 */
int gm_yaml_stream_next(gm_yaml_stream *s, gm_yaml_event *ev);
/* True for a plain scalar event ~, null, Null, NULL or an empty plain scalar. */
bool gm_yaml_event_is_null(const gm_yaml_event *ev);
void gm_yaml_stream_free(gm_yaml_stream *s); /* NULL-safe */

#endif
