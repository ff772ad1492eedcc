/* Functions that are too easy to misuse: include last in every core .c (git's banned.h). */
#ifndef GM_UTIL_BANNED_H
#define GM_UTIL_BANNED_H

#define GM_BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) GM_BANNED(strcpy)
#undef strcat
#define strcat(x, y) GM_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) GM_BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) GM_BANNED(strncat)
#undef sprintf
#define sprintf(...) GM_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) GM_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) GM_BANNED(strtok)
#undef gets
#define gets(x) GM_BANNED(gets)

#endif
