/* The snapshot cache's key: what the replayed and fixtured state depends on. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "git-migrate/gm.h"
#include "error_int.h"
#include "cache.h"
#include "repo_hash.h"
#include "repo_int.h"
#include "util/banned.h"

/*
 * For tests only: a tool version other than GM_VERSION, so that a test can see that
 * another version misses the cache without building a second binary. Nothing else
 * reads it (the version the tool reports and writes stays GM_VERSION).
 */
#define TEST_VERSION_ENV "GIT_MIGRATE_TEST_VERSION"

/*
 * The build of this binary: the size and modification time of the executable. The
 * version alone says nothing of a developer's rebuild between releases, whose replay or
 * fixture loading may differ, so any rebuilt or reinstalled binary starts a new entry
 * (what a release build would also do). Without /proc (not Linux): the version only.
 */
static void build_stamp(gm_buf *key)
{
	struct stat st;

	if (stat("/proc/self/exe", &st) == 0)
		gm_buf_printf(key, "build %lld %lld.%09ld\n", (long long)st.st_size,
			      (long long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec);
}

void gm_cache_key_tool(gm_buf *key, const char *dialect, const char *server_version)
{
	const char *tool = getenv(TEST_VERSION_ENV);

	gm_buf_printf(key, "tool %s\ndialect %s\nserver %s\n", tool && *tool ? tool : GM_VERSION,
		      dialect, server_version);
	build_stamp(key);
}

/* The fixtures of the worktree: a hash of each file's name and blob id. */
static int worktree_fixtures(gm_buf *key, gm_repo *repo, const gm_config *cfg)
{
	gm_tree *t = NULL;
	gm_files files = GM_FILES_INIT;
	gm_buf all = GM_BUF_INIT, path = GM_BUF_INIT;
	char oid[GM_OID_HEXSZ + 1];
	size_t i;
	int error;

	if ((error = gm_tree_open(&t, repo, NULL)) < 0 ||
	    (error = gm_tree_list(&files, t, cfg->fixtures)) < 0)
		goto done;
	for (i = 0; i < files.nr; i++) {
		gm_buf_clear(&path);
		gm_buf_printf(&path, "%s/%s", cfg->root, files.v[i].path);
		if ((error = gm_repo_hash_file(oid, path.ptr)) < 0)
			goto done;
		gm_buf_printf(&all, "%s %s\n", oid, files.v[i].name);
	}
	gm_repo_hash_blob(oid, all.ptr ? all.ptr : "", all.len);
	gm_buf_printf(key, "fixtures worktree %s %s\n", cfg->fixtures,
		      files.exists ? oid : "absent");
done:
	gm_files_release(&files);
	gm_tree_free(t);
	gm_buf_release(&all);
	gm_buf_release(&path);
	return error;
}

/* The tree id of dir in production's commit ("absent" when it has none). */
static int prod_tree(gm_buf *key, const char *label, gm_repo *repo, const gm_history *h,
		     const char *dir)
{
	char oid[GM_OID_HEXSZ + 1];
	gm_tree *t = NULL;
	int error;

	if ((error = gm_tree_open(&t, repo, h->prod_oid)) == 0 &&
	    (error = gm_tree_dir_oid(oid, t, dir)) == 0)
		gm_buf_printf(key, "%s %s %s\n", label, dir, oid[0] ? oid : "absent");
	gm_tree_free(t);
	return error;
}

/*
 * What the state depends on, besides production's chain: the tool's version (its
 * replay and fixture loading), the dialect and the server's version (how the database
 * executes the history), the version table's name (left out by inspection), and the
 * fixtures: none (--no-fixtures), the tree id of the directory in production's commit
 * (fixtures_from: production), or a hash of the worktree's files (fixtures_from:
 * worktree). The models and the local revisions are not in it: they come after the
 * cached state. Production's chain: its migrations directory's tree id in the name,
 * and, in the metadata, a hash of the replayed revisions' ids and blob ids (what an
 * ancestor entry is found by).
 */
int gm_cache_key(char base_out[GM_OID_HEXSZ + 1], char name_key_out[GM_OID_HEXSZ + 1],
		 gm_repo *repo, const gm_config *cfg, const gm_history *h,
		 const char *server_version, const char *dialect, bool no_fixtures)
{
	gm_buf key = GM_BUF_INIT;
	int error = 0;

	gm_buf_puts(&key, "git-migrate-cache 1\n");
	gm_cache_key_tool(&key, dialect, server_version);
	gm_buf_printf(&key, "version_table %s\n", cfg->version_table);
	if (no_fixtures)
		gm_buf_puts(&key, "fixtures none\n");
	else if (cfg->fixtures_from == GM_FIXTURES_FROM_WORKTREE)
		error = worktree_fixtures(&key, repo, cfg);
	else
		error = prod_tree(&key, "fixtures production", repo, h, cfg->fixtures);
	if (error < 0)
		goto done;
	gm_repo_hash_blob(base_out, key.ptr, key.len);
	if ((error = prod_tree(&key, "migrations", repo, h, cfg->migrations)) == 0)
		gm_repo_hash_blob(name_key_out, key.ptr, key.len);
done:
	gm_buf_release(&key);
	return error;
}

void gm_cache_chain_hashes(char (*out)[GM_OID_HEXSZ + 1], const gm_history *h, size_t stop)
{
	gm_buf b = GM_BUF_INIT;
	size_t k;

	out[0][0] = '\0';
	for (k = 1; k <= stop; k++) {
		const gm_revision *rev = h->order[k - 1];
		gm_buf_clear(&b);
		gm_buf_printf(&b, "%s\n%s %s", out[k - 1], rev->id, rev->checksum);
		gm_repo_hash_blob(out[k], b.ptr, b.len);
	}
	gm_buf_release(&b);
}
