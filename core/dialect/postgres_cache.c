/*
 * The cache on PostgreSQL: an entry is a database gm_cache_<...> on the scratch server,
 * its metadata in COMMENT ON DATABASE. On a hit, the run's scratch database is made as
 * its copy, CREATE DATABASE ... TEMPLATE (no empty one first; nobody may be connected to
 * a template while it is copied); a models entry is a scratch database renamed into place and only ever
 * connected to (read only) and inspected, never a template.
 *
 * Beside a snapshot entry, in the repository's cache directory, "<entry>.pgmemo" keeps
 * what its last inspection read (gm_pg_memo_capture): the copy's check then reads only
 * what changed since (postgres_inspect_memo.c). It is a saving, never trusted: a copy
 * whose catalog does not match it is read in full, a file that is damaged is ignored,
 * and a file that lies makes a schema whose fingerprint the check rejects.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "git-migrate/alloc.h"
#include "git-migrate/error.h"
#include "error_int.h"
#include "cache_ops.h"
#include "postgres.h"
#include "postgres_inspect.h"
#include "sql.h"
#include "util/file.h"
#include "git-migrate/vec.h"
#include "util/banned.h"

static const char version_sql[] = "SELECT current_setting('server_version_num')";
static const char list_sql[] =
	"SELECT datname, coalesce(pg_catalog.shobj_description(oid, 'pg_database'), '') "
	"FROM pg_catalog.pg_database WHERE left(datname, length($1)) = $1 ORDER BY datname";
static const char exists_sql[] = "SELECT 1 FROM pg_catalog.pg_database WHERE datname = $1";

/* The one value that `sql` returns ("" when no row). Caller frees *out. */
static int query_value(char **out, struct gm_pg_conn *c, const char *what, const char *sql)
{
	PGresult *res = NULL;
	int error;

	*out = NULL;
	if ((error = gm_pg_query(&res, c, what, sql, NULL, NULL)) < 0)
		return error;
	*out = gm_xstrdup(PQntuples(res) ? PQgetvalue(res, 0, 0) : "");
	PQclear(res);
	return 0;
}

static int pg_server_version(char **out, gm_conn *conn)
{
	return query_value(out, (struct gm_pg_conn *)conn, "cannot read the server version",
			   version_sql);
}

static int admin_open(struct gm_pg_conn **out, const gm_url *server)
{
	return gm_pg_connect_admin(out, server->conninfo, server->dbname, server->masked);
}

static void admin_close(struct gm_pg_conn *c)
{
	if (c)
		c->parent.dialect->disconnect(&c->parent);
}

/* Run one statement built in sql (then cleared). */
static int run(struct gm_pg_conn *c, gm_buf *sql, const char *what)
{
	PGresult *res = NULL;
	int error = gm_pg_query(&res, c, what, sql->ptr, NULL, NULL);

	PQclear(res);
	gm_buf_clear(sql);
	return error;
}

static bool db_exists(struct gm_pg_conn *c, const char *name)
{
	PGresult *res = NULL;
	bool yes = false;

	if (gm_pg_query(&res, c, "cannot list databases", exists_sql, name, NULL) == 0)
		yes = PQntuples(res) > 0;
	else
		gm_error_clear();
	PQclear(res);
	return yes;
}

/* A copy of database `from` named `name` (gm_pg_create_sql's statement). */
static int create_from(struct gm_pg_conn *c, const char *name, const char *from)
{
	gm_buf sql = GM_BUF_INIT;
	int error;

	gm_pg_create_sql(&sql, c, name, from);
	error = run(c, &sql, "cannot create database");
	gm_buf_release(&sql);
	return error;
}

/* DROP DATABASE, ending the sessions connected to it (gm_pg_drop_database: where the
 * server or the role allows): a run inspecting a models entry in place then falls back to
 * building it. */
static int drop_db(struct gm_pg_conn *c, const char *name)
{
	return gm_pg_drop_database(c, name, true, "cannot drop database");
}

struct save {
	const gm_cache_place *where;
	const char *name, *meta;
};

/* COMMENT ON DATABASE `db` IS meta, then ALTER DATABASE `db` RENAME TO name: GM_EEXISTS
 * when name exists already (another run saved it first). */
static int comment_rename(struct gm_pg_conn *admin, const char *db, const char *name,
			  const char *meta)
{
	gm_buf sql = GM_BUF_INIT;
	int error;

	gm_buf_puts(&sql, "COMMENT ON DATABASE ");
	gm_sql_ident(&sql, db);
	gm_buf_puts(&sql, " IS ");
	gm_sql_literal(&sql, meta);
	if ((error = run(admin, &sql, "cannot save cache entry")) == 0) {
		gm_buf_puts(&sql, "ALTER DATABASE ");
		gm_sql_ident(&sql, db);
		gm_buf_puts(&sql, " RENAME TO ");
		gm_sql_ident(&sql, name);
		if ((error = run(admin, &sql, "cannot save cache entry")) < 0 &&
		    db_exists(admin, name)) {
			gm_error_clear();
			error = GM_EEXISTS;
		}
	}
	gm_buf_release(&sql);
	return error;
}

/*
 * With the scratch disconnected: copy it to a temporary database named like a scratch
 * database of this process (so that a later run drops it when this one was killed),
 * comment it, rename it to the entry's name.
 */
static int save_disconnected(const gm_url *scratch, void *payload)
{
	struct save *sv = payload;
	struct gm_pg_conn *admin = NULL;
	gm_buf tmp = GM_BUF_INIT;
	char tag[GM_OWNER_TAG_MAX];
	static unsigned seq;
	int error;

	gm_owner_tag(tag);
	gm_buf_printf(&tmp, "gm_scratch_%s_%lld_cache%u", tag, (long long)time(NULL), seq++);
	if ((error = admin_open(&admin, sv->where->server)) < 0 ||
	    (error = create_from(admin, tmp.ptr, scratch->dbname)) < 0)
		goto done;
	error = comment_rename(admin, tmp.ptr, sv->name, sv->meta);
	if (error < 0 && drop_db(admin, tmp.ptr) < 0)
		gm_error_clear();
done:
	admin_close(admin);
	gm_buf_release(&tmp);
	return error;
}

/* The reconnected scratch gets the settings of pg_scratch_create's (postgres.c). */
static void check_client(gm_scratch *s)
{
	struct gm_pg_conn *c = (struct gm_pg_conn *)gm_scratch_conn(s);

	if (c)
		gm_pg_scratch_session(c);
}

/* "<dir>/<entry>.pgmemo" into path. */
static void memo_path(gm_buf *path, const gm_cache_place *where, const char *name)
{
	gm_buf_printf(path, "%s/%s.pgmemo", where->dir, name);
}

/* Put the memo kept beside entry `name` on conn (a new session on its copy); none, or
 * one that cannot be used, leaves conn as it is (its first inspection reads everything). */
static void memo_load(gm_conn *conn, const gm_cache_place *where, const char *name,
		      const gm_buf *kept)
{
	gm_buf path = GM_BUF_INIT, blob = GM_BUF_INIT;

	if (!conn || !where->dir)
		return;
	if (!kept) {
		memo_path(&path, where, name);
		if (gm_file_read(&blob, path.ptr) < 0)
			goto done;
		kept = &blob;
	}
	(void)gm_pg_memo_load((struct gm_pg_conn *)conn, kept->ptr ? kept->ptr : "", kept->len);
done:
	gm_error_clear();
	gm_buf_release(&path);
	gm_buf_release(&blob);
}

static int pg_save(const gm_cache_place *where, gm_scratch *s, const char *name, const char *meta)
{
	struct save sv = { where, name, meta };
	gm_buf memo = GM_BUF_INIT, path = GM_BUF_INIT;
	bool kept = false;
	int error;

	/* read before the session ends: the entry is a copy of this catalog */
	if (where->dir && gm_scratch_conn(s))
		kept = gm_pg_memo_capture(&memo, gm_scratch_conn(s), where->version_table) == 0;
	gm_error_clear();
	error = gm_scratch_redo(s, save_disconnected, &sv);
	check_client(s);
	if (kept) {
		/* the reconnected scratch database is that copy's twin too */
		memo_load(gm_scratch_conn(s), where, name, &memo);
		memo_path(&path, where, name);
		if (error == 0 && (gm_mkdirs(where->dir) < 0 ||
				   gm_file_write_atomic(path.ptr, memo.ptr, memo.len, true) < 0))
			gm_error_clear(); /* only a saving lost */
	}
	gm_buf_release(&memo);
	gm_buf_release(&path);
	return error;
}

/* The scratch made as a copy of the entry, its session as pg_scratch_create sets it. */
static int pg_copy(gm_scratch **out, const gm_cache_place *where, const char *name,
		   void (*meanwhile)(void *payload), void *payload)
{
	gm_scratch_from from = { name, meanwhile, payload };
	int error = gm_scratch_create_from(out, where->server, &from);

	if (error < 0)
		gm_error_prefix("cannot restore cache entry '%s'", name);
	else
		memo_load(gm_scratch_conn(*out), where, name, NULL);
	return error;
}

static int pg_connect_server(gm_conn **out, const gm_cache_place *where)
{
	struct gm_pg_conn *c = NULL;
	int error = admin_open(&c, where->server);

	*out = error < 0 ? NULL : &c->parent;
	return error;
}

static int pg_list(gm_cache_stored_list *out, const gm_cache_place *where, const char *prefix)
{
	struct gm_pg_conn *admin = NULL;
	PGresult *res = NULL;
	int i, error;

	if (where->dir) /* a kept inspection's file a killed run was writing */
		gm_file_remove_stale_temps(where->dir, ".pgmemo");
	if ((error = admin_open(&admin, where->server)) < 0 ||
	    (error = gm_pg_query(&res, admin, "cannot list cache entries", list_sql, prefix,
				 NULL)) < 0)
		goto done;
	for (i = 0; i < PQntuples(res); i++) {
		GM_ALLOC_GROW(out->v, out->nr + 1, out->alloc);
		out->v[out->nr].name = gm_xstrdup(PQgetvalue(res, i, 0));
		out->v[out->nr++].meta = gm_xstrdup(PQgetvalue(res, i, 1));
	}
done:
	PQclear(res);
	admin_close(admin);
	return error;
}

static int pg_remove(const gm_cache_place *where, const char *name)
{
	struct gm_pg_conn *admin = NULL;
	int error;

	gm_buf path = GM_BUF_INIT;

	if ((error = admin_open(&admin, where->server)) == 0)
		error = drop_db(admin, name);
	admin_close(admin);
	if (error == 0 && where->dir) {
		memo_path(&path, where, name);
		if (unlink(path.ptr) < 0 && errno != ENOENT)
			error = gm_error_set(GM_ERROR, "cannot remove '%s': %s", path.ptr,
					     strerror(errno));
	}
	gm_buf_release(&path);
	return error;
}

/*
 * The settings that shape a new database and its inspection, besides the version: the
 * role (and so the "$user" schema of search_path), search_path (where unqualified names
 * go), the encoding and locale that a new database takes from template1, and the
 * extensions the server offers, with their default versions (a package upgrade changes
 * what CREATE EXTENSION installs without changing the server's version). Read the same
 * on any database of the server: a run keys its entries on a connection to the server's
 * own database before it has a scratch one (cache_ops.h, connect); template1's schemas
 * (current_schema() of a new database) are, like the rest of its contents, not in it.
 */
static const char session_sql[] =
	"SELECT concat_ws(E'\\n', 'user ' || current_user, "
	"'search_path ' || current_setting('search_path'), "
	"'encoding ' || pg_catalog.pg_encoding_to_char(d.encoding), "
	"'locale ' || d.datcollate || ' ' || d.datctype, "
	"'extensions ' || (SELECT string_agg(name || ' ' || coalesce(default_version, '-'), ',' "
	"ORDER BY name) FROM pg_catalog.pg_available_extensions)) "
	"FROM pg_catalog.pg_database d WHERE d.datname = 'template1'";

static int pg_session(char **out, gm_conn *conn)
{
	return query_value(out, (struct gm_pg_conn *)conn, "cannot read the session", session_sql);
}

static const char own_meta_sql[] =
	"SELECT coalesce(pg_catalog.shobj_description(oid, 'pg_database'), '') "
	"FROM pg_catalog.pg_database WHERE datname = current_database()";

/*
 * Read only: a hit inspects the entry in place and must never change it. One connection
 * on a hit (the entry's own, which also reads its comment); the admin connection only
 * when it fails, to tell a missing entry from one that cannot be read.
 */
static int pg_open(gm_conn **out, char **meta_out, const gm_cache_place *where, const char *name)
{
	struct gm_pg_conn *c = NULL, *admin = NULL;
	int error;

	*out = NULL;
	*meta_out = NULL;
	if ((error = gm_pg_connect_admin(&c, where->server->conninfo, name,
					 where->server->masked)) < 0) {
		if (admin_open(&admin, where->server) == 0 && !db_exists(admin, name)) {
			gm_error_clear();
			error = GM_ENOTFOUND;
		}
		admin_close(admin);
		return error;
	}
	PQclear(PQexec(c->pg, "SET default_transaction_read_only = on"));
	if ((error = query_value(meta_out, c, "cannot read cache entry", own_meta_sql)) < 0) {
		admin_close(c);
		return error;
	}
	*out = &c->parent;
	return 0;
}

/* With the scratch disconnected: comment it and rename it into place. */
static int keep_disconnected(const gm_url *scratch, void *payload)
{
	struct save *sv = payload;
	struct gm_pg_conn *admin = NULL;
	int error;

	if ((error = admin_open(&admin, sv->where->server)) == 0)
		error = comment_rename(admin, scratch->dbname, sv->name, sv->meta);
	admin_close(admin);
	return error;
}

static int pg_keep(const gm_cache_place *where, gm_scratch *s, const char *name, const char *meta)
{
	struct save sv = { where, name, meta };

	return gm_scratch_keep(s, keep_disconnected, &sv);
}

const gm_cache_ops gm_cache_ops_postgres = {
	.server_version = pg_server_version,
	.list = pg_list,
	.save = pg_save,
	.copy = pg_copy,
	.connect = pg_connect_server,
	.remove = pg_remove,
	.session = pg_session,
	.open = pg_open,
	.keep = pg_keep,
};
