/* GM_ALLOC_GROW(ptr, nr, alloc): make room for nr elements (git's ALLOC_GROW). */
#ifndef GM_VEC_H
#define GM_VEC_H
#include "git-migrate/alloc.h"

#define GM_ALLOC_GROW(x, nr, alloc)                                             \
	do {                                                                    \
		if ((size_t)(nr) > (size_t)(alloc)) {                           \
			(alloc) = ((alloc) + 16) * 3 / 2;                       \
			if ((size_t)(alloc) < (size_t)(nr))                     \
				(alloc) = (nr);                                 \
			(x) = gm_xrealloc((x), (size_t)(alloc) * sizeof(*(x))); \
		}                                                               \
	} while (0)

/* Append v to a (ptr, nr, alloc) triple. */
#define GM_PUSH(x, nr, alloc, v)                   \
	do {                                       \
		GM_ALLOC_GROW(x, (nr) + 1, alloc); \
		(x)[(nr)++] = (v);                 \
	} while (0)

#endif
