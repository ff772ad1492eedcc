#!/bin/sh
test_description='verify --replay: the chain applies, local revisions round-trip, models are covered'
. ./lib.sh

V=migrations/versions

# production: a1 creates contacts; work adds b2 (a column) and the models say the same.
test_expect_success 'setup' '
	replay_repo base &&
	(
		cd base &&
		write_revision $V b2 a1 "ALTER TABLE contacts ADD COLUMN email text;" "ALTER TABLE contacts DROP COLUMN email;" &&
		git add -A && git commit -q -m b2
	)
'

test_expect_success 'a healthy chain passes the replay check' '
	git clone -q base ok && cd ok && git switch -q work &&
	test_expect_code 0 git migrate verify --replay >out 2>err &&
	test_grep "^verify: ok (parse, graph, immutable, chained, replay)$" out &&
	test_no_scratch_left
'

test_expect_success 'a down section that does not restore the schema is a finding' '
	git clone -q base baddown && cd baddown && git switch -q work &&
	write_revision $V b2 a1 "ALTER TABLE contacts ADD COLUMN email text;" "SELECT 1;" &&
	test_expect_code 1 git migrate verify --replay >out &&
	test_grep "^$V/b2_revision_b2.sql:[0-9]*: \[replay\] down section of .b2. does not restore the schema" out &&
	test_no_scratch_left
'

test_expect_success 'a local revision that does not apply is a finding with its line' '
	git clone -q base badup && cd badup && git switch -q work &&
	write_revision $V b2 a1 "ALTER TABLE contacts ADD COLUMN email text;
ALTER TABLE nosuch ADD COLUMN x text;" "SELECT 1;" &&
	test_expect_code 1 git migrate verify --replay >out &&
	test_grep "^$V/b2_revision_b2.sql:8: \[replay\] .*nosuch" out
'

test_expect_success 'models with changes no revision covers are a finding' '
	git clone -q base pending && cd pending && git switch -q work &&
	sed -i "s/      email: text/&\n      phone: text/" models/app.yml &&
	test_expect_code 1 git migrate verify --replay --format json >out.json &&
	python3 -c "
import json, sys
d = json.load(open(\"out.json\"))
assert d[\"ok\"] is False
replay = [c for c in d[\"checks\"] if c[\"id\"] == \"replay\"][0]
assert replay[\"status\"] == \"failed\", replay
assert \"phone\" in replay[\"findings\"][0][\"message\"], replay
"
'

test_expect_success 'replay is skipped when another check fails' '
	git clone -q base skipped && cd skipped && git switch -q work &&
	write_revision $V c3 nope "SELECT 1;" &&
	test_expect_code 1 git migrate verify --replay >out &&
	test_grep "skipped: replay" out &&
	test_grep -v "\[replay\]" out
'

test_expect_success 'an irreversible local revision is replayed without a round trip' '
	git clone -q base irrev && cd irrev && git switch -q work &&
	write_revision $V b2 a1 "ALTER TABLE contacts ADD COLUMN email text;" &&
	test_expect_code 0 git migrate verify --replay >out
'

test_done
