/* The models cache: the database the models' DDL makes, kept and inspected in place. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "error_int.h"
#include "cache_int.h"
#include "interrupt.h"
#include "repo_int.h"
#include "schema_int.h"
#include "util/banned.h"

#define NAME_KEY_HEX 24

/*
 * The key: what the inspected database depends on. The DDL text itself (the models as
 * planned from an empty schema: anything the models change changes it); the tool and
 * its build (the planner wrote that DDL, the inspector reads the result); the dialect and
 * the server's version (how the server executes the DDL and spells what it holds); the
 * session (pg_session: role, search_path, the encoding and locale of a new database, the
 * extensions on offer); the version table's name (inspection leaves a table of that name
 * out). Not in it: what the run does with the result (rename hints and origins come from
 * the models every run) and the contents of the server's template database, which a
 * new database copies (a changed template1 needs `git migrate cache clear`).
 */
static int models_key(char out[GM_OID_HEXSZ + 1], gm_cache *c, gm_conn *conn, const char *ddl)
{
	gm_buf key = GM_BUF_INIT;
	char *version = NULL, *session = NULL;
	int error;

	if ((error = c->ops->server_version(&version, conn)) < 0 ||
	    (error = c->ops->session(&session, conn)) < 0)
		goto done;
	gm_buf_puts(&key, "git-migrate-models-cache 1\n");
	gm_cache_key_tool(&key, conn->dialect->name, version);
	gm_buf_printf(&key, "session %s\nversion_table %s\nddl\n%s", session, c->version_table,
		      ddl);
	gm_repo_hash_blob(out, key.ptr, key.len);
done:
	free(version);
	free(session);
	gm_buf_release(&key);
	return error;
}

bool gm_cache_models_on(const gm_dialect *d)
{
	const gm_cache_ops *ops = gm_cache_ops_for(d);

	return ops && ops->session && ops->open && ops->keep;
}

int gm_cache_models_new(gm_cache **out, gm_repo *repo, const gm_config *cfg, const gm_url *server,
			gm_conn *conn, const char *ddl)
{
	gm_cache *c;
	int error;

	*out = NULL;
	if (cfg->cache_size <= 0 || !conn || !gm_cache_models_on(server->dialect) ||
	    !(c = gm_cache_handle(repo, server, GM_CACHE_MODELS)))
		return 0;
	c->size = cfg->cache_size;
	c->version_table = cfg->version_table;
	if ((error = models_key(c->base, c, conn, ddl)) < 0) {
		gm_cache_free(c);
		return error;
	}
	snprintf(c->name, sizeof(c->name), "%smodels_%.*s", c->prefix, NAME_KEY_HEX, c->base);
	*out = c;
	return 0;
}

/* The hash of s's fingerprint, as the entry stores it. */
static void schema_hash(char out[GM_OID_HEXSZ + 1], const gm_schema *s)
{
	gm_buf fp = GM_BUF_INIT;

	gm_schema_fingerprint(&fp, s);
	gm_cache_fingerprint_hash(out, fp.ptr ? fp.ptr : "");
	gm_buf_release(&fp);
}

/* Inspect c's entry through conn; whether its schema is its metadata's fingerprint (and
 * the metadata a models entry's of this key). */
static int inspect_entry(gm_schema **out, gm_cache *c, gm_conn *conn, const char *meta)
{
	gm_cache_meta m;
	char got[GM_OID_HEXSZ + 1];
	int error;

	*out = NULL;
	if (gm_cache_meta_parse(&m, meta) < 0 || m.kind != GM_CACHE_MODELS ||
	    strcmp(m.base, c->base)) {
		gm_cache_meta_release(&m);
		return gm_error_set(GM_EINVALID, "not this key's models entry");
	}
	if ((error = conn->dialect->inspect(out, conn, c->version_table)) == 0) {
		schema_hash(got, *out);
		if (strcmp(got, m.fingerprint))
			error = gm_error_set(GM_EINVALID, "not the schema of its fingerprint");
	}
	gm_cache_meta_release(&m);
	if (error < 0) {
		gm_schema_free(*out);
		*out = NULL;
	}
	return error;
}

int gm_cache_models_read_start(bool *present, gm_cache *c)
{
	int error;

	*present = false;
	if (c->reading.started)
		return 0;
	if ((error = gm_interrupt_check()) < 0)
		return error;
	c->reading.started = true;
	error = c->ops->open(&c->reading.conn, &c->reading.meta, &c->where, c->name);
	if (error < 0) {
		/* gm_cache_models_read says what it means: none (a miss), or not readable */
		c->reading.open_error = error;
		gm_error_clear();
		return gm_interrupted() ? gm_interrupt_error() : 0;
	}
	*present = true;
	if (c->reading.conn->dialect->inspect_send)
		c->reading.conn->dialect->inspect_send(c->reading.conn, c->version_table);
	return 0;
}

int gm_cache_models_read(gm_schema **out, const char **note, gm_cache *c)
{
	gm_conn *conn;
	char *meta;
	bool present;
	int error;

	*out = NULL;
	*note = "miss";
	if ((error = gm_cache_models_read_start(&present, c)) < 0)
		return error; /* an interrupt */
	conn = c->reading.conn;
	meta = c->reading.meta;
	error = c->reading.open_error;
	memset(&c->reading, 0, sizeof(c->reading));
	if (error == GM_ENOTFOUND) {
		gm_error_clear();
		return 0;
	}
	if (error == 0)
		error = inspect_entry(out, c, conn, meta);
	if (conn)
		conn->dialect->disconnect(conn);
	free(meta);
	if (error == 0 || error == GM_EINTERRUPTED) {
		*note = error ? "miss" : "hit";
		return error;
	}
	/* not what its fingerprint says, or not readable (gone, cut off by another run's
	 * cache clear): never trusted, removed, so that this run's build takes its place */
	*note = error == GM_EINVALID ? "a bad entry was removed; miss" : "miss (entry unreadable)";
	gm_error_clear();
	if (c->ops->remove(&c->where, c->name) < 0)
		gm_error_clear();
	return gm_interrupted() ? gm_interrupt_error() : 0;
}

int gm_cache_models_save(gm_cache *c, gm_scratch *s, const gm_schema *schema)
{
	gm_cache_meta m;
	gm_buf text = GM_BUF_INIT;
	int error;

	memset(&m, 0, sizeof(m));
	m.kind = GM_CACHE_MODELS;
	m.tables = schema->tables_nr;
	memcpy(m.base, c->base, sizeof(m.base));
	m.created = (long long)time(NULL);
	schema_hash(m.fingerprint, schema);
	gm_cache_meta_format(&text, &m);
	error = gm_cache_saved(c, c->ops->keep(&c->where, s, c->name, text.ptr));
	gm_buf_release(&text);
	return error;
}
