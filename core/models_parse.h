/* The YAML models parser's state and helpers, shared by models_yaml.c and models_column.c. */
#ifndef GM_CORE_MODELS_PARSE_H
#define GM_CORE_MODELS_PARSE_H
#include <stdbool.h>
#include <stddef.h>
#include "git-migrate/buf.h"
#include "git-migrate/schema.h"
#include "yaml.h"

/* One models file being parsed. */
struct gm_models_parse {
	const gm_yaml_doc *doc;
	gm_schema *into; /* what earlier files gave */
	gm_schema *part; /* this file's objects, merged into `into` on success */
};

/* "path:line:col" of node n, for an object's origin. Caller owns the string. */
char *gm_models_origin(const gm_yaml_doc *doc, const gm_yaml_node *n);

/*
 * Every key of `map` must be one of `allowed` (NULL-terminated; pairs skip_lo..skip_hi-1
 * excepted). `where` names the map for the message. GM_EINVALID (at the key, with a
 * "did you mean" hint when one is close) on the first unknown or non-scalar key.
 */
int gm_models_check_keys_skip(struct gm_models_parse *p, const gm_yaml_node *map,
			      const char *const *allowed, const char *where, size_t skip_lo,
			      size_t skip_hi);
int gm_models_check_keys(struct gm_models_parse *p, const gm_yaml_node *map,
			 const char *const *allowed, const char *where);

/* 0 when n is of `kind` (a scalar must not be null), else GM_EINVALID naming `what`. */
int gm_models_expect_kind(struct gm_models_parse *p, const gm_yaml_node *n, gm_yaml_kind kind,
			  const char *what);

/* A YAML boolean into *out; GM_EINVALID naming `what` for anything else. */
int gm_models_get_bool(struct gm_models_parse *p, const gm_yaml_node *n, const char *what,
		       bool *out);

/* The enum `name` of an earlier file or of this one, or NULL. Borrowed. */
gm_enum *gm_models_find_enum(struct gm_models_parse *p, const char *name);

/* b := s without leading and trailing whitespace. */
void gm_models_trim(gm_buf *b, const char *s);

/*
 * In a YAML flow mapping, `{type: numeric(12,2)}` splits at the comma; writes the value
 * of pair i rejoined with the null-valued keys after it into out and returns how many
 * following pairs that used (models_column.c says more).
 */
size_t gm_models_rejoin_parens(gm_buf *out, const gm_yaml_node *map, size_t i);

/* GM_EINVALID (at `at`) when another index of t has ix's name; else 0. */
int gm_models_add_unique_index(struct gm_models_parse *p, gm_table *t, const gm_yaml_node *at,
			       gm_index *ix);

/*
 * Parse column `key` of table t from val into t (its column, and the pk, unique index and
 * foreign key it declares). `shorthand` is the type text of a `name: type` column (NULL
 * for a map); *pk_inline is set when the column says primary_key. GM_EINVALID at the
 * offending node.
 */
/* models_column.c: the scalar `key` of map val, when given, into *field (copied; a value
 * there is replaced); else *field is left alone. Anything but a scalar is an error at it
 * ("'key' of <what> ..."), returned. */
int gm_models_get_string(struct gm_models_parse *p, const gm_yaml_node *val, const char *key,
			 const char *what, char **field);

/* models_column.c: on_delete / on_update (`key`) of map: the canonical action or NULL into
 * *out; a bad value is an error at it (returned). */
int gm_models_parse_action(struct gm_models_parse *p, const gm_yaml_node *map, const char *key,
			   const char *what, const char **out);

/* models_yaml.c: a list of column names (or one name) n into obj through add(); with t, each
 * must be a column of t. An error at the offending node names `what` (returned). */
int gm_models_parse_names(struct gm_models_parse *p, const gm_yaml_node *n, const char *what,
			  gm_table *t, void (*add)(void *obj, const char *name), void *obj);

/* models_fkey.c: a table's `foreign_keys:` list (node list) into t's foreign keys. */
int gm_models_parse_foreign_keys(struct gm_models_parse *p, gm_table *t, const gm_yaml_node *list);

/*
 * models_column.c: `deferrable: true | false | initially_deferred` (node n, NULL: not
 * given) into *deferrable and *initially. A bad value is an error at n (returned).
 */
int gm_models_parse_deferrable(struct gm_models_parse *p, const gm_yaml_node *n, const char *what,
			       bool *deferrable, bool *initially);

int gm_models_parse_column(struct gm_models_parse *p, gm_table *t, const gm_yaml_node *key,
			   const gm_yaml_node *val, const char *shorthand, bool *pk_inline);

#endif
