/* PostgreSQL schemas: the schema objects that the names of a models schema imply. */
#include <string.h>
#include "git-migrate/buf.h"
#include "git-migrate/schema.h"
#include "dialect/postgres.h"
#include "dialect/sql.h"
#include "schema_int.h"
#include "util/strvec.h"
#include "util/banned.h"

/* Add schema object `schema` (unquoted) to s unless s has it. */
static void imply(gm_schema *s, const char *schema)
{
	gm_buf name = GM_BUF_INIT, create = GM_BUF_INIT;

	gm_name_part(&name, schema);
	if (!gm_schema_dependent(s, "schema", name.ptr)) {
		gm_buf_puts(&create, "CREATE SCHEMA ");
		gm_sql_ident(&create, schema);
		gm_buf_putc(&create, ';');
		gm_schema_add_dependent(s, "schema", name.ptr, NULL, create.ptr);
	}
	gm_buf_release(&name);
	gm_buf_release(&create);
}

void gm_pg_imply_schemas(gm_schema *s)
{
	gm_buf home = GM_BUF_INIT;
	size_t i, had = s->dependents_nr, n = s->dependents_nr;

	for (i = 0; i < s->tables_nr + s->enums_nr + n; i++) {
		if (i < s->tables_nr)
			gm_name_home(&home, s->tables[i]->name);
		else if (i < s->tables_nr + s->enums_nr)
			gm_name_home(&home, s->enums[i - s->tables_nr]->name);
		else
			gm_dependent_home(&home, s->dependents[i - s->tables_nr - s->enums_nr]);
		if (home.len)
			imply(s, home.ptr);
	}
	if (s->dependents_nr > had)
		gm_schema_order_dependents(s);
	gm_buf_release(&home);
}
