/* Column types: canonical spelling and the one list of known type names (core-internal). */
#ifndef GM_CORE_TYPE_H
#define GM_CORE_TYPE_H

#include <stdbool.h>
#include "git-migrate/buf.h"

/*
 * Canonical form of a declared column type (git-migrate/schema.h's header comment): "INT4" → "integer",
 * "character varying(120)" → "varchar(120)", "timestamp with time zone" → "timestamptz",
 * "DOUBLE PRECISION"/"float8" → "double", "bool" → "boolean", "decimal(12, 2)" →
 * "numeric(12,2)", "int[]" → "integer[]". Writes into out (cleared first).
 */
void gm_type_canonical(gm_buf *out, const char *type);

/*
 * True when the canonical type takes unquoted numeric literals: the integer types
 * (serial, bigserial and smallserial are integers), numeric(p,s), real and double.
 * An array ("integer[]", "numeric(12,2)[]") is not numeric. NULL is not numeric.
 */
bool gm_type_is_numeric(const char *canonical);

/*
 * True when the base name of a canonical type (modifier and "[]" left out) is one of the
 * portable names every dialect maps (integer, text, varchar, numeric, timestamptz, ...).
 */
bool gm_type_is_portable(const char *canonical);

/*
 * True when the base name is portable or a native PostgreSQL/SQLite type that passes
 * through verbatim (inet, bytea, interval, datetime, ...). Enums are not builtin.
 */
bool gm_type_is_builtin(const char *canonical);

/*
 * Serial types: serial, bigserial and smallserial are integer, bigint and smallint with a
 * sequence as their default. gm_type_serial_storage("bigserial") is "bigint" (NULL for a
 * type that is not serial, arrays included); gm_type_serial_of is the reverse
 * ("smallint" → "smallserial"). Static strings.
 */
const char *gm_type_serial_storage(const char *canonical);
const char *gm_type_serial_of(const char *storage);
bool gm_type_is_serial(const char *canonical);

#endif
