/* Unit tests of core/util/strvec.c: gm_strvec and the string-array helpers. */
#include <stdlib.h>
#include "gm_test.h"
#include "util/strvec.h"

static void test_strvec__push_find_join(void **state)
{
	gm_strvec sv = GM_STRVEC_INIT;
	gm_buf b = GM_BUF_INIT;
	size_t alloc;
	char **copy;
	(void)state;

	gm_strvec_push(&sv, "a");
	gm_strvec_push_n(&sv, "bcd", 2);
	gm_strvec_push_owned(&sv, gm_xstrdup("C"));
	assert_int_equal(sv.nr, 3);
	assert_int_equal(gm_strv_find(sv.v, sv.nr, "bc"), 1);
	assert_int_equal(gm_strv_find(sv.v, sv.nr, "x"), 3);
	assert_true(gm_strv_contains(sv.v, sv.nr, "C"));
	assert_false(gm_strv_contains(sv.v, sv.nr, "c"));
	assert_true(gm_strv_contains_ci(sv.v, sv.nr, "c"));
	gm_strv_join(&b, sv.v, sv.nr, ", ");
	assert_string_equal(b.ptr, "a, bc, C");
	copy = gm_strv_copy(sv.v, sv.nr, &alloc);
	assert_int_equal(alloc, 3);
	assert_true(gm_strv_eq(copy, 3, sv.v, sv.nr));
	assert_false(gm_strv_eq(copy, 2, sv.v, sv.nr));
	free(copy[2]);
	copy[2] = gm_xstrdup("c");
	assert_false(gm_strv_eq(copy, 3, sv.v, sv.nr));
	assert_true(gm_strv_eq_ci(copy, 3, sv.v, sv.nr));
	gm_strv_free(copy, 3);
	gm_strvec_release(&sv);
	assert_null(sv.v);
	assert_int_equal(sv.nr, 0);
	assert_null(gm_strv_copy(NULL, 0, &alloc));
	gm_strv_free(NULL, 0);
	gm_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strvec__push_find_join),
	};
	return cmocka_run_group_tests_name("strvec", tests, NULL, NULL);
}
