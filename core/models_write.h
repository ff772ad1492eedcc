/* Writing a schema as YAML models (init --from-database): models_write*.c. */
#ifndef GM_CORE_MODELS_WRITE_H
#define GM_CORE_MODELS_WRITE_H
#include <stdbool.h>
#include "git-migrate/buf.h"
#include "git-migrate/schema.h"
#include "util/strvec.h"

/*
 * The writer's state. `sql` holds the keys ("<kind>\t<name>", kind "table", "enum" or an
 * object's kind) of what goes to the SQL model instead of the YAML, `why` one line per
 * key (the same index) saying why.
 */
struct gm_models_writer {
	const gm_schema *s;
	bool native_enums; /* PostgreSQL: enums are types; SQLite: columns with labels */
	gm_strvec sql, why;
	gm_strvec enum_names; /* SQLite: "<table>\t<column>\t<enum>" of emulated enums */
};

/* Whether the item kind/name goes to the SQL model. */
bool gm_models_writer_in_sql(const struct gm_models_writer *w, const char *kind, const char *name);

/* Send kind/name to the SQL model (when it is not there yet), `why` saying why. */
void gm_models_writer_to_sql(struct gm_models_writer *w, const char *kind, const char *name,
			     const char *why);

/* YAML text helpers: a key (plain when safe, else double-quoted), a double-quoted string,
 * and a string as a block literal (`|-`) at `indent` when it is multi-line and safe. */
void gm_models_put_key(gm_buf *b, const char *s);
void gm_models_put_str(gm_buf *b, const char *s);
void gm_models_put_text(gm_buf *b, const char *s, int indent);

/*
 * models_write_objects.c: whether object d can be written in YAML (false: the reason in
 * *why, caller frees); with out, appends its entry to out (in its section).
 */
bool gm_models_write_object(gm_buf *out, char **why, const struct gm_models_writer *w,
			    const gm_dependent *d);

/* models_write_objects.c: the objects' sections of the YAML (extensions ... triggers). */
void gm_models_write_objects(gm_buf *out, const struct gm_models_writer *w);

/*
 * Write schema s (an inspected one) as DESIGN §3.3 YAML models into yaml (appended) and
 * what YAML cannot express, with everything it uses, into *sql_out (a schema of copies,
 * empty when YAML says it all; caller owns it); `why` gets one line per item moved
 * there ("table film: ..."). Cannot fail.
 */
void gm_models_write(gm_buf *yaml, gm_schema **sql_out, gm_strvec *why, const gm_schema *s,
		     bool native_enums);

#endif
