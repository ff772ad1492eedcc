/* Error codes and the single, static "last error" (message, location, hint). */
#ifndef GM_ERROR_H
#define GM_ERROR_H

enum gm_error_code {
	GM_OK = 0,
	GM_ERROR = -1,        /* generic failure */
	GM_ENOTFOUND = -2,    /* a ref, file, revision or object does not exist */
	GM_EEXISTS = -3,      /* refusing to overwrite */
	GM_EINVALID = -4,     /* bad input: parse, config, usage */
	GM_EDB = -5,          /* the database refused or is unreachable */
	GM_EGIT = -6,         /* libgit2 failed */
	GM_EINTERRUPTED = -7, /* SIGINT/SIGTERM arrived */
	GM_ITEROVER = -8,     /* iteration finished (not an error) */
	GM_ECHECK = -9,       /* a check failed (prepare verification, stale chain): exit 1 */
};

typedef struct gm_error {
	int code;            /* the last code set, GM_OK when clear */
	const char *message; /* never NULL ("" when clear) */
	const char *path;    /* file the error is about, or NULL */
	int line;            /* 1-based, 0 when unknown */
	int col;             /* 1-based, 0 when unknown */
	const char *hint;    /* extra advice, or NULL */
	const char *detail;  /* multi-line detail (e.g. the failing statement), or NULL */
} gm_error;

/* The last error. Never NULL; borrowed, valid until the next gm_error_* call. */
const gm_error *gm_error_last(void);

/* Forget the last error. */
void gm_error_clear(void);

/*
 * Warnings that do not stop anything (a superuser scratch role, say). Core calls gm_warn
 * (error_int.h);
 * the command layer installs the handler that prints them (core never prints). Each
 * distinct message goes to the handler once per process; without a handler they are
 * dropped.
 */
typedef void (*gm_warning_fn)(const char *message, void *payload);
void gm_warning_handler(gm_warning_fn fn, void *payload);

/* Programmer error: prints "BUG: file:line: msg" and aborts. */
void gm_bug(const char *file, int line, const char *msg) __attribute__((noreturn));
#define GM_BUG(msg) gm_bug(__FILE__, __LINE__, (msg))
#define GM_ASSERT_ARG(x)                                                     \
	do {                                                                 \
		if (!(x))                                                    \
			gm_bug(__FILE__, __LINE__, "invalid argument: " #x); \
	} while (0)

#endif
