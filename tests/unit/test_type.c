/* Canonical column types (schema.h's contract) and gm_type_is_numeric. */
#include "gm_test.h"
#include "type.h"

static const struct {
	const char *declared;
	const char *canonical;
} cases[] = {
	/* the portable vocabulary maps to itself */
	{ "integer", "integer" },
	{ "bigint", "bigint" },
	{ "smallint", "smallint" },
	{ "serial", "serial" },
	{ "bigserial", "bigserial" },
	{ "boolean", "boolean" },
	{ "text", "text" },
	{ "varchar(200)", "varchar(200)" },
	{ "char(3)", "char(3)" },
	{ "numeric(12,2)", "numeric(12,2)" },
	{ "real", "real" },
	{ "double", "double" },
	{ "date", "date" },
	{ "time", "time" },
	{ "timestamp", "timestamp" },
	{ "timestamptz", "timestamptz" },
	{ "json", "json" },
	{ "jsonb", "jsonb" },
	{ "uuid", "uuid" },
	{ "blob", "blob" },
	/* PostgreSQL catalog spellings */
	{ "int4", "integer" },
	{ "int8", "bigint" },
	{ "int2", "smallint" },
	{ "bool", "boolean" },
	{ "character varying(120)", "varchar(120)" },
	{ "character varying", "varchar" },
	{ "character(2)", "char(2)" },
	{ "bpchar", "char(1)" },
	{ "numeric(10)", "numeric(10,0)" },
	{ "numeric", "numeric" },
	{ "double precision", "double" },
	{ "float8", "double" },
	{ "float4", "real" },
	{ "float(10)", "real" },
	{ "float(53)", "double" },
	{ "timestamp without time zone", "timestamp" },
	{ "timestamp with time zone", "timestamptz" },
	{ "timestamp(3) with time zone", "timestamptz(3)" },
	{ "timestamp(6) without time zone", "timestamp(6)" },
	{ "time without time zone", "time" },
	{ "time with time zone", "timetz" },
	{ "_int4", "integer[]" },
	{ "_varchar", "varchar[]" },
	{ "integer[]", "integer[]" },
	{ "character varying(20)[]", "varchar(20)[]" },
	/* SQLite declared types, any case, any spacing */
	{ "INTEGER", "integer" },
	{ "INT", "integer" },
	{ "int", "integer" },
	{ "BIGINT", "bigint" },
	{ "VARCHAR(255)", "varchar(255)" },
	{ "Varchar ( 255 )", "varchar(255)" },
	{ "DECIMAL(12, 2)", "numeric(12,2)" },
	{ "decimal(12,2)", "numeric(12,2)" },
	{ "numeric( 12 , 2 )", "numeric(12,2)" },
	{ "DOUBLE PRECISION", "double" },
	{ "  double \t precision ", "double" },
	{ "FLOAT", "double" },
	{ "REAL", "real" },
	{ "BLOB", "blob" },
	{ "TEXT", "text" },
	{ "BOOLEAN", "boolean" },
	{ "TIMESTAMP WITH TIME ZONE", "timestamptz" },
	{ "char", "char(1)" },
	/* arrays */
	{ "int[]", "integer[]" },
	{ "INT4[3]", "integer[]" },
	{ "integer ARRAY", "integer[]" },
	{ "text[][]", "text[]" },
	{ "dealcurrency[]", "dealcurrency[]" },
	/* native and unknown types: lowercased, single spaces, passed through */
	{ "bytea", "bytea" },
	{ "BYTEA", "bytea" },
	{ "inet", "inet" },
	{ "INTERVAL  DAY TO SECOND", "interval day to second" },
	{ "bit varying(5)", "bit varying(5)" },
	{ "DealCurrency", "dealcurrency" },
	{ "\"DealCurrency\"", "DealCurrency" },
	{ "\"DealCurrency\"[]", "DealCurrency[]" },
	{ "DATETIME", "datetime" },
	{ "UNSIGNED BIG INT", "unsigned big int" },
	{ "", "" },
};

static void test_type__canonical_table(void **state)
{
	gm_buf b = GM_BUF_INIT;
	size_t i;
	int failed = 0;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		gm_type_canonical(&b, cases[i].declared);
		if (strcmp(b.ptr, cases[i].canonical)) {
			print_error("'%s' → '%s', expected '%s'\n", cases[i].declared, b.ptr,
				    cases[i].canonical);
			failed++;
		}
	}
	gm_buf_release(&b);
	assert_int_equal(failed, 0);
}

static void test_type__canonical_is_idempotent(void **state)
{
	gm_buf a = GM_BUF_INIT, b = GM_BUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (strchr(cases[i].declared, '"'))
			continue; /* quoted identifiers keep case: a second pass lowercases */
		gm_type_canonical(&a, cases[i].declared);
		gm_type_canonical(&b, a.ptr);
		assert_string_equal(a.ptr, b.ptr);
	}
	gm_buf_release(&a);
	gm_buf_release(&b);
}

static void test_type__canonical_clears_out(void **state)
{
	gm_buf b = GM_BUF_INIT;

	(void)state;
	gm_buf_puts(&b, "leftover");
	gm_type_canonical(&b, "INT8");
	assert_string_equal(b.ptr, "bigint");
	gm_buf_release(&b);
}

static void test_type__is_numeric(void **state)
{
	(void)state;
	assert_true(gm_type_is_numeric("integer"));
	assert_true(gm_type_is_numeric("bigint"));
	assert_true(gm_type_is_numeric("smallint"));
	assert_true(gm_type_is_numeric("serial"));
	assert_true(gm_type_is_numeric("bigserial"));
	assert_true(gm_type_is_numeric("numeric"));
	assert_true(gm_type_is_numeric("numeric(12,2)"));
	assert_true(gm_type_is_numeric("real"));
	assert_true(gm_type_is_numeric("double"));
	assert_false(gm_type_is_numeric("integer[]"));
	assert_false(gm_type_is_numeric("numeric(12,2)[]"));
	assert_false(gm_type_is_numeric("text"));
	assert_false(gm_type_is_numeric("varchar(10)"));
	assert_false(gm_type_is_numeric("boolean"));
	assert_false(gm_type_is_numeric("money"));
	assert_false(gm_type_is_numeric("integers"));
	assert_false(gm_type_is_numeric(""));
	assert_false(gm_type_is_numeric(NULL));
}

static void test_type__portable_and_builtin(void **state)
{
	(void)state;
	assert_true(gm_type_is_portable("integer"));
	assert_true(gm_type_is_portable("varchar(20)"));
	assert_true(gm_type_is_portable("numeric(12,2)[]"));
	assert_true(gm_type_is_portable("timestamptz"));
	assert_false(gm_type_is_portable("smallserial"));
	assert_false(gm_type_is_portable("timetz"));
	assert_false(gm_type_is_portable("inet"));
	assert_false(gm_type_is_portable("dealcurrency"));
	assert_true(gm_type_is_builtin("inet"));
	assert_true(gm_type_is_builtin("timetz[]"));
	assert_true(gm_type_is_builtin("datetime"));
	assert_true(gm_type_is_builtin("text"));
	assert_false(gm_type_is_builtin("dealcurrency"));
	assert_false(gm_type_is_builtin("integers"));
}

static void test_type__serial(void **state)
{
	(void)state;
	assert_string_equal(gm_type_serial_storage("serial"), "integer");
	assert_string_equal(gm_type_serial_storage("bigserial"), "bigint");
	assert_string_equal(gm_type_serial_storage("smallserial"), "smallint");
	assert_null(gm_type_serial_storage("integer"));
	assert_null(gm_type_serial_storage("serial[]"));
	assert_null(gm_type_serial_storage(NULL));
	assert_string_equal(gm_type_serial_of("bigint"), "bigserial");
	assert_null(gm_type_serial_of("numeric"));
	assert_true(gm_type_is_serial("smallserial"));
	assert_false(gm_type_is_serial("int"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_type__canonical_table),
		cmocka_unit_test(test_type__canonical_is_idempotent),
		cmocka_unit_test(test_type__canonical_clears_out),
		cmocka_unit_test(test_type__is_numeric),
		cmocka_unit_test(test_type__portable_and_builtin),
		cmocka_unit_test(test_type__serial),
	};
	return cmocka_run_group_tests_name("type", tests, NULL, NULL);
}
