#!/bin/sh
test_description='verify --format text, json and github'
. ./lib.sh

V=migrations/versions

test_expect_success 'setup: production a1 <- b2, main adds c3' '
	git init -q base &&
	cd base &&
	write_revision $V a1 "" "CREATE TABLE t (id integer);" "DROP TABLE t;" &&
	write_revision $V b2 a1 "ALTER TABLE t ADD COLUMN b text;" &&
	git add . && git commit -q -m "a1 and b2" &&
	git branch production &&
	write_revision $V c3 b2 "ALTER TABLE t ADD COLUMN c text;" &&
	git add . && git commit -q -m c3
'

json_ok() {
	python3 -c "import json,sys; json.load(sys.stdin)" <"$1"
}

test_expect_success 'json: all checks ok' '
	git clone -q base ok && cd ok &&
	test_expect_code 0 git migrate verify --format json >out.json &&
	json_ok out.json &&
	python3 - out.json <<-\PY
	import json, sys
	d = json.load(open(sys.argv[1]))
	assert d["ok"] is True, d
	assert [c["id"] for c in d["checks"]] == ["parse", "graph", "immutable", "chained"], d
	assert all(c["status"] == "ok" and c["findings"] == [] for c in d["checks"]), d
	PY
'

test_expect_success 'json: findings with file, line and message' '
	git clone -q base bad && cd bad &&
	echo "-- edited" >>$V/a1_revision_a1.sql &&
	write_revision $V d4 nope "SELECT 1;" &&
	test_expect_code 1 git migrate verify --format json >out.json &&
	json_ok out.json &&
	python3 - out.json <<-\PY
	import json, sys
	d = json.load(open(sys.argv[1]))
	assert d["ok"] is False, d
	checks = {c["id"]: c for c in d["checks"]}
	assert checks["parse"]["status"] == "ok", d
	assert checks["graph"]["status"] == "failed", d
	g = checks["graph"]["findings"]
	assert {"file": "migrations/versions/d4_revision_d4.sql", "line": 3,
	        "message": "parent '"'"'nope'"'"' of revision '"'"'d4'"'"' does not exist"} in g, g
	i = checks["immutable"]["findings"]
	assert len(i) == 1 and i[0]["file"] == "migrations/versions/a1_revision_a1.sql", i
	assert i[0]["line"] is None, i
	assert "was edited" in i[0]["message"], i
	PY
'

test_expect_success 'json: quotes, backslashes, tabs and bad UTF-8 are escaped' '
	git clone -q base esc && cd esc &&
	printf -- "-- revision: c\"d\\\\e\tf\377\n-- down_revision: b2\n-- +migrate up\n" >"$V/x_q.sql" &&
	test_expect_code 1 git migrate verify --format json >out.json &&
	json_ok out.json &&
	python3 - out.json <<-\PY
	import json, sys
	d = json.load(open(sys.argv[1]))
	f = [x for c in d["checks"] for x in c["findings"]]
	assert any("invalid revision id" in x["message"] and "c\"d\\e\tf\ufffd" in x["message"] for x in f), f
	PY
'

test_expect_success 'github: one ::error annotation per finding' '
	git clone -q base gh && cd gh &&
	write_revision $V d4 nope "SELECT 1;" &&
	git rm -q $V/a1_revision_a1.sql &&
	test_expect_code 1 git migrate verify --format github >out &&
	cat >expect <<-EOF &&
	::error file=$V/d4_revision_d4.sql,line=3::[graph] parent '"'"'nope'"'"' of revision '"'"'d4'"'"' does not exist
	::error file=$V/b2_revision_b2.sql,line=3::[graph] parent '"'"'a1'"'"' of revision '"'"'b2'"'"' does not exist
	::error file=$V/a1_revision_a1.sql::[immutable] production revision '"'"'a1_revision_a1.sql'"'"' was deleted; restore it with '"'"'git checkout production -- $V/a1_revision_a1.sql'"'"'
	EOF
	sort expect >expect.sorted && sort out >out.sorted &&
	test_cmp expect.sorted out.sorted
'

test_expect_success 'github: commas and colons in file names are escaped' '
	git clone -q base ghesc && cd ghesc &&
	write_revision $V d4 nope "SELECT 1;" &&
	mv $V/d4_revision_d4.sql "$V/d4_a,b:c%.sql" &&
	test_expect_code 1 git migrate verify --format github >out &&
	test_grep "^::error file=$V/d4_a%2Cb%3Ac%25.sql,line=3::\[graph\] parent" out
'

test_expect_success 'github: nothing printed when all is well' '
	git clone -q base ghok && cd ghok &&
	test_expect_code 0 git migrate verify --format github >out &&
	test_must_fail test -s out
'

test_expect_success 'text: findings then a summary' '
	git clone -q base text && cd text &&
	write_revision $V d4 nope "SELECT 1;" &&
	test_expect_code 1 git migrate verify --format text >out &&
	cat >expect <<-EOF &&
	$V/d4_revision_d4.sql:3: [graph] parent '"'"'nope'"'"' of revision '"'"'d4'"'"' does not exist
	verify: 1 finding; failed: graph; passed: parse, immutable, chained
	EOF
	test_cmp expect out
'

test_expect_success 'text: -q keeps the findings, drops the summary' '
	git clone -q base quiet && cd quiet &&
	write_revision $V d4 nope "SELECT 1;" &&
	test_expect_code 1 git migrate -q verify >out &&
	test_grep "\[graph\] parent" out &&
	test_grep -v "^verify:" out
'

test_expect_success 'an unknown format is a usage error' '
	git clone -q base fmt && cd fmt &&
	test_expect_code 2 git migrate verify --format xml >out 2>err &&
	test_grep "^error: --format takes text, json or github, not .xml." err &&
	test_grep "^usage: git migrate verify" err
'

test_expect_success 'json output stays empty when verify cannot run' '
	git clone -q base cannot && cd cannot &&
	test_expect_code 2 git migrate verify --format json --production nope >out 2>err &&
	test_must_fail test -s out &&
	test_grep "unknown revision .nope." err
'

test_done
