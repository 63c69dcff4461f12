/* Included first in every `make verify` harness (frama-c -cpp-extra-args -include). Frama-C
 * models one CPU: GCC's __atomic builtins become the plain operations they are there.
 * Concurrency (the lock bit under racing CPUs) is not what the harnesses check. */
#ifndef TRIAD_FC_PRELUDE_H
#define TRIAD_FC_PRELUDE_H

#define __atomic_load_n(p, order)     (*(p))
#define __atomic_store_n(p, v, order) ((void)(*(p) = (v)))
#define __atomic_exchange_n(p, v, order)                                                           \
	({                                                                                         \
		__typeof__(*(p)) old_ = *(p);                                                      \
		*(p) = (v);                                                                        \
		old_;                                                                              \
	})
#define __atomic_compare_exchange_n(p, expected, desired, weak, ok_order, fail_order)              \
	({                                                                                         \
		int same_ = *(p) == *(expected);                                                   \
		if (same_)                                                                         \
			*(p) = (desired);                                                          \
		else                                                                               \
			*(expected) = *(p);                                                        \
		same_;                                                                             \
	})
#define __atomic_thread_fence(order) ((void)0)
#define __atomic_fetch_add(p, v, order)                                                            \
	({                                                                                         \
		__typeof__(*(p)) old_ = *(p);                                                      \
		*(p) += (v);                                                                       \
		old_;                                                                              \
	})
#define __atomic_fetch_sub(p, v, order)                                                            \
	({                                                                                         \
		__typeof__(*(p)) old_ = *(p);                                                      \
		*(p) -= (v);                                                                       \
		old_;                                                                              \
	})
#define __atomic_fetch_or(p, v, order)                                                             \
	({                                                                                         \
		__typeof__(*(p)) old_ = *(p);                                                      \
		*(p) |= (v);                                                                       \
		old_;                                                                              \
	})
#define __atomic_fetch_and(p, v, order)                                                            \
	({                                                                                         \
		__typeof__(*(p)) old_ = *(p);                                                      \
		*(p) &= (v);                                                                       \
		old_;                                                                              \
	})

/* GCC's count-trailing-zeros builtins, which Frama-C does not know: the lowest set bit's
 * index (x != 0, as every caller checks). */
static inline int fc_ctz64(unsigned long long x)
{
	int n = 0;
	while (n < 63 && !((x >> n) & 1))
		n++;
	return n;
}
#define __builtin_ctzl(x)  fc_ctz64((unsigned long long)(x))
#define __builtin_ctzll(x) fc_ctz64((unsigned long long)(x))
#define __builtin_ctz(x)   fc_ctz64((unsigned long long)(unsigned)(x))

/* C11's _Alignas, which Frama-C does not parse: GCC's attribute, which it does. */
#define _Alignas(n) __attribute__((aligned(n)))

/* GCC's 128-bit integer, which Frama-C does not have: the FP registers' storage in
 * security/rmm/rec.h, never computed with by the code the harnesses prove. */
struct fc_uint128 {
	unsigned long long lo, hi;
};
#define __uint128_t struct fc_uint128

#endif
