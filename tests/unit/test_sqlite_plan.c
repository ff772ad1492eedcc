/*
 * Unit tests of core/dialect/sqlite_plan.c: normalize, and the planner as a table of
 * (before models, after models, expected SQL) cases (Atlas's style). The table runs
 * offline; then the same cases run on real SQLite databases, where the planned SQL must
 * apply and the inspected result must equal the models, and rows must survive.
 */
#include <stdlib.h>
#include <sqlite3.h>
#include "gm_test.h"
#include "dialect/sqlite.h"
#include "db_int.h"
#include "diff_int.h"
#include "models_int.h"
#include "schema_int.h"

/* ---- helpers ---- */

static gm_schema *models(const char *yaml)
{
	gm_schema *s;
	gm_schema_new(&s);
	assert_gm_ok(gm_models_parse_yaml(s, "models.yml", yaml, strlen(yaml)));
	assert_gm_ok(gm_models_validate(s));
	gm_sqlite_normalize(s);
	return s;
}

/* The plan as text: each statement's SQL, flagged ones after a "-- <flags> <subject>" line. */
static void render(gm_buf *out, const gm_plan *plan)
{
	size_t i;
	for (i = 0; i < plan->nr; i++) {
		const gm_stmt *st = &plan->v[i];
		if (st->flags & (GM_STMT_REBUILD | GM_STMT_DATA_LOSS))
			gm_buf_printf(out, "--%s%s %s\n",
				      st->flags & GM_STMT_REBUILD ? " rebuild" : "",
				      st->flags & GM_STMT_DATA_LOSS ? " data-loss" : "",
				      st->subject ? st->subject : "(null)");
		gm_buf_puts(out, st->sql);
	}
}

/* Plan from → to (both normalized) into *plan. */
static void plan_between(gm_plan *plan, gm_changes *changes, const gm_schema *from,
			 const gm_schema *to)
{
	assert_gm_ok(gm_diff(changes, from, to, 0));
	assert_gm_ok(gm_sqlite_plan(plan, changes));
}

static void plan_text(gm_buf *out, const gm_schema *from, const gm_schema *to)
{
	gm_changes changes = GM_CHANGES_INIT;
	gm_plan plan = GM_PLAN_INIT;
	plan_between(&plan, &changes, from, to);
	render(out, &plan);
	gm_plan_release(&plan);
	gm_changes_release(&changes);
}

/* ---- the table ---- */

#define CONTACTS                                                                   \
	"  contacts:\n"                                                            \
	"    columns:\n"                                                           \
	"      id: {type: integer, primary_key: true}\n"                           \
	"      email: {type: varchar(200), null: false, unique: true}\n"           \
	"      name: text\n"

static const struct {
	const char *name, *before_yaml, *after_yaml, *expect_sql;
} cases[] = {
	{ "add table",
	  "",
	  "tables:\n" CONTACTS
	  "    indexes:\n"
	  "      - {columns: [name]}\n",
	  "CREATE TABLE contacts (\n"
	  "    id integer NOT NULL,\n"
	  "    email varchar(200) NOT NULL,\n"
	  "    name text,\n"
	  "    CONSTRAINT contacts_pkey PRIMARY KEY (id),\n"
	  "    CONSTRAINT contacts_email_key UNIQUE (email)\n"
	  ");\n"
	  "CREATE INDEX contacts_name_idx ON contacts (name);\n" },

	{ "add table with enum, identity, defaults, foreign key and check",
	  "tables:\n" CONTACTS,
	  "enums:\n"
	  "  dealcurrency: [USD, EUR]\n"
	  "tables:\n" CONTACTS
	  "  deals:\n"
	  "    comment: Sales deals\n"
	  "    columns:\n"
	  "      id: {type: integer, primary_key: true, identity: true}\n"
	  "      title: {type: varchar(120), null: false, default: \"it's\"}\n"
	  "      amount: {type: \"numeric(12,2)\", null: false, default: 0}\n"
	  "      currency: {type: dealcurrency, null: false, default: USD}\n"
	  "      won: {type: boolean, null: false, default: false}\n"
	  "      contact_id: {type: integer, references: contacts(id), on_delete: cascade}\n"
	  "      created_at: {type: timestamptz, null: false, default_sql: CURRENT_TIMESTAMP}\n"
	  "    indexes:\n"
	  "      - {name: ux_deals_contact_title, columns: [contact_id, title], unique: true}\n"
	  "    checks:\n"
	  "      amount_positive: amount >= 0\n",
	  "CREATE TABLE deals (\n"
	  "    id integer NOT NULL CONSTRAINT deals_pkey PRIMARY KEY AUTOINCREMENT,\n"
	  "    title varchar(120) NOT NULL DEFAULT 'it''s',\n"
	  "    amount numeric(12,2) NOT NULL DEFAULT 0,\n"
	  "    currency text NOT NULL DEFAULT 'USD' CHECK (currency IN ('USD', 'EUR')),\n"
	  "    won boolean NOT NULL DEFAULT FALSE,\n"
	  "    contact_id integer,\n"
	  "    created_at timestamptz NOT NULL DEFAULT (CURRENT_TIMESTAMP),\n"
	  "    CONSTRAINT deals_contact_id_fkey FOREIGN KEY (contact_id) REFERENCES contacts (id) ON DELETE CASCADE,\n"
	  "    CONSTRAINT amount_positive CHECK (amount >= 0)\n"
	  ");\n"
	  "CREATE UNIQUE INDEX ux_deals_contact_title ON deals (contact_id, title);\n" },

	{ "add table with a composite primary key",
	  "",
	  "tables:\n"
	  "  memberships:\n"
	  "    primary_key: [group_id, user_id]\n"
	  "    columns:\n"
	  "      group_id: integer\n"
	  "      user_id: integer\n"
	  "      role: {type: text, null: false, default: member}\n",
	  "CREATE TABLE memberships (\n"
	  "    group_id integer NOT NULL,\n"
	  "    user_id integer NOT NULL,\n"
	  "    role text NOT NULL DEFAULT 'member',\n"
	  "    CONSTRAINT memberships_pkey PRIMARY KEY (group_id, user_id)\n"
	  ");\n" },

	{ "drop table",
	  "tables:\n" CONTACTS
	  "  notes:\n"
	  "    columns:\n"
	  "      body: text\n"
	  "      contact_id: {type: integer, references: contacts(id)}\n",
	  "tables:\n" CONTACTS,
	  "-- data-loss notes\n"
	  "DROP TABLE notes;\n" },

	{ "rename table",
	  "tables:\n"
	  "  notes:\n"
	  "    columns:\n"
	  "      body: text\n",
	  "tables:\n"
	  "  memos:\n"
	  "    was: notes\n"
	  "    columns:\n"
	  "      body: text\n",
	  "ALTER TABLE notes RENAME TO memos;\n" },

	{ "rename table with a primary key: renamed, then rebuilt for the key's name",
	  "tables:\n"
	  "  notes:\n"
	  "    columns:\n"
	  "      id: {type: integer, primary_key: true}\n"
	  "      body: text\n",
	  "tables:\n"
	  "  memos:\n"
	  "    was: notes\n"
	  "    columns:\n"
	  "      id: {type: integer, primary_key: true}\n"
	  "      body: text\n",
	  "ALTER TABLE notes RENAME TO memos;\n"
	  "-- rebuild memos\n"
	  "CREATE TABLE _gm_new_memos (\n"
	  "    id integer NOT NULL,\n"
	  "    body text,\n"
	  "    CONSTRAINT memos_pkey PRIMARY KEY (id)\n"
	  ");\n"
	  "INSERT INTO _gm_new_memos (id, body) SELECT id, body FROM memos;\n"
	  "DROP TABLE memos;\n"
	  "ALTER TABLE _gm_new_memos RENAME TO memos;\n" },

	{ "add nullable column in place",
	  "tables:\n" CONTACTS,
	  "tables:\n" CONTACTS
	  "      phone: varchar(40)\n",
	  "ALTER TABLE contacts ADD COLUMN phone varchar(40);\n" },

	{ "add NOT NULL column with a default in place",
	  "tables:\n" CONTACTS,
	  "tables:\n" CONTACTS
	  "      score: {type: integer, null: false, default: -1}\n"
	  "      ok: {type: boolean, null: false, default: true}\n",
	  "ALTER TABLE contacts ADD COLUMN score integer NOT NULL DEFAULT -1;\n"
	  "ALTER TABLE contacts ADD COLUMN ok boolean NOT NULL DEFAULT TRUE;\n" },

	{ "add enum column in place (CHECK allowed)",
	  "enums:\n"
	  "  kind: [lead, customer]\n"
	  "tables:\n" CONTACTS,
	  "enums:\n"
	  "  kind: [lead, customer]\n"
	  "tables:\n" CONTACTS
	  "      kind: {type: kind, null: false, default: lead}\n",
	  "ALTER TABLE contacts ADD COLUMN kind text NOT NULL DEFAULT 'lead' CHECK (kind IN ('lead', 'customer'));\n" },

	{ "add column with a foreign key in place",
	  "tables:\n" CONTACTS
	  "  deals:\n"
	  "    columns:\n"
	  "      id: {type: integer, primary_key: true}\n",
	  "tables:\n" CONTACTS
	  "  deals:\n"
	  "    columns:\n"
	  "      id: {type: integer, primary_key: true}\n"
	  "      contact_id: {type: integer, references: contacts(id), on_delete: set null}\n",
	  "ALTER TABLE deals ADD COLUMN contact_id integer CONSTRAINT deals_contact_id_fkey REFERENCES contacts (id) ON DELETE SET NULL;\n" },

	{ "add NOT NULL column without default: rebuild",
	  "tables:\n" CONTACTS,
	  "tables:\n" CONTACTS
	  "      phone: {type: text, null: false}\n",
	  "-- rebuild contacts\n"
	  "CREATE TABLE _gm_new_contacts (\n"
	  "    id integer NOT NULL,\n"
	  "    email varchar(200) NOT NULL,\n"
	  "    name text,\n"
	  "    phone text NOT NULL,\n"
	  "    CONSTRAINT contacts_pkey PRIMARY KEY (id),\n"
	  "    CONSTRAINT contacts_email_key UNIQUE (email)\n"
	  ");\n"
	  "INSERT INTO _gm_new_contacts (id, email, name) SELECT id, email, name FROM contacts;\n"
	  "DROP TABLE contacts;\n"
	  "ALTER TABLE _gm_new_contacts RENAME TO contacts;\n" },

	{ "add column with an expression default: rebuild",
	  "tables:\n"
	  "  events:\n"
	  "    columns:\n"
	  "      id: {type: integer, primary_key: true}\n",
	  "tables:\n"
	  "  events:\n"
	  "    columns:\n"
	  "      id: {type: integer, primary_key: true}\n"
	  "      at: {type: timestamp, default_sql: CURRENT_TIMESTAMP}\n",
	  "-- rebuild events\n"
	  "CREATE TABLE _gm_new_events (\n"
	  "    id integer NOT NULL,\n"
	  "    at timestamp DEFAULT (CURRENT_TIMESTAMP),\n"
	  "    CONSTRAINT events_pkey PRIMARY KEY (id)\n"
	  ");\n"
	  "INSERT INTO _gm_new_events (id) SELECT id FROM events;\n"
	  "DROP TABLE events;\n"
	  "ALTER TABLE _gm_new_events RENAME TO events;\n" },

	{ "drop column in place",
	  "tables:\n" CONTACTS
	  "      phone: text\n",
	  "tables:\n" CONTACTS,
	  "-- data-loss contacts.phone\n"
	  "ALTER TABLE contacts DROP COLUMN phone;\n" },

	{ "drop indexed column: index dropped first, then the column in place",
	  "tables:\n" CONTACTS
	  "      phone: text\n"
	  "    indexes:\n"
	  "      - {columns: [phone]}\n",
	  "tables:\n" CONTACTS,
	  "DROP INDEX contacts_phone_idx;\n"
	  "-- data-loss contacts.phone\n"
	  "ALTER TABLE contacts DROP COLUMN phone;\n" },

	{ "drop unique column: rebuild, then the column is dropped",
	  "tables:\n" CONTACTS,
	  "tables:\n"
	  "  contacts:\n"
	  "    columns:\n"
	  "      id: {type: integer, primary_key: true}\n"
	  "      name: text\n",
	  "-- rebuild contacts\n"
	  "CREATE TABLE _gm_new_contacts (\n"
	  "    id integer NOT NULL,\n"
	  "    name text,\n"
	  "    email varchar(200) NOT NULL,\n"
	  "    CONSTRAINT contacts_pkey PRIMARY KEY (id)\n"
	  ");\n"
	  "INSERT INTO _gm_new_contacts (id, name, email) SELECT id, name, email FROM contacts;\n"
	  "DROP TABLE contacts;\n"
	  "ALTER TABLE _gm_new_contacts RENAME TO contacts;\n"
	  "-- data-loss contacts.email\n"
	  "ALTER TABLE contacts DROP COLUMN email;\n" },

	{ "drop a column of a composite primary key",
	  "tables:\n"
	  "  memberships:\n"
	  "    primary_key: [group_id, user_id]\n"
	  "    columns:\n"
	  "      group_id: integer\n"
	  "      user_id: integer\n",
	  "tables:\n"
	  "  memberships:\n"
	  "    primary_key: [group_id]\n"
	  "    columns:\n"
	  "      group_id: integer\n",
	  "-- rebuild memberships\n"
	  "CREATE TABLE _gm_new_memberships (\n"
	  "    group_id integer NOT NULL,\n"
	  "    user_id integer NOT NULL,\n"
	  "    CONSTRAINT memberships_pkey PRIMARY KEY (group_id)\n"
	  ");\n"
	  "INSERT INTO _gm_new_memberships (group_id, user_id) SELECT group_id, user_id FROM memberships;\n"
	  "DROP TABLE memberships;\n"
	  "ALTER TABLE _gm_new_memberships RENAME TO memberships;\n"
	  "-- data-loss memberships.user_id\n"
	  "ALTER TABLE memberships DROP COLUMN user_id;\n" },

	{ "rename column",
	  "tables:\n" CONTACTS,
	  "tables:\n"
	  "  contacts:\n"
	  "    columns:\n"
	  "      id: {type: integer, primary_key: true}\n"
	  "      email: {type: varchar(200), null: false, unique: true}\n"
	  "      full_name: {type: text, was: name}\n",
	  "ALTER TABLE contacts RENAME COLUMN name TO full_name;\n" },

	{ "rename and retype a column: one rebuild maps the old name",
	  "tables:\n" CONTACTS,
	  "tables:\n"
	  "  contacts:\n"
	  "    columns:\n"
	  "      id: {type: integer, primary_key: true}\n"
	  "      email: {type: varchar(200), null: false, unique: true}\n"
	  "      full_name: {type: varchar(80), was: name}\n",
	  "-- rebuild contacts\n"
	  "CREATE TABLE _gm_new_contacts (\n"
	  "    id integer NOT NULL,\n"
	  "    email varchar(200) NOT NULL,\n"
	  "    full_name varchar(80),\n"
	  "    CONSTRAINT contacts_pkey PRIMARY KEY (id),\n"
	  "    CONSTRAINT contacts_email_key UNIQUE (email)\n"
	  ");\n"
	  "INSERT INTO _gm_new_contacts (id, email, full_name) SELECT id, email, name FROM contacts;\n"
	  "DROP TABLE contacts;\n"
	  "ALTER TABLE _gm_new_contacts RENAME TO contacts;\n" },

	{ "type change: rebuild, indexes recreated",
	  "tables:\n"
	  "  items:\n"
	  "    columns:\n"
	  "      id: {type: integer, primary_key: true}\n"
	  "      price: integer\n"
	  "    indexes:\n"
	  "      - {columns: [price]}\n",
	  "tables:\n"
	  "  items:\n"
	  "    columns:\n"
	  "      id: {type: integer, primary_key: true}\n"
	  "      price: numeric(10,2)\n"
	  "    indexes:\n"
	  "      - {columns: [price]}\n",
	  "-- rebuild items\n"
	  "CREATE TABLE _gm_new_items (\n"
	  "    id integer NOT NULL,\n"
	  "    price numeric(10,2),\n"
	  "    CONSTRAINT items_pkey PRIMARY KEY (id)\n"
	  ");\n"
	  "INSERT INTO _gm_new_items (id, price) SELECT id, price FROM items;\n"
	  "DROP TABLE items;\n"
	  "ALTER TABLE _gm_new_items RENAME TO items;\n"
	  "CREATE INDEX items_price_idx ON items (price);\n" },

	{ "rebuilt AUTOINCREMENT table keeps its counter",
	  "tables:\n"
	  "  events:\n"
	  "    columns:\n"
	  "      id: {type: integer, primary_key: true, identity: true}\n"
	  "      kind: text\n",
	  "tables:\n"
	  "  events:\n"
	  "    columns:\n"
	  "      id: {type: integer, primary_key: true, identity: true}\n"
	  "      kind: {type: text, null: false}\n",
	  "-- rebuild events\n"
	  "CREATE TABLE _gm_new_events (\n"
	  "    id integer NOT NULL CONSTRAINT events_pkey PRIMARY KEY AUTOINCREMENT,\n"
	  "    kind text NOT NULL\n"
	  ");\n"
	  "INSERT INTO _gm_new_events (id, kind) SELECT id, kind FROM events;\n"
	  "DELETE FROM sqlite_sequence WHERE name = '_gm_new_events';\n"
	  "UPDATE sqlite_sequence SET name = '_gm_new_events' WHERE name = 'events';\n"
	  "DROP TABLE events;\n"
	  "ALTER TABLE _gm_new_events RENAME TO events;\n" },

	{ "nullability change: rebuild",
	  "tables:\n"
	  "  items:\n"
	  "    columns:\n"
	  "      sku: text\n",
	  "tables:\n"
	  "  items:\n"
	  "    columns:\n"
	  "      sku: {type: text, null: false}\n",
	  "-- rebuild items\n"
	  "CREATE TABLE _gm_new_items (\n"
	  "    sku text NOT NULL\n"
	  ");\n"
	  "INSERT INTO _gm_new_items (sku) SELECT sku FROM items;\n"
	  "DROP TABLE items;\n"
	  "ALTER TABLE _gm_new_items RENAME TO items;\n" },

	{ "default change: rebuild",
	  "tables:\n"
	  "  items:\n"
	  "    columns:\n"
	  "      qty: {type: integer, default: 1}\n",
	  "tables:\n"
	  "  items:\n"
	  "    columns:\n"
	  "      qty: {type: integer, default: 2}\n",
	  "-- rebuild items\n"
	  "CREATE TABLE _gm_new_items (\n"
	  "    qty integer DEFAULT 2\n"
	  ");\n"
	  "INSERT INTO _gm_new_items (qty) SELECT qty FROM items;\n"
	  "DROP TABLE items;\n"
	  "ALTER TABLE _gm_new_items RENAME TO items;\n" },

	{ "indexes added and dropped in place",
	  "tables:\n" CONTACTS
	  "    indexes:\n"
	  "      - {columns: [name]}\n",
	  "tables:\n" CONTACTS
	  "    indexes:\n"
	  "      - {name: ux_contacts_name_email, columns: [name, email], unique: true}\n"
	  "      - {name: ix_named, columns: [name], where: name IS NOT NULL}\n",
	  "DROP INDEX contacts_name_idx;\n"
	  "CREATE INDEX ix_named ON contacts (name) WHERE name IS NOT NULL;\n"
	  "CREATE UNIQUE INDEX ux_contacts_name_email ON contacts (name, email);\n" },

	{ "unique constraint added: rebuild",
	  "tables:\n"
	  "  tags:\n"
	  "    columns:\n"
	  "      label: text\n",
	  "tables:\n"
	  "  tags:\n"
	  "    columns:\n"
	  "      label: {type: text, unique: true}\n",
	  "-- rebuild tags\n"
	  "CREATE TABLE _gm_new_tags (\n"
	  "    label text,\n"
	  "    CONSTRAINT tags_label_key UNIQUE (label)\n"
	  ");\n"
	  "INSERT INTO _gm_new_tags (label) SELECT label FROM tags;\n"
	  "DROP TABLE tags;\n"
	  "ALTER TABLE _gm_new_tags RENAME TO tags;\n" },

	{ "foreign key on an existing column: rebuild",
	  "tables:\n" CONTACTS
	  "  deals:\n"
	  "    columns:\n"
	  "      contact_id: integer\n",
	  "tables:\n" CONTACTS
	  "  deals:\n"
	  "    columns:\n"
	  "      contact_id: {type: integer, references: contacts}\n",
	  "-- rebuild deals\n"
	  "CREATE TABLE _gm_new_deals (\n"
	  "    contact_id integer,\n"
	  "    CONSTRAINT deals_contact_id_fkey FOREIGN KEY (contact_id) REFERENCES contacts (id)\n"
	  ");\n"
	  "INSERT INTO _gm_new_deals (contact_id) SELECT contact_id FROM deals;\n"
	  "DROP TABLE deals;\n"
	  "ALTER TABLE _gm_new_deals RENAME TO deals;\n" },

	{ "check added: rebuild",
	  "tables:\n"
	  "  items:\n"
	  "    columns:\n"
	  "      qty: integer\n",
	  "tables:\n"
	  "  items:\n"
	  "    columns:\n"
	  "      qty: integer\n"
	  "    checks:\n"
	  "      qty_positive: qty > 0\n",
	  "-- rebuild items\n"
	  "CREATE TABLE _gm_new_items (\n"
	  "    qty integer,\n"
	  "    CONSTRAINT qty_positive CHECK (qty > 0)\n"
	  ");\n"
	  "INSERT INTO _gm_new_items (qty) SELECT qty FROM items;\n"
	  "DROP TABLE items;\n"
	  "ALTER TABLE _gm_new_items RENAME TO items;\n" },

	{ "enum label added: rebuild of each table using it",
	  "enums:\n"
	  "  dealcurrency: [USD, EUR]\n"
	  "tables:\n"
	  "  deals:\n"
	  "    columns:\n"
	  "      currency: {type: dealcurrency, null: false, default: USD}\n"
	  "  prices:\n"
	  "    columns:\n"
	  "      currency: dealcurrency\n"
	  "  users:\n"
	  "    columns:\n"
	  "      name: text\n",
	  "enums:\n"
	  "  dealcurrency: [USD, EUR, BTC]\n"
	  "tables:\n"
	  "  deals:\n"
	  "    columns:\n"
	  "      currency: {type: dealcurrency, null: false, default: USD}\n"
	  "  prices:\n"
	  "    columns:\n"
	  "      currency: dealcurrency\n"
	  "  users:\n"
	  "    columns:\n"
	  "      name: text\n",
	  "-- rebuild deals\n"
	  "CREATE TABLE _gm_new_deals (\n"
	  "    currency text NOT NULL DEFAULT 'USD' CHECK (currency IN ('USD', 'EUR', 'BTC'))\n"
	  ");\n"
	  "INSERT INTO _gm_new_deals (currency) SELECT currency FROM deals;\n"
	  "DROP TABLE deals;\n"
	  "ALTER TABLE _gm_new_deals RENAME TO deals;\n"
	  "-- rebuild prices\n"
	  "CREATE TABLE _gm_new_prices (\n"
	  "    currency text CHECK (currency IN ('USD', 'EUR', 'BTC'))\n"
	  ");\n"
	  "INSERT INTO _gm_new_prices (currency) SELECT currency FROM prices;\n"
	  "DROP TABLE prices;\n"
	  "ALTER TABLE _gm_new_prices RENAME TO prices;\n" },

	{ "enum label removed: rebuild",
	  "enums:\n"
	  "  status: [open, won, lost]\n"
	  "tables:\n"
	  "  deals:\n"
	  "    columns:\n"
	  "      status: status\n",
	  "enums:\n"
	  "  status: [open, won]\n"
	  "tables:\n"
	  "  deals:\n"
	  "    columns:\n"
	  "      status: status\n",
	  "-- rebuild deals\n"
	  "CREATE TABLE _gm_new_deals (\n"
	  "    status text CHECK (status IN ('open', 'won'))\n"
	  ");\n"
	  "INSERT INTO _gm_new_deals (status) SELECT status FROM deals;\n"
	  "DROP TABLE deals;\n"
	  "ALTER TABLE _gm_new_deals RENAME TO deals;\n" },

	{ "many changes to one table: one rebuild",
	  "tables:\n"
	  "  items:\n"
	  "    columns:\n"
	  "      id: {type: integer, primary_key: true}\n"
	  "      qty: integer\n"
	  "      label: text\n"
	  "      legacy: text\n"
	  "    indexes:\n"
	  "      - {columns: [label]}\n"
	  "    checks:\n"
	  "      qty_positive: qty > 0\n",
	  "tables:\n"
	  "  items:\n"
	  "    columns:\n"
	  "      id: {type: integer, primary_key: true}\n"
	  "      quantity: {type: bigint, null: false, default: 0, was: qty}\n"
	  "      label: text\n"
	  "      sku: {type: text, null: false}\n"
	  "      note: text\n"
	  "    indexes:\n"
	  "      - {columns: [sku], unique: true}\n"
	  "    checks:\n"
	  "      quantity_positive: quantity >= 0\n",
	  "-- rebuild items\n"
	  "CREATE TABLE _gm_new_items (\n"
	  "    id integer NOT NULL,\n"
	  "    quantity bigint NOT NULL DEFAULT 0,\n"
	  "    label text,\n"
	  "    sku text NOT NULL,\n"
	  "    note text,\n"
	  "    legacy text,\n"
	  "    CONSTRAINT items_pkey PRIMARY KEY (id),\n"
	  "    CONSTRAINT quantity_positive CHECK (quantity >= 0)\n"
	  ");\n"
	  "INSERT INTO _gm_new_items (id, quantity, label, legacy) SELECT id, qty, label, legacy FROM items;\n"
	  "DROP TABLE items;\n"
	  "ALTER TABLE _gm_new_items RENAME TO items;\n"
	  "CREATE UNIQUE INDEX items_sku_idx ON items (sku);\n"
	  "-- data-loss items.legacy\n"
	  "ALTER TABLE items DROP COLUMN legacy;\n" },

	{ "comments are not stored on sqlite",
	  "tables:\n"
	  "  items:\n"
	  "    comment: old\n"
	  "    columns:\n"
	  "      qty: {type: integer, comment: before}\n",
	  "tables:\n"
	  "  items:\n"
	  "    comment: new\n"
	  "    columns:\n"
	  "      qty: {type: integer, comment: after}\n",
	  "" },

	{ "identifiers that need quotes",
	  "",
	  "enums:\n"
	  "  Mood: [happy, \"it's\"]\n"
	  "tables:\n"
	  "  order:\n"
	  "    columns:\n"
	  "      id: {type: integer, primary_key: true}\n"
	  "      user: {type: text, null: false}\n"
	  "      \"Deal Notes\": text\n"
	  "      MixedCase: Mood\n"
	  "    indexes:\n"
	  "      - {columns: [user, Deal Notes]}\n"
	  "  group:\n"
	  "    columns:\n"
	  "      order_id: {type: integer, references: order(id)}\n",
	  "CREATE TABLE \"order\" (\n"
	  "    id integer NOT NULL,\n"
	  "    \"user\" text NOT NULL,\n"
	  "    \"Deal Notes\" text,\n"
	  "    \"MixedCase\" text CHECK (\"MixedCase\" IN ('happy', 'it''s')),\n"
	  "    CONSTRAINT order_pkey PRIMARY KEY (id)\n"
	  ");\n"
	  "CREATE INDEX \"order_user_Deal Notes_idx\" ON \"order\" (\"user\", \"Deal Notes\");\n"
	  "CREATE TABLE \"group\" (\n"
	  "    order_id integer,\n"
	  "    CONSTRAINT group_order_id_fkey FOREIGN KEY (order_id) REFERENCES \"order\" (id)\n"
	  ");\n" },

	{ "identifiers that need quotes, rebuilt and altered",
	  "tables:\n"
	  "  order:\n"
	  "    columns:\n"
	  "      id: {type: integer, primary_key: true}\n"
	  "      user: text\n"
	  "      \"Deal Notes\": text\n"
	  "      MixedCase: text\n",
	  "tables:\n"
	  "  order:\n"
	  "    columns:\n"
	  "      id: {type: integer, primary_key: true}\n"
	  "      user: {type: text, null: false}\n"
	  "      \"Deal Notes\": text\n"
	  "      Renamed: {type: text, was: MixedCase}\n"
	  "      select: text\n",
	  "-- rebuild order\n"
	  "CREATE TABLE _gm_new_order (\n"
	  "    id integer NOT NULL,\n"
	  "    \"user\" text NOT NULL,\n"
	  "    \"Deal Notes\" text,\n"
	  "    \"Renamed\" text,\n"
	  "    \"select\" text,\n"
	  "    CONSTRAINT order_pkey PRIMARY KEY (id)\n"
	  ");\n"
	  "INSERT INTO _gm_new_order (id, \"user\", \"Deal Notes\", \"Renamed\") "
	  "SELECT id, \"user\", \"Deal Notes\", \"MixedCase\" FROM \"order\";\n"
	  "DROP TABLE \"order\";\n"
	  "ALTER TABLE _gm_new_order RENAME TO \"order\";\n" },
};

static void test_sqlite_plan__cases(void **state)
{
	size_t i;
	int failed = 0;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		gm_schema *from = models(cases[i].before_yaml);
		gm_schema *to = models(cases[i].after_yaml);
		gm_buf got = GM_BUF_INIT;

		plan_text(&got, from, to);
		if (strcmp(got.ptr, cases[i].expect_sql)) {
			print_error("case '%s':\n--- got\n%s--- expected\n%s", cases[i].name,
				    got.ptr, cases[i].expect_sql);
			failed++;
		}
		gm_buf_release(&got);
		gm_schema_free(to);
		gm_schema_free(from);
	}
	assert_int_equal(failed, 0);
}

/* ---- normalize ---- */

static void test_sqlite_plan__normalize(void **state)
{
	gm_schema *s = models("enums:\n"
			      "  dealcurrency: [USD, EUR]\n"
			      "tables:\n"
			      "  deals:\n"
			      "    comment: Sales deals\n"
			      "    columns:\n"
			      "      id: {type: integer, primary_key: true, identity: true}\n"
			      "      currency: {type: dealcurrency, comment: money}\n"
			      "      seq: serial\n"
			      "      big: bigserial\n"
			      "      amount: numeric(12,2)\n"
			      "  events:\n"
			      "    columns:\n"
			      "      id: {type: bigint, primary_key: true, identity: true}\n");
	const gm_table *deals = gm_schema_table(s, "deals");
	const gm_table *events = gm_schema_table(s, "events");
	const gm_column *c;

	assert_int_equal(s->enums_nr, 0);
	assert_null(deals->comment);

	c = gm_table_column(deals, "id");
	assert_string_equal(c->type, "integer");
	assert_true(c->identity);

	c = gm_table_column(deals, "currency");
	assert_string_equal(c->type, "text");
	assert_int_equal(c->labels_nr, 2);
	assert_string_equal(c->labels[0], "USD");
	assert_string_equal(c->labels[1], "EUR");
	assert_string_equal(c->enum_name, "dealcurrency");
	assert_null(c->comment);

	assert_string_equal(gm_table_column(deals, "seq")->type, "integer");
	assert_string_equal(gm_table_column(deals, "big")->type, "bigint");
	assert_string_equal(gm_table_column(deals, "amount")->type, "numeric(12,2)");

	/* AUTOINCREMENT needs an INTEGER PRIMARY KEY */
	c = gm_table_column(events, "id");
	assert_string_equal(c->type, "bigint");
	assert_false(c->identity);

	/* idempotent */
	gm_sqlite_normalize(s);
	c = gm_table_column(deals, "currency");
	assert_string_equal(c->type, "text");
	assert_int_equal(c->labels_nr, 2);
	gm_schema_free(s);
}

static void test_sqlite_plan__flags_and_sources(void **state)
{
	gm_schema *from = models("tables:\n"
				 "  a:\n"
				 "    columns:\n"
				 "      x: integer\n"
				 "      y: integer\n"
				 "  b:\n"
				 "    columns:\n"
				 "      x: integer\n");
	gm_schema *to = models("tables:\n"
			       "  a:\n"
			       "    columns:\n"
			       "      x: {type: integer, null: false}\n");
	gm_changes changes = GM_CHANGES_INIT;
	gm_plan plan = GM_PLAN_INIT;
	size_t i;

	plan_between(&plan, &changes, from, to);
	assert_int_equal(plan.nr, 3);
	assert_int_equal(plan.v[0].flags, GM_STMT_REBUILD);
	assert_string_equal(plan.v[0].subject, "a");
	assert_int_equal(plan.v[1].flags, GM_STMT_DATA_LOSS);
	assert_string_equal(plan.v[1].subject, "a.y");
	assert_int_equal(plan.v[2].flags, GM_STMT_DATA_LOSS);
	assert_string_equal(plan.v[2].subject, "b");
	for (i = 0; i < plan.nr; i++) {
		size_t n = strlen(plan.v[i].sql);
		assert_non_null(plan.v[i].source);
		assert_true(n > 2 && !strcmp(plan.v[i].sql + n - 2, ";\n"));
	}
	assert_int_equal(plan.v[0].source->kind, GM_CHANGE_MODIFY_TABLE);
	assert_int_equal(plan.v[2].source->kind, GM_CHANGE_DROP_TABLE);
	gm_plan_release(&plan);
	gm_changes_release(&changes);
	gm_schema_free(to);
	gm_schema_free(from);
}

/* ---- on a real SQLite database ---- */

static gm_conn *open_memory(void)
{
	gm_url *url = NULL;
	gm_conn *conn = NULL;
	assert_gm_ok(gm_url_parse(&url, "sqlite://:memory:", "/"));
	assert_gm_ok(gm_conn_open(&conn, url));
	gm_url_free(url);
	return conn;
}

/* Apply the plan from → to in one transaction, as the applier does. */
static void apply(gm_conn *conn, const gm_schema *from, const gm_schema *to)
{
	gm_changes changes = GM_CHANGES_INIT;
	gm_plan plan = GM_PLAN_INIT;
	gm_buf sql = GM_BUF_INIT;

	plan_between(&plan, &changes, from, to);
	gm_plan_render(&sql, &plan);
	assert_gm_ok(conn->dialect->begin(conn));
	assert_gm_ok(conn->dialect->exec(conn, sql.ptr, "planned.sql", 1));
	assert_gm_ok(conn->dialect->commit(conn));
	gm_buf_release(&sql);
	gm_plan_release(&plan);
	gm_changes_release(&changes);
}

/* The database's inspected schema must equal `want`. */
static void assert_schema(gm_conn *conn, const gm_schema *want, const char *what)
{
	gm_schema *got = NULL;
	gm_buf a = GM_BUF_INIT, b = GM_BUF_INIT;

	assert_gm_ok(conn->dialect->inspect(&got, conn, "git_migrate_history"));
	gm_schema_fingerprint(&a, got);
	gm_schema_fingerprint(&b, want);
	if (strcmp(a.ptr, b.ptr))
		print_error("%s:\n--- inspected\n%s--- models\n%s", what, a.ptr, b.ptr);
	assert_string_equal(a.ptr, b.ptr);
	gm_buf_release(&b);
	gm_buf_release(&a);
	gm_schema_free(got);
}

static void test_sqlite_plan__cases_apply_on_sqlite(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		gm_schema *empty = models("");
		gm_schema *from = models(cases[i].before_yaml);
		gm_schema *to = models(cases[i].after_yaml);
		gm_conn *conn = open_memory();

		apply(conn, empty, from);
		assert_schema(conn, from, cases[i].name);
		apply(conn, from, to);
		assert_schema(conn, to, cases[i].name);
		gm_conn_free(conn);
		gm_schema_free(to);
		gm_schema_free(from);
		gm_schema_free(empty);
	}
}

static void run_sql(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		print_error("%s: %s\n", sql, msg);
		sqlite3_free(msg);
		fail();
	}
}

static int row_text(void *payload, int n, char **values, char **names)
{
	int i;
	for (i = 0; i < n; i++)
		gm_buf_printf(payload, "%s%s", i ? "|" : "", values[i] ? values[i] : "NULL");
	gm_buf_putc(payload, '\n');
	return 0;
}

static void assert_rows(sqlite3 *db, const char *query, const char *expect)
{
	gm_buf got = GM_BUF_INIT;
	char *msg = NULL;
	if (sqlite3_exec(db, query, row_text, &got, &msg) != SQLITE_OK) {
		print_error("%s: %s\n", query, msg);
		sqlite3_free(msg);
		fail();
	}
	assert_string_equal(got.ptr, expect);
	gm_buf_release(&got);
}

static void test_sqlite_plan__rows_survive(void **state)
{
	gm_schema *empty = models("");
	gm_schema *v1 = models(
		"enums:\n"
		"  dealcurrency: [USD, EUR]\n"
		"tables:\n"
		"  contacts:\n"
		"    columns:\n"
		"      id: {type: integer, primary_key: true, identity: true}\n"
		"      email: {type: text, null: false, unique: true}\n"
		"      name: text\n"
		"      fax: text\n"
		"  deals:\n"
		"    columns:\n"
		"      id: {type: integer, primary_key: true}\n"
		"      title: text\n"
		"      amount: integer\n"
		"      currency: {type: dealcurrency, null: false, default: USD}\n"
		"      contact_id: {type: integer, references: contacts(id), on_delete: cascade}\n"
		"    indexes:\n"
		"      - {columns: [title]}\n"
		"  order:\n"
		"    columns:\n"
		"      user: text\n"
		"      \"Deal Notes\": text\n");
	gm_schema *v2 = models(
		"enums:\n"
		"  dealcurrency: [USD, EUR, BTC]\n"
		"tables:\n"
		"  contacts:\n"
		"    columns:\n"
		"      id: {type: integer, primary_key: true, identity: true}\n"
		"      email: {type: varchar(200), null: false, unique: true}\n"
		"      full_name: {type: text, was: name}\n"
		"      phone: text\n"
		"  deals:\n"
		"    columns:\n"
		"      id: {type: integer, primary_key: true}\n"
		"      headline: {type: varchar(200), null: false, default: untitled, was: title}\n"
		"      amount: numeric(12,2)\n"
		"      currency: {type: dealcurrency, null: false, default: USD}\n"
		"      contact_id: {type: integer, references: contacts(id), on_delete: cascade}\n"
		"      stage: {type: text, null: false, default: new}\n"
		"    indexes:\n"
		"      - {columns: [headline]}\n"
		"    checks:\n"
		"      amount_positive: amount >= 0\n"
		"  orders:\n"
		"    was: order\n"
		"    columns:\n"
		"      user: text\n"
		"      \"Deal Notes\": text\n");
	gm_conn *conn = open_memory();
	sqlite3 *db = gm_sqlite_db(conn);

	apply(conn, empty, v1);
	run_sql(db, "INSERT INTO contacts (email, name, fax) VALUES "
		    "('a@x.org', 'Ann', '1'), ('b@x.org', 'Bob', NULL), ('t@x.org', 'Tmp', NULL);"
		    "DELETE FROM contacts WHERE email = 't@x.org';"
		    "INSERT INTO deals VALUES (10, 'Big', 100, 'EUR', 1), (11, 'Small', 5, 'USD', 2);"
		    "INSERT INTO \"order\" VALUES ('ann', 'it''s urgent');");

	apply(conn, v1, v2);
	assert_schema(conn, v2, "rows_survive");
	assert_rows(db, "SELECT id, email, full_name, phone FROM contacts ORDER BY id",
		    "1|a@x.org|Ann|NULL\n2|b@x.org|Bob|NULL\n");
	assert_rows(db, "SELECT id, headline, amount, currency, contact_id, stage FROM deals "
			"ORDER BY id",
		    "10|Big|100|EUR|1|new\n11|Small|5|USD|2|new\n");
	assert_rows(db, "SELECT user, \"Deal Notes\" FROM orders", "ann|it's urgent\n");
	/* the new label is allowed, a foreign label still refused, cascades still work */
	run_sql(db, "INSERT INTO deals (id, currency) VALUES (12, 'BTC')");
	assert_int_not_equal(sqlite3_exec(db, "INSERT INTO deals (id, currency) VALUES (13, 'XXX')",
					  NULL, NULL, NULL),
			     SQLITE_OK);
	run_sql(db, "DELETE FROM contacts WHERE id = 2");
	assert_rows(db, "SELECT id FROM deals ORDER BY id", "10\n12\n");
	/* AUTOINCREMENT survived the rebuild of contacts: ids 2 and 3 are not reused */
	run_sql(db, "INSERT INTO contacts (email) VALUES ('c@x.org')");
	assert_rows(db, "SELECT max(id) FROM contacts", "4\n");

	/* and back: the reverse plan restores the old shape with the rows */
	{
		gm_changes changes = GM_CHANGES_INIT;
		gm_plan plan = GM_PLAN_INIT;
		gm_buf sql = GM_BUF_INIT;
		assert_gm_ok(gm_diff(&changes, v2, v1, GM_DIFF_REVERSE));
		assert_gm_ok(gm_sqlite_plan(&plan, &changes));
		gm_plan_render(&sql, &plan);
		run_sql(db, "DELETE FROM deals WHERE currency = 'BTC'");
		assert_gm_ok(conn->dialect->begin(conn));
		assert_gm_ok(conn->dialect->exec(conn, sql.ptr, "down.sql", 1));
		assert_gm_ok(conn->dialect->commit(conn));
		gm_buf_release(&sql);
		gm_plan_release(&plan);
		gm_changes_release(&changes);
	}
	assert_schema(conn, v1, "rows_survive down");
	assert_rows(db, "SELECT id, title, amount, currency, contact_id FROM deals ORDER BY id",
		    "10|Big|100|EUR|1\n");
	assert_rows(db, "SELECT id, email, name, fax FROM contacts ORDER BY id",
		    "1|a@x.org|Ann|NULL\n4|c@x.org|NULL|NULL\n");
	run_sql(db, "DELETE FROM contacts WHERE id = 4; INSERT INTO contacts (email) VALUES ('d@x.org')");
	assert_rows(db, "SELECT max(id) FROM contacts", "5\n");
	assert_rows(db, "SELECT user, \"Deal Notes\" FROM \"order\"", "ann|it's urgent\n");

	gm_conn_free(conn);
	gm_schema_free(v2);
	gm_schema_free(v1);
	gm_schema_free(empty);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sqlite_plan__cases),
		cmocka_unit_test(test_sqlite_plan__normalize),
		cmocka_unit_test(test_sqlite_plan__flags_and_sources),
		cmocka_unit_test(test_sqlite_plan__cases_apply_on_sqlite),
		cmocka_unit_test(test_sqlite_plan__rows_survive),
	};
	return cmocka_run_group_tests_name("sqlite_plan", tests, NULL, NULL);
}
