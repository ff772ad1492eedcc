/* Which schemas (PostgreSQL namespaces) a plan manages; the others are left as they are. */
#include <stdbool.h>
#include <string.h>
#include "git-migrate/buf.h"
#include "git-migrate/error.h"
#include "git-migrate/schema.h"
#include "error_int.h"
#include "schema_int.h"
#include "util/strvec.h"
#include "util/banned.h"

void gm_name_home(gm_buf *out, const char *name)
{
	gm_buf local = GM_BUF_INIT;
	const char *args = strchr(name, '(');
	gm_buf n = GM_BUF_INIT;

	/* a function's name carries its argument types: "billing.f(integer)" */
	gm_buf_put(&n, name, args ? (size_t)(args - name) : strlen(name));
	gm_name_split(n.ptr, out, &local);
	gm_buf_release(&local);
	gm_buf_release(&n);
}

void gm_dependent_home(gm_buf *out, const gm_dependent *d)
{
	gm_buf local = GM_BUF_INIT;

	if (!strcmp(d->kind, "schema")) {
		gm_name_split(d->name, &local, out);
		gm_buf_release(&local);
		return;
	}
	gm_name_home(out, d->table ? d->table : d->name);
}

bool gm_schema_drops_home(const gm_schema *to, const gm_schema *from, const gm_dependent *d)
{
	gm_buf home = GM_BUF_INIT, schema = GM_BUF_INIT, local = GM_BUF_INIT;
	bool in_from = false, in_to = false;
	size_t i;

	gm_dependent_home(&home, d);
	for (i = 0; home.len && i < from->dependents_nr + to->dependents_nr; i++) {
		const gm_dependent *s = i < from->dependents_nr
						? from->dependents[i]
						: to->dependents[i - from->dependents_nr];
		if (strcmp(s->kind, "schema"))
			continue;
		gm_name_split(s->name, &schema, &local);
		if (!strcmp(local.ptr, home.ptr))
			*(i < from->dependents_nr ? &in_from : &in_to) = true;
	}
	gm_buf_release(&home);
	gm_buf_release(&schema);
	gm_buf_release(&local);
	return in_from && !in_to;
}

void gm_schema_homes(gm_strvec *out, const gm_schema *s)
{
	gm_buf b = GM_BUF_INIT;
	size_t i;

	for (i = 0; i < s->tables_nr + s->enums_nr + s->dependents_nr; i++) {
		if (i < s->tables_nr)
			gm_name_home(&b, s->tables[i]->name);
		else if (i < s->tables_nr + s->enums_nr)
			gm_name_home(&b, s->enums[i - s->tables_nr]->name);
		else
			gm_dependent_home(&b, s->dependents[i - s->tables_nr - s->enums_nr]);
		if (b.len && !gm_strv_contains(out->v, out->nr, b.ptr))
			gm_strvec_push(out, b.ptr);
	}
	gm_buf_release(&b);
}

struct scope {
	bool all;          /* every schema is managed */
	char *const *list; /* else these (and the current one) */
	size_t list_nr;
	gm_buf home; /* the last object's schema */
};

/* Whether the object named `name` (in the current schema when unqualified) is managed. */
static bool managed(struct scope *sc, const char *name, const gm_dependent *d)
{
	if (d)
		gm_dependent_home(&sc->home, d);
	else
		gm_name_home(&sc->home, name);
	return !sc->home.len || sc->all || gm_strv_contains(sc->list, sc->list_nr, sc->home.ptr);
}

/* The models name a schema the config's `schemas:` does not list: GM_EINVALID. */
static int check_listed(struct scope *sc, const gm_schema *desired)
{
	size_t i;

	for (i = 0; i < desired->tables_nr; i++)
		if (!managed(sc, desired->tables[i]->name, NULL))
			goto unlisted;
	for (i = 0; i < desired->enums_nr; i++)
		if (!managed(sc, desired->enums[i]->name, NULL))
			goto unlisted;
	for (i = 0; i < desired->dependents_nr; i++)
		if (!managed(sc, NULL, desired->dependents[i]))
			goto unlisted;
	return 0;
unlisted:
	gm_error_set(GM_EINVALID,
		     "the models use schema '%s', which 'schemas' in the config does not list",
		     sc->home.ptr);
	gm_error_hint("add it to 'schemas', or leave it out of the models");
	return GM_EINVALID;
}

/* desired takes from current what is in a schema it does not manage. */
static void leave_alone(struct scope *sc, gm_schema *desired, const gm_schema *current)
{
	size_t i, had = desired->dependents_nr;

	for (i = 0; i < current->tables_nr; i++) {
		const gm_table *t = current->tables[i];
		if (!managed(sc, t->name, NULL) && !gm_schema_table(desired, t->name))
			gm_schema_add_table_copy(desired, t);
	}
	for (i = 0; i < current->enums_nr; i++) {
		const gm_enum *e = current->enums[i];
		if (!managed(sc, e->name, NULL) && !gm_schema_enum(desired, e->name))
			gm_schema_add_enum_copy(desired, e);
	}
	for (i = 0; i < current->dependents_nr; i++) {
		const gm_dependent *d = current->dependents[i];
		if (!managed(sc, NULL, d) && !gm_schema_dependent(desired, d->kind, d->name))
			gm_schema_add_dependent_copy(desired, d);
	}
	if (desired->dependents_nr > had)
		gm_schema_order_dependents(desired);
}

int gm_schema_scope(gm_schema *desired, const gm_schema *current, char *const *schemas,
		    size_t schemas_nr)
{
	struct scope sc = { false, schemas, schemas_nr, GM_BUF_INIT };
	gm_strvec named = GM_STRVEC_INIT;
	int error = 0;

	if (schemas_nr) {
		error = check_listed(&sc, desired);
	} else {
		/* the models name other schemas: they manage all of them, else none */
		gm_schema_homes(&named, desired);
		sc.all = named.nr > 0;
	}
	if (!error && !sc.all)
		leave_alone(&sc, desired, current);
	gm_strvec_release(&named);
	gm_buf_release(&sc.home);
	return error;
}
