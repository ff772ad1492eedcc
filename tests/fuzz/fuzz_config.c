/*
 * The config loader (core/config.c over core/yaml.c). gm_config_load reads a file: the
 * input goes into a memory file (memfd) that is loaded as --config /proc/self/fd/N. The
 * database and scratch URLs of a config that loads are parsed too, as commands do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include "fuzz.h"
#include "db_int.h"

static int fd = -1;
static char path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gm_config *cfg = NULL;
	gm_url *url = NULL;

	if (fd < 0) {
		if ((fd = memfd_create("gitmigrate.yml", 0)) < 0) {
			perror("memfd_create");
			abort();
		}
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		unsetenv("GIT_MIGRATE_DATABASE_URL");
		unsetenv("DATABASE_URL");
	}
	if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	if (gm_config_load(&cfg, "/repo", path) < 0)
		goto done;
	if (!cfg->production || !cfg->models_nr)
		abort(); /* a loaded config always has these */
	if (gm_url_parse(&url, cfg->database, cfg->root) == 0)
		gm_url_free(url);
	url = NULL;
	if (cfg->scratch && gm_url_parse(&url, cfg->scratch, cfg->root) == 0)
		gm_url_free(url);
done:
	gm_config_free(cfg);
	gm_error_clear();
	return 0;
}
