#!/bin/sh
test_description='rebase and verify --replay name semantic conflicts: both sides changed one object'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"

# deals.currency: production changes its default, the branch renames it (in place on
# both dialects, so both revisions apply and round-trip whatever the order).
cat >v1.yml <<'YAML'
tables:
  deals:
    columns:
      id:       {type: integer, primary_key: true}
      title:    text
      currency: {type: varchar(3), null: false, default: USD}
YAML
sed 's/default: USD/default: EUR/' v1.yml >prod-default.yml
sed 's/^      currency: {/      currency_code: {was: currency, /' v1.yml >branch-rename.yml
sed 's/default: USD/default: EUR/' branch-rename.yml >merged-default.yml
sed 's/^      title:.*/&\n      priority: integer/' v1.yml >prod-priority.yml
sed 's/^      title:.*/&\n      priority: integer/' branch-rename.yml >merged-priority.yml

# setup_fork <dir> <production.yml> <branch.yml> <merged.yml>: the branch writes its
# revision, then production writes one, then the branch merges production.
setup_fork() {
	prepare_fork "$1" v1.yml "$2" "$3" "$4"
}

test_expect_success 'setup: both sides change deals.currency' '
	setup_fork clash prod-default.yml branch-rename.yml merged-default.yml &&
	P=$(revision_id "clash/$(cat clash.prod)") &&
	L=$(revision_id "clash/$(cat clash.local)") &&
	echo "warning: semantic conflict: production'"'"'s $P changed deals.currency; your $L also changes deals.currency" >expect.warning
'

test_expect_success 'rebase names the semantic conflict and still re-chains (exit 0)' '
	(
		cd clash &&
		git migrate rebase >../out 2>../err
	) &&
	test_grep "re-chained revision" err &&
	grep "semantic conflict" err >actual &&
	test_cmp expect.warning actual &&
	test_grep "_branch_change.sql$" out &&
	test_no_scratch_left
'

test_expect_success 'verify --replay warns too, passes (exit 0), before and after commit' '
	(
		cd clash &&
		git migrate verify --replay >../out 2>../err &&
		git add -A && git commit -q -m rebased &&
		git migrate verify --replay >../out2 2>../err2
	) &&
	grep "semantic conflict" err >actual &&
	test_cmp expect.warning actual &&
	grep "semantic conflict" err2 >actual &&
	test_cmp expect.warning actual &&
	test_grep "^verify: ok (parse, graph, immutable, chained, replay); 1 warning$" out2 &&
	test_no_scratch_left
'

test_expect_success 'verify -q still exits 0 and prints no warning' '
	(cd clash && git migrate -q verify --replay >../out 2>../err) &&
	test ! -s out && test ! -s err
'

test_expect_success 'verify --replay --rev reads the fork from that revision' '
	(
		cd clash &&
		git switch -q --detach production &&
		cp ../merged-default.yml models/app.yml &&
		git migrate verify --replay --rev work >../out 2>../err
		rc=$?
		git checkout -q -- models && git switch -q work && exit $rc
	) &&
	grep "semantic conflict" err >actual &&
	test_cmp expect.warning actual
'

test_expect_success 'json: the warning with its severity, ok stays true' '
	(cd clash && git migrate verify --replay --format json >../out.json 2>../err) &&
	python3 - out.json "$(cat clash.local)" <<-\PY
	import json, sys
	d = json.load(open(sys.argv[1]))
	assert d["ok"] is True, d
	assert all(c["status"] == "ok" for c in d["checks"]), d
	w = d["warnings"]
	assert len(w) == 1, w
	assert w[0]["severity"] == "warning" and w[0]["check"] == "semantic", w
	assert w[0]["file"] == sys.argv[2] and w[0]["line"] > 0, w
	assert "changed deals.currency; your" in w[0]["message"], w
	PY
'

test_expect_success 'github: a ::warning annotation at the local revision' '
	(cd clash && git migrate verify --replay --format github >../out 2>../err) &&
	test_grep "^::warning file=$(cat clash.local),line=[0-9]*::\[semantic\] semantic conflict: " out &&
	! grep "^::error" out
'

test_expect_success 'junit: no failure, the warning in the suite output' '
	(cd clash && git migrate verify --replay --format junit >../out.xml 2>../err) &&
	python3 - out.xml <<-\PY
	import sys, xml.etree.ElementTree as ET
	suite = ET.parse(sys.argv[1]).getroot().find("testsuite")
	assert suite.get("failures") == "0", suite.attrib
	assert suite.find("testcase/failure") is None
	out = suite.find("system-out").text
	assert out.startswith("warning: ") and "semantic conflict" in out, out
	PY
'

test_expect_success 'merging the branch into production (the pre-merge-commit hook): warned' '
	(
		cd clash &&
		git switch -q production &&
		git merge -q --no-ff --no-commit work >/dev/null 2>&1 &&
		git migrate verify --worktree --replay >../out 2>../err
		rc=$?
		git merge --abort && git switch -q work && exit $rc
	) &&
	grep "semantic conflict" err >actual &&
	test_cmp expect.warning actual
'

test_expect_success 'different objects on each side: no warning' '
	setup_fork apart prod-priority.yml branch-rename.yml merged-priority.yml &&
	(
		cd apart &&
		git migrate rebase >../out 2>../err &&
		git migrate verify --replay >../out2 2>../err2 &&
		git migrate verify --replay --format json >../out.json
	) &&
	test_grep "re-chained revision" err &&
	! grep "semantic conflict" err err2 &&
	test_grep "^verify: ok (parse, graph, immutable, chained, replay)$" out2 &&
	python3 -c "import json,sys; d = json.load(open(sys.argv[1])); assert d[\"warnings\"] == [], d" out.json
'

test_expect_success 'a branch that forked after production changed the column: no warning' '
	prepare_case_setup late v1.yml &&
	(
		cd late &&
		git switch -q production &&
		cp ../prod-default.yml models/app.yml &&
		git migrate -q prepare -m "production change" >/dev/null &&
		git add -A && git commit -q -m "production change" &&
		git switch -q work &&
		git merge -q --ff-only production &&
		cp ../merged-default.yml models/app.yml &&
		git migrate -q prepare -m "branch change" >/dev/null &&
		git migrate verify --replay >../out 2>../err &&
		git add -A && git commit -q -m "branch change" &&
		git migrate verify --replay >../out2 2>../err2
	) &&
	! grep "semantic conflict" err err2
'

test_expect_success 'production dropped the column the branch renames: the failure is named, nothing written' '
	setup_fork gone prod-default.yml branch-rename.yml merged-default.yml &&
	(
		cd gone &&
		git switch -q production &&
		sed "/currency/d" ../v1.yml >models/app.yml &&
		git migrate -q prepare -m "drop currency" >/dev/null &&
		git add -A && git commit -q -m "drop currency" &&
		git switch -q work &&
		{ git merge -q --no-edit production >/dev/null 2>&1 ||
		  { sed "/currency/d" ../v1.yml >models/app.yml && git add models/app.yml &&
		    git commit -q --no-edit; }; } &&
		test_expect_code 1 git migrate rebase >../out 2>../err
	) &&
	test_grep "nothing was rewritten" err &&
	test_grep "^error: .*_branch_change.sql" err &&
	test_no_scratch_left
'

test_done
