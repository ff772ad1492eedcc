#!/bin/sh
test_description='Pagila (views, functions, triggers, domains, sequences, a partitioned table) as a hand-written base revision and as the SQL model: diff is clean; retyping columns that views depend on writes a revision that carries the views, and on a database loaded with the Pagila data the views return the same rows after upgrade and after downgrade'
. ./lib.sh
test "$GM_TEST_DIALECT" = postgres ||
	test_skip_all "PostgreSQL only: runs in the GM_TEST_DIALECT=postgres pass of make test"
. "$TEST_DIR/lib-prepare.sh"

PAGILA="$REALWORLD/datasets/pagila"
test -f "$PAGILA/pagila-schema.sql" && test -f "$PAGILA/pagila-data.sql.gz" ||
	test_skip_all "no Pagila in $REALWORLD"

# The schema as pg_dump wrote it, without what ties it to a session or an owner: its
# search_path '' (it would outlive the revision) and OWNER TO lines (the script's role is
# not the dump's postgres). SET check_function_bodies = false stays: a SQL function's body
# names a table created further down.
grep -v -e "^SELECT pg_catalog.set_config" -e ' OWNER TO ' \
	"$PAGILA/pagila-schema.sql" >pagila.sql

# The views over address.phone (customer_list, staff_list) and film.length (film_list,
# nicer_but_slower_film_list) as rows, in a stable order. A film's actors come from
# group_concat in the order rows are met, which a table rewrite changes: sorted here.
view_rows() {
	for v in customer_list staff_list; do
		db_sql "SELECT * FROM $v ORDER BY $v::text" || return 1
	done &&
	for v in film_list nicer_but_slower_film_list; do
		db_sql "SELECT fid, title, description, category, price, length, rating,
			(SELECT string_agg(a, ', ' ORDER BY a) FROM unnest(string_to_array(actors, ', ')) a)
			FROM $v ORDER BY fid, category" || return 1
	done
}

test_expect_success 'setup: Pagila as the base revision and as the SQL model' '
	git init -q -b production repo && (
		cd repo &&
		gm_write_config "[models/pagila.sql]" &&
		mkdir models && cp ../pagila.sql models/pagila.sql &&
		write_revision migrations/versions a1 "" "$(cat ../pagila.sql)" \
			"DROP SCHEMA public CASCADE; CREATE SCHEMA public;" &&
		git add -A && git commit -q -m "pagila" &&
		git switch -q -c work
	)
'

test_expect_success 'diff: the replayed base revision equals the model (exit 0)' '
	(cd repo && git migrate diff >../out 2>../err) &&
	test_grep "^no changes$" err
'

test_expect_success 'prepare: address.phone and film.length retyped, the views that use them carried' '
	(
		cd repo &&
		sed -e "s/^    phone text NOT NULL,/    phone character varying(30) NOT NULL,/" \
			-e "s/^    length smallint,/    length integer,/" ../pagila.sql >models/pagila.sql &&
		! cmp -s ../pagila.sql models/pagila.sql &&
		git commit -q -am "phone and length retyped" &&
		git migrate prepare -m retype >../path 2>../err
	) &&
	rev="repo/$(cat path)" &&
	section "$rev" up >up.sql &&
	section "$rev" down >down.sql &&
	# each view is dropped before a type change it depends on and created after it
	for v in customer_list:phone staff_list:phone film_list:length \
		nicer_but_slower_film_list:length; do
		awk -v v="${v%:*}" -v c="${v#*:}" '"'"'
			$0 == "DROP VIEW " v ";" { d = NR }
			index($0, "ALTER COLUMN " c " TYPE") && d { a = NR }
			$0 == "CREATE VIEW " v " AS" && a { ok = 1 }
			END { exit !ok }'"'"' up.sql || {
			echo "view ${v%:*} is not carried around the type change of ${v#*:}" >&2
			cat up.sql >&2
			return 1
		}
	done'

test_expect_success 'upgrade on a database with the Pagila data: the views return the same rows' '
	(
		cd repo &&
		db_create &&
		git migrate -q upgrade a1 &&
		gzip -dc "$PAGILA/pagila-data.sql.gz" >data.sql &&
		db_run_file data.sql >/dev/null &&
		test "$(db_sql "SELECT count(*) FROM payment")" = 16049 &&
		view_rows >../rows.before &&
		git migrate -q upgrade &&
		test "$(db_sql "SELECT data_type FROM information_schema.columns
			WHERE table_name = '"'address'"' AND column_name = '"'phone'"'")" = "character varying" &&
		test "$(db_sql "SELECT data_type FROM information_schema.columns
			WHERE table_name = '"'film'"' AND column_name = '"'length'"'")" = integer &&
		view_rows >../rows.after
	) &&
	test $(wc -l <rows.before) -gt 1500 &&
	test_cmp rows.before rows.after
'

test_expect_success 'downgrade to the base: the types and the view rows are as before' '
	(
		cd repo &&
		git migrate -q downgrade a1 &&
		test "$(db_sql "SELECT data_type FROM information_schema.columns
			WHERE table_name = '"'film'"' AND column_name = '"'length'"'")" = smallint &&
		view_rows >../rows.down
	) &&
	test_cmp rows.before rows.down
'

test_done
