/* verify: check a revision chain for CI and hooks (DESIGN.md §3.7). */
#include <string.h>
#include "cmd.h"

const char *const verify_usage[] = {
	"git migrate verify [--production <ref>] [--worktree | --rev <ref>] [--replay [--no-wait]]",
	"                   [--no-cache] [--database [<url>]] [--format <fmt>]",
	"",
	"Checks the chain of revisions: every file parses, ids are unique and match file",
	"names (parse); no missing parent, no cycle, one base, one head (graph); every",
	"production revision is unchanged (immutable); the head descends from production's",
	"head (chained). With --replay also: production's chain and the local revisions",
	"apply on a scratch database, each local revision round-trips (down, then up, same",
	"schema) and the models have no change that no revision covers (replay; it runs",
	"only when the other checks pass). With --database also: the target database (or",
	"<url>) holds no changed or unknown revision and its schema is the replay of its",
	"applied revisions (database). Exits 0 when all checks pass, 1 when a check found",
	"a problem, 2 when it could not run.",
	"",
	"    --production <ref>    the ref holding the migrations history (default: config)",
	"    --worktree            check the working tree (the default)",
	"    --rev <ref>           check the migrations of a git revision instead",
	"    --replay              also replay the chain on a scratch database",
	"    --no-wait             fail when another run in this worktree holds its lock",
	"    --no-cache            replay without the snapshot cache",
	"    --database            also check the target database (or <url>) against the chain",
	"    --format <fmt>        text (default), json, github (workflow annotations) or junit",
	"    -h, --help            show this help",
	NULL,
};

enum format {
	FORMAT_TEXT,
	FORMAT_JSON,
	FORMAT_GITHUB,
	FORMAT_JUNIT
};

/* --replay was given: the replay check is reported (core runs it only when the others pass). */
static bool with_replay;
/* --database was given: the database check is reported. */
static bool with_database;

static const char *status_of(const gm_findings *findings, const char *id)
{
	if (gm_findings_count(findings, id))
		return "failed";
	if (!strcmp(id, "replay") && findings->nr)
		return "skipped";
	return "ok";
}

/* ---- json ---------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

/* One character's escape in a format: in text, and in an attribute value (XML). */
struct escape {
	unsigned char ch;
	const char *text, *attr;
};

static const struct escape json_escapes[] = {
	{ '"', "\\\"", NULL }, { '\\', "\\\\", NULL }, { '\n', "\\n", NULL },
	{ '\r', "\\r", NULL }, { '\t', "\\t", NULL },
};

static const struct escape xml_escapes[] = {
	{ '&', "&amp;", "&amp;" },   { '<', "&lt;", "&lt;" },      { '>', "&gt;", "&gt;" },
	{ '"', "&quot;", "&quot;" }, { '\'', "&apos;", "&apos;" }, { '\r', "&#13;", "&#13;" },
	{ '\n', "\n", "&#10;" },     { '\t', "\t", "&#9;" },
};

#define ESCAPES_NR(v) (sizeof(v) / sizeof(*(v)))

/* What ch is written as (NULL: as itself, when the format allows it). */
static const char *escape_of(const struct escape *v, size_t nr, unsigned char ch, bool attr)
{
	size_t i;
	for (i = 0; i < nr; i++)
		if (v[i].ch == ch)
			return attr ? v[i].attr : v[i].text;
	return NULL;
}

/* A JSON string (or null); invalid UTF-8 bytes become U+FFFD. */
static void json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, len;

	if (!s) {
		fputs("null", f);
		return;
	}
	n = strlen(s);
	fputc('"', f);
	while (n) {
		const char *esc = escape_of(json_escapes, ESCAPES_NR(json_escapes), *p, false);
		len = 1;
		if (esc)
			fputs(esc, f);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\u%04x", *p);
		else if (!(len = utf8_len(p, n)))
			fputs("\\ufffd", f);
		else
			fwrite(p, 1, len, f);
		p += len ? len : 1;
		n -= len ? len : 1;
	}
	fputc('"', f);
}

/* The check ids to report: the known ones in order, then any other that has findings. */
static size_t check_ids(const char **ids, size_t max, const gm_findings *findings)
{
	size_t n = 0, i, k;

	for (i = 0; gm_verify_checks[i] && n < max; i++)
		ids[n++] = gm_verify_checks[i];
	if (with_replay && n < max)
		ids[n++] = "replay";
	if (with_database && n < max)
		ids[n++] = "database";
	for (i = 0; i < findings->nr && n < max; i++) {
		for (k = 0; k < n; k++)
			if (!strcmp(ids[k], findings->v[i].check))
				break;
		if (k == n)
			ids[n++] = findings->v[i].check;
	}
	return n;
}

/* A finding's `"file": ..., "line": ..., "message": ...}` (the object's opening brace is the caller's). */
static void json_place(const gm_finding *x)
{
	fputs("\"file\": ", stdout);
	json_string(stdout, x->path);
	if (x->line > 0)
		printf(", \"line\": %d, \"message\": ", x->line);
	else
		fputs(", \"line\": null, \"message\": ", stdout);
	json_string(stdout, x->message);
	fputc('}', stdout);
}

static void print_json(const gm_findings *findings)
{
	const char *ids[32];
	size_t n = check_ids(ids, 32, findings), i, k;

	printf("{\"ok\": %s, \"checks\": [", findings->nr ? "false" : "true");
	for (i = 0; i < n; i++) {
		bool first = true;
		printf("%s\n  {\"id\": ", i ? "," : "");
		json_string(stdout, ids[i]);
		printf(", \"status\": \"%s\", \"findings\": [", status_of(findings, ids[i]));
		for (k = 0; k < findings->nr; k++) {
			const gm_finding *x = &findings->v[k];
			if (strcmp(x->check, ids[i]))
				continue;
			printf("%s\n    {", first ? "" : ",");
			json_place(x);
			first = false;
		}
		printf("%s]}", first ? "" : "\n  ");
	}
	/* warnings fail nothing: their own list, each with its check and severity */
	fputs("\n], \"warnings\": [", stdout);
	for (k = 0; k < findings->warnings_nr; k++) {
		const gm_finding *x = &findings->warnings[k];
		printf("%s\n  {\"check\": ", k ? "," : "");
		json_string(stdout, x->check);
		fputs(", \"severity\": \"warning\", ", stdout);
		json_place(x);
	}
	printf("%s]}\n", findings->warnings_nr ? "\n" : "");
}

/* ---- github -------------------------------------------------------------- */

/* Workflow-command escaping: data escapes % CR LF; properties also ':' and ','. */
static void gh_escape(FILE *f, const char *s, bool property)
{
	for (; *s; s++) {
		if (*s == '%')
			fputs("%25", f);
		else if (*s == '\r')
			fputs("%0D", f);
		else if (*s == '\n')
			fputs("%0A", f);
		else if (property && *s == ':')
			fputs("%3A", f);
		else if (property && *s == ',')
			fputs("%2C", f);
		else
			fputc(*s, f);
	}
}

static void print_github(const gm_findings *findings)
{
	size_t i;

	for (i = 0; i < findings->nr + findings->warnings_nr; i++) {
		bool warning = i >= findings->nr;
		const gm_finding *x =
			warning ? &findings->warnings[i - findings->nr] : &findings->v[i];
		fputs(warning ? "::warning" : "::error", stdout);
		if (x->path) {
			fputs(" file=", stdout);
			gh_escape(stdout, x->path, true);
			if (x->line > 0)
				printf(",line=%d", x->line);
		}
		fputs("::[", stdout);
		gh_escape(stdout, x->check, false);
		fputs("] ", stdout);
		gh_escape(stdout, x->message, false);
		fputc('\n', stdout);
	}
}

/* ---- junit --------------------------------------------------------------- */

#define XML_REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

/*
 * XML 1.0 text or attribute value: & < > " ' as entities; CR as a character reference
 * (a parser would turn it into LF), and in attributes tab and LF too (a parser would
 * fold them into spaces). Other control characters, U+FFFE, U+FFFF and invalid UTF-8
 * are not allowed in XML 1.0 (or in UTF-8 output): each becomes U+FFFD.
 */
static void xml_escape(FILE *f, const char *s, bool attr)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), len;

	while (n) {
		const char *entity = escape_of(xml_escapes, ESCAPES_NR(xml_escapes), *p, attr);
		len = 1;
		if (entity) {
			fputs(entity, f);
		} else if (*p < 0x20) {
			fputs(XML_REPLACEMENT, f);
		} else {
			len = utf8_len(p, n);
			if (!len || (len == 3 && p[0] == 0xef && p[1] == 0xbf && p[2] >= 0xbe)) {
				fputs(XML_REPLACEMENT, f);
				len = len ? len : 1;
			} else {
				fwrite(p, 1, len, f);
			}
		}
		p += len;
		n -= len;
	}
}

/* One finding as "file:line: message" (as the text format prints it), escaped. */
static void xml_finding(FILE *f, const gm_finding *x, bool attr)
{
	if (x->path) {
		xml_escape(f, x->path, attr);
		if (x->line > 0)
			fprintf(f, ":%d", x->line);
		fputs(": ", f);
	}
	xml_escape(f, x->message, attr);
}

/*
 * JUnit XML (the schema GitLab and Jenkins read): one testsuite, one testcase per
 * check; a failed check has one <failure> whose text holds every finding of the check,
 * one a line, and whose message is the first of them; a skipped check is <skipped/>.
 */
static void print_junit(const gm_findings *findings)
{
	const char *ids[32];
	size_t n = check_ids(ids, 32, findings), i, k, failed = 0, skipped = 0;
	char counts[96];

	for (i = 0; i < n; i++) {
		const char *status = status_of(findings, ids[i]);
		if (!strcmp(status, "failed"))
			failed++;
		else if (!strcmp(status, "skipped"))
			skipped++;
	}
	snprintf(counts, sizeof(counts),
		 "tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\"", n, failed, skipped);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", stdout);
	printf("<testsuites name=\"git-migrate verify\" %s>\n", counts);
	printf("  <testsuite name=\"git-migrate verify\" %s>\n", counts);
	for (i = 0; i < n; i++) {
		const char *status = status_of(findings, ids[i]);
		const gm_finding *first = NULL;
		size_t nr = gm_findings_count(findings, ids[i]);

		fputs("    <testcase classname=\"git-migrate.verify\" name=\"", stdout);
		xml_escape(stdout, ids[i], true);
		if (!strcmp(status, "skipped")) {
			fputs("\">\n      <skipped message=\"not run: an earlier check failed\"/>\n"
			      "    </testcase>\n",
			      stdout);
			continue;
		}
		if (!nr) {
			fputs("\"/>\n", stdout);
			continue;
		}
		for (k = 0; k < findings->nr && !first; k++)
			if (!strcmp(findings->v[k].check, ids[i]))
				first = &findings->v[k];
		fputs("\">\n      <failure type=\"", stdout);
		xml_escape(stdout, ids[i], true);
		fputs("\" message=\"", stdout);
		xml_finding(stdout, first, true);
		if (nr > 1)
			printf(" (and %zu more)", nr - 1);
		fputs("\">", stdout);
		for (k = 0; k < findings->nr; k++) {
			if (strcmp(findings->v[k].check, ids[i]))
				continue;
			if (&findings->v[k] != first)
				fputc('\n', stdout);
			xml_finding(stdout, &findings->v[k], false);
		}
		fputs("</failure>\n    </testcase>\n", stdout);
	}
	/* warnings (semantic conflicts) fail nothing: the suite's output, one per line */
	if (findings->warnings_nr) {
		fputs("    <system-out>", stdout);
		for (k = 0; k < findings->warnings_nr; k++) {
			if (k)
				fputc('\n', stdout);
			fputs("warning: ", stdout);
			xml_finding(stdout, &findings->warnings[k], false);
		}
		fputs("</system-out>\n", stdout);
	}
	fputs("  </testsuite>\n</testsuites>\n", stdout);
}

/* ---- text ---------------------------------------------------------------- */

static void print_text(const gm_findings *findings)
{
	const char *ids[32];
	size_t n = check_ids(ids, 32, findings), i, failed = 0;

	for (i = 0; i < findings->nr; i++) {
		const gm_finding *x = &findings->v[i];
		if (x->path && x->line > 0)
			printf("%s:%d: ", x->path, x->line);
		else if (x->path)
			printf("%s: ", x->path);
		printf("%s[%s]%s %s\n", cmd_color("31"), x->check, cmd_reset(), x->message);
	}
	for (i = 0; i < findings->warnings_nr; i++)
		cmd_warning("%s", findings->warnings[i].message);
	if (gm_global.verbosity < 0)
		return;
	if (!findings->nr) {
		fputs("verify: ok (", stdout);
		for (i = 0; i < n; i++)
			printf("%s%s", i ? ", " : "", ids[i]);
		fputs(")", stdout);
		if (findings->warnings_nr)
			printf("; %zu warning%s", findings->warnings_nr,
			       findings->warnings_nr == 1 ? "" : "s");
		fputc('\n', stdout);
		return;
	}
	printf("verify: %zu finding%s; failed: ", findings->nr, findings->nr == 1 ? "" : "s");
	for (i = 0; i < n; i++)
		if (gm_findings_count(findings, ids[i]))
			printf("%s%s", failed++ ? ", " : "", ids[i]);
	if (failed < n) {
		fputs("; passed: ", stdout);
		for (failed = 0, i = 0; i < n; i++)
			if (!strcmp(status_of(findings, ids[i]), "ok"))
				printf("%s%s", failed++ ? ", " : "", ids[i]);
	}
	if (with_replay && !strcmp(status_of(findings, "replay"), "skipped"))
		fputs("; skipped: replay", stdout);
	fputc('\n', stdout);
}

/* --format's value, or -1. */
static int parse_format(const char *name)
{
	static const char *const names[] = { "text", "json", "github", "junit" }; /* enum order */
	int i;

	for (i = 0; i < (int)(sizeof(names) / sizeof(*names)); i++)
		if (!strcmp(name, names[i]))
			return i;
	return -1;
}

static void print_findings(enum format format, const gm_findings *findings)
{
	if (format == FORMAT_JSON)
		print_json(findings);
	else if (format == FORMAT_GITHUB)
		print_github(findings);
	else if (format == FORMAT_JUNIT)
		print_junit(findings);
	else
		print_text(findings);
}

int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "production", required_argument, NULL, 'P' },
		{ "worktree", no_argument, NULL, 'W' },
		{ "rev", required_argument, NULL, 'R' },
		{ "replay", no_argument, NULL, 'X' },
		{ "format", required_argument, NULL, 'F' },
		{ "no-wait", no_argument, NULL, 'N' },
		{ "no-cache", no_argument, NULL, 'C' },
		{ "database", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	gm_verify_opts o = GM_VERIFY_OPTS_INIT;
	gm_findings findings = GM_FINDINGS_INIT;
	gm_repo *repo = NULL;
	gm_config *cfg = NULL;
	enum format format = FORMAT_TEXT;
	const char *url = NULL;
	bool worktree = false, done;
	int c, f, error, rc = EXIT_OK;

	while ((c = cmd_getopt(argc, argv, "", opts, verify_usage, &done)) != -1) {
		if (done)
			return c;
		switch (c) {
		case 'P':
			o.production = optarg;
			break;
		case 'W':
			worktree = true;
			break;
		case 'R':
			o.rev = optarg;
			break;
		case 'X':
			o.replay = with_replay = true;
			break;
		case 'N':
			o.no_wait = true;
			break;
		case 'C':
			o.no_cache = true;
			break;
		case 'D':
			with_database = true;
			break;
		case 'F':
			if ((f = parse_format(optarg)) < 0)
				return cmd_usage_error(verify_usage, "--format takes %s, not '%s'",
						       "text, json, github or junit", optarg);
			format = (enum format)f;
			break;
		}
	}
	if (with_database && optind < argc)
		url = argv[optind++];
	if (optind < argc)
		return cmd_usage_error(verify_usage, "unexpected argument '%s'", argv[optind]);
	if (worktree && o.rev)
		return cmd_usage_error(verify_usage,
				       "--worktree and --rev cannot be used together");
	if ((error = cmd_open(&repo, &cfg)) < 0)
		return cmd_die_error(error);
	o.wait = cmd_on_wait;
	if ((error = gm_verify(&findings, repo, cfg, &o)) < 0 ||
	    (with_database && (error = gm_deploy_verify(&findings, repo, cfg, url)) < 0)) {
		rc = cmd_die_error(error);
		goto done;
	}
	cmd_print_replay_notes(&findings);
	print_findings(format, &findings);
	rc = findings.nr ? EXIT_PROBLEM : EXIT_OK;

done:
	gm_findings_release(&findings);
	gm_config_free(cfg);
	gm_repo_free(repo);
	return rc;
}
