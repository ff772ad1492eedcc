/* Content hashes through libgit2 (git_odb_hashfile) for the snapshot cache's key. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <git2.h>
#include "git-migrate/error.h"
#include "error_int.h"
#include "repo_git.h"
#include "repo_hash.h"
#include "util/banned.h"

int gm_repo_hash_file(char oid_out[GM_OID_HEXSZ + 1], const char *path)
{
	struct stat st;
	git_oid oid;

	oid_out[0] = '\0';
	if (stat(path, &st) < 0)
		return gm_error_set(errno == ENOENT ? GM_ENOTFOUND : GM_ERROR,
				    "cannot read '%s': %s", path, strerror(errno));
	/* a FIFO would block the read for ever; devices and sockets are no content either */
	if (!S_ISREG(st.st_mode))
		return gm_error_set(GM_EINVALID, "'%s' is not a regular file", path);
	if (git_odb_hashfile(&oid, path, GIT_OBJECT_BLOB) < 0)
		return gm_repo_git_fail(-1, "cannot read '%s'", path);
	git_oid_tostr(oid_out, GM_OID_HEXSZ + 1, &oid);
	return 0;
}
