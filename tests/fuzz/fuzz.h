/* Shared bits of the libFuzzer harnesses: the entry point and an input read in pieces. */
#ifndef GM_FUZZ_H
#define GM_FUZZ_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "git-migrate/gm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Bytes handed to a read callback (gm_fx_read_fn / gm_yaml_read_fn) in pieces of at most
 * `piece` bytes, so that tokens cross buffer boundaries as they do with files and blobs.
 */
struct fuzz_mem {
	const uint8_t *data;
	size_t len, pos, piece;
};

static inline int fuzz_mem_read(void *payload, char *buf, size_t size, size_t *got)
{
	struct fuzz_mem *m = payload;
	size_t n = m->len - m->pos;
	if (n > size)
		n = size;
	if (m->piece && n > m->piece)
		n = m->piece;
	memcpy(buf, m->data + m->pos, n);
	m->pos += n;
	*got = n;
	return 0;
}

/* The input as a NUL-terminated copy (caller frees). */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = gm_xmalloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
