#!/bin/sh
# with-pg.sh <command...>: run a command against a throwaway PostgreSQL server.
#
# Starts a server (lib-pg.sh: initdb in a temporary directory on a free loopback port),
# exports GIT_MIGRATE_TEST_PG=postgresql://postgres@127.0.0.1:<port>/postgres, runs the
# command, stops and removes the server (also on errors and signals), and exits with the
# command's status. With GIT_MIGRATE_TEST_PG already set, that server is used as is.
#
#   tests/cli/with-pg.sh ./build/tests/unit/test_postgres_inspect
#   cd tests/cli && ./with-pg.sh prove t[0-9]*.sh

test $# -gt 0 || { echo "usage: with-pg.sh <command> [<args>...]" >&2; exit 2; }
. "$(cd "$(dirname "$0")" && pwd)/lib-pg.sh"

trap 'pg_stop' EXIT
trap 'pg_stop; trap - EXIT; exit 130' INT
trap 'pg_stop; trap - EXIT; exit 143' TERM
pg_start || exit 2
"$@"
rc=$?
pg_stop
trap - EXIT
exit $rc
