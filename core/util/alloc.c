/* gm_xmalloc and friends: die on out-of-memory, as git's xmalloc does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "git-migrate/alloc.h"

static void oom(void)
{
	static const char msg[] = "fatal: out of memory\n";
	if (write(2, msg, sizeof(msg) - 1) < 0) {
		/* nothing more we can do */
	}
	exit(2);
}

void *gm_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *gm_xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *gm_xrealloc(void *ptr, size_t n)
{
	void *p = realloc(ptr, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *gm_xstrdup(const char *s)
{
	return s ? gm_xstrndup(s, strlen(s)) : NULL;
}

char *gm_xstrndup(const char *s, size_t n)
{
	char *p;
	size_t len = strnlen(s, n);
	p = gm_xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}
