# lib-prepare.sh: helpers for prepare tests (source after lib.sh). Dialect-aware: with
# GM_TEST_DIALECT=postgres (and GIT_MIGRATE_TEST_PG naming a server, see with-pg.sh)
# every case runs against PostgreSQL, else against SQLite.
#
#   prepare_case_setup <dir> <before.yml>   a repository whose production branch holds the
#                                           models and their base revision (written by
#                                           `git migrate prepare` itself), on branch work
#   prepare_case <dir> <before> <after> <rows.sql> [<check.sql>]
#                                           the full round trip of one change (below)
#   upgrade_case <dir> <before> <after> <base-rows.sql> <new-rows.sql> [<query>]
#                                           the same with `git migrate upgrade/downgrade`
#                                           (PostgreSQL; below)
#   prepare_fork <dir> <base> <production> <branch> <merged> [<message>]
#                                           production and work each write a revision,
#                                           then work merges production (below)
#   prepare_sections                        (cwd: a repository) `git migrate prepare`, its
#                                           output in path and err, the revision's sections
#                                           in up.sql and down.sql, $rev its path
#   gm_write_config <models>                .gitmigrate.yml in the current directory, with
#                                           `scratch:`/`database:` for the dialect
#   contacts_models                         the models of one table, contacts (id, email)
#   with_columns <models> <column>...       those models with columns added after email
#   revision_id <file>                      the id in a revision file's header
#   base_id                                 the id of the base revision (cwd: a repository)
#   slow_sql <seconds> <rows>               a statement that takes long (creates `slow`)
#   prepare_until_scratch <dir>             prepare in the background, once it has begun
#   section <file> up|down (lib.sh)         the SQL of one section of a revision file
#   test_if_sqlite / test_if_postgres       true on that dialect
#
# The case database (cwd = a case directory; SQLite: ./db.sqlite, PostgreSQL: a database
# per case directory, owned by this script's role):
#   db_create, db_apply <rev> up|down, db_run_file <file>, db_sql <sql>, db_schema,
#   db_count_rows;  from outside a case: db_query <dir> <sql>
#
# On PostgreSQL each script works as its own role (LOGIN CREATEDB, a password), so that
# scripts running in parallel on one server see only their own scratch databases; the role
# and its databases are dropped when the script exits.

# A path made absolute (the helpers cd into the case's repository).
abspath() {
	case "$1" in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac
}

test_if_sqlite() { test "$GM_TEST_DIALECT" = sqlite; }
test_if_postgres() { test "$GM_TEST_DIALECT" = postgres; }

case "$GM_TEST_DIALECT" in
sqlite) ;;
postgres)
	. "$TEST_DIR/lib-pg.sh"
	test -n "$GIT_MIGRATE_TEST_PG" || {
		echo "Bail out! GM_TEST_DIALECT=postgres needs GIT_MIGRATE_TEST_PG (run under tests/cli/with-pg.sh)"
		exit 1
	}
	case "$GIT_MIGRATE_TEST_PG" in
	postgres://* | postgresql://*) ;;
	*)
		echo "Bail out! GIT_MIGRATE_TEST_PG must be a postgresql:// URL for the CLI tests"
		exit 1
		;;
	esac
	PG_BINDIR=$(gm_pg_bin)
	GM_PG_ROLE="gmt_$(echo "$this_test" | cut -d- -f1)_$$"
	GM_PG_PASSWORD="pw-$GM_PG_ROLE-secret"
	# the test server's URL as this script's role: postgresql://role:pw@host:port/<db>
	# (kept as the part before the database name and the query after it)
	GM_PG_URL_HOST=$(printf '%s\n' "$GIT_MIGRATE_TEST_PG" |
		sed -E "s#^(postgres(ql)?://)([^@/?]*@)?([^/?]*).*#\\1$GM_PG_ROLE:$GM_PG_PASSWORD@\\4#")
	case "$GIT_MIGRATE_TEST_PG" in
	*\?*) GM_PG_URL_QUERY="?${GIT_MIGRATE_TEST_PG#*\?}" ;;
	*) GM_PG_URL_QUERY= ;;
	esac
	export GM_PG_ROLE GM_PG_PASSWORD GM_PG_URL_HOST GM_PG_URL_QUERY PG_BINDIR

	gm_pg_cleanup() {
		for d in $(pg_psql -At -c "SELECT datname FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE r.rolname = '$GM_PG_ROLE'" 2>/dev/null); do
			pg_psql -c "DROP DATABASE IF EXISTS \"$d\" WITH (FORCE)" >/dev/null 2>&1
		done
		# this role, and roles a test made in its name (${GM_PG_ROLE}_*)
		for r in $(pg_psql -At -c "SELECT rolname FROM pg_roles WHERE rolname LIKE '$GM_PG_ROLE\_%'" 2>/dev/null) $GM_PG_ROLE; do
			pg_psql -c "DROP ROLE IF EXISTS \"$r\"" >/dev/null 2>&1
		done
	}
	trap gm_pg_cleanup EXIT
	pg_psql -c "CREATE ROLE $GM_PG_ROLE LOGIN CREATEDB PASSWORD '$GM_PG_PASSWORD'" >/dev/null || {
		echo "Bail out! cannot create the test role on $GIT_MIGRATE_TEST_PG"
		exit 1
	}

	# scratch_leftovers (lib.sh) on PostgreSQL: this role's gm_scratch_* databases.
	scratch_leftovers() {
		pg_psql -At -c "SELECT datname FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE r.rolname = '$GM_PG_ROLE' AND datname LIKE 'gm\\_scratch\\_%' ORDER BY 1"
	}
	;;
*)
	echo "Bail out! unknown GM_TEST_DIALECT '$GM_TEST_DIALECT' (sqlite or postgres)"
	exit 1
	;;
esac

# pg_url <db>: this script's role's URL for database <db>.
pg_url() {
	echo "$GM_PG_URL_HOST/$1$GM_PG_URL_QUERY"
}

# psql as this script's role on database <db> (default: postgres), quiet, stopping on errors.
pg_role_psql() {
	db=$1; shift
	PGOPTIONS='-c client_min_messages=warning' "$PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 "$(pg_url "${db:-postgres}")" "$@"
}

# The PostgreSQL database of the case directory we are in.
case_db() {
	case "${PWD##*/}" in
	*[!a-z0-9_]*) echo "${GM_PG_ROLE}_$(echo "${PWD##*/}" | tr -c 'a-zA-Z0-9_\n' '_' | tr 'A-Z' 'a-z')" ;;
	*) echo "${GM_PG_ROLE}_${PWD##*/}" ;;
	esac
}

# .gitmigrate.yml in the current directory: models: <models>, plus the dialect's servers.
gm_write_config() {
	printf 'models: %s\n' "$1" >.gitmigrate.yml
	if test_if_postgres; then
		printf "scratch: '%s'\ndatabase: '%s'\n" "$(pg_url postgres)" "$(pg_url "$(case_db)")" \
			>>.gitmigrate.yml
	fi
}

# models_file <file>: where a case keeps its models: models/app.sql for a SQL model
# (<file> ends in .sql), else models/app.yml.
models_file() {
	case "$1" in *.sql) echo models/app.sql ;; *) echo models/app.yml ;; esac
}

prepare_case_setup() {
	set -- "$1" "$(abspath "$2")"
	mkdir "$1" && (
		cd "$1" &&
		git init -q -b production &&
		gm_write_config "[$(dirname "$(models_file "$2")")/*.${2##*.}]" &&
		mkdir models && cp "$2" "$(models_file "$2")" &&
		git add -A && git commit -q -m models &&
		git migrate -q prepare -m base >/dev/null &&
		git add -A && git commit -q -m "base revision" &&
		git switch -q -c work
	)
}

# prepare_fork <dir> <base.yml> <production.yml> <branch.yml> <merged.yml> [<message>]:
# prepare_case_setup <dir> <base.yml>; then on work the models become <branch.yml> and
# `prepare -m <message>` (default: "branch change") writes a revision, committed (its path
# in <dir>.local, beside <dir>); production's models become <production.yml> and
# `prepare -m "production change"` writes one (its path in <dir>.prod); work merges
# production, where the models conflict taking <merged.yml>. work is checked out.
prepare_fork() {
	set -- "$(abspath "$1")" "$(abspath "$2")" "$(abspath "$3")" "$(abspath "$4")" \
		"$(abspath "$5")" "${6:-branch change}"
	prepare_case_setup "$1" "$2" &&
	(
		cd "$1" &&
		cp "$4" models/app.yml &&
		git migrate -q prepare -m "$6" >"$1.local" &&
		git add -A && git commit -q -m "$6" &&
		git switch -q production &&
		cp "$3" models/app.yml &&
		git migrate -q prepare -m "production change" >"$1.prod" &&
		git add -A && git commit -q -m "production change" &&
		git switch -q work &&
		{ git merge -q --no-edit production >/dev/null 2>&1 ||
		  { cp "$5" models/app.yml && git add models/app.yml &&
		    git commit -q --no-edit; }; }
	)
}

# The models of one table, contacts (id, email), on stdout: where many prepare tests start.
contacts_models() {
	cat <<'YAML'
tables:
  contacts:
    columns:
      id:    {type: integer, primary_key: true}
      email: {type: varchar(200), null: false}
YAML
}

# with_columns <models.yml> <column>...: the models with the columns (e.g. "name: text")
# added after the `email` column, on stdout.
with_columns() {
	models=$1; shift
	cols=$(printf '\\n      %s' "$@")
	sed "s/^      email:.*/&$cols/" "$models"
}

# revision_id <file>: the revision id in a revision file's header.
revision_id() {
	sed -n "s/^-- revision: //p" "$1"
}

# base_id: the id of the repository's base revision (migrations/versions/*_base.sql), from
# its file name.
base_id() { ls migrations/versions/*_base.sql | sed "s#.*/##; s#_.*##"; }

# slow_sql <seconds> <rows>: a statement that takes long to run and creates table `slow`:
# PostgreSQL sleeps <seconds>, SQLite counts to <rows>.
slow_sql() {
	if test_if_postgres; then
		echo "CREATE TABLE slow AS SELECT 1 AS n FROM pg_sleep($1);"
	else
		printf '%s\n' "CREATE TABLE slow AS" \
			"  WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < $2)" \
			"  SELECT count(*) AS n FROM c;"
	fi
}

# prepare_until_scratch <dir>: start `git migrate prepare` in <dir> in the background (its
# stdout in out, its stderr in err, beside <dir>) and return once its scratch database
# exists; $pid is the process. A non-interactive shell starts background jobs with SIGINT
# ignored (and git-migrate, like git, keeps an ignored signal ignored): it is reset, as a
# terminal would deliver Ctrl-C to a foreground command.
prepare_until_scratch() {
	(cd "$1" && exec perl -e '$SIG{INT} = "DEFAULT"; exec @ARGV' git-migrate prepare >../out 2>../err) &
	pid=$!
	# (said in a file too: the trash directory a failure leaves keeps it)
	test_wait_until 10 some_scratch || {
		echo "no scratch database appeared" | tee until_scratch.err >&2
		return 1
	}
}

# some_scratch: a scratch database exists (scratch_leftovers lists one).
some_scratch() { test -n "$(scratch_leftovers)"; }

# Apply a section to a SQLite file with the sqlite3 shell (as a user would).
apply_section() {
	section "$1" "$2" >"section.$2.sql" &&
	sqlite3 -bail "$3" <"section.$2.sql"
}

# Apply a section to PostgreSQL database <db> with psql, as a user would: each part
# between `-- +migrate commit` lines in its own `psql -1` (no -1 for a revision whose
# header says `-- transaction: false`); a part of only blank lines and comments is skipped.
pg_apply_section() {
	rm -f section."$2".part.* &&
	single=$(awk -v want="$2" -v base="section.$2.part." '
		function flush() {
			if (body) { n++; printf "%s", buf > (base n); close(base n) }
			buf = ""; body = 0
		}
		!cur && /^-- transaction: *false/ { notx = 1 }
		/^-- \+migrate up[ \t]*$/   { cur = "up"; next }
		/^-- \+migrate down[ \t]*$/ { cur = "down"; next }
		cur != want { next }
		/^-- \+migrate commit[ \t]*$/ { flush(); next }
		{ buf = buf $0 "\n"; if ($0 !~ /^[ \t]*(--.*)?$/) body = 1 }
		END { flush(); print notx ? "" : "-1" }
	' "$1") || return 1
	n=1
	while test -f "section.$2.part.$n"; do
		pg_role_psql "$3" $single -f "section.$2.part.$n" || return 1
		n=$((n + 1))
	done
}

# ---- the case database (cwd = the case directory) ----

db_create() {
	if test_if_postgres; then
		pg_role_psql postgres -c "DROP DATABASE IF EXISTS \"$(case_db)\" WITH (FORCE)" \
			-c "CREATE DATABASE \"$(case_db)\"" >/dev/null
	else
		rm -f db.sqlite
	fi
}

db_apply() {
	if test_if_postgres; then
		pg_apply_section "$1" "$2" "$(case_db)"
	else
		apply_section "$1" "$2" db.sqlite
	fi
}

db_run_file() {
	if test_if_postgres; then
		pg_role_psql "$(case_db)" -1 -f "$1"
	else
		sqlite3 -bail db.sqlite <"$1"
	fi
}

# One or more statements; the rows of the last query, columns separated by |.
db_sql() {
	if test_if_postgres; then
		pg_role_psql "$(case_db)" -At -c "$1"
	else
		sqlite3 -bail db.sqlite "$1"
	fi
}

db_query() {
	(cd "$1" && db_sql "$2")
}

# Rows per table, one line each ("table count").
db_count_rows() {
	if test_if_postgres; then
		db_sql "SELECT c.relname || ' ' || (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I', c.relname), false, true, '')))[1]::text FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') ORDER BY 1"
	else
		count_rows db.sqlite
	fi
}

# pg_schema <db> [--any-column-order]: `pg_dump --schema-only --no-owner`, without its
# comments, SET lines and \restrict keys. With --any-column-order the lines of each
# CREATE TABLE are sorted (ADD COLUMN appends: a column dropped and added back comes last).
pg_schema() {
	"$PG_BINDIR/pg_dump" --schema-only --no-owner --no-privileges "$(pg_url "$1")" |
		grep -vE '^(--|SET |SELECT pg_catalog.set_config|\\(un)?restrict )' |
		grep -v '^[[:space:]]*$' |
		awk -v sortcols="$2" '
			sortcols != "" && /^CREATE TABLE .*\($/ { print; inside = 1; next }
			inside && /^\);?$/ { close("sort"); print; inside = 0; next }
			inside { sub(/,$/, ""); print | "sort"; next }
			{ print }
		'
}

db_schema() {
	if test_if_postgres; then
		pg_schema "$(case_db)" --any-column-order
	else
		schema_dump db.sqlite
	fi
}

schema_dump() {
	sqlite3 "$1" "SELECT type, name, tbl_name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name;" &&
	for t in $(sqlite3 "$1" "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name;"); do
		echo "== $t"
		sqlite3 "$1" "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info('$t') ORDER BY name;"
		sqlite3 "$1" "SELECT name, \"unique\", origin, partial FROM pragma_index_list('$t') ORDER BY name;"
		sqlite3 "$1" "SELECT \"table\", \"from\", \"to\", on_update, on_delete FROM pragma_foreign_key_list('$t') ORDER BY \"from\";"
		# CHECK constraints live only in the table's SQL: keep those, normalized.
		sqlite3 "$1" "SELECT sql FROM sqlite_schema WHERE name = '$t';" |
			tr '\n' ' ' | grep -oiE 'check *\((\([^()]*\)|[^()])*\)' | tr -s ' ' | sort
	done
}

# No output of the case may show the PostgreSQL password (a no-op on SQLite).
test_no_password_in() {
	test_if_postgres || return 0
	if grep -rlF "$GM_PG_PASSWORD" "$@" >&2; then
		echo "the password shows in the files above" >&2
		return 1
	fi
}

# prepare_case <dir> <before.yml> <after.yml> <rows.sql> [<check.sql>]
# The full round trip of one kind of change:
#  1. production holds <before> and its base revision; the work branch changes to <after>;
#  2. `git migrate prepare` writes a revision;
#  3. on the case database (SQLite: a file, with the sqlite3 shell; PostgreSQL: a database
#     created for the case, with psql) built by the base revision and holding <rows.sql>,
#     the new revision's up applies, down restores the schema exactly (SQLite: the
#     schema_dump; PostgreSQL: pg_dump --schema-only, column order aside) and keeps the
#     rows, and up applies again;
#  4. `git migrate diff` then reports no changes.
# Set DATA_LOSS=1 for a change that drops data (rows are then not compared after down).
prepare_case() {
	set -- "$1" "$(abspath "$2")" "$(abspath "$3")" "$(abspath "$4")" ${5:+"$(abspath "$5")"}
	prepare_case_setup "$1" "$2" &&
	(
		cd "$1" &&
		cp "$3" models/app.yml &&
		git commit -q -am "change models" &&
		git migrate prepare >path 2>err &&
		rev=$(cat path) && test -f "$rev" &&
		base=$(ls migrations/versions/*_base.sql) &&
		db_create &&
		db_apply "$base" up &&
		db_run_file "$4" &&
		db_schema >schema.before &&
		rows_before=$(db_count_rows) &&
		db_apply "$rev" up &&
		db_schema >schema.after &&
		{ if test -n "$5"; then db_run_file "$5"; fi; } &&
		db_apply "$rev" down &&
		db_schema >schema.down &&
		test_cmp schema.before schema.down &&
		{ test -n "$DATA_LOSS" || test "$(db_count_rows)" = "$rows_before"; } &&
		db_apply "$rev" up &&
		db_schema >schema.again &&
		test_cmp schema.after schema.again &&
		git migrate diff >diff.out 2>&1 &&
		test_no_password_in path err diff.out migrations
	)
}

# upgrade_case <dir> <before> <after> <base-rows.sql> <new-rows.sql> [<query>]
# (PostgreSQL) production holds the models <before> (YAML, or SQL: models_file) and their
# base revision; the work branch changes them to <after> and prepare writes the revision
# (up.sql, down.sql in <dir>). On a real database: `git migrate upgrade` to the base,
# <base-rows.sql>, `git migrate upgrade`, <new-rows.sql> (rows only the new schema
# allows), `git migrate downgrade <base>`: the schema is production's again by pg_dump
# --schema-only (schema.base, schema.down), the rows of <query> are as they were
# (rows.base, rows.down), and `git migrate upgrade` applies again.
prepare_sections() {
	git migrate prepare >path 2>err &&
	rev=$(cat path) &&
	section "$rev" up >up.sql &&
	section "$rev" down >down.sql
}

upgrade_case() {
	set -- "$1" "$(abspath "$2")" "$(abspath "$3")" "$(abspath "$4")" "$(abspath "$5")" \
		"${6:-SELECT 1}"
	prepare_case_setup "$1" "$2" &&
	(
		cd "$1" &&
		cp "$3" "$(models_file "$3")" &&
		git commit -q -am "change models" &&
		prepare_sections &&
		base=$(base_id) &&
		db_create &&
		git migrate -q upgrade "$base" &&
		db_run_file "$4" &&
		pg_schema "$(case_db)" >schema.base &&
		db_sql "$6" >rows.base &&
		git migrate -q upgrade &&
		db_run_file "$5" &&
		git migrate downgrade "$base" >out.down 2>err.down &&
		pg_schema "$(case_db)" >schema.down &&
		test_cmp schema.base schema.down &&
		db_sql "$6" >rows.down &&
		test_cmp rows.base rows.down &&
		git migrate -q upgrade
	)
}

# Rows per table of a SQLite file, one line each ("table count").
count_rows() {
	for t in $(sqlite3 "$1" "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name;"); do
		echo "$t $(sqlite3 "$1" "SELECT count(*) FROM \"$t\";")"
	done
}
