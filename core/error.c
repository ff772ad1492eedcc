/* The last error: one static struct (git-migrate is single-threaded). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "git-migrate/error.h"
#include "git-migrate/buf.h"
#include "git-migrate/alloc.h"
#include "error_int.h"
#include "util/banned.h"

static struct {
	gm_error pub;
	char *message;
	char *path;
	char *hint;
	char *detail;
} last = { { GM_OK, "", NULL, 0, 0, NULL, NULL }, NULL, NULL, NULL, NULL };

const gm_error *gm_error_last(void)
{
	last.pub.message = last.message ? last.message : "";
	last.pub.path = last.path;
	last.pub.hint = last.hint;
	last.pub.detail = last.detail;
	return &last.pub;
}

void gm_error_clear(void)
{
	free(last.message);
	free(last.path);
	free(last.hint);
	free(last.detail);
	last.message = last.path = last.hint = last.detail = NULL;
	last.pub.code = GM_OK;
	last.pub.line = last.pub.col = 0;
}

static char *vformat(const char *fmt, va_list ap)
{
	gm_buf b = GM_BUF_INIT;
	gm_buf_vprintf(&b, fmt, ap);
	return gm_buf_detach(&b);
}

int gm_error_set(int code, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = vformat(fmt, ap);
	va_end(ap);
	gm_error_clear();
	last.message = msg;
	last.pub.code = code;
	return code;
}

int gm_error_set_at(int code, const char *path, int line, int col, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = vformat(fmt, ap);
	va_end(ap);
	gm_error_clear();
	last.message = msg;
	last.pub.code = code;
	last.path = gm_xstrdup(path);
	last.pub.line = line;
	last.pub.col = col;
	return code;
}

void gm_error_prefix(const char *fmt, ...)
{
	va_list ap;
	gm_buf b = GM_BUF_INIT;

	va_start(ap, fmt);
	gm_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (last.message && *last.message)
		gm_buf_printf(&b, ": %s", last.message);
	free(last.message);
	last.message = gm_buf_detach(&b);
}

void gm_error_hint(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	free(last.hint);
	last.hint = vformat(fmt, ap);
	va_end(ap);
}

void gm_error_detail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	free(last.detail);
	last.detail = vformat(fmt, ap);
	va_end(ap);
}

void gm_error_locate(const char *path, int line, int col)
{
	if (last.path)
		return;
	last.path = gm_xstrdup(path);
	last.pub.line = line;
	last.pub.col = col;
}

/* ---- warnings ---- */

static gm_warning_fn warning_fn;
static void *warning_payload;
static char **warned; /* messages already handed out (each once) */
static size_t warned_nr, warned_alloc;

void gm_warning_handler(gm_warning_fn fn, void *payload)
{
	warning_fn = fn;
	warning_payload = payload;
}

void gm_warn(const char *fmt, ...)
{
	va_list ap;
	char *msg;
	size_t i;

	va_start(ap, fmt);
	msg = vformat(fmt, ap);
	va_end(ap);
	for (i = 0; i < warned_nr; i++)
		if (!strcmp(warned[i], msg)) {
			free(msg);
			return;
		}
	if (warned_nr == warned_alloc) {
		warned_alloc = warned_alloc ? 2 * warned_alloc : 4;
		warned = gm_xrealloc(warned, warned_alloc * sizeof(*warned));
	}
	warned[warned_nr++] = msg;
	if (warning_fn)
		warning_fn(msg, warning_payload);
}

void gm_bug(const char *file, int line, const char *msg)
{
	fprintf(stderr, "BUG: %s:%d: %s\n", file, line, msg);
	abort();
}
