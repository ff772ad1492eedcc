#!/bin/sh
test_description='verify: production revisions are immutable and the chain stays chained'
. ./lib.sh

V=migrations/versions

test_expect_success 'setup: production a1 <- b2 <- c3, main adds d4' '
	chain_repo base
'

# branch_moves_on <branch> <id> <up sql> [<message>]: in a clone of base, <branch> (made
# from origin/production) gets revision <id> on top of c3, committed (the message defaults
# to the id); main is checked out again.
branch_moves_on() {
	git branch "$1" origin/production &&
	git checkout -q "$1" &&
	write_revision $V "$2" c3 "$3" &&
	git add . && git commit -q -m "${4:-$2}" &&
	git checkout -q main
}

test_expect_success 'an edited production revision is an immutable finding' '
	git clone -q base edited && cd edited &&
	echo "UPDATE t SET b = 1;" >>$V/b2_revision_b2.sql &&
	test_expect_code 1 git migrate verify >out &&
	test_grep "^$V/b2_revision_b2.sql: \[immutable\] production revision .b2_revision_b2.sql. was edited" out &&
	test_grep "git checkout production -- $V/b2_revision_b2.sql" out &&
	test_grep "failed: immutable; passed: parse, graph, chained" out
'

# git's index vouches for files whose stat data it staged (core/repo_index.c): an edit in
# place that keeps the size and the modification time changes the inode's change time.
test_expect_success 'an edit that keeps the size and the time of a staged revision is still seen' '
	git clone -q base same-stat && cd same-stat &&
	f=$V/b2_revision_b2.sql &&
	touch -d "2020-01-01 00:00:00" $V/*.sql && sleep 0.02 &&
	git update-index -q --refresh &&
	git migrate verify >out &&
	test_grep "^verify: ok" out &&
	size=$(wc -c <$f) &&
	printf X | dd of=$f bs=1 seek=$((size - 2)) conv=notrunc status=none &&
	touch -d "2020-01-01 00:00:00" $f &&
	test $(wc -c <$f) = $size &&
	test_expect_code 1 git migrate verify >out &&
	test_grep "^$f: \[immutable\] production revision .b2_revision_b2.sql. was edited" out
'

test_expect_success 'an edit committed on the branch is caught by verify --rev too' '
	git clone -q base edited-rev && cd edited-rev &&
	echo "-- a comment is an edit too" >>$V/a1_revision_a1.sql &&
	git commit -q -a -m "edit a1" &&
	test_expect_code 1 git migrate verify --rev main >out &&
	test_grep "\[immutable\] production revision .a1_revision_a1.sql. was edited" out &&
	test_expect_code 0 git migrate verify --rev main~1
'

test_expect_success 'a deleted production revision is an immutable finding' '
	git clone -q base deleted && cd deleted &&
	git rm -q $V/c3_revision_c3.sql &&
	test_expect_code 1 git migrate verify >out &&
	test_grep "^$V/c3_revision_c3.sql: \[immutable\] production revision .c3_revision_c3.sql. was deleted; restore it with .git checkout production -- $V/c3_revision_c3.sql.$" out &&
	test_grep "\[graph\] parent .c3. of revision .d4. does not exist" out
'

test_expect_success 'deleting the whole migrations folder deletes every production revision' '
	git clone -q base gone && cd gone &&
	git rm -q -r migrations &&
	test_expect_code 1 git migrate verify >out &&
	test_grep "\[immutable\] production revision .a1_revision_a1.sql. was deleted" out &&
	test_grep "\[immutable\] production revision .c3_revision_c3.sql. was deleted" out &&
	test_grep "^verify: 3 findings; failed: immutable" out
'

test_expect_success 'a renamed production revision is an immutable finding' '
	git clone -q base renamed && cd renamed &&
	git mv $V/c3_revision_c3.sql $V/c3_renamed.sql &&
	test_expect_code 1 git migrate verify >out &&
	test_grep "^$V/c3_renamed.sql:2: \[immutable\] production revision .c3_revision_c3.sql. was renamed to .$V/c3_renamed.sql." out
'

test_expect_success 'a branch chained onto an older production revision is not chained' '
	git clone -q base stale && cd stale &&
	branch_moves_on production e5 "ALTER TABLE t ADD COLUMN e text;" "hotfix e5 on production" &&
	test_expect_code 1 git migrate verify >out &&
	test_grep "^$V/d4_revision_d4.sql:3: \[chained\] local revision .d4. chains onto .c3., an older revision of .production. whose head is now .e5.; run .git migrate rebase." out &&
	test_grep "failed: chained; passed: parse, graph, immutable" out
'

test_expect_success 'merging production in without re-chaining gives two heads and not chained' '
	git clone -q base merged && cd merged &&
	branch_moves_on production e5 "ALTER TABLE t ADD COLUMN e text;" "hotfix e5 on production" &&
	git merge -q --no-edit production &&
	test_expect_code 1 git migrate verify >out &&
	test_grep "\[graph\] 2 heads: .d4., .e5." out &&
	test_grep "\[chained\] local revision .d4. chains onto .c3." out
'

test_expect_success 're-chaining the local revision onto the new head passes' '
	git clone -q base rechained && cd rechained &&
	branch_moves_on production e5 "ALTER TABLE t ADD COLUMN e text;" "hotfix e5 on production" &&
	git merge -q --no-edit production &&
	sed "s/^-- down_revision: c3$/-- down_revision: e5/" $V/d4_revision_d4.sql >tmp &&
	mv tmp $V/d4_revision_d4.sql &&
	test_expect_code 0 git migrate verify >out &&
	test_grep "verify: ok" out
'

test_expect_success '--production names another ref' '
	git clone -q base other && cd other &&
	branch_moves_on release r9 "SELECT 9;" &&
	test_expect_code 0 git migrate verify >out &&
	test_expect_code 1 git migrate verify --production release >out &&
	test_grep "\[chained\] local revision .d4. chains onto .c3., an older revision of .release. whose head is now .r9." out &&
	test_grep -v "\[immutable\]" out
'

test_expect_success 'the production ref comes from the config file' '
	git clone -q base config && cd config &&
	branch_moves_on live x9 "SELECT 9;" &&
	echo "production: live" >.gitmigrate.yml &&
	test_expect_code 1 git migrate verify >out &&
	test_grep "\[chained\] local revision .d4. chains onto .c3., an older revision of .live." out &&
	test_expect_code 0 git migrate verify --production origin/production
'

test_expect_success 'a production ref that does not resolve cannot run (exit 2)' '
	git clone -q base unknown && cd unknown &&
	test_expect_code 2 git migrate verify --production nope >out 2>err &&
	test_grep "^fatal: unknown revision .nope." err &&
	test_must_fail test -s out
'

test_expect_success 'production without a migrations folder: immutable and chained pass' '
	git init -q fresh && cd fresh &&
	test_commit first README &&
	git branch production &&
	write_revision $V a1 "" "CREATE TABLE t (id integer);" &&
	test_expect_code 0 git migrate verify >out &&
	test_grep "verify: ok" out
'

test_done
