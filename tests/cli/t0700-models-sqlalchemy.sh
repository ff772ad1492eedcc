#!/bin/sh
test_description='{sqlalchemy: "module:attribute"} model sources: a MetaData, a declarative Base, a Flask-SQLAlchemy db; prepare, upgrade, the catalog; diff clean afterwards'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"
. "$TEST_DIR/lib-python.sh"
python_need sqlalchemy

# sa_repo <dir> <spec>: a repository on production with an empty history whose models are
# {sqlalchemy: <spec>} (the Python files are written into <dir> before or after), its own
# target database (SQLite: db.sqlite) created empty.
sa_repo() {
	mkdir -p "$1" && (
		cd "$1" && git init -q -b production &&
		gm_write_config "[{sqlalchemy: \"$2\"}]" &&
		{ test_if_postgres || echo "database: sqlite:///db.sqlite" >>.gitmigrate.yml; } &&
		printf "__pycache__/\n*.sqlite\n" >.gitignore &&
		db_create
	)
}

# sa_prepare_upgrade <dir>: commit, prepare the first revision, commit it, upgrade.
sa_prepare_upgrade() {
	(
		cd "$1" && git add -A && git commit -q -m models &&
		git migrate prepare -m init >../path 2>../err &&
		git add -A && git commit -q -m init &&
		git migrate upgrade >../up.out 2>../up.err
	)
}

# columns <table>: "name|type|notnull" per column, from the database's own catalog.
columns() {
	if test_if_postgres; then
		db_sql "SELECT column_name || '|' || CASE WHEN data_type = 'USER-DEFINED' THEN udt_name ELSE data_type END || '|' || CASE is_nullable WHEN 'NO' THEN 1 ELSE 0 END FROM information_schema.columns WHERE table_name = '$1' ORDER BY ordinal_position"
	else
		db_sql "SELECT name || '|' || lower(type) || '|' || \"notnull\" FROM pragma_table_xinfo('$1')"
	fi
}

test_expect_success 'a plain MetaData: prepare writes a revision that upgrade applies' '
	sa_repo md app.models:metadata &&
	mkdir md/app && : >md/app/__init__.py &&
	cat >md/app/models.py <<-PY &&
	from sqlalchemy import (MetaData, Table, Column, Integer, String, Enum, ForeignKey,
	                        Numeric, Index)
	metadata = MetaData()
	status = Enum("new", "won", "lost", name="dealstatus", create_constraint=True)
	Table("contacts", metadata,
	      Column("id", Integer, primary_key=True),
	      Column("email", String(200), nullable=False, unique=True),
	      Column("status", status, nullable=False, server_default="new"))
	Table("deals", metadata,
	      Column("id", Integer, primary_key=True),
	      Column("contact_id", Integer, ForeignKey("contacts.id", ondelete="CASCADE"),
	             nullable=False, index=True),
	      Column("amount", Numeric(12, 2)),
	      Column("status", status))
	PY
	sa_prepare_upgrade md &&
	rev=md/$(cat path) &&
	test_grep "^CREATE TABLE.*contacts" "$rev" &&
	test_grep "^CREATE TABLE.*deals" "$rev" &&
	(cd md && columns deals) >actual &&
	if test_if_postgres
	then
		printf "%s\n" "id|integer|1" "contact_id|integer|1" "amount|numeric|0" "status|dealstatus|0" >expect
	else
		printf "%s\n" "id|integer|1" "contact_id|integer|1" "amount|numeric(12, 2)|0" "status|varchar(4)|0" >expect
	fi &&
	test_cmp expect actual &&
	(cd md && db_sql "SELECT count(*) FROM deals") >n && test "$(cat n)" = 0
'

test_expect_success 'an enum shared by two tables is created once (PostgreSQL), a CHECK on SQLite' '
	if test_if_postgres
	then
		test "$(grep -c "CREATE TYPE.*dealstatus" md/$(cat path))" = 1 &&
		(cd md && db_sql "SELECT count(*) FROM pg_type WHERE typname = '\''dealstatus'\''") >n &&
		test "$(cat n)" = 1 &&
		(cd md && db_sql "SELECT string_agg(table_name, '\'','\'' ORDER BY table_name) FROM information_schema.columns WHERE udt_name = '\''dealstatus'\''") >used &&
		test "$(cat used)" = "contacts,deals" &&
		(cd md && db_sql "INSERT INTO contacts (email) VALUES ('\''a@x'\'') RETURNING status") >st &&
		test "$(cat st)" = new &&
		(cd md && test_must_fail db_sql "INSERT INTO deals (contact_id, status) VALUES (1, '\''maybe'\'')") 2>err &&
		test_grep "invalid input value for enum dealstatus" err
	else
		(cd md && db_sql "INSERT INTO contacts (email) VALUES ('\''a@x'\''); SELECT status FROM contacts") >st &&
		test "$(cat st)" = new &&
		(cd md && test_must_fail db_sql "INSERT INTO deals (contact_id, status) VALUES (1, '\''maybe'\'')") 2>err &&
		test_grep "CHECK constraint failed" err
	fi
'

test_expect_success 'diff after upgrade: no changes; current is the new revision' '
	(cd md && git migrate diff >../out 2>../err) &&
	test_grep "no changes" err &&
	(cd md && git migrate current) >cur &&
	test "$(cat cur)" = "$(revision_id md/$(cat path))" &&
	test_no_scratch_left
'

test_expect_success 'a model change is prepared from the new metadata' '
	sed -i "s/Column(\"amount\", Numeric(12, 2)),/&\n      Column(\"note\", String(50)),/" md/app/models.py &&
	grep -q note md/app/models.py &&
	(cd md && test_expect_code 1 git migrate diff >../out 2>../err) &&
	test_grep "add column deals.note" out
'

test_expect_success 'a declarative Base, with two Enum objects of one name and a foreign-key cycle' '
	sa_repo base models:Base &&
	cat >base/models.py <<-PY &&
	from sqlalchemy import Column, Integer, String, Enum, ForeignKey
	try:
	    from sqlalchemy.orm import declarative_base
	except ImportError:
	    from sqlalchemy.ext.declarative import declarative_base
	Base = declarative_base()
	class Contact(Base):
	    __tablename__ = "contacts"
	    id = Column(Integer, primary_key=True)
	    email = Column(String(200), nullable=False)
	    kind = Column(Enum("person", "company", name="contactkind"))
	    best_deal_id = Column(Integer, ForeignKey("deals.id", use_alter=True,
	                                              name="fk_contacts_best_deal"))
	class Deal(Base):
	    __tablename__ = "deals"
	    id = Column(Integer, primary_key=True)
	    contact_id = Column(Integer, ForeignKey("contacts.id"), nullable=False)
	    kind = Column(Enum("person", "company", name="contactkind"))
	PY
	sa_prepare_upgrade base &&
	(cd base && columns contacts) >actual &&
	if test_if_postgres
	then
		printf "%s\n" "id|integer|1" "email|character varying|1" "kind|contactkind|0" "best_deal_id|integer|0" >expect &&
		test "$(grep -c "CREATE TYPE.*contactkind" base/$(cat path))" = 1 &&
		(cd base && db_sql "SELECT conname FROM pg_constraint WHERE contype = '\''f'\'' ORDER BY 1") >fks &&
		printf "%s\n" deals_contact_id_fkey fk_contacts_best_deal >expect.fks
	else
		printf "%s\n" "id|integer|1" "email|varchar(200)|1" "kind|varchar(7)|0" "best_deal_id|integer|0" >expect &&
		(cd base && db_sql "SELECT \"table\" || \".\" || \"from\" FROM pragma_foreign_key_list('\''contacts'\'') UNION ALL SELECT \"table\" || \".\" || \"from\" FROM pragma_foreign_key_list('\''deals'\'')") >fks &&
		printf "%s\n" deals.best_deal_id contacts.contact_id >expect.fks
	fi &&
	test_cmp expect actual &&
	test_cmp expect.fks fks &&
	(cd base && git migrate diff 2>../err) && test_grep "no changes" err
'

if "$PYTHON" -c "import flask_sqlalchemy" 2>/dev/null; then
test_expect_success 'a Flask-SQLAlchemy db in an app module that reads DATABASE_URL and prints on import' '
	sa_repo flask app:db &&
	cat >flask/app.py <<-PY &&
	import enum, os
	from flask import Flask
	from flask_sqlalchemy import SQLAlchemy
	print("app starting")
	app = Flask(__name__)
	app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
	db = SQLAlchemy(app)
	class Currency(enum.Enum):
	    EUR = "EUR"
	    USD = "USD"
	class Deal(db.Model):
	    id = db.Column(db.Integer, primary_key=True)
	    currency = db.Column(db.Enum(Currency), nullable=False)
	class Invoice(db.Model):
	    id = db.Column(db.Integer, primary_key=True)
	    deal_id = db.Column(db.ForeignKey("deal.id"), nullable=False)
	    currency = db.Column(db.Enum(Currency))
	PY
	if test_if_postgres
	then
		DATABASE_URL=$(pg_url "$(cd flask && case_db)")
	else
		DATABASE_URL=sqlite:///db.sqlite
	fi &&
	export DATABASE_URL &&
	sa_prepare_upgrade flask &&
	(cd flask && columns invoice) >actual &&
	if test_if_postgres
	then
		printf "%s\n" "id|integer|1" "deal_id|integer|1" "currency|currency|0" >expect &&
		test "$(grep -c "CREATE TYPE" flask/$(cat path))" = 1
	else
		printf "%s\n" "id|integer|1" "deal_id|integer|1" "currency|varchar(3)|0" >expect
	fi &&
	test_cmp expect actual &&
	(cd flask && git migrate diff 2>../err) && test_grep "no changes" err &&
	test_grep -v "app starting" err
'

test_expect_success 'an app factory'\''s db (no app created at import), a table and an enum in another schema' '
	sa_repo factory app.models:db &&
	mkdir factory/app && : >factory/app/__init__.py &&
	cat >factory/app/ext.py <<-PY &&
	from flask_sqlalchemy import SQLAlchemy
	db = SQLAlchemy()
	PY
	if test_if_postgres; then schema="\"billing\"" enum_schema=", schema=\"billing\""; else schema=None enum_schema=; fi &&
	cat >factory/app/models.py <<-PY &&
	from app.ext import db
	class Invoice(db.Model):
	    __table_args__ = {"schema": $schema}
	    id = db.Column(db.Integer, primary_key=True)
	    state = db.Column(db.Enum("open", "paid", name="invstate"$enum_schema))
	PY
	sa_prepare_upgrade factory &&
	if test_if_postgres
	then
		(cd factory && db_sql "SELECT n.nspname || '\''.'\'' || t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typname = '\''invstate'\''; SELECT count(*) FROM billing.invoice") >actual &&
		printf "%s\n" billing.invstate 0 >expect &&
		test_cmp expect actual
	else
		(cd factory && columns invoice) >actual &&
		printf "%s\n" "id|integer|1" "state|varchar(4)|0" >expect &&
		test_cmp expect actual
	fi &&
	(cd factory && git migrate diff 2>../err) && test_grep "no changes" err
'
else
test_skip 'a Flask-SQLAlchemy db in an app module' 'no flask_sqlalchemy for python3'
test_skip 'an app factory'\''s db' 'no flask_sqlalchemy for python3'
fi

test_done
