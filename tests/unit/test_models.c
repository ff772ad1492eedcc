/* YAML models (DESIGN.md §3.3), validation, and loading every configured source. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
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

/* The last error is exactly code at path:line:col with message. */
#define assert_error_at(rc, code_, path_, line_, col_, msg_)                        \
	do {                                                                         \
		int rc__ = (rc);                                                     \
		const gm_error *e__ = gm_error_last();                               \
		assert_int_equal(rc__, (code_));                                     \
		assert_string_equal(e__->message, (msg_));                           \
		assert_non_null(e__->path);                                          \
		assert_string_equal(e__->path, (path_));                             \
		assert_int_equal(e__->line, (line_));                                \
		assert_int_equal(e__->col, (col_));                                  \
	} while (0)

#define assert_hint(hint_)                                                           \
	do {                                                                         \
		assert_non_null(gm_error_last()->hint);                              \
		assert_string_equal(gm_error_last()->hint, (hint_));                 \
	} while (0)

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
	gm_schema_new(&s);
	assert_gm_ok(parse(s, "models/crm.yml", design_example));
	assert_gm_ok(gm_models_validate(s));
	fp = fingerprint(s);
	assert_string_equal(fp,
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
	gm_schema_new(&s);
	assert_gm_ok(parse(s, "m.yml",
		"tables:\n"
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
		"      code: char(3)\n"));
	t = gm_schema_table(s, "members");
	assert_int_equal(t->pk_nr, 2);
	assert_string_equal(t->pk[0], "team_id");
	assert_string_equal(t->pk[1], "user_id");
	assert_string_equal(t->pk_name, "members_pkey");
	assert_false(gm_table_column(t, "team_id")->nullable);
	assert_false(gm_table_column(t, "user_id")->nullable);
	assert_string_equal(gm_table_column(t, "user_id")->type, "bigint");
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
	gm_schema_new(&s);
	assert_gm_ok(parse(s, "m.yml",
		"tables:\n"
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
		"      i: {type: text, default: ''}\n"));
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
	gm_schema_new(&s);
	assert_gm_ok(parse(s, "m.yml",
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
		"      code: {type: text, unique: true}\n"));
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
	gm_schema_new(&s);
	assert_gm_ok(parse(s, "m.yml",
		"enums:\n"
		"  stage: {values: [lead, won, lost], was: deal_stage}\n"
		"  One: [only]\n"
		"tables:\n"
		"  deals:\n"
		"    was: opportunities\n"
		"    columns:\n"
		"      stage: {type: stage, was: phase, comment: where it is}\n"
		"      stages: stage[]\n"
		"      flags: text[]\n"));
	assert_string_equal(s->enums[0]->was, "deal_stage");
	assert_int_equal(s->enums[0]->labels_nr, 3);
	assert_string_equal(s->enums[0]->labels[2], "lost");
	assert_int_equal(s->enums[1]->labels_nr, 1);
	t = gm_schema_table(s, "deals");
	assert_string_equal(t->was, "opportunities");
	assert_string_equal(gm_table_column(t, "stage")->was, "phase");
	assert_string_equal(gm_table_column(t, "stage")->comment, "where it is");
	assert_string_equal(gm_table_column(t, "stage")->type, "stage");
	assert_string_equal(gm_table_column(t, "stages")->type, "stage[]");
	assert_string_equal(gm_table_column(t, "flags")->type, "text[]");
	assert_gm_ok(gm_models_validate(s));
	gm_schema_free(s);
}

static void test_models__enum_names_keep_their_case_across_files(void **state)
{
	gm_schema *s;
	gm_table *t;

	(void)state;
	gm_schema_new(&s);
	/* the table comes first, the enum in a later file; type names are case-insensitive */
	assert_gm_ok(parse(s, "models/a.yml",
		"tables:\n"
		"  deals:\n"
		"    columns:\n"
		"      currency: {type: DealCurrency, default: USD}\n"
		"      other: dealcurrency[]\n"
		"      native: INET\n"));
	assert_gm_ok(parse(s, "models/b.yml", "enums:\n  DealCurrency: [USD, EUR]\n"));
	t = gm_schema_table(s, "deals");
	assert_string_equal(gm_table_column(t, "currency")->type, "DealCurrency");
	assert_string_equal(gm_table_column(t, "other")->type, "DealCurrency[]");
	assert_string_equal(gm_table_column(t, "native")->type, "inet");
	assert_gm_ok(gm_models_validate(s));
	gm_schema_free(s);
}

static void test_models__flow_mapping_commas_in_types(void **state)
{
	gm_schema *s;
	gm_table *t;

	(void)state;
	/* in a flow mapping `numeric(12,2)` splits at its comma: it is rejoined */
	gm_schema_new(&s);
	assert_gm_ok(parse(s, "m.yml",
		"tables:\n"
		"  t:\n"
		"    columns: {a: numeric(12,2), b: int, c: decimal(5, 1)}\n"
		"  u:\n"
		"    columns:\n"
		"      a: {type: numeric(12, 2), null: false}\n"
		"      b: {null: false, type: numeric(3,1), default: 0}\n"));
	t = gm_schema_table(s, "t");
	assert_int_equal(t->columns_nr, 3);
	assert_string_equal(gm_table_column(t, "a")->type, "numeric(12,2)");
	assert_string_equal(gm_table_column(t, "b")->type, "integer");
	assert_string_equal(gm_table_column(t, "c")->type, "numeric(5,1)");
	t = gm_schema_table(s, "u");
	assert_string_equal(gm_table_column(t, "a")->type, "numeric(12,2)");
	assert_false(gm_table_column(t, "a")->nullable);
	assert_string_equal(gm_table_column(t, "b")->type, "numeric(3,1)");
	assert_string_equal(gm_table_column(t, "b")->default_value, "0");
	gm_schema_free(s);
}

static void test_models__empty_files(void **state)
{
	gm_schema *s;

	(void)state;
	gm_schema_new(&s);
	assert_gm_ok(parse(s, "models/empty.yml", ""));
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
	gm_schema_new(&s);
	assert_gm_ok(parse(s, "models/a.yml",
		"tables:\n  other: {columns: {id: integer}}\n  deals:\n    columns: {id: integer}\n"));
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
			   "    checks: {c: \"a <> '\\x00'\"}\n", 4, 17,
			   "NUL character in a string (\\0 is not allowed)");
	expect_parse_error("enums:\n  e: [a]\n---\ntables:\n  t: {columns: {id: e}}\n", 3, 1,
			   "more than one YAML document (only one is allowed)");
}

static void test_models__unknown_keys(void **state)
{
	(void)state;
	expect_parse_error("table:\n  deals: {columns: {id: integer}}\n", 1, 1,
			   "unknown key 'table' at the top level");
	assert_hint("did you mean 'tables'?");
	expect_parse_error("tables:\n  deals:\n    columns:\n      amount: {type: integer, nul: false}\n",
			   4, 31, "unknown key 'nul' in column 'deals.amount'");
	assert_hint("did you mean 'null'?");
	expect_parse_error("tables:\n  deals:\n    colums: {id: integer}\n", 3, 5,
			   "unknown key 'colums' in table 'deals'");
	assert_hint("did you mean 'columns'?");
	expect_parse_error("tables:\n  deals:\n    columns: {id: integer}\n    indexes:\n"
			   "      - {columns: [id], uniq: true}\n", 5, 25,
			   "unknown key 'uniq' in an index of table 'deals'");
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
	expect_parse_error("tables:\n  deals:\n    columns:\n      id: {type: integer, null: maybe}\n",
			   4, 33, "'null' of column 'deals.id' must be true or false, not 'maybe'");
	expect_parse_error("tables:\n  deals:\n    columns:\n      id: {type: [integer]}\n", 4, 18,
			   "the type of column 'deals.id' must be a scalar, not a list");
	expect_parse_error("tables:\n  deals:\n    columns:\n      id: {null: false}\n", 4, 7,
			   "column 'deals.id' has no 'type'");
	expect_parse_error("tables:\n  deals:\n    columns:\n      id:\n", 4, 7,
			   "column 'deals.id' has no type");
	expect_parse_error("tables:\n  deals:\n", 2, 3, "table 'deals' has no columns");
	expect_parse_error("tables:\n  deals:\n    comment: x\n", 2, 3, "table 'deals' has no columns");
	expect_parse_error("enums:\n  e: USD\n", 2, 6, "labels of enum 'e' must be a list, not a scalar");
	expect_parse_error("enums:\n  e: [a, b, a]\n", 2, 13, "label 'a' of enum 'e' is listed twice");
	expect_parse_error("enums:\n  e: []\n", 2, 6, "enum 'e' has no labels");
	expect_parse_error("enums:\n  e: {values: [], was: f}\n", 2, 15, "enum 'e' has no labels");
	expect_parse_error("tables:\n  t:\n    columns:\n      a: {type: text, default: ~}\n", 4, 32,
			   "'default' of column 't.a' is null: omit it for no default");
	expect_parse_error("tables:\n  t:\n    columns:\n      a: {type: boolean, default: maybe}\n",
			   4, 35, "'default' of boolean column 't.a' must be true or false, not 'maybe'");
	expect_parse_error("tables:\n  t:\n    columns:\n      a: {type: integer, default: abc}\n",
			   4, 35, "'default' of column 't.a' (integer) is not a number: 'abc'");
	expect_parse_error("tables:\n  t:\n    columns:\n"
			   "      a: {type: text, default: x, default_sql: y}\n", 4, 48,
			   "column 't.a' has both 'default' and 'default_sql'");
	expect_parse_error("tables:\n  t:\n    columns:\n      a: {type: int, references: \"b(\"}\n",
			   4, 34, "'references' of column 't.a' must be 'table(column)', "
			   "'table.column' or 'table', not 'b('");
	expect_parse_error("tables:\n  t:\n    columns:\n"
			   "      a: {type: int, references: b, on_delete: explode}\n", 4, 48,
			   "'on_delete' of column 't.a' must be cascade, set null, set default, "
			   "restrict or no action, not 'explode'");
	expect_parse_error("tables:\n  t:\n    columns:\n      a: {type: int, on_delete: cascade}\n",
			   4, 33, "column 't.a' has 'on_delete' but no 'references'");
	expect_parse_error("tables:\n  t:\n    columns:\n      a: {type: text, identity: true}\n",
			   4, 33, "identity column 't.a' must be integer, bigint or smallint, not 'text'");
	expect_parse_error("tables:\n  t:\n    columns:\n"
			   "      a: {type: int, primary_key: true, null: true}\n", 4, 47,
			   "column 't.a' cannot be null: it is in the primary key");
	expect_parse_error("tables:\n  t:\n    primary_key: [a, b]\n    columns: {a: int}\n", 3, 22,
			   "'primary_key' of table 't' names missing column 'b'");
	expect_parse_error("tables:\n  t:\n    primary_key: [a]\n    columns: {a: {type: int, primary_key: true}}\n",
			   3, 18, "table 't' declares its primary key twice: on column 'a' and in 'primary_key'");
	expect_parse_error("tables:\n  t:\n    columns: {a: int}\n    indexes:\n      - {columns: [b]}\n",
			   5, 20, "'columns' of an index of table 't' names missing column 'b'");
	expect_parse_error("tables:\n  t:\n    columns: {a: int}\n    indexes:\n      - {columns: []}\n",
			   5, 19, "'columns' of an index of table 't' must be a list of column names, "
			   "not an empty list");
	expect_parse_error("tables:\n  t:\n    columns: {a: {type: int, unique: true}}\n    indexes:\n"
			   "      - {name: t_a_key, columns: [a]}\n", 5, 16,
			   "index 't_a_key' is defined twice in table 't'");
	expect_parse_error("tables:\n  t:\n    columns:\n      a: int\n      a: text\n", 5, 7,
			   "column 't.a' is defined twice: models/x.yml:4:7 and models/x.yml:5:7");
	expect_parse_error("tables:\n  t:\n    columns: {a: int}\n    checks: {c: [x]}\n", 4, 17,
			   "check 'c' of table 't' must be a scalar, not a list");
}

static void test_models__validate_unknown_type(void **state)
{
	gm_schema *s;

	(void)state;
	gm_schema_new(&s);
	assert_gm_ok(parse(s, "models/a.yml",
		"enums:\n  dealcurrency: [USD]\n"
		"tables:\n  deals:\n    columns:\n"
		"      ok1: {type: inet}\n"
		"      ok2: {type: interval}\n"
		"      ok3: {type: \"bit varying(3)\"}\n"
		"      ok4: citext\n"
		"      currency: {type: dealcurency, null: false}\n"));
	assert_error_at(gm_models_validate(s), GM_EINVALID, "models/a.yml", 10, 7,
			"column 'deals.currency' has unknown type 'dealcurency'");
	assert_hint("did you mean 'dealcurrency'?");
	gm_schema_free(s);

	gm_schema_new(&s);
	assert_gm_ok(parse(s, "models/a.yml", "tables:\n  t:\n    columns:\n      a: strnig[]\n"));
	assert_error_at(gm_models_validate(s), GM_EINVALID, "models/a.yml", 4, 7,
			"column 't.a' has unknown type 'strnig[]'");
	assert_non_null(strstr(gm_error_last()->hint, "declare it under 'enums:'"));
	gm_schema_free(s);
}

static void test_models__validate_references(void **state)
{
	gm_schema *s;

	(void)state;
	gm_schema_new(&s);
	assert_gm_ok(parse(s, "models/a.yml",
		"tables:\n  contacts:\n    columns: {id: {type: int, primary_key: true}}\n"
		"  deals:\n    columns:\n      id: int\n      contact_id: {type: int, references: contact(id)}\n"));
	assert_error_at(gm_models_validate(s), GM_EINVALID, "models/a.yml", 7, 7,
			"foreign key 'deals_contact_id_fkey' of table 'deals' references missing table 'contact'");
	assert_hint("did you mean 'contacts'?");
	gm_schema_free(s);

	gm_schema_new(&s);
	assert_gm_ok(parse(s, "models/a.yml",
		"tables:\n  contacts:\n    columns: {id: {type: int, primary_key: true}}\n"
		"  deals:\n    columns:\n      contact_id: {type: int, references: contacts.uid}\n"));
	assert_error_at(gm_models_validate(s), GM_EINVALID, "models/a.yml", 6, 7,
			"foreign key 'deals_contact_id_fkey' of table 'deals' references missing column 'contacts.uid'");
	gm_schema_free(s);

	/* `references: table` needs a single-column primary key */
	gm_schema_new(&s);
	assert_gm_ok(parse(s, "models/a.yml",
		"tables:\n  pairs:\n    primary_key: [a, b]\n    columns: {a: int, b: int}\n"
		"  deals:\n    columns:\n      pair: {type: int, references: pairs}\n"));
	assert_error_at(gm_models_validate(s), GM_EINVALID, "models/a.yml", 7, 7,
			"foreign key 'deals_pair_fkey' of table 'deals' references table 'pairs', "
			"which has no single-column primary key");
	gm_schema_free(s);

	/* the referenced table may come in a later file */
	gm_schema_new(&s);
	assert_gm_ok(parse(s, "models/a.yml",
		"tables:\n  deals:\n    columns:\n      contact_id: {type: int, references: contacts}\n"));
	assert_gm_ok(parse(s, "models/b.yml",
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
	gm_schema_new(&s);
	assert_gm_ok(parse(s, "models/a.yml",
		"enums:\n  cur: [USD, EUR]\n"
		"tables:\n  deals:\n    columns:\n      c: {type: cur, default: GBP}\n"));
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

/* ---- gm_models_load ---- */

static char tmpdir[256];

static int setup_dir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/gm_test_models_XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	return 0;
}

static int teardown_dir(void **state)
{
	char cmd[512];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *rel, const char *text)
{
	char path[512];
	FILE *f;
	char *slash;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	slash = strrchr(path, '/');
	*slash = '\0';
	mkdir(path, 0777);
	*slash = '/';
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void remove_file(const char *rel)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	assert_int_equal(unlink(path), 0);
}

/* A config with the given sources (kind, value, line), as the config loader fills it. */
static gm_config *make_config(const gm_model_source *src, size_t n)
{
	gm_config *cfg = calloc(1, sizeof(*cfg));
	size_t i;

	cfg->root = strdup(tmpdir);
	cfg->path = strdup(".gitmigrate.yml");
	cfg->version_table = strdup("git_migrate_history");
	cfg->models = calloc(n ? n : 1, sizeof(*cfg->models));
	for (i = 0; i < n; i++) {
		cfg->models[i] = src[i];
		cfg->models[i].value = strdup(src[i].value);
	}
	cfg->models_nr = n;
	return cfg;
}

static void free_config(gm_config *cfg)
{
	size_t i;
	for (i = 0; i < cfg->models_nr; i++)
		free(cfg->models[i].value);
	free(cfg->models);
	free(cfg->root);
	free(cfg->path);
	free(cfg->version_table);
	free(cfg);
}

static void test_models__load_yaml_globs(void **state)
{
	static const gm_model_source src[] = { { GM_MODELS_YAML, "models/*.yml", 0 } };
	gm_config *cfg = make_config(src, 1);
	gm_schema *s = NULL;

	(void)state;
	/* no models directory at all: an error naming the pattern, never an empty schema
	 * (which would plan a drop of every table) */
	assert_gm_fails(GM_ENOTFOUND, "models pattern 'models/*.yml' matches no file",
			gm_models_load(&s, cfg, NULL));
	assert_null(s);
	gm_error_clear();

	/* files are read in name order; b.yml's enum serves a.yml's column */
	write_file("models/b.yml", "enums:\n  stage: [lead, won]\n"
				   "tables:\n  b: {columns: {id: int}}\n");
	write_file("models/a.yml", "tables:\n  a:\n    columns: {s: Stage}\n");
	write_file("models/notes.txt", "not yaml: [\n");
	assert_gm_ok(gm_models_load(&s, cfg, NULL));
	assert_int_equal(s->tables_nr, 2);
	assert_string_equal(s->tables[0]->name, "a");
	assert_string_equal(s->tables[0]->origin, "models/a.yml:2:3");
	assert_string_equal(s->tables[0]->columns[0]->type, "stage");
	gm_schema_free(s);

	/* the same table in two files: the second place is the error's */
	write_file("models/c.yml", "# c\ntables:\n  b:\n    columns: {id: bigint}\n");
	assert_error_at(gm_models_load(&s, cfg, NULL), GM_EINVALID, "models/c.yml", 3, 3,
			"table 'b' is defined twice: models/b.yml:4:3 and models/c.yml:3:3");
	assert_null(s);
	remove_file("models/c.yml");

	/* validation runs on the merged schema */
	write_file("models/d.yml", "tables:\n  d:\n    columns: {s: stag}\n");
	assert_error_at(gm_models_load(&s, cfg, NULL), GM_EINVALID, "models/d.yml", 3, 15,
			"column 'd.s' has unknown type 'stag'");
	assert_hint("did you mean 'stage'?");
	free_config(cfg);
}

static void test_models__load_missing_explicit_file(void **state)
{
	static const gm_model_source src[] = { { GM_MODELS_YAML, "models/schema.yml", 4 } };
	gm_config *cfg = make_config(src, 1);
	gm_schema *s = NULL;

	(void)state;
	assert_error_at(gm_models_load(&s, cfg, NULL), GM_ENOTFOUND, ".gitmigrate.yml", 4, 0,
			"models file 'models/schema.yml' does not exist");
	assert_null(s);
	free_config(cfg);
}

static void test_models__load_sql_and_command(void **state)
{
	static const gm_model_source src[] = {
		{ GM_MODELS_YAML, "models/*.yml", 2 },
		{ GM_MODELS_SQL, "db/*.sql", 3 },
		{ GM_MODELS_COMMAND, "echo \"$GIT_MIGRATE_SCRATCH_URL\" > url.txt; "
				     "echo 'CREATE TABLE from_cmd (id integer);'", 4 },
	};
	gm_config *cfg = make_config(src, 3);
	gm_url *server = NULL;
	gm_schema *s = NULL;
	gm_table *t;
	char path[512];
	FILE *f;
	char line[512] = "";

	(void)state;
	assert_gm_ok(gm_url_parse(&server, "sqlite", tmpdir));
	write_file("models/a.yml", "tables:\n  a:\n    columns:\n"
				   "      id: {type: int, primary_key: true}\n"
				   "      s: {type: integer, references: from_sql(id)}\n");
	write_file("db/schema.sql", "CREATE TABLE from_sql (id integer PRIMARY KEY, n WEIRDTYPE);\n"
				    "CREATE VIEW v AS SELECT 1;\n");
	assert_gm_ok(gm_models_load(&s, cfg, server));
	assert_int_equal(s->tables_nr, 3);
	t = gm_schema_table(s, "from_sql");
	assert_non_null(t);
	assert_string_equal(t->origin, "db/schema.sql");
	assert_non_null(gm_table_column(t, "n")); /* inspected types are not checked */
	t = gm_schema_table(s, "from_cmd");
	assert_non_null(t);
	assert_string_equal(t->origin, "command 'echo \"$GIT_MIGRATE_SCRATCH_URL\" > url.txt; "
				       "echo 'CREATE TABLE from_cmd (id integer);''");
	assert_true(s->unsupported_nr >= 1);
	gm_schema_free(s);

	/* the command ran in the root, with the scratch URL in its environment */
	snprintf(path, sizeof(path), "%s/url.txt", tmpdir);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	assert_non_null(strstr(line, "sqlite"));

	/* a failing command: its exit status, its stderr as detail */
	free(cfg->models[2].value);
	cfg->models[2].value = strdup("echo boom >&2; exit 3");
	assert_error_at(gm_models_load(&s, cfg, server), GM_ERROR, ".gitmigrate.yml", 4, 0,
			"models command 'echo boom >&2; exit 3' failed with exit status 3");
	assert_string_equal(gm_error_last()->detail, "boom");

	/* a table defined by YAML and again by the command */
	free(cfg->models[2].value);
	cfg->models[2].value = strdup("echo 'CREATE TABLE a (id integer);'");
	assert_error_at(gm_models_load(&s, cfg, server), GM_EINVALID, ".gitmigrate.yml", 4, 0,
			"table 'a' is defined twice: models/a.yml:2:3 and "
			"command 'echo 'CREATE TABLE a (id integer);''");

	/* bad SQL in a file: the database's error, at the file */
	write_file("db/schema.sql", "CREATE TABLE from_sql (id integer PRIMARY KEY);\nCREATE TABLEX;\n");
	assert_int_equal(gm_models_load(&s, cfg, server), GM_EDB);
	assert_string_equal(gm_error_last()->path, "db/schema.sql");
	assert_int_equal(gm_error_last()->line, 2);
	assert_non_null(strstr(gm_error_last()->message, "syntax error"));

	/* SQL sources without a scratch server */
	assert_error_at(gm_models_load(&s, cfg, NULL), GM_EINVALID, ".gitmigrate.yml", 3, 0,
			"models source 'db/*.sql' needs a scratch database");
	gm_url_free(server);
	free_config(cfg);
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
		cmocka_unit_test_setup_teardown(test_models__load_yaml_globs, setup_dir,
						teardown_dir),
		cmocka_unit_test_setup_teardown(test_models__load_missing_explicit_file,
						setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_models__load_sql_and_command, setup_dir,
						teardown_dir),
	};
	return cmocka_run_group_tests_name("models", tests, NULL, NULL);
}
