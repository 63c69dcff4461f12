/* Freestanding assert.h: a failed assertion stops the CPU at once (a trap), as nothing
 * that could print is safe to call there. */
#ifndef TRIAD_LIBC_ASSERT_H
#define TRIAD_LIBC_ASSERT_H

#define assert(x) ((x) ? (void)0 : __builtin_trap())
#define static_assert _Static_assert

#endif
