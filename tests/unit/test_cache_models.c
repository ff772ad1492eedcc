/* Unit tests of the models cache's metadata (core/cache_meta.c) and key parts (cache_key.c,
 * cache_models.c); what a server does with it: tests/cli/t0602-models-cache.sh. */
#include <stdlib.h>
#include "gm_test.h"
#include "cache.h"

static void fill_models_meta(gm_cache_meta *m)
{
	memset(m, 0, sizeof(*m));
	m->kind = GM_CACHE_MODELS;
	m->tables = 100;
	memset(m->base, 'a', GM_OID_HEXSZ);
	memset(m->fingerprint, 'c', GM_OID_HEXSZ);
	m->created = 1765000000;
}

/* A models entry's metadata says so, keeps its table count, and reads back the same. */
static void test_cache_models__meta_round_trip(void **state)
{
	gm_cache_meta m, back;
	gm_buf text = GM_BUF_INIT, again = GM_BUF_INIT;

	(void)state;
	fill_models_meta(&m);
	gm_cache_meta_format(&text, &m);
	assert_non_null(strstr(text.ptr, "\nkind models\n"));
	assert_gm_ok(gm_cache_meta_parse(&back, text.ptr));
	assert_int_equal(back.kind, GM_CACHE_MODELS);
	assert_int_equal(back.tables, 100);
	assert_string_equal(back.base, m.base);
	assert_string_equal(back.fingerprint, m.fingerprint);
	assert_int_equal(back.revisions, 0);
	assert_false(back.fixtures_loaded);
	assert_true(back.created == 1765000000);
	gm_cache_meta_format(&again, &back);
	assert_string_equal(again.ptr, text.ptr);
	gm_cache_meta_release(&m);
	gm_cache_meta_release(&back);
	gm_buf_release(&text);
	gm_buf_release(&again);
}

/* out: text with its first `from` replaced by `to` (which must be there). */
static void replaced(gm_buf *out, const char *text, const char *from, const char *to)
{
	const char *p = strstr(text, from);

	assert_non_null(p);
	gm_buf_clear(out);
	gm_buf_put(out, text, (size_t)(p - text));
	gm_buf_puts(out, to);
	gm_buf_puts(out, p + strlen(from));
}

/* A snapshot's metadata (no "kind" line, as before models entries existed) is a snapshot;
 * a kind this version does not know, or a damaged count, is not an entry's metadata. */
static void test_cache_models__meta_kinds(void **state)
{
	gm_cache_meta m, back;
	gm_buf text = GM_BUF_INIT, other = GM_BUF_INIT;

	(void)state;
	fill_models_meta(&m);
	m.kind = GM_CACHE_SNAPSHOT;
	gm_cache_meta_format(&text, &m);
	assert_null(strstr(text.ptr, "kind"));
	assert_gm_ok(gm_cache_meta_parse(&back, text.ptr));
	assert_int_equal(back.kind, GM_CACHE_SNAPSHOT);
	gm_cache_meta_release(&back);

	gm_buf_clear(&text);
	m.kind = GM_CACHE_MODELS;
	gm_cache_meta_format(&text, &m);
	replaced(&other, text.ptr, "kind models", "kind templates");
	assert_gm_fails(GM_EINVALID, "not a cache entry", gm_cache_meta_parse(&back, other.ptr));
	replaced(&other, text.ptr, "models_tables 100", "models_tables many");
	assert_gm_fails(GM_EINVALID, "not a cache entry", gm_cache_meta_parse(&back, other.ptr));
	gm_cache_meta_release(&m);
	gm_buf_release(&text);
	gm_buf_release(&other);
}

/* The key's tool lines name the version (or the tests' override), the dialect, the server
 * and the build, as the snapshot key's do. */
static void test_cache_models__key_tool_lines(void **state)
{
	gm_buf a = GM_BUF_INIT, b = GM_BUF_INIT;

	(void)state;
	unsetenv("GIT_MIGRATE_TEST_VERSION");
	gm_cache_key_tool(&a, "postgres", "150004");
	assert_true(!strncmp(a.ptr, "tool " GM_VERSION "\ndialect postgres\nserver 150004\n",
			     strlen("tool " GM_VERSION "\ndialect postgres\nserver 150004\n")));
	assert_non_null(strstr(a.ptr, "\nbuild "));
	setenv("GIT_MIGRATE_TEST_VERSION", "99.0", 1);
	gm_cache_key_tool(&b, "postgres", "150004");
	assert_true(!strncmp(b.ptr, "tool 99.0\n", strlen("tool 99.0\n")));
	unsetenv("GIT_MIGRATE_TEST_VERSION");
	gm_buf_release(&a);
	gm_buf_release(&b);
}

/* Only PostgreSQL has a models cache: SQLite's models phase costs a few ms. */
static void test_cache_models__dialects(void **state)
{
	(void)state;
	assert_true(gm_cache_models_on(&gm_dialect_postgres));
	assert_false(gm_cache_models_on(&gm_dialect_sqlite));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cache_models__meta_round_trip),
		cmocka_unit_test(test_cache_models__meta_kinds),
		cmocka_unit_test(test_cache_models__key_tool_lines),
		cmocka_unit_test(test_cache_models__dialects),
	};
	return cmocka_run_group_tests_name("cache_models", tests, NULL, NULL);
}
