/* SQL building blocks of the pg_catalog queries (postgres_catalog*.c): which schemas are
 * read, how their objects are named. Text macros only. */
#ifndef GM_DIALECT_POSTGRES_CATALOG_SQL_H
#define GM_DIALECT_POSTGRES_CATALOG_SQL_H

/* clang-format off: SQL text, laid out as SQL */

/* Not created by an extension (its objects are the extension's business). */
#define NOT_EXTENSION(classid, oid)                                                     \
	" NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend x WHERE x.classid = '" classid \
	"'::regclass AND x.objid = " oid " AND x.deptype = 'e') "

/*
 * The schemas read (issue 14): the current schema, and every other schema but the system
 * ones (PostgreSQL reserves the pg_ prefix: pg_catalog, pg_toast, pg_temp_N...;
 * information_schema) and those an extension owns. Every such schema, not only those the
 * models name: prepare inspects both sides with the same rule (the models' scratch
 * database holds just the schemas the models create, the history's replay those the
 * revisions created), so a schema the models drop is still read on the history side and
 * planned as dropped. Which of them a plan manages is decided after inspection, from the
 * models and the config's `schemas:` key (gm_schema_scope, core/schema_scope.c).
 * `nsp` is a pg_namespace alias.
 */
#define IN_SCHEMAS(nsp)                                                             \
	" (" nsp ".nspname = current_schema() OR " nsp ".nspname NOT LIKE 'pg\\_%'" \
	" AND " nsp ".nspname <> 'information_schema' AND" NOT_EXTENSION(           \
		"pg_catalog.pg_namespace", nsp ".oid") ") "
#define IN_N IN_SCHEMAS("n")
#define IN_CN IN_SCHEMAS("cn")
#define IN_PN IN_SCHEMAS("pn")

/*
 * The model's name of object `name` of namespace `nsp` (text expressions): unqualified in
 * the current schema, else "schema.name"; a part holding a dot or starting with a double
 * quote is double-quoted (schema.h's canonical forms).
 */
#define QPART(x)                                                          \
	"(CASE WHEN strpos(" x ", '.') > 0 OR left(" x ", 1) = '\"' THEN" \
	" '\"' || replace(" x ", '\"', '\"\"') || '\"' ELSE " x "::text END)"
#define QNAME(nsp, name)                                                          \
	"(CASE WHEN " nsp " = current_schema() THEN " QPART(name) " ELSE " QPART( \
		nsp) " || '.' || " QPART(name) " END)"
/* The model's name of type alias `t` (a pg_type row). */
#define TYPE_QNAME(t)                                                                   \
	"(SELECT " QNAME("tn.nspname", t ".typname") " FROM pg_catalog.pg_namespace tn" \
						     " WHERE tn.oid = " t ".typnamespace)"
#define T_TYPE TYPE_QNAME("t")
#define ET_TYPE TYPE_QNAME("et")
#define DT_TYPE TYPE_QNAME("dt")
/* Names of n's relation c, type t, function p */
#define C_NAME QNAME("n.nspname", "c.relname")
#define T_NAME QNAME("n.nspname", "t.typname")
#define P_NAME QNAME("n.nspname", "p.proname")
/* "schema." for namespace n other than the current one, else '' (SQL text, quoted as
 * needed). */
#define N_PREFIX                                          \
	"(CASE WHEN n.nspname = current_schema() THEN ''" \
	" ELSE pg_catalog.quote_ident(n.nspname) || '.' END)"
#define N_NAME QPART("n.nspname")
/* a sequence s's name; the referenced table r's name */
#define SEQ_NAME                                                                        \
	" (SELECT " QNAME("sn.nspname", "s.relname") " FROM pg_catalog.pg_namespace sn" \
						     " WHERE sn.oid = s.relnamespace) AS relname"
#define REF_NAME                                                                        \
	" (SELECT " QNAME("rn.nspname", "r.relname") " FROM pg_catalog.pg_namespace rn" \
						     " WHERE rn.oid = r.relnamespace)"
/* the version table: $1 in the current schema */
#define NOT_VERSION_TABLE " (c.relname <> $1 OR n.nspname <> current_schema())"

/* clang-format on */

#endif
