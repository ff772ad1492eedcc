#!/bin/sh
test_description='PostgreSQL triggers in SQL models: read as objects (pg_get_triggerdef), no longer "not covered"; a trigger whose function changes, a trigger changed, added and dropped with its function, and a trigger on a table whose column changes type (carried); applied both ways with rows, the triggers still fire'
. ./lib.sh
test "$GM_TEST_DIALECT" = postgres ||
	test_skip_all "PostgreSQL only: runs in the GM_TEST_DIALECT=postgres pass of make test"
. "$TEST_DIR/lib-pg-objects.sh"

cat >base.sql <<'SQL'
CREATE TABLE accounts (id integer PRIMARY KEY, name text NOT NULL, balance numeric(10,2) NOT NULL DEFAULT 0, touched integer NOT NULL DEFAULT 0);
CREATE TABLE audit (n serial PRIMARY KEY, account_id integer, what text);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN NEW.touched := NEW.touched + 1; RETURN NEW; END$$;
CREATE TRIGGER accounts_touch BEFORE UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION touch();
CREATE FUNCTION log_it() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN INSERT INTO audit (account_id, what) VALUES (NEW.id, TG_OP); RETURN NEW; END$$;
CREATE TRIGGER accounts_log AFTER INSERT ON accounts FOR EACH ROW EXECUTE FUNCTION log_it();
CREATE VIEW rich AS SELECT id, name FROM accounts WHERE balance > 100;
SQL
cat >rows.sql <<'SQL'
INSERT INTO accounts (id, name, balance) VALUES (1, 'ann', 50), (2, 'bob', 500);
UPDATE accounts SET balance = balance + 1 WHERE id = 2;
SQL
ROWS="SELECT string_agg(id || ':' || balance || ':' || touched, ',' ORDER BY id) || ' ' || (SELECT string_agg(account_id || what, ',' ORDER BY n) FROM audit) || ' ' || (SELECT string_agg(name, ',') FROM rich) FROM accounts"


# fires <case> <expected>: update every account, insert one: touched and audit show what
# fired
fires() {
	query_is "$1" "$2" "UPDATE accounts SET name = name; INSERT INTO accounts (id, name) VALUES (9, 'new'); $ROWS"
}

test_expect_success 'triggers are objects: prepared after their table and function, no "not covered" warning' '
	objects_base same base.sql && (
		cd same &&
		test_grep "add trigger accounts_touch" err &&
		test_grep -v "not covered" err &&
		section "$(cat path)" up >up.sql &&
		cat >expect <<-\SQL &&
		CREATE TABLE accounts (
		CREATE TABLE audit (
		CREATE OR REPLACE FUNCTION touch()
		CREATE OR REPLACE FUNCTION log_it()
		CREATE VIEW rich AS
		CREATE TRIGGER accounts_touch BEFORE UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION touch();
		CREATE TRIGGER accounts_log AFTER INSERT ON accounts FOR EACH ROW EXECUTE FUNCTION log_it();
		SQL
		ddl_heads up.sql >actual &&
		test_cmp expect actual &&
		git migrate diff >out 2>&1 &&
		test_grep "no changes" out
	)
'

test_expect_success 'the function of a trigger changes its body: CREATE OR REPLACE FUNCTION alone, the trigger fires the new body' '
	sed "s/NEW.touched + 1/NEW.touched + 10/" base.sql >body.sql &&
	objects_case body base.sql body.sql rows.sql "$ROWS" &&
	echo "CREATE OR REPLACE FUNCTION touch()" >expect &&
	ddl_heads body/up.sql >actual &&
	test_cmp expect actual &&
	fires body "1:50.00:10,2:501.00:11,9:0.00:0 1INSERT,2INSERT,9INSERT bob"
'

test_expect_success 'a trigger changed (its events and a WHEN clause), one dropped with its function, one added with its new function' '
	sed -e "s/BEFORE UPDATE ON accounts FOR EACH ROW/BEFORE INSERT OR UPDATE ON accounts FOR EACH ROW WHEN (NEW.balance >= 0)/" \
		-e "/log_it/d" base.sql >change.sql &&
	cat >>change.sql <<-\SQL &&
	CREATE FUNCTION log_del() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN INSERT INTO audit (account_id, what) VALUES (OLD.id, TG_OP); RETURN OLD; END$$;
	CREATE TRIGGER accounts_log_del AFTER DELETE ON accounts FOR EACH ROW EXECUTE FUNCTION log_del();
	SQL
	objects_case change base.sql change.sql rows.sql "$ROWS" &&
	cat >expect <<-\SQL &&
	DROP TRIGGER accounts_log ON accounts;
	DROP TRIGGER accounts_touch ON accounts;
	CREATE OR REPLACE FUNCTION log_del()
	CREATE TRIGGER accounts_touch BEFORE INSERT OR UPDATE ON accounts FOR EACH ROW WHEN (new.balance >= 0::numeric) EXECUTE FUNCTION touch();
	CREATE TRIGGER accounts_log_del AFTER DELETE ON accounts FOR EACH ROW EXECUTE FUNCTION log_del();
	DROP FUNCTION log_it();
	SQL
	ddl_heads change/up.sql >actual &&
	test_cmp expect actual &&
	fires change "1:50.00:1,2:501.00:2,9:0.00:1 1INSERT,2INSERT bob" &&
	query_is change "1INSERT,2INSERT,9DELETE" "DELETE FROM accounts WHERE id = 9; SELECT string_agg(account_id || what, '\'','\'' ORDER BY n) FROM audit"
'

test_expect_success 'a column of a table with triggers changes type: its triggers and views are dropped before and created after' '
	sed "s/balance numeric(10,2)/balance numeric(14,2)/" base.sql >retype.sql &&
	objects_case retype base.sql retype.sql rows.sql "$ROWS" &&
	cat >expect <<-\SQL &&
	DROP TRIGGER accounts_log ON accounts;
	DROP TRIGGER accounts_touch ON accounts;
	DROP VIEW rich;
	ALTER TABLE accounts ALTER COLUMN balance DROP DEFAULT;
	ALTER TABLE accounts ALTER COLUMN balance TYPE numeric(14,2) USING balance::numeric(14,2);
	ALTER TABLE accounts ALTER COLUMN balance SET DEFAULT 0;
	CREATE VIEW rich AS
	CREATE TRIGGER accounts_touch BEFORE UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION touch();
	CREATE TRIGGER accounts_log AFTER INSERT ON accounts FOR EACH ROW EXECUTE FUNCTION log_it();
	SQL
	ddl_heads retype/up.sql >actual &&
	test_cmp expect actual &&
	fires retype "1:50.00:1,2:501.00:2,9:0.00:0 1INSERT,2INSERT,9INSERT bob"
'

test_expect_success 'triggers of the same name on two tables are two objects: one changed, the other kept' '
	cat >twins.sql <<-\SQL &&
	CREATE TABLE a (id integer PRIMARY KEY, touched integer NOT NULL DEFAULT 0);
	CREATE TABLE b (id integer PRIMARY KEY, touched integer NOT NULL DEFAULT 0);
	CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN NEW.touched := NEW.touched + 1; RETURN NEW; END$$;
	CREATE TRIGGER touch BEFORE UPDATE ON a FOR EACH ROW EXECUTE FUNCTION touch();
	CREATE TRIGGER touch BEFORE UPDATE ON b FOR EACH ROW EXECUTE FUNCTION touch();
	SQL
	sed "s/BEFORE UPDATE ON b FOR EACH ROW/BEFORE INSERT OR UPDATE ON b FOR EACH ROW/" twins.sql >twins2.sql &&
	echo "INSERT INTO a VALUES (1); INSERT INTO b VALUES (1);" >twins-rows.sql &&
	objects_case twins twins.sql twins2.sql twins-rows.sql "SELECT (SELECT touched FROM a) || '\'''\'' || (SELECT touched FROM b)" &&
	cat >expect <<-\SQL &&
	DROP TRIGGER touch ON b;
	CREATE TRIGGER touch BEFORE INSERT OR UPDATE ON b FOR EACH ROW EXECUTE FUNCTION touch();
	SQL
	ddl_heads twins/up.sql >actual &&
	test_cmp expect actual &&
	test_grep "change trigger touch on b" twins/err &&
	query_is twins 01 "INSERT INTO a VALUES (2); INSERT INTO b VALUES (2); SELECT (SELECT touched::text FROM a WHERE id = 2) || (SELECT touched FROM b WHERE id = 2)"
'

test_done
