#!/bin/sh
test_description='YAML models, objects beyond tables: bad declarations are exit 2 at file:line:col, nothing written, no scratch left; PostgreSQL-only kinds on SQLite name the key and the dialect'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"

cat >ok.yml <<'YAML'
tables:
  users:
    columns:
      id: {type: integer, primary_key: true}
      email: text
YAML

# bad <yaml>: the models become ok.yml plus <yaml>; prepare must exit 2 (out, err), write
# nothing into migrations/ and leave no scratch database
bad() {
	{ cat ok.yml && printf "$1"; } >repo/models/app.yml &&
	(cd repo && test_expect_code 2 git migrate prepare >../out 2>../err &&
	 git status --porcelain --untracked-files=all -- migrations >../written) &&
	test_must_be_empty written &&
	test_no_scratch_left
}

test_expect_success 'setup' '
	prepare_case_setup repo ok.yml
'

test_expect_success 'a view whose SQL is empty' '
	bad "views:\n  v: \"  \"\n" &&
	test_grep "fatal: models/app.yml:7:6: view .v. has empty SQL" err
'

test_expect_success 'a view without SQL' '
	bad "views:\n  v:\n" &&
	test_grep "fatal: models/app.yml:7:3: view .v. is empty" err
'

test_expect_success 'a trigger without table' '
	bad "triggers:\n  t: {sql: CREATE TRIGGER t AFTER INSERT ON users BEGIN SELECT 1; END}\n" &&
	test_grep "fatal: models/app.yml:7:6: trigger .t. has no .table." err
'

test_expect_success 'a trigger on a table the models lack' '
	bad "triggers:\n  t: {table: user, sql: CREATE TRIGGER t AFTER INSERT ON user BEGIN SELECT 1; END}\n" &&
	test_grep "fatal: models/app.yml:7:3: trigger .t. is on missing table .user." err
'

test_expect_success 'a function text that is not CREATE FUNCTION' '
	bad "functions:\n  norm: SELECT lower(1)\n" &&
	test_grep "fatal: models/app.yml:7:9: the SQL of function .norm. is not CREATE FUNCTION norm(...)" err
'

test_expect_success 'an unknown key in a view, with a hint' '
	bad "views:\n  v: {sql: SELECT 1, coment: x}\n" &&
	test_grep "fatal: models/app.yml:7:22: unknown key .coment. in view .v." err &&
	test_grep "hint: did you mean .comment.?" err
'

test_expect_success 'an unknown top-level key, with a hint' '
	bad "view:\n  v: SELECT 1\n" &&
	test_grep "fatal: models/app.yml:6:1: unknown key .view. at the top level" err &&
	test_grep "hint: did you mean .views.?" err
'

test_expect_success 'the same view in two files names both' '
	printf "views:\n  v: SELECT 2\n" >repo/models/b.yml &&
	test_when_finished "rm repo/models/b.yml" &&
	bad "views:\n  v: SELECT 1\n" &&
	test_grep "fatal: models/b.yml:2:3: view .v. is defined twice: models/app.yml:7:3 and models/b.yml:2:3" err
'

if test_if_sqlite; then
	test_expect_success 'SQLite: sequences, domains, functions, extensions, materialized views are errors naming the key and the dialect' '
		bad "sequences:\n  invoice_no: {start: 1000}\n" &&
		test_grep "fatal: models/app.yml:7:3: .sequences. are not supported on SQLite: sequence .invoice_no." err &&
		test_grep "hint: SQLite has views and triggers only" err &&
		bad "extensions: [citext]\n" &&
		test_grep "fatal: models/app.yml:6:14: .extensions. are not supported on SQLite" err &&
		bad "functions:\n  f: CREATE FUNCTION f() RETURNS int LANGUAGE sql AS \$\$ SELECT 1 \$\$\n" &&
		test_grep "fatal: models/app.yml:7:3: .functions. are not supported on SQLite: function .f()." err &&
		bad "materialized_views:\n  m: SELECT 1\n" &&
		test_grep "fatal: models/app.yml:7:3: .materialized_views. are not supported on SQLite" err &&
		bad "domains:\n  d: {type: text}\n" &&
		test_grep "fatal: models/app.yml:7:3: .domains. are not supported on SQLite" err
	'
fi

if test_if_postgres; then
	test_expect_success 'PostgreSQL: a function whose body does not compile stops at the models, naming them' '
		bad "functions:\n  f: CREATE FUNCTION f() RETURNS int LANGUAGE sql AS \$\$ SELECT nosuch \$\$\n" &&
		test_grep "the models do not apply to an empty postgres database" err &&
		test_grep "nosuch" err
	'
fi

test_done
