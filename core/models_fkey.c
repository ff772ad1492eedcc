/* A table's `foreign_keys:` in a YAML models file: composite (and named) foreign keys. */
#include <string.h>
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "git-migrate/schema.h"
#include "models_parse.h"
#include "schema_int.h"
#include "util/strvec.h"
#include "yaml.h"
#include "util/banned.h"

static void add_name(void *v, const char *name)
{
	gm_strvec_push(v, name);
}

/* `references: {table: t, columns: [x, y]}` of a foreign key map n into *table, cols. */
static int fkey_target(struct gm_models_parse *p, const gm_yaml_node *n, const char *what,
		       const char **table, gm_strvec *cols)
{
	static const char *const keys[] = { "table", "columns", NULL };
	const gm_yaml_node *r = gm_yaml_get(n, "references"), *v;
	int error;

	if (!r)
		return gm_yaml_error(p->doc, n, "%s has no 'references'", what);
	if ((error = gm_models_expect_kind(p, r, GM_YAML_MAP, "'references' of a foreign key")) <
		    0 ||
	    (error = gm_models_check_keys(p, r, keys, "in 'references' of a foreign key")) < 0)
		return error;
	if (!(v = gm_yaml_get(r, "table")) || !(r = gm_yaml_get(r, "columns")))
		return gm_yaml_error(p->doc, v ? v : gm_yaml_get(n, "references"),
				     "'references' of %s needs 'table' and 'columns'", what);
	if ((error = gm_models_expect_kind(p, v, GM_YAML_SCALAR, "'table' of 'references'")) < 0)
		return error;
	*table = v->value;
	return gm_models_parse_names(p, r, "'columns' of 'references'", NULL, add_name, cols);
}

/*
 * One item: {name, columns, references: {table, columns}, on_delete, on_update, deferrable,
 * comment}.
 * The referenced columns are checked when the models are applied (the table may be in
 * another file).
 */
static int parse_fkey(struct gm_models_parse *p, gm_table *t, const gm_yaml_node *n)
{
	static const char *const keys[] = { "name",      "columns",    "references", "on_delete",
					    "on_update", "deferrable", "comment",    NULL };
	gm_strvec cols = GM_STRVEC_INIT, refs = GM_STRVEC_INIT;
	const char *ref_table = NULL, *on_delete = NULL, *on_update = NULL;
	const gm_yaml_node *name = gm_yaml_get(n, "name"), *c = gm_yaml_get(n, "columns");
	gm_buf what = GM_BUF_INIT;
	gm_fkey *fk;
	size_t i;
	int error;

	gm_buf_printf(&what, "in a foreign key of table '%s'", t->name);
	if ((error = gm_models_expect_kind(p, n, GM_YAML_MAP, what.ptr + 3)) < 0 ||
	    (error = gm_models_check_keys(p, n, keys, what.ptr)) < 0)
		goto done;
	gm_buf_clear(&what);
	gm_buf_printf(&what, "a foreign key of table '%s'", t->name);
	if (!c) {
		error = gm_yaml_error(p->doc, n, "%s has no 'columns'", what.ptr);
		goto done;
	}
	if ((error = gm_models_parse_names(p, c, "'columns' of a foreign key", t, add_name,
					   &cols)) < 0 ||
	    (error = fkey_target(p, n, what.ptr, &ref_table, &refs)) < 0 ||
	    (name && (error = gm_models_expect_kind(p, name, GM_YAML_SCALAR,
						    "'name' of a foreign key")) < 0) ||
	    (error = gm_models_parse_action(p, n, "on_delete", what.ptr, &on_delete)) < 0 ||
	    (error = gm_models_parse_action(p, n, "on_update", what.ptr, &on_update)) < 0)
		goto done;
	if (cols.nr != refs.nr) {
		error = gm_yaml_error(p->doc, gm_yaml_get(n, "references"),
				      "%s has %zu columns but references %zu", what.ptr, cols.nr,
				      refs.nr);
		goto done;
	}
	gm_buf_clear(&what);
	if (name)
		gm_buf_puts(&what, name->value);
	else
		gm_name_fkey(&what, t->name, cols.v, cols.nr);
	if (gm_table_fkey(t, what.ptr)) {
		error = gm_yaml_error(p->doc, name ? name : n,
				      "foreign key '%s' is defined twice in table '%s'", what.ptr,
				      t->name);
		goto done;
	}
	fk = gm_table_add_fkey(t, what.ptr, ref_table);
	for (i = 0; i < cols.nr; i++)
		gm_fkey_add_pair(fk, cols.v[i], refs.v[i]);
	gm_set_str(&fk->on_delete, on_delete);
	gm_set_str(&fk->on_update, on_update);
	if ((error = gm_models_parse_deferrable(p, gm_yaml_get(n, "deferrable"), "a foreign key",
						&fk->deferrable, &fk->initially_deferred)) < 0)
		goto done;
	error = gm_models_get_string(p, n, "comment", "a foreign key", &fk->comment);
done:
	gm_strvec_release(&refs);
	gm_strvec_release(&cols);
	gm_buf_release(&what);
	return error;
}

int gm_models_parse_foreign_keys(struct gm_models_parse *p, gm_table *t, const gm_yaml_node *list)
{
	gm_buf what = GM_BUF_INIT;
	size_t i;
	int error;

	gm_buf_printf(&what, "'foreign_keys' of table '%s'", t->name);
	error = gm_models_expect_kind(p, list, GM_YAML_SEQ, what.ptr);
	for (i = 0; !error && i < list->nr; i++)
		error = parse_fkey(p, t, list->items[i]);
	gm_buf_release(&what);
	return error;
}
