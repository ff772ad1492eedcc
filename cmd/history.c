/* history, heads, show: read a chain from the worktree or straight from a git ref. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"

const char *const history_usage[] = {
	"git migrate history [--graph] [--rev <ref>] [--production <ref>]",
	"",
	"Lists the revisions of the chain, newest first (like git log): id, production",
	"mark, message. Production's head is marked '(production)'.",
	"",
	"    --graph               draw the graph; a marker line shows where production's",
	"                          history ends and the local revisions begin",
	"    --rev <ref>           read the chain of a git revision instead of the worktree",
	"    --production <ref>    the ref holding the migrations history (default: config)",
	"    -h, --help            show this help",
	NULL,
};

const char *const heads_usage[] = {
	"git migrate heads [--rev <ref>]",
	"",
	"Lists the heads of the chain (revisions that no other revision names as its",
	"parent), one per line: id and message. A healthy chain has one.",
	"",
	"    --rev <ref>           read the chain of a git revision instead of the worktree",
	"    -h, --help            show this help",
	NULL,
};

const char *const show_usage[] = {
	"git migrate show [--rev <ref>] <revision>",
	"",
	"Prints the file of one revision, named by its id or a unique prefix of it.",
	"",
	"    --rev <ref>           read the chain of a git revision instead of the worktree",
	"    -h, --help            show this help",
	NULL,
};

/* Print findings about the chain being shown as warnings: history is not verify. */
static void warn_findings(const gm_findings *findings)
{
	size_t i;
	for (i = 0; i < findings->nr; i++) {
		const gm_finding *x = &findings->v[i];
		if (x->path && x->line > 0)
			cmd_warning("%s:%d: %s", x->path, x->line, x->message);
		else if (x->path)
			cmd_warning("%s: %s", x->path, x->message);
		else
			cmd_warning("%s", x->message);
	}
}

/* Open the repository and read the chain at rev (NULL = worktree). Exit code or -1. */
static int open_chain(gm_repo **repo, gm_config **cfg, gm_chain **chain, const char *rev)
{
	gm_findings findings = GM_FINDINGS_INIT;
	int error;

	if ((error = cmd_open(repo, cfg)) < 0)
		return cmd_die_error(error);
	if ((error = gm_chain_read(chain, &findings, *repo, *cfg, rev)) < 0) {
		gm_findings_release(&findings);
		return cmd_die_error(error);
	}
	warn_findings(&findings);
	gm_findings_release(&findings);
	if (!gm_chain_count(*chain))
		cmd_info("no revisions in '%s'%s%s%s", (*cfg)->migrations, rev ? " at '" : "",
			 rev ? rev : "", rev ? "'" : "");
	return -1;
}

static void close_chain(gm_repo *repo, gm_config *cfg, gm_chain *chain)
{
	gm_chain_free(chain);
	gm_config_free(cfg);
	gm_repo_free(repo);
}

/* ---- history ------------------------------------------------------------- */

/* The lanes of the graph: each waits for the revision whose id it holds. */
struct lanes {
	const char **v;
	size_t nr, alloc;
};

/* Print a connector line: `line` has 2 * width cells; trailing blanks trimmed. */
static void print_cells(gm_buf *line)
{
	while (line->len && line->ptr[line->len - 1] == ' ')
		gm_buf_truncate(line, line->len - 1);
	printf("%s\n", line->ptr);
	gm_buf_clear(line);
}

static void cells(gm_buf *line, size_t width)
{
	gm_buf_clear(line);
	while (line->len < 2 * width + 1)
		gm_buf_putc(line, ' ');
}

/* Lane j joins lane c (c < j): "|/", "|_|/", and lanes right of j shift left. */
static void collapse(struct lanes *l, size_t c, size_t j, gm_buf *line)
{
	size_t k;

	cells(line, l->nr);
	for (k = 0; k < l->nr; k++) {
		if (k < j)
			line->ptr[2 * k] = '|';
		if (k > c && k < j)
			line->ptr[2 * k - 1] = '_';
		if (k >= j)
			line->ptr[2 * k - 1] = '/';
	}
	print_cells(line);
	memmove(&l->v[j], &l->v[j + 1], (l->nr - j - 1) * sizeof(*l->v));
	l->nr--;
}

static void print_rev(const gm_revision *r, const char *prod_head, const char *prod_name)
{
	printf("%s%s%s", cmd_color("33"), r->id, cmd_reset());
	if (prod_head && !strcmp(r->id, prod_head))
		printf(" %s(%s)%s", cmd_color("1;32"), prod_name, cmd_reset());
	printf(" %s\n", r->message ? r->message : "");
}

static void print_graph(const gm_revision **order, size_t nr, const gm_chain *prod,
			const char *prod_head, const char *prod_name)
{
	struct lanes l = { NULL, 0, 0 };
	gm_buf line = GM_BUF_INIT;
	bool local = false;
	size_t i, k;

	for (i = 0; i < nr; i++)
		if (!prod || !gm_chain_find(prod, order[i]->id))
			local = true;

	for (i = nr; i-- > 0;) {
		const gm_revision *r = order[i];
		size_t c = SIZE_MAX;

		for (k = 0; k < l.nr; k++) {
			if (strcmp(l.v[k], r->id))
				continue;
			if (c == SIZE_MAX) {
				c = k;
				continue;
			}
			collapse(&l, c, k, &line);
			k--;
		}
		if (c == SIZE_MAX) {
			GM_PUSH(l.v, l.nr, l.alloc, r->id);
			c = l.nr - 1;
		}
		if (local && prod_head && !strcmp(r->id, prod_head)) {
			cells(&line, l.nr);
			for (k = 0; k < l.nr; k++)
				line.ptr[2 * k] = '|';
			gm_buf_truncate(&line, 2 * l.nr - 1);
			gm_buf_printf(&line,
				      "  -- local revisions above, production ('%s') below --",
				      prod_name);
			print_cells(&line);
		}
		for (k = 0; k < l.nr; k++)
			printf("%c ", k == c ? '*' : '|');
		print_rev(r, prod_head, prod_name);

		if (!r->parents_nr) {
			if (c + 1 < l.nr) {
				cells(&line, l.nr);
				for (k = 0; k < l.nr; k++) {
					if (k < c)
						line.ptr[2 * k] = '|';
					else if (k > c)
						line.ptr[2 * k - 1] = '/';
				}
				print_cells(&line);
			}
			memmove(&l.v[c], &l.v[c + 1], (l.nr - c - 1) * sizeof(*l.v));
			l.nr--;
			continue;
		}
		l.v[c] = r->parents[0];
		if (r->parents_nr == 2) {
			size_t old = l.nr;
			GM_ALLOC_GROW(l.v, l.nr + 1, l.alloc);
			memmove(&l.v[c + 2], &l.v[c + 1], (l.nr - c - 1) * sizeof(*l.v));
			l.v[c + 1] = r->parents[1];
			l.nr++;
			cells(&line, l.nr);
			for (k = 0; k <= c; k++)
				line.ptr[2 * k] = '|';
			line.ptr[2 * c + 1] = '\\';
			for (k = c + 1; k < old; k++)
				line.ptr[2 * k + 1] = '\\';
			print_cells(&line);
		}
	}
	free(l.v);
	gm_buf_release(&line);
}

int cmd_history(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "graph", no_argument, NULL, 'G' },
		{ "rev", required_argument, NULL, 'R' },
		{ "production", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	gm_findings ignored = GM_FINDINGS_INIT;
	gm_repo *repo = NULL;
	gm_config *cfg = NULL;
	gm_chain *chain = NULL, *prod = NULL;
	const gm_revision **order = NULL;
	const char *rev = NULL, *prod_name = NULL, *prod_head = NULL;
	bool graph = false, done;
	size_t nr = 0, i;
	int c, error, rc = EXIT_OK;

	while ((c = cmd_getopt(argc, argv, "", opts, history_usage, &done)) != -1) {
		if (done)
			return c;
		if (c == 'G')
			graph = true;
		else if (c == 'R')
			rev = optarg;
		else if (c == 'P')
			prod_name = optarg;
	}
	if (optind < argc)
		return cmd_usage_error(history_usage, "unexpected argument '%s'", argv[optind]);
	if ((rc = open_chain(&repo, &cfg, &chain, rev)) >= 0)
		goto done;
	rc = EXIT_OK;

	/* production's head, for the marks; a production ref that does not exist yet is fine */
	if (!prod_name)
		prod_name = cfg->production;
	error = gm_chain_read(&prod, &ignored, repo, cfg, prod_name);
	if (error == GM_ENOTFOUND && !strcmp(prod_name, cfg->production)) {
		gm_error_clear();
	} else if (error < 0) {
		rc = cmd_die_error(error);
		goto done;
	} else {
		const gm_revision *const *heads = gm_chain_heads(prod, &nr);
		if (nr == 1)
			prod_head = heads[0]->id;
	}

	if ((error = gm_chain_order(&order, &nr, chain)) < 0) {
		rc = cmd_die_error(error);
		goto done;
	}
	if (graph)
		print_graph(order, nr, prod, prod_head, prod_name);
	else
		for (i = nr; i-- > 0;)
			print_rev(order[i], prod_head, prod_name);

done:
	free(order);
	gm_chain_free(prod);
	gm_findings_release(&ignored);
	close_chain(repo, cfg, chain);
	return rc;
}

/* ---- heads --------------------------------------------------------------- */

/* The options of heads and show: --rev only. < 0 when parsed, else the exit code. */
static int parse_rev_only(int argc, char **argv, const char *const *usage, const char **rev)
{
	static const struct option opts[] = {
		{ "rev", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool done;
	int c;

	while ((c = cmd_getopt(argc, argv, "", opts, usage, &done)) != -1) {
		if (done)
			return c;
		if (c == 'R')
			*rev = optarg;
	}
	return -1;
}

int cmd_heads(int argc, char **argv)
{
	gm_repo *repo = NULL;
	gm_config *cfg = NULL;
	gm_chain *chain = NULL;
	const gm_revision *const *heads;
	const char *rev = NULL;
	size_t nr, i;
	int c, rc;

	if ((c = parse_rev_only(argc, argv, heads_usage, &rev)) >= 0)
		return c;
	if (optind < argc)
		return cmd_usage_error(heads_usage, "unexpected argument '%s'", argv[optind]);
	if ((rc = open_chain(&repo, &cfg, &chain, rev)) >= 0)
		goto done;
	rc = EXIT_OK;
	heads = gm_chain_heads(chain, &nr);
	for (i = 0; i < nr; i++)
		printf("%s%s%s %s\n", cmd_color("33"), heads[i]->id, cmd_reset(),
		       heads[i]->message ? heads[i]->message : "");
done:
	close_chain(repo, cfg, chain);
	return rc;
}

/* ---- show ---------------------------------------------------------------- */

static int print_worktree_file(const char *root, const char *path)
{
	gm_buf full = GM_BUF_INIT;
	char buf[65536];
	size_t n;
	FILE *f;
	int rc = EXIT_OK;

	gm_buf_printf(&full, "%s/%s", root, path);
	if (!(f = fopen(full.ptr, "rb"))) {
		cmd_error("cannot read '%s': %s", path, strerror(errno));
		gm_buf_release(&full);
		return EXIT_CANNOT;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stdout);
	if (ferror(f)) {
		cmd_error("cannot read '%s': %s", path, strerror(errno));
		rc = EXIT_CANNOT;
	}
	fclose(f);
	gm_buf_release(&full);
	return rc;
}

int cmd_show(int argc, char **argv)
{
	gm_repo *repo = NULL;
	gm_config *cfg = NULL;
	gm_chain *chain = NULL;
	const gm_revision *r = NULL;
	const char *rev = NULL;
	gm_file file;
	char oid[GM_OID_HEXSZ + 1];
	int c, rc, error;

	if ((c = parse_rev_only(argc, argv, show_usage, &rev)) >= 0)
		return c;
	if (optind >= argc)
		return cmd_usage_error(show_usage, "which revision? give its id or a prefix of it");
	if (argc - optind > 1)
		return cmd_usage_error(show_usage, "unexpected argument '%s'", argv[optind + 1]);
	if ((rc = open_chain(&repo, &cfg, &chain, rev)) >= 0)
		goto done;
	rc = EXIT_OK;
	if ((error = gm_chain_lookup(&r, chain, argv[optind])) < 0) {
		rc = cmd_die_error(error);
		goto done;
	}
	if (!rev) {
		rc = print_worktree_file(gm_repo_workdir(repo), r->path);
		goto done;
	}
	memset(&file, 0, sizeof(file));
	if ((error = gm_repo_resolve(oid, NULL, repo, rev)) < 0 ||
	    (error = gm_repo_read_tree_file(&file, repo, oid, r->path)) < 0) {
		rc = cmd_die_error(error);
		goto done;
	}
	fwrite(file.data, 1, file.len, stdout);
	gm_file_release(&file);
done:
	close_chain(repo, cfg, chain);
	return rc;
}
