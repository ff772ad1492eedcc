/* gm_buf: a growable NUL-terminated string (git's strbuf). ptr is never NULL after init. */
#ifndef GM_BUF_H
#define GM_BUF_H
#include <stdarg.h>
#include <stddef.h>

typedef struct gm_buf {
	char *ptr;
	size_t len;
	size_t alloc;
} gm_buf;

extern char gm_buf__empty[];
/* clang-format off */
#define GM_BUF_INIT { gm_buf__empty, 0, 0 }
/* clang-format on */

void gm_buf_init(gm_buf *b);
void gm_buf_release(gm_buf *b); /* frees; b is GM_BUF_INIT again */
void gm_buf_grow(gm_buf *b, size_t extra);
void gm_buf_put(gm_buf *b, const void *data, size_t len);
void gm_buf_puts(gm_buf *b, const char *s);
void gm_buf_putc(gm_buf *b, char c);
void gm_buf_printf(gm_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void gm_buf_vprintf(gm_buf *b, const char *fmt, va_list ap);
void gm_buf_clear(gm_buf *b); /* len = 0, keeps memory */
void gm_buf_truncate(gm_buf *b, size_t len);
char *gm_buf_detach(gm_buf *b); /* caller frees; b is reset */

#endif
