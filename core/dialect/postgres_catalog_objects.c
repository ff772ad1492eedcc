/* The pg_catalog queries postgres_inspect.c runs for objects beyond tables: triggers. */
#include "dialect/postgres_catalog.h"
#include "dialect/postgres_catalog_sql.h"

/* clang-format off: SQL text, laid out as SQL */

/*
 * Triggers of the schema's tables and views (not the version table $1's, not internal
 * ones, not those of constraints, not a partition's: its unsupported line covers them),
 * not an extension's, in creation order: 0 'trigger', 1 "name on table" (a trigger's name
 * is unique on its table only), 2 table, 3 the statements that create it
 * (pg_get_triggerdef, names of the current schema unqualified; with its COMMENT ON), 4 the
 * names of what it uses (chr(31)-separated): its table and its function "f()" when that is
 * of the schema.
 */
const char *const gm_pg_q_triggers =
	"SELECT 'trigger', g.tgname || ' on ' ||" C_NAME ", " C_NAME ","
	" pg_catalog.pg_get_triggerdef(g.oid, true) || ';'"
	" || COALESCE(E'\\nCOMMENT ON TRIGGER ' || pg_catalog.quote_ident(g.tgname) || ' ON '"
	"  ||" N_PREFIX " || pg_catalog.quote_ident(c.relname) || ' IS '"
	"  || pg_catalog.quote_literal(pg_catalog.obj_description(g.oid, 'pg_trigger')) || ';', ''),"
	" " C_NAME " || COALESCE(chr(31) || (SELECT " QNAME(
		"pn.nspname",
		"p.proname") " || '('"
			     "  || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')'"
			     "  FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace"
			     "  WHERE p.oid = g.tgfoid AND" IN_PN "), '')"
			     /* the schemas' triggers first (OFFSET 0: no definition is built for another's) */
			     " FROM (SELECT g.* FROM pg_catalog.pg_trigger g"
			     "  JOIN pg_catalog.pg_class gc ON gc.oid = g.tgrelid"
			     "  JOIN pg_catalog.pg_namespace gn ON gn.oid = gc.relnamespace"
			     "  WHERE" IN_SCHEMAS(
				     "gn") "AND NOT g.tgisinternal AND g.tgconstraint = 0"
					   "  AND g.tgparentid = 0 OFFSET 0) g"
					   " JOIN pg_catalog.pg_class c ON c.oid = g.tgrelid"
					   " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
					   " WHERE" IN_N
					   "AND NOT c.relispartition AND" NOT_VERSION_TABLE
					   " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend x"
					   "  WHERE x.classid = 'pg_catalog.pg_class'::regclass AND x.objid = c.oid AND x.deptype = 'e')"
					   " ORDER BY g.oid";
/* clang-format on */
