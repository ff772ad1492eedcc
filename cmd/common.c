/* Shared CLI helpers: option parsing, messages, color, progress, opening the repository. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
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

int cmd_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts,
	       const char *const *usage, bool *done)
{
	static const struct option help_only[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char spec[64];
	int c, idx = 0;

	*done = false;
	snprintf(spec, sizeof(spec), ":h%s", shortopts);
	c = getopt_long(argc, argv, spec, longopts ? longopts : help_only, &idx);
	if (c == 'h') {
		usage_print(stdout, usage);
		*done = true;
		return EXIT_OK;
	}
	if (c == '?') {
		*done = true;
		if (optopt)
			return cmd_usage_error(usage, "unknown option '-%c'", optopt);
		return cmd_usage_error(usage, "unknown option '%s'", argv[optind - 1]);
	}
	if (c == ':') {
		*done = true;
		return cmd_usage_error(usage, "option '%s' needs a value", argv[optind - 1]);
	}
	return c;
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
	if ((error = gm_config_load(cfg_out, gm_repo_workdir(*repo_out),
				    gm_global.config_path)) < 0) {
		gm_repo_free(*repo_out);
		*repo_out = NULL;
		return error;
	}
	return 0;
}

void cmd_progress(const char *what, size_t done, size_t total, void *payload)
{
	(void)payload;
	if (gm_global.verbosity < 0 || !isatty(2))
		return;
	if (total)
		fprintf(stderr, "\r%s: %zu/%zu (%zu%%)", what, done, total,
			done * 100 / total);
	else
		fprintf(stderr, "\r%s: %zu", what, done);
	if (done == total)
		fputs(", done.\n", stderr);
	fflush(stderr);
}
