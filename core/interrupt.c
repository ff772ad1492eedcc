/* SIGINT/SIGTERM: the handlers, the flag they set, and the one "interrupted" error. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include "git-migrate/db.h"
#include "git-migrate/error.h"
#include "error_int.h"
#include "interrupt.h"
#include "util/banned.h"

static volatile sig_atomic_t caught;
static gm_interrupt_hook volatile hook;
static bool installed;

/*
 * Let the hook clean up (interrupt the running statements, unlink SQLite scratch files),
 * then remember the signal: the interrupted statement fails with GM_EINTERRUPTED and the
 * normal error path drops what is left (cmd re-raises the signal). With nothing of ours
 * to clean up, or on a second signal, die of the signal right away.
 */
static void on_signal(int sig)
{
	int saved_errno = errno;
	gm_interrupt_hook h = hook;
	bool any = h && h();

	if (!any || caught) {
		/* delivered when the handler returns (sig is blocked while it runs) */
		signal(sig, SIG_DFL);
		raise(sig);
	}
	caught = sig;
	errno = saved_errno;
}

static void install_one(int sig)
{
	struct sigaction sa, old;

	if (sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_IGN)
		return; /* respect an ignored signal (nohup, background jobs) */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	sigaction(sig, &sa, NULL);
}

void gm_signals_install(void)
{
	if (installed)
		return;
	installed = true;
	install_one(SIGINT);
	install_one(SIGTERM);
}

int gm_signal_received(void)
{
	return (int)caught;
}

bool gm_interrupted(void)
{
	return caught != 0;
}

int gm_interrupt_check(void)
{
	return caught ? gm_interrupt_error() : 0;
}

int gm_interrupt_error(void)
{
	return gm_error_set(GM_EINTERRUPTED, "interrupted");
}

void gm_interrupt_set_hook(gm_interrupt_hook h)
{
	hook = h;
}
