# lib-sqlite.sh: helpers for SQLite-only tests (source after lib.sh).
#
#   sqlite_pragmas <db> [--sql]   the objects of sqlite_schema (type, name, table; with
#                                 --sql their SQL too), then each table's pragma
#                                 table_xinfo (by cid), index_list with index_xinfo, and
#                                 foreign_key_list; the version table left out

sqlite_pragmas() {
	cols="type, name, tbl_name"
	test "$2" = --sql && cols="$cols, sql"
	sqlite3 "$1" "SELECT $cols FROM sqlite_schema WHERE tbl_name != 'git_migrate_history' ORDER BY type, name" &&
	for t in $(sqlite3 "$1" "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%' AND name != 'git_migrate_history' ORDER BY name"); do
		echo "== $t" &&
		sqlite3 "$1" "SELECT 'column', * FROM pragma_table_xinfo('$t') ORDER BY cid" &&
		sqlite3 "$1" "SELECT 'index', l.name, l.\"unique\", l.origin, l.partial, x.* FROM pragma_index_list('$t') l, pragma_index_xinfo(l.name) x ORDER BY l.name, x.seqno" &&
		sqlite3 "$1" "SELECT 'fkey', * FROM pragma_foreign_key_list('$t') ORDER BY id, seq" ||
		return 1
	done
}
