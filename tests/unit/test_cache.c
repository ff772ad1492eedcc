/* Unit tests of the snapshot cache's metadata (core/cache_meta.c) and key (cache_key.c). */
#include <stdlib.h>
#include "gm_test.h"
#include "cache.h"

static void fill_meta(gm_cache_meta *m)
{
	memset(m, 0, sizeof(*m));
	memset(m->base, 'a', GM_OID_HEXSZ);
	memset(m->chain, 'b', GM_OID_HEXSZ);
	memset(m->fingerprint, 'c', GM_OID_HEXSZ);
	m->revisions = 12;
	m->head = gm_xstrdup("3f2a9c1b7e10");
	m->created = 1765000000;
	m->fixtures_loaded = true;
	m->fixtures.rows = 5;
	m->fixtures.files = 2;
	m->fixtures.sql_files = 1;
	m->fixtures.exists = true;
	memset(m->fixtures.tree_oid, 'd', GM_OID_HEXSZ);
	m->fixtures.v = gm_xcalloc(2, sizeof(*m->fixtures.v));
	m->fixtures.alloc = 2;
	m->fixtures.v[m->fixtures.nr].table = gm_xstrdup("contacts");
	m->fixtures.v[m->fixtures.nr++].rows = 2;
	m->fixtures.v[m->fixtures.nr].table = gm_xstrdup("deal notes");
	m->fixtures.v[m->fixtures.nr++].rows = 3;
}

static void test_cache__meta_round_trip(void **state)
{
	gm_cache_meta m, back;
	gm_buf text = GM_BUF_INIT, again = GM_BUF_INIT;

	(void)state;
	fill_meta(&m);
	gm_cache_meta_format(&text, &m);
	assert_gm_ok(gm_cache_meta_parse(&back, text.ptr));
	assert_string_equal(back.base, m.base);
	assert_string_equal(back.chain, m.chain);
	assert_string_equal(back.fingerprint, m.fingerprint);
	assert_int_equal(back.revisions, 12);
	assert_string_equal(back.head, "3f2a9c1b7e10");
	assert_true(back.created == 1765000000);
	assert_true(back.fixtures_loaded);
	assert_int_equal(back.fixtures.rows, 5);
	assert_int_equal(back.fixtures.files, 2);
	assert_int_equal(back.fixtures.sql_files, 1);
	assert_true(back.fixtures.exists);
	assert_string_equal(back.fixtures.tree_oid, m.fixtures.tree_oid);
	assert_int_equal(back.fixtures.nr, 2);
	assert_string_equal(back.fixtures.v[1].table, "deal notes");
	assert_int_equal(back.fixtures.v[1].rows, 3);
	gm_cache_meta_format(&again, &back);
	assert_string_equal(again.ptr, text.ptr);
	gm_cache_meta_release(&m);
	gm_cache_meta_release(&back);
	gm_buf_release(&text);
	gm_buf_release(&again);
}

/* Anything but a whole entry's metadata is refused: truncated, altered, empty. */
static void test_cache__meta_refuses_damage(void **state)
{
	gm_cache_meta m, back;
	gm_buf text = GM_BUF_INIT, cut = GM_BUF_INIT;
	char *p;

	(void)state;
	fill_meta(&m);
	gm_cache_meta_format(&text, &m);
	assert_gm_fails(GM_EINVALID, "not a cache entry", gm_cache_meta_parse(&back, ""));
	/* truncated before "end" (a half-written file) */
	gm_buf_put(&cut, text.ptr, text.len - 4);
	assert_gm_fails(GM_EINVALID, "not a cache entry", gm_cache_meta_parse(&back, cut.ptr));
	/* a fingerprint that is not an id */
	p = strstr(text.ptr, "fingerprint ") + strlen("fingerprint ");
	*p = 'X';
	assert_gm_fails(GM_EINVALID, "not a cache entry", gm_cache_meta_parse(&back, text.ptr));
	/* another format version */
	assert_gm_fails(GM_EINVALID, "not a cache entry",
			gm_cache_meta_parse(&back, "git-migrate-cache 2\nend\n"));
	gm_cache_meta_release(&m);
	gm_buf_release(&text);
	gm_buf_release(&cut);
}

/* The hash of the first k revisions does not depend on the revisions after them, and
 * changes with any id or file content before them: how an ancestor entry is found. */
static void test_cache__chain_hashes_are_prefixes(void **state)
{
	gm_revision r[3];
	const gm_revision *order[3] = { &r[0], &r[1], &r[2] };
	gm_history h = GM_HISTORY_INIT;
	char a[4][GM_OID_HEXSZ + 1], b[4][GM_OID_HEXSZ + 1];
	int i;

	(void)state;
	memset(r, 0, sizeof(r));
	for (i = 0; i < 3; i++) {
		char id[13];
		snprintf(id, sizeof(id), "%012d", i + 1);
		r[i].id = gm_xstrdup(id);
		memset(r[i].checksum, '0' + i, GM_OID_HEXSZ);
	}
	h.order = order;
	h.order_nr = h.prod_nr = 3;
	gm_cache_chain_hashes(a, &h, 3);
	gm_cache_chain_hashes(b, &h, 2);
	assert_string_equal(a[0], "");
	assert_string_equal(a[1], b[1]);
	assert_string_equal(a[2], b[2]);
	assert_string_not_equal(a[2], a[3]);
	/* the second revision's content changed: its hash and every later one differ */
	r[1].checksum[0] = 'f';
	gm_cache_chain_hashes(b, &h, 3);
	assert_string_equal(a[1], b[1]);
	assert_string_not_equal(a[2], b[2]);
	assert_string_not_equal(a[3], b[3]);
	for (i = 0; i < 3; i++)
		free(r[i].id);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cache__meta_round_trip),
		cmocka_unit_test(test_cache__meta_refuses_damage),
		cmocka_unit_test(test_cache__chain_hashes_are_prefixes),
	};
	return cmocka_run_group_tests_name("cache", tests, NULL, NULL);
}
