/* gm_buf implementation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"

char gm_buf__empty[1];

void gm_buf_init(gm_buf *b)
{
	b->ptr = gm_buf__empty;
	b->len = 0;
	b->alloc = 0;
}

void gm_buf_release(gm_buf *b)
{
	if (b->alloc)
		free(b->ptr);
	gm_buf_init(b);
}

void gm_buf_grow(gm_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need <= b->alloc)
		return;
	size_t n = b->alloc ? b->alloc : 64;
	while (n < need)
		n *= 2;
	if (b->alloc) {
		b->ptr = gm_xrealloc(b->ptr, n);
	} else {
		b->ptr = gm_xmalloc(n);
		b->ptr[0] = '\0';
	}
	b->alloc = n;
}

void gm_buf_put(gm_buf *b, const void *data, size_t len)
{
	if (!len)
		return;
	gm_buf_grow(b, len);
	memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
}

void gm_buf_puts(gm_buf *b, const char *s)
{
	gm_buf_put(b, s, strlen(s));
}

void gm_buf_putc(gm_buf *b, char c)
{
	gm_buf_put(b, &c, 1);
}

void gm_buf_vprintf(gm_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n <= 0)
		return;
	gm_buf_grow(b, (size_t)n);
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void gm_buf_printf(gm_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	gm_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void gm_buf_clear(gm_buf *b)
{
	gm_buf_truncate(b, 0);
}

void gm_buf_truncate(gm_buf *b, size_t len)
{
	if (len >= b->len)
		return;
	b->len = len;
	if (b->alloc)
		b->ptr[len] = '\0';
}

char *gm_buf_detach(gm_buf *b)
{
	char *p = b->alloc ? b->ptr : gm_xstrdup("");
	gm_buf_init(b);
	return p;
}
