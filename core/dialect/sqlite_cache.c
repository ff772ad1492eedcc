/* The snapshot cache on SQLite: entries are files <name>.db and <name>.meta in a directory. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>
#include "git-migrate/alloc.h"
#include "git-migrate/error.h"
#include "error_int.h"
#include "cache_ops.h"
#include "sqlite.h"
#include "repo_int.h"
#include "util/file.h"
#include "git-migrate/vec.h"
#include "util/banned.h"

void gm_cache_stored_list_release(gm_cache_stored_list *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++) {
		free(l->v[i].name);
		free(l->v[i].meta);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int sqlite_server_version(char **out, gm_conn *conn)
{
	(void)conn;
	*out = gm_xstrdup(sqlite3_libversion());
	return 0;
}

/* Copy database `from` into `to` whole (the backup API). GM_EDB naming `what`. */
static int copy_db(sqlite3 *to, sqlite3 *from, const char *what)
{
	sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
	int rc;

	if (!b)
		return gm_error_set(GM_EDB, "%s: %s", what, sqlite3_errmsg(to));
	rc = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE)
		return gm_error_set(GM_EDB, "%s: %s", what, sqlite3_errstr(rc));
	return 0;
}

static int sqlite_save(const gm_cache_place *where, gm_scratch *s, const char *name,
		       const char *meta)
{
	gm_buf tmp = GM_BUF_INIT, db = GM_BUF_INIT, mp = GM_BUF_INIT;
	char tag[GM_OWNER_TAG_MAX];
	sqlite3 *dst = NULL;
	int error;

	gm_owner_tag(tag);
	gm_buf_printf(&db, "%s/%s.db", where->dir, name);
	gm_buf_printf(&mp, "%s/%s.meta", where->dir, name);
	gm_buf_printf(&tmp, "%s.%s.tmp", db.ptr, tag);
	if ((error = gm_mkdirs(where->dir)) < 0)
		goto done;
	if (sqlite3_open_v2(tmp.ptr, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		error = gm_error_set(GM_EDB, "cannot create cache entry '%s': %s", tmp.ptr,
				     dst ? sqlite3_errmsg(dst) : "out of memory");
		goto done;
	}
	if ((error = copy_db(dst, gm_sqlite_db(gm_scratch_conn(s)), "cannot save cache entry")) < 0)
		goto done;
	sqlite3_close_v2(dst);
	dst = NULL;
	/* the metadata first: a .db without its .meta is never used */
	if ((error = gm_file_write_atomic(mp.ptr, meta, strlen(meta), true)) < 0)
		goto done;
	if (rename(tmp.ptr, db.ptr) < 0)
		error = gm_error_set(GM_ERROR, "cannot rename '%s': %s", tmp.ptr, strerror(errno));
done:
	sqlite3_close_v2(dst);
	unlink(tmp.ptr);
	gm_buf_release(&tmp);
	gm_buf_release(&db);
	gm_buf_release(&mp);
	return error;
}

static int sqlite_restore(const gm_cache_place *where, gm_scratch *s, const char *name)
{
	gm_buf path = GM_BUF_INIT;
	sqlite3 *src = NULL;
	int error = 0;

	gm_buf_printf(&path, "%s/%s.db", where->dir, name);
	if (sqlite3_open_v2(path.ptr, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		error = gm_error_set(GM_EDB, "cannot open cache entry '%s': %s", path.ptr,
				     src ? sqlite3_errmsg(src) : "out of memory");
	else
		error = copy_db(gm_sqlite_db(gm_scratch_conn(s)), src,
				"cannot restore cache entry");
	sqlite3_close_v2(src);
	gm_buf_release(&path);
	return error;
}

/* The entry name of a directory entry "<prefix>...(.db|.meta)", or NULL. Caller frees. */
static char *entry_name(const char *file, const char *prefix)
{
	size_t n = strlen(file);

	if (strncmp(file, prefix, strlen(prefix)))
		return NULL;
	if (n > 3 && !strcmp(file + n - 3, ".db"))
		return gm_xstrndup(file, n - 3);
	if (n > 5 && !strcmp(file + n - 5, ".meta"))
		return gm_xstrndup(file, n - 5);
	return NULL;
}

/* The metadata of entry `name`: "" when its .db or its .meta is missing. Caller frees. */
static char *read_meta(const char *dir, const char *name)
{
	gm_buf path = GM_BUF_INIT, meta = GM_BUF_INIT;

	gm_buf_printf(&path, "%s/%s.db", dir, name);
	if (access(path.ptr, F_OK) == 0) {
		gm_buf_clear(&path);
		gm_buf_printf(&path, "%s/%s.meta", dir, name);
		if (gm_file_read(&meta, path.ptr) < 0) {
			gm_error_clear();
			gm_buf_clear(&meta);
		}
	}
	gm_buf_release(&path);
	return gm_buf_detach(&meta);
}

/* Add entry `name` (taking it) to out unless it is there already. */
static void add_entry(gm_cache_stored_list *out, const char *dir, char *name)
{
	size_t i;

	for (i = 0; i < out->nr; i++) {
		if (!strcmp(out->v[i].name, name)) {
			free(name);
			return;
		}
	}
	GM_ALLOC_GROW(out->v, out->nr + 1, out->alloc);
	out->v[out->nr].name = name;
	out->v[out->nr++].meta = read_meta(dir, name);
}

static int sqlite_list(gm_cache_stored_list *out, const gm_cache_place *where, const char *prefix)
{
	gm_files files = GM_FILES_INIT;
	gm_tree *t = NULL;
	size_t i;
	int error;

	gm_file_remove_stale_temps(where->dir, ".db");
	gm_file_remove_stale_temps(where->dir, ".meta");
	if (access(where->dir, F_OK) < 0)
		return 0;
	if ((error = gm_tree_open_dir(&t, where->dir)) == 0 &&
	    (error = gm_tree_list(&files, t, "")) == 0)
		for (i = 0; i < files.nr; i++) {
			char *name = entry_name(files.v[i].name, prefix);
			if (name)
				add_entry(out, where->dir, name);
		}
	gm_files_release(&files);
	gm_tree_free(t);
	return error;
}

static int sqlite_remove(const gm_cache_place *where, const char *name)
{
	static const char *const suffixes[] = { ".db", ".meta" };
	gm_buf path = GM_BUF_INIT;
	size_t i;
	int error = 0;

	for (i = 0; i < 2; i++) {
		gm_buf_clear(&path);
		gm_buf_printf(&path, "%s/%s%s", where->dir, name, suffixes[i]);
		if (unlink(path.ptr) < 0 && errno != ENOENT && !error)
			error = gm_error_set(GM_ERROR, "cannot remove '%s': %s", path.ptr,
					     strerror(errno));
	}
	gm_buf_release(&path);
	return error;
}

/* The scratch file made as a copy of entry `name`'s file (sqlite_scratch_create). */
static int sqlite_copy(gm_scratch **out, const gm_cache_place *where, const char *name,
		       void (*meanwhile)(void *payload), void *payload)
{
	gm_buf path = GM_BUF_INIT;
	gm_scratch_from from = { NULL, meanwhile, payload };
	int error;

	gm_buf_printf(&path, "%s/%s.db", where->dir, name);
	from.template = path.ptr;
	if ((error = gm_scratch_create_from(out, where->server, &from)) < 0)
		gm_error_prefix("cannot restore cache entry '%s'", name);
	gm_buf_release(&path);
	return error;
}

/* What keys the cache before there is a scratch file: an in-memory database (the keys
 * read only the library's version from it). */
static int sqlite_connect_keys(gm_conn **out, const gm_cache_place *where)
{
	gm_url url;

	(void)where;
	memset(&url, 0, sizeof(url));
	url.dialect = &gm_dialect_sqlite;
	url.path = (char *)":memory:";
	url.masked = (char *)":memory:";
	return gm_dialect_sqlite.connect(out, &url);
}

const gm_cache_ops gm_cache_ops_sqlite = {
	.copy = sqlite_copy,
	.connect = sqlite_connect_keys,
	.server_version = sqlite_server_version,
	.list = sqlite_list,
	.save = sqlite_save,
	.restore = sqlite_restore,
	.remove = sqlite_remove,
};
