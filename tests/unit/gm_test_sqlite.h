/*
 * Helpers of the SQLite tests on real databases (test_sqlite_plan_apply.c,
 * test_sqlite_rebuild.c): a query's rows as text. Static inline: each test includes what
 * it uses.
 */
#ifndef GM_TEST_SQLITE_H
#define GM_TEST_SQLITE_H
#include <sqlite3.h>
#include "gm_test.h"

static inline int gm_test_sqlite_row(void *payload, int n, char **values, char **names)
{
	int i;
	(void)names;
	for (i = 0; i < n; i++)
		gm_buf_printf(payload, "%s%s", i ? "|" : "", values[i] ? values[i] : "NULL");
	gm_buf_putc(payload, '\n');
	return 0;
}

/* Run sql (one or more statements) on db; the rows of its queries are appended to out
 * (NULL: not kept), one line each, columns separated by '|', NULL as "NULL". Fails the
 * test, naming sql, on an error. */
static inline void gm_test_sqlite_exec(gm_buf *out, sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, out ? gm_test_sqlite_row : NULL, out, &msg) != SQLITE_OK) {
		print_error("%s: %s\n", sql, msg);
		sqlite3_free(msg);
		fail();
	}
}

/* The rows of sql on db must be `expect` (gm_test_sqlite_exec's text). */
static inline void gm_test_sqlite_assert_rows(sqlite3 *db, const char *sql, const char *expect)
{
	gm_buf got = GM_BUF_INIT;
	gm_test_sqlite_exec(&got, db, sql);
	assert_string_equal(got.ptr ? got.ptr : "", expect);
	gm_buf_release(&got);
}

#endif
