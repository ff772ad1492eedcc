#!/bin/sh
test_description='verify: the parse and graph checks on real repositories'
. ./lib.sh

V=migrations/versions

# base: production holds a1 <- b2 <- c3; main adds d4 on top of c3.
# Each case works in its own clone (production is then found as origin/production).
test_expect_success 'setup: production with three revisions, main with one more' '
	chain_repo base
'

test_expect_success 'a healthy chain passes every check' '
	git clone -q base ok && cd ok &&
	test_expect_code 0 git migrate verify >out 2>err &&
	test_grep "^verify: ok (parse, graph, immutable, chained)$" out &&
	test_must_fail test -s err
'

test_expect_success 'a missing parent is a graph finding with file:line' '
	git clone -q base missing && cd missing &&
	write_revision $V e5 nope "SELECT 1;" &&
	test_expect_code 1 git migrate verify >out &&
	test_grep "^$V/e5_revision_e5.sql:3: \[graph\] parent .nope. of revision .e5. does not exist$" out &&
	test_grep "failed: graph" out
'

test_expect_success 'a cycle is a graph finding' '
	git clone -q base cycle && cd cycle &&
	write_revision $V x1 y1 "SELECT 1;" &&
	write_revision $V y1 x1 "SELECT 1;" &&
	test_expect_code 1 git migrate verify >out &&
	test_grep "^$V/x1_revision_x1.sql:3: \[graph\] cycle in the revision graph: .x1. -> .y1. -> .x1.$" out
'

test_expect_success 'two heads from two merged branches fail, a merge revision fixes them' '
	git clone -q base heads && cd heads &&
	git checkout -q -b feature-e &&
	commit_revision $V e5 d4 "SELECT 5;" &&
	git checkout -q -b feature-f main &&
	commit_revision $V f6 d4 "SELECT 6;" &&
	git checkout -q feature-e &&
	git merge -q --no-edit feature-f &&
	test_expect_code 1 git migrate verify >out &&
	test_grep "^$V/f6_revision_f6.sql:2: \[graph\] 2 heads: .e5., .f6. (write a merge revision with .down_revision: e5, f6.)$" out &&
	write_revision $V m7 "e5, f6" "SELECT 7;" &&
	git add . && git commit -q -m "merge revision" &&
	test_expect_code 0 git migrate verify >out &&
	test_grep "verify: ok" out
'

test_expect_success 'two bases are a graph finding' '
	git clone -q base bases && cd bases &&
	write_revision $V z0 "" "SELECT 0;" &&
	test_expect_code 1 git migrate verify >out &&
	test_grep "\[graph\] 2 base revisions (no down_revision): .a1., .z0." out
'

test_expect_success 'a duplicate id is a parse finding' '
	git clone -q base dup && cd dup &&
	sed "s/ALTER TABLE t ADD COLUMN d text;/SELECT 2;/" $V/d4_revision_d4.sql >$V/d4_again.sql &&
	test_expect_code 1 git migrate verify >out &&
	test_grep "^$V/d4_revision_d4.sql:2: \[parse\] duplicate revision id .d4. (also in .$V/d4_again.sql.)$" out
'

test_expect_success 'a file name that does not match its id is a parse finding' '
	git clone -q base name && cd name &&
	git mv $V/d4_revision_d4.sql $V/dd4_add_d.sql &&
	test_expect_code 1 git migrate verify >out &&
	test_grep "^$V/dd4_add_d.sql:2: \[parse\] file name .dd4_add_d.sql. does not match revision id .d4. (expected .d4_<slug>.sql.)$" out
'

test_expect_success 'a bare <id>.sql file name is fine' '
	git clone -q base bare && cd bare &&
	git mv $V/d4_revision_d4.sql $V/d4.sql &&
	test_expect_code 0 git migrate verify
'

test_expect_success 'an unparsable file is a parse finding with its line' '
	git clone -q base broken && cd broken &&
	printf -- "-- revision: e5\n-- down_revision: d4\nDROP TABLE t;\n" >$V/e5_broken.sql &&
	test_expect_code 1 git migrate verify >out &&
	test_grep "^$V/e5_broken.sql:3: \[parse\] SQL before the .-- +migrate up. section$" out
'

test_expect_success 'a binary file is a parse finding' '
	git clone -q base binary && cd binary &&
	printf -- "-- revision: e5\n-- down_revision: d4\n-- +migrate up\nSEL\000ECT\n" >$V/e5_bin.sql &&
	test_expect_code 1 git migrate verify >out &&
	test_grep "^$V/e5_bin.sql:4: \[parse\] NUL byte in revision file" out
'

test_expect_success 'an id with path characters is a parse finding' '
	git clone -q base badid && cd badid &&
	printf -- "-- revision: ../x\n-- down_revision: d4\n-- +migrate up\n" >$V/x_bad.sql &&
	test_expect_code 1 git migrate verify >out &&
	test_grep "^$V/x_bad.sql:1: \[parse\] invalid revision id .\.\./x.$" out
'

test_expect_success 'files that are not *.sql are ignored' '
	git clone -q base other && cd other &&
	echo "notes" >$V/README.md &&
	test_expect_code 0 git migrate verify
'

test_expect_success 'verify --rev checks a commit, not the worktree' '
	git clone -q base rev && cd rev &&
	write_revision $V e5 nope "SELECT 1;" &&
	test_expect_code 0 git migrate verify --rev HEAD >out &&
	test_grep "verify: ok" out &&
	test_expect_code 1 git migrate verify --worktree >out &&
	test_grep "parent .nope." out
'

test_expect_success 'usage errors exit 2' '
	git clone -q base usage && cd usage &&
	test_expect_code 2 git migrate verify --worktree --rev HEAD 2>err &&
	test_grep "^error: --worktree and --rev cannot be used together" err &&
	test_expect_code 2 git migrate verify extra 2>err &&
	test_grep "unexpected argument .extra." err &&
	test_expect_code 2 git migrate verify --rev nope 2>err &&
	test_grep "unknown revision .nope." err
'

test_expect_success 'verify -h prints usage to stdout' '
	test_expect_code 0 git migrate verify -h >out &&
	test_grep "^usage: git migrate verify" out &&
	test_grep -- "--format <fmt>" out
'

test_done
