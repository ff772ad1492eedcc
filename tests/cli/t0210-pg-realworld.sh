#!/bin/sh
test_description='real PostgreSQL schemas and histories: CTFd, FlaskBB, Pagila'
if test -z "$GIT_MIGRATE_TEST_PG"; then
	echo "1..0 # SKIP no PostgreSQL server"
	exit 0
fi
. ./lib.sh
. "$TEST_DIR/lib-pg.sh"

# Against the server GIT_MIGRATE_TEST_PG names (with-pg.sh starts a throwaway one):
#  * CTFd's 33 and FlaskBB's 13 Alembic revisions on production, their `pg_dump -s` of the
#    replayed head as the SQL model: no changes (pg_dump's search_path, separate sequences
#    and ALTER TABLE ONLY constraints inspect like the history's inline DDL); a change to
#    the dump becomes a revision chained onto the history that psql applies.
#  * Pagila as the SQL model with an empty history: prepare writes the initial revision
#    (tables, enum, indexes, keys), psql applies it (up, down, up) to an empty database, the
#    Pagila data loads into it, and every object the model does not cover is named.

test -d "$REALWORLD/histories/ctfd" && test -f "$REALWORLD/datasets/pagila/pagila-schema.sql" ||
	test_skip_all "no real-world material in $REALWORLD"

# A role of our own, so that the scratch databases git-migrate creates are told apart from
# those of tests running in parallel on the same server (they are owned by it).
ROLE=t0210_$$
PG_URL=$GIT_MIGRATE_TEST_PG
case "$GIT_MIGRATE_TEST_PG" in
postgres://*@* | postgresql://*@*)
	if pg_psql -c "CREATE ROLE $ROLE LOGIN SUPERUSER" 2>/dev/null; then
		PG_URL=$(printf '%s\n' "$GIT_MIGRATE_TEST_PG" | sed "s#^\([a-z]*://\)[^@/]*@#\1$ROLE@#")
	else
		ROLE=
	fi ;;
*)
	ROLE= ;;
esac

# Our own databases: t0210_<pid>_<name>, created by db_create, dropped by cleanup.
db_url() {
	printf '%s\n' "$PG_URL" | sed "s#/[^/?]*\(?.*\)\{0,1\}\$#/$1\1#"
}
db_create() {
	pg_psql -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1"
}
db_psql() {
	name=$1; shift
	psql -X -q -v ON_ERROR_STOP=1 "$(db_url "$name")" "$@"
}
cleanup() {
	for d in $(pg_psql -At -c "SELECT datname FROM pg_database
			WHERE datname LIKE 't0210\_$$\_%'") $(test -z "$ROLE" || scratch_left); do
		pg_psql -c "DROP DATABASE IF EXISTS $d" 2>/dev/null
	done
	test -z "$ROLE" || pg_psql -c "DROP ROLE IF EXISTS $ROLE" 2>/dev/null
}
trap cleanup EXIT

# The scratch databases our role left behind (all of them without a role of our own).
scratch_left() {
	if test -n "$ROLE"; then
		pg_psql -At -c "SELECT datname FROM pg_database WHERE datname LIKE 'gm\_scratch\_%'
			AND pg_get_userbyid(datdba) = '$ROLE' ORDER BY 1"
	else
		pg_scratch_leftovers
	fi
}

# pg_dump -s of one of our databases, without comments and pg_dump's \restrict lines (their
# key is random).
schema_dump() {
	pg_dump -s "$(db_url "$1")" | grep -v -e '^--' -e '^\\\(un\)\{0,1\}restrict '
}

# A repository whose production branch holds a history's revisions and its final pg_dump
# schema as the SQL model, with the test server as scratch and target.
history_repo() {
	git init -q -b production "$1" &&
	(
		cd "$1" &&
		mkdir -p migrations schema &&
		cp -R "$REALWORLD/histories/$1/migrations/versions" migrations/ &&
		cp "$REALWORLD/histories/$1/final-schema.pg.sql" schema/final.sql &&
		printf "models: [schema/final.sql]\nscratch: %s\ndatabase: %s\n" \
			"$PG_URL" "$PG_URL" >.gitmigrate.yml &&
		git add -A && git commit -q -m "$1 history"
	)
}

# The revision files of a repository in chain order, base first.
chain_files() {
	git -C "$1" migrate history | awk '{ print $1 }' | sed -n '1!G;h;$p' |
	while read -r id; do
		ls "$1"/migrations/versions/"$id"_*.sql
	done
}

test_expect_success 'setup: CTFd history on production, its pg_dump schema as the model' '
	history_repo ctfd &&
	test $(ls ctfd/migrations/versions/*.sql | wc -l) = 33 &&
	grep -q "set_config(.search_path., .., false)" ctfd/schema/final.sql &&
	grep -q "^ALTER TABLE ONLY public.users ALTER COLUMN id SET DEFAULT nextval(" \
		ctfd/schema/final.sql &&
	grep -q "^ALTER SEQUENCE public.users_id_seq OWNED BY public.users.id;" ctfd/schema/final.sql &&
	grep -q "^    ADD CONSTRAINT users_pkey PRIMARY KEY (id);" ctfd/schema/final.sql
'

test_expect_success 'ctfd: the replayed history equals its pg_dump schema' '
	(cd ctfd && git migrate diff >out 2>err) &&
	test_grep "^no changes$" ctfd/err
'

test_expect_success 'ctfd: the alembic_version table is in neither the dump nor the history' '
	test_grep -v alembic_version ctfd/schema/final.sql &&
	test_grep -v -r alembic_version ctfd/migrations/versions
'

test_expect_success 'ctfd: a change to the dump becomes a revision on top of the history' '
	(
		cd ctfd &&
		cat >>schema/final.sql <<-\SQL &&
		CREATE TYPE public.challenge_level AS ENUM ('"'easy'"', '"'hard'"');
		ALTER TABLE public.challenges ADD COLUMN level public.challenge_level DEFAULT '"'easy'"' NOT NULL;
		CREATE INDEX challenges_level_idx ON public.challenges USING btree (level);
		ALTER TABLE ONLY public.users ALTER COLUMN name TYPE character varying(200);
		SQL
		git commit -q -am "challenge levels" &&
		git migrate prepare -m "challenge levels" >path 2>err
	) &&
	rev=ctfd/$(cat ctfd/path) &&
	test_grep "^-- down_revision: 8275865e5992$" "$rev" &&
	test_grep "CREATE TYPE challenge_level AS ENUM" "$rev" &&
	git -C ctfd add -A && git -C ctfd commit -q -m "revision" &&
	(cd ctfd && git migrate diff >out 2>err) &&
	test_grep "^no changes$" ctfd/err
'

test_expect_success 'ctfd: psql applies the history and the new revision; same schema as the dump' '
	db_create t0210_$$_ctfd_replay &&
	db_create t0210_$$_ctfd_dump &&
	chain_files ctfd >files &&
	test $(wc -l <files) = 34 &&
	while read -r f; do
		section "$f" up || return 1
	done <files >replay.sql &&
	db_psql t0210_$$_ctfd_replay -f replay.sql >/dev/null &&
	db_psql t0210_$$_ctfd_dump -f ctfd/schema/final.sql >/dev/null &&
	schema_dump t0210_$$_ctfd_replay >replay.dump &&
	schema_dump t0210_$$_ctfd_dump >dump.dump &&
	test_cmp dump.dump replay.dump
'

test_expect_success 'flaskbb: 13 revisions (two 11-character ids) replay to its pg_dump schema' '
	history_repo flaskbb &&
	test $(ls flaskbb/migrations/versions/*.sql | wc -l) = 13 &&
	ls flaskbb/migrations/versions | grep -q "^8ad96e49dc6_" &&
	(cd flaskbb && git migrate verify >verify.out 2>&1) &&
	(cd flaskbb && git migrate diff >out 2>err) &&
	test_grep "^no changes$" flaskbb/err
'

PAGILA="$REALWORLD/datasets/pagila"

test_expect_success 'setup: Pagila as the SQL model, an empty production history' '
	git init -q -b production pagila &&
	(
		cd pagila &&
		mkdir -p schema migrations/versions &&
		cp "$PAGILA/pagila-schema.sql" schema/pagila.sql &&
		printf "models: [schema/pagila.sql]\nscratch: %s\ndatabase: %s\n" \
			"$PG_URL" "$PG_URL" >.gitmigrate.yml &&
		git add -A && git commit -q -m pagila
	)
'

test_expect_success 'pagila: prepare writes the initial revision: tables, enum, indexes, keys' '
	(cd pagila && git migrate prepare -m pagila >path 2>err) &&
	rev=pagila/$(cat pagila/path) &&
	test_grep "^-- down_revision: *$" "$rev" &&
	section "$rev" up >up.sql &&
	section "$rev" down >down.sql &&
	test_grep "^CREATE TYPE mpaa_rating AS ENUM (.G., .PG., .PG-13., .R., .NC-17.);" up.sql &&
	# 15 tables; payment is one table: its partitions are not tables of the model
	test $(grep -c "^CREATE TABLE" up.sql) = 15 &&
	test_grep -v "payment_p2022" up.sql &&
	# 16 CREATE INDEX outside partitions: 12 plain and 2 unique ones here, the GiST
	# film_fulltext_idx and the materialized view'"'"'s rental_category left out; 36
	# foreign keys: 18 on tables, 18 on partitions
	test $(grep -c "PRIMARY KEY" up.sql) = 15 &&
	test $(grep -c "^CREATE UNIQUE INDEX" up.sql) = 2 &&
	test $(grep -c "^CREATE INDEX" up.sql) = 12 &&
	test $(grep -c "FOREIGN KEY" up.sql) = 18 &&
	# sequences owned by no column and domains are objects (t0250)
	test_grep "actor_id integer NOT NULL DEFAULT nextval(.actor_actor_id_seq.::regclass)," up.sql &&
	test_grep "^CREATE SEQUENCE actor_actor_id_seq AS bigint " up.sql &&
	test_grep "^CREATE DOMAIN year AS integer$" up.sql &&
	test_grep "release_year year," up.sql &&
	test_grep "rating mpaa_rating DEFAULT .G." up.sql &&
	test_grep "special_features text\[\]" up.sql &&
	test_grep "^DROP TYPE mpaa_rating;" down.sql
'

test_expect_success 'pagila: every object the model does not cover is named in a warning' '
	err=pagila/err &&
	for kind in VIEW "MATERIALIZED VIEW" FUNCTION AGGREGATE; do
		sed -n "s/^CREATE $kind public\.\"\{0,1\}\([^\" (]*\).*/\1/p" "$PAGILA/pagila-schema.sql"
	done >objects &&
	test $(wc -l <objects) -ge 30 &&
	while read -r name; do
		grep -q "^warning: .*[ (]$name\( \|$\)" "$err" ||
		{ echo "not named: $name" >&2; return 1; }
	done <objects &&
	sed -n "s/^CREATE TRIGGER \([^ ]*\) .* ON public\.\([^ ]*\) .*/\1 on \2/p" \
		"$PAGILA/pagila-schema.sql" >triggers &&
	test $(wc -l <triggers) = 15 &&
	while read -r trig; do
		grep -q "^warning: .*trigger $trig$" "$err" ||
		{ echo "not named: trigger $trig" >&2; return 1; }
	done <triggers &&
	for m in 1 2 3 4 5 6 7; do
		test_grep "^warning: .*partition payment_p2022_0$m of payment$" "$err" || return 1
	done &&
	test_grep "^warning: .*partitioned table payment (read as a plain table)$" "$err" &&
	test_grep "^warning: .*index film_fulltext_idx on film using gist$" "$err" &&
	test_grep -v "^warning: .*\(domain\|sequence\) " "$err"
'

test_expect_success 'pagila: psql applies the revision to an empty database: up, down, up' '
	db_create t0210_$$_pagila &&
	db_psql t0210_$$_pagila -1 -f up.sql >/dev/null &&
	schema_dump t0210_$$_pagila >up1.dump &&
	db_psql t0210_$$_pagila -1 -f down.sql >/dev/null &&
	test "$(db_psql t0210_$$_pagila -At -c "SELECT count(*) FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '"'public'"'")" = 0 &&
	db_psql t0210_$$_pagila -1 -f up.sql >/dev/null &&
	schema_dump t0210_$$_pagila >up2.dump &&
	test_cmp up1.dump up2.dump
'

test_expect_success 'pagila: the Pagila data loads into the rebuilt schema' '
	# the partitions are one table here: their rows go to payment
	gzip -dc "$PAGILA/pagila-data.sql.gz" |
	sed "s/^COPY public\.payment_p2022_0[1-7] /COPY public.payment /" >data.sql &&
	db_psql t0210_$$_pagila -1 -f data.sql >/dev/null &&
	test "$(db_psql t0210_$$_pagila -At -c "SELECT count(*) FROM payment")" = 16049 &&
	test "$(db_psql t0210_$$_pagila -At -c "SELECT count(*) FROM rental")" = 16044 &&
	test "$(db_psql t0210_$$_pagila -At -c "SELECT count(*) FROM film WHERE rating = '"'PG-13'"'")" = 223 &&
	# the serial sequences carry the names the data sets
	test "$(db_psql t0210_$$_pagila -At -c "INSERT INTO actor (first_name, last_name)
		VALUES ('"'A'"', '"'B'"') RETURNING actor_id")" = 201
'

test_expect_success 'pagila: with the revision committed, diff reports no changes' '
	git -C pagila add -A && git -C pagila commit -q -m revision &&
	test $(git -C pagila ls-files migrations/versions | wc -l) = 1 &&
	(cd pagila && git migrate diff >out 2>err) &&
	test_grep "^no changes$" pagila/err
'

test_expect_success 'no scratch database is left on the server' '
	scratch_left >left &&
	test_cmp /dev/null left
'

test_done
