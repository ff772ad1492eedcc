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
 * session (pg_session: role, search_path and current schema, encoding and locale, the
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

/* The stored metadata of c's entry into m: 1 when it is there and a models entry of
 * this key, 0 when there is none, -1 when it is there but not well formed. */
static int entry_meta(gm_cache_meta *m, gm_cache *c)
{
	gm_cache_stored_list l = { NULL, 0, 0 };
	int found = 0;
	size_t i;

	memset(m, 0, sizeof(*m));
	if (c->ops->list(&l, &c->where, c->name) < 0)
		gm_error_clear();
	for (i = 0; i < l.nr && !found; i++) {
		if (strcmp(l.v[i].name, c->name))
			continue;
		found = -1;
		if (gm_cache_meta_parse(m, l.v[i].meta) < 0)
			gm_error_clear();
		else if (m->kind == GM_CACHE_MODELS && !strcmp(m->base, c->base))
			found = 1;
	}
	gm_cache_stored_list_release(&l);
	return found;
}

/* Inspect entry `name` on a read-only connection. */
static int inspect_entry(gm_schema **out, gm_cache *c)
{
	gm_conn *conn = NULL;
	int error;

	if ((error = c->ops->open(&conn, &c->where, c->name)) < 0)
		return error;
	error = conn->dialect->inspect(out, conn, c->version_table);
	conn->dialect->disconnect(conn);
	return error;
}

int gm_cache_models_read(gm_schema **out, const char **note, gm_cache *c)
{
	gm_cache_meta m;
	gm_schema *s = NULL;
	char got[GM_OID_HEXSZ + 1];
	int found, error = 0;

	*out = NULL;
	*note = "miss";
	if ((found = entry_meta(&m, c)) == 0)
		goto done;
	if (found < 0) {
		*note = "a bad entry was removed; miss";
		goto bad;
	}
	if ((error = gm_interrupt_check()) < 0)
		goto done;
	if ((error = inspect_entry(&s, c)) < 0) {
		/* gone (another run's cache clear), or cut off while being read */
		*note = "miss (entry unreadable)";
		goto bad;
	}
	schema_hash(got, s);
	if (!strcmp(got, m.fingerprint)) {
		*out = s;
		s = NULL;
		*note = "hit";
		goto done;
	}
	*note = "a bad entry was removed; miss";
bad:
	/* never trusted: removed, so that this run's build takes its place */
	if (c->ops->remove(&c->where, c->name) < 0)
		gm_error_clear();
	error = gm_interrupted() ? gm_interrupt_error() : 0;
done:
	if (error == 0)
		gm_error_clear();
	gm_schema_free(s);
	gm_cache_meta_release(&m);
	return error;
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
	error = c->ops->keep(&c->where, s, c->name, text.ptr);
	if (error == GM_EEXISTS) /* another run kept the same key first */
		error = 0;
	gm_buf_release(&text);
	if (error == 0)
		gm_cache_bound(c);
	return error;
}
