# lib-prepare.sh: helpers for prepare tests (source after lib.sh).
#
#   prepare_case_setup <dir> <before.yml>   a repository whose production branch holds the
#                                           models and their base revision (written by
#                                           `git migrate prepare` itself), on branch work
#   section <file> up|down                  the SQL of one section of a revision file
#   schema_dump <db>                        a normalized dump of a SQLite schema

# A path made absolute (the helpers cd into the case's repository).
abspath() {
	case "$1" in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac
}

prepare_case_setup() {
	set -- "$1" "$(abspath "$2")"
	mkdir "$1" && (
		cd "$1" &&
		git init -q -b production &&
		printf 'models: [models/*.yml]\n' >.gitmigrate.yml &&
		mkdir models && cp "$2" models/app.yml &&
		git add -A && git commit -q -m models &&
		git migrate -q prepare -m base >/dev/null &&
		git add -A && git commit -q -m "base revision" &&
		git switch -q -c work
	)
}

section() {
	awk -v want="$2" '
		/^-- \+migrate up[ \t]*$/   { cur = "up"; next }
		/^-- \+migrate down[ \t]*$/ { cur = "down"; next }
		cur == want { print }
	' "$1"
}

# Apply a section to a SQLite file with the sqlite3 shell (as a user would).
apply_section() {
	section "$1" "$2" >"section.$2.sql" &&
	sqlite3 -bail "$3" <"section.$2.sql"
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

# prepare_case <dir> <before.yml> <after.yml> <rows.sql> [<check.sql>]
# The full round trip of one kind of change:
#  1. production holds <before> and its base revision; the work branch changes to <after>;
#  2. `git migrate prepare` writes a revision;
#  3. on a SQLite file built by the base revision and holding <rows.sql>, the new revision's
#     up applies with the sqlite3 shell, down restores the schema exactly and keeps the rows,
#     and up applies again;
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
		apply_section "$base" up db.sqlite &&
		sqlite3 -bail db.sqlite <"$4" &&
		schema_dump db.sqlite >schema.before &&
		sqlite3 db.sqlite "SELECT count(*) FROM sqlite_schema" >/dev/null &&
		rows_before=$(count_rows db.sqlite) &&
		apply_section "$rev" up db.sqlite &&
		schema_dump db.sqlite >schema.after &&
		{ if test -n "$5"; then sqlite3 -bail db.sqlite <"$5"; fi; } &&
		apply_section "$rev" down db.sqlite &&
		schema_dump db.sqlite >schema.down &&
		test_cmp schema.before schema.down &&
		{ test -n "$DATA_LOSS" || test "$(count_rows db.sqlite)" = "$rows_before"; } &&
		apply_section "$rev" up db.sqlite &&
		schema_dump db.sqlite >schema.again &&
		test_cmp schema.after schema.again &&
		git migrate diff >diff.out 2>&1
	)
}

# Rows per table, one line each ("table count").
count_rows() {
	for t in $(sqlite3 "$1" "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name;"); do
		echo "$t $(sqlite3 "$1" "SELECT count(*) FROM \"$t\";")"
	done
}
