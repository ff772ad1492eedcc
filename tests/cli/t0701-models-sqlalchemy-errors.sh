#!/bin/sh
test_description='{sqlalchemy:} model sources that cannot load: exit 2 naming the module, with the tail of the traceback; nothing written'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"
. "$TEST_DIR/lib-python.sh"
python_need sqlalchemy

# use <spec> [<extra config line>]: the repository's models become {sqlalchemy: <spec>}.
use() {
	(
		cd repo &&
		gm_write_config "[{sqlalchemy: \"$1\"}]" &&
		if test -n "$2"; then printf "%s\n" "$2" >>.gitmigrate.yml; fi
	)
}

# fails_cleanly: prepare exits 2, writes no revision and leaves no scratch database.
fails_cleanly() {
	(cd repo && test_expect_code 2 git migrate prepare >../out 2>../err) &&
	test_must_be_empty out &&
	test_path_is_missing repo/migrations &&
	test_no_scratch_left
}

test_expect_success 'setup: a project with a models module' '
	git init -q -b production repo &&
	mkdir repo/app && : >repo/app/__init__.py &&
	cat >repo/app/models.py <<-PY &&
	from sqlalchemy import MetaData, Table, Column, Integer
	metadata = MetaData()
	t = Table("t", metadata, Column("id", Integer, primary_key=True))
	answer = 42
	PY
	cat >repo/app/broken.py <<-PY &&
	import app.models
	def connect():
	    raise RuntimeError("cannot reach the settings service")
	def level1(): connect()
	def level2(): level1()
	def level3(): level2()
	def level4(): level3()
	level4()
	PY
	use app.models:metadata &&
	(cd repo && printf "__pycache__/\n" >.gitignore && git add -A && git commit -q -m app &&
	 git migrate prepare --dry-run 2>../err) &&
	test_grep "add table t" err
'

test_expect_success 'a module that does not exist: exit 2, the module named, ModuleNotFoundError shown' '
	use nosuch.models:metadata &&
	fails_cleanly &&
	test_grep "^fatal: .*\.gitmigrate\.yml:1: cannot import module .nosuch\.models. of the models source sqlalchemy .nosuch\.models:metadata." err &&
	test_grep "ModuleNotFoundError: No module named .nosuch." err
'

test_expect_success 'a module that raises when imported: the last lines of its traceback' '
	use app.broken:metadata &&
	fails_cleanly &&
	test_grep "cannot import module .app\.broken." err &&
	test_grep "RuntimeError: cannot reach the settings service" err &&
	test_grep "in connect" err &&
	test_grep -v "in level4" err &&
	test $(grep -c "^    " err) -le 10
'

test_expect_success 'an attribute the module lacks' '
	use app.models:meta &&
	fails_cleanly &&
	test_grep "fatal: .*module .app\.models. has no attribute .meta. (models source sqlalchemy .app\.models:meta.)" err
'

test_expect_success 'an attribute that is not a metadata (a Table is not one either)' '
	use app.models:answer &&
	fails_cleanly &&
	test_grep "fatal: .*.app\.models:answer. is a int, not a SQLAlchemy MetaData, declarative Base or Flask-SQLAlchemy db" err &&
	use app.models:t &&
	fails_cleanly &&
	test_grep "is a sqlalchemy\.sql\.schema\.Table, not a SQLAlchemy MetaData" err
'

test_expect_success 'python: an interpreter that does not exist' '
	use app.models:metadata "python: /nonexistent/python3" &&
	fails_cleanly &&
	test_grep "fatal: .*cannot run ./nonexistent/python3. for the models source sqlalchemy .app\.models:metadata." err &&
	test_grep "hint: .*python:" err
'

test_expect_success 'python: an interpreter without SQLAlchemy' '
	printf "#!/bin/sh\nexec \"%s\" -S -I \"\$@\"\n" "$PYTHON" >nosa &&
	chmod +x nosa &&
	if ./nosa -c "import sqlalchemy" 2>/dev/null
	then
		echo "# $PYTHON -S -I still imports sqlalchemy: nothing to check"
	else
		use app.models:metadata "python: $PWD/nosa" &&
		fails_cleanly &&
		test_grep "cannot import sqlalchemy" err &&
		test_grep "hint: install SQLAlchemy" err
	fi
'

test_expect_success 'python: the interpreter named is the one run' '
	use app.models:metadata "python: $PYTHON" &&
	(cd repo && git migrate prepare --dry-run 2>../err) &&
	test_grep "add table t" err
'

test_expect_success 'a value that is not module:attribute, an unknown key: config errors at file:line' '
	use app.models &&
	(cd repo && test_expect_code 2 git migrate diff 2>../err) &&
	test_grep "fatal: .gitmigrate.yml:1:.*.sqlalchemy. must be \"module:attribute\"" err &&
	(cd repo && printf "models:\n  - {sqlalchemy: \"app.models:metadata\", python: x}\n" >.gitmigrate.yml &&
	 test_expect_code 2 git migrate diff 2>../err) &&
	test_grep "fatal: .gitmigrate.yml:2:.*needs one key" err &&
	(cd repo && printf "models:\n  - {sqlalchmy: \"app.models:metadata\"}\n" >.gitmigrate.yml &&
	 test_expect_code 2 git migrate diff 2>../err) &&
	test_grep "unknown key .sqlalchmy." err &&
	test_grep "hint: did you mean .sqlalchemy." err
'

test_done
