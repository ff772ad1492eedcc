/* Shared SQL text helpers for the dialects (the only place SQL is written). */
#ifndef GM_DIALECT_SQL_H
#define GM_DIALECT_SQL_H
#include <stdbool.h>
#include "git-migrate/buf.h"
#include "git-migrate/schema.h"

/* Append an identifier, double-quoted when needed (not a plain lowercase [a-z_][a-z0-9_]*,
 * or a reserved word); embedded '"' doubled. */
void gm_sql_ident(gm_buf *out, const char *name);

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

/* Append "CREATE [UNIQUE] INDEX name ON table (cols | (expr)) [WHERE pred];\n" (both dialects). */
void gm_sql_create_index(gm_buf *out, const gm_table *t, const gm_index *ix);

#endif
