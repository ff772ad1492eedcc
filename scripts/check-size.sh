#!/bin/sh
# check-size.sh: the size limits of the code, checked by `make test` (check-size).
#   * no product function (core/, cmd/) longer than 80 lines, braces included;
#   * no C file or header (core/, cmd/, include/, tests/) longer than 800 lines.
# A function is what lies between a '{' and a '}' that each stand alone at the start of a
# line (the house style: a function's braces are the only ones in column 0). Prints every
# offender as file:line and exits 1 if there is one; `-v` prints the ten longest functions.
MAX_FN=80
MAX_FILE=800
cd "$(dirname "$0")/.." || exit 2
bad=$(awk -v max="$MAX_FN" '
	FNR == 1 { start = 0 }
	/^\{/ { start = FNR; name = prev; next }
	/^\}/ { if (start && FNR - start + 1 > max)
			printf "%s:%d: function is %d lines (limit %d): %s\n", FILENAME,
			       start - 1, FNR - start + 1, max, name
		start = 0; next }
	{ prev = $0 }' core/*.c core/*/*.c cmd/*.c)
files=$(find core cmd include tests -name '*.[ch]' -type f | sort | xargs wc -l |
	awk -v max="$MAX_FILE" '$2 != "total" && $1 > max {
		printf "%s: file is %d lines (limit %d)\n", $2, $1, max }')
if test "$1" = -v; then
	awk 'FNR == 1 { start = 0 } /^\{/ { start = FNR; name = prev; next }
	     /^\}/ { if (start) print FNR - start + 1, FILENAME ":" start - 1, name; start = 0; next }
	     { prev = $0 }' core/*.c core/*/*.c cmd/*.c | sort -rn | head -10
fi
test -z "$bad$files" && exit 0
test -z "$bad" || echo "$bad"
test -z "$files" || echo "$files"
exit 1
