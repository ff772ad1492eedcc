/*
 * Helpers of the planner tests (test_sqlite_plan*.c, test_postgres_plan.c,
 * test_postgres_inspect.c): models from YAML text, a plan as text, schemas compared by
 * fingerprint. Static inline: each test includes what it uses.
 */
#ifndef GM_TEST_PLAN_H
#define GM_TEST_PLAN_H
#include "gm_test.h"
#include "schema_int.h"
#include "models_int.h"
#include "diff_int.h"
#include "db_int.h"

/* Models YAML → a new validated schema, normalized for a dialect (normalize may be NULL). */
static inline gm_schema *gm_test_models(const char *yaml, void (*normalize)(gm_schema *))
{
	gm_schema *s;
	gm_schema_new(&s);
	assert_gm_ok(gm_models_parse_yaml(s, "models.yml", yaml, strlen(yaml)));
	assert_gm_ok(gm_models_validate(s));
	if (normalize)
		normalize(s);
	return s;
}

/*
 * The plan as text: each statement's SQL, a flagged one after a "-- <flags> <subject>" line
 * (rebuild, data-loss, enum-swap, rewrite), "-- +migrate commit" after one that commits.
 */
static inline void gm_test_plan_text(gm_buf *out, const gm_plan *plan)
{
	const unsigned shown =
		GM_STMT_REBUILD | GM_STMT_DATA_LOSS | GM_STMT_ENUM_SWAP | GM_STMT_REWRITE;
	size_t i;
	for (i = 0; i < plan->nr; i++) {
		const gm_stmt *st = &plan->v[i];
		if (st->flags & shown)
			gm_buf_printf(out, "--%s%s%s%s %s\n",
				      st->flags & GM_STMT_REBUILD ? " rebuild" : "",
				      st->flags & GM_STMT_DATA_LOSS ? " data-loss" : "",
				      st->flags & GM_STMT_ENUM_SWAP ? " enum-swap" : "",
				      st->flags & GM_STMT_REWRITE ? " rewrite" : "",
				      st->subject ? st->subject : "(null)");
		gm_buf_puts(out, st->sql);
		if (st->flags & GM_STMT_COMMIT_AFTER)
			gm_buf_puts(out, "-- +migrate commit\n");
	}
}

/* Plan from → to with a dialect's planner into *plan (and the changes it borrows). */
static inline void gm_test_plan(gm_plan *plan, gm_changes *changes, const gm_dialect *d,
				const gm_schema *from, const gm_schema *to)
{
	assert_gm_ok(gm_diff(changes, from, to, 0));
	assert_gm_ok(d->plan(plan, changes));
}

/* Assert that two schemas have the same fingerprint; what names the case in the report. */
static inline void gm_test_assert_same_schema(const gm_schema *want, const gm_schema *got,
					      const char *what)
{
	gm_buf a = GM_BUF_INIT, b = GM_BUF_INIT;
	gm_schema_fingerprint(&a, want);
	gm_schema_fingerprint(&b, got);
	if (strcmp(a.ptr, b.ptr))
		fprintf(stderr, "%s:\n--- want\n%s--- got\n%s", what, a.ptr, b.ptr);
	assert_string_equal(a.ptr, b.ptr);
	gm_buf_release(&b);
	gm_buf_release(&a);
}

#endif
