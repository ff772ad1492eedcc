# lib-cache.sh: helpers for the snapshot cache tests (source after lib-prepare.sh).
#
#   cache_repo <dir>           a repository (prepare_case_setup with contacts models) whose
#                              production also holds fixtures (data/contacts.csv, 2 rows);
#                              work merged them and its models add contacts.name
#   cache_entries              this repository's snapshot entries as the database or the
#                              file system holds them (cwd: the repository), sorted
#   models_entries             the models entries (PostgreSQL: gm_cache_*_models_*), sorted
#   prepare_v <dir> <args>     git migrate -v prepare <args> in <dir> ($CONFIG: a --config
#                              file): stdout in out, stderr in err, the cache line in cache
#   test_line_count <op> <n> <file>
#   server_log                 the server's log file, when lib-pg.sh started the server
#   creates_during <mark> <file> <command...>
#                              the CREATE DATABASE statements the server logged while the
#                              command ran, one per line into <file> (needs this role's
#                              log_statement at 'ddl')

contacts_models >base.yml
with_columns base.yml "name: text" >name.yml

cache_repo() {
	prepare_case_setup "$1" base.yml &&
	(
		cd "$1" &&
		git switch -q production &&
		mkdir data &&
		printf "id,email\n1,a@example.com\n2,b@example.com\n" >data/contacts.csv &&
		git add -A && git commit -q -m fixtures &&
		git switch -q work && git merge -q production &&
		git migrate cache clear 2>/dev/null &&
		cp ../name.yml models/app.yml
	)
}

cache_entries() {
	if test_if_postgres; then
		pg_psql -At -c "SELECT d.datname FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE r.rolname = '$GM_PG_ROLE' AND d.datname LIKE 'gm\_cache\_%' AND d.datname NOT LIKE 'gm\_cache\_%\_models\_%' ORDER BY 1"
	else
		ls "$(git rev-parse --git-common-dir)/git-migrate/cache" 2>/dev/null |
			sed -n 's/\.db$//p' | sort
	fi
}

models_entries() {
	if test_if_postgres; then
		pg_psql -At -c "SELECT d.datname FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE r.rolname = '$GM_PG_ROLE' AND d.datname LIKE 'gm\_cache\_%\_models\_%' ORDER BY 1"
	fi
}

prepare_v() {
	dir=$1; shift
	(cd "$dir" && git migrate -v ${CONFIG:+--config "$CONFIG"} prepare "$@" >../out 2>../err) &&
	sed -n 's/^cache: //p' err >cache
}

test_line_count() {
	test "$(wc -l <"$3" | tr -d " ")" "$1" "$2" || { echo "$3 has $(wc -l <"$3") lines" >&2; return 1; }
}

# The server's log, when lib-pg.sh started the server (else the checks that read it are
# skipped): this role's DDL statements are logged, between markers written by the superuser.
server_log() {
	d=$(pg_psql -At -c "SHOW data_directory" 2>/dev/null) &&
	test -r "${d%/data}/server.log" &&
	echo "${d%/data}/server.log"
}
log_mark() {
	pg_psql -c "DO \$\$BEGIN RAISE LOG 'gm-cache-mark $1'; END\$\$"
}
creates_during() {
	mark=$1 file=$2; shift 2
	log_mark "$mark-start" && "$@" && log_mark "$mark-end" &&
	sed -n "/gm-cache-mark $mark-start/,/gm-cache-mark $mark-end/p" "$(server_log)" |
		sed -n "s/.*LOG:  \(statement\|execute [^:]*\): \(CREATE DATABASE .*\)/\2/p" >"$file"
}
