/* Unit tests of core/yaml.c: the tree loader and the event stream on hostile input. */
#include <stdlib.h>
#include "gm_test.h"
#include "yaml.h"

/* The last error is GM_EINVALID at f.yml:line:col and its message contains needle. */
static void assert_error_at(int rc, int line, int col, const char *needle)
{
	const gm_error *e = gm_error_last();
	if (rc != GM_EINVALID || e->line != line || e->col != col || !strstr(e->message, needle))
		print_error("got %d %d:%d '%s', expected %d:%d '%s'\n", rc, e->line, e->col,
			    e->message, line, col, needle);
	assert_int_equal(rc, GM_EINVALID);
	assert_string_equal(e->path, "f.yml");
	assert_int_equal(e->line, line);
	assert_int_equal(e->col, col);
	assert_non_null(strstr(e->message, needle));
}

static int load(gm_yaml_doc **doc, const char *text)
{
	return gm_yaml_load(doc, "f.yml", text, strlen(text));
}

static void load_fails(const char *text, int line, int col, const char *needle)
{
	gm_yaml_doc *doc = (gm_yaml_doc *)1;
	assert_error_at(load(&doc, text), line, col, needle);
	assert_null(doc);
}

/* n times open, then n times close. */
static void nest(gm_buf *b, int n, const char *open, const char *close)
{
	int i;
	for (i = 0; i < n; i++)
		gm_buf_puts(b, open);
	gm_buf_putc(b, 'x');
	for (i = 0; i < n; i++)
		gm_buf_puts(b, close);
	gm_buf_putc(b, '\n');
}

static void test_yaml__depth_limit(void **state)
{
	gm_buf b = GM_BUF_INIT;
	gm_yaml_doc *doc = NULL;
	const gm_yaml_node *n;
	int i;

	(void)state;
	nest(&b, GM_YAML_MAX_DEPTH, "[", "]");
	assert_gm_ok(load(&doc, b.ptr));
	for (n = doc->root, i = 0; n->kind == GM_YAML_SEQ; n = n->items[0])
		i++;
	assert_int_equal(i, GM_YAML_MAX_DEPTH);
	assert_string_equal(n->value, "x");
	gm_yaml_free(doc);

	gm_buf_clear(&b);
	nest(&b, GM_YAML_MAX_DEPTH + 1, "[", "]");
	load_fails(b.ptr, 1, 65, "nesting deeper than 64 levels");
	gm_buf_clear(&b);
	nest(&b, 100000, "{a: ", "}");
	load_fails(b.ptr, 1, 1 + 64 * 4, "nesting deeper than 64 levels");
	gm_buf_clear(&b);
	nest(&b, 100000, "[\n", "]\n");
	load_fails(b.ptr, 65, 1, "nesting deeper than 64 levels");
	gm_buf_clear(&b);
	nest(&b, 100000, "- ", "");
	load_fails(b.ptr, 1, 1 + 64 * 2, "nesting deeper than 64 levels");
	gm_buf_release(&b);
}

static void test_yaml__depth_through_aliases(void **state)
{
	gm_buf b = GM_BUF_INIT;
	gm_yaml_doc *doc = NULL;

	(void)state;
	/* a: &a (63 levels) — b: [*a] is 64 levels: fine; b: [[*a]] is 65 */
	gm_buf_puts(&b, "a: &a ");
	nest(&b, 62, "[", "]");
	gm_buf_puts(&b, "b: [*a]\n");
	assert_gm_ok(load(&doc, b.ptr));
	assert_ptr_equal(gm_yaml_get(doc->root, "a"), gm_yaml_get(doc->root, "b")->items[0]);
	gm_yaml_free(doc);
	gm_buf_puts(&b, "c: [[*a]]\n");
	load_fails(b.ptr, 3, 6, "nesting deeper than 64 levels");
	gm_buf_release(&b);
}

static void test_yaml__aliases(void **state)
{
	gm_yaml_doc *doc = NULL;
	const gm_yaml_node *r;

	(void)state;
	assert_gm_ok(load(&doc, "a: &x [1, 2]\nb: *x\nc: &y {k: *x}\nd: [*y, &s s, *s]\n"));
	r = doc->root;
	assert_int_equal(r->nr, 4);
	assert_ptr_equal(gm_yaml_get(r, "a"), gm_yaml_get(r, "b"));
	assert_ptr_equal(gm_yaml_get(gm_yaml_get(r, "c"), "k"), gm_yaml_get(r, "a"));
	assert_ptr_equal(gm_yaml_get(r, "d")->items[0], gm_yaml_get(r, "c"));
	assert_string_equal(gm_yaml_get(r, "d")->items[2]->value, "s");
	gm_yaml_free(doc);

	load_fails("a: *nope\n", 1, 4, "undefined alias '*nope'");
	load_fails("a: &x [b, *x]\n", 1, 11, "undefined alias '*x'"); /* no cycles */
	load_fails("a: &x 1\nb: &x 2\n", 2, 4, "anchor '&x' is defined twice");
}

static void test_yaml__alias_bomb(void **state)
{
	gm_buf b = GM_BUF_INIT;
	gm_yaml_doc *doc = NULL;
	int i, k;

	(void)state;
	/* 100 aliases of a 200-node mapping: 20k nodes from 300 written, fine */
	gm_buf_puts(&b, "t0: &t {");
	for (i = 0; i < 100; i++)
		gm_buf_printf(&b, "%sc%d: integer", i ? ", " : "", i);
	gm_buf_puts(&b, "}\n");
	for (i = 1; i <= 100; i++)
		gm_buf_printf(&b, "t%d: *t\n", i);
	assert_gm_ok(load(&doc, b.ptr));
	assert_int_equal(doc->root->nr, 101);
	gm_yaml_free(doc);

	/* aliases of aliases: 10^9 nodes from about a hundred */
	gm_buf_clear(&b);
	gm_buf_puts(&b, "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
	for (i = 1; i < 10; i++) {
		gm_buf_printf(&b, "l%d: &l%d [", i, i);
		for (k = 0; k < 10; k++)
			gm_buf_printf(&b, "%s*l%d", k ? ", " : "", i - 1);
		gm_buf_puts(&b, "]\n");
	}
	load_fails(b.ptr, 5, 45, "aliases repeat too much"); /* the 8th *l3 */
	gm_buf_release(&b);
}

static void test_yaml__nul_in_strings(void **state)
{
	gm_yaml_doc *doc = NULL;

	(void)state;
	load_fails("a: \"x\\0y\"\n", 1, 4, "NUL character in a string");
	load_fails("- ok\n- \"\\x00\"\n", 2, 3, "NUL character in a string");
	load_fails("\"\\u0000\": 1\n", 1, 1, "NUL character in a string");
	load_fails("a: \"\\U00000000\"\n", 1, 4, "NUL character in a string");
	assert_error_at(gm_yaml_load(&doc, "f.yml", "a: x\0y\n", 7), 1, 5,
			"binary content (NUL byte)");
}

static void test_yaml__one_document(void **state)
{
	gm_yaml_doc *doc = NULL;

	(void)state;
	load_fails("a: 1\n---\nb: 2\n", 2, 1, "more than one YAML document");
	load_fails("---\na: 1\n...\n--- x\n", 4, 1, "more than one YAML document");
	load_fails("a: 1\n---\n", 2, 1, "more than one YAML document");

	assert_gm_ok(load(&doc, "---\na: 1\n...\n# trailing comment\n"));
	assert_string_equal(gm_yaml_get(doc->root, "a")->value, "1");
	gm_yaml_free(doc);
	assert_gm_ok(load(&doc, "# nothing\n"));
	assert_null(doc->root);
	gm_yaml_free(doc);
}

static void test_yaml__error_places(void **state)
{
	(void)state;
	load_fails("a: [1, 2\n", 2, 1, "flow sequence");
	load_fails("a: 1\nb: \x01\n", 2, 4, "control characters are not allowed");
	load_fails("a: caf\xe9\n", 1, 7, "not valid UTF-8 (byte 0xe9)");
}

/* ---- the event stream ---- */

struct mem {
	const char *data;
	size_t len, pos;
};

static int mem_read(void *payload, char *buf, size_t size, size_t *got)
{
	struct mem *m = payload;
	size_t n = m->len - m->pos;
	if (n > size)
		n = size;
	if (n > 7)
		n = 7; /* small pieces: events cross read boundaries */
	memcpy(buf, m->data + m->pos, n);
	m->pos += n;
	*got = n;
	return 0;
}

/* Read every event of text; the error code of the first failure, or 0. */
static int drain(const char *text, size_t *events)
{
	struct mem m = { text, strlen(text), 0 };
	gm_yaml_stream *s = NULL;
	gm_yaml_event ev;
	int error;

	*events = 0;
	assert_gm_ok(gm_yaml_stream_open(&s, "f.yml", mem_read, &m));
	while ((error = gm_yaml_stream_next(s, &ev)) == 0 && ev.type != GM_YAML_EV_END)
		(*events)++;
	gm_yaml_stream_free(s);
	return error;
}

static void test_yaml__stream_limits(void **state)
{
	gm_buf b = GM_BUF_INIT;
	size_t n;

	(void)state;
	nest(&b, GM_YAML_MAX_DEPTH, "[", "]");
	assert_gm_ok(drain(b.ptr, &n));
	assert_int_equal(n, 2 * GM_YAML_MAX_DEPTH + 1);
	gm_buf_clear(&b);
	nest(&b, 100000, "[", "]");
	assert_error_at(drain(b.ptr, &n), 1, 65, "nesting deeper than 64 levels");
	assert_int_equal(n, GM_YAML_MAX_DEPTH);
	gm_buf_release(&b);

	assert_error_at(drain("t:\n  - {a: \"\\0\"}\n", &n), 2, 9, "NUL character in a string");
	/* the second document fails the call that would end the first one's root */
	assert_error_at(drain("t:\n  - {a: 1}\n---\nu: []\n", &n), 3, 1,
			"more than one YAML document");
	assert_int_equal(n, 8); /* MAP_START t SEQ_START MAP_START a 1 MAP_END SEQ_END */
	assert_error_at(drain("x\n--- y\n", &n), 2, 1, "more than one YAML document");
	assert_int_equal(n, 0);
	assert_gm_ok(drain("---\nt: []\n...\n", &n));
	assert_int_equal(n, 5);
	assert_gm_ok(drain("", &n));
	assert_int_equal(n, 0);
	assert_error_at(drain("a: *x\n", &n), 1, 4, "alias '*x' is not supported here");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_yaml__depth_limit),
		cmocka_unit_test(test_yaml__depth_through_aliases),
		cmocka_unit_test(test_yaml__aliases),
		cmocka_unit_test(test_yaml__alias_bomb),
		cmocka_unit_test(test_yaml__nul_in_strings),
		cmocka_unit_test(test_yaml__one_document),
		cmocka_unit_test(test_yaml__error_places),
		cmocka_unit_test(test_yaml__stream_limits),
	};
	return cmocka_run_group_tests_name("yaml", tests, NULL, NULL);
}
