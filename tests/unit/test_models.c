/* YAML models (DESIGN.md §3.3) and their validation; loading the sources: test_models_load.c. */
#include <stdlib.h>
#include "gm_test.h"
#include "db_int.h"
#include "models_int.h"
#include "schema_int.h"

static int parse(gm_schema *s, const char *path, const char *text)
{
	return gm_models_parse_yaml(s, path, text, strlen(text));
}

static char *fingerprint(const gm_schema *s)
{
	gm_buf b = GM_BUF_INIT;
	gm_schema_fingerprint(&b, s);
	return gm_buf_detach(&b);
}

/* The last error is exactly code at path:line:col with message; its hint. */
#define assert_error_at assert_gm_error_at
#define assert_hint assert_gm_hint

/* A new schema holding the models of text, parsed as path (which must succeed). */
static gm_schema *parsed(const char *path, const char *text)
{
	gm_schema *s;
	gm_schema_new(&s);
	assert_gm_ok(parse(s, path, text));
	return s;
}

/* Column `name` of t exists and has type `type`. */
static void assert_column_type(const gm_table *t, const char *name, const char *type)
{
	const gm_column *c = gm_table_column(t, name);
	assert_non_null(c);
	assert_string_equal(c->type, type);
}

/* Parse text as models/x.yml into a new schema; expect failure at line:col with msg. */
static void expect_parse_error(const char *text, int line, int col, const char *msg)
{
	gm_schema *s;
	int rc;

	gm_schema_new(&s);
	rc = parse(s, "models/x.yml", text);
	if (rc != GM_EINVALID || strcmp(gm_error_last()->message, msg) ||
	    gm_error_last()->line != line || gm_error_last()->col != col)
		print_error("got %d %d:%d '%s' for:\n%s", rc, gm_error_last()->line,
			    gm_error_last()->col, gm_error_last()->message, text);
	assert_error_at(rc, GM_EINVALID, "models/x.yml", line, col, msg);
	assert_int_equal(s->tables_nr, 0); /* a failed file leaves nothing behind */
	assert_int_equal(s->enums_nr, 0);
	gm_schema_free(s);
}

static const char design_example[] =
	"enums:\n"
	"  dealcurrency: [USD, EUR, AED, GBP, BTC]\n"
	"\n"
	"tables:\n"
	"  contacts:\n"
	"    columns:\n"
	"      id:    {type: integer, primary_key: true}\n"
	"      email: {type: varchar(200), null: false, unique: true}\n"
	"  deals:\n"
	"    comment: Sales deals\n"
	"    columns:\n"
	"      id:         {type: bigint, primary_key: true, identity: true}\n"
	"      title:      {type: varchar(120), null: false}\n"
	"      amount:     {type: numeric(12,2), null: false, default: 0}\n"
	"      currency:   {type: dealcurrency, null: false, default: USD}\n"
	"      contact_id: {type: integer, references: contacts(id), on_delete: cascade}\n"
	"      created_at: {type: timestamptz, null: false, default_sql: \"now()\"}\n"
	"      summary: text                      # shorthand: type only, nullable\n"
	"    indexes:\n"
	"      - {columns: [title]}\n"
	"      - {name: ux_deals_contact_title, columns: [contact_id, title], unique: true}\n"
	"    checks:\n"
	"      amount_positive: amount >= 0\n";

static void test_models__design_example(void **state)
{
	gm_schema *s;
	char *fp;
	gm_table *deals;

	(void)state;
	s = parsed("models/crm.yml", design_example);
	assert_gm_ok(gm_models_validate(s));
	fp = fingerprint(s);
	assert_string_equal(
		fp,
		"enum dealcurrency ('USD', 'EUR', 'AED', 'GBP', 'BTC')\n"
		"table contacts\n"
		"  column email varchar(200) not null\n"
		"  column id integer not null\n"
		"  primary key contacts_pkey (id)\n"
		"  unique constraint contacts_email_key (email)\n"
		"table deals\n"
		"  comment 'Sales deals'\n"
		"  column amount numeric(12,2) not null default literal '0'\n"
		"  column contact_id integer\n"
		"  column created_at timestamptz not null default sql 'now()'\n"
		"  column currency dealcurrency not null default literal 'USD'\n"
		"  column id bigint not null identity\n"
		"  column summary text\n"
		"  column title varchar(120) not null\n"
		"  primary key deals_pkey (id)\n"
		"  index deals_title_idx (title)\n"
		"  unique index ux_deals_contact_title (contact_id, title)\n"
		"  foreign key deals_contact_id_fkey (contact_id) references contacts (id) on delete cascade\n"
		"  check amount_positive 'amount >= 0'\n");
	free(fp);

	/* declaration order and origins are kept */
	deals = gm_schema_table(s, "deals");
	assert_string_equal(s->tables[0]->name, "contacts");
	assert_string_equal(deals->columns[0]->name, "id");
	assert_string_equal(deals->columns[6]->name, "summary");
	assert_string_equal(deals->origin, "models/crm.yml:9:3");
	assert_string_equal(deals->columns[1]->origin, "models/crm.yml:13:7");
	assert_string_equal(s->enums[0]->origin, "models/crm.yml:2:3");
	assert_null(deals->was);
	gm_schema_free(s);
}

static void test_models__nullability_and_keys(void **state)
{
	gm_schema *s;
	gm_table *t;

	(void)state;
	s = parsed("m.yml", "tables:\n"
			    "  members:\n"
			    "    primary_key: [team_id, user_id]\n"
			    "    columns:\n"
			    "      team_id: integer\n"
			    "      user_id: {type: int8}\n"
			    "      role: {type: text, null: true}\n"
			    "      note: {type: text, null: false}\n"
			    "      seq: serial\n"
			    "  single:\n"
			    "    primary_key: code\n"
			    "    columns:\n"
			    "      code: char(3)\n");
	t = gm_schema_table(s, "members");
	assert_int_equal(t->pk_nr, 2);
	assert_string_equal(t->pk[0], "team_id");
	assert_string_equal(t->pk[1], "user_id");
	assert_string_equal(t->pk_name, "members_pkey");
	assert_false(gm_table_column(t, "team_id")->nullable);
	assert_false(gm_table_column(t, "user_id")->nullable);
	assert_column_type(t, "user_id", "bigint");
	assert_true(gm_table_column(t, "role")->nullable);
	assert_false(gm_table_column(t, "note")->nullable);
	assert_false(gm_table_column(t, "seq")->nullable); /* serial is never null */
	t = gm_schema_table(s, "single");
	assert_int_equal(t->pk_nr, 1);
	assert_false(gm_table_column(t, "code")->nullable);
	assert_gm_ok(gm_models_validate(s));
	gm_schema_free(s);
}

static void test_models__defaults(void **state)
{
	gm_schema *s;
	gm_table *t;

	(void)state;
	s = parsed("m.yml", "tables:\n"
			    "  t:\n"
			    "    columns:\n"
			    "      a: {type: boolean, default: yes}\n"
			    "      b: {type: bool, default: FALSE}\n"
			    "      c: {type: text, default: \"it's\"}\n"
			    "      d: {type: text, default: True}\n"
			    "      e: {type: text, default: \"no\"}\n"
			    "      f: {type: numeric(5,2), default: 12.50}\n"
			    "      g: {type: integer, default: -1}\n"
			    "      h: {type: timestamptz, default_sql: CURRENT_TIMESTAMP}\n"
			    "      i: {type: text, default: ''}\n");
	t = gm_schema_table(s, "t");
#define DEF(col, kind, val)                                                       \
	do {                                                                      \
		assert_int_equal(gm_table_column(t, col)->default_kind, kind);    \
		assert_string_equal(gm_table_column(t, col)->default_value, val); \
	} while (0)
	DEF("a", GM_DEFAULT_LITERAL, "true");
	DEF("b", GM_DEFAULT_LITERAL, "false");
	DEF("c", GM_DEFAULT_LITERAL, "it's");
	DEF("d", GM_DEFAULT_LITERAL, "true");
	DEF("e", GM_DEFAULT_LITERAL, "no");
	DEF("f", GM_DEFAULT_LITERAL, "12.50");
	DEF("g", GM_DEFAULT_LITERAL, "-1");
	DEF("h", GM_DEFAULT_SQL, "CURRENT_TIMESTAMP");
	DEF("i", GM_DEFAULT_LITERAL, "");
#undef DEF
	gm_schema_free(s);
}

static void test_models__references_unique_indexes_checks(void **state)
{
	gm_schema *s;
	gm_table *t;
	gm_fkey *fk;
	gm_index *ix;

	(void)state;
	s = parsed(
		"m.yml",
		"tables:\n"
		"  orders:\n"
		"    columns:\n"
		"      id: {type: integer, primary_key: true}\n"
		"      a: {type: integer, references: contacts(id), on_delete: SET NULL}\n"
		"      b: {type: integer, references: contacts.id, on_update: cascade}\n"
		"      c: {type: integer, references: contacts, on_delete: no action}\n"
		"      d: {type: integer, references: \" contacts ( code ) \", on_delete: set_default}\n"
		"      e: {type: text, unique: true}\n"
		"    indexes:\n"
		"      - {columns: [a, b]}\n"
		"      - {name: orders_lower_e, columns: [e], where: \"e <> ''\"}\n"
		"    checks:\n"
		"      a_positive: (a > 0)\n"
		"      both: (a > 0) and (b > 0)\n"
		"  contacts:\n"
		"    columns:\n"
		"      id: {type: integer, primary_key: true}\n"
		"      code: {type: text, unique: true}\n");
	assert_gm_ok(gm_models_validate(s));
	t = gm_schema_table(s, "orders");
	fk = gm_table_fkey(t, "orders_a_fkey");
	assert_non_null(fk);
	assert_string_equal(fk->ref_table, "contacts");
	assert_string_equal(fk->ref_columns[0], "id");
	assert_string_equal(fk->on_delete, "set null");
	assert_null(fk->on_update);
	fk = gm_table_fkey(t, "orders_b_fkey");
	assert_string_equal(fk->ref_columns[0], "id");
	assert_string_equal(fk->on_update, "cascade");
	fk = gm_table_fkey(t, "orders_c_fkey");
	assert_string_equal(fk->ref_columns[0], "id"); /* the primary key, resolved */
	assert_null(fk->on_delete);
	fk = gm_table_fkey(t, "orders_d_fkey");
	assert_string_equal(fk->ref_columns[0], "code");
	assert_string_equal(fk->on_delete, "set default");

	ix = gm_table_index(t, "orders_e_key");
	assert_non_null(ix);
	assert_true(ix->unique && ix->constraint);
	assert_int_equal(ix->columns_nr, 1);
	ix = gm_table_index(t, "orders_a_b_idx");
	assert_non_null(ix);
	assert_false(ix->unique || ix->constraint);
	assert_int_equal(ix->columns_nr, 2);
	ix = gm_table_index(t, "orders_lower_e");
	assert_string_equal(ix->where, "e <> ''");
	assert_string_equal(gm_table_check(t, "a_positive")->expr, "a > 0");
	assert_string_equal(gm_table_check(t, "both")->expr, "(a > 0) and (b > 0)");
	gm_schema_free(s);
}

static void test_models__rename_hints_and_enum_forms(void **state)
{
	gm_schema *s;
	gm_table *t;

	(void)state;
	s = parsed("m.yml", "enums:\n"
			    "  stage: {values: [lead, won, lost], was: deal_stage}\n"
			    "  One: [only]\n"
			    "tables:\n"
			    "  deals:\n"
			    "    was: opportunities\n"
			    "    columns:\n"
			    "      stage: {type: stage, was: phase, comment: where it is}\n"
			    "      stages: stage[]\n"
			    "      flags: text[]\n");
	assert_string_equal(s->enums[0]->was, "deal_stage");
	assert_int_equal(s->enums[0]->labels_nr, 3);
	assert_string_equal(s->enums[0]->labels[2], "lost");
	assert_int_equal(s->enums[1]->labels_nr, 1);
	t = gm_schema_table(s, "deals");
	assert_string_equal(t->was, "opportunities");
	assert_string_equal(gm_table_column(t, "stage")->was, "phase");
	assert_string_equal(gm_table_column(t, "stage")->comment, "where it is");
	assert_column_type(t, "stage", "stage");
	assert_column_type(t, "stages", "stage[]");
	assert_column_type(t, "flags", "text[]");
	assert_gm_ok(gm_models_validate(s));
	gm_schema_free(s);
}

static void test_models__enum_names_keep_their_case_across_files(void **state)
{
	gm_schema *s;
	gm_table *t;

	(void)state;
	/* the table comes first, the enum in a later file; type names are case-insensitive */
	s = parsed("models/a.yml", "tables:\n"
				   "  deals:\n"
				   "    columns:\n"
				   "      currency: {type: DealCurrency, default: USD}\n"
				   "      other: dealcurrency[]\n"
				   "      native: INET\n");
	assert_gm_ok(parse(s, "models/b.yml", "enums:\n  DealCurrency: [USD, EUR]\n"));
	t = gm_schema_table(s, "deals");
	assert_column_type(t, "currency", "DealCurrency");
	assert_column_type(t, "other", "DealCurrency[]");
	assert_column_type(t, "native", "inet");
	assert_gm_ok(gm_models_validate(s));
	gm_schema_free(s);
}

static void test_models__flow_mapping_commas_in_types(void **state)
{
	gm_schema *s;
	gm_table *t;

	(void)state;
	/* in a flow mapping `numeric(12,2)` splits at its comma: it is rejoined */
	s = parsed("m.yml", "tables:\n"
			    "  t:\n"
			    "    columns: {a: numeric(12,2), b: int, c: decimal(5, 1)}\n"
			    "  u:\n"
			    "    columns:\n"
			    "      a: {type: numeric(12, 2), null: false}\n"
			    "      b: {null: false, type: numeric(3,1), default: 0}\n");
	t = gm_schema_table(s, "t");
	assert_int_equal(t->columns_nr, 3);
	assert_column_type(t, "a", "numeric(12,2)");
	assert_column_type(t, "b", "integer");
	assert_column_type(t, "c", "numeric(5,1)");
	t = gm_schema_table(s, "u");
	assert_column_type(t, "a", "numeric(12,2)");
	assert_false(gm_table_column(t, "a")->nullable);
	assert_column_type(t, "b", "numeric(3,1)");
	assert_string_equal(gm_table_column(t, "b")->default_value, "0");
	gm_schema_free(s);
}

static void test_models__empty_files(void **state)
{
	gm_schema *s;

	(void)state;
	s = parsed("models/empty.yml", "");
	assert_gm_ok(parse(s, "models/comment.yml", "# nothing yet\n"));
	assert_gm_ok(parse(s, "models/sections.yml", "enums:\ntables:\n"));
	assert_int_equal(s->tables_nr, 0);
	assert_int_equal(s->enums_nr, 0);
	assert_gm_ok(gm_models_validate(s));
	gm_schema_free(s);
}

static void test_models__same_table_twice_across_files(void **state)
{
	gm_schema *s;
	int rc;

	(void)state;
	s = parsed(
		"models/a.yml",
		"tables:\n  other: {columns: {id: integer}}\n  deals:\n    columns: {id: integer}\n");
	rc = parse(s, "models/b.yml",
		   "enums:\n  e: [x]\ntables:\n  x: {columns: {id: integer}}\n"
		   "  deals:\n    columns: {id: bigint}\n");
	assert_error_at(rc, GM_EINVALID, "models/b.yml", 5, 3,
			"table 'deals' is defined twice: models/a.yml:3:3 and models/b.yml:5:3");
	/* the failing file added nothing */
	assert_int_equal(s->tables_nr, 2);
	assert_int_equal(s->enums_nr, 0);

	rc = parse(s, "models/c.yml", "enums:\n  e: [x]\n");
	assert_gm_ok(rc);
	rc = parse(s, "models/d.yml", "enums:\n  f: [y]\n  e: [z]\n");
	assert_error_at(rc, GM_EINVALID, "models/d.yml", 3, 3,
			"enum 'e' is defined twice: models/c.yml:2:3 and models/d.yml:3:3");
	gm_schema_free(s);
}

static void test_models__syntax_and_encoding_errors(void **state)
{
	gm_schema *s;
	int rc;

	(void)state;
	gm_schema_new(&s);
	rc = parse(s, "models/bad.yml", "tables:\n  deals:\n    columns: {id: integer\n");
	assert_int_equal(rc, GM_EINVALID);
	assert_string_equal(gm_error_last()->path, "models/bad.yml");
	assert_int_equal(gm_error_last()->line, 4);
	assert_int_equal(gm_error_last()->col, 1);
	assert_non_null(strstr(gm_error_last()->message, "flow mapping"));

	rc = parse(s, "models/latin1.yml", "tables:\n  caf\xe9:\n    columns: {id: integer}\n");
	assert_error_at(rc, GM_EINVALID, "models/latin1.yml", 2, 6, "not valid UTF-8 (byte 0xe9)");
	assert_int_equal(s->tables_nr, 0);
	gm_schema_free(s);
}

/* Hostile YAML: bounded nesting and aliases, no NUL inside strings, one document. */
static void test_models__hostile_yaml(void **state)
{
	gm_buf b = GM_BUF_INIT;
	gm_schema *s;
	int i;

	(void)state;
	for (i = 0; i < 100000; i++)
		gm_buf_putc(&b, '[');
	gm_schema_new(&s);
	assert_error_at(parse(s, "models/app.yml", b.ptr), GM_EINVALID, "models/app.yml", 1, 65,
			"nesting deeper than 64 levels");
	gm_schema_free(s);
	gm_buf_release(&b);

	/* 200 tables aliasing one of 1000 columns: 200k columns from a 30 kB file */
	gm_buf_puts(&b, "tables:\n  t0: &t\n    columns:\n");
	for (i = 0; i < 1000; i++)
		gm_buf_printf(&b, "      c%d: integer\n", i);
	for (i = 1; i < 200; i++)
		gm_buf_printf(&b, "  t%d: *t\n", i);
	gm_schema_new(&s);
	assert_gm_fails(GM_EINVALID, "aliases repeat too much", parse(s, "models/app.yml", b.ptr));
	assert_int_equal(s->tables_nr, 0);
	gm_schema_free(s);
	gm_buf_release(&b);

	expect_parse_error("tables:\n  \"t\\0x\": {columns: {id: integer}}\n", 2, 3,
			   "NUL character in a string (\\0 is not allowed)");
	expect_parse_error("tables:\n  t:\n    columns: {id: integer}\n"
			   "    checks: {c: \"a <> '\\x00'\"}\n",
			   4, 17, "NUL character in a string (\\0 is not allowed)");
	expect_parse_error("enums:\n  e: [a]\n---\ntables:\n  t: {columns: {id: e}}\n", 3, 1,
			   "more than one YAML document (only one is allowed)");
}

static void test_models__unknown_keys(void **state)
{
	(void)state;
	expect_parse_error("table:\n  deals: {columns: {id: integer}}\n", 1, 1,
			   "unknown key 'table' at the top level");
	assert_hint("did you mean 'tables'?");
	expect_parse_error(
		"tables:\n  deals:\n    columns:\n      amount: {type: integer, nul: false}\n", 4,
		31, "unknown key 'nul' in column 'deals.amount'");
	assert_hint("did you mean 'null'?");
	expect_parse_error("tables:\n  deals:\n    colums: {id: integer}\n", 3, 5,
			   "unknown key 'colums' in table 'deals'");
	assert_hint("did you mean 'columns'?");
	expect_parse_error("tables:\n  deals:\n    columns: {id: integer}\n    indexes:\n"
			   "      - {columns: [id], uniq: true}\n",
			   5, 25, "unknown key 'uniq' in an index of table 'deals'");
	assert_hint("did you mean 'unique'?");
	expect_parse_error("enums:\n  e: {values: [a], wass: x}\n", 2, 20,
			   "unknown key 'wass' in enum 'e'");
	assert_hint("did you mean 'was'?");
	expect_parse_error("tables:\n  t:\n    columns: {id: integer}\n    zzzzzz: 1\n", 4, 5,
			   "unknown key 'zzzzzz' in table 't'");
	assert_null(gm_error_last()->hint);
}

static void test_models__wrong_value_types(void **state)
{
	(void)state;
	expect_parse_error("tables: [deals]\n", 1, 9, "'tables' must be a mapping, not a list");
	expect_parse_error("- a\n", 1, 1, "a models file must be a mapping, not a list");
	expect_parse_error("tables:\n  deals:\n    columns: [id]\n", 3, 14,
			   "'columns' of table 'deals' must be a mapping, not a list");
	expect_parse_error(
		"tables:\n  deals:\n    columns:\n      id: {type: integer, null: maybe}\n", 4, 33,
		"'null' of column 'deals.id' must be true or false, not 'maybe'");
	expect_parse_error("tables:\n  deals:\n    columns:\n      id: {type: [integer]}\n", 4, 18,
			   "the type of column 'deals.id' must be a scalar, not a list");
	expect_parse_error("tables:\n  deals:\n    columns:\n      id: {null: false}\n", 4, 7,
			   "column 'deals.id' has no 'type'");
	expect_parse_error("tables:\n  deals:\n    columns:\n      id:\n", 4, 7,
			   "column 'deals.id' has no type");
	expect_parse_error("tables:\n  deals:\n", 2, 3, "table 'deals' has no columns");
	expect_parse_error("tables:\n  deals:\n    comment: x\n", 2, 3,
			   "table 'deals' has no columns");
	expect_parse_error("enums:\n  e: USD\n", 2, 6,
			   "labels of enum 'e' must be a list, not a scalar");
	expect_parse_error("enums:\n  e: [a, b, a]\n", 2, 13,
			   "label 'a' of enum 'e' is listed twice");
	expect_parse_error("enums:\n  e: []\n", 2, 6, "enum 'e' has no labels");
	expect_parse_error("enums:\n  e: {values: [], was: f}\n", 2, 15, "enum 'e' has no labels");
	expect_parse_error("tables:\n  t:\n    columns:\n      a: {type: text, default: ~}\n", 4,
			   32, "'default' of column 't.a' is null: omit it for no default");
	expect_parse_error(
		"tables:\n  t:\n    columns:\n      a: {type: boolean, default: maybe}\n", 4, 35,
		"'default' of boolean column 't.a' must be true or false, not 'maybe'");
	expect_parse_error("tables:\n  t:\n    columns:\n      a: {type: integer, default: abc}\n",
			   4, 35, "'default' of column 't.a' (integer) is not a number: 'abc'");
	expect_parse_error("tables:\n  t:\n    columns:\n"
			   "      a: {type: text, default: x, default_sql: y}\n",
			   4, 48, "column 't.a' has both 'default' and 'default_sql'");
	expect_parse_error(
		"tables:\n  t:\n    columns:\n      a: {type: int, references: \"b(\"}\n", 4, 34,
		"'references' of column 't.a' must be 'table(column)', "
		"'table.column' or 'table', not 'b('");
	expect_parse_error("tables:\n  t:\n    columns:\n"
			   "      a: {type: int, references: b, on_delete: explode}\n",
			   4, 48,
			   "'on_delete' of column 't.a' must be cascade, set null, set default, "
			   "restrict or no action, not 'explode'");
	expect_parse_error(
		"tables:\n  t:\n    columns:\n      a: {type: int, on_delete: cascade}\n", 4, 33,
		"column 't.a' has 'on_delete' but no 'references'");
	expect_parse_error("tables:\n  t:\n    columns:\n      a: {type: text, identity: true}\n",
			   4, 33,
			   "identity column 't.a' must be integer, bigint or smallint, not 'text'");
	expect_parse_error("tables:\n  t:\n    columns:\n"
			   "      a: {type: int, primary_key: true, null: true}\n",
			   4, 47, "column 't.a' cannot be null: it is in the primary key");
	expect_parse_error("tables:\n  t:\n    primary_key: [a, b]\n    columns: {a: int}\n", 3, 22,
			   "'primary_key' of table 't' names missing column 'b'");
	expect_parse_error(
		"tables:\n  t:\n    primary_key: [a]\n    columns: {a: {type: int, primary_key: true}}\n",
		3, 18,
		"table 't' declares its primary key twice: on column 'a' and in 'primary_key'");
	expect_parse_error(
		"tables:\n  t:\n    columns: {a: int}\n    indexes:\n      - {columns: [b]}\n", 5,
		20, "'columns' of an index of table 't' names missing column 'b'");
	expect_parse_error(
		"tables:\n  t:\n    columns: {a: int}\n    indexes:\n      - {columns: []}\n", 5,
		19,
		"'columns' of an index of table 't' must be a list of column names, "
		"not an empty list");
	expect_parse_error(
		"tables:\n  t:\n    columns: {a: {type: int, unique: true}}\n    indexes:\n"
		"      - {name: t_a_key, columns: [a]}\n",
		5, 16, "index 't_a_key' is defined twice in table 't'");
	expect_parse_error("tables:\n  t:\n    columns:\n      a: int\n      a: text\n", 5, 7,
			   "column 't.a' is defined twice: models/x.yml:4:7 and models/x.yml:5:7");
	expect_parse_error("tables:\n  t:\n    columns: {a: int}\n    checks: {c: [x]}\n", 4, 17,
			   "check 'c' of table 't' must be a scalar, not a list");
}

static void test_models__validate_unknown_type(void **state)
{
	gm_schema *s;

	(void)state;
	s = parsed("models/a.yml", "enums:\n  dealcurrency: [USD]\n"
				   "tables:\n  deals:\n    columns:\n"
				   "      ok1: {type: inet}\n"
				   "      ok2: {type: interval}\n"
				   "      ok3: {type: \"bit varying(3)\"}\n"
				   "      ok4: citext\n"
				   "      currency: {type: dealcurency, null: false}\n");
	assert_error_at(gm_models_validate(s), GM_EINVALID, "models/a.yml", 10, 7,
			"column 'deals.currency' has unknown type 'dealcurency'");
	assert_hint("did you mean 'dealcurrency'?");
	gm_schema_free(s);

	s = parsed("models/a.yml", "tables:\n  t:\n    columns:\n      a: strnig[]\n");
	assert_error_at(gm_models_validate(s), GM_EINVALID, "models/a.yml", 4, 7,
			"column 't.a' has unknown type 'strnig[]'");
	assert_non_null(strstr(gm_error_last()->hint, "declare it under 'enums:'"));
	gm_schema_free(s);
}

static void test_models__validate_references(void **state)
{
	gm_schema *s;

	(void)state;
	s = parsed(
		"models/a.yml",
		"tables:\n  contacts:\n    columns: {id: {type: int, primary_key: true}}\n"
		"  deals:\n    columns:\n      id: int\n      contact_id: {type: int, references: contact(id)}\n");
	assert_error_at(
		gm_models_validate(s), GM_EINVALID, "models/a.yml", 7, 7,
		"foreign key 'deals_contact_id_fkey' of table 'deals' references missing table 'contact'");
	assert_hint("did you mean 'contacts'?");
	gm_schema_free(s);

	s = parsed(
		"models/a.yml",
		"tables:\n  contacts:\n    columns: {id: {type: int, primary_key: true}}\n"
		"  deals:\n    columns:\n      contact_id: {type: int, references: contacts.uid}\n");
	assert_error_at(
		gm_models_validate(s), GM_EINVALID, "models/a.yml", 6, 7,
		"foreign key 'deals_contact_id_fkey' of table 'deals' references missing column 'contacts.uid'");
	gm_schema_free(s);

	/* `references: table` needs a single-column primary key */
	s = parsed("models/a.yml",
		   "tables:\n  pairs:\n    primary_key: [a, b]\n    columns: {a: int, b: int}\n"
		   "  deals:\n    columns:\n      pair: {type: int, references: pairs}\n");
	assert_error_at(gm_models_validate(s), GM_EINVALID, "models/a.yml", 7, 7,
			"foreign key 'deals_pair_fkey' of table 'deals' references table 'pairs', "
			"which has no single-column primary key");
	gm_schema_free(s);

	/* the referenced table may come in a later file */
	s = parsed(
		"models/a.yml",
		"tables:\n  deals:\n    columns:\n      contact_id: {type: int, references: contacts}\n");
	assert_gm_ok(parse(
		s, "models/b.yml",
		"tables:\n  contacts:\n    columns: {code: {type: text, primary_key: true}}\n"));
	assert_string_equal(gm_schema_table(s, "deals")->fkeys[0]->ref_columns[0], "code");
	assert_gm_ok(gm_models_validate(s));
	gm_schema_free(s);
}

static void test_models__validate_enum_default_and_built_schemas(void **state)
{
	gm_schema *s;
	gm_table *t;
	gm_index *ix;

	(void)state;
	s = parsed("models/a.yml",
		   "enums:\n  cur: [USD, EUR]\n"
		   "tables:\n  deals:\n    columns:\n      c: {type: cur, default: GBP}\n");
	assert_error_at(gm_models_validate(s), GM_EINVALID, "models/a.yml", 6, 7,
			"default 'GBP' of column 'deals.c' is not a label of enum 'cur'");
	gm_schema_free(s);

	/* schemas built by hand (or inspected) are checked the same way */
	gm_schema_new(&s);
	t = gm_schema_add_table(s, "t");
	t->origin = gm_xstrdup("schema.sql");
	gm_table_add_column(t, "a", "integer");
	ix = gm_table_add_index(t, "t_b_idx");
	gm_index_add_column(ix, "b");
	assert_error_at(gm_models_validate(s), GM_EINVALID, "schema.sql", 0, 0,
			"index 't_b_idx' of table 't' names missing column 'b'");
	gm_schema_free(s);

	gm_schema_new(&s);
	t = gm_schema_add_table(s, "a");
	gm_table_add_column(t, "x", "integer");
	ix = gm_table_add_index(t, "same_idx");
	gm_index_add_column(ix, "x");
	t = gm_schema_add_table(s, "b");
	t->origin = gm_xstrdup("m.yml:7:3");
	gm_table_add_column(t, "x", "integer");
	ix = gm_table_add_index(t, "same_idx");
	gm_index_add_column(ix, "x");
	assert_error_at(gm_models_validate(s), GM_EINVALID, "m.yml", 7, 3,
			"index name 'same_idx' is used twice: tables 'a' and 'b'");
	gm_schema_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_models__design_example),
		cmocka_unit_test(test_models__nullability_and_keys),
		cmocka_unit_test(test_models__defaults),
		cmocka_unit_test(test_models__references_unique_indexes_checks),
		cmocka_unit_test(test_models__rename_hints_and_enum_forms),
		cmocka_unit_test(test_models__enum_names_keep_their_case_across_files),
		cmocka_unit_test(test_models__flow_mapping_commas_in_types),
		cmocka_unit_test(test_models__empty_files),
		cmocka_unit_test(test_models__same_table_twice_across_files),
		cmocka_unit_test(test_models__syntax_and_encoding_errors),
		cmocka_unit_test(test_models__hostile_yaml),
		cmocka_unit_test(test_models__unknown_keys),
		cmocka_unit_test(test_models__wrong_value_types),
		cmocka_unit_test(test_models__validate_unknown_type),
		cmocka_unit_test(test_models__validate_references),
		cmocka_unit_test(test_models__validate_enum_default_and_built_schemas),
	};
	return cmocka_run_group_tests_name("models", tests, NULL, NULL);
}
