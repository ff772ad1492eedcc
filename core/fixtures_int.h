/* Internals of the fixture loaders shared by fixtures.c and fixtures_csv.c. */
#ifndef GM_CORE_FIXTURES_INT_H
#define GM_CORE_FIXTURES_INT_H
#include <stddef.h>

/* Read callback: up to size bytes into buf, *got = 0 at the end; < 0 with the error set. */
typedef int (*gm_fx_read_fn)(void *payload, char *buf, size_t size, size_t *got);

/* A streaming RFC 4180 CSV reader: one record at a time, memory bounded by the record. */
typedef struct gm_csv gm_csv;

typedef struct gm_csv_record {
	const char *const *fields;  /* NULL for an empty unquoted field; "" for "" */
	const int *cols;            /* 1-based column where each field starts */
	size_t nr;
	int line;                   /* 1-based line where the record starts */
} gm_csv_record;

/* Open a reader; `path` names the input in messages. Caller owns *out (gm_csv_free). */
void gm_csv_open(gm_csv **out, const char *path, gm_fx_read_fn read, void *payload);

/*
 * The next record into *rec (borrowed until the next call). Fields are separated by ',',
 * records by LF, CRLF or CR; a field in double quotes may hold commas, newlines and ""
 * (one quote). A UTF-8 byte order mark at the start and blank lines are skipped.
 * Returns 0, GM_ITEROVER at the end, GM_EINVALID at path:line:col for an unterminated
 * quote, text after a closing quote, a quote inside an unquoted field or a NUL byte.
 */
int gm_csv_next(gm_csv *c, gm_csv_record *rec);
void gm_csv_free(gm_csv *c);   /* NULL-safe */

#endif
