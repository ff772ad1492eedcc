/* The snapshot cache's metadata: the text stored beside an entry, and back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "git-migrate/vec.h"
#include "error_int.h"
#include "cache.h"
#include "util/banned.h"

#define META_MAGIC "git-migrate-cache 1\n"

void gm_cache_meta_release(gm_cache_meta *m)
{
	free(m->head);
	gm_fixtures_report_release(&m->fixtures);
	memset(m, 0, sizeof(*m));
}

void gm_cache_meta_format(gm_buf *out, const gm_cache_meta *m)
{
	const gm_fixtures_report *fx = &m->fixtures;
	size_t i;

	gm_buf_puts(out, META_MAGIC);
	if (m->kind == GM_CACHE_MODELS)
		gm_buf_printf(out, "kind models\nmodels_tables %zu\n", m->tables);
	gm_buf_printf(out, "base %s\nchain %s\nrevisions %zu\nhead %s\ncreated %lld\n", m->base,
		      m->chain[0] ? m->chain : "-", m->revisions, m->head ? m->head : "-",
		      m->created);
	gm_buf_printf(out, "fingerprint %s\n", m->fingerprint);
	gm_buf_printf(out, "fixtures %d %zu %zu %zu %d %s\n", m->fixtures_loaded, fx->rows,
		      fx->files, fx->sql_files, fx->exists, fx->tree_oid[0] ? fx->tree_oid : "-");
	for (i = 0; i < fx->nr; i++)
		gm_buf_printf(out, "table %zu %s\n", fx->v[i].rows, fx->v[i].table);
	gm_buf_puts(out, "end\n");
}

/* A hex id of 40 digits into dst; false when word is not one. */
static bool get_oid(char dst[GM_OID_HEXSZ + 1], const char *word)
{
	if (strlen(word) != GM_OID_HEXSZ || strspn(word, "0123456789abcdef") != GM_OID_HEXSZ)
		return false;
	memcpy(dst, word, GM_OID_HEXSZ + 1);
	return true;
}

/* One "key value" line into m; false when it is not well formed. */
static bool parse_line(gm_cache_meta *m, const char *line)
{
	gm_fixtures_report *fx = &m->fixtures;
	char word[64], rest[GM_OID_HEXSZ + 64];
	int loaded, exists, n = 0;
	size_t rows;

	if (sscanf(line, "table %zu %n", &rows, &n) == 1 && n > 0) {
		GM_ALLOC_GROW(fx->v, fx->nr + 1, fx->alloc);
		fx->v[fx->nr].table = gm_xstrdup(line + n);
		fx->v[fx->nr++].rows = rows;
		return true;
	}
	if (sscanf(line, "fixtures %d %zu %zu %zu %d %40s", &loaded, &fx->rows, &fx->files,
		   &fx->sql_files, &exists, rest) == 6) {
		m->fixtures_loaded = loaded != 0;
		fx->exists = exists != 0;
		return !strcmp(rest, "-") || get_oid(fx->tree_oid, rest);
	}
	if (sscanf(line, "%63s %60s", word, rest) != 2)
		return false;
	if (!strcmp(word, "base"))
		return get_oid(m->base, rest);
	if (!strcmp(word, "chain"))
		return !strcmp(rest, "-") || get_oid(m->chain, rest);
	if (!strcmp(word, "fingerprint"))
		return get_oid(m->fingerprint, rest);
	if (!strcmp(word, "kind") && !strcmp(rest, "models")) {
		m->kind = GM_CACHE_MODELS;
		return true;
	}
	if (!strcmp(word, "models_tables"))
		return sscanf(rest, "%zu", &m->tables) == 1;
	if (!strcmp(word, "revisions"))
		return sscanf(rest, "%zu", &m->revisions) == 1;
	if (!strcmp(word, "created"))
		return sscanf(rest, "%lld", &m->created) == 1;
	if (!strcmp(word, "head")) {
		free(m->head);
		m->head = gm_xstrdup(rest);
		return true;
	}
	return false;
}

int gm_cache_meta_parse(gm_cache_meta *out, const char *text)
{
	gm_buf line = GM_BUF_INIT;
	const char *p = text;
	bool ok = !strncmp(text, META_MAGIC, strlen(META_MAGIC)), ended = false;

	memset(out, 0, sizeof(*out));
	if (ok)
		p += strlen(META_MAGIC);
	while (ok && *p && !ended) {
		size_t n = strcspn(p, "\n");
		gm_buf_clear(&line);
		gm_buf_put(&line, p, n);
		p += n + (p[n] == '\n');
		ended = !strcmp(line.ptr, "end");
		ok = ended || parse_line(out, line.ptr);
	}
	gm_buf_release(&line);
	if (ok && ended && out->base[0] && out->fingerprint[0])
		return 0;
	gm_cache_meta_release(out);
	return gm_error_set(GM_EINVALID, "not a cache entry's metadata");
}
