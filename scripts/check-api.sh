#!/bin/sh
# check-api.sh: include/git-migrate/ is the API of cmd/ (checked by `make test`, check-api).
# Every function declared in a public header must be used by cmd/, directly or through a
# macro of a public header (GM_ASSERT_ARG -> gm_bug). Builders and internals belong in
# core/*.h. The basic types that cmd and core share, alloc.h, buf.h and vec.h, are public
# whole: a growable buffer with half its functions hidden would help nobody.
# Prints each public function that cmd/ does not use and exits 1 if there is one; `-v`
# first prints how many functions the public headers declare.
cd "$(dirname "$0")/.." || exit 2
strip() { sed -e 's://.*$::' "$@" | tr '\n' '\001' | sed -e 's:/\*[^*]*\*\+\([^/*][^*]*\*\+\)*/::g' | tr '\001' '\n'; }
api=$(ls include/git-migrate/*.h | grep -vE '/(alloc|buf|vec)\.h$')
decls=$(strip $api | tr '\n' ' ' | sed 's/;/;\n/g' | grep -v -e typedef -e '#define' |
	grep -oE '\bgm_[a-z0-9_]+[[:space:]]*\(' | sed 's/[[:space:]]*($//' | sort -u)
used=$({ strip cmd/*.c cmd/*.h; strip include/git-migrate/*.h |
		awk '/^#[[:space:]]*define/ { m = 1 } m { print } !/\\$/ { m = 0 }'; } |
	grep -oE '\bgm_[a-z0-9_]+' | sort -u)
test "$1" = -v && echo "$(strip include/git-migrate/*.h | tr '\n' ' ' | sed 's/;/;\n/g' |
	grep -v -e typedef -e '#define' | grep -cE '\bgm_[a-z0-9_]+[[:space:]]*\(') public functions"
unused=$(printf '%s\n' "$decls" | grep -vxF "$used")
test -z "$unused" && exit 0
printf '%s\n' "$unused" | sed 's/^/public but unused by cmd\/: /'
exit 1
