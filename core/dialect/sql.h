/* Shared SQL text helpers for the dialects (the only place SQL is written). */
#ifndef GM_DIALECT_SQL_H
#define GM_DIALECT_SQL_H
#include <stdbool.h>
#include "git-migrate/buf.h"
#include "git-migrate/schema.h"
#include "db_int.h"

/* Append an identifier, double-quoted when needed (not a plain lowercase [a-z_][a-z0-9_]*,
 * or a reserved word); embedded '"' doubled. */
void gm_sql_ident(gm_buf *out, const char *name);

/*
 * Append a model name of a table, enum or object ("billing.invoices", "\"a.b\"": see
 * schema.h's canonical forms, gm_name_split) as a qualified identifier: "billing"."Inv"
 * (each part quoted when needed), or one identifier when it names no schema. The
 * PostgreSQL planner writes every table, enum and object name through it; SQLite has no
 * schemas and writes names with gm_sql_ident.
 */
void gm_sql_qname(gm_buf *out, const char *name);

/* Append the name's own part, without its schema (ALTER ... RENAME TO takes no schema). */
void gm_sql_qname_local(gm_buf *out, const char *name);

/* Append identifier `name` qualified with the schema of model name `of` (an index or a
 * sequence of table `of`, which live in its schema). */
void gm_sql_qname_beside(gm_buf *out, const char *of, const char *name);

/* Append the name of a table of dialect d's models: gm_sql_qname on PostgreSQL, one
 * identifier (gm_sql_ident) on SQLite, which has no schemas. */
void gm_sql_table(gm_buf *out, const gm_dialect *d, const char *name);

/* Append an identifier, always double-quoted. */
void gm_sql_ident_quoted(gm_buf *out, const char *name);

/* Append a string literal in single quotes, embedded quotes doubled. */
void gm_sql_literal(gm_buf *out, const char *value);

/*
 * True when s is a number as the dialects read and write it in a default: an optional
 * sign, then SQL's numeric constant: digits with an optional fraction ("1", "1.", "1.5")
 * or a fraction alone (".5"), then an optional exponent ("1e5", "2.5E-3"). Nothing else:
 * no spaces, no hex, no "1_000", no "NaN". (SQL reads the sign as a unary operator; a
 * signed constant in a DEFAULT is the same value either way, so it counts as a number.)
 */
bool gm_sql_is_number(const char *s);

/*
 * Append a literal default value of a column of canonical type `type`: a number as it is
 * for a numeric type (gm_sql_is_number), true/false as they are for a boolean (upper case
 * when `upper_bool`: SQLite's spelling), anything else as a quoted string literal.
 */
void gm_sql_default_literal(gm_buf *out, const char *type, const char *value, bool upper_bool);

/* True when name is an SQL reserved word (case-insensitive) needing quotes. */
bool gm_sql_is_reserved(const char *name);

/* SQL text `expr` (NULL: false) calls `name` ("f(" with only spaces between: the name as a
 * whole identifier, bare or qualified; a string literal holding it counts too). */
bool gm_sql_calls(const char *expr, const char *name);

/*
 * The one SQL tokeniser. gm_sql_lex() returns the next token of the text: whitespace and
 * comments (both kinds) are skipped, lines counted (newlines inside tokens too). Kinds:
 *  - WORD: [A-Za-z_\x80-] then those, digits and '$' (keywords and plain names);
 *  - QUOTED: "name", `name` (a doubled quote escapes) or [name] (up to the first ']');
 *  - STRING: 'text' (doubled quote escapes; with GM_SQL_LEX_PG, E'...' after a word "E"
 *    also takes backslash escapes); the "E" itself is the WORD before it;
 *  - BLOB: x'hex' (the x is part of the token);
 *  - DOLLAR: $tag$...$tag$ (GM_SQL_LEX_PG only);
 *  - NUMBER: a digit or ".digit", then word characters and '.' ("1e+5" is one token);
 *  - PUNCT: any other single character. Without GM_SQL_LEX_PG a '$' starts a WORD
 *    (SQLite's "$name" parameter); with it, a '$' that opens no dollar quote is PUNCT;
 *  - END: the end of the text (len 0; returned again on every later call).
 * An unterminated quote, comment or dollar quote runs to the end of the text.
 */
enum gm_sql_tok_kind {
	GM_SQL_END,
	GM_SQL_WORD,
	GM_SQL_QUOTED,
	GM_SQL_STRING,
	GM_SQL_BLOB,
	GM_SQL_DOLLAR,
	GM_SQL_NUMBER,
	GM_SQL_PUNCT
};

enum gm_sql_lex_flags {
	GM_SQL_LEX_PG = (1 << 0) /* PostgreSQL: E'' backslash escapes, $tag$ quotes */
};

typedef struct {
	enum gm_sql_tok_kind kind;
	const char *s; /* into the text; borrowed */
	size_t len;
	int line; /* 1-based line of s */
} gm_sql_tok;

/* Lexer state: the text (borrowed), the position and its line; fields may be moved on. */
typedef struct {
	const char *sql, *p;
	int line;
	unsigned flags;
} gm_sql_lexer;

/* Start lexing sql (borrowed, NULL is empty) at line 1. */
void gm_sql_lexer_init(gm_sql_lexer *lx, const char *sql, unsigned flags);

/* Fill *out with the next token and move past it. */
void gm_sql_lex(gm_sql_lexer *lx, gm_sql_tok *out);

/* The number of '\n' in [from, to). */
int gm_sql_count_lines(const char *from, const char *to);

/* True when t is the WORD kw (ASCII case-insensitive). */
bool gm_sql_tok_is(const gm_sql_tok *t, const char *kw);

/*
 * Split SQL text into statements at top-level ';' (outside quotes, dollar quotes,
 * comments, BEGIN...END of triggers). Calls fn for each non-empty statement with its
 * text (NUL-terminated copy, borrowed during the call) and the 1-based line where it
 * starts (relative to sql's first line). Stops and returns fn's value when < 0.
 */
int gm_sql_split(const char *sql, int (*fn)(const char *stmt, int line, void *payload),
		 void *payload);

/*
 * The transaction-control statement `stmt` is (BEGIN, START TRANSACTION, COMMIT, END,
 * ROLLBACK but not ROLLBACK TO SAVEPOINT, ABORT, PREPARE TRANSACTION), as its first
 * keyword in upper case (a static string), or NULL for any other statement. Leading
 * whitespace and comments are skipped.
 */
const char *gm_sql_transaction_control(const char *stmt);

/* Skip whitespace and SQL comments (both kinds); returns the first other character. */
const char *gm_sql_skip_space(const char *p);

/* Append "(a, b, c)": identifiers quoted as needed. */
void gm_sql_ident_list(gm_buf *out, char *const *names, size_t n);

/* Append " ON DELETE <ACTION>" and " ON UPDATE <ACTION>" for the actions given (NULL: none),
 * the canonical lowercase action in upper case ("set null" → "SET NULL"). Both dialects. */
void gm_sql_fk_actions(gm_buf *out, const char *on_delete, const char *on_update);

/* Append "CREATE [UNIQUE] INDEX name ON table [USING method] (cols | (expr)) [INCLUDE (cols)]
 * [NULLS NOT DISTINCT] [WHERE pred];\n" (both dialects; the optional parts are PostgreSQL's). */
void gm_sql_create_index(gm_buf *out, const gm_table *t, const gm_index *ix);

/* The same, the table's name written with gm_sql_qname when `qualified` (PostgreSQL). */
void gm_sql_create_index_in(gm_buf *out, const gm_table *t, const gm_index *ix, bool qualified);

/* deploy_sql.c: the version table's SQL (gm_dialect.version_sql) of SQLite or, with pg,
 * PostgreSQL. */
void gm_sql_version(gm_buf *out, enum gm_version_op op, const char *table,
		    const gm_version_row *row, bool pg);

#endif
