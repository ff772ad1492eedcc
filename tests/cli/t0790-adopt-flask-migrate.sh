#!/bin/sh
test_description='switching from Flask-Migrate: import, SQLAlchemy models, stamp, then prepare the seed'"'"'s enum change'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"
. "$TEST_DIR/lib-flask.sh"

# The README's "Switching from Flask-Migrate", step by step, on a real Flask-Migrate
# project (lib-flask.sh: an enum, two branches, a merge, all written by `flask db migrate`
# and upgraded by `flask db upgrade`). Its database stands for production's: git-migrate
# takes it over where Alembic left it, and then writes the change that Alembic's
# autogenerate gets wrong (a label added to an enum, a new table that reuses the enum).

if test_if_postgres; then
	PROD_DB=${GM_PG_ROLE}_prod
	pg_role_psql postgres -c "CREATE DATABASE \"$PROD_DB\"" >/dev/null
	PROD_URL=$(pg_url "$PROD_DB")
	prod_sql() { pg_role_psql "$PROD_DB" -At -c "$1"; }
else
	PROD_URL=sqlite:///$TRASH_DIRECTORY/prod.db
	prod_sql() { sqlite3 -bail "$TRASH_DIRECTORY/prod.db" "$1"; }
fi

test_expect_success 'setup: a Flask-Migrate project on production, its database upgraded by flask db upgrade' '
	git init -q -b production app &&
	flask_project app "$PROD_URL" &&
	printf "%s\n" .env-url .flask.log __pycache__ >app/.gitignore &&
	(cd app && git add -A && git commit -q -m "the Flask-Migrate project") &&
	prod_sql "INSERT INTO contacts (id, email, phone) VALUES (1, '\''ana@example.com'\'', '\''555'\'')" &&
	prod_sql "INSERT INTO deals (id, title, amount, currency, contact_id) VALUES (1, '\''first'\'', 12.50, '\''EUR'\'', 1)" &&
	prod_sql "SELECT version_num FROM alembic_version" >alembic.head &&
	flask_head app >expect && test_cmp expect alembic.head
'

test_expect_success 'step 1: import alembic converts the history, same ids and parents' '
	(
		cd app &&
		if test_if_postgres; then
			printf "models: [{sqlalchemy: \"app:db\"}]\nscratch: '\''%s'\''\ndatabase: '\''%s'\''\n" \
				"$(pg_url postgres)" "$PROD_URL" >.gitmigrate.yml
		else
			printf "models: [{sqlalchemy: \"app:db\"}]\ndatabase: %s\n" "$PROD_URL" >.gitmigrate.yml
		fi &&
		flask_export . &&
		git migrate import alembic >../imported 2>../import.err
	) &&
	test $(wc -l <imported) = 4 &&
	imported_like_alembic app &&
	(cd app && git add -A && git commit -q -m "git-migrate: the imported history, models from SQLAlchemy")
'

test_expect_success 'step 2: verify --replay passes on the imported history' '
	(cd app && flask_export . && git migrate verify --replay >../verify.out 2>&1) ||
	{ cat verify.out; false; }
'

test_expect_success 'step 3: the SQLAlchemy models are what the history builds: diff shows no changes' '
	(cd app && flask_export . && git migrate diff >../diff.out 2>../diff.err) ||
	{ cat diff.out diff.err; false; }
'

test_expect_success 'step 4: stamp --from-alembic; current is Alembic'\''s head, nothing to upgrade' '
	(
		cd app && flask_export . &&
		git migrate stamp --from-alembic >../stamp.out 2>../stamp.err &&
		git migrate current >../current &&
		git migrate upgrade >../up.out 2>../up.err
	) &&
	test_cmp alembic.head current &&
	test "$(prod_sql "SELECT count(*) FROM deals")" = 1
'

test_expect_success 'step 5: the seed'"'"'s change: a label added to the enum, a new table reusing it' '
	(
		cd app && git switch -q -c btc &&
		sed -i "s/^    GBP = \"GBP\"$/&\n    BTC = \"BTC\"/" app.py &&
		cat >>app.py <<-PY &&


		class ContactEvent(db.Model):
		    __tablename__ = "contact_events"
		    id = db.Column(db.Integer, primary_key=True)
		    contact_id = db.Column(db.Integer, db.ForeignKey("contacts.id"), nullable=False)
		    currency = db.Column(db.Enum(DealCurrency, name="dealcurrency"), nullable=False)
		PY
		grep -q "BTC = \"BTC\"" app.py &&
		git commit -q -am "BTC, and contact events" &&
		flask_export . &&
		git migrate prepare -m "btc and contact events" >../path 2>../prepare.err
	) &&
	rev=app/$(cat path) &&
	test_grep "^-- down_revision: $(cat alembic.head)$" "$rev" &&
	section "$rev" up >up.sql &&
	test_grep "CREATE TABLE contact_events" up.sql &&
	if test_if_postgres; then
		test_grep "^ALTER TYPE dealcurrency ADD VALUE IF NOT EXISTS '\''BTC'\'' AFTER '\''GBP'\'';" up.sql &&
		test_grep -v "CREATE TYPE" up.sql
	fi
'

test_expect_success 'step 6: upgrade production; the new label is usable, the rows are kept' '
	(
		cd app && git add -A && git commit -q -m "the revision" &&
		flask_export . && git migrate upgrade >../up2.out 2>../up2.err
	) &&
	prod_sql "INSERT INTO deals (id, title, amount, currency, contact_id) VALUES (2, '\''coins'\'', 1, '\''BTC'\'', 1)" &&
	prod_sql "INSERT INTO contact_events (id, contact_id, currency) VALUES (1, 1, '\''BTC'\'')" &&
	test "$(prod_sql "SELECT currency FROM deals ORDER BY id" | tr "\n" " ")" = "EUR BTC " &&
	if test_if_postgres; then
		test "$(prod_sql "SELECT enum_range(NULL::dealcurrency)")" = "{USD,EUR,AED,GBP,BTC}"
	fi &&
	(cd app && git migrate status >../status.out 2>&1) &&
	(cd app && flask_export . && git migrate diff >../diff2.out 2>&1) &&
	test_no_scratch_left
'

test_done
