/* Column types: the canonical spelling of a declared type (schema.h's contract). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/schema.h"
#include "git-migrate/vec.h"
#include "type.h"
#include "util/banned.h"

/*
 * Synonyms, keyed by the declared base name (words lowercased, joined by one space,
 * the modifier "(...)" left out), as PostgreSQL's catalog (format_type, pg_type names)
 * and SQLite's declared types spell them.
 *
 * bytea stays "bytea": it is PostgreSQL's native name, passed through like any other
 * native type. "blob" is the portable name; the PostgreSQL dialect maps blob to bytea
 * (planner) and reads bytea back as it needs (normalize/inspect). Keeping the two apart
 * here means a models file that says `bytea` on purpose is not silently rewritten.
 *
 * "char"/"character" without a length is char(1), as in PostgreSQL, and numeric(p) is
 * numeric(p,0): that is what the catalog reports back for them. "varchar" without a
 * length stays "varchar" (unlimited). "float" without a precision is double precision.
 *
 * Case: SQL type names are case-insensitive unless quoted, so unquoted text is lowercased
 * ("DealCurrency" → "dealcurrency") and a double-quoted part keeps its case, quotes removed
 * ("\"DealCurrency\"" → "DealCurrency"). The models loader maps a lowercased type back to
 * the exact name of the enum it names (gm_models_resolve), so enum columns always carry the
 * enum's declared name.
 */
/* clang-format off */
static const struct synonym {
	const char *name;
	const char *canonical;
} synonyms[] = {
	{ "integer", "integer" },
	{ "int", "integer" },
	{ "int4", "integer" },
	{ "bigint", "bigint" },
	{ "int8", "bigint" },
	{ "smallint", "smallint" },
	{ "int2", "smallint" },
	{ "serial", "serial" },
	{ "serial4", "serial" },
	{ "bigserial", "bigserial" },
	{ "serial8", "bigserial" },
	{ "smallserial", "smallserial" },
	{ "serial2", "smallserial" },
	{ "boolean", "boolean" },
	{ "bool", "boolean" },
	{ "text", "text" },
	{ "varchar", "varchar" },
	{ "character varying", "varchar" },
	{ "char", "char" },
	{ "character", "char" },
	{ "bpchar", "char" },
	{ "numeric", "numeric" },
	{ "decimal", "numeric" },
	{ "real", "real" },
	{ "float4", "real" },
	{ "double", "double" },
	{ "double precision", "double" },
	{ "float8", "double" },
	{ "float", "double" },
	{ "date", "date" },
	{ "time", "time" },
	{ "time without time zone", "time" },
	{ "timetz", "timetz" },
	{ "time with time zone", "timetz" },
	{ "timestamp", "timestamp" },
	{ "timestamp without time zone", "timestamp" },
	{ "timestamptz", "timestamptz" },
	{ "timestamp with time zone", "timestamptz" },
	{ "json", "json" },
	{ "jsonb", "jsonb" },
	{ "uuid", "uuid" },
	{ "blob", "blob" },
	{ NULL, NULL }
};
/* clang-format on */

/* Native types of PostgreSQL and SQLite that pass through verbatim as bare words. */
static const char *const native_types[] = {
	"smallserial", "timetz", "bytea", "inet", "cidr", "macaddr", "macaddr8", "interval",
	"money", "xml", "tsvector", "tsquery", "citext", "hstore", "ltree", "int4range",
	"int8range", "numrange", "tsrange", "tstzrange", "daterange", "int4multirange",
	"int8multirange", "nummultirange", "tsmultirange", "tstzmultirange", "datemultirange",
	"point", "line", "lseg", "box", "path", "polygon", "circle", "bit", "varbit", "oid",
	"regclass", "regtype", "name", "pg_lsn", "txid_snapshot", "pg_snapshot", "jsonpath",
	"geometry", "geography",
	/* SQLite declared types seen in the wild */
	"datetime", "clob", "tinyint", "mediumint", "nvarchar", "nchar", "int2", NULL
};

static const char *lookup_synonym(const char *name)
{
	const struct synonym *s;
	for (s = synonyms; s->name; s++)
		if (!strcmp(s->name, name))
			return s->canonical;
	return NULL;
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* One token of a declared type: a word, a "(...)" modifier or an "[...]" array marker. */
enum tok_kind {
	TOK_WORD,
	TOK_MOD,
	TOK_ARRAY
};

struct tok {
	enum tok_kind kind;
	char *text;  /* word: lowercased unless quoted (quotes removed); mod: "(12,2)" */
	bool quoted; /* word contained a double-quoted part */
};

struct toks {
	struct tok *v;
	size_t nr, alloc;
};

static void push_tok(struct toks *t, enum tok_kind kind, gm_buf *text, bool quoted)
{
	struct tok tk;
	tk.kind = kind;
	tk.text = gm_buf_detach(text);
	tk.quoted = quoted;
	GM_PUSH(t->v, t->nr, t->alloc, tk);
}

/*
 * Split a declared type into tokens. Outside double quotes text is lowercased and
 * whitespace separates words; inside "(...)" and "[...]" whitespace is dropped.
 */
static void tokenize(struct toks *out, const char *s)
{
	gm_buf word = GM_BUF_INIT;
	bool quoted = false;

	while (*s) {
		if (is_space(*s)) {
			if (word.len)
				push_tok(out, TOK_WORD, &word, quoted);
			quoted = false;
			s++;
		} else if (*s == '"') {
			s++;
			while (*s) {
				if (*s == '"' && s[1] == '"') {
					gm_buf_putc(&word, '"');
					s += 2;
				} else if (*s == '"') {
					s++;
					break;
				} else {
					gm_buf_putc(&word, *s++);
				}
			}
			quoted = true;
		} else if (*s == '(' || *s == '[') {
			char close = *s == '(' ? ')' : ']';
			enum tok_kind kind = *s == '(' ? TOK_MOD : TOK_ARRAY;
			gm_buf mod = GM_BUF_INIT;
			int depth = 0;

			if (word.len)
				push_tok(out, TOK_WORD, &word, quoted);
			quoted = false;
			for (; *s; s++) {
				if (is_space(*s))
					continue;
				gm_buf_putc(&mod, lower(*s));
				if (*s == '(' || *s == '[')
					depth++;
				else if ((*s == ')' || *s == ']') && --depth == 0 && *s == close) {
					s++;
					break;
				}
			}
			push_tok(out, kind, &mod, false);
		} else {
			gm_buf_putc(&word, lower(*s));
			s++;
		}
	}
	if (word.len)
		push_tok(out, TOK_WORD, &word, quoted);
	gm_buf_release(&word);
}

static void free_toks(struct toks *t)
{
	size_t i;
	for (i = 0; i < t->nr; i++)
		free(t->v[i].text);
	free(t->v);
}

/* "(12)" → 12 digits count check: true when mod is "(<digits>)". */
static bool single_number(const char *mod, long *n)
{
	char *end;
	if (mod[0] != '(' || mod[1] < '0' || mod[1] > '9')
		return false;
	*n = strtol(mod + 1, &end, 10);
	return !strcmp(end, ")");
}

/* Write the canonical base name plus its modifier (mod may be NULL). */
static void put_mapped(gm_buf *out, const char *canonical, const char *mod)
{
	long n;

	if (!strcmp(canonical, "double") && mod) {
		/* float(p): PostgreSQL's rule, p <= 24 is real */
		if (single_number(mod, &n) && n <= 24)
			gm_buf_puts(out, "real");
		else
			gm_buf_puts(out, "double");
		return;
	}
	gm_buf_puts(out, canonical);
	if (!strcmp(canonical, "numeric") && mod && single_number(mod, &n)) {
		gm_buf_printf(out, "(%ld,0)", n);
		return;
	}
	if (!strcmp(canonical, "char") && !mod) {
		gm_buf_puts(out, "(1)");
		return;
	}
	if (mod)
		gm_buf_puts(out, mod);
}

void gm_type_canonical(gm_buf *out, const char *type)
{
	struct toks t = { NULL, 0, 0 };
	gm_buf key = GM_BUF_INIT;
	const char *mod = NULL, *canonical = NULL;
	size_t i, nwords = 0, nmods = 0, end;
	bool array = false, quoted = false;

	gm_buf_clear(out);
	tokenize(&t, type ? type : "");

	/* trailing array markers: "[]", "[3]", or the SQL-standard "ARRAY" / "ARRAY[3]" */
	end = t.nr;
	while (end > 0 && t.v[end - 1].kind == TOK_ARRAY) {
		array = true;
		end--;
	}
	if (end > 1 && t.v[end - 1].kind == TOK_WORD && !t.v[end - 1].quoted &&
	    !strcmp(t.v[end - 1].text, "array")) {
		array = true;
		end--;
	}

	for (i = 0; i < end; i++) {
		if (t.v[i].kind == TOK_WORD) {
			if (key.len)
				gm_buf_putc(&key, ' ');
			gm_buf_puts(&key, t.v[i].text);
			nwords++;
			quoted |= t.v[i].quoted;
		} else if (t.v[i].kind == TOK_MOD) {
			mod = t.v[i].text;
			nmods++;
		} else {
			nmods += 2; /* an array marker in the middle: not a known shape */
		}
	}

	if (!quoted && nmods <= 1 && nwords > 0)
		canonical = lookup_synonym(key.ptr);
	/* PostgreSQL's internal array type names: "_int4" → "integer[]" */
	if (!canonical && !quoted && !array && nwords == 1 && nmods == 0 && key.ptr[0] == '_' &&
	    (canonical = lookup_synonym(key.ptr + 1)) != NULL)
		array = true;

	if (canonical) {
		put_mapped(out, canonical, mod);
	} else {
		/* unknown: as declared, lowercased, one space between words, no space before "(" */
		for (i = 0; i < end; i++) {
			if (t.v[i].kind == TOK_WORD && i > 0)
				gm_buf_putc(out, ' ');
			gm_buf_puts(out, t.v[i].text);
		}
	}
	if (array)
		gm_buf_puts(out, "[]");

	gm_buf_release(&key);
	free_toks(&t);
}

bool gm_type_is_numeric(const char *canonical)
{
	static const char *const numeric[] = { "integer",   "bigint",      "smallint", "serial",
					       "bigserial", "smallserial", "numeric",  "real",
					       "double",    NULL };
	size_t n, i;

	if (!canonical)
		return false;
	n = strcspn(canonical, "(");
	if (canonical[n] && canonical[strlen(canonical) - 1] != ')')
		return false; /* "numeric(12,2)[]" is an array */
	for (i = 0; numeric[i]; i++)
		if (strlen(numeric[i]) == n && !strncmp(canonical, numeric[i], n))
			return true;
	return false;
}

/* Length of a canonical type without its "(...)" modifier and "[]" suffix. */
static size_t base_len(const char *type)
{
	return strcspn(type, "([");
}

static bool listed(const char *const *list, const char *s, size_t n)
{
	size_t i;
	for (i = 0; list[i]; i++)
		if (strlen(list[i]) == n && !strncmp(list[i], s, n))
			return true;
	return false;
}

bool gm_type_is_portable(const char *canonical)
{
	size_t n = base_len(canonical);
	const struct synonym *s;

	if (listed(native_types, canonical, n))
		return false;
	for (s = synonyms; s->name; s++)
		if (strlen(s->canonical) == n && !strncmp(s->canonical, canonical, n))
			return true;
	return false;
}

bool gm_type_is_builtin(const char *canonical)
{
	return gm_type_is_portable(canonical) ||
	       listed(native_types, canonical, base_len(canonical));
}

/* The serial types and the integer type each stores its values in. */
static const struct serial {
	const char *serial, *storage;
} serials[] = { { "serial", "integer" },
		{ "bigserial", "bigint" },
		{ "smallserial", "smallint" },
		{ NULL, NULL } };

const char *gm_type_serial_storage(const char *canonical)
{
	const struct serial *s;
	for (s = serials; canonical && s->serial; s++)
		if (!strcmp(canonical, s->serial))
			return s->storage;
	return NULL;
}

const char *gm_type_serial_of(const char *storage)
{
	const struct serial *s;
	for (s = serials; storage && s->serial; s++)
		if (!strcmp(storage, s->storage))
			return s->serial;
	return NULL;
}

bool gm_type_is_serial(const char *canonical)
{
	return gm_type_serial_storage(canonical) != NULL;
}
