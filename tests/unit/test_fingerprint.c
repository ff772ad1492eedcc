/* The fingerprint: canonical, order-stable text of a schema. */
#include <stdlib.h>
#include "gm_test.h"
#include "schema_int.h"

/* The same schema, built in the given order (forward or reversed everywhere). */
static gm_schema *build(bool reversed)
{
	gm_schema *s;
	gm_table *deals, *contacts;
	gm_column *c;
	gm_index *ix;
	gm_fkey *fk;
	gm_enum *e;
	int k;

	gm_schema_new(&s);
	for (k = 0; k < 2; k++) {
		if ((k == 0) != reversed) {
			e = gm_schema_add_enum(s, "dealcurrency");
			gm_enum_add_label(e, "USD");
			gm_enum_add_label(e, "EUR");
			e->was = gm_xstrdup(reversed ? "money" : NULL);
			e->origin = gm_xstrdup(reversed ? "b.yml:1:1" : "a.yml:2:3");
		} else {
			e = gm_schema_add_enum(s, "stage");
			gm_enum_add_label(e, "lead");
			gm_enum_add_label(e, "won");
		}
	}
	if (reversed) {
		deals = gm_schema_add_table(s, "deals");
		contacts = gm_schema_add_table(s, "contacts");
	} else {
		contacts = gm_schema_add_table(s, "contacts");
		deals = gm_schema_add_table(s, "deals");
	}
	c = gm_table_add_column(contacts, "id", "integer");
	c->nullable = false;
	gm_table_add_pk(contacts, "id");
	contacts->pk_name = gm_xstrdup("contacts_pkey");

	deals->comment = gm_xstrdup("Sales deals");
	for (k = 0; k < 2; k++) {
		if ((k == 0) != reversed) {
			c = gm_table_add_column(deals, "amount", "numeric(12,2)");
			c->nullable = false;
			gm_column_set_default(c, GM_DEFAULT_LITERAL, "0");
			c = gm_table_add_column(deals, "currency", "text");
			gm_column_add_label(c, "USD");
			gm_column_add_label(c, "EUR");
			c->enum_name = gm_xstrdup(reversed ? "dealcurrency" : NULL);
			gm_column_set_default(c, GM_DEFAULT_LITERAL, "USD");
			c = gm_table_add_column(deals, "created_at", "timestamptz");
			gm_column_set_default(c, GM_DEFAULT_SQL, "now()");
		} else {
			c = gm_table_add_column(deals, "id", "bigint");
			c->identity = true;
			c->nullable = false;
			c->was = gm_xstrdup(reversed ? "deal_id" : NULL);
			c = gm_table_add_column(deals, "contact_id", "integer");
			c = gm_table_add_column(deals, "title", "varchar(120)");
			c->comment = gm_xstrdup("it's the title");
		}
	}
	gm_table_add_pk(deals, "id");
	deals->pk_name = gm_xstrdup("deals_pkey");
	for (k = 0; k < 2; k++) {
		if ((k == 0) != reversed) {
			ix = gm_table_add_index(deals, "deals_title_idx");
			gm_index_add_column(ix, "title");
			ix->where = gm_xstrdup("title <> ''");
			fk = gm_table_add_fkey(deals, "deals_contact_id_fkey", "contacts");
			gm_fkey_add_pair(fk, "contact_id", "id");
			fk->on_delete = gm_xstrdup("cascade");
			gm_table_add_check(deals, "amount_positive", "amount >= 0");
		} else {
			ix = gm_table_add_index(deals, "ux_deals_contact_title");
			gm_index_add_column(ix, "contact_id");
			gm_index_add_column(ix, "title");
			ix->unique = true;
			ix = gm_table_add_index(deals, "deals_title_key");
			gm_index_add_column(ix, "title");
			ix->unique = ix->constraint = true;
			fk = gm_table_add_fkey(deals, "deals_other_fkey", "contacts");
			gm_fkey_add_pair(fk, "contact_id", "id");
			gm_table_add_check(deals, "a_check", "id > 0");
		}
	}
	return s;
}

static char *fingerprint(const gm_schema *s)
{
	gm_buf b = GM_BUF_INIT;
	gm_schema_fingerprint(&b, s);
	return gm_buf_detach(&b);
}

static void test_fingerprint__readable_text(void **state)
{
	gm_schema *s = build(false);
	char *fp = fingerprint(s);

	(void)state;
	assert_string_equal(
		fp,
		"enum dealcurrency ('USD', 'EUR')\n"
		"enum stage ('lead', 'won')\n"
		"table contacts\n"
		"  column id integer not null\n"
		"  primary key contacts_pkey (id)\n"
		"table deals\n"
		"  comment 'Sales deals'\n"
		"  column amount numeric(12,2) not null default literal '0'\n"
		"  column contact_id integer\n"
		"  column created_at timestamptz default sql 'now()'\n"
		"  column currency text default literal 'USD' labels ('USD', 'EUR')\n"
		"  column id bigint not null identity\n"
		"  column title varchar(120) comment 'it''s the title'\n"
		"  primary key deals_pkey (id)\n"
		"  index deals_title_idx (title) where 'title <> '''''\n"
		"  unique constraint deals_title_key (title)\n"
		"  unique index ux_deals_contact_title (contact_id, title)\n"
		"  foreign key deals_contact_id_fkey (contact_id) references contacts (id) on delete cascade\n"
		"  foreign key deals_other_fkey (contact_id) references contacts (id)\n"
		"  check a_check 'id > 0'\n"
		"  check amount_positive 'amount >= 0'\n");
	free(fp);
	gm_schema_free(s);
}

static void test_fingerprint__order_stable(void **state)
{
	gm_schema *a = build(false), *b = build(true), *c;
	char *fa = fingerprint(a), *fb = fingerprint(b), *fc;

	(void)state;
	/* different order of everything, different origin/was/enum_name: same text */
	assert_string_equal(fa, fb);
	gm_schema_copy(&c, b);
	fc = fingerprint(c);
	assert_string_equal(fa, fc);
	free(fa);
	free(fb);
	free(fc);
	gm_schema_free(a);
	gm_schema_free(b);
	gm_schema_free(c);
}

/* Change one field of a fresh schema and check that the fingerprint changes. */
static void test_fingerprint__one_field_changes_it(void **state)
{
	gm_schema *base = build(false);
	char *fbase = fingerprint(base);
	int which;

	(void)state;
	for (which = 0; which < 24; which++) {
		gm_schema *s = build(false);
		gm_table *deals = gm_schema_table(s, "deals");
		gm_column *amount = gm_table_column(deals, "amount");
		gm_column *currency = gm_table_column(deals, "currency");
		char *f;

		switch (which) {
		case 0:
			gm_set_str(&s->enums[0]->labels[1], "GBP");
			break;
		case 1:
			gm_enum_add_label(s->enums[0], "BTC");
			break;
		case 2:
			gm_set_str(&s->enums[0]->labels[0], "EUR");
			gm_set_str(&s->enums[0]->labels[1], "USD");
			break; /* order */
		case 3:
			gm_set_str(&amount->type, "numeric(12,3)");
			break;
		case 4:
			amount->nullable = true;
			break;
		case 5:
			gm_column_set_default(amount, GM_DEFAULT_SQL, "0");
			break;
		case 6:
			gm_column_set_default(amount, GM_DEFAULT_NONE, NULL);
			break;
		case 7:
			gm_column_set_default(amount, GM_DEFAULT_LITERAL, "1");
			break;
		case 8:
			gm_table_column(deals, "id")->identity = false;
			break;
		case 9:
			gm_column_add_label(currency, "GBP");
			break;
		case 10:
			gm_set_str(&deals->comment, NULL);
			break;
		case 11:
			gm_set_str(&gm_table_column(deals, "title")->comment, "x");
			break;
		case 12:
			gm_set_str(&deals->pk_name, "deals_pk");
			break;
		case 13:
			gm_table_add_pk(deals, "title");
			break;
		case 14:
			gm_table_index(deals, "deals_title_idx")->unique = true;
			break;
		case 15:
			gm_table_index(deals, "deals_title_key")->constraint = false;
			break;
		case 16:
			gm_set_str(&gm_table_index(deals, "deals_title_idx")->where, NULL);
			break;
		case 17:
			gm_set_str(&gm_table_fkey(deals, "deals_contact_id_fkey")->on_delete, NULL);
			break;
		case 18:
			gm_set_str(&gm_table_fkey(deals, "deals_other_fkey")->on_update,
				   "restrict");
			break;
		case 19:
			gm_set_str(&gm_table_check(deals, "a_check")->expr, "id >= 0");
			break;
		case 20:
			gm_set_str(&gm_table_column(deals, "title")->name, "Title");
			break;
		case 21:
			gm_table_add_column(deals, "notes", "text");
			break;
		case 22:
			gm_set_str(&gm_table_index(deals, "ux_deals_contact_title")->columns[0],
				   "title");
			gm_set_str(&gm_table_index(deals, "ux_deals_contact_title")->columns[1],
				   "contact_id");
			break; /* index column order */
		case 23:
			gm_set_str(&gm_table_index(deals, "deals_title_idx")->expr, "lower(title)");
			break;
		}
		f = fingerprint(s);
		if (!strcmp(f, fbase)) {
			print_error("change %d left the fingerprint unchanged\n", which);
			fail();
		}
		free(f);
		gm_schema_free(s);
	}
	free(fbase);
	gm_schema_free(base);
}

static void test_fingerprint__quotes_odd_names_and_values(void **state)
{
	gm_schema *s;
	gm_table *t;
	gm_column *c;
	gm_buf b = GM_BUF_INIT;

	(void)state;
	gm_schema_new(&s);
	t = gm_schema_add_table(s, "Order Items");
	c = gm_table_add_column(t, "na\"me", "bit varying(5)");
	gm_column_set_default(c, GM_DEFAULT_LITERAL, "a\\b\nc");
	gm_schema_fingerprint(&b, s);
	assert_string_equal(
		b.ptr, "table \"Order Items\"\n"
		       "  column \"na\"\"me\" \"bit varying(5)\" default literal 'a\\\\b\\nc'\n");
	gm_buf_release(&b);
	gm_schema_free(s);
}

static void test_fingerprint__empty_and_appends(void **state)
{
	gm_schema *s;
	gm_buf b = GM_BUF_INIT;

	(void)state;
	gm_schema_new(&s);
	gm_schema_add_unsupported(s, "view customer_list");
	gm_buf_puts(&b, "x\n");
	gm_schema_fingerprint(&b, s);
	assert_string_equal(b.ptr, "x\n"); /* unsupported objects are not part of it */
	gm_buf_release(&b);
	gm_schema_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fingerprint__readable_text),
		cmocka_unit_test(test_fingerprint__order_stable),
		cmocka_unit_test(test_fingerprint__one_field_changes_it),
		cmocka_unit_test(test_fingerprint__quotes_odd_names_and_values),
		cmocka_unit_test(test_fingerprint__empty_and_appends),
	};
	return cmocka_run_group_tests_name("fingerprint", tests, NULL, NULL);
}
