/* Writing a schema as YAML models (models_write*.c): what it writes reads back the same. */
#include <stdlib.h>
#include "gm_test.h"
#include "models_int.h"
#include "models_write.h"
#include "schema_int.h"
#include "util/strvec.h"

/* Write s, parse the YAML back; *sql_out and why get the SQL part. */
static gm_schema *round_trip(const gm_schema *s, bool native, gm_schema **sql_out, gm_strvec *why)
{
	gm_buf yaml = GM_BUF_INIT;
	gm_schema *back;

	gm_models_write(&yaml, sql_out, why, s, native);
	gm_schema_new(&back);
	if (gm_models_parse_yaml(back, "models/schema.yml", yaml.ptr, yaml.len) < 0) {
		print_error("%s\n--\n%s\n", gm_error_last()->message, yaml.ptr);
		fail();
	}
	gm_buf_release(&yaml);
	return back;
}

/* Names, defaults and comments that need quoting come back as they were. */
static void test_quoting(void **state)
{
	static const char *const odd[] = { "no", "on",        "a b",  "x:y", "it's",   "q\"q",
					   "#c", "tab\there", "true", "1st", "- dash", NULL };
	gm_schema *s, *back, *sql = NULL;
	gm_strvec why = GM_STRVEC_INIT;
	gm_table *t;
	size_t i;

	(void)state;
	gm_schema_new(&s);
	t = gm_schema_add_table(s, "odd: table");
	for (i = 0; odd[i]; i++) {
		gm_column *c = gm_table_add_column(t, odd[i], "text");
		gm_column_set_default(c, GM_DEFAULT_LITERAL, odd[i]);
		gm_set_str(&c->comment, "line 1\nline \"2\" \\ end");
	}
	back = round_trip(s, true, &sql, &why);
	assert_int_equal(why.nr, 0);
	assert_int_equal(sql->tables_nr, 0);
	t = gm_schema_table(back, "odd: table");
	assert_non_null(t);
	assert_int_equal(t->columns_nr, i);
	for (i = 0; odd[i]; i++) {
		gm_column *c = gm_table_column(t, odd[i]);
		assert_non_null(c);
		assert_string_equal(c->default_value, odd[i]);
		assert_string_equal(c->comment, "line 1\nline \"2\" \\ end");
	}
	gm_schema_free(back);
	gm_schema_free(sql);
	gm_schema_free(s);
}

/* Keys, indexes, foreign keys, checks, identity and generated columns read back equal. */
static void test_tables(void **state)
{
	gm_schema *s, *back, *sql = NULL;
	gm_strvec why = GM_STRVEC_INIT;
	gm_buf a = GM_BUF_INIT, b = GM_BUF_INIT;
	gm_table *p, *c;
	gm_index *ix;
	gm_fkey *fk;

	(void)state;
	gm_schema_new(&s);
	gm_enum_add_label(gm_schema_add_enum(s, "mood"), "it's ok");
	p = gm_schema_add_table(s, "parents");
	gm_table_add_column(p, "a", "integer")->nullable = false;
	gm_table_add_column(p, "b", "integer")->nullable = false;
	gm_table_add_pk(p, "a");
	gm_table_add_pk(p, "b");
	gm_set_str(&p->pk_name, "parents_pkey");
	c = gm_schema_add_table(s, "kids");
	gm_table_add_column(c, "id", "bigint")->identity = true;
	c->columns[0]->identity_always = true;
	c->columns[0]->nullable = false;
	gm_table_add_column(c, "a", "integer");
	gm_table_add_column(c, "b", "integer");
	gm_table_add_column(c, "m", "mood");
	gm_set_str(&gm_table_add_column(c, "g", "text")->generated, "lower(m::text)");
	c->columns[4]->stored = true;
	gm_table_add_pk(c, "id");
	gm_set_str(&c->pk_name, "kids_pkey");
	ix = gm_table_add_index(c, "kids_lower");
	gm_set_str(&ix->expr, "lower(g)");
	gm_set_str(&ix->where, "a > 0");
	ix = gm_table_add_index(c, "kids_m_key");
	gm_index_add_column(ix, "m");
	ix->unique = ix->constraint = ix->deferrable = true;
	fk = gm_table_add_fkey(c, "kids_parent", "parents");
	gm_fkey_add_pair(fk, "a", "a");
	gm_fkey_add_pair(fk, "b", "b");
	gm_set_str(&fk->on_delete, "set null");
	fk->deferrable = fk->initially_deferred = true;
	gm_table_add_check(c, "a_pos", "a > 0");

	back = round_trip(s, true, &sql, &why);
	assert_int_equal(why.nr, 0);
	gm_schema_fingerprint(&a, s);
	gm_models_resolve(back);
	gm_schema_fingerprint(&b, back);
	assert_string_equal(a.ptr, b.ptr);
	gm_buf_release(&a);
	gm_buf_release(&b);
	gm_schema_free(back);
	gm_schema_free(sql);
	gm_schema_free(s);
}

/* A primary key under its own name goes to the SQL part, with the table it references. */
static void test_sql_part(void **state)
{
	gm_schema *s, *back, *sql = NULL;
	gm_strvec why = GM_STRVEC_INIT;
	gm_table *p, *c, *other;
	gm_fkey *fk;

	(void)state;
	gm_schema_new(&s);
	p = gm_schema_add_table(s, "parents");
	gm_table_add_column(p, "id", "integer")->nullable = false;
	gm_table_add_pk(p, "id");
	gm_set_str(&p->pk_name, "parents_pkey");
	c = gm_schema_add_table(s, "kids");
	gm_table_add_column(c, "id", "integer")->nullable = false;
	gm_table_add_column(c, "parent", "integer");
	gm_table_add_pk(c, "id");
	gm_set_str(&c->pk_name, "PK_kids");
	fk = gm_table_add_fkey(c, "kids_parent_fkey", "parents");
	gm_fkey_add_pair(fk, "parent", "id");
	other = gm_schema_add_table(s, "other");
	gm_table_add_column(other, "kid", "integer");
	fk = gm_table_add_fkey(other, "other_kid_fkey", "kids");
	gm_fkey_add_pair(fk, "kid", "id");

	back = round_trip(s, true, &sql, &why);
	assert_int_equal(why.nr, 2);
	assert_string_equal(why.v[0], "table kids: its primary key is named 'PK_kids'");
	assert_string_equal(why.v[1], "table parents: used by table kids");
	assert_int_equal(sql->tables_nr, 2);
	assert_non_null(gm_schema_table(sql, "kids"));
	assert_non_null(gm_schema_table(sql, "parents"));
	assert_int_equal(back->tables_nr, 1); /* other: YAML, referencing a SQL table */
	assert_non_null(gm_schema_table(back, "other"));
	gm_strvec_release(&why);
	gm_schema_free(back);
	gm_schema_free(sql);
	gm_schema_free(s);
}

/* Triggers of one name on two tables: the second is keyed "name on table". */
static void test_trigger_names(void **state)
{
	gm_schema *s, *back, *sql = NULL;
	gm_strvec why = GM_STRVEC_INIT;
	const char *tables[] = { "a", "b" };
	gm_buf create = GM_BUF_INIT, name = GM_BUF_INIT;
	size_t i;

	(void)state;
	gm_schema_new(&s);
	for (i = 0; i < 2; i++) {
		gm_table_add_column(gm_schema_add_table(s, tables[i]), "id", "integer");
		gm_buf_clear(&create);
		gm_buf_clear(&name);
		gm_buf_printf(&create,
			      "CREATE TRIGGER audit AFTER INSERT ON %s FOR EACH ROW "
			      "EXECUTE FUNCTION noop();",
			      tables[i]);
		gm_buf_printf(&name, "audit on %s", tables[i]);
		gm_schema_add_dependent(s, "trigger", name.ptr, tables[i], create.ptr);
	}
	back = round_trip(s, true, &sql, &why);
	assert_int_equal(why.nr, 0);
	assert_non_null(gm_schema_dependent(back, "trigger", "audit"));
	assert_non_null(gm_schema_dependent(back, "trigger", "audit on b"));
	assert_string_equal(gm_schema_dependent(back, "trigger", "audit on b")->table, "b");
	gm_buf_release(&create);
	gm_buf_release(&name);
	gm_schema_free(back);
	gm_schema_free(sql);
	gm_schema_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_sql_part),
		cmocka_unit_test(test_trigger_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
