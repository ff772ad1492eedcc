/*
 * The SQLite planner's cases (Atlas's style): before models, after models, the expected
 * SQL. test_sqlite_plan.c checks the SQL offline; test_sqlite_plan_apply.c applies the
 * same cases on real SQLite databases.
 */
#ifndef SQLITE_PLAN_CASES_H
#define SQLITE_PLAN_CASES_H

#define CONTACTS                                                         \
	"  contacts:\n"                                                  \
	"    columns:\n"                                                 \
	"      id: {type: integer, primary_key: true}\n"                 \
	"      email: {type: varchar(200), null: false, unique: true}\n" \
	"      name: text\n"

static const struct {
	const char *name, *before_yaml, *after_yaml, *expect_sql;
} cases[] = {
	{ "add table", "",
	  "tables:\n" CONTACTS "    indexes:\n"
	  "      - {columns: [name]}\n",
	  "CREATE TABLE contacts (\n"
	  "    id integer NOT NULL,\n"
	  "    email varchar(200) NOT NULL,\n"
	  "    name text,\n"
	  "    CONSTRAINT contacts_pkey PRIMARY KEY (id),\n"
	  "    CONSTRAINT contacts_email_key UNIQUE (email)\n"
	  ");\n"
	  "CREATE INDEX contacts_name_idx ON contacts (name);\n" },

	{ "add table with enum, identity, defaults, foreign key and check", "tables:\n" CONTACTS,
	  "enums:\n"
	  "  dealcurrency: [USD, EUR]\n"
	  "tables:\n" CONTACTS "  deals:\n"
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

	{ "add table with a composite primary key", "",
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
	  "tables:\n" CONTACTS "  notes:\n"
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

	{ "add nullable column in place", "tables:\n" CONTACTS,
	  "tables:\n" CONTACTS "      phone: varchar(40)\n",
	  "ALTER TABLE contacts ADD COLUMN phone varchar(40);\n" },

	{ "add NOT NULL column with a default in place", "tables:\n" CONTACTS,
	  "tables:\n" CONTACTS "      score: {type: integer, null: false, default: -1}\n"
	  "      ok: {type: boolean, null: false, default: true}\n",
	  "ALTER TABLE contacts ADD COLUMN score integer NOT NULL DEFAULT -1;\n"
	  "ALTER TABLE contacts ADD COLUMN ok boolean NOT NULL DEFAULT TRUE;\n" },

	{ "add enum column in place (CHECK allowed)",
	  "enums:\n"
	  "  kind: [lead, customer]\n"
	  "tables:\n" CONTACTS,
	  "enums:\n"
	  "  kind: [lead, customer]\n"
	  "tables:\n" CONTACTS "      kind: {type: kind, null: false, default: lead}\n",
	  "ALTER TABLE contacts ADD COLUMN kind text NOT NULL DEFAULT 'lead' CHECK (kind IN ('lead', 'customer'));\n" },

	{ "add column with a foreign key in place",
	  "tables:\n" CONTACTS "  deals:\n"
	  "    columns:\n"
	  "      id: {type: integer, primary_key: true}\n",
	  "tables:\n" CONTACTS "  deals:\n"
	  "    columns:\n"
	  "      id: {type: integer, primary_key: true}\n"
	  "      contact_id: {type: integer, references: contacts(id), on_delete: set null}\n",
	  "ALTER TABLE deals ADD COLUMN contact_id integer CONSTRAINT deals_contact_id_fkey REFERENCES contacts (id) ON DELETE SET NULL;\n" },

	{ "add NOT NULL column without default: rebuild", "tables:\n" CONTACTS,
	  "tables:\n" CONTACTS "      phone: {type: text, null: false}\n",
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

	{ "drop column in place", "tables:\n" CONTACTS "      phone: text\n", "tables:\n" CONTACTS,
	  "-- data-loss contacts.phone\n"
	  "ALTER TABLE contacts DROP COLUMN phone;\n" },

	{ "drop indexed column: index dropped first, then the column in place",
	  "tables:\n" CONTACTS "      phone: text\n"
	  "    indexes:\n"
	  "      - {columns: [phone]}\n",
	  "tables:\n" CONTACTS,
	  "DROP INDEX contacts_phone_idx;\n"
	  "-- data-loss contacts.phone\n"
	  "ALTER TABLE contacts DROP COLUMN phone;\n" },

	{ "drop unique column: rebuild, then the column is dropped", "tables:\n" CONTACTS,
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

	{ "rename column", "tables:\n" CONTACTS,
	  "tables:\n"
	  "  contacts:\n"
	  "    columns:\n"
	  "      id: {type: integer, primary_key: true}\n"
	  "      email: {type: varchar(200), null: false, unique: true}\n"
	  "      full_name: {type: text, was: name}\n",
	  "ALTER TABLE contacts RENAME COLUMN name TO full_name;\n" },

	{ "rename and retype a column: one rebuild maps the old name", "tables:\n" CONTACTS,
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
	  "tables:\n" CONTACTS "    indexes:\n"
	  "      - {columns: [name]}\n",
	  "tables:\n" CONTACTS "    indexes:\n"
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
	  "tables:\n" CONTACTS "  deals:\n"
	  "    columns:\n"
	  "      contact_id: integer\n",
	  "tables:\n" CONTACTS "  deals:\n"
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

	{ "identifiers that need quotes", "",
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

#endif
