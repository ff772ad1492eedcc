# lib-python.sh: the Python side of the adoption tests (Flask-Migrate, Alembic, SQLAlchemy).
#
#   . "$TEST_DIR/lib-python.sh"
#   python_need flask_migrate flask_sqlalchemy   # or test_skip_all
#
# python_need finds a python3 that imports every module named, and puts its directory
# first on PATH, so that `python3`, `flask` and `alembic` in the test are that Python's
# (Debian's packages live in /usr/bin's Python; a python3 of pyenv or a virtualenv that
# comes first on PATH may lack them). Without one, the whole script is skipped.
python_need() {
	_py_import=$(printf 'import %s;' "$@")
	for _py in "$(command -v python3 2>/dev/null)" /usr/bin/python3; do
		test -n "$_py" && test -x "$_py" || continue
		if "$_py" -c "$_py_import" 2>/dev/null; then
			PATH=$(dirname "$_py"):$PATH
			export PATH
			PYTHON=$_py
			export PYTHON
			return 0
		fi
	done
	test_skip_all "no python3 with the modules $*"
}
