#!/bin/sh
test_description='hostile files: symlinks out of the repository, FIFOs and devices, oversized files, a replay that reaches for other database files'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"

cat >app.yml <<'YAML'
tables:
  customers:
    columns:
      id: {type: integer, primary_key: true}
YAML

outside=$(mktemp -d)
test_when_finished "rm -rf '$outside'"
printf "id\n1\nsecret-line-from-outside\n" >"$outside/secret.csv"

revs() { ls repo/migrations/versions | sort; }
test_expect_success 'setup' '
	prepare_case_setup repo app.yml &&
	revs >revs.before
'

test_expect_success 'a worktree fixture symlinked outside the repository is refused by name, unread' '
	(
		cd repo &&
		mkdir data &&
		ln -s "$outside/secret.csv" data/customers.csv &&
		git migrate -q prepare --dry-run >/dev/null 2>&1; # production has no fixtures
		cat >>.gitmigrate.yml <<-EOF &&
		fixtures_from: worktree
		EOF
		test_expect_code 2 git migrate prepare --dry-run >../out 2>../err
	) &&
	test_grep "fatal: loading fixtures: .data/customers.csv. leads outside the repository" err &&
	! test_grep -q "secret-line" err &&
	! test_grep -q "secret-line" out &&
	test_no_scratch_left
'

test_expect_success 'loaddata refuses it too and never prints its content' '
	if test_if_sqlite; then
		sqlite3 repo/app.db "CREATE TABLE customers (id integer PRIMARY KEY)"
	else
		(cd repo && db_create && db_sql "CREATE TABLE customers (id integer PRIMARY KEY)")
	fi &&
	(cd repo && test_expect_code 2 git migrate loaddata >../out 2>../err) &&
	test_grep "data/customers.csv. leads outside the repository" err &&
	! test_grep -q "secret-line" err
'

test_expect_success 'a symlink that stays inside the repository is followed' '
	(
		cd repo &&
		rm data/customers.csv &&
		mkdir -p shared && printf "id\n7\n" >shared/customers.csv &&
		ln -s ../shared/customers.csv data/customers.csv &&
		git migrate prepare --dry-run >../out 2>../err
	) &&
	test_grep "no changes" err
'

test_expect_success 'a FIFO as a fixture file is refused without hanging' '
	(
		cd repo &&
		rm data/customers.csv &&
		mkfifo data/customers.csv &&
		test_expect_code 2 git migrate prepare --dry-run >../out 2>../err
	) &&
	test_grep "fatal: loading fixtures: .data/customers.csv. is not a regular file" err &&
	rm repo/data/customers.csv && rm -r repo/data repo/shared &&
	sed -i "/^fixtures_from:/d" repo/.gitmigrate.yml
'

test_expect_success 'a models file symlinked to /dev/zero is refused (it is outside the repository)' '
	(
		cd repo &&
		ln -s /dev/zero models/zero.yml &&
		test_expect_code 2 git migrate prepare >../out 2>../err
	) &&
	test_grep "models/zero.yml. leads outside the repository" err &&
	rm repo/models/zero.yml &&
	revs >revs.after && test_cmp revs.before revs.after
'

test_expect_success 'a FIFO as a models file is refused without hanging' '
	mkfifo repo/models/fifo.yml &&
	(cd repo && test_expect_code 2 git migrate prepare >../out 2>../err) &&
	test_grep "models/fifo.yml. is not a regular file (a pipe)" err &&
	rm repo/models/fifo.yml
'

test_expect_success 'a models file over 64 MiB is refused naming the limit' '
	cp repo/models/app.yml big.yml &&
	head -c 67108870 /dev/zero | tr "\\0" "#" >>repo/models/app.yml &&
	(cd repo && test_expect_code 2 git migrate prepare >../out 2>../err) &&
	test_grep "models/app.yml. is larger than 64 MiB, the limit for a models file" err &&
	cp big.yml repo/models/app.yml
'

test_expect_success 'a symlinked migrations directory leading outside: nothing is written there' '
	(
		cd repo &&
		mv migrations/versions "$outside/versions" &&
		ln -s "$outside/versions" migrations/versions &&
		printf "    n: text\n" >/dev/null &&
		sed "s/^      id: .*/&\n      n: text/" ../app.yml >models/app.yml &&
		test_expect_code 2 git migrate prepare >../out 2>../err
	) &&
	test_grep "migrations/versions. leads outside the repository" err &&
	test $(ls "$outside/versions" | wc -l) = 1 &&
	rm repo/migrations/versions && mv "$outside/versions" repo/migrations/versions &&
	cp app.yml repo/models/app.yml
'

test_expect_success 'a revision file over 1 MiB is refused naming the limit and the config key' '
	(
		cd repo &&
		{
			printf -- "-- revision: b0000000000b\n-- down_revision: %s\n\n-- +migrate up\n" "$(base_id)" &&
			head -c 1100000 /dev/zero | tr "\\0" "-" &&
			printf "\nSELECT 1;\n"
		} >migrations/versions/b0000000000b_big.sql &&
		test_expect_code 2 git migrate prepare >../out 2>../err
	) &&
	test_grep "b0000000000b_big.sql. is larger than 1 MiB, the limit for a revision file" err &&
	test_grep "hint: .*max_revision_size" err &&
	cp repo/.gitmigrate.yml config.saved &&
	echo "max_revision_size: 2 MiB" >>repo/.gitmigrate.yml &&
	(cd repo && git migrate verify >../out 2>&1) &&
	test_grep "verify: ok" out &&
	sed -i "s/^max_revision_size: .*/max_revision_size: lots/" repo/.gitmigrate.yml &&
	(cd repo && test_expect_code 2 git migrate verify >../out 2>../err) &&
	test_grep ".gitmigrate.yml:[0-9]*:[0-9]*: .max_revision_size. must be a size such as 4 MiB, not .lots." err &&
	cp config.saved repo/.gitmigrate.yml &&
	rm repo/migrations/versions/b0000000000b_big.sql
'

test_expect_success 'the config: a symlink out of the repository, a FIFO, over 1 MiB: refused by name' '
	cp repo/.gitmigrate.yml "$outside/config.yml" &&
	mv repo/.gitmigrate.yml config.saved &&
	ln -s "$outside/config.yml" repo/.gitmigrate.yml &&
	(cd repo && test_expect_code 2 git migrate verify >../out 2>../err) &&
	test_grep "fatal: .\.gitmigrate\.yml. leads outside the repository" err &&
	rm repo/.gitmigrate.yml && mkfifo repo/.gitmigrate.yml &&
	(cd repo && test_expect_code 2 timeout 10 git migrate verify >../out 2>../err) &&
	test_grep "fatal: .\.gitmigrate\.yml. is not a regular file (a pipe)" err &&
	rm repo/.gitmigrate.yml && cp config.saved repo/.gitmigrate.yml &&
	head -c 1100000 /dev/zero | tr "\\0" "#" >>repo/.gitmigrate.yml &&
	(cd repo && test_expect_code 2 git migrate verify >../out 2>../err) &&
	test_grep "fatal: .\.gitmigrate\.yml. is larger than 1 MiB, the limit for the config file" err &&
	cp config.saved repo/.gitmigrate.yml
'

test_expect_success 'a config named with --config may live outside the repository' '
	(cd repo && git migrate --config "$outside/config.yml" verify >../out 2>&1) &&
	test_grep "verify: ok" out
'

test_expect_success 'a committed symlink (in git objects) leading outside is refused by name' '
	(
		cd repo &&
		git switch -q production &&
		mkdir data &&
		ln -s "$outside/secret.csv" data/customers.csv &&
		git add data && git commit -q -m "evil fixture link" &&
		git switch -q work && git merge -q production -m merge &&
		test_expect_code 2 git migrate prepare --dry-run >../out 2>../err
	) &&
	test_grep "data/customers.csv. is a symlink to .*secret.csv., outside the repository" err &&
	! test_grep -q "secret-line" err &&
	(
		cd repo &&
		git rm -q data/customers.csv &&
		git commit -q -m "drop the link" &&
		test_expect_code 2 git migrate verify --rev production >../out 2>&1;
		git switch -q production && git rm -q -r data && git commit -q -m clean &&
		git switch -q work && git merge -q production -m merge
	)
'

test_expect_success 'a committed revision symlink that stays inside the tree is followed' '
	(
		cd repo &&
		git switch -q production &&
		mkdir -p archive &&
		f=$(ls migrations/versions/*_base.sql) &&
		git mv "$f" archive/ &&
		ln -s "../../archive/$(basename "$f")" "$f" &&
		git add -A && git commit -q -m "revision via a link" &&
		git switch -q work && git merge -q production -m merge &&
		git migrate verify >../out 2>&1
	) &&
	test_grep "verify: ok" out
'

# SQLite: replay runs in a sandbox; a revision on a branch must not reach the real database.
test_expect_success 'SQLite: ATTACH in a branch revision is denied by name; the real database is untouched' '
	if test_if_sqlite; then
		(
			cd repo &&
			rm -f app.db &&
			sqlite3 app.db "CREATE TABLE customers (id integer PRIMARY KEY); INSERT INTO customers VALUES (1), (2);" &&
			write_revision migrations/versions e0000000000e "$(base_id)" \
				"$(printf "ATTACH DATABASE %sapp.db%s AS real;\nDELETE FROM real.customers;" "'\''" "'\''")" "SELECT 1;" &&
			test_expect_code 1 git migrate verify --replay >../out 2>&1
		) &&
		test_grep "e0000000000e_revision_e0000000000e.sql:7: .replay. revision .e0000000000e. does not apply: ATTACH (or VACUUM INTO) .app.db. is not allowed here" out &&
		test "$(sqlite3 repo/app.db "SELECT count(*) FROM customers")" = 2 &&
		test_no_scratch_left
	else
		say "SQLite only"
	fi
'

test_expect_success 'SQLite: VACUUM INTO (outside a transaction) is denied; no file is created' '
	if test_if_sqlite; then
		(
			cd repo &&
			write_revision migrations/versions e0000000000e "$(base_id)" \
				"$(printf "VACUUM INTO %s%s/copy.db%s;" "'\''" "$outside" "'\''")" "SELECT 1;" &&
			f=$(ls migrations/versions/e0000000000e_*) &&
			sed -i "s/^-- message: .*/&\n-- transaction: false/" "$f" &&
			test_expect_code 1 git migrate verify --replay >../out 2>&1
		) &&
		test_grep "ATTACH (or VACUUM INTO) .*copy.db. is not allowed here" out &&
		test_path_is_missing "$outside/copy.db" &&
		rm repo/migrations/versions/e0000000000e_*
	else
		say "SQLite only"
	fi
'

test_done
