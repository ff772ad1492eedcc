/* init: write .gitmigrate.yml, migrations/versions/ and an example model; never overwrite. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cmd.h"
#include "git-migrate/baseline.h"

const char *const init_usage[] = {
	"git migrate init",
	"git migrate init --from-database <url>",
	"",
	"Writes .gitmigrate.yml, the migrations directory (with a .gitkeep) and an example",
	"model models/example.yml in the root of the repository (outside a repository: in",
	"the current directory). Never overwrites: if any of these files exists, nothing is",
	"written.",
	"",
	"With --from-database, adopts a database no tool manages yet (a SQLite file, a",
	"PostgreSQL URL): reads its schema and writes a base revision that creates it,",
	"YAML models " GM_BASELINE_YAML " describing it (what YAML cannot say goes to",
	GM_BASELINE_SQL ", named), and .gitmigrate.yml with `database:` set to",
	"<url> (without its password: use PGPASSWORD or ~/.pgpass); then stamps the",
	"database at the base revision. Needs a git repository; nothing is written when",
	"any of these files exists or the migrations directory already holds revisions.",
	"",
	"    --from-database <url>  adopt this database (a SQLite file, a PostgreSQL URL)",
	"    -h, --help            show this help",
	NULL,
};

static const char example_model[] =
	"# An example model: the schema you want, in git-migrate's YAML model format.\n"
	"# Edit it (or add more files next to it), then run\n"
	"#   git migrate prepare -m \"create contacts\"\n"
	"# to write the revision that takes the database there.\n"
	"#\n"
	"# enums:\n"
	"#   contact_kind: [person, company]\n"
	"\n"
	"tables:\n"
	"  contacts:\n"
	"    columns:\n"
	"      id:    {type: integer, primary_key: true}\n"
	"      email: {type: varchar(200), null: false, unique: true}\n"
	"      name:  text\n";

struct target {
	char *path;  /* absolute (or as given for --config) */
	char *shown; /* for messages */
	const char *text;
};

static int mkdirs(const char *path)
{
	char *p = gm_xstrdup(path), *s;
	int rc = 0;

	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST)
			rc = -1;
		*s = '/';
		if (rc < 0)
			break;
	}
	free(p);
	return rc;
}

static int write_new(const char *path, const char *text)
{
	size_t len = strlen(text), off = 0;
	int fd;

	if (mkdirs(path) < 0)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
	if (fd < 0)
		return -1;
	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	return close(fd);
}

static char *join(const char *root, const char *rel)
{
	gm_buf b = GM_BUF_INIT;
	gm_buf_printf(&b, "%s/%s", root, rel);
	return gm_buf_detach(&b);
}

/* True when directory root/dir holds a file whose name ends in suffix or suffix2 (or NULL). */
static bool has_file(const char *root, const char *dir, const char *suffix, const char *suffix2)
{
	char *path = join(root, dir);
	DIR *d = opendir(path);
	struct dirent *de;
	bool found = false;

	free(path);
	if (!d)
		return false;
	while (!found && (de = readdir(d))) {
		size_t len = strlen(de->d_name), n = strlen(suffix);
		found = len > n && !strcmp(de->d_name + len - n, suffix);
		if (!found && suffix2 && len > (n = strlen(suffix2)))
			found = !strcmp(de->d_name + len - n, suffix2);
	}
	closedir(d);
	return found;
}

/* True when models/ already holds YAML files: an example would join the real schema. */
static bool has_models(const char *root)
{
	return has_file(root, "models", ".yml", ".yaml");
}

/* Where init writes: the repository's worktree, else the current directory. NULL: said why. */
static char *init_root(void)
{
	gm_repo *repo = NULL;
	char *root;

	if (gm_repo_discover(&repo, NULL) == 0) {
		root = gm_xstrdup(gm_repo_workdir(repo));
		gm_repo_free(repo);
		return root;
	}
	gm_error_clear();
	root = getcwd(NULL, 0);
	if (!root) {
		cmd_error("cannot find the current directory: %s", strerror(errno));
		return NULL;
	}
	cmd_info("not in a git repository: writing into the current directory");
	return root;
}

/* Names each target that exists; true when one does. */
static bool any_exists(const struct target *t, size_t n)
{
	bool exists = false;
	size_t i;

	for (i = 0; i < n; i++) {
		struct stat st;
		if (lstat(t[i].path, &st) == 0) {
			cmd_error("'%s' already exists", t[i].shown);
			exists = true;
		}
	}
	return exists;
}

/* Write every target, all or nothing, and name each one written. */
static int write_all(const struct target *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (write_new(t[i].path, t[i].text) < 0) {
			cmd_error("cannot write '%s': %s", t[i].shown, strerror(errno));
			while (i-- > 0)
				unlink(t[i].path);
			return -1;
		}
	}
	for (i = 0; i < n; i++)
		printf("created %s\n", t[i].shown);
	return 0;
}

/* The config's target: --config's file, else .gitmigrate.yml in the root. */
static void config_target(struct target *t, const char *root)
{
	if (gm_global.config_path) {
		t->path = gm_xstrdup(gm_global.config_path);
		t->shown = gm_xstrdup(gm_global.config_path);
	} else {
		t->path = join(root, ".gitmigrate.yml");
		t->shown = gm_xstrdup(".gitmigrate.yml");
	}
}

/* The files init writes: the config, the migrations directory's .gitkeep, an example model. */
static size_t set_targets(struct target *t, const char *root, const gm_config *defaults)
{
	size_t n = 0;

	config_target(&t[n], root);
	t[n++].text = gm_config_template();
	t[n].shown = join(defaults->migrations, ".gitkeep");
	t[n].path = join(root, t[n].shown);
	t[n++].text = "";
	t[n].shown = gm_xstrdup("models/example.yml");
	t[n].path = join(root, t[n].shown);
	t[n++].text = example_model;
	return n;
}

/* Revision files (*.sql) already in the migrations directory: a base revision would be a second root. */
static bool has_revisions(const char *root, const char *migrations)
{
	bool found = has_file(root, migrations, ".sql", NULL);

	if (found)
		cmd_error("'%s' already holds revisions", migrations);
	return found;
}

/* The files of a baseline: config, YAML models, SQL model (if any), base revision. */
static size_t baseline_targets(struct target *t, const char *root, const gm_baseline *b)
{
	size_t n = 0;

	config_target(&t[n], root);
	t[n++].text = b->config;
	t[n].shown = gm_xstrdup(GM_BASELINE_YAML);
	t[n].path = join(root, t[n].shown);
	t[n++].text = b->yaml;
	if (b->sql) {
		t[n].shown = gm_xstrdup(GM_BASELINE_SQL);
		t[n].path = join(root, t[n].shown);
		t[n++].text = b->sql;
	}
	t[n].shown = gm_xstrdup(b->revision_path);
	t[n].path = join(root, t[n].shown);
	t[n++].text = b->revision;
	return n;
}

/* What the baseline could not put in YAML, and what no model covers. */
static void report_baseline(const gm_baseline *b)
{
	size_t i;

	cmd_info("read %zu table%s and %zu other object%s", b->tables_nr,
		 b->tables_nr == 1 ? "" : "s", b->objects_nr, b->objects_nr == 1 ? "" : "s");
	if (b->unexpressed_nr)
		cmd_info("in " GM_BASELINE_SQL " (the YAML models cannot say it, or it is used "
			 "by what they cannot say):");
	for (i = 0; i < b->unexpressed_nr; i++)
		cmd_info("  %s", b->unexpressed[i]);
	for (i = 0; i < b->unsupported_nr; i++)
		cmd_warning("not covered by the schema model, left out: %s", b->unsupported[i]);
	if (b->had_password)
		cmd_hint("the password is not written into .gitmigrate.yml: give it with "
			 "PGPASSWORD or ~/.pgpass");
}

/* Stamp the database at the base revision, through the config just written. */
static int stamp_baseline(const char *url, const gm_baseline *b)
{
	gm_repo *repo = NULL;
	gm_config *cfg = NULL;
	gm_buf masked = GM_BUF_INIT;
	int error;

	gm_url_mask(&masked, url);
	if ((error = cmd_open(&repo, &cfg)) == 0) {
		free(cfg->database);
		cfg->database = gm_xstrdup(url); /* with its password, if it has one */
		error = gm_deploy_stamp(repo, cfg, b->id, false);
	}
	if (error < 0) {
		cmd_die_error(error);
		cmd_hint("the files are written: run 'git migrate stamp %s' once it can", b->id);
	} else {
		cmd_info("stamped %s at %s (the base revision)", masked.ptr, b->id);
	}
	gm_buf_release(&masked);
	gm_config_free(cfg);
	gm_repo_free(repo);
	return error < 0 ? EXIT_CANNOT : EXIT_OK;
}

/* init --from-database URL: read, check that nothing exists, write, stamp. */
static int init_from_database(const char *url)
{
	gm_repo *repo = NULL;
	gm_config *defaults = NULL;
	gm_baseline b;
	struct target t[4];
	size_t i, n = 0;
	bool exists;
	int error, rc = EXIT_OK;

	memset(&b, 0, sizeof(b));
	if ((error = gm_repo_discover(&repo, NULL)) < 0) {
		rc = cmd_die_error(error);
		cmd_hint("init --from-database writes a revision to commit: run 'git init' first");
		return rc;
	}
	gm_config_defaults(&defaults, gm_repo_workdir(repo));
	gm_signals_install();
	if ((error = gm_baseline_read(&b, url, defaults)) < 0) {
		rc = cmd_die_error(error);
		goto done;
	}
	n = baseline_targets(t, defaults->root, &b);
	exists = any_exists(t, n); /* each existing file named, then the revisions too */
	if (has_revisions(defaults->root, defaults->migrations) || exists) {
		cmd_hint("init never overwrites: nothing was written");
		rc = EXIT_CANNOT;
		goto done;
	}
	if (write_all(t, n) < 0) {
		rc = EXIT_CANNOT;
		goto done;
	}
	report_baseline(&b);
	rc = stamp_baseline(url, &b);
	if (rc == EXIT_OK)
		cmd_info("next: commit these files on the production branch ('production:' in "
			 ".gitmigrate.yml); then 'git migrate diff' shows no changes");
done:
	for (i = 0; i < n; i++) {
		free(t[i].path);
		free(t[i].shown);
	}
	gm_baseline_release(&b);
	gm_config_free(defaults);
	gm_repo_free(repo);
	return cmd_finish_signal(rc);
}

int cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from-database", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	gm_config *defaults = NULL;
	struct target t[3];
	char *root = NULL;
	size_t i, n = 0, nwrite;
	bool done;
	const char *from = NULL;
	int c, rc = EXIT_OK;

	while ((c = cmd_getopt(argc, argv, "", opts, init_usage, &done)) != -1) {
		if (done)
			return c;
		if (c == 'D')
			from = optarg;
	}
	if (optind < argc)
		return cmd_usage_error(init_usage, "unexpected argument '%s'", argv[optind]);
	if (from)
		return init_from_database(from);

	if (!(root = init_root()))
		return EXIT_CANNOT;
	gm_config_defaults(&defaults, root);
	n = set_targets(t, root, defaults);

	if (any_exists(t, n)) {
		cmd_hint("init never overwrites: nothing was written");
		rc = EXIT_CANNOT;
		goto done;
	}
	nwrite = n;
	if (has_models(root)) {
		/* models/ already describes a schema: an example would become part of it */
		nwrite--;
		cmd_info("models/ already holds model files: no example model written");
	}
	if (write_all(t, nwrite) < 0) {
		rc = EXIT_CANNOT;
		goto done;
	}
	cmd_info("next: describe your schema in models/, then run "
		 "'git migrate prepare -m \"<message>\"'");
done:
	for (i = 0; i < n; i++) {
		free(t[i].path);
		free(t[i].shown);
	}
	gm_config_free(defaults);
	free(root);
	return rc;
}
