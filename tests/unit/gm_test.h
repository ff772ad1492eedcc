/* Unit-test helpers: cmocka plus assert_gm_ok (libgit2's cl_git_pass idea). */
#ifndef GM_TEST_H
#define GM_TEST_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "git-migrate/gm.h"

/* Assert that a gm_ call returned >= 0; on failure print the code and the last error. */
#define assert_gm_ok(expr)                                                         \
	do {                                                                       \
		int gm__rc = (expr);                                               \
		if (gm__rc < 0) {                                                  \
			const gm_error *gm__e = gm_error_last();                   \
			print_error("%s failed: %d: %s%s%s:%d: %s\n", #expr, gm__rc, \
				    gm__e->path ? gm__e->path : "",                \
				    gm__e->path ? ":" : "", "", gm__e->line,       \
				    gm__e->message);                               \
			fail();                                                    \
		}                                                                  \
	} while (0)

/* Assert that a gm_ call failed with `code` and that the message contains `needle`. */
#define assert_gm_fails(code, needle, expr)                                        \
	do {                                                                       \
		int gm__rc = (expr);                                               \
		assert_int_equal(gm__rc, (code));                                  \
		if (!strstr(gm_error_last()->message, (needle))) {                 \
			print_error("message '%s' lacks '%s'\n",                   \
				    gm_error_last()->message, (needle));           \
			fail();                                                    \
		}                                                                  \
	} while (0)

#endif
