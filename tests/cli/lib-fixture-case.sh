# lib-fixture-case.sh: prepare cases with fixtures and a deploy database (source after
# lib.sh and lib-prepare.sh). Dialect-aware as lib-prepare.sh.
#
#   fixture_config <models>                 .gitmigrate.yml (gm_write_config) with the case's
#                                           deploy database (SQLite: db.sqlite, ignored by git)
#   fixture_case_setup <dir> <models.yml> <rows.yml>
#                                           prepare_case_setup, then production gains the
#                                           fixtures (data/rows.yml) and the deploy database;
#                                           work merges it
#   fixture_case_deploy                     (cwd: the case) on a new case database: the base
#                                           revision, the fixtures (loaddata), then the rest
#   catalog_columns <table>                 its columns in the catalog, "name:notnull", one line
#   catalog_fkeys <table>                   its foreign keys, "column>table", one line

fixture_config() {
	gm_write_config "$1" &&
	{ test_if_postgres || echo "database: sqlite:///db.sqlite" >>.gitmigrate.yml; } &&
	echo db.sqlite >.gitignore
}

fixture_case_setup() {
	set -- "$1" "$2" "$(abspath "$3")"
	prepare_case_setup "$1" "$2" &&
	(
		cd "$1" && git switch -q production &&
		mkdir data && cp "$3" data/rows.yml &&
		fixture_config '[models/*.yml]' &&
		git add -A && git commit -q -m "fixtures, database" &&
		git switch -q work && git merge -q production
	)
}

fixture_case_deploy() {
	db_create && git migrate -q upgrade +1 && git migrate -q loaddata >/dev/null &&
	git migrate -q upgrade
}

catalog_columns() {
	if test_if_postgres; then
		db_sql "SELECT attname || ':' || attnotnull::int FROM pg_attribute WHERE attrelid = '$1'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum"
	else
		db_sql "SELECT name || ':' || \"notnull\" FROM pragma_table_xinfo('$1') ORDER BY cid"
	fi | paste -sd " " -
}

catalog_fkeys() {
	if test_if_postgres; then
		db_sql "SELECT a.attname || '>' || c.confrelid::regclass FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] WHERE c.conrelid = '$1'::regclass AND c.contype = 'f' ORDER BY 1"
	else
		db_sql "SELECT \"from\" || '>' || \"table\" FROM pragma_foreign_key_list('$1') ORDER BY 1"
	fi | paste -sd " " -
}
