/* init: write .gitmigrate.yml, migrations/versions/ and an example model; never overwrite. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cmd.h"

const char *const init_usage[] = {
	"git migrate init",
	"",
	"Writes .gitmigrate.yml, the migrations directory (with a .gitkeep) and an example",
	"model models/example.yml in the root of the repository (outside a repository: in",
	"the current directory). Never overwrites: if any of these files exists, nothing is",
	"written.",
	"",
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

/* True when models/ already holds YAML files: an example would join the real schema. */
static bool has_models(const char *root)
{
	char *path = join(root, "models");
	DIR *d = opendir(path);
	struct dirent *de;
	bool found = false;

	free(path);
	if (!d)
		return false;
	while (!found && (de = readdir(d))) {
		size_t len = strlen(de->d_name);
		found = (len > 4 && !strcmp(de->d_name + len - 4, ".yml")) ||
			(len > 5 && !strcmp(de->d_name + len - 5, ".yaml"));
	}
	closedir(d);
	return found;
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

/* The files init writes: the config, the migrations directory's .gitkeep, an example model. */
static size_t set_targets(struct target *t, const char *root, const gm_config *defaults)
{
	size_t n = 0;

	if (gm_global.config_path) {
		t[n].path = gm_xstrdup(gm_global.config_path);
		t[n].shown = gm_xstrdup(gm_global.config_path);
	} else {
		t[n].path = join(root, ".gitmigrate.yml");
		t[n].shown = gm_xstrdup(".gitmigrate.yml");
	}
	t[n++].text = gm_config_template();
	t[n].shown = join(defaults->migrations, ".gitkeep");
	t[n].path = join(root, t[n].shown);
	t[n++].text = "";
	t[n].shown = gm_xstrdup("models/example.yml");
	t[n].path = join(root, t[n].shown);
	t[n++].text = example_model;
	return n;
}

int cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	gm_config *defaults = NULL;
	struct target t[3];
	char *root = NULL;
	size_t i, n = 0, nwrite;
	bool done, exists = false;
	int c, rc = EXIT_OK;

	while ((c = cmd_getopt(argc, argv, "", opts, init_usage, &done)) != -1)
		if (done)
			return c;
	if (optind < argc)
		return cmd_usage_error(init_usage, "unexpected argument '%s'", argv[optind]);

	if (!(root = init_root()))
		return EXIT_CANNOT;
	gm_config_defaults(&defaults, root);
	n = set_targets(t, root, defaults);

	for (i = 0; i < n; i++) {
		struct stat st;
		if (lstat(t[i].path, &st) == 0) {
			cmd_error("'%s' already exists", t[i].shown);
			exists = true;
		}
	}
	if (exists) {
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
	for (i = 0; i < nwrite; i++) {
		if (write_new(t[i].path, t[i].text) < 0) {
			cmd_error("cannot write '%s': %s", t[i].shown, strerror(errno));
			while (i-- > 0) /* all or nothing */
				unlink(t[i].path);
			rc = EXIT_CANNOT;
			goto done;
		}
	}
	for (i = 0; i < nwrite; i++)
		printf("created %s\n", t[i].shown);
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
