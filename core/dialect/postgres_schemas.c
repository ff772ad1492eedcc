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
	gm_strvec homes = GM_STRVEC_INIT;
	size_t i, had = s->dependents_nr;

	gm_schema_homes(&homes, s);
	for (i = 0; i < homes.nr; i++)
		imply(s, homes.v[i]);
	if (s->dependents_nr > had)
		gm_schema_order_dependents(s);
	gm_strvec_release(&homes);
}
