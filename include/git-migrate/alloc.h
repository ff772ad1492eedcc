/* Allocation that never returns NULL: on failure it prints "fatal: out of memory" and exits 2. */
#ifndef GM_ALLOC_H
#define GM_ALLOC_H
#include <stddef.h>

void *gm_xmalloc(size_t n);
void *gm_xcalloc(size_t nmemb, size_t size);
void *gm_xrealloc(void *ptr, size_t n);
char *gm_xstrdup(const char *s); /* NULL in, NULL out */
char *gm_xstrndup(const char *s, size_t n);

#endif
