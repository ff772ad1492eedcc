# lib.sh: a small test library in the manner of git's t/test-lib.sh, emitting TAP.
#
#   test_description='...'
#   . ./lib.sh
#   test_expect_success 'title' 'commands && more commands'
#   test_done
#
# Each script runs in its own trash directory (removed on success, kept on failure with
# GM_KEEP_TRASH=1). `git migrate` resolves to the freshly built binary: $GM_BUILD (set by
# `make test`, default ../../build) is put first on PATH. HOME and git identity are fixed.

TEST_DIR=$(cd "$(dirname "$0")" && pwd)
GM_BUILD=${GM_BUILD:-$TEST_DIR/../../build}
GM_BUILD=$(cd "$GM_BUILD" && pwd)
test -x "$GM_BUILD/git-migrate" || { echo "Bail out! $GM_BUILD/git-migrate not built"; exit 1; }
PATH="$GM_BUILD:$PATH"
SHARED_DIR=$(cd "$TEST_DIR/../../../shared" 2>/dev/null && pwd)
REALWORLD="$SHARED_DIR/realworld"
export PATH REALWORLD TEST_DIR
# The dialect the prepare tests run on: sqlite (default) or postgres (`make test` runs
# both; postgres needs GIT_MIGRATE_TEST_PG, e.g. under with-pg.sh). See lib-prepare.sh.
GM_TEST_DIALECT=${GM_TEST_DIALECT:-sqlite}
export GM_TEST_DIALECT

this_test=$(basename "$0" .sh)
TRASH_DIRECTORY="${TMPDIR:-/tmp}/gm-trash-$this_test-$$"
rm -rf "$TRASH_DIRECTORY"
mkdir -p "$TRASH_DIRECTORY" || exit 1
cd "$TRASH_DIRECTORY" || exit 1
# Scratch databases are created under TMPDIR: a private one per script lets a test
# assert that nothing was left behind.
TMPDIR="$TRASH_DIRECTORY/.tmp"
mkdir -p "$TMPDIR"
export TMPDIR

HOME="$TRASH_DIRECTORY"
GIT_AUTHOR_NAME='A U Thor'; GIT_AUTHOR_EMAIL='author@example.com'
GIT_COMMITTER_NAME='C O Mitter'; GIT_COMMITTER_EMAIL='committer@example.com'
GIT_CONFIG_NOSYSTEM=1
export HOME GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL GIT_CONFIG_NOSYSTEM
unset GIT_MIGRATE_DATABASE_URL DATABASE_URL NO_COLOR GIT_DIR GIT_WORK_TREE
git config --global init.defaultBranch main
git config --global advice.detachedHead false

test_count=0
test_failures=0
in_test_=

say() { echo "# $*"; }

# test_when_finished <command>: run the command (in the trash directory) when the current
# test ends, failed or not; a cleanup that fails fails the test. The body runs in a
# subshell, so the commands go through a file. Outside a test: when the script ends
# (test_done).
test_when_finished() {
	if test -n "$in_test_"; then
		printf '%s\n' "$*" >>"$TRASH_DIRECTORY/.cleanup"
	else
		printf '%s\n' "$*" >>"$TRASH_DIRECTORY/.cleanup-at-end"
	fi
}

test_run_() {
	rm -f "$TRASH_DIRECTORY/.cleanup"
	( in_test_=1 && eval "$1" ) >"$TRASH_DIRECTORY/.out" 2>&1
	eval_ret=$?
	if test -f "$TRASH_DIRECTORY/.cleanup"; then
		(cd "$TRASH_DIRECTORY" && . ./.cleanup) >>"$TRASH_DIRECTORY/.out" 2>&1 ||
			{ test $eval_ret != 0 || eval_ret=1; }
		rm -f "$TRASH_DIRECTORY/.cleanup"
	fi
	return $eval_ret
}

test_expect_success() {
	test_count=$((test_count + 1))
	if test_run_ "$2"; then
		echo "ok $test_count - $1"
	else
		test_failures=$((test_failures + 1))
		echo "not ok $test_count - $1"
		sed 's/^/#	/' <<-EOF_SRC
		$2
		EOF_SRC
		# on stderr, so that prove shows what failed also when it hides the comments
		sed "s/^/# $test_count > /" "$TRASH_DIRECTORY/.out" >&2
		# and its last lines into GM_FAIL_LOG, which `make test` prints after the
		# summary (a CI log shown by its tail keeps them)
		test -z "$GM_FAIL_LOG" || {
			echo "$this_test: not ok $test_count - $1"
			tail -n 12 "$TRASH_DIRECTORY/.out" | sed "s/^/    /"
		} >>"$GM_FAIL_LOG"
	fi
}

# test_expect_code <code> <command...>: run the command, which must exit with <code>.
test_expect_code() {
	want=$1; shift
	"$@"
	got=$?
	if test "$got" = "$want"; then return 0; fi
	echo "test_expect_code: command exited $got, expected $want: $*" >&2
	return 1
}

# test_must_fail <command...>: exits non-zero, but not by a signal or a sanitizer crash.
test_must_fail() {
	"$@"
	got=$?
	if test $got = 0; then echo "test_must_fail: command succeeded: $*" >&2; return 1; fi
	if test $got -gt 128; then echo "test_must_fail: died by signal ($got): $*" >&2; return 1; fi
	return 0
}

# test_skip <title> <reason>: a test that does not apply here, reported as a TAP skip.
test_skip() {
	test_count=$((test_count + 1))
	echo "ok $test_count # skip $1 ($2)"
}

# test_skip_all <reason>: the whole script does not apply here (call before any test).
test_skip_all() {
	echo "1..0 # SKIP $1"
	test -n "$GM_KEEP_TRASH" || { cd / && rm -rf "$TRASH_DIRECTORY"; }
	exit 0
}

test_cmp() {
	diff -u "$1" "$2" >&2
}

# test_wait_until <seconds> <command...>: run the command every 0.05 s until it succeeds,
# for at most <seconds>; its last status. For what another process does in its own time
# (a database appears, a lock is held, a message is printed): never a fixed sleep.
test_wait_until() {
	_wait_left=$(($1 * 20))
	shift
	until "$@"; do
		test $_wait_left -gt 0 || return 1
		sleep 0.05
		_wait_left=$((_wait_left - 1))
	done
}

# test_grep [-v] [grep options] <pattern> <file>: shows the file when it fails.
test_grep() {
	if test "$1" = "-v"; then
		shift
		if ! grep "$@"; then return 0; fi
		echo "test_grep: found unexpected '$*'" >&2
		return 1
	fi
	if grep "$@"; then return 0; fi
	eval "last=\${$#}"
	echo "test_grep: did not find '$*' in:" >&2
	cat "$last" >&2 2>/dev/null
	return 1
}

# test_must_be_empty <file>: shows the file when it is not empty.
test_must_be_empty() {
	if test -s "$1"; then echo "'$1' is not empty:" >&2; cat "$1" >&2; return 1; fi
}

test_path_is_file() { test -f "$1" || { echo "not a file: $1" >&2; return 1; }; }
test_path_is_missing() { ! test -e "$1" || { echo "exists: $1" >&2; return 1; }; }

# test_commit <message> [<file> [<content>]]: write, add and commit.
test_commit() {
	file=${2:-$1.t}
	mkdir -p "$(dirname "$file")"
	printf '%s\n' "${3:-$1}" >"$file"
	git add "$file" && git commit -q -m "$1"
}

# write_revision <dir> <id> <parent> <up sql> [<down sql>]: a revision file in our format.
write_revision() {
	mkdir -p "$1"
	{
		echo "-- git-migrate revision"
		echo "-- revision: $2"
		echo "-- down_revision: $3"
		echo "-- message: revision $2"
		echo
		echo "-- +migrate up"
		printf '%s\n' "$4"
		if test $# -ge 5; then
			echo
			echo "-- +migrate down"
			printf '%s\n' "$5"
		fi
	} >"$1/$2_revision_$2.sql"
}

# commit_revision <dir> <id> <parent> <up sql> [<down sql>]: write_revision, then add
# everything (`git add .`) and commit it with the id as the message.
commit_revision() {
	write_revision "$@" && git add . && git commit -q -m "$2"
}

# chain_repo <dir>: a new repository <dir> whose production branch holds the revisions
# a1 <- b2 <- c3 (in migrations/versions: a1 creates table t, with a down section; b2 and
# c3 add a column each), one commit each, and whose branch main, checked out, adds d4.
chain_repo() {
	git init -q "$1" && (
		cd "$1" &&
		commit_revision migrations/versions a1 "" "CREATE TABLE t (id integer);" \
			"DROP TABLE t;" &&
		commit_revision migrations/versions b2 a1 "ALTER TABLE t ADD COLUMN b text;" &&
		commit_revision migrations/versions c3 b2 "ALTER TABLE t ADD COLUMN c text;" &&
		git branch production &&
		commit_revision migrations/versions d4 c3 "ALTER TABLE t ADD COLUMN d text;"
	)
}

# section <file> up|down: the SQL of one section of a revision file.
section() {
	awk -v want="$2" '
		/^-- \+migrate up[ \t]*$/   { cur = "up"; next }
		/^-- \+migrate down[ \t]*$/ { cur = "down"; next }
		cur == want { print }
	' "$1"
}

# replay_repo <dir>: a new repository <dir> whose production branch holds revision a1
# (CREATE TABLE contacts, with a down section) and the models of contacts (id, email) in
# models/app.yml; a new branch work is checked out.
replay_repo() {
	git init -q -b production "$1" && (
		cd "$1" &&
		printf "models: [models/*.yml]\n" >.gitmigrate.yml &&
		write_revision migrations/versions a1 "" \
			"CREATE TABLE contacts (id integer NOT NULL PRIMARY KEY);" "DROP TABLE contacts;" &&
		mkdir models &&
		printf "tables:\n  contacts:\n    columns:\n      id: {type: integer, primary_key: true}\n      email: text\n" >models/app.yml &&
		git add -A && git commit -q -m a1 &&
		git switch -q -c work
	)
}

# No scratch database may survive a run: SQLite scratch files live in $TMPDIR.
scratch_leftovers() {
	ls "$TMPDIR" | grep '^gm_scratch_' || true
}
test_no_scratch_left() {
	left=$(scratch_leftovers)
	test -z "$left" || { echo "scratch left behind: $left" >&2; return 1; }
}

test_done() {
	echo "1..$test_count"
	if test -f "$TRASH_DIRECTORY/.cleanup-at-end"; then
		(cd "$TRASH_DIRECTORY" && . ./.cleanup-at-end) >/dev/null 2>&1
	fi
	if test "$test_failures" = 0; then
		test -n "$GM_KEEP_TRASH" || { cd / && rm -rf "$TRASH_DIRECTORY"; }
		exit 0
	fi
	echo "# failed $test_failures of $test_count (trash: $TRASH_DIRECTORY)"
	exit 1
}
