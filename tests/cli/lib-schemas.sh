# lib-schemas.sh: helpers of the PostgreSQL schema tests (t0260-t0269; source after lib.sh).
#
#   schema_case <dir> <before.sql> <after.sql> <rows.sql> <new-rows.sql> [--data-loss]
#       (<rows.sql> and <new-rows.sql> may be "")
#       SQL models (or YAML ones: <before.yml> <after.yml>): production holds <before> and
#       its base revision, the work branch changes them to <after> and `git migrate
#       prepare` writes a revision (its sections in <dir>/up.sql and <dir>/down.sql). On a
#       real database: `git migrate upgrade` to the base, <rows.sql>, `git migrate
#       upgrade`: the database's dump is the dump of a database where <after.sql> was run
#       (schema.up vs schema.models; SQL models only); then
#       <new-rows.sql> (may be ""), `git migrate downgrade` to the base: the dump is the
#       base's again and (unless --data-loss) so are the rows; `git migrate upgrade` again
#       gives the same dump, and `git migrate diff` finds no changes.
#   schema_repo <dir> <models> [<after>]
#       a repository whose production branch holds <models> (SQL or YAML, by the file's
#       suffix) and the base revision `git migrate prepare` wrote (its path in
#       <dir>/base.path, its messages in <dir>/base.err, both untracked); with <after>,
#       branch work is checked out with the models changed to <after>, committed.
#   heads <file>           the first line of each statement of a SQL text
#   dump_schema <db>       pg_dump --schema-only of <db> without the version table, the
#                          lines of each CREATE TABLE sorted (ADD COLUMN appends)
#   dump_rows <db>         every row of every table of every schema but the system ones
. "$TEST_DIR/lib-prepare.sh"

heads() {
	grep -v '^[[:space:]]' "$1" | grep -v '^$' | grep -v '^)'
}

dump_schema() {
	"$PG_BINDIR/pg_dump" --schema-only --no-owner --no-privileges \
		--exclude-table=public.git_migrate_history "$(pg_url "$1")" |
		grep -vE '^(--|SET |SELECT pg_catalog.set_config|\\(un)?restrict )' |
		grep -v '^[[:space:]]*$' |
		awk '
			/^CREATE TABLE .*\($/ { print; inside = 1; next }
			inside && /^\);?$/ { close("sort"); print; inside = 0; next }
			inside { sub(/,$/, ""); print | "sort"; next }
			{ print }
		'
}

dump_rows() {
	"$PG_BINDIR/pg_dump" --data-only --no-owner --inserts --rows-per-insert=1000 \
		--exclude-table=public.git_migrate_history "$(pg_url "$1")" |
		grep -E '^INSERT ' | sort
}

schema_repo() {
	set -- "$1" "$(abspath "$2")" "${3:+$(abspath "$3")}"
	mkdir "$1" && (
		cd "$1" &&
		git init -q -b production &&
		ext=${2##*.} &&
		gm_write_config "[models/*.$ext]" &&
		mkdir models && cp "$2" models/app.$ext &&
		git add .gitmigrate.yml models && git commit -q -m models &&
		git migrate prepare -m base >base.path 2>base.err &&
		git add migrations && git commit -q -m "base revision" &&
		{ test -z "$3" || { git switch -q -c work && cp "$3" models/app.$ext &&
			git commit -q -am "change models"; }; }
	)
}

schema_case() {
	set -- "$1" "$(abspath "$2")" "$(abspath "$3")" "${4:+$(abspath "$4")}" \
		"${5:+$(abspath "$5")}" "$6"
	schema_repo "$1" "$2" "$3" && (
		cd "$1" &&
		ext=${2##*.} &&
		prepare_sections &&
		base=$(base_id) &&
		db_create &&
		pg_role_psql postgres -c "DROP DATABASE IF EXISTS \"$(case_db)_m\" WITH (FORCE)" \
			-c "CREATE DATABASE \"$(case_db)_m\"" >/dev/null &&
		{ test "$ext" != sql || { pg_role_psql "$(case_db)_m" -1 -f "$3" &&
			dump_schema "$(case_db)_m" >schema.models; }; } &&
		git migrate -q upgrade "$base" &&
		{ test -z "$4" || db_run_file "$4"; } &&
		dump_schema "$(case_db)" >schema.base &&
		dump_rows "$(case_db)" >rows.base &&
		git migrate -q upgrade &&
		dump_schema "$(case_db)" >schema.up &&
		{ test "$ext" != sql || test_cmp schema.models schema.up; } &&
		{ test -z "$5" || db_run_file "$5"; } &&
		git migrate downgrade "$base" >out.down 2>err.down &&
		dump_schema "$(case_db)" >schema.down &&
		test_cmp schema.base schema.down &&
		{ test "$6" = --data-loss || { dump_rows "$(case_db)" >rows.down &&
			test_cmp rows.base rows.down; }; } &&
		git migrate -q upgrade &&
		dump_schema "$(case_db)" >schema.again &&
		test_cmp schema.up schema.again &&
		git migrate diff >diff.out 2>&1 &&
		test_grep "no changes" diff.out
	)
}
