#!/bin/sh
test_description='history, heads and show: read the chain from the worktree or a git ref'
. ./lib.sh

V=migrations/versions

# production: a1 <- b2 <- c3; main: d4, then two branches x5 and y6 merged with git,
# and the merge revision m7 (down_revision: x5, y6).
test_expect_success 'setup: production, a working branch, two merged feature branches' '
	chain_repo base &&
	cd base &&
	git checkout -q -b feature-x &&
	commit_revision $V x5 d4 "ALTER TABLE t ADD COLUMN x text;" &&
	git checkout -q -b feature-y main &&
	commit_revision $V y6 d4 "ALTER TABLE t ADD COLUMN y text;" &&
	git checkout -q main &&
	git merge -q --no-edit feature-x &&
	git merge -q --no-edit feature-y &&
	git branch two-heads &&
	write_revision $V m7 "x5, y6" "SELECT 7;" &&
	git add . && git commit -q -m "merge revision m7"
'

test_expect_success 'history lists newest first and marks production' '
	(cd base && git migrate history >../out 2>../err) &&
	cat >expect <<-\EOF &&
	m7 revision m7
	y6 revision y6
	x5 revision x5
	d4 revision d4
	c3 (production) revision c3
	b2 revision b2
	a1 revision a1
	EOF
	test_cmp expect out &&
	test_must_fail test -s err
'

test_expect_success 'history --graph draws the merge and where production ends' '
	(cd base && git migrate history --graph >../out) &&
	cat >expect <<-\EOF &&
	* m7 revision m7
	|\
	| * y6 revision y6
	* | x5 revision x5
	|/
	* d4 revision d4
	|  -- local revisions above, production ('"'"'production'"'"') below --
	* c3 (production) revision c3
	* b2 revision b2
	* a1 revision a1
	EOF
	test_cmp expect out
'

test_expect_success 'history --graph of two heads, warned about' '
	git clone -q -b two-heads base two && cd two &&
	git branch production origin/production &&
	git migrate history --graph >out 2>err &&
	cat >expect <<-\EOF &&
	* y6 revision y6
	| * x5 revision x5
	|/
	* d4 revision d4
	|  -- local revisions above, production ('"'"'production'"'"') below --
	* c3 (production) revision c3
	* b2 revision b2
	* a1 revision a1
	EOF
	test_cmp expect out &&
	test_grep "^warning: $V/y6_revision_y6.sql:2: 2 heads: .x5., .y6." err
'

test_expect_success 'history --graph without local revisions has no marker line' '
	(cd base && git migrate history --graph --rev production >../out) &&
	cat >expect <<-\EOF &&
	* c3 (production) revision c3
	* b2 revision b2
	* a1 revision a1
	EOF
	test_cmp expect out
'

test_expect_success 'history --rev production works with no migrations folder in the worktree' '
	git clone -q base nofolder && cd nofolder &&
	rm -rf migrations &&
	git migrate history --rev production >out &&
	cat >expect <<-\EOF &&
	c3 (production) revision c3
	b2 revision b2
	a1 revision a1
	EOF
	test_cmp expect out &&
	git migrate history >out 2>err &&
	test_must_fail test -s out &&
	test_grep "no revisions in .migrations/versions." err
'

test_expect_success 'history --rev reads any commit' '
	(cd base && git migrate history --rev feature-x >../out) &&
	cat >expect <<-\EOF &&
	x5 revision x5
	d4 revision d4
	c3 (production) revision c3
	b2 revision b2
	a1 revision a1
	EOF
	test_cmp expect out
'

test_expect_success 'history without a production branch has no marks' '
	git init -q noprod && cd noprod &&
	write_revision $V a1 "" "SELECT 1;" &&
	write_revision $V b2 a1 "SELECT 2;" &&
	git migrate history --graph >out &&
	cat >expect <<-\EOF &&
	* b2 revision b2
	* a1 revision a1
	EOF
	test_cmp expect out
'

test_expect_success 'history of a broken chain cannot run (exit 2)' '
	git clone -q base broken && cd broken &&
	write_revision $V e8 nope "SELECT 1;" &&
	test_expect_code 2 git migrate history >out 2>err &&
	test_grep "^warning: $V/e8_revision_e8.sql:3: parent .nope. of revision .e8. does not exist" err &&
	test_grep "^fatal: $V/e8_revision_e8.sql:3: parent .nope. of revision .e8. does not exist" err
'

test_expect_success 'history with an unknown --rev or --production exits 2' '
	cd base &&
	test_expect_code 2 git migrate history --rev nope 2>err &&
	test_grep "unknown revision .nope." err &&
	test_expect_code 2 git migrate history --production nope 2>err &&
	test_grep "unknown revision .nope." err
'

test_expect_success 'heads lists the heads' '
	(cd base && git migrate heads >../out) &&
	echo "m7 revision m7" >expect &&
	test_cmp expect out &&
	(cd base && git migrate heads --rev two-heads >../out 2>/dev/null) &&
	printf "x5 revision x5\ny6 revision y6\n" >expect &&
	test_cmp expect out &&
	(cd base && git migrate heads --rev production >../out) &&
	echo "c3 revision c3" >expect &&
	test_cmp expect out
'

test_expect_success 'show prints the file of a revision named by id or prefix' '
	cd base &&
	git migrate show d4 >out &&
	test_cmp $V/d4_revision_d4.sql out &&
	git migrate show m >out &&
	test_cmp $V/m7_revision_m7.sql out
'

test_expect_success 'show --rev reads the file from git, not the worktree' '
	git clone -q base showrev && cd showrev &&
	echo "-- local edit" >>$V/c3_revision_c3.sql &&
	git migrate show --rev production c3 >out &&
	git show origin/production:$V/c3_revision_c3.sql >expect &&
	test_cmp expect out &&
	git migrate show c3 >out &&
	test_grep "^-- local edit$" out
'

test_expect_success 'show: unknown, ambiguous and missing revisions exit 2' '
	git clone -q base showbad && cd showbad &&
	write_revision $V d9 c3 "SELECT 9;" &&
	test_expect_code 2 git migrate show zz 2>err &&
	test_grep "^fatal: unknown revision .zz." err &&
	test_expect_code 2 git migrate show d 2>err &&
	test_grep "^fatal: ambiguous revision prefix .d." err &&
	test_grep "^hint: it matches .d4., .d9." err &&
	test_expect_code 2 git migrate show 2>err &&
	test_grep "^error: which revision?" err &&
	test_expect_code 2 git migrate show a1 b2 2>err &&
	test_grep "unexpected argument .b2." err
'

test_expect_success '-h prints usage to stdout for history, heads and show' '
	test_expect_code 0 git migrate history -h >out &&
	test_grep "^usage: git migrate history \[--graph\]" out &&
	test_grep "newest first" out &&
	test_expect_code 0 git migrate heads -h >out &&
	test_grep "^usage: git migrate heads" out &&
	test_expect_code 0 git migrate show -h >out &&
	test_grep "^usage: git migrate show" out &&
	test_expect_code 0 git migrate help history >out &&
	test_grep "^usage: git migrate history" out
'

test_expect_success 'outside a repository history cannot run' '
	mkdir plain && cd plain &&
	GIT_CEILING_DIRECTORIES=$(pwd)/.. test_expect_code 2 git migrate history 2>err &&
	test_grep "^fatal: " err
'

test_done
