#!/bin/sh
test_description='verify --format text, json, github and junit'
. ./lib.sh

V=migrations/versions

test_expect_success 'setup: production a1 <- b2, main adds c3' '
	git init -q base &&
	cd base &&
	write_revision $V a1 "" "CREATE TABLE t (id integer);" "DROP TABLE t;" &&
	write_revision $V b2 a1 "ALTER TABLE t ADD COLUMN b text;" &&
	git add . && git commit -q -m "a1 and b2" &&
	git branch production &&
	commit_revision $V c3 b2 "ALTER TABLE t ADD COLUMN c text;"
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

# junit_check <file> <python>: parse <file> as XML (ElementTree; a parse error fails),
# check the JUnit shape every report shares, then run <python> with the parsed report:
# suite (the testsuite element), cases ({name: testcase}), status(name) ("ok", "failed"
# or "skipped"), failure(name) (the <failure> element).
junit_check() {
	python3 - "$1" "$2" <<-\PY
	import sys, xml.etree.ElementTree as ET
	raw = open(sys.argv[1], "rb").read()
	raw.decode("utf-8")
	assert raw.startswith(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"), raw[:60]
	root = ET.fromstring(raw)
	assert root.tag == "testsuites", root.tag
	suites = root.findall("testsuite")
	assert len(suites) == 1, suites
	suite = suites[0]
	assert suite.get("name") == "git-migrate verify", suite.attrib
	cases = {c.get("name"): c for c in suite.findall("testcase")}
	assert len(cases) == len(suite.findall("testcase")), "duplicate testcase"
	def status(name):
	    c = cases[name]
	    if c.find("failure") is not None:
	        assert c.find("skipped") is None and len(c.findall("failure")) == 1, name
	        return "failed"
	    return "skipped" if c.find("skipped") is not None else "ok"
	def failure(name):
	    return cases[name].find("failure")
	counts = {s: sum(status(n) == s for n in cases) for s in ("failed", "skipped")}
	for e in (root, suite):
	    assert e.get("tests") == str(len(cases)), (e.attrib, len(cases))
	    assert e.get("failures") == str(counts["failed"]), (e.attrib, counts)
	    assert e.get("skipped") == str(counts["skipped"]), (e.attrib, counts)
	    assert e.get("errors") == "0", e.attrib
	exec(sys.argv[2])
	PY
}

test_expect_success 'junit: a passing chain is one passing testcase per check' '
	git clone -q base junitok && cd junitok &&
	test_expect_code 0 git migrate verify --format junit >out.xml &&
	junit_check out.xml "
assert list(cases) == [\"parse\", \"graph\", \"immutable\", \"chained\"], list(cases)
assert all(status(n) == \"ok\" and len(cases[n]) == 0 for n in cases), cases
assert all(cases[n].get(\"classname\") == \"git-migrate.verify\" for n in cases)
"
'

test_expect_success 'junit: parse errors and a fork fail parse and graph, with every finding' '
	git clone -q base junitbad && cd junitbad &&
	printf -- "-- revision: no<t&\"id\001\377\n-- down_revision: b2\n-- +migrate up\n" >"$V/x_q.sql" &&
	write_revision $V e5 b2 "SELECT 1;" &&
	mv $V/e5_revision_e5.sql $V/zz_misnamed.sql &&
	write_revision $V d4 b2 "SELECT 1;" &&
	test_expect_code 1 git migrate verify --format junit >out.xml &&
	test_expect_code 1 git migrate verify --format text >out.txt &&
	junit_check out.xml "
assert list(cases) == [\"parse\", \"graph\", \"immutable\", \"chained\"], list(cases)
assert [status(n) for n in cases] == [\"failed\", \"failed\", \"ok\", \"ok\"], cases
p = failure(\"parse\")
assert p.get(\"type\") == \"parse\", p.attrib
lines = p.text.split(\"\n\")
assert \"$V/x_q.sql:1: invalid revision id \x27no<t&\\\"id\ufffd\ufffd\x27\" in lines, lines
assert any(x.startswith(\"$V/zz_misnamed.sql:\") and \"does not match revision id \x27e5\x27\" in x for x in lines), lines
assert len(lines) == 2, lines
assert p.get(\"message\") == lines[0] + \" (and 1 more)\", p.attrib
g = failure(\"graph\")
assert \"heads\" in g.text and \"\x27c3\x27\" in g.text and \"\x27d4\x27\" in g.text, g.text
assert g.get(\"message\") == g.text, g.attrib
" &&
	grep -v "x_q.sql" out.txt | sed -n "s/^\(.*\) \[\([a-z]*\)\] \(.*\)$/\2 \1 \3/p" >findings.txt &&
	test $(wc -l <findings.txt) = 2 &&
	python3 -c "
import xml.etree.ElementTree as ET
root = ET.parse(\"out.xml\").getroot()
got = [c.get(\"name\") + \" \" + x for c in root.iter(\"testcase\") if c.find(\"failure\") is not None
       for x in c.find(\"failure\").text.split(\"\n\") if \"x_q.sql\" not in x]
assert sorted(got) == sorted(open(\"findings.txt\").read().splitlines()), (got, open(\"findings.txt\").read())
"
'

test_expect_success 'junit: escaping keeps the report well-formed UTF-8 (raw bytes)' '
	cd junitbad &&
	test_grep -F "invalid revision id &apos;no&lt;t&amp;&quot;id" out.xml &&
	test_grep -v "$(printf "\001")" out.xml &&
	iconv -f UTF-8 -t UTF-8 out.xml >/dev/null
'

test_expect_success 'junit: --replay with a failing revision fails replay' '
	replay_repo replay && cd replay &&
	write_revision $V b2 a1 "ALTER TABLE contacts ADD COLUMN email text;
ALTER TABLE nosuch ADD COLUMN x text;" "SELECT 1;" &&
	test_expect_code 1 git migrate verify --replay --format junit >out.xml &&
	junit_check out.xml "
assert list(cases) == [\"parse\", \"graph\", \"immutable\", \"chained\", \"replay\"], list(cases)
assert [status(n) for n in cases] == [\"ok\"] * 4 + [\"failed\"], cases
f = failure(\"replay\")
assert f.text.startswith(\"$V/b2_revision_b2.sql:8: \") and \"nosuch\" in f.text, f.text
assert f.get(\"message\") == f.text, f.attrib
" &&
	test_no_scratch_left
'

test_expect_success 'junit: replay skipped after a failed check is a skipped testcase' '
	cd replay &&
	write_revision $V c3 nope "SELECT 1;" &&
	test_expect_code 1 git migrate verify --replay --format junit >out.xml &&
	junit_check out.xml "
assert [status(n) for n in cases] == [\"ok\", \"failed\", \"ok\", \"ok\", \"skipped\"], cases
assert cases[\"replay\"].find(\"skipped\").get(\"message\"), cases[\"replay\"]
assert \"nope\" in failure(\"graph\").text, failure(\"graph\").text
"
'

test_expect_success 'junit: nothing on stdout when verify cannot run' '
	git clone -q base junitcannot && cd junitcannot &&
	test_expect_code 2 git migrate verify --format junit --production nope >out 2>err &&
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
	test_grep "^error: --format takes text, json, github or junit, not .xml." err &&
	test_grep "^usage: git migrate verify" err
'

test_expect_success 'json output stays empty when verify cannot run' '
	git clone -q base cannot && cd cannot &&
	test_expect_code 2 git migrate verify --format json --production nope >out 2>err &&
	test_must_fail test -s out &&
	test_grep "unknown revision .nope." err
'

test_done
