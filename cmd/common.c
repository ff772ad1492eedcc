/* Shared CLI helpers: option parsing, messages, color, progress, opening the repository. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cmd.h"

void usage_print(FILE *f, const char *const *usage)
{
	size_t i;
	for (i = 0; usage[i]; i++) {
		if (!i)
			fprintf(f, "usage: %s\n", usage[i]);
		else if (*usage[i])
			fprintf(f, "%s\n", usage[i]);
		else
			fputc('\n', f);
	}
}

static void vmsg(const char *prefix, const char *color, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s%s%s", gm_global.color ? color : "", prefix,
		gm_global.color ? "\033[m" : "");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int cmd_usage_error(const char *const *usage, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg("error: ", "\033[31m", fmt, ap);
	va_end(ap);
	usage_print(stderr, usage);
	return EXIT_CANNOT;
}

/* Global options, accepted among a command's own options too (`git migrate prepare -v`). */
enum {
	OPT_CONFIG = 0x100,
	OPT_COLOR
};
static const struct option global_opts[] = {
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "color", optional_argument, NULL, OPT_COLOR },
	{ NULL, 0, NULL, 0 },
};

int cmd_set_color(const char *when)
{
	if (!strcmp(when, "always"))
		gm_global.color = true;
	else if (!strcmp(when, "never"))
		gm_global.color = false;
	else if (!strcmp(when, "auto"))
		gm_global.color = isatty(1) && !getenv("NO_COLOR");
	else
		return -1;
	return 0;
}

/* A command's options and the global ones in one table (the command's must not clash). */
static void merge_options(struct option *all, size_t max, const char *shortopts,
			  const struct option *own)
{
	size_t n = 0, i, k;

	if (strchr(shortopts, 'q') || strchr(shortopts, 'v'))
		GM_BUG("-q and -v are global options");
	for (i = 0; own[i].name; i++) {
		for (k = 0; global_opts[k].name; k++)
			if (own[i].val == global_opts[k].val ||
			    !strcmp(own[i].name, global_opts[k].name))
				GM_BUG("a command option clashes with a global option");
		if (n + 1 >= max)
			GM_BUG("too many options");
		all[n++] = own[i];
	}
	for (k = 0; global_opts[k].name; k++) {
		if (n + 1 >= max)
			GM_BUG("too many options");
		all[n++] = global_opts[k];
	}
	memset(&all[n], 0, sizeof(all[n]));
}

/*
 * The long option that `--<name>[=<value>]` (name: len bytes, maybe abbreviated) selects,
 * as getopt_long matches it: an exact name, else a unique prefix. *matches counts the
 * different options the prefix could be (more than one: ambiguous).
 */
static const struct option *long_option(const struct option *opts, const char *name, size_t len,
					size_t *matches)
{
	const struct option *found = NULL;
	size_t i;

	*matches = 0;
	for (i = 0; opts[i].name; i++) {
		if (strncmp(opts[i].name, name, len))
			continue;
		if (strlen(opts[i].name) == len) {
			*matches = 1;
			return &opts[i];
		}
		if (!found || found->val != opts[i].val || found->has_arg != opts[i].has_arg)
			(*matches)++;
		if (!found)
			found = &opts[i];
	}
	return found;
}

void cmd_option_message(gm_buf *out, int c, char **argv, const struct option *opts)
{
	/*
	 * getopt's optopt is the option's short letter (or its internal value) even for a
	 * long option, so it cannot name what was typed. glibc leaves optind past a long
	 * option, so argv[optind - 1] is that option then.
	 */
	const char *arg = optind > 0 ? argv[optind - 1] : "";
	bool is_long = !strncmp(arg, "--", 2) && arg[2];
	const char *name = is_long ? arg + 2 : "";
	size_t len = strcspn(name, "="), matches = 0, i;
	const struct option *o = is_long ? long_option(opts, name, len, &matches) : NULL;
	bool first = true;

	if (c == ':') {
		if (is_long && o)
			gm_buf_printf(out, "option '--%s' needs a value", o->name);
		else
			gm_buf_printf(out, "option '-%c' needs a value", optopt);
	} else if (!optopt && !is_long) {
		gm_buf_printf(out, "unknown option '%s'", arg);
	} else if (!optopt && matches < 2) { /* a long option getopt_long did not know */
		gm_buf_printf(out, "unknown option '--%.*s'", (int)len, name);
	} else if (!optopt) { /* an ambiguous prefix */
		gm_buf_printf(out, "option '--%.*s' is ambiguous (could be ", (int)len, name);
		for (i = 0; opts[i].name; i++) {
			if (strncmp(opts[i].name, name, len))
				continue;
			gm_buf_printf(out, "%s--%s", first ? "" : ", ", opts[i].name);
			first = false;
		}
		gm_buf_putc(out, ')');
	} else if (is_long && name[len] == '=' && o && matches == 1 && o->has_arg == no_argument &&
		   o->val == optopt) {
		/* optopt set: a long option given a value it does not take... */
		gm_buf_printf(out, "option '--%s' takes no value", o->name);
	} else { /* ...or an unknown short option */
		gm_buf_printf(out, "unknown option '-%c'", optopt);
	}
}

int cmd_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts,
	       const char *const *usage, bool *done)
{
	static const struct option help_only[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct option all[32];
	char spec[64];
	int c, idx;

	*done = false;
	merge_options(all, sizeof(all) / sizeof(*all), shortopts, longopts ? longopts : help_only);
	snprintf(spec, sizeof(spec), ":h%sqv", shortopts);
	for (;;) {
		idx = -1;
		c = getopt_long(argc, argv, spec, all, &idx);
		switch (c) {
		case 'q':
			gm_global.verbosity = -1;
			continue;
		case 'v':
			gm_global.verbosity = 1;
			continue;
		case OPT_CONFIG:
			gm_global.config_path = optarg;
			continue;
		case OPT_COLOR:
			if (cmd_set_color(optarg ? optarg : "always") == 0)
				continue;
			*done = true;
			return cmd_usage_error(
				usage, "--color takes auto, always or never, not '%s'", optarg);
		}
		break;
	}
	if (c == 'h') {
		*done = true;
		if (idx >= 0 && !strcmp(all[idx].name, "help")) {
			/* --help: the manual page (git's habit); -h: the usage */
			gm_buf page = GM_BUF_INIT;
			gm_buf_printf(&page, "git-migrate-%s", argv[0]);
			cmd_exec_man(page.ptr);
			gm_buf_release(&page);
		}
		usage_print(stdout, usage);
		return EXIT_OK;
	}
	if (c == '?' || c == ':') {
		gm_buf msg = GM_BUF_INIT;
		*done = true;
		cmd_option_message(&msg, c, argv, all);
		c = cmd_usage_error(usage, "%s", msg.ptr);
		gm_buf_release(&msg);
		return c;
	}
	return c;
}

void cmd_exec_man(const char *page)
{
	char *check[] = { (char *)"man", (char *)"-w", (char *)page, NULL };
	posix_spawn_file_actions_t quiet;
	int err, status = -1;
	pid_t pid;

	/*
	 * Ask `man -w` first: once exec'd, man would print its own "No manual entry" and
	 * exit 16, too late to fall back to the usage.
	 */
	posix_spawn_file_actions_init(&quiet);
	posix_spawn_file_actions_addopen(&quiet, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&quiet, 2, "/dev/null", O_WRONLY, 0);
	err = posix_spawnp(&pid, "man", &quiet, NULL, check, environ);
	posix_spawn_file_actions_destroy(&quiet);
	if (!err) {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			fflush(stdout);
			execlp("man", "man", page, (char *)NULL);
			err = errno;
		}
	}
	if (err)
		cmd_warning("cannot run 'man' to show the manual page %s(1): %s; showing the "
			    "usage instead",
			    page, strerror(err));
	else
		cmd_warning("no manual page %s(1) found; showing the usage instead", page);
	if (!err)
		cmd_hint("'make install' installs the manual pages (under $PREFIX/share/man)");
}

int cmd_close_stdout(int rc)
{
	int err = 0;

	if (fflush(stdout))
		err = errno;
	else if (ferror(stdout))
		err = -1; /* an earlier write failed, and glibc kept no errno for it */
	if (fclose(stdout) && !err && errno != EBADF) /* EBADF: stdout closed, nothing written */
		err = errno;
	if (!err)
		return rc;
	if (err == EPIPE) { /* the reader went away: die of SIGPIPE, like any filter */
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
	}
	if (err > 0)
		cmd_fatal("cannot write to standard output: %s", strerror(err));
	else
		cmd_fatal("cannot write to standard output");
	return EXIT_CANNOT;
}

static void print_location(const gm_error *e)
{
	if (!e->path)
		return;
	fputs(e->path, stderr);
	if (e->line > 0) {
		fprintf(stderr, ":%d", e->line);
		if (e->col > 0)
			fprintf(stderr, ":%d", e->col);
	}
	fputs(": ", stderr);
}

int cmd_die_error(int code)
{
	const gm_error *e = gm_error_last();
	bool check = code == GM_ECHECK;

	fprintf(stderr, "%s%s%s", gm_global.color ? "\033[31m" : "",
		check ? "error: " : "fatal: ", gm_global.color ? "\033[m" : "");
	print_location(e);
	fprintf(stderr, "%s\n", *e->message ? e->message : "unknown error");
	if (e->detail) {
		const char *p = e->detail;
		while (*p) {
			const char *nl = strchr(p, '\n');
			size_t n = nl ? (size_t)(nl - p) : strlen(p);
			fprintf(stderr, "    %.*s\n", (int)n, p);
			p += n + (nl ? 1 : 0);
		}
	}
	if (e->hint)
		fprintf(stderr, "%shint: %s%s\n", gm_global.color ? "\033[33m" : "", e->hint,
			gm_global.color ? "\033[m" : "");
	return check ? EXIT_PROBLEM : EXIT_CANNOT;
}

void cmd_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg("error: ", "\033[31m", fmt, ap);
	va_end(ap);
}

void cmd_fatal(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg("fatal: ", "\033[31m", fmt, ap);
	va_end(ap);
}

void cmd_warning(const char *fmt, ...)
{
	va_list ap;
	if (gm_global.verbosity < 0)
		return;
	va_start(ap, fmt);
	vmsg("warning: ", "\033[33m", fmt, ap);
	va_end(ap);
}

void cmd_hint(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg("hint: ", "\033[33m", fmt, ap);
	va_end(ap);
}

void cmd_info(const char *fmt, ...)
{
	va_list ap;
	if (gm_global.verbosity < 0)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

const char *cmd_color(const char *code)
{
	static char buf[16];
	if (!gm_global.color)
		return "";
	snprintf(buf, sizeof(buf), "\033[%sm", code);
	return buf;
}

const char *cmd_reset(void)
{
	return gm_global.color ? "\033[m" : "";
}

int cmd_open(gm_repo **repo_out, gm_config **cfg_out)
{
	int error;

	*repo_out = NULL;
	*cfg_out = NULL;
	if ((error = gm_repo_discover(repo_out, NULL)) < 0)
		return error;
	if ((error = gm_config_load(cfg_out, gm_repo_workdir(*repo_out), gm_global.config_path)) <
	    0) {
		gm_repo_free(*repo_out);
		*repo_out = NULL;
		return error;
	}
	gm_repo_set_max_file(*repo_out, (*cfg_out)->max_revision_size);
	return 0;
}

void cmd_on_wait(const char *message, void *payload)
{
	(void)payload;
	cmd_info("%s", message);
}

/* After cleanup, die of the signal that interrupted us (so the shell sees it). */
int cmd_finish_signal(int rc)
{
	int sig = gm_signal_received();
	if (sig) {
		signal(sig, SIG_DFL);
		raise(sig);
	}
	return rc;
}

void cmd_progress(const char *what, size_t done, size_t total, void *payload)
{
	(void)payload;
	if (gm_global.verbosity < 0 || !isatty(2))
		return;
	if (total)
		fprintf(stderr, "\r%s: %zu/%zu (%zu%%)", what, done, total, done * 100 / total);
	else
		fprintf(stderr, "\r%s: %zu", what, done);
	if (done == total)
		fputs(", done.\n", stderr);
	fflush(stderr);
}
