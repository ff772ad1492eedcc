/* The pg_catalog queries of postgres_inspect_types.c: extensions, sequences, domains. */
#include "dialect/postgres.h"
#include "dialect/postgres_catalog_sql.h"

/* clang-format off: SQL text, laid out as SQL */

/* E'\nCOMMENT ON <what> <ident> IS '...';' when obj_description `desc` is not NULL. */
#define COMMENT_ON(what, ident, desc)                                 \
	" COALESCE(E'\\nCOMMENT ON " what " ' || " ident " || ' IS '" \
	" || pg_catalog.quote_literal(" desc ") || ';', '')"

/*
 * Extensions but plpgsql (there in every database): 0 name, 1 the statements that
 * create it. The version is not part of it: it is the one the server's package
 * installs (a scratch server and production may have other package versions; updating
 * an extension is ALTER EXTENSION ... UPDATE, the package's business). A comment is
 * part of it when it is not the one the extension's control file gives
 * (pg_available_extensions); removing that one is COMMENT ... IS NULL.
 */
const char *const gm_pg_q_extensions =
	"SELECT e.extname, 'CREATE EXTENSION IF NOT EXISTS ' || pg_catalog.quote_ident(e.extname)"
	" || CASE WHEN n.nspname = current_schema() THEN ''"
	"  ELSE ' WITH SCHEMA ' || pg_catalog.quote_ident(n.nspname) END || ';'"
	" || CASE WHEN cm.c IS NOT DISTINCT FROM av.comment THEN ''"
	"  ELSE E'\\nCOMMENT ON EXTENSION ' || pg_catalog.quote_ident(e.extname) || ' IS '"
	"  || COALESCE(pg_catalog.quote_literal(cm.c), 'NULL') || ';' END"
	" FROM pg_catalog.pg_extension e"
	" JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace"
	" CROSS JOIN LATERAL (SELECT pg_catalog.obj_description(e.oid, 'pg_extension') AS c) cm"
	" LEFT JOIN pg_catalog.pg_available_extensions av ON av.name = e.extname"
	" WHERE e.extname <> 'plpgsql' ORDER BY e.oid";

/*
 * Standalone sequences: not an identity column's, not a serial column's (owned by a
 * column whose default uses it), not an extension's. 0 name, 1 the statements that create
 * it (one a line: CREATE SEQUENCE with every option; ALTER SEQUENCE ... OWNED BY when a
 * column owns it; COMMENT ON), 2 the owning table.
 */
const char *const gm_pg_q_sequences =
	"SELECT" C_NAME ","
	" 'CREATE SEQUENCE ' ||" N_PREFIX " || pg_catalog.quote_ident(c.relname)"
	" || ' AS ' || pg_catalog.format_type(s.seqtypid, NULL)"
	" || ' INCREMENT BY ' || s.seqincrement || ' MINVALUE ' || s.seqmin"
	" || ' MAXVALUE ' || s.seqmax || ' START WITH ' || s.seqstart || ' CACHE ' || s.seqcache"
	" || CASE WHEN s.seqcycle THEN ' CYCLE' ELSE ' NO CYCLE' END || ';'"
	" || COALESCE(E'\\nALTER SEQUENCE ' ||" N_PREFIX " || pg_catalog.quote_ident(c.relname)"
	"  || ' OWNED BY ' ||" N_PREFIX " || pg_catalog.quote_ident(oc.relname) || '.'"
	"  || pg_catalog.quote_ident(oa.attname)"
	"  || ';', '')"
	" ||" COMMENT_ON(
		"SEQUENCE", N_PREFIX " || pg_catalog.quote_ident(c.relname)",
		"pg_catalog.obj_description(c.oid, 'pg_class')") ","
								 " " QNAME(
									 "n.nspname",
									 "oc.relname") " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
										       " JOIN pg_catalog.pg_sequence s ON s.seqrelid = c.oid"
										       " LEFT JOIN pg_catalog.pg_depend o ON o.classid = 'pg_catalog.pg_class'::regclass"
										       "  AND o.objid = c.oid AND o.refclassid = 'pg_catalog.pg_class'::regclass"
										       "  AND o.refobjsubid > 0 AND o.deptype IN ('a', 'i')"
										       " LEFT JOIN pg_catalog.pg_class oc ON oc.oid = o.refobjid"
										       " LEFT JOIN pg_catalog.pg_attribute oa ON oa.attrelid = o.refobjid"
										       "  AND oa.attnum = o.refobjsubid"
										       " WHERE" IN_N
										       "AND c.relkind = 'S' AND" NOT_EXTENSION(
											       "pg_catalog.pg_class",
											       "c.oid") " AND (o.deptype IS NULL OR o.deptype = 'a' AND NOT EXISTS ("
													"  SELECT 1 FROM pg_catalog.pg_attrdef ad JOIN pg_catalog.pg_depend u"
													"  ON u.classid = 'pg_catalog.pg_attrdef'::regclass AND u.objid = ad.oid"
													"  AND u.refclassid = 'pg_catalog.pg_class'::regclass AND u.refobjid = c.oid"
													"  WHERE ad.adrelid = o.refobjid AND ad.adnum = o.refobjsubid))"
													" ORDER BY c.oid";

/*
 * Domains, not an extension's: 0 name, 1 the statements that create it, one clause a
 * line (postgres_plan_types.c reads them back):
 *   CREATE DOMAIN d AS base
 *       COLLATE "c"                      (when not the base type's)
 *       DEFAULT expr
 *       NOT NULL
 *       CONSTRAINT c CHECK (...);        (by name)
 *   COMMENT ON DOMAIN d IS '...';
 * 2 the names of what it uses (chr(31)-separated): its base type when that is of the
 * current schema (an enum, a domain), functions and types its checks and default use.
 */
const char *const gm_pg_q_domains =
	"SELECT" T_NAME ", 'CREATE DOMAIN ' ||" N_PREFIX
	" || pg_catalog.quote_ident(t.typname) || ' AS '"
	" || pg_catalog.format_type(t.typbasetype, t.typtypmod)"
	" || CASE WHEN t.typcollation <> 0 AND t.typcollation <> b.typcollation"
	"  THEN E'\\n    COLLATE ' || pg_catalog.quote_ident(co.collname) ELSE '' END"
	" || COALESCE(E'\\n    DEFAULT ' || t.typdefault, '')"
	" || CASE WHEN t.typnotnull THEN E'\\n    NOT NULL' ELSE '' END"
	" || COALESCE((SELECT string_agg(E'\\n    CONSTRAINT ' || pg_catalog.quote_ident(k.conname)"
	"  || ' ' || pg_catalog.pg_get_constraintdef(k.oid), '' ORDER BY k.conname)"
	"  FROM pg_catalog.pg_constraint k WHERE k.contypid = t.oid AND k.contype = 'c'), '')"
	" || ';' ||" COMMENT_ON(
		"DOMAIN", N_PREFIX " || pg_catalog.quote_ident(t.typname)",
		"pg_catalog.obj_description(t.oid, 'pg_type')") ","
								" (SELECT string_agg(DISTINCT u.name, chr(31)) FROM pg_catalog.pg_depend d"
								" CROSS JOIN LATERAL (SELECT CASE d.refclassid"
								"  WHEN 'pg_catalog.pg_proc'::regclass THEN (SELECT" QNAME(
									"n.nspname",
									"rp.proname") " || '('"
										      "   || pg_catalog.pg_get_function_identity_arguments(rp.oid) || ')'"
										      "   FROM pg_catalog.pg_proc rp WHERE rp.oid = d.refobjid"
										      "   AND rp.pronamespace = t.typnamespace AND" NOT_EXTENSION(
											      "pg_catalog.pg_proc",
											      "rp.oid") ")"
													"  WHEN 'pg_catalog.pg_type'::regclass THEN (SELECT" QNAME(
														"n.nspname",
														"rt.typname") "   FROM pg_catalog.pg_type rt WHERE rt.oid = d.refobjid AND rt.oid <> t.oid"
															      "   AND rt.typnamespace = t.typnamespace AND rt.typtype IN ('e', 'd'))"
															      "  WHEN 'pg_catalog.pg_class'::regclass THEN (SELECT" QNAME(
																      "n.nspname",
																      "rc.relname") "   FROM pg_catalog.pg_class rc WHERE rc.oid = d.refobjid"
																		    "   AND rc.relnamespace = t.typnamespace) END AS name) u"
																		    " WHERE (d.classid = 'pg_catalog.pg_type'::regclass AND d.objid = t.oid"
																		    "  OR d.classid = 'pg_catalog.pg_constraint'::regclass AND d.objid IN ("
																		    "  SELECT k.oid FROM pg_catalog.pg_constraint k WHERE k.contypid = t.oid))"
																		    " AND u.name IS NOT NULL)"
																		    " FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace"
																		    " JOIN pg_catalog.pg_type b ON b.oid = t.typbasetype"
																		    " LEFT JOIN pg_catalog.pg_collation co ON co.oid = t.typcollation"
																		    " WHERE" IN_N
																		    "AND t.typtype = 'd' AND" NOT_EXTENSION(
																			    "pg_catalog.pg_type",
																			    "t.oid") " ORDER BY t.oid";
/* clang-format on */
