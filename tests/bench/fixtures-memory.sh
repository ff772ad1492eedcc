#!/bin/sh
# fixtures-memory.sh [BUILD_DIR] [ROWS...]: peak memory (max RSS) of loading generated
# fixtures (a CSV and a YAML file of ROWS rows each; default 100000 1000000) into a SQLite
# file, read from the worktree and from git (a loose object: libgit2's streaming read;
# packed after `git gc`: `git cat-file` through a pipe). A small driver (fixtures_rss.c,
# the same core call as `git migrate loaddata`) reports our process and its children
# (git cat-file; an upper bound: a child starts from our own peak) separately. Prints a table; asserts nothing (times vary).
set -e
BUILD=$(cd "${1:-build}" && pwd); shift 2>/dev/null || true
ROWS=${*:-100000 1000000}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
test -f "$BUILD/libgitmigrate.a" || { echo "fixtures-memory: $BUILD/libgitmigrate.a not built" >&2; exit 2; }
W=$(mktemp -d "${TMPDIR:-/tmp}/gm-fixmem.XXXXXX")
trap 'rm -rf "$W"' EXIT
PKGS="libgit2 libpq sqlite3 yaml-0.1"
DRIVER="$W/fixtures_rss"
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -I"$SRC/include" $(pkg-config --cflags $PKGS) \
	-o "$DRIVER" "$SRC/tests/bench/fixtures_rss.c" "$BUILD/libgitmigrate.a" \
	$(pkg-config --libs $PKGS)
export GIT_CONFIG_NOSYSTEM=1 HOME="$W" GIT_AUTHOR_NAME=a GIT_AUTHOR_EMAIL=a@x \
	GIT_COMMITTER_NAME=c GIT_COMMITTER_EMAIL=c@x
unset GIT_MIGRATE_DATABASE_URL DATABASE_URL

schema='CREATE TABLE contacts (id integer PRIMARY KEY, email text NOT NULL, name text);
CREATE TABLE deals (id integer PRIMARY KEY, title text NOT NULL, amount numeric,
  contact_id integer REFERENCES contacts (id));'

# "self_kB children_kB rows seconds" of one load on a fresh database
measure() {
	rm -f app.db && sqlite3 app.db "$schema"
	start=$(date +%s%N)
	out=$("$DRIVER" . data "$@")
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	echo "$out $((ms / 1000)).$(printf %03d $((ms % 1000)))"
}

printf '%-9s %-12s %10s %14s %9s %8s\n' rows source self_kB git_child_kB rows seconds
for n in $ROWS; do
	R="$W/r$n"
	git init -q "$R" && cd "$R"
	mkdir -p data
	awk -v n="$n" 'BEGIN { print "id,email,name"; print "0,\"root, \"\"the\"\" one\",";
		for (i = 1; i < n; i++) printf "%d,user%d@example.com,\"Name %d\"\n", i, i, i }' \
		>data/contacts.csv
	awk -v n="$n" 'BEGIN { print "deals:";
		for (i = 1; i <= n; i++) printf "  - {id: %d, title: \"deal %d\", amount: %d.50, contact_id: %d}\n", i, i, i, i % 1000 }' \
		>data/deals.yml
	git add data && git commit -q -m data
	for src in worktree git-loose git-packed; do
		case $src in
		worktree) set -- ;;
		git-loose) set -- HEAD ;;
		git-packed) git gc -q; set -- HEAD ;;
		esac
		set -- $(measure "$@")
		printf '%-9s %-12s %10s %14s %9s %8s\n' "$n" "$src" "$1" "$2" "$3" "$4"
	done
	echo "# $n rows: data/ is $(du -k data | cut -f1) kB"
	cd "$W" && rm -rf "$R"
done
