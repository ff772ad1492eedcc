/* Rename hints in SQL models: `-- git-migrate: was <old>` comments (core-internal). */
#ifndef GM_CORE_MODELS_SQLHINT_H
#define GM_CORE_MODELS_SQLHINT_H
#include "git-migrate/schema.h"

/*
 * Read the rename hints of a models SQL text and set `was` on the objects of `part` (what
 * the text created, inspected). A comment `-- git-migrate: was <old>` on the line that
 * starts a CREATE TABLE names the table's old name
 *     CREATE TABLE people ( -- git-migrate: was users
 * and on a column's line inside CREATE TABLE (...) the column's old name
 *     display_name text NOT NULL, -- git-migrate: was fullname
 * Names are SQL identifiers ("quoted" ones keep their case; unquoted ones match the
 * inspected name case-insensitively). Strings, quoted identifiers, dollar-quoted bodies
 * and block comments are skipped. GM_EINVALID at origin:line (origin: the file, or NULL
 * for no location) for a hint on any other line, a malformed `git-migrate:` comment, or a
 * hint whose table or column `part` does not have.
 */
int gm_models_sql_hints(gm_schema *part, const char *sql, const char *origin);

#endif
