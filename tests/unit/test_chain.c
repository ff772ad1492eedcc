/* Unit tests for core/chain.c: the graph, its order and its checks. */
#include <stdlib.h>
#include <time.h>
#include "gm_test.h"
#include "chain.h"
#include "repo_int.h"

/* A directory listing built in memory (the strings are ours; freed by gm_files_release). */
static void file_add(gm_files *files, const char *name, const char *data)
{
	gm_file f;
	gm_buf path = GM_BUF_INIT;

	memset(&f, 0, sizeof(f));
	gm_buf_printf(&path, "migrations/versions/%s", name);
	f.name = gm_xstrdup(name);
	f.path = gm_buf_detach(&path);
	f.data = gm_xstrdup(data);
	f.len = strlen(data);
	snprintf(f.oid, sizeof(f.oid), "%040zx", files->nr + 1);
	GM_PUSH(files->v, files->nr, files->alloc, f);
	files->exists = true;
}

/* A revision file "<id>_rev.sql" with the given parents ("" for a base). */
static void rev_add(gm_files *files, const char *id, const char *parents)
{
	gm_buf name = GM_BUF_INIT, data = GM_BUF_INIT;

	gm_buf_printf(&name, "%s_rev.sql", id);
	gm_buf_printf(&data,
		      "-- git-migrate revision\n-- revision: %s\n-- down_revision: %s\n"
		      "-- message: revision %s\n\n-- +migrate up\nSELECT 1;\n",
		      id, parents, id);
	file_add(files, name.ptr, data.ptr);
	gm_buf_release(&name);
	gm_buf_release(&data);
}

static gm_chain *load(gm_findings *findings, gm_files *files)
{
	gm_chain *chain = NULL;
	assert_gm_ok(gm_chain_load(&chain, findings, files));
	assert_non_null(chain);
	gm_files_release(files);
	return chain;
}

/* The ids of v[0..nr), space-separated, are `expect`. */
static void ids_are(const gm_revision *const *v, size_t nr, const char *expect)
{
	gm_buf b = GM_BUF_INIT;
	size_t i;

	for (i = 0; i < nr; i++)
		gm_buf_printf(&b, "%s%s", i ? " " : "", v[i]->id);
	assert_string_equal(b.ptr, expect);
	gm_buf_release(&b);
}

static void order_is(const gm_chain *chain, const char *expect)
{
	const gm_revision **order = NULL;
	size_t nr = 0;

	assert_gm_ok(gm_chain_order(&order, &nr, chain));
	assert_int_equal(nr, gm_chain_count(chain));
	ids_are(order, nr, expect);
	free(order);
}

static void heads_are(const gm_chain *chain, const char *expect)
{
	size_t nr;
	const gm_revision *const *v = gm_chain_heads(chain, &nr);
	ids_are(v, nr, expect);
}

static void bases_are(const gm_chain *chain, const char *expect)
{
	size_t nr;
	const gm_revision *const *v = gm_chain_bases(chain, &nr);
	ids_are(v, nr, expect);
}

static const gm_finding *finding(const gm_findings *f, const char *check, const char *needle)
{
	size_t i;
	for (i = 0; i < f->nr; i++)
		if (!strcmp(f->v[i].check, check) && strstr(f->v[i].message, needle))
			return &f->v[i];
	for (i = 0; i < f->nr; i++)
		print_error("finding: [%s] %s:%d: %s\n", f->v[i].check,
			    f->v[i].path ? f->v[i].path : "-", f->v[i].line, f->v[i].message);
	print_error("no [%s] finding with '%s'\n", check, needle);
	fail();
	return NULL;
}

/* finding(), which must also be at path:line (path in migrations/versions). */
static const gm_finding *finding_at(const gm_findings *f, const char *check, const char *needle,
				    const char *name, int line)
{
	const gm_finding *x = finding(f, check, needle);
	gm_buf path = GM_BUF_INIT;

	gm_buf_printf(&path, "migrations/versions/%s", name);
	assert_string_equal(x->path, path.ptr);
	assert_int_equal(x->line, line);
	gm_buf_release(&path);
	return x;
}

static void test_chain__linear_chain_orders_base_to_head(void **state)
{
	gm_files files = GM_FILES_INIT;
	gm_findings f = GM_FINDINGS_INIT;
	gm_chain *chain;
	(void)state;

	/* listed out of order on purpose */
	rev_add(&files, "c3", "b2");
	rev_add(&files, "a1", "");
	rev_add(&files, "b2", "a1");
	file_add(&files, "README.md", "not a revision");
	chain = load(&f, &files);
	assert_int_equal(f.nr, 0);
	assert_int_equal(gm_chain_count(chain), 3);
	order_is(chain, "a1 b2 c3");
	heads_are(chain, "c3");
	bases_are(chain, "a1");
	assert_string_equal(gm_chain_find(chain, "b2")->path, "migrations/versions/b2_rev.sql");
	assert_string_equal(gm_chain_find(chain, "a1")->checksum,
			    "0000000000000000000000000000000000000002");
	assert_null(gm_chain_find(chain, "zz"));
	assert_true(gm_chain_descends(chain, "c3", "a1"));
	assert_true(gm_chain_descends(chain, "c3", "c3"));
	assert_false(gm_chain_descends(chain, "a1", "c3"));
	assert_false(gm_chain_descends(chain, "nope", "a1"));
	gm_chain_free(chain);
	gm_findings_release(&f);
}

static void test_chain__branches_and_merge_order_ties_by_id(void **state)
{
	gm_files files = GM_FILES_INIT;
	gm_findings f = GM_FINDINGS_INIT;
	gm_chain *chain;
	(void)state;

	/*      a -- x2 -- x3 \
	 *       \             m
	 *        -- b1 ------/        */
	rev_add(&files, "m", "x3, b1");
	rev_add(&files, "x3", "x2");
	rev_add(&files, "x2", "a");
	rev_add(&files, "b1", "a");
	rev_add(&files, "a", "");
	chain = load(&f, &files);
	assert_int_equal(f.nr, 0);
	order_is(chain, "a b1 x2 x3 m");
	heads_are(chain, "m");
	assert_true(gm_chain_descends(chain, "m", "b1"));
	assert_true(gm_chain_descends(chain, "m", "x2"));
	assert_false(gm_chain_descends(chain, "x3", "b1"));
	gm_chain_free(chain);
	gm_findings_release(&f);
}

static void test_chain__two_heads(void **state)
{
	gm_files files = GM_FILES_INIT;
	gm_findings f = GM_FINDINGS_INIT;
	gm_chain *chain;
	const gm_finding *x;
	(void)state;

	rev_add(&files, "a", "");
	rev_add(&files, "zb", "a");
	rev_add(&files, "yc", "a");
	chain = load(&f, &files);
	heads_are(chain, "yc zb");
	assert_int_equal(f.nr, 1);
	x = finding_at(&f, "graph", "2 heads: 'yc', 'zb'", "zb_rev.sql", 2);
	assert_non_null(strstr(x->message, "down_revision: yc, zb"));
	order_is(chain, "a yc zb");
	gm_chain_free(chain);
	gm_findings_release(&f);
}

static void test_chain__two_bases(void **state)
{
	gm_files files = GM_FILES_INIT;
	gm_findings f = GM_FINDINGS_INIT;
	gm_chain *chain;
	(void)state;

	rev_add(&files, "b", "");
	rev_add(&files, "a", "");
	rev_add(&files, "m", "a, b");
	chain = load(&f, &files);
	assert_int_equal(f.nr, 1);
	finding(&f, "graph", "2 base revisions (no down_revision): 'a', 'b'");
	gm_chain_free(chain);
	gm_findings_release(&f);
}

static void test_chain__missing_parent(void **state)
{
	gm_files files = GM_FILES_INIT;
	gm_findings f = GM_FINDINGS_INIT;
	gm_chain *chain;
	const gm_revision **order = NULL;
	size_t nr;
	(void)state;

	rev_add(&files, "a", "");
	rev_add(&files, "b", "a");
	rev_add(&files, "c", "gone");
	chain = load(&f, &files);
	assert_int_equal(f.nr, 1); /* not also "2 heads": the missing parent is the cause */
	finding_at(&f, "graph", "parent 'gone' of revision 'c' does not exist", "c_rev.sql", 3);
	assert_gm_fails(GM_EINVALID, "parent 'gone' of revision 'c' does not exist",
			gm_chain_order(&order, &nr, chain));
	assert_null(order);
	assert_int_equal(gm_error_last()->line, 3);
	gm_chain_free(chain);
	gm_findings_release(&f);
}

static void test_chain__cycle(void **state)
{
	gm_files files = GM_FILES_INIT;
	gm_findings f = GM_FINDINGS_INIT;
	gm_chain *chain;
	const gm_revision **order = NULL;
	size_t nr;
	(void)state;

	rev_add(&files, "a", "");
	rev_add(&files, "b", "a, d");
	rev_add(&files, "c", "b");
	rev_add(&files, "d", "c");
	rev_add(&files, "e", "d");
	rev_add(&files, "s", "s");
	chain = load(&f, &files);
	finding_at(&f, "graph", "cycle in the revision graph: 'b' -> 'd' -> 'c' -> 'b'",
		   "b_rev.sql", 3);
	finding(&f, "graph", "cycle in the revision graph: 's' -> 's'");
	assert_int_equal(gm_findings_count(&f, "graph"), 2); /* 's' names itself: not a head */
	assert_gm_fails(GM_EINVALID, "cycle", gm_chain_order(&order, &nr, chain));
	gm_chain_free(chain);
	gm_findings_release(&f);
}

static void test_chain__duplicate_ids(void **state)
{
	gm_files files = GM_FILES_INIT;
	gm_findings f = GM_FINDINGS_INIT;
	gm_chain *chain;
	const gm_revision **order = NULL;
	size_t nr;
	(void)state;

	rev_add(&files, "a", "");
	rev_add(&files, "b", "a");
	file_add(&files, "b_again.sql",
		 "-- revision: b\n-- down_revision: a\n-- +migrate up\nSELECT 2;\n");
	chain = load(&f, &files);
	finding_at(&f, "parse",
		   "duplicate revision id 'b' (also in 'migrations/versions/b_rev.sql')",
		   "b_again.sql", 1);
	assert_int_equal(f.nr, 1);
	assert_gm_fails(GM_EINVALID, "duplicate revision id 'b'",
			gm_chain_order(&order, &nr, chain));
	gm_chain_free(chain);
	gm_findings_release(&f);
}

static void test_chain__file_name_must_match_id(void **state)
{
	gm_files files = GM_FILES_INIT;
	gm_findings f = GM_FINDINGS_INIT;
	gm_chain *chain;
	(void)state;

	file_add(&files, "a.sql", "-- revision: a\n-- down_revision:\n-- +migrate up\n");
	file_add(&files, "b_slug.sql", "-- revision: b\n-- down_revision: a\n-- +migrate up\n");
	file_add(&files, "bc_x.sql", "-- revision: c\n-- down_revision: b\n-- +migrate up\n");
	file_add(&files, "d.sql.sql", "-- revision: d\n-- down_revision: c\n-- +migrate up\n");
	chain = load(&f, &files);
	assert_int_equal(f.nr, 2);
	finding_at(&f, "parse", "file name 'bc_x.sql' does not match revision id 'c'", "bc_x.sql",
		   1);
	finding(&f, "parse", "file name 'd.sql.sql' does not match revision id 'd'");
	gm_chain_free(chain);
	gm_findings_release(&f);
}

static void test_chain__unparsable_file_is_a_finding(void **state)
{
	gm_files files = GM_FILES_INIT;
	gm_findings f = GM_FINDINGS_INIT;
	gm_chain *chain;
	(void)state;

	rev_add(&files, "a", "");
	file_add(&files, "b_bad.sql", "-- revision: b\n-- down_revision: a\nDROP TABLE x;\n");
	chain = load(&f, &files);
	assert_int_equal(gm_chain_count(chain), 1);
	assert_int_equal(f.nr, 1);
	finding_at(&f, "parse", "SQL before the '-- +migrate up' section", "b_bad.sql", 3);
	assert_int_equal(gm_error_last()->code, GM_OK);
	gm_chain_free(chain);
	gm_findings_release(&f);
}

static void test_chain__empty_is_fine(void **state)
{
	gm_files files = GM_FILES_INIT;
	gm_findings f = GM_FINDINGS_INIT;
	gm_chain *chain;
	const gm_revision **order = NULL;
	size_t nr = 1;
	(void)state;

	chain = load(&f, &files);
	assert_int_equal(f.nr, 0);
	assert_int_equal(gm_chain_count(chain), 0);
	gm_chain_heads(chain, &nr);
	assert_int_equal(nr, 0);
	assert_gm_ok(gm_chain_order(&order, &nr, chain));
	assert_int_equal(nr, 0);
	free(order);
	gm_chain_free(chain);
	gm_findings_release(&f);
}

static void test_chain__lookup_by_prefix(void **state)
{
	gm_files files = GM_FILES_INIT;
	gm_findings f = GM_FINDINGS_INIT;
	gm_chain *chain;
	const gm_revision *r = NULL;
	(void)state;

	rev_add(&files, "3f2a9c1b7e10", "");
	rev_add(&files, "3f2b00000000", "3f2a9c1b7e10");
	rev_add(&files, "3f2", "3f2b00000000");
	chain = load(&f, &files);
	assert_gm_ok(gm_chain_lookup(&r, chain, "3f2a"));
	assert_string_equal(r->id, "3f2a9c1b7e10");
	assert_gm_ok(gm_chain_lookup(&r, chain, "3f2")); /* exact id wins */
	assert_string_equal(r->id, "3f2");
	assert_gm_fails(GM_EINVALID, "ambiguous revision prefix '3f'",
			gm_chain_lookup(&r, chain, "3f"));
	assert_non_null(strstr(gm_error_last()->hint, "'3f2a9c1b7e10'"));
	assert_gm_fails(GM_ENOTFOUND, "unknown revision 'ff'", gm_chain_lookup(&r, chain, "ff"));
	assert_null(r);
	gm_chain_free(chain);
	gm_findings_release(&f);
}

static void test_chain__add_by_hand(void **state)
{
	gm_chain *chain;
	gm_revision *a = NULL, *b = NULL;
	gm_findings f = GM_FINDINGS_INIT;
	static const char ta[] = "-- revision: a\n-- down_revision:\n-- +migrate up\n";
	static const char tb[] = "-- revision: b\n-- down_revision: a\n-- +migrate up\n";
	(void)state;

	gm_chain_new(&chain);
	assert_gm_ok(gm_revision_parse(&a, NULL, ta, strlen(ta)));
	gm_chain_add(chain, a);
	heads_are(chain, "a");
	assert_gm_ok(gm_revision_parse(&b, "b.sql", tb, strlen(tb)));
	gm_chain_add(chain, b);
	heads_are(chain, "b"); /* the cache follows the additions */
	assert_ptr_equal(gm_chain_at(chain, 1), b);
	gm_chain_check(chain, &f);
	assert_int_equal(f.nr, 0);
	gm_chain_free(chain);
}

/* DESIGN.md §7: verify without replay on 2,000 revisions under 100 ms. */
static void test_chain__two_thousand_revisions_are_fast(void **state)
{
	gm_files files = GM_FILES_INIT;
	gm_findings f = GM_FINDINGS_INIT;
	gm_chain *chain;
	struct timespec t0, t1;
	char id[16], parent[16];
	const gm_revision **order = NULL;
	size_t nr, i;
	double ms;
	(void)state;

	for (i = 0; i < 2000; i++) {
		/* ids in reverse order of the chain, so ordering has real work to do */
		snprintf(id, sizeof(id), "%012zx", (size_t)(0xfffff - i * 7));
		rev_add(&files, id, i ? parent : "");
		memcpy(parent, id, sizeof(id));
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_gm_ok(gm_chain_load(&chain, &f, &files));
	assert_gm_ok(gm_chain_order(&order, &nr, chain));
	assert_true(gm_chain_descends(chain, parent, order[0]->id));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	print_message("# 2,000 revisions: load + check + order + descends in %.1f ms\n", ms);
	assert_int_equal(f.nr, 0);
	assert_int_equal(nr, 2000);
	assert_string_equal(order[1999]->id, parent);
	assert_true(ms < 100.0 * (getenv("GM_SLOW") ? 10 : 1));
	free(order);
	gm_files_release(&files);
	gm_chain_free(chain);
	gm_findings_release(&f);
}

/* A revision made by hand: id, one parent (NULL: none), created (NULL: none), path. */
static gm_revision *rev_new(const char *id, const char *parent, const char *created,
			    const char *path)
{
	gm_revision *r = gm_xcalloc(1, sizeof(*r));
	r->id = gm_xstrdup(id);
	if (parent)
		r->parents[r->parents_nr++] = gm_xstrdup(parent);
	r->created = created ? gm_xstrdup(created) : NULL;
	r->path = gm_xstrdup(path);
	return r;
}

static void test_chain__linearize_parents_first_then_created_then_path(void **state)
{
	gm_revision *a = rev_new("a1", "p0", "2030-01-02T00:00:00Z", "m/a1_x.sql");
	gm_revision *b = rev_new("b2", "p0", "2030-01-01T00:00:00Z", "m/b2_x.sql");
	gm_revision *c = rev_new("c3", "a1", "2029-01-01T00:00:00Z", "m/c3_x.sql");
	gm_revision *d = rev_new("d4", NULL, NULL, "m/d4_x.sql");
	gm_revision *e = rev_new("e5", "p0", "2030-01-02T00:00:00Z", "m/0e5_x.sql");
	const gm_revision *v[] = { d, c, a, e, b };
	(void)state;

	/* b is the oldest; a and e tie on created: path decides (e's sorts first); c, though
	 * created earliest, waits for its parent a; d has no created header: last */
	assert_gm_ok(gm_revisions_linearize(v, 5));
	assert_ptr_equal(v[0], b);
	assert_ptr_equal(v[1], e);
	assert_ptr_equal(v[2], a);
	assert_ptr_equal(v[3], c);
	assert_ptr_equal(v[4], d);
	assert_gm_ok(gm_revisions_linearize(v, 0));
	gm_revision_free(a);
	gm_revision_free(b);
	gm_revision_free(c);
	gm_revision_free(d);
	gm_revision_free(e);
}

static void test_chain__linearize_cycle_is_an_error(void **state)
{
	gm_revision *x = rev_new("x1", "y2", NULL, "m/x1_x.sql");
	gm_revision *y = rev_new("y2", "x1", NULL, "m/y2_x.sql");
	gm_revision *z = rev_new("z3", "p0", NULL, "m/z3_x.sql");
	const gm_revision *v[] = { x, y, z };
	(void)state;

	assert_int_equal(gm_revisions_linearize(v, 3), GM_EINVALID);
	assert_non_null(strstr(gm_error_last()->message, "cycle through 'x1'"));
	assert_ptr_equal(v[0], x);
	assert_ptr_equal(v[1], y);
	assert_ptr_equal(v[2], z);
	gm_error_clear();
	gm_revision_free(x);
	gm_revision_free(y);
	gm_revision_free(z);
}

/* The stale-fork rule: one message, as verify's "chained" finding and as prepare's error. */
static void test_chain__stale_fork_one_message(void **state)
{
	static const char *const msg =
		"local revision 'c3' chains onto 'a1', an older "
		"revision of 'production' whose head is now 'b2'; run 'git migrate rebase'";
	gm_files pfiles = GM_FILES_INIT, lfiles = GM_FILES_INIT;
	gm_findings f = GM_FINDINGS_INIT;
	gm_chain *prod, *local;
	const char *parent = NULL;
	bool *covered;
	(void)state;

	rev_add(&pfiles, "a1", "");
	rev_add(&pfiles, "b2", "a1");
	rev_add(&lfiles, "a1", "");
	rev_add(&lfiles, "b2", "a1");
	rev_add(&lfiles, "c3", "a1");
	prod = load(&f, &pfiles);
	local = load(&f, &lfiles);
	gm_findings_release(&f); /* local has two heads: a "graph" finding */

	assert_string_equal(gm_chain_stale_fork(local, prod, "b2", &parent)->id, "c3");
	assert_string_equal(parent, "a1");
	assert_null(gm_chain_stale_fork(local, prod, "a1", &parent));
	gm_chain_check_chained(&f, local, prod, "production");
	assert_int_equal(f.nr, 1);
	assert_string_equal(f.v[0].check, "chained");
	assert_non_null(strstr(f.v[0].message, msg));
	assert_gm_fails(GM_ECHECK, msg, gm_chain_check_fork(local, prod, "b2", "production"));
	assert_int_equal(gm_error_last()->line, 3);
	gm_error_clear();

	covered = gm_chain_covered(prod, local); /* c3 names a1: a1 is covered, b2 is not */
	assert_true(covered[gm_chain_index(prod, "a1")]);
	assert_false(covered[gm_chain_index(prod, "b2")]);
	free(covered);
	gm_findings_release(&f);
	gm_chain_free(prod);
	gm_chain_free(local);
}

/*
 * gm_chain_load_known: a file with the blob id and path of a known revision gets a copy
 * of it, not a parse (the data is made to differ here, to tell the two apart); another
 * id, or the same id at another path, is parsed.
 */
static void test_chain__load_known_copies_the_same_file(void **state)
{
	static const char full[] =
		"-- git-migrate revision\n-- revision: a\n-- down_revision:\n"
		"-- message: the base\n-- created: 2026-01-01T00:00:00Z\n-- author: someone\n\n"
		"-- +migrate up\nCREATE TABLE t (id integer);\n-- +migrate commit\nSELECT 1;\n"
		"-- +migrate down\nDROP TABLE t;\n";
	gm_findings f = GM_FINDINGS_INIT;
	gm_files files = GM_FILES_INIT, again = GM_FILES_INIT;
	gm_chain *known = NULL, *chain = NULL;
	const gm_revision *k, *r;
	size_t i;
	(void)state;

	file_add(&files, "a_rev.sql", full);
	rev_add(&files, "b", "a");
	assert_gm_ok(gm_chain_load(&known, &f, &files));
	assert_int_equal(f.nr, 0);

	/* the same names and ids, other bytes: a copy says "the base", a parse "changed" */
	file_add(&again, "a_rev.sql", "-- revision: a\n-- down_revision:\n-- message: changed\n");
	rev_add(&again, "b", "a");
	memcpy(again.v[1].oid, "ffff", 4); /* b: an id known has not */
	file_add(&again, "c_rev.sql", "-- revision: c\n-- down_revision: b\n-- +migrate up\n");
	strcpy(again.v[2].oid, files.v[0].oid); /* a's id at another path */
	assert_gm_ok(gm_chain_load_known(&chain, &f, &again, known));
	assert_int_equal(f.nr, 0);
	assert_int_equal(gm_chain_count(chain), 3);

	k = gm_chain_find(known, "a");
	r = gm_chain_find(chain, "a");
	assert_ptr_not_equal(k, r);
	assert_string_equal(r->message, "the base");
	assert_string_equal(r->created, k->created);
	assert_string_equal(r->path, k->path);
	assert_string_equal(r->checksum, k->checksum);
	assert_int_equal(r->parents_nr, 0);
	assert_int_equal(r->id_line, k->id_line);
	assert_int_equal(r->extra_nr, 1);
	assert_string_equal(r->extra[0].key, "author");
	assert_string_equal(r->extra[0].value, "someone");
	assert_int_equal(r->up.parts_nr, 2);
	for (i = 0; i < r->up.parts_nr; i++) {
		assert_ptr_not_equal(r->up.parts[i].sql, k->up.parts[i].sql);
		assert_string_equal(r->up.parts[i].sql, k->up.parts[i].sql);
		assert_int_equal(r->up.parts[i].line, k->up.parts[i].line);
	}
	assert_true(r->down.present);
	assert_string_equal(r->down.parts[0].sql, k->down.parts[0].sql);
	assert_string_equal(gm_chain_find(chain, "b")->parents[0], "a");
	assert_string_equal(gm_chain_find(chain, "c")->checksum, files.v[0].oid);
	assert_string_equal(gm_chain_find(chain, "c")->up.parts[0].sql, ""); /* parsed */

	gm_chain_free(known); /* the copies outlive the originals */
	assert_string_equal(gm_chain_find(chain, "a")->up.parts[1].sql, "SELECT 1;\n");
	gm_chain_free(chain);
	gm_files_release(&files);
	gm_files_release(&again);
	gm_findings_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chain__linear_chain_orders_base_to_head),
		cmocka_unit_test(test_chain__branches_and_merge_order_ties_by_id),
		cmocka_unit_test(test_chain__two_heads),
		cmocka_unit_test(test_chain__two_bases),
		cmocka_unit_test(test_chain__missing_parent),
		cmocka_unit_test(test_chain__cycle),
		cmocka_unit_test(test_chain__duplicate_ids),
		cmocka_unit_test(test_chain__file_name_must_match_id),
		cmocka_unit_test(test_chain__unparsable_file_is_a_finding),
		cmocka_unit_test(test_chain__empty_is_fine),
		cmocka_unit_test(test_chain__lookup_by_prefix),
		cmocka_unit_test(test_chain__add_by_hand),
		cmocka_unit_test(test_chain__two_thousand_revisions_are_fast),
		cmocka_unit_test(test_chain__linearize_parents_first_then_created_then_path),
		cmocka_unit_test(test_chain__linearize_cycle_is_an_error),
		cmocka_unit_test(test_chain__stale_fork_one_message),
		cmocka_unit_test(test_chain__load_known_copies_the_same_file),
	};
	return cmocka_run_group_tests_name("chain", tests, NULL, NULL);
}
