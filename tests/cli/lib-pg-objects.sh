# Helpers of the PostgreSQL object tests (t0240-t0249): SQL models holding views,
# functions, triggers, and revisions applied to a real database. Sources lib-prepare.sh.
. "$TEST_DIR/lib-prepare.sh"

# models_schema <file.sql>: pg_schema of a new database that <file.sql> was run on (the
# models as PostgreSQL itself makes them), without the version table.
models_schema() {
	pg_role_psql postgres -c "DROP DATABASE IF EXISTS \"$(case_db)_m\" WITH (FORCE)" \
		-c "CREATE DATABASE \"$(case_db)_m\"" >/dev/null &&
	pg_role_psql "$(case_db)_m" -1 -f "$1" &&
	pg_schema "$(case_db)_m" "$2"
}

# case_schema [--any-column-order]: pg_schema of the case database without the version
# table git_migrate_history (its CREATE TABLE, its key and its owned sequence).
case_schema() {
	pg_schema "$(case_db)" "$1" | awk '
		/^CREATE TABLE public.git_migrate_history / { skip = 1 }
		/^ALTER TABLE .*git_migrate_history/ { skip = 2 }
		skip == 1 { if ($0 ~ /^\);?$/) skip = 0; next }
		skip == 2 { if ($0 ~ /;$/) skip = 0; next }
		{ print }
	'
}

# objects_base <dir> <file.sql>: a new repository <dir> whose production branch holds
# models/app.sql = <file.sql> and the base revision prepare writes for it (its path in
# <dir>/path, prepare's messages in <dir>/err).
objects_base() {
	set -- "$1" "$(abspath "$2")"
	mkdir "$1" && (
		cd "$1" &&
		git init -q -b production &&
		gm_write_config '[models/*.sql]' &&
		mkdir models && cp "$2" models/app.sql &&
		git add -A && git commit -q -m models &&
		git migrate prepare -m base >path 2>err &&
		git add -A && git commit -q -m "base revision"
	)
}

# ddl_heads <file>: the lines of <file> that start a statement (ALTER, CREATE, DROP,
# COMMENT, SET)
ddl_heads() {
	grep -E '^(ALTER|CREATE|DROP|COMMENT|SET|RESET) ' "$1"
}

# query_is <dir> <expected> <query>: <query> on <dir>'s case database returns <expected>
query_is() {
	echo "$2" >expect &&
	db_query "$1" "$3" >actual &&
	test_cmp expect actual
}

# objects_case <dir> <base.sql> <after.sql> <rows.sql> <query> [--any-column-order]
# production holds models/app.sql = <base.sql> and its base revision; the work branch
# changes it to <after.sql> and prepare writes the revision (up.sql, down.sql, out and err
# in <dir>). On a real database: `git migrate upgrade` to the base, <rows.sql>, <query>
# (rows.base); `git migrate upgrade`: the schema is the models' (pg_dump of <after.sql>
# run on a new database) and <query> returns the same rows; `git migrate downgrade` to
# the base: the schema is the base's again and <query> returns the same rows; upgrade
# again; `git migrate diff` is then "no changes".
objects_case() {
	set -- "$1" "$(abspath "$2")" "$(abspath "$3")" "$(abspath "$4")" "$5" "$6"
	objects_base "$1" "$2" && (
		cd "$1" &&
		git switch -q -c work &&
		cp "$3" models/app.sql && git commit -q -am "change models" &&
		git migrate prepare >out 2>err &&
		rev=$(sed -n 1p out) &&
		section "$rev" up >up.sql &&
		section "$rev" down >down.sql &&
		git add -A && git commit -q -m "the revision" &&
		base=$(base_id) &&
		db_create &&
		git migrate -q upgrade "$base" &&
		db_run_file "$4" &&
		case_schema "$6" >schema.base &&
		db_sql "$5" >rows.base &&
		git migrate -q upgrade &&
		case_schema "$6" >schema.up &&
		models_schema "$3" "$6" >schema.models &&
		test_cmp schema.models schema.up &&
		db_sql "$5" >rows.up &&
		test_cmp rows.base rows.up &&
		git migrate -q downgrade "$base" &&
		case_schema "$6" >schema.down &&
		test_cmp schema.base schema.down &&
		db_sql "$5" >rows.down &&
		test_cmp rows.base rows.down &&
		git migrate -q upgrade &&
		git migrate diff >diff.out 2>&1 &&
		test_grep "no changes" diff.out
	)
}
