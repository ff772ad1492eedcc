#!/bin/sh
test_description='PostgreSQL comments on functions, procedures, views, materialized views and triggers are compared: a change of only the comment is a COMMENT ON alone (added, changed, removed), both ways'
. ./lib.sh
test "$GM_TEST_DIALECT" = postgres ||
	test_skip_all "PostgreSQL only: runs in the GM_TEST_DIALECT=postgres pass of make test"
. "$TEST_DIR/lib-pg-objects.sh"

cat >base.sql <<'SQL'
CREATE TABLE notes (id integer PRIMARY KEY, body text NOT NULL);
CREATE FUNCTION shout(s text) RETURNS text LANGUAGE sql IMMUTABLE AS $$SELECT upper(s)$$;
CREATE PROCEDURE wipe() LANGUAGE sql AS $$DELETE FROM notes WHERE body = ''$$;
CREATE VIEW loud AS SELECT id, shout(body) AS body FROM notes;
CREATE MATERIALIZED VIEW counted AS SELECT count(*) AS n FROM notes;
CREATE FUNCTION keep() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TRIGGER notes_keep BEFORE INSERT ON notes FOR EACH ROW EXECUTE FUNCTION keep();
COMMENT ON FUNCTION shout(text) IS 'upper case';
COMMENT ON VIEW loud IS 'notes, loud';
COMMENT ON TRIGGER notes_keep ON notes IS 'keeps rows';
SQL
cat >rows.sql <<'SQL'
INSERT INTO notes VALUES (1, 'hi'), (2, 'yo');
REFRESH MATERIALIZED VIEW counted;
SQL
ROWS="SELECT string_agg(id || body, ',' ORDER BY id) || ' ' || (SELECT n FROM counted) FROM loud"


test_expect_success 'comments are part of the objects: prepared after them, no changes over the same models' '
	objects_base same base.sql && (
		cd same &&
		section "$(cat path)" up >up.sql &&
		test_grep "^COMMENT ON FUNCTION shout(s text) IS '\''upper case'\'';" up.sql &&
		test_grep "^COMMENT ON VIEW loud IS '\''notes, loud'\'';" up.sql &&
		test_grep "^COMMENT ON TRIGGER notes_keep ON notes IS '\''keeps rows'\'';" up.sql &&
		git migrate diff >out 2>&1 &&
		test_grep "no changes" out
	)
'

test_expect_success 'comments changed, added and removed: COMMENT ON alone, nothing dropped or replaced' '
	sed -e "s/IS '\''upper case'\''/IS '\''in capitals'\''/" \
		-e "/COMMENT ON VIEW loud/d" base.sql >comments.sql &&
	cat >>comments.sql <<-\SQL &&
	COMMENT ON PROCEDURE wipe() IS '\''empty notes go'\'';
	COMMENT ON MATERIALIZED VIEW counted IS '\''how many'\'';
	COMMENT ON TRIGGER notes_keep ON notes IS '\''it'\'''\''s kept'\'';
	SQL
	objects_case comments base.sql comments.sql rows.sql "$ROWS" &&
	cat >expect <<-\SQL &&
	COMMENT ON FUNCTION shout(s text) IS '\''in capitals'\'';
	COMMENT ON PROCEDURE wipe() IS '\''empty notes go'\'';
	COMMENT ON VIEW loud IS NULL;
	COMMENT ON MATERIALIZED VIEW counted IS '\''how many'\'';
	COMMENT ON TRIGGER notes_keep ON notes IS '\''it'\'''\''s kept'\'';
	SQL
	ddl_heads comments/up.sql >actual &&
	test_cmp expect actual &&
	cat >expect <<-\SQL &&
	COMMENT ON FUNCTION shout(s text) IS '\''upper case'\'';
	COMMENT ON PROCEDURE wipe() IS NULL;
	COMMENT ON VIEW loud IS '\''notes, loud'\'';
	COMMENT ON MATERIALIZED VIEW counted IS NULL;
	COMMENT ON TRIGGER notes_keep ON notes IS '\''keeps rows'\'';
	SQL
	ddl_heads comments/down.sql >actual &&
	test_cmp expect actual &&
	test_grep -v "created again" comments/err &&
	query_is comments "how many" "SELECT obj_description('\''counted'\''::regclass, '\''pg_class'\'')"
'

test_expect_success 'a view whose definition and comment change: replaced in place, with its new comment; a comment removed from a function replaced in place: IS NULL' '
	sed -e "s/SELECT id, shout(body) AS body FROM notes/SELECT id, shout(body) AS body, length(body) AS len FROM notes/" \
		-e "s/IS '\''notes, loud'\''/IS '\''loud, with lengths'\''/" \
		-e "s/SELECT upper(s)/SELECT upper(s) || '\'''\''/" \
		-e "/COMMENT ON FUNCTION/d" base.sql >both.sql &&
	objects_case both base.sql both.sql rows.sql "$ROWS" &&
	cat >expect <<-\SQL &&
	CREATE OR REPLACE FUNCTION shout(s text)
	COMMENT ON FUNCTION shout(s text) IS NULL;
	CREATE OR REPLACE VIEW loud AS
	COMMENT ON VIEW loud IS '\''loud, with lengths'\'';
	SQL
	ddl_heads both/up.sql >actual &&
	test_cmp expect actual
'

test_done
