/* <limits.h> for the freestanding build (LP64). */
#ifndef TRIAD_LIBC_LIMITS_H
#define TRIAD_LIBC_LIMITS_H
#define CHAR_BIT  8
#define INT_MAX	  0x7fffffff
#define INT_MIN	  (-INT_MAX - 1)
#define UINT_MAX  0xffffffffU
#define LONG_MAX  0x7fffffffffffffffL
#define ULONG_MAX 0xffffffffffffffffUL
#endif
