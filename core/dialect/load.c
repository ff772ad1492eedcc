/* What the dialects' fixture loaders share. */
#include <stdbool.h>
#include <string.h>
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "dialect/load.h"
#include "util/banned.h"

static bool diagnose;

void gm_load_set_diagnose(bool on)
{
	diagnose = on;
}

bool gm_load_diagnose(void)
{
	return diagnose;
}

bool gm_load_rerun(const gm_conn *conn, int error, bool at_commit)
{
	if (error != GM_EINVALID && error != GM_EDB)
		return false;
	if (conn->dialect->load_rows == gm_sqlite_load_rows)
		return true;
	return conn->dialect->load_rows == gm_pg_load_rows && at_commit;
}

void gm_load_row_detail(gm_buf *out, const char *const *columns, size_t ncolumns,
			const char *const *values)
{
	size_t i;

	for (i = 0; i < ncolumns; i++) {
		const char *v = values[i];
		size_t n;

		if (i)
			gm_buf_putc(out, '\n');
		gm_buf_printf(out, "%s = ", columns[i]);
		if (!v) {
			gm_buf_puts(out, "NULL");
			continue;
		}
		n = strlen(v);
		gm_buf_putc(out, '\'');
		for (size_t k = 0; k < n && k < 60; k++) {
			if (v[k] == '\n')
				gm_buf_puts(out, "\\n");
			else
				gm_buf_putc(out, v[k]);
		}
		gm_buf_puts(out, n > 60 ? "'..." : "'");
	}
}
