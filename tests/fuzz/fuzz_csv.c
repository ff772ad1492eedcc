/*
 * The streaming CSV reader (core/fixtures_csv.c). The first byte chooses the size of the
 * pieces the input is read in (1 to 256 bytes), the rest is the CSV text.
 */
#include <stdlib.h>
#include "fixtures_int.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_mem m = { data, size, 0, 0 };
	gm_csv *csv = NULL;
	gm_csv_record rec;
	size_t i, n;
	int line = 0;

	if (size) {
		m.piece = (size_t)data[0] + 1;
		m.pos = 1;
	}
	gm_csv_open(&csv, "data/t.csv", fuzz_mem_read, &m);
	while (gm_csv_next(csv, &rec) == 0) {
		if (rec.line <= line || !rec.nr)
			abort(); /* records come in order, with at least one field */
		line = rec.line;
		for (i = n = 0; i < rec.nr; i++) {
			if (rec.cols[i] < 1)
				abort();
			if (rec.fields[i])
				n += strlen(rec.fields[i]);
		}
		if (n > size)
			abort(); /* no field text invented */
	}
	gm_csv_free(csv);
	gm_error_clear();
	return 0;
}
