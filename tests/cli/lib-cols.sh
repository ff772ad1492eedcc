# lib-cols.sh: cases of issue 14's table parts (source after lib.sh and lib-prepare.sh).
#
#   cols_case_setup <dir> <base.yml> <sql>  prepare_case_setup, the case database in the
#                                           config (SQLite: db.sqlite), the base revision
#                                           applied to it, then <sql> (the rows)
#   cols_sql_case <dir> <models.sql>       a repository whose production holds the SQL model
#                                           and its base revision (its path in <dir>/path),
#                                           the case database in the config; on branch work,
#                                           `git migrate diff` (its output in <dir>/err)
#   cols_prepare <models.yml> <message>     (cwd: the case) the models become <models.yml>,
#                                           committed; `prepare -m <message>` writes a
#                                           revision: its path in path, the output in err,
#                                           its up section in up.sql

cols_case_setup() {
	prepare_case_setup "$1" "$2" &&
	(
		cd "$1" &&
		{ test_if_postgres || echo "database: sqlite:///db.sqlite" >>.gitmigrate.yml; } &&
		echo db.sqlite >.gitignore &&
		git add -A && git commit -q -m database &&
		db_create &&
		git migrate -q upgrade &&
		db_sql "$3"
	)
}

cols_sql_case() {
	mkdir "$1" && (
		cd "$1" &&
		git init -q -b production &&
		gm_write_config "[models/*.sql]" &&
		{ test_if_postgres || echo "database: sqlite:///db.sqlite" >>.gitmigrate.yml; } &&
		echo db.sqlite >.gitignore &&
		mkdir models && cp "../$2" models/app.sql &&
		git add -A && git commit -q -m models &&
		git migrate -q prepare -m base >path &&
		git add -A && git commit -q -m "base revision" &&
		git switch -q -c work &&
		git migrate diff >out 2>err
	)
}

cols_prepare() {
	cp "$1" models/app.yml &&
	git commit -q -am "$2" &&
	git migrate prepare -m "$2" >path 2>err &&
	section "$(cat path)" up >up.sql
}

# cols_bad_diff <err> <sed script> <models.yml>: (cwd: the case) the models become
# <models.yml> edited by <sed script>; `git migrate diff` must exit 2, its output in <err>.
cols_bad_diff() {
	sed "$2" "$3" >models/app.yml &&
	test_expect_code 2 git migrate diff >out 2>"$1"
}
