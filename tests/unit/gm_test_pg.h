/*
 * The fixture of the unit tests that need a PostgreSQL server (test_postgres_inspect.c,
 * test_postgres_conn.c): a scratch database on the server that GIT_MIGRATE_TEST_PG names,
 * made before each test and dropped after it. Without a server the whole binary is
 * skipped the TAP way (gm_test_pg_skip_all).
 */
#ifndef GM_TEST_PG_H
#define GM_TEST_PG_H
#include <stdlib.h>
#include "gm_test.h"
#include "dialect/postgres.h"

static const gm_dialect *pg = &gm_dialect_postgres;

struct fixture {
	gm_url *server;
	gm_url *url; /* the scratch database */
	gm_conn *conn;
};

static inline int setup(void **state)
{
	const char *env = getenv("GIT_MIGRATE_TEST_PG");
	struct fixture *f;

	if (!env || !*env) {
		*state = NULL;
		return 0;
	}
	f = gm_xcalloc(1, sizeof(*f));
	assert_gm_ok(gm_url_parse(&f->server, env, "."));
	assert_ptr_equal(f->server->dialect, pg);
	assert_gm_ok(pg->scratch_create(&f->conn, &f->url, f->server, NULL));
	*state = f;
	return 0;
}

static inline int teardown(void **state)
{
	struct fixture *f = *state;

	if (!f)
		return 0;
	pg->disconnect(f->conn);
	if (f->url)
		assert_gm_ok(pg->scratch_drop(f->url));
	gm_url_free(f->url);
	gm_url_free(f->server);
	free(f);
	return 0;
}

#define NEED_PG(f)              \
	do {                    \
		if (!(f))       \
			skip(); \
	} while (0)

static inline void exec_ok(gm_conn *c, const char *sql)
{
	assert_gm_ok(pg->exec(c, sql, "test.sql", 1));
}

static inline int count_rows(gm_conn *c, const char *sql)
{
	PGresult *res = NULL;
	int n;
	assert_gm_ok(gm_pg_query(&res, (struct gm_pg_conn *)c, "count", sql, NULL, NULL));
	n = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return n;
}

/*
 * cmocka 1.1.5 prints a skip() as "not ok N # SKIP", which prove counts as a failure:
 * without a server, main() skips the whole file the TAP way. True when it printed that.
 */
static inline bool gm_test_pg_skip_all(void)
{
	if (getenv("GIT_MIGRATE_TEST_PG") && *getenv("GIT_MIGRATE_TEST_PG"))
		return false;
	printf("1..0 # SKIP GIT_MIGRATE_TEST_PG is not set "
	       "(run under tests/cli/with-pg.sh)\n");
	return true;
}

#endif
