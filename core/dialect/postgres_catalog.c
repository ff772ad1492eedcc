/* The pg_catalog queries postgres_inspect.c runs (their columns are documented at each). */
#include "dialect/postgres_catalog.h"
#include "dialect/postgres_catalog_sql.h"

/* clang-format off: SQL text, laid out as SQL */

/*
 * The tables of the schema: c is pg_class, n its namespace; $1 the version table.
 * Partitions are not tables of the model: their partitioned table is (read_tables and
 * gm_pg_q_unsupported name both).
 */
#define TABLES_WHERE                                             \
	IN_N "AND c.relkind IN ('r', 'p') AND" NOT_VERSION_TABLE \
	     " AND NOT c.relispartition AND" NOT_EXTENSION("pg_catalog.pg_class", "c.oid")

/*
 * Not a table the connection's last inspection read and gm_pg_q_changes found unchanged
 * since (its oids in the session's git_migrate.inspect_clean; unset or empty: none), for
 * the three queries that read a table's parts (postgres_inspect_memo.c). The list is read
 * once per query into a hash (as an expression, it was parsed again and searched from
 * the start for each row of pg_class).
 */
#define NOT_CLEAN                                                            \
	" AND c.oid NOT IN (SELECT pg_catalog.unnest(NULLIF("                \
	"pg_catalog.current_setting('git_migrate.inspect_clean', true), '')" \
	"::pg_catalog.oid[]))"

const char *const gm_pg_q_enums =
	"SELECT" T_NAME ", e.enumlabel FROM pg_catalog.pg_type t"
	" JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace"
	" JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid"
	" WHERE" IN_N
	"AND" NOT_EXTENSION("pg_catalog.pg_type", "t.oid") " ORDER BY 1, e.enumsortorder";

const char *const gm_pg_q_tables =
	"SELECT" C_NAME ", c.relkind, pg_catalog.obj_description(c.oid, 'pg_class'),"
	" (SELECT p.relname FROM pg_catalog.pg_inherits i"
	"   JOIN pg_catalog.pg_class p ON p.oid = i.inhparent"
	"   WHERE i.inhrelid = c.oid ORDER BY i.inhseqno LIMIT 1)"
	" FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	" WHERE" TABLES_WHERE " ORDER BY 1";

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
	"WITH tbl AS MATERIALIZED (SELECT c.oid," C_NAME " AS relname FROM pg_catalog.pg_class c"
	"  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE" TABLES_WHERE NOT_CLEAN
	"),"
	" seqdep AS MATERIALIZED (SELECT sd.objid AS adoid, s.oid AS seqoid," SEQ_NAME
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
									" CASE WHEN t.typtype = 'e' THEN" T_TYPE
									"  WHEN et.typtype = 'e' THEN" ET_TYPE
									" || '[]' END,"
									" COALESCE(seq.owned, false),"
									" CASE WHEN NOT seq.owned AND NOT seq.has_owner AND seq.users = 1 THEN seq.relname END,"
									" CASE WHEN dom.base IS NOT NULL THEN" DT_TYPE
									" END"
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

/*
 * The comment of object `oid` of catalog `cls`, as "ds": pg_description joined on its
 * unique index (EXPLAIN on Pagila: constraints 647 → 662, indexes 224 → 228; far from
 * jit_above_cost).
 */
#define DESCRIPTION(oid, cls)                                                          \
	" pg_catalog.pg_description ds ON ds.objoid = " oid " AND ds.classoid = '" cls \
	"'::regclass AND ds.objsubid = 0"

/* The INCLUDE (...) column names of index `ix`, separated by chr(31), or NULL. */
#define INCLUDE_NAMES(ix)                                                                  \
	"(SELECT string_agg(a.attname, chr(31) ORDER BY k.i) FROM pg_catalog.pg_index xi"  \
	" CROSS JOIN LATERAL unnest(xi.indkey::int2[]) WITH ORDINALITY k(num, i)"          \
	" JOIN pg_catalog.pg_attribute a ON a.attrelid = xi.indrelid AND a.attnum = k.num" \
	" WHERE xi.indexrelid = " ix " AND k.i > xi.indnkeyatts)"

/*
 * Constraints: 0 table, 1 name, 2 contype, 3 key columns, 4 referenced table, 5 its
 * columns, 6 on delete, 7 on update, 8 pg_get_constraintdef (NULL for a primary or foreign
 * key), 9 deferrable, 10 initially
 * deferred, 11 the INCLUDE columns of its index, 12 the constraint's comment.
 */
const char *const gm_pg_q_constraints =
	"SELECT" C_NAME ", co.conname, co.contype,"
	" " KEY_NAMES(
		"co.conkey",
		"co.conrelid") "," REF_NAME ","
			       " " KEY_NAMES(
				       "co.confkey",
				       "co.confrelid") ","
						       " co.confdeltype, co.confupdtype,"
						       /* read for checks, exclusions and NULLS NOT DISTINCT only */
						       " CASE WHEN co.contype IN ('c', 'x', 'u')"
						       "  THEN pg_catalog.pg_get_constraintdef(co.oid) END,"
						       " co.condeferrable, co.condeferred,"
						       " " INCLUDE_NAMES(
							       "co.conindid") ", ds.description FROM pg_catalog.pg_constraint co"
									      " JOIN pg_catalog.pg_class c ON c.oid = co.conrelid"
									      " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
									      " LEFT JOIN pg_catalog.pg_class r ON r.oid = co.confrelid"
									      " LEFT JOIN" DESCRIPTION(
										      "co.oid",
										      "pg_catalog.pg_constraint") " WHERE" TABLES_WHERE
										      NOT_CLEAN " ORDER BY 1, co.contype, co.conname";

/*
 * Indexes that back no constraint: 0 table, 1 name, 2 unique, 3 predicate, 4 read as an
 * expression index, 5 key columns, 6 pg_get_indexdef, 7 access method, 8 INCLUDE
 * columns, 9 the index's comment. An index with expressions, or with non-default
 * ordering, opclass or collation on a key column, is read as an expression index (its key
 * columns as pg_get_indexdef prints them), so nothing is lost.
 */
const char *const gm_pg_q_indexes =
	"SELECT" C_NAME ", ic.relname, i.indisunique,"
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
	" am.amname, " INCLUDE_NAMES(
		"i.indexrelid") ", ds.description FROM pg_catalog.pg_index i"
				" JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid"
				" JOIN pg_catalog.pg_am am ON am.oid = ic.relam"
				" JOIN pg_catalog.pg_class c ON c.oid = i.indrelid"
				" JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
				" LEFT JOIN" DESCRIPTION(
					"i.indexrelid",
					"pg_catalog.pg_class") " WHERE" TABLES_WHERE
					NOT_CLEAN " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint co"
							       "  WHERE co.conindid = i.indexrelid AND co.conrelid = i.indrelid"
							       "  AND co.contype IN ('p', 'u', 'x'))"
							       " ORDER BY 1, ic.relname";

/*
 * Everything the model does not cover: "<kind> <name>" lines (and two columns no longer
 * read). Sequences, domains and extensions are objects (postgres_catalog_types.c).
 * A partition's line covers the triggers on it (those cloned from its parent's too); other
 * triggers are objects (gm_pg_q_triggers).
 */
const char *const gm_pg_q_unsupported =
	"SELECT d, k, o FROM ("
	" SELECT CASE c.relkind"
	"  WHEN 'f' THEN 'foreign table ' ELSE 'sequence ' END ||" C_NAME " AS d,"
	"  CASE c.relkind WHEN 'S' THEN 'S' END AS k," C_NAME " AS o"
	" FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	" WHERE" IN_N "AND c.relkind IN ('f')"
	" AND" NOT_VERSION_TABLE " AND" NOT_EXTENSION(
		"pg_catalog.pg_class",
		"c.oid") " AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep"
			 "  WHERE dep.classid = 'pg_catalog.pg_class'::regclass AND dep.objid = c.oid"
			 "  AND dep.refclassid = 'pg_catalog.pg_class'::regclass AND dep.refobjsubid > 0"
			 "  AND dep.deptype IN ('a', 'i')))"
			 " UNION ALL"
			 " SELECT 'partition ' ||" C_NAME " || ' of ' || p.relname, NULL, NULL"
			 " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
			 " JOIN pg_catalog.pg_inherits i ON i.inhrelid = c.oid"
			 " JOIN pg_catalog.pg_class p ON p.oid = i.inhparent"
			 " WHERE" IN_N "AND c.relispartition AND c.relkind IN ('r', 'p')"
			 " AND" NOT_EXTENSION(
				 "pg_catalog.pg_class",
				 "c.oid") " UNION"
					  " SELECT CASE p.prokind WHEN 'p' THEN 'procedure ' WHEN 'a' THEN 'aggregate '"
					  "  ELSE 'function ' END ||" P_NAME ", NULL, NULL"
					  " FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
					  " WHERE" IN_N "AND p.prokind NOT IN ('f', 'p')"
					  " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_aggregate a"
					  "  WHERE a.aggfnoid = p.oid AND a.aggkind = 'n') AND" NOT_EXTENSION(
						  "pg_catalog.pg_proc",
						  "p.oid") " UNION ALL"
							   " SELECT CASE t.typtype WHEN 'd' THEN 'domain ' ELSE 'type ' END ||" T_NAME
							   ","
							   "  CASE t.typtype WHEN 'd' THEN 'd' END," T_NAME
							   " FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace"
							   " LEFT JOIN pg_catalog.pg_class r ON r.oid = t.typrelid"
							   " WHERE" IN_N "AND" NOT_EXTENSION(
								   "pg_catalog.pg_type",
								   "t.oid") " AND (t.typtype IN ('r', 'b') AND t.typcategory <> 'A'"
									    "  OR t.typtype = 'c' AND r.relkind = 'c')"
									    " UNION ALL"
									    " SELECT 'rule ' || w.rulename || ' on ' ||" C_NAME
									    ", NULL, NULL"
									    " FROM pg_catalog.pg_rewrite w JOIN pg_catalog.pg_class c ON c.oid = w.ev_class"
									    " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
									    " WHERE" IN_N
									    "AND w.rulename <> '_RETURN'"
									    " UNION ALL"
									    " SELECT 'policy ' || p.polname || ' on ' ||" C_NAME
									    ", NULL, NULL"
									    " FROM pg_catalog.pg_policy p JOIN pg_catalog.pg_class c ON c.oid = p.polrelid"
									    " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
									    " WHERE" IN_N
									    ") u ORDER BY d";

/* The name a dependent's `uses` gives the object pg_depend row d references (a table or
 * view, a type: an array's element type, a row type's relation; a function with its
 * arguments; a schema but the current one), or NULL when it is not of a schema read
 * (IN_SCHEMAS). */
#define USED_NAME                                                                                                                                                                                                                                            \
	"CASE d.refclassid WHEN 'pg_catalog.pg_class'::regclass THEN"                                                                                                                                                                                        \
	" (SELECT " QNAME(                                                                                                                                                                                                                                   \
		"un.nspname",                                                                                                                                                                                                                                \
		"rc.relname") " FROM pg_catalog.pg_class rc"                                                                                                                                                                                                 \
			      "  JOIN pg_catalog.pg_namespace un ON un.oid = rc.relnamespace"                                                                                                                                                                \
			      "  WHERE rc.oid = d.refobjid AND" IN_SCHEMAS(                                                                                                                                                                                  \
				      "un") ")"                                                                                                                                                                                                              \
					    " WHEN 'pg_catalog.pg_type'::regclass THEN"                                                                                                                                                                      \
					    " (SELECT " QNAME(                                                                                                                                                                                               \
						    "un.nspname",                                                                                                                                                                                            \
						    "COALESCE(rel.relname, et.typname, t.typname)") "  FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace un ON un.oid = t.typnamespace"                                                                 \
												    "  LEFT JOIN pg_catalog.pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'"                                                                        \
												    "  LEFT JOIN pg_catalog.pg_class rel ON rel.oid = t.typrelid"                                                                                            \
												    "  WHERE t.oid = d.refobjid AND" IN_SCHEMAS(                                                                                                             \
													    "un") ")"                                                                                                                                        \
														  " WHEN 'pg_catalog.pg_proc'::regclass THEN"                                                                                                \
														  " (SELECT " QNAME(                                                                                                                         \
															  "un.nspname",                                                                                                                      \
															  "rp.proname") " || '('"                                                                                                            \
																	"  || pg_catalog.pg_get_function_identity_arguments(rp.oid) || ')' FROM pg_catalog.pg_proc rp"                       \
																	"  JOIN pg_catalog.pg_namespace un ON un.oid = rp.pronamespace"                                                      \
																	"  WHERE rp.oid = d.refobjid AND" IN_SCHEMAS(                                                                        \
																		"un") ")"                                                                                                    \
																		      " WHEN 'pg_catalog.pg_namespace'::regclass THEN"                                                       \
																		      " (SELECT " QPART(                                                                                     \
																			      "un.nspname") " FROM pg_catalog.pg_namespace un"                                               \
																					    "  WHERE un.oid = d.refobjid AND un.nspname <> current_schema() AND" IN_SCHEMAS( \
																						    "un") ")"                                                                \
																							  " END"

/*
 * The schema's plain aggregates (ordered-set ones stay unsupported), as objects: CREATE
 * AGGREGATE from pg_aggregate (state function and type, final and combine functions,
 * initial condition, sort operator).
 */
#define AGGREGATES                                                                                     \
	" SELECT p.oid, 'pg_catalog.pg_proc'::regclass, p.pronamespace, 'aggregate',"                  \
	" " P_NAME " || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')',"           \
	"  'CREATE AGGREGATE ' ||" N_PREFIX " || pg_catalog.quote_ident(p.proname) || '('"             \
	"  || pg_catalog.pg_get_function_identity_arguments(p.oid) || E') (\\n    SFUNC = '"           \
	"  || a.aggtransfn::regproc::text || E',\\n    STYPE = '"                                      \
	"  || pg_catalog.format_type(a.aggtranstype, NULL)"                                            \
	"  || CASE WHEN a.aggfinalfn <> 0 THEN E',\\n    FINALFUNC = ' || a.aggfinalfn::regproc::text" \
	"   ELSE '' END"                                                                               \
	"  || CASE WHEN a.aggcombinefn <> 0"                                                           \
	"   THEN E',\\n    COMBINEFUNC = ' || a.aggcombinefn::regproc::text ELSE '' END"               \
	"  || COALESCE(E',\\n    INITCOND = ' || pg_catalog.quote_literal(a.agginitval), '')"          \
	"  || CASE WHEN a.aggsortop <> 0"                                                              \
	"   THEN E',\\n    SORTOP = OPERATOR(' || a.aggsortop::regoperator::text || ')' ELSE '' END"   \
	"  || E'\\n);' || COALESCE(E'\\nCOMMENT ON AGGREGATE ' ||" N_PREFIX                            \
	"  || pg_catalog.quote_ident(p.proname)"                                                       \
	"  || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ') IS '"                  \
	"  || pg_catalog.quote_literal(pg_catalog.obj_description(p.oid, 'pg_proc')) || ';', '')"      \
	" FROM (SELECT p.* FROM pg_catalog.pg_proc p"                                                  \
	"  JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace"                                 \
	"  WHERE" IN_PN "AND p.prokind = 'a' OFFSET 0) p"                                              \
	" JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"                                    \
	" JOIN pg_catalog.pg_aggregate a ON a.aggfnoid = p.oid AND a.aggkind = 'n'"                    \
	" WHERE" NOT_EXTENSION("pg_catalog.pg_proc", "p.oid")

/*
 * Views, materialized views (with their indexes), functions, procedures and aggregates of the schema,
 * not an extension's, in creation (oid) order: 0 kind, 1 name (a function with its
 * arguments), 2 NULL (a table), 3 the statements that create it (names of the current
 * schema unqualified), 4 the names of what it uses (chr(31)-separated; a view's through its _RETURN rule).
 */
const char *const gm_pg_q_dependents =
	"WITH obj AS ("
	" SELECT c.oid, 'pg_catalog.pg_class'::regclass AS cls, c.relnamespace AS nsp,"
	"  CASE c.relkind WHEN 'v' THEN 'view' ELSE 'materialized view' END AS kind,"
	" " C_NAME " AS name,"
	"  'CREATE ' || CASE c.relkind WHEN 'v' THEN 'VIEW ' ELSE 'MATERIALIZED VIEW ' END"
	"  ||" N_PREFIX " || pg_catalog.quote_ident(c.relname)"
	"  || COALESCE(' WITH (' || pg_catalog.array_to_string(c.reloptions, ', ') || ')', '')"
	"  || E' AS\\n' || pg_catalog.rtrim(pg_catalog.pg_get_viewdef(c.oid), E'; \\n')"
	"  || CASE c.relkind WHEN 'm' THEN E'\\nWITH DATA' ELSE '' END || ';'"
	"  || COALESCE((SELECT string_agg(E'\\n' || replace(pg_catalog.pg_get_indexdef(i.indexrelid),"
	"   ' ON ' || pg_catalog.quote_ident(n.nspname) || '.', ' ON ' ||" N_PREFIX ") || ';', ''"
	"   ORDER BY i.indexrelid)"
	"   FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid), '')"
	"  || COALESCE(E'\\nCOMMENT ON ' || CASE c.relkind WHEN 'v' THEN 'VIEW ' ELSE 'MATERIALIZED VIEW ' END"
	"  ||" N_PREFIX " || pg_catalog.quote_ident(c.relname) || ' IS '"
	"  || pg_catalog.quote_literal(pg_catalog.obj_description(c.oid, 'pg_class')) || ';', '') AS def"
	/* the schema's views first (OFFSET 0: the filter runs before any definition is built,
	 * whatever plan is chosen; pg_catalog alone has 140 views) */
	" FROM (SELECT c.* FROM pg_catalog.pg_class c"
	"  JOIN pg_catalog.pg_namespace cn ON cn.oid = c.relnamespace"
	"  WHERE" IN_CN "AND c.relkind IN ('v', 'm') OFFSET 0) c"
	" JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	" WHERE" IN_N "AND c.relkind IN ('v', 'm') AND" NOT_EXTENSION(
		"pg_catalog.pg_class",
		"c.oid") " UNION ALL"
			 " SELECT p.oid, 'pg_catalog.pg_proc'::regclass, p.pronamespace,"
			 "  CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END,"
			 " " P_NAME
			 " || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')',"
			 "  CASE WHEN left(f.def, length(f.pre)) = f.pre"
			 "   THEN 'CREATE OR REPLACE ' || f.kw ||" N_PREFIX
			 " || substr(f.def, length(f.pre) + 1)"
			 "   ELSE f.def END"
			 "  || ';' || COALESCE(E'\\nCOMMENT ON ' || f.kw ||" N_PREFIX
			 " || pg_catalog.quote_ident(p.proname)"
			 "  || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ') IS '"
			 "  || pg_catalog.quote_literal(pg_catalog.obj_description(p.oid, 'pg_proc')) || ';', '')"
			 /* the schema's functions first (as the views) */
			 " FROM (SELECT p.* FROM pg_catalog.pg_proc p"
			 "  JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace"
			 "  WHERE" IN_PN "OFFSET 0) p"
			 " JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
			 " CROSS JOIN LATERAL (SELECT pg_catalog.rtrim(pg_catalog.pg_get_functiondef(p.oid), E'\\n') AS def,"
			 "  CASE p.prokind WHEN 'p' THEN 'PROCEDURE ' ELSE 'FUNCTION ' END AS kw,"
			 "  'CREATE OR REPLACE ' || CASE p.prokind WHEN 'p' THEN 'PROCEDURE ' ELSE 'FUNCTION ' END"
			 "  || pg_catalog.quote_ident(n.nspname) || '.' AS pre) f"
			 " WHERE" IN_N "AND p.prokind IN ('f', 'p') AND" NOT_EXTENSION(
				 "pg_catalog.pg_proc",
				 "p.oid") " UNION ALL" AGGREGATES ")"
					  " SELECT o.kind, o.name, NULL, o.def,"
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
 * Generated columns of the schema's tables (not inherited): 0 'generated column',
 * 1 "table.column", 2 table, 3 the ALTER TABLE ... ADD COLUMN that makes it again, 4 the
 * names of what its
 * expression uses (chr(31)-separated: the table, "table.column" for each column, types,
 * functions), from its pg_attrdef row's pg_depend rows (one index lookup each).
 */
const char *const gm_pg_q_generated =
	"SELECT 'generated column', o.qname || '.' || o.attname, o.qname,"
	" 'ALTER TABLE ' || o.prefix || pg_catalog.quote_ident(o.relname) || ' ADD COLUMN '"
	" || pg_catalog.quote_ident(o.attname) || ' '"
	" || pg_catalog.format_type(o.atttypid, o.atttypmod)"
	" || ' GENERATED ALWAYS AS (' || pg_catalog.pg_get_expr(o.adbin, o.oid) || ') STORED'"
	" || CASE WHEN o.attnotnull THEN ' NOT NULL' ELSE '' END || ';',"
	" (SELECT string_agg(DISTINCT u.name, chr(31)) FROM pg_catalog.pg_depend d"
	"  CROSS JOIN LATERAL (SELECT " USED_NAME " AS name"
	"   UNION ALL SELECT o.qname || '.' || ra.attname FROM pg_catalog.pg_attribute ra"
	"   WHERE d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = o.oid"
	"   AND ra.attrelid = o.oid AND ra.attnum = d.refobjsubid AND ra.attnum <> o.attnum) u"
	"  WHERE d.classid = 'pg_catalog.pg_attrdef'::regclass AND d.objid = o.adoid"
	"  AND u.name IS NOT NULL)"
	" FROM (SELECT c.oid, c.relname, c.relnamespace AS nsp, a.attname, a.attnum, a.atttypid,"
	" " C_NAME " AS qname," N_PREFIX " AS prefix,"
	"  a.atttypmod, a.attnotnull, ad.oid AS adoid, ad.adbin"
	"  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	"  JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid"
	"  JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum"
	"  WHERE" TABLES_WHERE " AND a.attgenerated <> '' AND NOT a.attisdropped"
	"  AND a.attinhcount = 0 OFFSET 0) o"
	" ORDER BY o.qname, o.attnum";

/* The schemas read (IN_SCHEMAS) but the current one, in creation order: 0 name (QPART),
 * 1 CREATE SCHEMA with its COMMENT ON SCHEMA, if any. */
const char *const gm_pg_q_schemas =
	"SELECT" N_NAME ", 'CREATE SCHEMA ' || pg_catalog.quote_ident(n.nspname) || ';'"
	" || COALESCE(E'\\nCOMMENT ON SCHEMA ' || pg_catalog.quote_ident(n.nspname) || ' IS '"
	" || pg_catalog.quote_literal(pg_catalog.obj_description(n.oid, 'pg_namespace')) || ';', '')"
	" FROM pg_catalog.pg_namespace n"
	" WHERE n.nspname <> current_schema() AND" IN_N "ORDER BY n.oid";

/*
 * What changed since the connection's last inspection (postgres_inspect_memo.c), as one
 * row: 0 the last inspection's generation (NULL: none), 1 this one's, 2-5 set_config's
 * echoes, 6 the tables of TABLES_WHERE found unchanged, chr(31)-separated (C_NAME; NULL
 * for none). It keeps its state in the session's git_migrate.inspect_* settings, which are
 * transactional as the catalog is: a rolled-back inspection leaves the generation before
 * it, which the client no longer holds, so it reads everything again.
 *
 * A table's heavy parts (its columns, constraints and indexes, gm_pg_q_columns and the
 * two after it) are printed from the catalog rows listed in `rw`: its pg_class row, its
 * columns, defaults, constraints, indexes (pg_index and pg_class), their comments and
 * pg_depend rows; through pg_depend, the types they use (and their element types), the
 * sequences their defaults use (and every pg_depend row to or from such a sequence, which
 * decide serial and the sequence's users), the labels of the enums their expressions (a
 * default, a check, an index) use, which print a constant's label, and, by name, the
 * columns of other tables its foreign keys name. A table is unchanged when none of those rows was written since the
 * last inspection's snapshot (xmin at or after its xmin: age() compares across
 * wraparound, for a mark less than a billion transactions old; an older one reads
 * everything) and their number and the names are the same (a row deleted leaves no xmin).
 * That xmin is not the snapshot's, which any long transaction on the server holds back
 * (another database's, a test run beside this one): only a transaction of this database
 * can write its catalog, so the mark is the oldest transaction the snapshot saw running
 * that is not known to be another database's (pg_stat_activity, read after the snapshot:
 * one that ended since counts as this database's), or this session's own, and at most
 * the snapshot's xmax (LEAST skips a NULL). Later transactions, and the subtransactions
 * of those running, have larger ids.
 * Everything else those parts print depends on rows of the catalogs in `glob` (functions,
 * schemas, collations, operators and their classes, access methods, extensions,
 * inheritance, casts, text search, domains and the types domains are over): one written
 * or deleted there, the search path changed, or a search path under which a new name
 * could hide an old one (more than pg_catalog and one schema), and every table is read
 * again. Rows of the system's own (oid below 16384) are never written.
 *
 * A table with a constraint trigger is always read again: its line among the schema's
 * unsupported ones is added as its constraints are read. Not covered: a role's name in a
 * regrole constant (roles are the cluster's, in no catalog read here); a revision does not
 * rename roles.
 */
const char *const gm_pg_q_changes =
	"WITH st AS MATERIALIZED (SELECT"
	" pg_catalog.current_setting('git_migrate.inspect_gen', true) AS gen,"
	" pg_catalog.current_setting('git_migrate.inspect_key', true) AS key,"
	" pg_catalog.current_setting('git_migrate.inspect_oids', true) AS oids,"
	" pg_catalog.current_setting('git_migrate.inspect_sigs', true) AS sigs),"
	" cur AS MATERIALIZED (SELECT"
	/* the mark: the oldest transaction running then that could write this database's
	 * catalog (see above), else the first one after them all */
	"  (SELECT LEAST((SELECT pg_catalog.min(x.x) FROM (SELECT"
	"   pg_catalog.txid_snapshot_xip(sn.s) UNION ALL SELECT"
	"   pg_catalog.txid_current_if_assigned()) x(x) WHERE x.x IS NOT NULL"
	"   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_stat_activity a"
	"    WHERE a.backend_xid::text::bigint = x.x % 4294967296 AND a.datid <> (SELECT d.oid"
	"    FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database()))),"
	"   pg_catalog.txid_snapshot_xmax(sn.s))"
	"   FROM (SELECT pg_catalog.txid_current_snapshot() AS s) sn) AS xmin8,"
	"  pg_catalog.current_setting('search_path') || ' '"
	"  || pg_catalog.current_schemas(true)::text AS path,"
	"  (pg_catalog.current_schemas(true))[1] = 'pg_catalog'"
	"  AND pg_catalog.array_length(pg_catalog.current_schemas(true), 1) <= 2 AS plain),"
	" mk AS MATERIALIZED (SELECT pg_catalog.age(CASE"
	"  WHEN pg_catalog.split_part(st.key, ' ', 1) ~ '^[0-9]+$'"
	"  THEN (pg_catalog.split_part(st.key, ' ', 1)::numeric % 4294967296)::text::xid END)"
	"  AS age FROM st),"
	" tbl AS MATERIALIZED (SELECT c.oid," C_NAME " AS name FROM pg_catalog.pg_class c"
	"  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE" TABLES_WHERE "),"
	" part AS MATERIALIZED ("
	"  SELECT t.oid AS tab, 'pg_catalog.pg_class'::regclass AS cls, t.oid AS obj, c.xmin"
	"  FROM tbl t JOIN pg_catalog.pg_class c ON c.oid = t.oid"
	"  UNION ALL SELECT ad.adrelid, 'pg_catalog.pg_attrdef'::regclass, ad.oid, ad.xmin"
	"  FROM pg_catalog.pg_attrdef ad JOIN tbl t ON t.oid = ad.adrelid"
	"  UNION ALL SELECT co.conrelid, 'pg_catalog.pg_constraint'::regclass, co.oid, co.xmin"
	"  FROM pg_catalog.pg_constraint co JOIN tbl t ON t.oid = co.conrelid"
	"  UNION ALL SELECT i.indrelid, 'pg_catalog.pg_class'::regclass, i.indexrelid, i.xmin"
	"  FROM pg_catalog.pg_index i JOIN tbl t ON t.oid = i.indrelid),"
	" dep AS MATERIALIZED (SELECT p.tab, p.obj <> p.tab AS expr, d.refclassid, d.refobjid,"
	"  d.refobjsubid, d.xmin"
	"  FROM part p JOIN pg_catalog.pg_depend d ON d.classid = p.cls AND d.objid = p.obj),"
	" ref AS MATERIALIZED (SELECT tab, refclassid, refobjid, refobjsubid,"
	"  pg_catalog.bool_or(expr) AS expr FROM dep"
	"  WHERE refobjid <> tab AND refclassid IN ('pg_catalog.pg_type'::regclass,"
	"  'pg_catalog.pg_class'::regclass) GROUP BY 1, 2, 3, 4),"
	" rc AS MATERIALIZED (SELECT r.tab, r.refobjid, r.refobjsubid, c.relkind, c.relname,"
	"  c.relnamespace, c.xmin FROM ref r JOIN pg_catalog.pg_class c ON c.oid = r.refobjid"
	"  WHERE r.refclassid = 'pg_catalog.pg_class'::regclass),"
	" rw AS ("
	"  SELECT tab, xmin FROM part"
	"  UNION ALL SELECT i.indrelid, ic.xmin FROM pg_catalog.pg_index i"
	"  JOIN tbl t ON t.oid = i.indrelid JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid"
	"  UNION ALL SELECT p.tab, ds.xmin FROM part p"
	"  JOIN pg_catalog.pg_description ds ON ds.objoid = p.obj AND ds.classoid = p.cls"
	"  WHERE ds.objoid >= 16384"
	"  UNION ALL SELECT a.attrelid, a.xmin FROM pg_catalog.pg_attribute a"
	"  JOIN tbl t ON t.oid = a.attrelid WHERE a.attrelid >= 16384 AND a.attnum > 0"
	"  UNION ALL SELECT tab, xmin FROM dep"
	"  UNION ALL SELECT r.tab, ty.xmin FROM ref r JOIN pg_catalog.pg_type ty ON ty.oid = r.refobjid"
	"  WHERE r.refclassid = 'pg_catalog.pg_type'::regclass"
	"  UNION ALL SELECT r.tab, e.xmin FROM ref r JOIN pg_catalog.pg_type ty ON ty.oid = r.refobjid"
	"  JOIN pg_catalog.pg_type e ON e.oid = ty.typelem"
	"  WHERE r.refclassid = 'pg_catalog.pg_type'::regclass"
	/* an expression's enum constant prints its label: a label renamed changes it */
	"  UNION ALL SELECT r.tab, en.xmin FROM ref r JOIN pg_catalog.pg_type ty ON ty.oid = r.refobjid"
	"  JOIN pg_catalog.pg_enum en ON en.enumtypid IN (ty.oid, ty.typelem)"
	"  WHERE r.refclassid = 'pg_catalog.pg_type'::regclass AND r.expr"
	/* a foreign key's dependency on the referenced table's index: the key prints none of it */
	"  UNION ALL SELECT tab, xmin FROM rc WHERE refobjsubid = 0 AND relkind NOT IN ('i', 'I')"
	"  UNION ALL SELECT r.tab, d.xmin FROM rc r JOIN pg_catalog.pg_depend d"
	"  ON d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = r.refobjid"
	"  WHERE r.refobjsubid = 0 AND r.relkind = 'S'"
	"  UNION ALL SELECT r.tab, d.xmin FROM rc r JOIN pg_catalog.pg_depend d"
	"  ON d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = r.refobjid"
	"  WHERE r.refobjsubid = 0 AND r.relkind = 'S'),"
	/* the referenced columns' names (their rows are other tables') */
	" nm AS (SELECT r.tab, pg_catalog.md5(pg_catalog.string_agg(u.name, chr(31)"
	"  ORDER BY u.name)) AS names FROM rc r"
	"  JOIN pg_catalog.pg_namespace rn ON rn.oid = r.relnamespace"
	"  JOIN pg_catalog.pg_attribute a ON a.attrelid = r.refobjid AND a.attnum = r.refobjsubid"
	"  CROSS JOIN LATERAL (SELECT rn.nspname || '.' || r.relname || '.' || a.attname AS name) u"
	"  WHERE r.refobjsubid > 0 GROUP BY r.tab),"
	" agg AS (SELECT w.tab, pg_catalog.count(*) AS n,"
	"  COALESCE(pg_catalog.bool_or(pg_catalog.age(w.xmin) <= mk.age), false) AS fresh"
	"  FROM rw w CROSS JOIN mk GROUP BY w.tab),"
	" glob AS MATERIALIZED (SELECT pg_catalog.count(*) AS n,"
	"  COALESCE(pg_catalog.bool_or(pg_catalog.age(g.xmin) <= mk.age), false) AS fresh FROM ("
	"  SELECT xmin FROM pg_catalog.pg_proc WHERE oid >= 16384"
	"  UNION ALL SELECT xmin FROM pg_catalog.pg_namespace WHERE oid >= 16384"
	"  UNION ALL SELECT xmin FROM pg_catalog.pg_collation WHERE oid >= 16384"
	"  UNION ALL SELECT xmin FROM pg_catalog.pg_operator WHERE oid >= 16384"
	"  UNION ALL SELECT xmin FROM pg_catalog.pg_opclass WHERE oid >= 16384"
	"  UNION ALL SELECT xmin FROM pg_catalog.pg_opfamily WHERE oid >= 16384"
	"  UNION ALL SELECT xmin FROM pg_catalog.pg_am WHERE oid >= 16384"
	"  UNION ALL SELECT xmin FROM pg_catalog.pg_extension WHERE oid >= 16384"
	"  UNION ALL SELECT xmin FROM pg_catalog.pg_inherits"
	"  UNION ALL SELECT xmin FROM pg_catalog.pg_cast WHERE oid >= 16384"
	"  UNION ALL SELECT xmin FROM pg_catalog.pg_ts_config WHERE oid >= 16384"
	"  UNION ALL SELECT xmin FROM pg_catalog.pg_ts_dict WHERE oid >= 16384"
	"  UNION ALL SELECT xmin FROM pg_catalog.pg_type WHERE oid >= 16384 AND (typtype = 'd'"
	"   OR oid IN (SELECT typbasetype FROM pg_catalog.pg_type WHERE typtype = 'd'))) g"
	"  CROSS JOIN mk),"
	" prev AS (SELECT p.oid, p.sig FROM st CROSS JOIN LATERAL ROWS FROM ("
	"  pg_catalog.unnest(CASE WHEN st.oids LIKE '{%}' THEN st.oids::pg_catalog.oid[] END),"
	"  pg_catalog.unnest(CASE WHEN st.sigs LIKE '{%}' THEN st.sigs::text[] END)) AS p(oid, sig)"
	"  WHERE p.oid IS NOT NULL),"
	" ok AS MATERIALIZED (SELECT cur.plain AND NOT glob.fresh"
	/* a mark a billion transactions old could be past wraparound (a kept entry's) */
	"  AND mk.age BETWEEN 0 AND 1000000000"
	"  AND st.key = pg_catalog.split_part(st.key, ' ', 1) || ' ' || glob.n || ' ' || cur.path"
	"  AS ok FROM st, cur, glob, mk),"
	" sg AS (SELECT a.tab, a.n || ' ' || COALESCE(nm.names, '') AS sig, a.fresh FROM agg a"
	"  LEFT JOIN nm ON nm.tab = a.tab),"
	" res AS (SELECT t.oid, t.name, COALESCE(a.sig, '') AS sig,"
	"  ok.ok AND NOT COALESCE(a.fresh, true) AND prev.sig = a.sig"
	"  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint x"
	"   WHERE x.conrelid = t.oid AND x.contype = 't') AS clean"
	"  FROM tbl t CROSS JOIN ok LEFT JOIN sg a ON a.tab = t.oid"
	"  LEFT JOIN prev ON prev.oid = t.oid)"
	/* an aggregate: its arguments are read (and the settings above) before set_config */
	" SELECT pg_catalog.min(st.gen),"
	" pg_catalog.set_config('git_migrate.inspect_gen', pg_catalog.md5(pg_catalog.random()::text"
	"  || pg_catalog.clock_timestamp()::text || pg_catalog.pg_backend_pid()), false),"
	" pg_catalog.set_config('git_migrate.inspect_key', (SELECT cur.xmin8::text || ' ' || glob.n"
	"  || ' ' || cur.path FROM cur, glob), false),"
	" pg_catalog.set_config('git_migrate.inspect_oids', COALESCE(pg_catalog.array_agg(r.oid"
	"  ORDER BY r.oid) FILTER (WHERE r.oid IS NOT NULL), '{}')::text, false),"
	" pg_catalog.set_config('git_migrate.inspect_sigs', COALESCE(pg_catalog.array_agg(r.sig"
	"  ORDER BY r.oid) FILTER (WHERE r.oid IS NOT NULL), '{}')::text, false),"
	" pg_catalog.set_config('git_migrate.inspect_clean', COALESCE(pg_catalog.array_agg(r.oid)"
	"  FILTER (WHERE r.clean), '{}')::text, false),"
	" pg_catalog.string_agg(r.name, chr(31) ORDER BY r.name) FILTER (WHERE r.clean)"
	" FROM st LEFT JOIN res r ON true";
/* clang-format on */
