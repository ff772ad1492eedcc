/* Issue 14's table parts: their YAML keys, their fingerprint and how the diff sees them. */
#include <stdlib.h>
#include "gm_test.h"
#include "diff_int.h"
#include "models_int.h"
#include "schema_int.h"

static gm_schema *parsed(const char *text)
{
	gm_schema *s;
	gm_schema_new(&s);
	assert_gm_ok(gm_models_parse_yaml(s, "models/x.yml", text, strlen(text)));
	return s;
}

static void expect_error(const char *text, int line, int col, const char *msg)
{
	gm_schema *s;
	int rc;

	gm_schema_new(&s);
	rc = gm_models_parse_yaml(s, "models/x.yml", text, strlen(text));
	if (rc != GM_EINVALID || strcmp(gm_error_last()->message, msg) ||
	    gm_error_last()->line != line || gm_error_last()->col != col)
		print_error("got %d %d:%d '%s'\n", rc, gm_error_last()->line, gm_error_last()->col,
			    gm_error_last()->message);
	assert_gm_error_at(rc, GM_EINVALID, "models/x.yml", line, col, msg);
	gm_schema_free(s);
}

static const char parts[] =
	"tables:\n"
	"  t:\n"
	"    columns:\n"
	"      id:    {type: integer, primary_key: true, identity: always}\n"
	"      n:     {type: integer, identity: by_default}\n"
	"      a:     {type: integer, null: false}\n"
	"      g:     {type: integer, generated: \"a * 2\"}\n"
	"      v:     {type: integer, generated: \"a + 1\", stored: false}\n"
	"      u:     {type: text, unique: true, deferrable: initially_deferred}\n"
	"      r:     {type: integer, references: p(id), deferrable: true}\n"
	"    indexes:\n"
	"      - {columns: [a], using: hash}\n"
	"      - {name: t_expr, expression: \"lower(u) DESC\", include: [a], where: \"a > 0\"}\n"
	"      - {columns: [u], unique: true, nulls_not_distinct: true, using: btree}\n"
	"    exclusions:\n"
	"      t_no_overlap: \"USING gist (a WITH =)\"\n"
	"    foreign_keys:\n"
	"      - {columns: [a, n], references: {table: q, columns: [x, y]}, "
	"deferrable: initially_deferred, on_delete: cascade}\n";

static void test_cols_yaml__keys(void **state)
{
	gm_schema *s = parsed(parts);
	gm_table *t = gm_schema_table(s, "t");
	gm_column *c;
	gm_index *ix;
	gm_fkey *fk;

	(void)state;
	c = gm_table_column(t, "id");
	assert_true(c->identity && c->identity_always);
	c = gm_table_column(t, "n");
	assert_true(c->identity && !c->identity_always);
	c = gm_table_column(t, "g");
	assert_string_equal(c->generated, "a * 2");
	assert_true(c->stored);
	c = gm_table_column(t, "v");
	assert_string_equal(c->generated, "a + 1");
	assert_false(c->stored);
	ix = gm_table_index(t, "t_u_key");
	assert_true(ix->constraint && ix->deferrable && ix->initially_deferred);
	fk = gm_table_fkey(t, "t_r_fkey");
	assert_true(fk->deferrable && !fk->initially_deferred);
	ix = gm_table_index(t, "t_a_idx");
	assert_string_equal(ix->method, "hash");
	ix = gm_table_index(t, "t_expr");
	assert_string_equal(ix->expr, "lower(u) DESC");
	assert_int_equal(ix->columns_nr, 0);
	assert_int_equal(ix->include_nr, 1);
	assert_string_equal(ix->include[0], "a");
	assert_string_equal(ix->where, "a > 0");
	ix = gm_table_index(t, "t_u_idx");
	assert_null(ix->method); /* btree is the default */
	assert_true(ix->unique && ix->nulls_not_distinct);
	assert_true(gm_table_check(t, "t_no_overlap")->exclusion);
	assert_string_equal(gm_table_check(t, "t_no_overlap")->expr,
			    "EXCLUDE USING gist (a WITH =)");
	fk = gm_table_fkey(t, "t_a_n_fkey");
	assert_non_null(fk);
	assert_int_equal(fk->columns_nr, 2);
	assert_string_equal(fk->ref_table, "q");
	assert_string_equal(fk->ref_columns[1], "y");
	assert_string_equal(fk->on_delete, "cascade");
	assert_true(fk->deferrable && fk->initially_deferred);
	gm_schema_free(s);
}

static void test_cols_yaml__errors(void **state)
{
	(void)state;
	expect_error("tables:\n  t:\n    columns:\n      a: {type: integer, identity: sometimes}\n",
		     4, 36,
		     "'identity' of column 't.a' must be true, false, always or by_default, not "
		     "'sometimes'");
	expect_error("tables:\n  t:\n    columns:\n"
		     "      a: {type: integer, generated: \"1\", default: 2}\n",
		     4, 37, "column 't.a' is generated: it cannot have a default");
	expect_error("tables:\n  t:\n    columns:\n      a: {type: integer, stored: true}\n", 4, 34,
		     "column 't.a' has 'stored' but no 'generated'");
	expect_error("tables:\n  t:\n    columns:\n      a: {type: integer, deferrable: true}\n", 4,
		     38, "column 't.a' has 'deferrable' but no 'references' or 'unique: true'");
	expect_error("tables:\n  t:\n    columns:\n      a: integer\n"
		     "    indexes:\n      - {columns: [a], using: \"gin; drop\"}\n",
		     6, 31,
		     "'using' of an index must be an access method name (btree, hash, gin, gist, "
		     "brin, ...), not 'gin; drop'");
	expect_error("tables:\n  t:\n    columns:\n      a: integer\n"
		     "    indexes:\n      - {expression: lower(a)}\n",
		     6, 9, "an index of table 't' on an expression needs a 'name'");
	expect_error(
		"tables:\n  t:\n    columns:\n      a: integer\n"
		"    foreign_keys:\n      - {columns: [b], references: {table: q, columns: [x]}}\n",
		6, 20, "'columns' of a foreign key names missing column 'b'");
}

/* The one change of the one table between the models a and b. */
static void diff_of(gm_changes *ch, gm_schema **a, gm_schema **b, const char *ya, const char *yb)
{
	*a = parsed(ya);
	*b = parsed(yb);
	assert_gm_ok(gm_diff(ch, *a, *b, 0));
	assert_int_equal(ch->nr, 1);
	assert_int_equal(ch->v[0].kind, GM_CHANGE_MODIFY_TABLE);
}

/* The sub-changes of the one change are of these n kinds, in order. */
static void assert_kinds(const gm_changes *ch, size_t n, const gm_tchange_kind *kinds)
{
	size_t i;

	assert_int_equal(ch->v[0].tchanges_nr, n);
	for (i = 0; i < n; i++)
		assert_int_equal(ch->v[0].tchanges[i].kind, kinds[i]);
}

static void release(gm_changes *ch, gm_schema *a, gm_schema *b)
{
	gm_changes_release(ch);
	gm_schema_free(a);
	gm_schema_free(b);
}

#define HEAD "tables:\n  t:\n    columns:\n      a: integer\n"

static void test_cols_yaml__diff(void **state)
{
	static const gm_tchange_kind recreate[] = { GM_TCHANGE_DROP_INDEX, GM_TCHANGE_DROP_COLUMN,
						    GM_TCHANGE_ADD_COLUMN, GM_TCHANGE_ADD_INDEX };
	static const gm_tchange_kind redefer[] = { GM_TCHANGE_DROP_FKEY, GM_TCHANGE_DROP_INDEX,
						   GM_TCHANGE_ADD_INDEX, GM_TCHANGE_ADD_FKEY };
	gm_changes ch = GM_CHANGES_INIT;
	gm_schema *a, *b;

	(void)state;
	/* identity BY DEFAULT → ALWAYS: one MODIFY_COLUMN */
	diff_of(&ch, &a, &b, HEAD "      i: {type: integer, identity: true}\n",
		HEAD "      i: {type: integer, identity: always}\n");
	assert_int_equal(ch.v[0].tchanges_nr, 1);
	assert_int_equal(ch.v[0].tchanges[0].coldiff, GM_COLDIFF_IDENTITY);
	release(&ch, a, b);

	/* a new expression: drop and add, the index on it along */
	diff_of(&ch, &a, &b,
		HEAD "      g: {type: integer, generated: a + 1}\n    indexes:\n"
		     "      - {columns: [g]}\n",
		HEAD "      g: {type: integer, generated: a + 2}\n    indexes:\n"
		     "      - {columns: [g]}\n");
	assert_kinds(&ch, 4, recreate);
	release(&ch, a, b);

	/* generated → plain: a MODIFY_COLUMN that keeps the values */
	diff_of(&ch, &a, &b, HEAD "      g: {type: integer, generated: a + 1}\n",
		HEAD "      g: integer\n");
	assert_int_equal(ch.v[0].tchanges_nr, 1);
	assert_int_equal(ch.v[0].tchanges[0].kind, GM_TCHANGE_MODIFY_COLUMN);
	assert_int_equal(ch.v[0].tchanges[0].coldiff, GM_COLDIFF_GENERATED);
	release(&ch, a, b);

	/* a key's deferral, an index's method: drop and add */
	diff_of(&ch, &a, &b,
		HEAD "      r: {type: integer, references: t(a)}\n    indexes:\n"
		     "      - {columns: [a]}\n",
		HEAD "      r: {type: integer, references: t(a), deferrable: true}\n"
		     "    indexes:\n      - {columns: [a], using: brin}\n");
	assert_kinds(&ch, 4, redefer);
	release(&ch, a, b);
}

static void test_cols_yaml__fingerprint(void **state)
{
	gm_schema *s = parsed(parts);
	gm_buf b = GM_BUF_INIT;

	(void)state;
	gm_schema_fingerprint(&b, s);
	assert_non_null(strstr(b.ptr, "  column id integer not null identity always\n"));
	assert_non_null(strstr(b.ptr, "  column g integer generated stored 'a * 2'\n"));
	assert_non_null(strstr(b.ptr, "  column v integer generated virtual 'a + 1'\n"));
	assert_non_null(strstr(b.ptr, "  index t_a_idx (a) using hash\n"));
	assert_non_null(strstr(b.ptr, "  index t_expr expression 'lower(u) DESC' include (a)"
				      " where 'a > 0'\n"));
	assert_non_null(strstr(b.ptr, "  unique index t_u_idx (u) nulls not distinct\n"));
	assert_non_null(strstr(b.ptr, "  unique constraint t_u_key (u) deferrable initially"
				      " deferred\n"));
	assert_non_null(
		strstr(b.ptr, "  exclusion t_no_overlap 'EXCLUDE USING gist (a WITH =)'\n"));
	assert_non_null(strstr(b.ptr, "  foreign key t_r_fkey (r) references p (id) deferrable\n"));
	gm_buf_release(&b);
	gm_schema_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cols_yaml__keys),
		cmocka_unit_test(test_cols_yaml__errors),
		cmocka_unit_test(test_cols_yaml__diff),
		cmocka_unit_test(test_cols_yaml__fingerprint),
	};
	return cmocka_run_group_tests_name("cols_yaml", tests, NULL, NULL);
}
