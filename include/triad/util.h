/* Small helpers shared by every part of Triad (hypervisor and host builds). */
#ifndef TRIAD_UTIL_H
#define TRIAD_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a)	      (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)	      (((x) + ((a)-1)) & ~((__typeof__(x))(a)-1))
#define ALIGN_DOWN(x, a)      ((x) & ~((__typeof__(x))(a)-1))
#define IS_ALIGNED(x, a)      (((x) & ((__typeof__(x))(a)-1)) == 0)
#define MIN(a, b)	      ((a) < (b) ? (a) : (b))
#define MAX(a, b)	      ((a) > (b) ? (a) : (b))
#define GENMASK(h, l)	      (((~0UL) >> (63 - (h))) & ~((1UL << (l)) - 1))
#define FIELD_GET(v, h, l)    (((v) >> (l)) & ((1UL << ((h) - (l) + 1)) - 1))
#define SZ_4K		      0x1000UL
#define SZ_64K		      0x10000UL
#define SZ_1M		      0x100000UL
#define SZ_2M		      0x200000UL
#define SZ_1G		      0x40000000UL
#define PAGE_SIZE	      SZ_4K
#define container_of(p, t, m) ((t *)((char *)(p)-offsetof(t, m)))
#define unlikely(x)	      __builtin_expect(!!(x), 0)
#define likely(x)	      __builtin_expect(!!(x), 1)
#define READ_ONCE(x)	      (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v)      (*(volatile __typeof__(x) *)&(x) = (v))
/* An invariant the code keeps that the clang static analyzer (make analyze) cannot see
 * across functions: it drops the paths where c is false. No code in real builds. */
#ifdef __clang_analyzer__
#define ANALYZER_ASSUME(c) ((c) ? (void)0 : __builtin_unreachable())
#else
#define ANALYZER_ASSUME(c) ((void)0)
#endif
/* System registers named by number have no indexed form: a loop over the first n of them
 * with one case per number, LIST(CASE) expanding to CASE(0) CASE(1) ... */
#define FOR_EACH_NUMBERED(n, LIST, CASE)                                                           \
	for (unsigned i_ = 0; i_ < (n); i_++)                                                      \
		switch (i_) {                                                                      \
			LIST(CASE)                                                                 \
		}

/* True if [base, base+size) does not wrap and lies inside [lo, lo+len). */
static inline bool range_within(uint64_t base, uint64_t size, uint64_t lo, uint64_t len)
{
	return size <= len && base >= lo && base - lo <= len - size;
}

/* True if the two ranges share at least one byte (sizes must not wrap). */
static inline bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

#endif
