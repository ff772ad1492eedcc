#!/bin/sh
test_description='YAML models: comment on indexes, foreign keys, checks and the primary key on SQLite (no comments there): accepted and left out, never planned nor compared; bad comment keys are exit 2 at file:line:col on every dialect'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"
. "$TEST_DIR/lib-keys-comments.sh"

keys_models base.yml

# bad <yaml> <message>: the models become <yaml>; prepare exits 2 with <message> (a
# pattern), writes nothing into migrations/ and leaves no scratch database
bad() {
	printf "$1" >repo/models/app.yml &&
	(cd repo && test_expect_code 2 git migrate prepare >../out 2>../err &&
	 git status --porcelain --untracked-files=all -- migrations >../written) &&
	test_must_be_empty written &&
	test_grep "$2" err &&
	test_no_scratch_left
}

test_expect_success 'SQLite: the comments are accepted and left out of the revision; the table is as without them' '
	test_if_sqlite || { say "SQLite only"; return 0; }
	prepare_case_setup repo base.yml && (
		cd repo &&
		section migrations/versions/*_base.sql up >up.sql &&
		test_grep "CREATE TABLE" up.sql &&
		test_grep -v -i "comment" up.sql &&
		db_create &&
		GIT_MIGRATE_DATABASE_URL=sqlite:///db.sqlite git migrate -q upgrade &&
		sqlite3 db.sqlite "pragma index_list(owners)" >indexes &&
		test_grep "owners_email_idx|1|c|0" indexes &&
		sqlite3 db.sqlite "pragma foreign_key_list(pets)" >fkeys &&
		test_grep "owners|owner_id|id" fkeys &&
		sqlite3 db.sqlite "SELECT sql FROM sqlite_schema WHERE name = '\''pets'\''" >pets.sql &&
		test_grep "CONSTRAINT \"\{0,1\}pets_legs\"\{0,1\} CHECK" pets.sql
	)
'

test_expect_success 'SQLite: a change of comments only is no change' '
	test_if_sqlite || { say "SQLite only"; return 0; }
	(
		cd repo &&
		sed -e "s/comment: the owner/comment: \"it'\''s the owner\"/" \
			-e "s/, comment: who feeds it//" \
			-e "s/pets_small: legs < 100/pets_small: {check: legs < 100, comment: few legs}/" \
			../base.yml >models/app.yml &&
		git migrate diff >out 2>&1 &&
		test_grep "no changes" out &&
		git migrate prepare >out 2>&1 &&
		test_grep "no changes" out &&
		git status --porcelain --untracked-files=all -- migrations >written &&
		test_must_be_empty written
	)
'

test_expect_success 'setup (PostgreSQL)' '
	test_if_postgres || return 0
	prepare_case_setup repo base.yml
'

test_expect_success 'a comment that is not a string' '
	bad "tables:\n  t:\n    columns: {id: integer}\n    indexes:\n      - {columns: [id], comment: [a, b]}\n" \
		"fatal: models/app.yml:5:34: .comment. of an index must be a scalar, not a list"
'

test_expect_success 'a check map without its condition, or with an unknown key' '
	bad "tables:\n  t:\n    columns: {n: integer}\n    checks:\n      pos: {comment: positive}\n" \
		"fatal: models/app.yml:5:12: check .pos. of table .t. has no .check." &&
	bad "tables:\n  t:\n    columns: {n: integer}\n    checks:\n      pos: {check: n > 0, note: positive}\n" \
		"fatal: models/app.yml:5:27: unknown key .note. in check .pos. of table .t." &&
	bad "tables:\n  t:\n    columns: {n: integer}\n    exclusions:\n      x: {check: n > 0}\n" \
		"fatal: models/app.yml:5:11: unknown key .check. in exclusion constraint .x. of table .t."
'

test_expect_success 'a primary key map without columns; a comment on a foreign key that is a map' '
	bad "tables:\n  t:\n    columns: {id: integer}\n    primary_key: {comment: the key}\n" \
		"fatal: models/app.yml:4:18: .primary_key. of table .t. has no .columns." &&
	bad "tables:\n  t:\n    columns: {id: integer}\n    foreign_keys:\n      - {columns: [id], references: {table: t, columns: [id]}, comment: {a: b}}\n" \
		"fatal: models/app.yml:5:73: .comment. of a foreign key must be a scalar, not a mapping"
'

test_done
