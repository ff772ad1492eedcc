#!/bin/sh
# run.sh <build-dir>: `make bench` (DESIGN.md §7). Measures; asserts nothing.
#
# For each size (small: 50 revisions / 10 tables / 5k rows; large: 500 / 100 / 100k;
# huge, only when BENCH_SIZES names it: 2,000 / 300 / 1M) and
# each dialect (SQLite always; PostgreSQL when a server is available), generate a workload
# (gen.py), time `git-migrate -v prepare` on it cold (--no-cache), filling the snapshot
# cache and warm (a cache hit), cold and warm again on a change that rebuilds no table
# (the branch work-small), and the floor on the same workload (the
# database's own client running all revisions' up sections, plus a bulk load of the
# fixtures), print each phase with the ratio to the floor; then time `verify` (no replay)
# on a 2,000-revision chain. The figures also go to <build-dir>/bench.json.
#
# PostgreSQL: the server named by GIT_MIGRATE_TEST_PG, else a throwaway one started here
# (tests/cli/lib-pg.sh) and removed afterwards; without either, PostgreSQL is skipped.
#
# Environment: BENCH_SIZES (default "small,large"), BENCH_DIALECTS ("sqlite,postgres"),
# BENCH_SEED (1), BENCH_REPEAT (runs per case; default small 3, large 1), BENCH_KEEP=1
# (keep the workloads), BENCH_WORK (generate them there), BENCH_JSON (another JSON path).
test $# -eq 1 || { echo "usage: tests/bench/run.sh <build-dir>" >&2; exit 2; }
BUILD=$(cd "$1" 2>/dev/null && pwd) || { echo "fatal: no build directory '$1'" >&2; exit 2; }
test -x "$BUILD/git-migrate" || { echo "fatal: $BUILD/git-migrate is not built" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
command -v python3 >/dev/null 2>&1 || { echo "fatal: python3 is missing (make deps)" >&2; exit 2; }

DIALECTS=${BENCH_DIALECTS:-sqlite,postgres}
case ",$DIALECTS," in
*,postgres,*)
	. "$HERE/../cli/lib-pg.sh"
	trap 'pg_stop' EXIT
	trap 'pg_stop; trap - EXIT; exit 130' INT
	trap 'pg_stop; trap - EXIT; exit 143' TERM
	if test -z "$GIT_MIGRATE_TEST_PG"; then
		echo "starting a throwaway PostgreSQL server (tests/cli/lib-pg.sh)..."
		pg_start || echo "warning: no PostgreSQL server: the bench runs on SQLite only" >&2
	fi
	;;
esac

set -- --build "$BUILD" --sizes "${BENCH_SIZES:-small,large}" --dialects "$DIALECTS" \
	--seed "${BENCH_SEED:-1}"
test -z "$BENCH_REPEAT" || set -- "$@" --repeat "$BENCH_REPEAT"
test -z "$BENCH_KEEP" || set -- "$@" --keep
test -z "$BENCH_WORK" || set -- "$@" --work "$BENCH_WORK"
test -z "$BENCH_JSON" || set -- "$@" --json "$BENCH_JSON"
# Unrelated configuration of the caller must not leak into the runs.
unset GIT_MIGRATE_DATABASE_URL DATABASE_URL GIT_DIR GIT_WORK_TREE
python3 "$HERE/bench.py" "$@"
rc=$?
if command -v pg_stop >/dev/null 2>&1; then
	pg_stop
	trap - EXIT
fi
exit $rc
