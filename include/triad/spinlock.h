/* Fair ticket spinlock: CPUs get the lock in the order they asked for it. */
#ifndef TRIAD_SPINLOCK_H
#define TRIAD_SPINLOCK_H

#include <stdint.h>

typedef struct {
	uint16_t next;	/* ticket handed to the next arrival */
	uint16_t owner; /* ticket now being served */
} spinlock_t;

#define SPINLOCK_INIT                                                                              \
	{                                                                                          \
		0, 0                                                                               \
	}

static inline void spin_init(spinlock_t *l)
{
	l->next = 0;
	l->owner = 0;
}

static inline void spin_lock(spinlock_t *l)
{
	uint16_t me = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me) {
#ifdef __aarch64__
		__asm__ volatile("yield");
#endif
	}
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->owner, (uint16_t)(l->owner + 1), __ATOMIC_RELEASE);
}

#endif
