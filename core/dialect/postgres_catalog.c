/* The pg_catalog queries postgres_inspect.c runs (their columns are documented at each). */
#include "dialect/postgres_catalog.h"

/* clang-format off: SQL text, laid out as SQL */

/* Not created by an extension (its objects are the extension's business). */
#define NOT_EXTENSION(classid, oid)                                                     \
	" NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend x WHERE x.classid = '" classid \
	"'::regclass AND x.objid = " oid " AND x.deptype = 'e') "

/*
 * The tables of the schema: c is pg_class, n its namespace; $1 the version table.
 * Partitions are not tables of the model: their partitioned table is (read_tables and
 * gm_pg_q_unsupported name both).
 */
#define TABLES_WHERE                                                                    \
	" n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND c.relname <> $1" \
	" AND NOT c.relispartition AND" NOT_EXTENSION("pg_catalog.pg_class", "c.oid")

const char *const gm_pg_q_enums =
	"SELECT t.typname, e.enumlabel FROM pg_catalog.pg_type t"
	" JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace"
	" JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid"
	" WHERE n.nspname = current_schema() AND" NOT_EXTENSION(
		"pg_catalog.pg_type", "t.oid") " ORDER BY t.typname, e.enumsortorder";

const char *const gm_pg_q_tables =
	"SELECT c.relname, c.relkind, pg_catalog.obj_description(c.oid, 'pg_class'),"
	" (SELECT p.relname FROM pg_catalog.pg_inherits i"
	"   JOIN pg_catalog.pg_class p ON p.oid = i.inhparent"
	"   WHERE i.inhrelid = c.oid ORDER BY i.inhseqno LIMIT 1)"
	" FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	" WHERE" TABLES_WHERE " ORDER BY c.relname";

/* A pg_depend row from an object of class `cls` to a pg_class row (d the alias). */
#define DEP_TO_CLASS(d, cls)                   \
	" " d ".classid = '" cls "'::regclass" \
	" AND " d ".refclassid = 'pg_catalog.pg_class'::regclass"

/*
 * Columns: 0 table, 1 column, 2 type (a domain's base type, see read_column), 3 not null,
 * 4 default, 5 attidentity, 6 attgenerated, 7 comment, 8 enum type name ("t" or "t[]"),
 * 9 the default's sequence is owned by this column, 10 the default's sequence when it
 * is owned by no column and no other default uses it, 11 the domain of a domain column.
 */
const char *const gm_pg_q_columns =
	/*
	 * The tables, the defaults that use a sequence, and each such sequence's facts,
	 * computed once for the whole schema: filtered per column (the extension check is
	 * an anti-join on pg_depend), a table of 1,500 columns took 5 s to inspect.
	 */
	"WITH tbl AS MATERIALIZED (SELECT c.oid, c.relname FROM pg_catalog.pg_class c"
	"  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE" TABLES_WHERE "),"
	" seqdep AS MATERIALIZED (SELECT sd.objid AS adoid, s.oid AS seqoid, s.relname"
	"  FROM pg_catalog.pg_depend sd JOIN pg_catalog.pg_class s ON s.oid = sd.refobjid"
	"  WHERE" DEP_TO_CLASS(
		"sd",
		"pg_catalog.pg_attrdef") " AND s.relkind = 'S'),"
					 " seqinfo AS MATERIALIZED (SELECT q.seqoid,"
					 "   EXISTS (SELECT 1 FROM pg_catalog.pg_depend o WHERE" DEP_TO_CLASS(
						 "o",
						 "pg_catalog.pg_class") "    AND o.objid = q.seqoid AND o.refobjsubid > 0 AND o.deptype IN ('a', 'i'))"
									"    AS has_owner,"
									"   (SELECT count(*) FROM seqdep u"
									"    JOIN pg_catalog.pg_attrdef ud ON ud.oid = u.adoid"
									"    JOIN pg_catalog.pg_class uc ON uc.oid = ud.adrelid"
									"    WHERE u.seqoid = q.seqoid AND NOT uc.relispartition) AS users"
									"  FROM (SELECT DISTINCT seqoid FROM seqdep) q)"
									" SELECT c.relname, a.attname,"
									" pg_catalog.format_type(t.oid, CASE WHEN dom.base IS NULL THEN a.atttypmod"
									"  ELSE dom.mod END),"
									/* A default cannot name a column (a generated column's expression can): without
	 * the relation, pg_get_expr skips building a deparse context of all its columns,
	 * which per default made a wide table quadratic. */
									" a.attnotnull, pg_catalog.pg_get_expr(d.adbin,"
									"  CASE WHEN a.attgenerated = '' THEN 0 ELSE d.adrelid END), a.attidentity,"
									" a.attgenerated, pg_catalog.col_description(a.attrelid, a.attnum),"
									" CASE WHEN t.typtype = 'e' THEN t.typname"
									"  WHEN et.typtype = 'e' THEN et.typname || '[]' END,"
									" COALESCE(seq.owned, false),"
									" CASE WHEN NOT seq.owned AND NOT seq.has_owner AND seq.users = 1 THEN seq.relname END,"
									" CASE WHEN dom.base IS NOT NULL THEN dt.typname END"
									" FROM pg_catalog.pg_attribute a"
									" JOIN tbl c ON c.oid = a.attrelid"
									" JOIN pg_catalog.pg_type dt ON dt.oid = a.atttypid"
									/* a domain's base type, through domains over domains */
									" LEFT JOIN LATERAL (WITH RECURSIVE r(base, mod, depth) AS ("
									"   SELECT dt.typbasetype, dt.typtypmod, 1 WHERE dt.typtype = 'd'"
									"   UNION ALL SELECT b.typbasetype, b.typtypmod, r.depth + 1 FROM r"
									"   JOIN pg_catalog.pg_type b ON b.oid = r.base WHERE b.typtype = 'd' AND r.depth < 32)"
									"  SELECT r.base, r.mod FROM r ORDER BY r.depth DESC LIMIT 1) dom ON true"
									" JOIN pg_catalog.pg_type t ON t.oid = COALESCE(dom.base, a.atttypid)"
									" LEFT JOIN pg_catalog.pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'"
									" LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
									/* the sequence the default uses: owned by this column, by any column, its users */
									" LEFT JOIN LATERAL (SELECT sq.relname,"
									"   EXISTS (SELECT 1 FROM pg_catalog.pg_depend o WHERE" DEP_TO_CLASS(
										"o",
										"pg_catalog.pg_class") "    AND o.objid = sq.seqoid AND o.refobjid = a.attrelid AND o.refobjsubid = a.attnum"
												       "    AND o.deptype = 'a') AS owned,"
												       "   si.has_owner, si.users"
												       "  FROM seqdep sq JOIN seqinfo si ON si.seqoid = sq.seqoid"
												       "  WHERE sq.adoid = d.oid"
												       "  ORDER BY sq.relname LIMIT 1) seq ON true"
												       " WHERE a.attnum > 0 AND NOT a.attisdropped"
												       " ORDER BY c.relname, a.attnum";

/* Column names of a key, in key order, separated by chr(31). */
#define KEY_NAMES(key, rel)                                   \
	"(SELECT string_agg(a.attname, chr(31) ORDER BY k.i)" \
	" FROM unnest(" key ") WITH ORDINALITY k(num, i)"     \
	" JOIN pg_catalog.pg_attribute a ON a.attrelid = " rel " AND a.attnum = k.num)"

const char *const gm_pg_q_constraints =
	"SELECT c.relname, co.conname, co.contype,"
	" " KEY_NAMES(
		"co.conkey",
		"co.conrelid") ","
			       " r.relname,"
			       " " KEY_NAMES(
				       "co.confkey",
				       "co.confrelid") ","
						       " co.confdeltype, co.confupdtype, pg_catalog.pg_get_constraintdef(co.oid)"
						       " FROM pg_catalog.pg_constraint co"
						       " JOIN pg_catalog.pg_class c ON c.oid = co.conrelid"
						       " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
						       " LEFT JOIN pg_catalog.pg_class r ON r.oid = co.confrelid"
						       " WHERE" TABLES_WHERE
						       " ORDER BY c.relname, co.contype, co.conname";

/*
 * Indexes that back no constraint. An index with expressions, or with non-default
 * ordering, opclass or collation on a key column, is read as an expression index (its
 * key columns as pg_get_indexdef prints them), so nothing is lost.
 */
const char *const gm_pg_q_indexes =
	"SELECT c.relname, ic.relname, i.indisunique,"
	" pg_catalog.pg_get_expr(i.indpred, i.indrelid),"
	" (i.indexprs IS NOT NULL"
	"  OR EXISTS (SELECT 1 FROM unnest(i.indoption::int2[]) o WHERE o <> 0)"
	"  OR EXISTS (SELECT 1 FROM unnest(i.indclass::oid[]) WITH ORDINALITY k(cl, j)"
	"   JOIN pg_catalog.pg_opclass op ON op.oid = k.cl"
	"   WHERE j <= i.indnkeyatts AND NOT op.opcdefault)"
	"  OR EXISTS (SELECT 1 FROM unnest(i.indcollation::oid[]) WITH ORDINALITY k(co, j)"
	"   JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid"
	"   AND a.attnum = i.indkey[j - 1]"
	"   WHERE co <> 0 AND co <> a.attcollation)),"
	" (SELECT string_agg(a.attname, chr(31) ORDER BY k.i)"
	"  FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(num, i)"
	"  JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num"
	"  WHERE k.i <= i.indnkeyatts),"
	" pg_catalog.pg_get_indexdef(i.indexrelid, 0, true),"
	" am.amname"
	" FROM pg_catalog.pg_index i"
	" JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid"
	" JOIN pg_catalog.pg_am am ON am.oid = ic.relam"
	" JOIN pg_catalog.pg_class c ON c.oid = i.indrelid"
	" JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	" WHERE" TABLES_WHERE " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint co"
	"  WHERE co.conindid = i.indexrelid AND co.conrelid = i.indrelid"
	"  AND co.contype IN ('p', 'u', 'x'))"
	" ORDER BY c.relname, ic.relname";

/*
 * Everything the model does not cover: "<kind> <name>" lines (and two columns no longer
 * read). Sequences, domains and extensions are objects (postgres_catalog_types.c).
 * A partition's line covers the triggers on it (those cloned from its parent's too).
 */
const char *const gm_pg_q_unsupported =
	"SELECT d, k, o FROM ("
	" SELECT CASE c.relkind"
	"  WHEN 'f' THEN 'foreign table ' ELSE 'sequence ' END || c.relname AS d,"
	"  CASE c.relkind WHEN 'S' THEN 'S' END AS k, c.relname AS o"
	" FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	" WHERE n.nspname = current_schema() AND c.relkind IN ('f')"
	" AND c.relname <> $1 AND" NOT_EXTENSION(
		"pg_catalog.pg_class",
		"c.oid") " AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep"
			 "  WHERE dep.classid = 'pg_catalog.pg_class'::regclass AND dep.objid = c.oid"
			 "  AND dep.refclassid = 'pg_catalog.pg_class'::regclass AND dep.refobjsubid > 0"
			 "  AND dep.deptype IN ('a', 'i')))"
			 " UNION ALL"
			 " SELECT 'partition ' || c.relname || ' of ' || p.relname, NULL, NULL"
			 " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
			 " JOIN pg_catalog.pg_inherits i ON i.inhrelid = c.oid"
			 " JOIN pg_catalog.pg_class p ON p.oid = i.inhparent"
			 " WHERE n.nspname = current_schema() AND c.relispartition AND c.relkind IN ('r', 'p')"
			 " AND" NOT_EXTENSION(
				 "pg_catalog.pg_class",
				 "c.oid") " UNION ALL"
					  " SELECT 'trigger ' || g.tgname || ' on ' || c.relname, NULL, NULL"
					  " FROM pg_catalog.pg_trigger g JOIN pg_catalog.pg_class c ON c.oid = g.tgrelid"
					  " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
					  " WHERE n.nspname = current_schema() AND NOT g.tgisinternal AND NOT c.relispartition"
					  " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint co WHERE co.oid = g.tgconstraint)"
					  " UNION"
					  " SELECT CASE p.prokind WHEN 'p' THEN 'procedure ' WHEN 'a' THEN 'aggregate '"
					  "  ELSE 'function ' END || p.proname, NULL, NULL"
					  " FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
					  " WHERE n.nspname = current_schema() AND p.prokind NOT IN ('f', 'p') AND" NOT_EXTENSION(
						  "pg_catalog.pg_proc",
						  "p.oid") " UNION ALL"
							   " SELECT CASE t.typtype WHEN 'd' THEN 'domain ' ELSE 'type ' END || t.typname,"
							   "  CASE t.typtype WHEN 'd' THEN 'd' END, t.typname"
							   " FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace"
							   " LEFT JOIN pg_catalog.pg_class r ON r.oid = t.typrelid"
							   " WHERE n.nspname = current_schema() AND" NOT_EXTENSION(
								   "pg_catalog.pg_type",
								   "t.oid") " AND (t.typtype IN ('r', 'b') AND t.typcategory <> 'A'"
									    "  OR t.typtype = 'c' AND r.relkind = 'c')"
									    " UNION ALL"
									    " SELECT 'rule ' || w.rulename || ' on ' || c.relname, NULL, NULL"
									    " FROM pg_catalog.pg_rewrite w JOIN pg_catalog.pg_class c ON c.oid = w.ev_class"
									    " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
									    " WHERE n.nspname = current_schema() AND w.rulename <> '_RETURN'"
									    " UNION ALL"
									    " SELECT 'policy ' || p.polname || ' on ' || c.relname, NULL, NULL"
									    " FROM pg_catalog.pg_policy p JOIN pg_catalog.pg_class c ON c.oid = p.polrelid"
									    " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
									    " WHERE n.nspname = current_schema()"
									    ") u ORDER BY d";

/* The name a dependent's `uses` gives the object pg_depend row d references (a table or
 * view, a type: an array's element type, a row type's relation; a function with its
 * arguments), or NULL when it is not of the current schema. */
#define USED_NAME                                                                                    \
	"CASE d.refclassid WHEN 'pg_catalog.pg_class'::regclass THEN"                                \
	" (SELECT rc.relname::text FROM pg_catalog.pg_class rc WHERE rc.oid = d.refobjid"            \
	"  AND rc.relnamespace = o.nsp)"                                                             \
	" WHEN 'pg_catalog.pg_type'::regclass THEN"                                                  \
	" (SELECT COALESCE(rel.relname, et.typname, t.typname)::text"                                \
	"  FROM pg_catalog.pg_type t"                                                                \
	"  LEFT JOIN pg_catalog.pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'"            \
	"  LEFT JOIN pg_catalog.pg_class rel ON rel.oid = t.typrelid"                                \
	"  WHERE t.oid = d.refobjid AND t.typnamespace = o.nsp)"                                     \
	" WHEN 'pg_catalog.pg_proc'::regclass THEN"                                                  \
	" (SELECT rp.proname || '(' || pg_catalog.pg_get_function_identity_arguments(rp.oid)"        \
	"  || ')' FROM pg_catalog.pg_proc rp WHERE rp.oid = d.refobjid AND rp.pronamespace = o.nsp)" \
	" END"

/*
 * Views, materialized views (with their indexes), functions and procedures of the schema,
 * not an extension's, in creation (oid) order: 0 kind, 1 name (a function with its
 * arguments), 2 the statements that create it (names of the current schema unqualified),
 * 3 the names of what it uses (chr(31)-separated; a view's through its _RETURN rule).
 */
const char *const gm_pg_q_dependents =
	"WITH obj AS ("
	" SELECT c.oid, 'pg_catalog.pg_class'::regclass AS cls, c.relnamespace AS nsp,"
	"  CASE c.relkind WHEN 'v' THEN 'view' ELSE 'materialized view' END AS kind,"
	"  c.relname::text AS name,"
	"  'CREATE ' || CASE c.relkind WHEN 'v' THEN 'VIEW ' ELSE 'MATERIALIZED VIEW ' END"
	"  || pg_catalog.quote_ident(c.relname)"
	"  || COALESCE(' WITH (' || pg_catalog.array_to_string(c.reloptions, ', ') || ')', '')"
	"  || E' AS\\n' || pg_catalog.rtrim(pg_catalog.pg_get_viewdef(c.oid), E'; \\n')"
	"  || CASE c.relkind WHEN 'm' THEN E'\\nWITH DATA' ELSE '' END || ';'"
	"  || COALESCE((SELECT string_agg(E'\\n' || replace(pg_catalog.pg_get_indexdef(i.indexrelid),"
	"   ' ON ' || pg_catalog.quote_ident(n.nspname) || '.', ' ON ') || ';', '' ORDER BY i.indexrelid)"
	"   FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid), '') AS def"
	/* the schema's views first (OFFSET 0: the filter runs before any definition is built,
	 * whatever plan is chosen; pg_catalog alone has 140 views) */
	" FROM (SELECT c.* FROM pg_catalog.pg_class c"
	"  JOIN pg_catalog.pg_namespace cn ON cn.oid = c.relnamespace"
	"  WHERE cn.nspname = current_schema() AND c.relkind IN ('v', 'm') OFFSET 0) c"
	" JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	" WHERE n.nspname = current_schema() AND c.relkind IN ('v', 'm') AND" NOT_EXTENSION(
		"pg_catalog.pg_class",
		"c.oid") " UNION ALL"
			 " SELECT p.oid, 'pg_catalog.pg_proc'::regclass, p.pronamespace,"
			 "  CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END,"
			 "  p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')',"
			 "  CASE WHEN left(f.def, length(f.pre)) = f.pre"
			 "   THEN 'CREATE OR REPLACE ' || f.kw || substr(f.def, length(f.pre) + 1) ELSE f.def END"
			 "  || ';'"
			 /* the schema's functions first (as the views) */
			 " FROM (SELECT p.* FROM pg_catalog.pg_proc p"
			 "  JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace"
			 "  WHERE pn.nspname = current_schema() OFFSET 0) p"
			 " JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
			 " CROSS JOIN LATERAL (SELECT pg_catalog.rtrim(pg_catalog.pg_get_functiondef(p.oid), E'\\n') AS def,"
			 "  CASE p.prokind WHEN 'p' THEN 'PROCEDURE ' ELSE 'FUNCTION ' END AS kw,"
			 "  'CREATE OR REPLACE ' || CASE p.prokind WHEN 'p' THEN 'PROCEDURE ' ELSE 'FUNCTION ' END"
			 "  || pg_catalog.quote_ident(n.nspname) || '.' AS pre) f"
			 " WHERE n.nspname = current_schema() AND p.prokind IN ('f', 'p') AND" NOT_EXTENSION(
				 "pg_catalog.pg_proc",
				 "p.oid") ")"
					  " SELECT o.kind, o.name, o.def,"
					  /* two index lookups, not one OR: an OR's estimate (all of
					   * pg_rewrite's rows) turned JIT on, 0.6 s a query */
					  " (SELECT string_agg(DISTINCT u.name, chr(31)) FROM ("
					  "  SELECT d.refclassid, d.refobjid FROM pg_catalog.pg_depend d"
					  "  WHERE d.classid = o.cls AND d.objid = o.oid"
					  "  UNION ALL SELECT d.refclassid, d.refobjid FROM pg_catalog.pg_rewrite r"
					  "  JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::regclass"
					  "   AND d.objid = r.oid"
					  "  WHERE o.cls = 'pg_catalog.pg_class'::regclass AND r.ev_class = o.oid) d"
					  "  CROSS JOIN LATERAL (SELECT " USED_NAME " AS name) u"
					  "  WHERE NOT (d.refclassid = o.cls AND d.refobjid = o.oid) AND u.name IS NOT NULL)"
					  " FROM obj o ORDER BY o.oid";

/*
 * Generated columns of the schema's tables (not inherited): 0 table, 1 "table.column",
 * 2 the ALTER TABLE ... ADD COLUMN that makes it again, 3 the names of what its
 * expression uses (chr(31)-separated: the table, "table.column" for each column, types,
 * functions), from its pg_attrdef row's pg_depend rows (one index lookup each).
 */
const char *const gm_pg_q_generated =
	"SELECT o.relname, o.relname || '.' || o.attname,"
	" 'ALTER TABLE ' || pg_catalog.quote_ident(o.relname) || ' ADD COLUMN '"
	" || pg_catalog.quote_ident(o.attname) || ' '"
	" || pg_catalog.format_type(o.atttypid, o.atttypmod)"
	" || ' GENERATED ALWAYS AS (' || pg_catalog.pg_get_expr(o.adbin, o.oid) || ') STORED'"
	" || CASE WHEN o.attnotnull THEN ' NOT NULL' ELSE '' END || ';',"
	" (SELECT string_agg(DISTINCT u.name, chr(31)) FROM pg_catalog.pg_depend d"
	"  CROSS JOIN LATERAL (SELECT " USED_NAME " AS name"
	"   UNION ALL SELECT o.relname || '.' || ra.attname FROM pg_catalog.pg_attribute ra"
	"   WHERE d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = o.oid"
	"   AND ra.attrelid = o.oid AND ra.attnum = d.refobjsubid AND ra.attnum <> o.attnum) u"
	"  WHERE d.classid = 'pg_catalog.pg_attrdef'::regclass AND d.objid = o.adoid"
	"  AND u.name IS NOT NULL)"
	" FROM (SELECT c.oid, c.relname, c.relnamespace AS nsp, a.attname, a.attnum, a.atttypid,"
	"  a.atttypmod, a.attnotnull, ad.oid AS adoid, ad.adbin"
	"  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	"  JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid"
	"  JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum"
	"  WHERE" TABLES_WHERE " AND a.attgenerated <> '' AND NOT a.attisdropped"
	"  AND a.attinhcount = 0 OFFSET 0) o"
	" ORDER BY o.relname, o.attnum";
/* clang-format on */
