# lib-pg.sh: a throwaway PostgreSQL server for tests (DESIGN.md §6). Source it, then:
#
#   pg_start    start a server (initdb in a temporary directory, a free loopback port,
#               trust auth, run as the `postgres` OS user when we are root) and export
#               GIT_MIGRATE_TEST_PG=postgresql://postgres@127.0.0.1:<port>/postgres.
#               When GIT_MIGRATE_TEST_PG is already set, that server is used: nothing starts.
#   pg_stop     stop the server pg_start started and remove its directory (idempotent).
#   pg_psql     psql on $GIT_MIGRATE_TEST_PG (-X -q -v ON_ERROR_STOP=1), extra args passed.
#   pg_scratch_leftovers
#               the gm_scratch_* databases on the server (none may survive a run).
#
# PG_BIN may name the directory of initdb/pg_ctl; else PostgreSQL 15's, else PATH's.
# GM_PG_OPTS: more server settings for pg_start ("-c name=value ..."), e.g. a test's own
# server with autovacuum_naptime=1 (t0604).
# GM_PG_REGISTRY (with-pg.sh sets it): a directory where pg_start notes each server it
# started, a file per server, and pg_stop removes the note: what is left there when the
# suite ends is a server that a test left running.

# Sourced again (lib-prepare.sh sources this file after t0604 started its own server), it
# keeps what pg_start set, so that pg_stop still stops that server.
GM_PG_DIR=${GM_PG_DIR-}
GM_PG_STARTED=${GM_PG_STARTED-}

gm_pg_bin() {
	if test -n "$PG_BIN"; then
		echo "$PG_BIN"
	elif test -x /usr/lib/postgresql/15/bin/pg_ctl; then
		echo /usr/lib/postgresql/15/bin
	elif command -v pg_config >/dev/null 2>&1 && test -x "$(pg_config --bindir)/pg_ctl"; then
		pg_config --bindir
	else
		dirname "$(command -v pg_ctl)"
	fi
}

# Run a command as the owner of the cluster: `postgres` when we are root.
gm_pg_as_owner() {
	if test "$(id -u)" = 0; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

gm_pg_random_port() {
	n=$(od -An -N2 -tu2 /dev/urandom 2>/dev/null | tr -d ' ')
	test -n "$n" || n=$$
	echo $((20000 + n % 40000))
}

pg_start() {
	test -z "$GIT_MIGRATE_TEST_PG" || return 0
	bin=$(gm_pg_bin)
	test -x "$bin/initdb" || { echo "lib-pg: initdb not found (set PG_BIN)" >&2; return 1; }

	GM_PG_DIR=$(mktemp -d "${GM_PG_TMP:-/tmp}/gm-pg.XXXXXX") || return 1
	if test "$(id -u)" = 0; then
		chown postgres "$GM_PG_DIR" || return 1
	fi
	gm_pg_as_owner "$bin/initdb" -D "$GM_PG_DIR/data" -U postgres -A trust -E UTF8 \
		--locale=C --no-sync >"$GM_PG_DIR/initdb.log" 2>&1 || {
		echo "lib-pg: initdb failed:" >&2
		cat "$GM_PG_DIR/initdb.log" >&2
		pg_stop
		return 1
	}

	# A free loopback port: pick one, and pick again if the server cannot bind it.
	tries=0
	while test $tries -lt 20; do
		tries=$((tries + 1))
		port=$(gm_pg_random_port)
		if gm_pg_as_owner "$bin/pg_ctl" -D "$GM_PG_DIR/data" -w -t 30 \
			-l "$GM_PG_DIR/server.log" \
			-o "-c listen_addresses=127.0.0.1 -p $port -k $GM_PG_DIR -c fsync=off -c full_page_writes=off -c synchronous_commit=off $GM_PG_OPTS" \
			start >/dev/null 2>&1; then
			GM_PG_STARTED=1
			GIT_MIGRATE_TEST_PG="postgresql://postgres@127.0.0.1:$port/postgres"
			export GIT_MIGRATE_TEST_PG
			test -z "$GM_PG_REGISTRY" ||
				echo "$GM_PG_DIR" >"$GM_PG_REGISTRY/${GM_PG_DIR##*/}"
			return 0
		fi
		grep -q 'could not bind\|could not create listen socket\|already in use' \
			"$GM_PG_DIR/server.log" 2>/dev/null || break
		: >"$GM_PG_DIR/server.log"
	done
	echo "lib-pg: the server did not start:" >&2
	cat "$GM_PG_DIR/server.log" >&2 2>/dev/null
	pg_stop
	return 1
}

pg_stop() {
	if test -n "$GM_PG_STARTED"; then
		gm_pg_as_owner "$(gm_pg_bin)/pg_ctl" -D "$GM_PG_DIR/data" -m immediate -w \
			stop >/dev/null 2>&1
		GM_PG_STARTED=
		unset GIT_MIGRATE_TEST_PG
	fi
	if test -n "$GM_PG_DIR"; then
		rm -rf "$GM_PG_DIR"
		test -z "$GM_PG_REGISTRY" || rm -f "$GM_PG_REGISTRY/${GM_PG_DIR##*/}"
		GM_PG_DIR=
	fi
	return 0
}

pg_psql() {
	psql -X -q -v ON_ERROR_STOP=1 "$GIT_MIGRATE_TEST_PG" "$@"
}

pg_scratch_leftovers() {
	pg_psql -At -c "SELECT datname FROM pg_database WHERE datname LIKE 'gm\_scratch\_%' ORDER BY 1"
}
