/* What the dialects' fixture loaders share. */
#include <string.h>
#include "git-migrate/buf.h"
#include "dialect/load.h"
#include "util/banned.h"

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
