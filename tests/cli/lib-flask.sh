# lib-flask.sh: a real Flask-Migrate project for the adoption tests (source after lib.sh).
#
#   . "$TEST_DIR/lib-flask.sh"      # skips the whole script without python3 + flask_migrate
#   flask_project DIR DBURL         # the project below in DIR, upgraded on DBURL
#   flask_db DIR ARGS...            # `flask db ARGS...` in DIR, on DIR's database
#   flask_export DIR                # export FLASK_APP and APP_DATABASE_URL for DIR's app
#                                   # (in a subshell: then `flask db`, `git migrate import
#                                   # alembic` ... work in DIR as a user's shell would)
#   flask_head DIR                  # the id of each Alembic head (`flask db heads`), one a line
#   flask_rev DIR NAME              # the id of the revision whose file name ends in _NAME.py
#   flask_parents DIR ID            # the parents of revision ID, one a line, sorted
#   imported_like_alembic DIR       # each .py of DIR's history has a .sql beside it with
#                                   # its id and parents (after `git migrate import alembic`)
#
# DBURL is an SQLAlchemy URL that is also a git-migrate URL: sqlite:///<absolute path>
# (the file is created), or postgresql://user:pw@host:port/db (the database must exist;
# psycopg2). The project's app.py reads it from APP_DATABASE_URL: flask_project writes it
# to DIR/.env-url, and flask_db exports it from there (FLASK_APP=app.py, cwd DIR).
#
# The project (every revision written by Flask-Migrate itself):
#   models: contacts (id, email unique, phone), deals (id, title, amount numeric(12,2),
#           currency dealcurrency enum USD/EUR/AED/GBP, contact_id -> contacts), notes
#           (id, body, contact_id -> contacts)
#   migrations/versions, in order (file names <id>_<name>.py):
#     _initial   `flask db migrate`: contacts, deals (the enum column)   (the base)
#     _phone     `flask db migrate`: contacts.phone                     (parent: initial)
#     _notes     `flask db migrate --head <initial> --splice`: notes     (parent: initial)
#     _merge     `flask db merge heads`: merges phone and notes          (two parents)
#   (_initial's downgrade is hand-edited to drop the enum type on PostgreSQL, as users
#   do: see flask_drop_enum_on_downgrade), and the database upgraded to the merge by `flask db upgrade`.
#
# The app passes render_as_batch=False to Migrate: with Flask-Migrate's default (True) a
# dropped column on SQLite is a batch table rebuild, which needs a live database to
# reflect the table, so `flask db downgrade --sql` (offline mode) fails on it.
#
# The lead's end-to-end test builds on this interface: keep it stable.

. "$TEST_DIR/lib-python.sh"
python_need flask_migrate flask_sqlalchemy alembic sqlalchemy
case "$GM_TEST_DIALECT" in
postgres) python_need flask_migrate flask_sqlalchemy alembic sqlalchemy psycopg2 ;;
esac

# flask_db DIR ARGS...: `flask db ARGS...` (Flask-Migrate's CLI, through $PYTHON) in DIR.
flask_db() {
	_fd_dir=$1
	shift
	(
		cd "$_fd_dir" &&
		APP_DATABASE_URL=$(cat .env-url) FLASK_APP=app.py "$PYTHON" -m flask db "$@"
	)
}

# flask_export DIR: the environment the project's app reads.
flask_export() {
	APP_DATABASE_URL=$(cat "$1/.env-url") &&
	FLASK_APP=app.py &&
	export APP_DATABASE_URL FLASK_APP
}

# flask_app_models DIR STAGE: app.py for a stage of the models (1: contacts and deals;
# 2: + contacts.phone; 3: + notes; 4: both).
flask_app_models() {
	{
		cat <<-'PY'
		import enum
		import os

		from flask import Flask
		from flask_migrate import Migrate
		from flask_sqlalchemy import SQLAlchemy

		app = Flask(__name__)
		app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["APP_DATABASE_URL"]
		app.config["SQLALCHEMY_TRACK_MODIFICATIONS"] = False
		db = SQLAlchemy(app)
		# render_as_batch=False: Flask-Migrate's batch mode on SQLite rebuilds tables by
		# reflecting them, which Alembic's offline (--sql) mode cannot do
		migrate = Migrate(app, db, render_as_batch=False)


		class DealCurrency(enum.Enum):
		    USD = "USD"
		    EUR = "EUR"
		    AED = "AED"
		    GBP = "GBP"


		class Contact(db.Model):
		    __tablename__ = "contacts"
		    id = db.Column(db.Integer, primary_key=True)
		    email = db.Column(db.String(200), nullable=False, unique=True)
		PY
		case $2 in
		2 | 4)
			cat <<-'PY'
			    phone = db.Column(db.String(40))
			PY
			;;
		esac
		cat <<-'PY'


		class Deal(db.Model):
		    __tablename__ = "deals"
		    id = db.Column(db.Integer, primary_key=True)
		    title = db.Column(db.String(120), nullable=False)
		    amount = db.Column(db.Numeric(12, 2), nullable=False)
		    currency = db.Column(db.Enum(DealCurrency, name="dealcurrency"), nullable=False)
		    contact_id = db.Column(db.Integer, db.ForeignKey("contacts.id"))
		PY
		case $2 in
		3 | 4)
			cat <<-'PY'


			class Note(db.Model):
			    __tablename__ = "notes"
			    id = db.Column(db.Integer, primary_key=True)
			    body = db.Column(db.Text, nullable=False)
			    contact_id = db.Column(db.Integer, db.ForeignKey("contacts.id"), nullable=False)
			PY
			;;
		esac
	} >"$1/app.py"
}

# flask_rev DIR NAME: the id of the revision file <id>_NAME.py.
flask_rev() {
	for _fr in "$1"/migrations/versions/*_"$2".py; do
		test -f "$_fr" || return 1
		basename "$_fr" | sed "s/_$2\\.py\$//"
	done
}

# flask_head DIR: the heads, as `flask db heads` names them.
flask_head() {
	flask_db "$1" heads 2>/dev/null | sed 's/ .*//' | sort
}

# flask_parents DIR ID: the parents (down_revision) of ID, read by Alembic itself.
flask_parents() {
	(
		cd "$1/migrations" &&
		"$PYTHON" - "$2" <<-'PY'
		import sys
		from alembic.config import Config
		from alembic.script import ScriptDirectory
		cfg = Config()
		cfg.set_main_option("script_location", ".")
		rev = ScriptDirectory.from_config(cfg).get_revision(sys.argv[1])
		for p in sorted(rev._all_down_revisions):
		    print(p)
		PY
	)
}

# imported_like_alembic DIR: every Alembic revision of DIR has an imported revision file
# <id>_*.sql with the same id, and the same parents as Alembic reads them.
imported_like_alembic() {
	for _il_py in "$1"/migrations/versions/*.py; do
		_il_id=$(basename "$_il_py" | sed "s/_.*//") &&
		_il_sql=$(ls "$1"/migrations/versions/${_il_id}_*.sql) &&
		test "$(sed -n "s/^-- revision: //p" "$_il_sql")" = "$_il_id" &&
		sed -n "s/^-- down_revision: *//p" "$_il_sql" | tr -d " " | tr , "\n" |
			sed "/^$/d" | sort >imported.parents &&
		flask_parents "$1" "$_il_id" >alembic.parents &&
		test_cmp alembic.parents imported.parents || return 1
	done
}

# flask_drop_enum_on_downgrade FILE: the hand edit every Flask-Migrate user makes to an
# autogenerated revision that creates a PostgreSQL enum: Alembic's downgrade drops the
# tables but not the type, so a downgrade and upgrade again fails on CREATE TYPE.
flask_drop_enum_on_downgrade() {
	"$PYTHON" - "$1" <<-'PY'
	import sys
	path = sys.argv[1]
	src = open(path).read()
	old = "    op.drop_table('contacts')\n"
	new = old + (
	    "    if op.get_context().dialect.name == 'postgresql':\n"
	    "        op.execute('DROP TYPE dealcurrency')\n")
	assert src.count(old) == 1, "no drop_table('contacts') in " + path
	open(path, "w").write(src.replace(old, new))
	PY
}

# flask_project DIR DBURL: the project of the header in DIR (created), upgraded on DBURL.
flask_project() {
	mkdir -p "$1" &&
	printf '%s\n' "$2" >"$1/.env-url" &&
	flask_app_models "$1" 1 &&
	flask_db "$1" init >"$1/.flask.log" 2>&1 &&
	flask_db "$1" migrate -m initial >>"$1/.flask.log" 2>&1 &&
	flask_drop_enum_on_downgrade "$1"/migrations/versions/*_initial.py &&
	flask_db "$1" upgrade >>"$1/.flask.log" 2>&1 &&
	_fp_base=$(flask_rev "$1" initial) &&
	flask_app_models "$1" 2 &&
	flask_db "$1" migrate -m phone >>"$1/.flask.log" 2>&1 &&
	flask_db "$1" upgrade >>"$1/.flask.log" 2>&1 &&
	flask_app_models "$1" 4 &&
	flask_db "$1" migrate -m notes --head "$_fp_base" --splice >>"$1/.flask.log" 2>&1 &&
	flask_db "$1" upgrade heads >>"$1/.flask.log" 2>&1 &&
	flask_db "$1" merge -m merge heads >>"$1/.flask.log" 2>&1 &&
	flask_db "$1" upgrade >>"$1/.flask.log" 2>&1 &&
	test -n "$(flask_rev "$1" merge)" || {
		echo "flask_project: building the Flask-Migrate project failed:" >&2
		cat "$1/.flask.log" >&2
		return 1
	}
}
