/* YAML model files (core/models.c over core/yaml.c): parse, validate, fingerprint. */
#include "fuzz.h"
#include "models_int.h"
#include "schema_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gm_schema *s = NULL;
	gm_buf fp = GM_BUF_INIT;

	gm_schema_new(&s);
	if (gm_models_parse_yaml(s, "models/app.yml", (const char *)data, size) == 0 &&
	    gm_models_validate(s) == 0)
		gm_schema_fingerprint(&fp, s);
	gm_buf_release(&fp);
	gm_schema_free(s);
	gm_error_clear();
	return 0;
}
