/*
 * Setting errors: core's side of the error contract of git-migrate/error.h (core sets the
 * message once, where the failure is detected; cmd reads it with gm_error_last).
 */
#ifndef GM_CORE_ERROR_INT_H
#define GM_CORE_ERROR_INT_H
#include "git-migrate/error.h"

/* Set the error message (replacing any previous one, location and hint cleared). Returns code. */
int gm_error_set(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Same with a location: path (copied), 1-based line and column (0 = unknown). Returns code. */
int gm_error_set_at(int code, const char *path, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Prefix the current message with context: "<prefix>: <message>". */
void gm_error_prefix(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Attach a hint ("hint: ..." when printed) to the current error. */
void gm_error_hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Attach a detail block (printed indented under the message). */
void gm_error_detail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Set the location of the current error if it has none yet. */
void gm_error_locate(const char *path, int line, int col);

/* A warning for the handler of git-migrate/error.h (gm_warning_handler). */
void gm_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
