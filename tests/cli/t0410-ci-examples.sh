#!/bin/sh
test_description='docs/ci: the CI examples parse, and their commands pass and fail as they should'
#
# The GitHub Actions workflow and the GitLab CI job of docs/ci/ are read as YAML (so a
# file that no longer parses fails here). Their `git fetch` and `git migrate` lines, and
# the environment they set, are taken from the parsed files, not copied into this
# script: when an example's command changes, these tests run the new one. They run in
# a clone that holds only the checked branch (as a CI checkout may), with the test
# server's URL standing in for the PostgreSQL service (postgres pass) or a SQLite URL
# and `scratch: sqlite` in the config (sqlite pass), on a branch where every command
# must pass and on one where verify and diff must fail (exit 1).
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"

CI=$(cd "$TEST_DIR/../../docs/ci" && pwd)
python3 -c 'import yaml' 2>/dev/null ||
	test_skip_all "PyYAML is not installed (scripts/deps.sh installs python3-yaml)"

# The URL standing in for the example's database URL (GIT_MIGRATE_DATABASE_URL).
if test_if_postgres; then
	STAND_IN=$(pg_url postgres)
else
	STAND_IN=sqlite:///app.db
fi

# extract <example> <out-dir>: parse the example; write <out-dir>/env (export lines:
# the variables it sets, its database URL replaced by $STAND_IN), <out-dir>/cmds (its
# `git fetch` and `git migrate` lines, in order) and <out-dir>/junit (the JUnit report
# path, GitLab). Asserts what the commands rely on: full history, a postgres service
# whose host the URL names, the report uploaded also when the job fails.
extract() {
	mkdir -p "$2" &&
	python3 - "$1" "$2" "$STAND_IN" <<-\PY
	import os, shlex, sys, yaml
	from urllib.parse import urlsplit
	path, out, stand_in = sys.argv[1:4]
	doc = yaml.safe_load(open(path))
	env, lines = {}, []
	def scripts(v):
	    return v if isinstance(v, list) else [v]
	def collect(text):
	    for line in str(text).splitlines():
	        line = line.strip()
	        if line.startswith("git migrate ") or line.startswith("git fetch "):
	            lines.append(line)
	if path.endswith("github-actions.yml"):
	    assert set(doc) >= {"name", "jobs"} and (True in doc or "on" in doc), doc
	    env.update(doc.get("env") or {})
	    (job,) = doc["jobs"].values()
	    env.update(job.get("env") or {})
	    pg = job["services"]["postgres"]
	    assert pg["image"].startswith("postgres"), pg
	    assert "5432:5432" in [str(p) for p in pg["ports"]], pg
	    host = "localhost"
	    checkout = [s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/checkout@")]
	    assert len(checkout) == 1 and checkout[0]["with"]["fetch-depth"] == 0, checkout
	    for step in job["steps"]:
	        env.update(step.get("env") or {})
	        collect(step.get("run", ""))
	    report = None
	else:
	    (job,) = [v for k, v in doc.items() if isinstance(v, dict) and "script" in v]
	    env.update(doc.get("variables") or {})
	    env.update(job.get("variables") or {})
	    assert str(env.get("GIT_DEPTH")) == "0", env
	    services = [s if isinstance(s, dict) else {"name": s} for s in job["services"]]
	    pg = [s for s in services if s["name"].startswith("postgres")]
	    assert len(pg) == 1, services
	    host = pg[0].get("alias", "postgres")
	    for key in ("before_script", "script"):
	        for s in scripts(job.get(key, [])):
	            collect(s)
	    assert job["artifacts"]["when"] == "always", job["artifacts"]
	    report = job["artifacts"]["reports"]["junit"]
	    assert isinstance(report, str) and "/" not in report, report
	url = env.get("GIT_MIGRATE_DATABASE_URL") or env.get("DATABASE_URL")
	assert url, "the example sets no database URL: %r" % env
	u = urlsplit(url)
	assert u.scheme in ("postgres", "postgresql") and u.hostname == host, (url, host)
	with open(os.path.join(out, "env"), "w") as f:
	    for k, v in env.items():
	        if k in ("GIT_MIGRATE_DATABASE_URL", "DATABASE_URL"):
	            v = stand_in
	        f.write("%s=%s; export %s\n" % (k, shlex.quote(str(v)), k))
	with open(os.path.join(out, "cmds"), "w") as f:
	    f.write("".join(l + "\n" for l in lines))
	with open(os.path.join(out, "junit"), "w") as f:
	    f.write(report or "")
	PY
}

# run_example <example-dir> <repo> <run-dir>: run the example's commands in <repo> with
# its environment, each with sh -c; for command N: cmd.N (the line), out.N, err.N, rc.N
# in <run-dir>.
run_example() {
	mkdir "$3" &&
	n=0 &&
	while IFS= read -r cmd; do
		n=$((n + 1))
		printf '%s\n' "$cmd" >"$3/cmd.$n"
		(cd "$2" && . "$1/env" && sh -c "$cmd") >"$3/out.$n" 2>"$3/err.$n" </dev/null
		echo $? >"$3/rc.$n"
	done <"$1/cmds" &&
	test $n -gt 0
}

# rc_of <run-dir> <pattern>: the exit code of the one command matching <pattern>;
# out_of: the file of its stdout.
rc_of() {
	set -- "$1" "$2" $(grep -l -e "$2" "$1"/cmd.* 2>/dev/null)
	test $# = 3 || { echo "not one command matches '$2' in $1: $*" >&2; return 1; }
	cat "$1/rc.${3##*.}"
}
out_of() {
	set -- "$1" "$2" $(grep -l -e "$2" "$1"/cmd.*)
	echo "$1/out.${3##*.}"
}

# junit_report <file> <statuses>: the report parses as XML, its testcases are the five
# checks, and their statuses ("ok", "failed", "skipped") are <statuses>.
junit_report() {
	python3 - "$1" "$2" <<-\PY
	import sys, xml.etree.ElementTree as ET
	root = ET.parse(sys.argv[1]).getroot()
	assert root.tag == "testsuites", root.tag
	(suite,) = root.findall("testsuite")
	cases = suite.findall("testcase")
	names = [c.get("name") for c in cases]
	assert names == ["parse", "graph", "immutable", "chained", "replay"], names
	def status(c):
	    if c.find("failure") is not None:
	        assert c.find("failure").text, c
	        return "failed"
	    return "skipped" if c.find("skipped") is not None else "ok"
	got = " ".join(status(c) for c in cases)
	assert got == sys.argv[2], (got, sys.argv[2])
	assert suite.get("failures") == str(got.split().count("failed")), suite.attrib
	PY
}

MODELS1='tables:
  contacts:
    columns:
      id: {type: integer, primary_key: true}
      email: text
'

test_expect_success 'setup: the examples parse, their commands are extracted' '
	extract "$CI/github-actions.yml" "$PWD/gh" &&
	extract "$CI/gitlab-ci.yml" "$PWD/gl" &&
	cat gh/cmds gl/cmds &&
	test_grep -c "^git migrate verify .*--replay" gh/cmds >count && test "$(cat count)" = 1 &&
	test_grep -c "^git migrate verify .*--replay" gl/cmds >count && test "$(cat count)" = 1 &&
	test_grep "^git migrate verify .*--format github" gh/cmds &&
	test_grep "^git migrate verify .*--format junit .*> *$(cat gl/junit)\$" gl/cmds &&
	test_grep -c "^git migrate diff" gh/cmds >count && test "$(cat count)" = 1 &&
	test_grep -c "^git migrate diff" gl/cmds >count && test "$(cat count)" = 1 &&
	test_grep "^git fetch .*production" gh/cmds &&
	test_grep "^git fetch .*production" gl/cmds
'

test_expect_success 'setup: production holds models and their base revision' '
	printf "%s" "$MODELS1" >models1.yml &&
	prepare_case_setup base models1.yml &&
	(
		cd base &&
		# the examples provide the scratch server through the database URL
		if test_if_sqlite; then
			printf "models: [models/*.yml]\nscratch: sqlite\n" >.gitmigrate.yml
		else
			printf "models: [models/*.yml]\n" >.gitmigrate.yml
		fi &&
		git commit -q -am "config: scratch from the environment" &&
		git switch -q -c good &&
		printf "      phone: text\n" >>models/app.yml &&
		GIT_MIGRATE_DATABASE_URL=$STAND_IN git migrate prepare -m phone >path &&
		git add -A && git commit -q -m "phone, with its revision" &&
		git switch -q -c bad production &&
		base=$(basename migrations/versions/*_base.sql) &&
		# PostgreSQL-only syntax on PostgreSQL (SQLite would refuse it): the replay
		# must run on the server the example names, not on a SQLite default
		if test_if_postgres; then
			up="ALTER TABLE contacts ADD COLUMN IF NOT EXISTS phone text;"
		else
			up="ALTER TABLE contacts ADD COLUMN phone text;"
		fi &&
		write_revision migrations/versions b2 "${base%%_*}" "$up" "SELECT 1;" &&
		printf "      phone: text\n      note: text\n" >>models/app.yml &&
		git add -A && git commit -q -m "phone with a broken down section, note without a revision"
	)
'

for example in gh gl; do
	test_expect_success "$example: every command passes on a healthy branch" '
		git clone -q --single-branch --branch good base $example-good &&
		test_must_fail git -C $example-good rev-parse -q --verify origin/production &&
		run_example "$PWD/$example" "$PWD/$example-good" "$PWD/$example-good.run" &&
		for f in $example-good.run/rc.*; do
			n=${f##*.} &&
			test "$(cat $f)" = 0 || { cat $example-good.run/cmd.$n $example-good.run/err.$n >&2; return 1; }
		done &&
		git -C $example-good rev-parse -q --verify origin/production &&
		test_no_scratch_left
	'

	test_expect_success "$example: verify and diff exit 1 on a branch that needs a fix" '
		git clone -q --single-branch --branch bad base $example-bad &&
		run_example "$PWD/$example" "$PWD/$example-bad" "$PWD/$example-bad.run" &&
		test "$(rc_of $example-bad.run "^git fetch")" = 0 &&
		test "$(rc_of $example-bad.run "^git migrate verify")" = 1 &&
		test "$(rc_of $example-bad.run "^git migrate diff")" = 1 &&
		test_grep "note" "$(out_of $example-bad.run "^git migrate diff")" &&
		test_no_scratch_left
	'
done

test_expect_success 'gh: verify prints annotations, nothing else, and nothing when all is well' '
	out=$(out_of gh-bad.run "^git migrate verify") &&
	test -s "$out" &&
	test_must_fail grep -v "^::error " "$out" &&
	test_grep "^::error file=migrations/versions/b2_revision_b2.sql,line=[0-9][0-9]*::\[replay\] down section of .b2. does not restore the schema" "$out" &&
	out=$(out_of gh-good.run "^git migrate verify") &&
	test_must_fail test -s "$out"
'

test_expect_success 'gl: the JUnit report is written where the artifact says, and parses' '
	report=$(cat gl/junit) &&
	junit_report gl-good/$report "ok ok ok ok ok" &&
	junit_report gl-bad/$report "ok ok ok ok failed" &&
	python3 - gl-bad/$report <<-\PY
	import sys, xml.etree.ElementTree as ET
	root = ET.parse(sys.argv[1]).getroot()
	(f,) = [c.find("failure") for c in root.iter("testcase") if c.get("name") == "replay"]
	assert "migrations/versions/b2_revision_b2.sql:" in f.text, f.text
	assert "down section of \x27b2\x27 does not restore the schema" in f.text, f.text
	PY
'

test_done
