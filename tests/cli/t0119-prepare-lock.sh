#!/bin/sh
test_description='prepare, rebase and verify --replay take a lock per worktree'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"

# Models from a command that declares one table more each time it runs (t1, t2, ...):
# every prepare has a change to write, whatever ran before it. The counter lives outside
# the repository; the command runs under the lock, so it needs no lock of its own.
cat >gen.sh <<'EOF'
n=$(cat ../counter 2>/dev/null || echo 0)
n=$((n + 1))
echo $n >../counter
i=1
while test $i -le $n; do
	echo "CREATE TABLE t$i (id integer PRIMARY KEY);"
	i=$((i + 1))
done
EOF

# with_lock_held <repo> <command...>: run the command while the repository's worktree
# lock is held as git-migrate holds it (flock(1) on the file, the holder's pid written in
# it); $holder_pid names the holder. The lock is released afterwards, whatever happened.
with_lock_held() {
	lock="$(cd "$1" && git rev-parse --absolute-git-dir)/git-migrate/lock" &&
	mkdir -p "${lock%/lock}" &&
	rm -f held release || return 1
	shift
	flock "$lock" sh -c 'echo $$ >"$1"; touch held; while ! test -f release; do sleep 0.05; done' - "$lock" &
	holder_job=$!
	test_wait_until 10 test -f held
	holder_pid=$(cat "$lock")
	if test -f held && test -n "$holder_pid"; then
		"$@"
		rc=$?
	else
		echo "the test could not take the lock" >&2
		rc=1
	fi
	touch release
	wait $holder_job
	return $rc
}

test_expect_success 'setup: production holds the first table, written by prepare' '
	git init -q -b production repo &&
	(
		cd repo &&
		gm_write_config "[{command: \"sh ../gen.sh\"}]" &&
		git add -A && git commit -q -m config &&
		git migrate -q prepare -m base >/dev/null &&
		git add -A && git commit -q -m base &&
		git switch -q -c work
	)
'

test_expect_success 'four prepares at once in one worktree form one line' '
	for i in 1 2 3 4; do
		(cd repo && git migrate prepare -m "run $i" >../out$i 2>../err$i; echo $? >../rc$i) &
	done &&
	wait &&
	test "$(cat rc1 rc2 rc3 rc4 | tr "\n" " ")" = "0 0 0 0 " &&
	test $(ls repo/migrations/versions/*.sql | wc -l) = 5 &&
	(cd repo && git migrate heads >../heads) &&
	test $(wc -l <heads) = 1 &&
	(cd repo && git migrate verify >../verify) &&
	test_grep "^verify: ok" verify &&
	test_no_scratch_left
'

test_expect_success 'each run chained onto the one before it' '
	for i in 1 2 3 4; do
		sed -n "s/^-- down_revision: *//p" "repo/$(cat out$i)" || return 1
	done | sort >parents &&
	test $(sort -u parents | wc -l) = 4
'

no_wait_fails() {
	(cd repo && test_expect_code 2 git migrate prepare --no-wait >../out 2>../err) &&
	test_grep "^fatal: another git-migrate run in this worktree holds .*/git-migrate/lock. (pid $holder_pid)$" err &&
	test_grep "hint: .*without --no-wait" err &&
	(cd repo && test_expect_code 2 git migrate rebase --no-wait 2>../err) &&
	test_grep "(pid $holder_pid)" err &&
	(cd repo && test_expect_code 2 git migrate verify --replay --no-wait 2>../err) &&
	test_grep "(pid $holder_pid)" err
}

test_expect_success '--no-wait while another run holds the lock: exit 2, names the pid' '
	with_lock_held repo no_wait_fails &&
	test $(ls repo/migrations/versions/*.sql | wc -l) = 5
'

# Start prepare while the lock is held: it must say so (once) and wait.
prepare_waits() {
	rm -f rc
	(cd repo && git migrate prepare -m waited >../out 2>../err; echo $? >../rc) &
	job=$!
	test_wait_until 10 grep -q "waiting for another" err 2>/dev/null
	sleep 0.3
	test_path_is_missing rc &&
	test $(ls repo/migrations/versions/*.sql | wc -l) = 5 &&
	echo $holder_pid >holder
}

test_expect_success 'a held lock: prepare says so once, waits, then goes on' '
	with_lock_held repo prepare_waits &&
	wait &&
	test "$(cat rc)" = 0 &&
	test $(grep -c "waiting for another git-migrate run in this worktree (pid $(cat holder))\.\.\.$" err) = 1 &&
	test_path_is_file "repo/$(cat out)" &&
	test $(ls repo/migrations/versions/*.sql | wc -l) = 6 &&
	(cd repo && git migrate heads >../heads) &&
	test $(wc -l <heads) = 1
'

rebase_in_linked() {
	(cd linked && git migrate rebase --no-wait 2>../err) &&
	test_grep "nothing to rebase" err
}

test_expect_success 'a linked worktree has a lock of its own' '
	(cd repo && git add -A && git commit -q -m revisions && git worktree add -q ../linked) &&
	with_lock_held repo rebase_in_linked
'

# What the runs wrote before the lock: several revisions on one parent. A merge revision
# has at most two parents, so verify never suggests one with more.
test_expect_success 'three heads: verify suggests merging two at a time, never three' '
	git init -q -b production heads3 &&
	(
		cd heads3 &&
		gm_write_config "[models/*.yml]" &&
		write_revision migrations/versions a1 "" "CREATE TABLE a (id integer);" &&
		git add -A && git commit -q -m a1 &&
		git switch -q -c work &&
		for x in b c d; do
			write_revision migrations/versions ${x}1 a1 "CREATE TABLE $x (id integer);" || exit 1
		done &&
		test_expect_code 1 git migrate verify >../out
	) &&
	test_grep "\[graph\] 3 heads: .b1., .c1., .d1. (.*merge two heads at a time, starting with .down_revision: b1, c1.)" out &&
	test_grep -v "down_revision: [a-z0-9]*, [a-z0-9]*, " out
'

contacts_models >v1.yml

test_expect_success 'rebase keeps the file mode and changes only the down_revision line' '
	with_columns v1.yml "name: text" >branch.yml &&
	with_columns v1.yml "phone: text" >production.yml &&
	with_columns v1.yml "name: text" "phone: text" >merged.yml &&
	prepare_fork moved v1.yml production.yml branch.yml merged.yml "add name" &&
	(
		cd moved &&
		rev=$(cat ../moved.local) &&
		chmod 640 "$rev" &&
		cp "$rev" ../before &&
		git migrate rebase >../path 2>../err &&
		test "$(cat ../path)" = "$rev" &&
		test "$(stat -c %a "$rev")" = 640 &&
		head=$(revision_id "$(cat ../moved.prod)") &&
		{ diff ../before "$rev" >../delta; test $? = 1; } &&
		test $(grep -c "^[<>]" ../delta) = 2 &&
		test_grep "^> -- down_revision: $head$" ../delta &&
		ls migrations/versions >../files &&
		test_grep -v "\.tmp$" ../files
	)
'

# A production revision that takes a few seconds to replay: time to edit the local
# revision while rebase checks it.
slow_sql=$(slow_sql 3 30000000)

test_expect_success 'setup: a local revision to rebase behind a slow production revision' '
	git init -q -b production edited &&
	(
		cd edited &&
		gm_write_config "[models/*.yml]" &&
		mkdir models && printf "tables: {}\n" >models/app.yml &&
		write_revision migrations/versions a1 "" "$slow_sql" "DROP TABLE slow;" &&
		git add -A && git commit -q -m a1 &&
		git switch -q -c work &&
		write_revision migrations/versions b1 a1 "CREATE TABLE w (id integer);" "DROP TABLE w;" &&
		git add -A && git commit -q -m b1 &&
		git switch -q production &&
		write_revision migrations/versions a2 a1 "CREATE TABLE p (id integer);" "DROP TABLE p;" &&
		git add -A && git commit -q -m a2 &&
		git switch -q work &&
		git merge -q --no-edit production
	)
'

test_expect_success 'rebase writes nothing when the file changed while it ran' '
	(cd edited && git migrate rebase >../out 2>../err; echo $? >../rc) &
	job=$!
	test_wait_until 10 some_scratch
	echo "-- edited by hand" >>edited/migrations/versions/b1_revision_b1.sql &&
	cp edited/migrations/versions/b1_revision_b1.sql expect &&
	wait $job &&
	test "$(cat rc)" = 2 &&
	test_grep "fatal: .*b1_revision_b1.sql. changed while rebasing, nothing written" err &&
	test_cmp expect edited/migrations/versions/b1_revision_b1.sql &&
	test_no_scratch_left
'

test_done
