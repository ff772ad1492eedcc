#!/bin/sh
# with-pg.sh <command...>: run a command against a throwaway PostgreSQL server.
#
# Starts a server (lib-pg.sh: initdb in a temporary directory on a free loopback port),
# exports GIT_MIGRATE_TEST_PG=postgresql://postgres@127.0.0.1:<port>/postgres, runs the
# command, stops and removes the server (also on errors and signals), and exits with the
# command's status; 1 when the command passed but one of its tests left a server of its own
# running (lib-pg.sh's GM_PG_REGISTRY), which is then stopped. With GIT_MIGRATE_TEST_PG
# already set, that server is used as is.
#
#   tests/cli/with-pg.sh ./build/tests/unit/test_postgres_inspect
#   cd tests/cli && ./with-pg.sh prove t[0-9]*.sh

test $# -gt 0 || { echo "usage: with-pg.sh <command> [<args>...]" >&2; exit 2; }
. "$(cd "$(dirname "$0")" && pwd)/lib-pg.sh"

# Every server a test starts with pg_start is noted there until its pg_stop (lib-pg.sh).
GM_PG_REGISTRY=$(mktemp -d "${TMPDIR:-/tmp}/gm-pg-registry.XXXXXX") || exit 2
export GM_PG_REGISTRY

# The servers the command's tests left running: each is stopped and removed, and named.
# Prints nothing and returns 0 when there is none.
stop_left() {
	left=0
	for note in "$GM_PG_REGISTRY"/*; do
		test -f "$note" || continue
		GM_PG_DIR=$(cat "$note")
		echo "with-pg.sh: a test left its PostgreSQL server running ($GM_PG_DIR): stopped now" >&2
		GM_PG_STARTED=1
		pg_stop # stops it, removes its directory and its note
		left=1
	done
	return $left
}

cleanup() {
	pg_stop
	stop_left
	rm -rf "$GM_PG_REGISTRY"
}

trap 'cleanup' EXIT
trap 'cleanup; trap - EXIT; exit 130' INT
trap 'cleanup; trap - EXIT; exit 143' TERM
pg_start || exit 2
"$@"
rc=$?
pg_stop
stop_left || { test $rc -ne 0 || rc=1; }
rm -rf "$GM_PG_REGISTRY"
trap - EXIT
exit $rc
