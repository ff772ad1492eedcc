/* The snapshot cache: find, restore, check, save and bound the entries (see cache.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "error_int.h"
#include "cache_int.h"
#include "replay.h"
#include "repo_int.h"
#include "git-migrate/vec.h"
#include "util/banned.h"

#define NAME_KEY_HEX 24

const gm_cache_ops *gm_cache_ops_for(const gm_dialect *d)
{
	if (d == &gm_dialect_sqlite)
		return &gm_cache_ops_sqlite;
	if (d == &gm_dialect_postgres)
		return &gm_cache_ops_postgres;
	return NULL;
}

gm_cache *gm_cache_handle(gm_repo *repo, const gm_url *server, enum gm_cache_kind kind)
{
	const char *common = gm_repo_commondir(repo);
	const gm_cache_ops *ops = gm_cache_ops_for(server->dialect);
	gm_buf dir = GM_BUF_INIT;
	char oid[GM_OID_HEXSZ + 1];
	gm_cache *c;

	if (!ops)
		return NULL;
	c = gm_xcalloc(1, sizeof(*c));
	c->ops = ops;
	c->kind = kind;
	gm_buf_printf(&dir, "%s/git-migrate/cache", common);
	c->dir = gm_buf_detach(&dir);
	c->where.dir = c->dir;
	c->where.server = server;
	gm_repo_hash_blob(oid, common, strlen(common));
	snprintf(c->prefix, sizeof(c->prefix), "gm_cache_%.8s_", oid);
	return c;
}

int gm_cache_new(gm_cache **out, gm_repo *repo, const gm_config *cfg, const gm_url *server,
		 gm_conn *conn, const gm_history *h, size_t stop, bool no_fixtures)
{
	char name_key[GM_OID_HEXSZ + 1];
	char *version = NULL;
	gm_cache *c;
	int error;

	*out = NULL;
	if (cfg->cache_size <= 0 || stop == 0 ||
	    !(c = gm_cache_handle(repo, server, GM_CACHE_SNAPSHOT)))
		return 0;
	c->size = cfg->cache_size;
	c->version_table = cfg->version_table;
	c->where.version_table = c->version_table;
	if ((error = c->ops->server_version(&version, conn)) < 0 ||
	    (error = gm_cache_key(c->base, name_key, repo, cfg, h, version, server->dialect->name,
				  no_fixtures)) < 0) {
		free(version);
		gm_cache_free(c);
		return error;
	}
	free(version);
	snprintf(c->name, sizeof(c->name), "%s%.*s", c->prefix, NAME_KEY_HEX, name_key);
	c->stop = stop;
	c->chains = gm_xcalloc(stop + 1, sizeof(*c->chains));
	gm_cache_chain_hashes(c->chains, h, stop);
	c->head = h->order[stop - 1]->id;
	*out = c;
	return 0;
}

void gm_cache_free(gm_cache *c)
{
	if (!c)
		return;
	if (c->reading.conn)
		c->reading.conn->dialect->disconnect(c->reading.conn);
	free(c->reading.meta);
	free(c->dir);
	free(c->chains);
	free(c);
}

const char *gm_cache_name(const gm_cache *c)
{
	return c->name;
}

void gm_cache_fingerprint_hash(char out[GM_OID_HEXSZ + 1], const char *fingerprint)
{
	gm_repo_hash_blob(out, fingerprint, strlen(fingerprint));
}

/* How many of this state's revisions entry m holds (a prefix of them), 0 when none. */
static size_t usable(const gm_cache *c, const gm_cache_meta *m)
{
	size_t k = m->revisions;

	if (m->kind != GM_CACHE_SNAPSHOT || strcmp(m->base, c->base) || k == 0 || k > c->stop ||
	    strcmp(m->chain, c->chains[k]))
		return 0;
	return k;
}

/* The index of the entry of l with the most of this state's revisions, or l->nr. */
static size_t best_entry(const gm_cache *c, const gm_cache_stored_list *l, gm_cache_meta *out)
{
	size_t i, best = l->nr, best_k = 0;
	gm_cache_meta m;

	for (i = 0; i < l->nr; i++) {
		size_t k;
		if (gm_cache_meta_parse(&m, l->v[i].meta) < 0) {
			gm_error_clear();
			continue;
		}
		k = usable(c, &m);
		if (k > best_k) {
			best_k = k;
			best = i;
			gm_cache_meta_release(out);
			*out = m;
		} else {
			gm_cache_meta_release(&m);
		}
	}
	return best;
}

/* Whether the scratch now holds the schema whose fingerprint hash is `want`; that schema
 * into *keep when it does. */
static bool schema_is(gm_scratch *s, const gm_cache *c, const char *want, gm_schema **keep)
{
	gm_conn *conn = gm_scratch_conn(s);
	gm_schema *schema = NULL;
	gm_buf fp = GM_BUF_INIT;
	char got[GM_OID_HEXSZ + 1] = "";

	if (conn && conn->dialect->inspect(&schema, conn, c->version_table) == 0) {
		gm_schema_fingerprint(&fp, schema);
		gm_cache_fingerprint_hash(got, fp.ptr ? fp.ptr : "");
	}
	gm_error_clear();
	gm_buf_release(&fp);
	if (strcmp(got, want)) {
		gm_schema_free(schema);
		return false;
	}
	*keep = schema;
	return true;
}

int gm_cache_server_conn(gm_conn **out, const gm_url *server)
{
	const gm_cache_ops *ops = gm_cache_ops_for(server->dialect);
	gm_cache_place where = { server, NULL, NULL };

	*out = NULL;
	if (!ops || !ops->copy || !ops->connect)
		return 0;
	return ops->connect(out, &where);
}

/* Entry `name` into *s (see gm_cache_restore), its schema checked against `want`: 0,
 * GM_EEXISTS (in use, see cache_ops.h's copy), or < 0 when the entry is bad. */
static int restore_entry(gm_cache *c, gm_scratch **s, const char *name, const char *want,
			 gm_schema **schema_out, void (*meanwhile)(void *), void *payload)
{
	int error;

	if (*s)
		error = c->ops->restore ? c->ops->restore(&c->where, *s, name)
					: gm_error_set(GM_EINVALID, "no restore");
	else
		error = c->ops->copy ? c->ops->copy(s, &c->where, name, meanwhile, payload)
				     : gm_error_set(GM_EINVALID, "no copy");
	if (error == 0 && !schema_is(*s, c, want, schema_out))
		error = gm_error_set(GM_EINVALID, "not the schema of its fingerprint");
	return error;
}

int gm_cache_restore(gm_cache_meta *meta_out, gm_schema **schema_out, gm_cache *c, gm_scratch **s,
		     void (*meanwhile)(void *payload), void *payload)
{
	gm_cache_stored_list l = { NULL, 0, 0 };
	size_t i;
	int error;

	memset(meta_out, 0, sizeof(*meta_out));
	*schema_out = NULL;
	if ((error = c->ops->list(&l, &c->where, c->prefix)) < 0)
		goto done;
	i = best_entry(c, &l, meta_out);
	if (i == l.nr)
		goto done;
	error = restore_entry(c, s, l.v[i].name, meta_out->fingerprint, schema_out, meanwhile,
			      payload);
	if (error == 0 || error == GM_EEXISTS) {
		/* in use: left as it is, and the run goes on without it */
		if (error)
			gm_cache_meta_release(meta_out);
		goto done;
	}
	/* corrupt, half-built or changed behind our back: never used, removed */
	gm_error_clear();
	if (c->ops->remove(&c->where, l.v[i].name) < 0)
		gm_error_clear();
	gm_cache_meta_release(meta_out);
	error = GM_ENOTFOUND;
done:
	gm_cache_stored_list_release(&l);
	return error;
}

/* Newest first; entries without readable metadata last. */
static int by_created(const void *a, const void *b)
{
	const gm_cache_entry_info *x = a, *y = b;

	if (x->created != y->created)
		return x->created < y->created ? 1 : -1;
	return strcmp(x->name, y->name);
}

/* l's entries as infos, newest first. */
static void to_infos(gm_cache_list *out, const gm_cache_stored_list *l)
{
	gm_cache_meta m;
	size_t i;

	for (i = 0; i < l->nr; i++) {
		gm_cache_entry_info *e;
		GM_ALLOC_GROW(out->v, out->nr + 1, out->alloc);
		e = &out->v[out->nr++];
		memset(e, 0, sizeof(*e));
		e->name = gm_xstrdup(l->v[i].name);
		if (gm_cache_meta_parse(&m, l->v[i].meta) < 0) {
			gm_error_clear();
			e->head = gm_xstrdup("");
			continue;
		}
		e->valid = true;
		e->models = m.kind == GM_CACHE_MODELS;
		e->tables = m.tables;
		e->head = gm_xstrdup(m.head ? m.head : "");
		e->revisions = m.revisions;
		e->rows = m.fixtures.rows;
		e->created = m.created;
		gm_cache_meta_release(&m);
	}
	if (out->nr > 1)
		qsort(out->v, out->nr, sizeof(*out->v), by_created);
}

/* Drop the oldest valid entries of c's kind beyond the configured size, never c's own
 * (half-written ones are another run's, still being saved: left alone). Best effort. */
static void bound(gm_cache *c)
{
	gm_cache_stored_list l = { NULL, 0, 0 };
	gm_cache_list infos = { NULL, 0, 0, NULL };
	bool models = c->kind == GM_CACHE_MODELS;
	size_t i;
	long kept = 1; /* c->name */

	if (c->ops->list(&l, &c->where, c->prefix) == 0) {
		to_infos(&infos, &l);
		for (i = 0; i < infos.nr; i++)
			if (infos.v[i].valid && infos.v[i].models == models &&
			    strcmp(infos.v[i].name, c->name) && ++kept > c->size &&
			    c->ops->remove(&c->where, infos.v[i].name) < 0)
				gm_error_clear();
	}
	gm_error_clear();
	gm_cache_list_release(&infos);
	gm_cache_stored_list_release(&l);
}

int gm_cache_saved(gm_cache *c, int error)
{
	if (error == GM_EEXISTS) /* another run saved the same entry first */
		error = 0;
	if (error == 0)
		bound(c);
	return error;
}

int gm_cache_save(gm_cache *c, gm_scratch *s, const char *fingerprint, bool fixtures_loaded,
		  const gm_fixtures_report *fixtures)
{
	gm_cache_meta m;
	gm_buf text = GM_BUF_INIT;
	int error;

	memset(&m, 0, sizeof(m));
	memcpy(m.base, c->base, sizeof(m.base));
	memcpy(m.chain, c->chains[c->stop], sizeof(m.chain));
	m.revisions = c->stop;
	m.head = (char *)c->head;
	m.created = (long long)time(NULL);
	gm_cache_fingerprint_hash(m.fingerprint, fingerprint);
	m.fixtures_loaded = fixtures_loaded;
	m.fixtures = *fixtures;
	gm_cache_meta_format(&text, &m);
	error = gm_cache_saved(c, c->ops->save(&c->where, s, c->name, text.ptr));
	gm_buf_release(&text);
	return error;
}

/* The configured scratch server's cache for repo (no key: list and clear). */
static int cache_open_place(gm_cache **out, gm_url **server_out, gm_repo *repo,
			    const gm_config *cfg)
{
	int error;

	*out = NULL;
	if ((error = gm_replay_scratch_server(server_out, cfg)) < 0)
		return error;
	if (!(*out = gm_cache_handle(repo, *server_out, GM_CACHE_SNAPSHOT)))
		return gm_error_set(GM_EINVALID, "dialect '%s' has no snapshot cache",
				    (*server_out)->dialect->name);
	return 0;
}

int gm_cache_list_entries(gm_cache_list *out, gm_repo *repo, const gm_config *cfg)
{
	gm_cache_stored_list l = { NULL, 0, 0 };
	gm_cache *c = NULL;
	gm_url *server = NULL;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = cache_open_place(&c, &server, repo, cfg)) < 0 ||
	    (error = c->ops->list(&l, &c->where, c->prefix)) < 0)
		goto done;
	to_infos(out, &l);
	out->where = gm_xstrdup(server->path || !server->conninfo ? c->dir : server->masked);
done:
	gm_cache_stored_list_release(&l);
	gm_cache_free(c);
	gm_url_free(server);
	return error;
}

int gm_cache_clear(size_t *removed, gm_repo *repo, const gm_config *cfg)
{
	gm_cache_stored_list l = { NULL, 0, 0 };
	gm_cache *c = NULL;
	gm_url *server = NULL;
	size_t i;
	int error;

	*removed = 0;
	if ((error = cache_open_place(&c, &server, repo, cfg)) < 0 ||
	    (error = c->ops->list(&l, &c->where, c->prefix)) < 0)
		goto done;
	for (i = 0; i < l.nr && error == 0; i++)
		if ((error = c->ops->remove(&c->where, l.v[i].name)) == 0)
			(*removed)++;
done:
	gm_cache_stored_list_release(&l);
	gm_cache_free(c);
	gm_url_free(server);
	return error;
}

void gm_cache_list_release(gm_cache_list *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++) {
		free(l->v[i].name);
		free(l->v[i].head);
	}
	free(l->v);
	free(l->where);
	memset(l, 0, sizeof(*l));
}
