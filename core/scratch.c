/*
 * Scratch databases: a static list of the live ones, dropped at exit and cleaned up on
 * SIGINT/SIGTERM (git's tempfile.c pattern: interrupt.c's handler calls on_interrupt,
 * which only does async-signal-safe work).
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/db.h"
#include "git-migrate/error.h"
#include "error_int.h"
#include "interrupt.h"
#include "scratch.h"
#include "db_int.h"
#include "util/banned.h"

#define SCRATCH_FILES 4

struct gm_scratch {
	const gm_dialect *dialect;
	gm_conn *conn;
	gm_url *url;
	char *files[SCRATCH_FILES]; /* SQLite: the file and its siblings, for the handler */
	pid_t owner;                /* a forked child never cleans up its parent's scratch */
	gm_conn *dropping;          /* its DROP, sent (gm_scratch_drop_background) */
	struct gm_scratch *next;
};

static gm_scratch *volatile scratches;
static bool atexit_registered;

/*
 * The interrupt hook (interrupt.c calls it in its SIGINT/SIGTERM handler, so only
 * async-signal-safe work): interrupt the running statements and unlink SQLite scratch
 * files. True when a scratch database of this process was there to clean up.
 */
static bool on_interrupt(void)
{
	pid_t me = getpid();
	gm_scratch *s;
	bool any = false;
	int i;

	for (s = scratches; s; s = s->next) {
		if (s->owner != me)
			continue;
		any = true;
		if (s->conn && s->dialect->interrupt)
			s->dialect->interrupt(s->conn);
		for (i = 0; i < SCRATCH_FILES; i++)
			if (s->files[i])
				unlink(s->files[i]);
	}
	return any;
}

static void block_signals(sigset_t *old)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, old);
}

static void restore_signals(const sigset_t *old)
{
	sigprocmask(SIG_SETMASK, old, NULL);
}

static void drop_left_at_exit(void)
{
	pid_t me = getpid();
	gm_scratch *s;

	for (;;) {
		for (s = scratches; s && s->owner != me; s = s->next)
			;
		if (!s)
			break;
		gm_scratch_drop(s);
	}
}

int gm_scratch_create(gm_scratch **out, const gm_url *server)
{
	return gm_scratch_create_from(out, server, NULL);
}

int gm_scratch_create_from(gm_scratch **out, const gm_url *server, const gm_scratch_from *from)
{
	static const char *const suffixes[SCRATCH_FILES] = { "", "-journal", "-wal", "-shm" };
	gm_scratch *s;
	gm_conn *conn = NULL;
	gm_url *url = NULL;
	sigset_t old;
	int i, error;

	GM_ASSERT_ARG(out);
	GM_ASSERT_ARG(server && server->dialect);
	*out = NULL;
	if (!server->dialect->scratch_create)
		return gm_error_set(GM_EINVALID, "dialect '%s' cannot create scratch databases",
				    server->dialect->name);
	gm_interrupt_set_hook(on_interrupt);
	gm_signals_install();
	if (!atexit_registered) {
		atexit(drop_left_at_exit);
		atexit_registered = true;
	}

	/* no signal between the database existing and it being on the list */
	block_signals(&old);
	if ((error = server->dialect->scratch_create(&conn, &url, server, from)) < 0) {
		restore_signals(&old);
		return error;
	}
	s = gm_xcalloc(1, sizeof(*s));
	s->dialect = server->dialect;
	s->conn = conn;
	s->url = url;
	s->owner = getpid();
	if (url->path && strcmp(url->path, ":memory:")) {
		for (i = 0; i < SCRATCH_FILES; i++) {
			gm_buf b = GM_BUF_INIT;
			gm_buf_printf(&b, "%s%s", url->path, suffixes[i]);
			s->files[i] = gm_buf_detach(&b);
		}
	}
	s->next = scratches;
	scratches = s;
	restore_signals(&old);
	*out = s;
	return 0;
}

gm_conn *gm_scratch_conn(gm_scratch *s)
{
	return s->conn;
}

const gm_url *gm_scratch_url(const gm_scratch *s)
{
	return s->url;
}

int gm_scratch_redo(gm_scratch *s, int (*fn)(const gm_url *url, void *payload), void *payload)
{
	gm_conn *conn = s->conn;
	sigset_t old;
	int error, reconnect;

	/* the signal handler interrupts s->conn: never one being closed */
	block_signals(&old);
	s->conn = NULL;
	restore_signals(&old);
	s->dialect->disconnect(conn);
	error = fn(s->url, payload);
	conn = NULL;
	if ((reconnect = s->dialect->connect(&conn, s->url)) < 0)
		return reconnect;
	block_signals(&old);
	s->conn = conn;
	restore_signals(&old);
	return error;
}

/* The error being reported, saved across a best-effort drop that may overwrite it. */
struct saved_error {
	int code, line, col;
	char *message, *path, *hint, *detail;
};

static void save_error(struct saved_error *e)
{
	const gm_error *last = gm_error_last();
	e->code = last->code;
	e->line = last->line;
	e->col = last->col;
	e->message = gm_xstrdup(last->message);
	e->path = gm_xstrdup(last->path);
	e->hint = gm_xstrdup(last->hint);
	e->detail = gm_xstrdup(last->detail);
}

static void restore_error(struct saved_error *e)
{
	if (e->code == GM_OK) {
		gm_error_clear();
	} else {
		gm_error_set_at(e->code, e->path, e->line, e->col, "%s", e->message);
		if (e->hint)
			gm_error_hint("%s", e->hint);
		if (e->detail)
			gm_error_detail("%s", e->detail);
	}
}

static void release_error(struct saved_error *e)
{
	free(e->message);
	free(e->path);
	free(e->hint);
	free(e->detail);
}

/* Take s off the list that exit and signals clean up. */
static void unlist(gm_scratch *s)
{
	gm_scratch *volatile *pp;
	sigset_t old;

	block_signals(&old);
	for (pp = &scratches; *pp; pp = &(*pp)->next) {
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	}
	restore_signals(&old);
}

/* Disconnect (when connected), drop the database unless `keep`, free. */
static void finish(gm_scratch *s, bool keep)
{
	struct saved_error saved;
	int i;

	save_error(&saved);
	if (s->conn)
		s->dialect->disconnect(s->conn);
	if (s->dropping) {
		/* done when the DROP sent went through; else dropped the usual way */
		keep = s->dialect->exec_wait(s->dropping, false) == 0;
		s->dialect->disconnect(s->dropping);
	}
	if (!keep && s->dialect->scratch_drop)
		s->dialect->scratch_drop(s->url);
	/* the error being reported, whatever the drop did (it also sweeps killed runs'
	 * leftovers, clearing what fails there) */
	restore_error(&saved);
	release_error(&saved);

	gm_url_free(s->url);
	for (i = 0; i < SCRATCH_FILES; i++)
		free(s->files[i]);
	free(s);
}

int gm_scratch_keep(gm_scratch *s, int (*fn)(const gm_url *url, void *payload), void *payload)
{
	gm_conn *conn = s->conn;
	int error;

	unlist(s);
	s->conn = NULL;
	s->dialect->disconnect(conn);
	error = fn(s->url, payload);
	finish(s, error == 0);
	return error;
}

gm_scratch *gm_scratch_drop_background(gm_scratch *s)
{
	struct saved_error saved;

	if (!s)
		return NULL;
	if (!s->dialect->scratch_drop_send || !s->dialect->exec_wait) {
		gm_scratch_drop(s);
		return NULL;
	}
	save_error(&saved);
	if (s->conn)
		s->dialect->disconnect(s->conn);
	s->conn = NULL;
	if (s->dialect->scratch_drop_send(&s->dropping, s->url) < 0)
		s->dropping = NULL; /* gm_scratch_drop drops it the usual way */
	restore_error(&saved);
	release_error(&saved);
	return s;
}

void gm_scratch_drop(gm_scratch *s)
{
	if (!s)
		return;
	unlist(s);
	finish(s, false);
}
