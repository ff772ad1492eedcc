#!/bin/sh
test_description='prepare killed with SIGKILL: the next run removes what it left'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"

contacts_models >v1.yml
with_columns v1.yml "name: text" >v2.yml

# Revisions a finished run wrote (untracked *.sql): removed, so every run has the same work.
drop_written() {
	(cd repo && git ls-files --others --exclude-standard migrations | grep '\.sql$' |
		xargs -r rm -f)
}

# A process id that is no longer running.
dead_pid() {
	sh -c : &
	pid=$!
	wait $pid
	echo $pid
}

# Wait until no session is connected to a scratch database (a backend notices that its
# client was killed within about a second), for at most 10 s. SQLite: nothing to wait for.
no_scratch_session() {
	test "$(pg_psql -At -c "SELECT count(*) FROM pg_stat_activity WHERE datname LIKE 'gm\\_scratch\\_%' AND usename = '$GM_PG_ROLE'")" = 0
}
scratch_sessions_gone() {
	test_if_postgres || return 0
	test_wait_until 10 no_scratch_session ||
		{ echo "sessions on scratch databases are still open" >&2; return 1; }
}

test_expect_success 'setup: a worktree with a change to prepare' '
	prepare_case_setup repo v1.yml &&
	cp v2.yml repo/models/app.yml
'

# git-migrate itself, not `git migrate`: git would run it as a child, out of reach of
# the kill.
test_expect_success 'twenty runs killed with SIGKILL at a random point' '
	i=0 &&
	while test $i -lt 20; do
		(cd repo && exec git-migrate prepare >/dev/null 2>&1) &
		pid=$!
		ms=$(( $(od -An -N2 -tu2 /dev/urandom) % 301 ))
		sleep $(printf "0.%03d" $ms)
		kill -9 $pid 2>/dev/null
		wait $pid
		drop_written || exit 1
		i=$((i + 1))
	done
'

# A models command that says when it starts (the replayed scratch database exists by then)
# and then takes its time: the run is killed while its scratch database exists, for sure.
# The run is waited for, not timed: on a loaded machine (CI runs two test scripts at once,
# under ASan too) getting there can take a long while; up to 120 s.
test_expect_success 'one more, killed while its scratch database exists' '
	drop_written &&
	sed "s|^models:.*|models: [{command: \"echo \$\$ >$TRASH_DIRECTORY/started; exec sleep 60\"}]|" \
		repo/.gitmigrate.yml >slow.yml &&
	left=$(scratch_leftovers) &&
	(cd repo && exec git-migrate --config "$TRASH_DIRECTORY/slow.yml" prepare >/dev/null 2>../slow.err) &
	pid=$!
	test_wait_until 120 test -s started
	scratch_leftovers | grep -vxF -e "$left" >new-scratch
	if ! test -s new-scratch; then
		# kept in the trash directory (a failed script keeps it) and shown
		{
			echo "no new scratch database; the run said:"
			cat slow.err
			! test_if_postgres || pg_psql -c "SELECT pid, datname, state, wait_event, now() - query_start AS age, left(query, 40) FROM pg_stat_activity"
		} >diagnosis 2>&1
		cat diagnosis >&2
	fi
	kill -9 $pid
	wait $pid
	! test -s started || kill "$(cat started)" 2>/dev/null
	drop_written &&
	# it existed when the run was killed (a concurrent test script running with a
	# superuser scratch role may already have dropped it since: it is stale)
	test -s new-scratch
'

test_expect_success 'and a temporary revision file of a killed run of this host' '
	host=$(sed -n "s/^gm_scratch_\([0-9a-f]\{8\}\)_.*/\1/p" new-scratch | head -n 1) &&
	test -n "$host" &&
	echo "-- half written" >"repo/migrations/versions/0123456789ab_half.sql.${host}_$(dead_pid).tmp"
'

test_expect_success 'the next run succeeds and leaves no scratch and no .tmp behind' '
	scratch_sessions_gone &&
	(cd repo && git migrate prepare >../out 2>../err) &&
	test_path_is_file "repo/$(cat out)" &&
	test_no_scratch_left &&
	ls repo/migrations/versions >files &&
	test_grep -v "\.tmp$" files &&
	(cd repo && git migrate verify)
'

# Another host's leftovers (a TMPDIR or a server shared between machines): its processes
# cannot be checked from here, so only a day-old one is removed.
test_expect_success 'leftovers of another host: kept, unless a day old' '
	drop_written &&
	now=$(date +%s) && old=$((now - 2 * 86400)) &&
	if test_if_postgres; then
		pg_role_psql postgres -c "CREATE DATABASE gm_scratch_00000000_4242_${now}_0000abcd" \
			-c "CREATE DATABASE gm_scratch_00000001_4242_${old}_0000abcd" &&
		(cd repo && git migrate prepare --dry-run >/dev/null 2>&1) &&
		test "$(scratch_leftovers)" = "gm_scratch_00000000_4242_${now}_0000abcd" &&
		pg_role_psql postgres -c "DROP DATABASE gm_scratch_00000000_4242_${now}_0000abcd"
	else
		: >"$TMPDIR/gm_scratch_00000000_4242_Ab12Cd.db" &&
		: >"$TMPDIR/gm_scratch_00000001_4242_Ab12Cd.db" &&
		: >"$TMPDIR/gm_scratch_00000001_4242_Ab12Cd.db-journal" &&
		touch -d "@$old" "$TMPDIR/gm_scratch_00000001_4242_Ab12Cd.db" \
			"$TMPDIR/gm_scratch_00000001_4242_Ab12Cd.db-journal" &&
		(cd repo && git migrate prepare --dry-run >/dev/null 2>&1) &&
		test "$(scratch_leftovers)" = "gm_scratch_00000000_4242_Ab12Cd.db" &&
		rm "$TMPDIR/gm_scratch_00000000_4242_Ab12Cd.db"
	fi &&
	test_no_scratch_left
'

test_done
