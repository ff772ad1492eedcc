/* The SQL splitter (core/dialect/sql.c): statements at top-level ';' of any text. */
#include <stdlib.h>
#include "dialect/sql.h"
#include "fuzz.h"

struct seen {
	size_t bytes;
	int last_line;
};

static int each(const char *stmt, int line, void *payload)
{
	struct seen *s = payload;
	size_t n = strlen(stmt);
	const char *p = gm_sql_skip_space(stmt);

	if (p < stmt || p > stmt + n)
		abort(); /* skipping stays inside the text */
	if (line < s->last_line)
		abort(); /* statements come in order, at 1-based lines */
	s->bytes += n;
	s->last_line = line;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *sql = fuzz_strndup(data, size);
	struct seen s = { 0, 1 };

	(void)gm_sql_split(sql, each, &s);
	if (s.bytes > strlen(sql) * 2 + 1)
		abort(); /* no statement text invented */
	free(sql);
	gm_error_clear();
	return 0;
}
