/* The {sqlalchemy: "module:attribute"} models source: Python prints SQLAlchemy's own DDL. */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "error_int.h"
#include "models_int.h"
#include "util/run.h"
#include "util/banned.h"

/*
 * The script, run as `python -c SCRIPT module:attribute dialect`. It imports the module
 * (with stdout sent to stderr, so that what an app prints when imported never mixes with
 * the DDL), takes the attribute (a MetaData, or anything but a schema item whose
 * `.metadata` is one: a declarative Base, a Flask-SQLAlchemy db), and runs
 * `metadata.create_all` on a mock engine of the dialect (create_mock_engine; SQLAlchemy
 * 1.3's strategy="mock"): SQLAlchemy's own DDL, in its own order, with no connection.
 * create_all gives what a sorted CreateTable loop would not: a PostgreSQL enum used by
 * several tables is created once, before them (its memo of created type names); foreign
 * keys in a cycle become ALTER TABLE ... ADD CONSTRAINT after the tables (use_alter);
 * indexes, sequences, comments and DDL() event listeners come in their place. On
 * PostgreSQL the schemas that tables and types name are created first (create_all
 * expects them to exist: CREATE SCHEMA IF NOT EXISTS, so public is harmless). Exit codes
 * read by failure() below: 3 the import failed (traceback on stderr), 4 no such attribute,
 * 5 not a metadata (stderr names its type), 6 no SQLAlchemy.
 */
/* clang-format off */
static const char script[] =
	"import sys, traceback\n"
	"def main(spec, dialect):\n"
	"    module, attr = spec.split(':')\n"
	"    out, sys.stdout = sys.stdout, sys.stderr\n"
	"    try:\n"
	"        import sqlalchemy\n"
	"    except Exception:\n"
	"        traceback.print_exc()\n"
	"        sys.exit(6)\n"
	"    try:\n"
	"        import importlib\n"
	"        obj = importlib.import_module(module)\n"
	"    except BaseException:\n"
	"        traceback.print_exc()\n"
	"        sys.exit(3)\n"
	"    for name in attr.split('.'):\n"
	"        if not hasattr(obj, name):\n"
	"            sys.exit(4)\n"
	"        obj = getattr(obj, name)\n"
	"    md = obj\n"
	"    if not isinstance(md, sqlalchemy.MetaData):\n"
	"        md = None\n"
	"        if not isinstance(obj, sqlalchemy.schema.SchemaItem):\n"
	"            md = getattr(obj, 'metadata', None)\n"
	"    if not isinstance(md, sqlalchemy.MetaData):\n"
	"        t = type(obj)\n"
	"        m = '' if t.__module__ == 'builtins' else t.__module__ + '.'\n"
	"        sys.stderr.write(m + t.__qualname__)\n"
	"        sys.exit(5)\n"
	"    if dialect == 'postgres':\n"
	"        from sqlalchemy.dialects import postgresql as d\n"
	"    else:\n"
	"        from sqlalchemy.dialects import sqlite as d\n"
	"    dia = d.dialect()\n"
	"    ddl = []\n"
	"    if dialect == 'postgres':\n"
	"        names = set()\n"
	"        for t in md.tables.values():\n"
	"            names.add(t.schema)\n"
	"            names.update(getattr(c.type, 'schema', None) for c in t.columns)\n"
	"        q = dia.identifier_preparer.quote_schema\n"
	"        ddl += ['CREATE SCHEMA IF NOT EXISTS %s;\\n' % q(n)\n"
	"                for n in sorted(n for n in names if isinstance(n, str))]\n"
	"    def emit(sql, *args, **kw):\n"
	"        text = str(sql.compile(dialect=dia)).strip()\n"
	"        if text:\n"
	"            ddl.append(text + ';\\n')\n"
	"    try:\n"
	"        engine = sqlalchemy.create_mock_engine(dia.name + '://', emit)\n"
	"    except AttributeError:\n"
	"        engine = sqlalchemy.create_engine(dia.name + '://', strategy='mock',\n"
	"                                          executor=emit)\n"
	"    md.create_all(engine, checkfirst=False)\n"
	"    out.write(''.join(ddl))\n"
	"    out.flush()\n"
	"main(sys.argv[1], sys.argv[2])\n";
/* clang-format on */

#define TAIL_LINES 10

/* The error of a run that did not exit 0 (see the script's exit codes). */
static int failure(const char *python, const char *spec, int status, gm_buf *err)
{
	size_t mod_len = strcspn(spec, ":");
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;

	if (code == 127 && !err->len) {
		gm_error_set(GM_ERROR, "cannot run '%s' for the models source sqlalchemy '%s'",
			     python, spec);
		gm_error_hint("install Python 3 with SQLAlchemy (Debian: python3-sqlalchemy), "
			      "or name the interpreter with 'python:' in .gitmigrate.yml");
		return GM_ERROR;
	}
	if (code == 3)
		gm_error_set(GM_ERROR,
			     "cannot import module '%.*s' of the models source "
			     "sqlalchemy '%s'",
			     (int)mod_len, spec, spec);
	else if (code == 4)
		gm_error_set(GM_ERROR,
			     "module '%.*s' has no attribute '%s' (models source "
			     "sqlalchemy '%s')",
			     (int)mod_len, spec, spec + mod_len + 1, spec);
	else if (code == 5)
		gm_error_set(GM_ERROR,
			     "'%s' is a %s, not a SQLAlchemy MetaData, declarative Base "
			     "or Flask-SQLAlchemy db",
			     spec, err->ptr);
	else if (code == 6)
		gm_error_set(GM_ERROR,
			     "'%s' cannot import sqlalchemy (models source "
			     "sqlalchemy '%s')",
			     python, spec);
	else if (code < 0)
		gm_error_set(GM_ERROR,
			     "'%s' was killed by signal %d (models source sqlalchemy "
			     "'%s')",
			     python, WTERMSIG(status), spec);
	else
		gm_error_set(GM_ERROR,
			     "'%s' failed with exit status %d (models source "
			     "sqlalchemy '%s')",
			     python, code, spec);
	if (code == 6)
		gm_error_hint("install SQLAlchemy for it (Debian: python3-sqlalchemy), or name "
			      "another interpreter with 'python:' in .gitmigrate.yml");
	if (code != 5) {
		const char *tail = gm_run_tail(err, TAIL_LINES);
		if (*tail)
			gm_error_detail("%s", tail);
	}
	return GM_ERROR;
}

int gm_models_sqlalchemy_ddl(gm_buf *out, const gm_config *cfg, const char *spec,
			     const char *dialect)
{
	const char *python = cfg->python ? cfg->python : "python3";
	const char *argv[] = { python, "-c", script, spec, dialect, NULL };
	const char *old = getenv("PYTHONPATH");
	const char *set[] = { NULL, NULL };
	gm_buf path = GM_BUF_INIT, err = GM_BUF_INIT;
	int status = 0, error;

	/* the project root first, so that "app.models" is the project's own */
	gm_buf_printf(&path, "PYTHONPATH=%s%s%s", cfg->root, old && *old ? ":" : "",
		      old && *old ? old : "");
	set[0] = path.ptr;
	error = gm_run_argv(out, &err, &status, argv, cfg->root, set);
	if (error == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		error = failure(python, spec, status, &err);
	gm_buf_release(&err);
	gm_buf_release(&path);
	return error;
}
