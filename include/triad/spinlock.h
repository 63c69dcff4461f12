/* Fair ticket spinlock: CPUs get the lock in the order they asked for it.
 *
 * Lock order of the Normal EL2 hypervisor, outer first: a CPU holding one of these takes
 * only locks further down the list (docs/architecture.md).
 *   0. the VM slot table's lock (vm_list_lock(), core/vm_lifecycle.c)
 *   1. vm->lock: VM state, vCPU power (core/vm.c, psci.c, vcpu.c)
 *   2. a device's own lock (devices/: UART, RTC, virtio), a VM's TEE or FF-A state lock
 *   3. run queue locks (core/sched.c), two at once in CPU order (lock_two)
 *   4. vm->vgic.lock (irq/vgic.c's state)
 *   5. a CPU's timers_lock (core/softtimer.c)
 *   6. leaves: the switch, the page and VMID allocators, OP-TEE's owner, then the console
 *      lock (core/log.c) last: anything may log.
 * A vCPU is kicked (sched_wake takes run queue locks) only once device and vGIC locks are
 * dropped (device_unlock_line), so run queue and vGIC locks never nest today.
 *
 * Debug builds (make DEBUG=1: TRIAD_DEBUG_LOCKS) record which CPU took a lock, so that
 * spin_assert_held() in a function that needs a lock stops Triad when its caller does not
 * hold it; the default build keeps the lock two halfwords and the check compiles away. */
#ifndef TRIAD_SPINLOCK_H
#define TRIAD_SPINLOCK_H

#include <stdint.h>

typedef struct {
	uint16_t next;	/* ticket handed to the next arrival */
	uint16_t owner; /* ticket now being served */
#ifdef TRIAD_DEBUG_LOCKS
	uintptr_t holder; /* spin_self() of the CPU that took it last */
#endif
} spinlock_t;

#define SPINLOCK_INIT                                                                              \
	{                                                                                          \
		.next = 0                                                                          \
	}

#ifdef TRIAD_DEBUG_LOCKS
/* Who is asking: Triad's per-CPU pointer (TPIDR_EL2); host builds supply their own. */
#ifdef __aarch64__
static inline uintptr_t spin_self(void)
{
	uintptr_t self;
	__asm__ volatile("mrs %0, tpidr_el2" : "=r"(self));
	return self;
}
#else
uintptr_t spin_self(void);
#endif
/* Stops Triad: fn needed l held by this CPU (core/panic.c). */
void spin_not_held(const spinlock_t *l, const char *fn) __attribute__((noreturn));
#define spin_assert_held(l)                                                                        \
	do {                                                                                       \
		const spinlock_t *l_ = (l);                                                        \
		if (__atomic_load_n(&l_->next, __ATOMIC_RELAXED) == l_->owner ||                   \
		    l_->holder != spin_self())                                                     \
			spin_not_held(l_, __func__);                                               \
	} while (0)
#else
#define spin_assert_held(l) ((void)(l))
#endif

static inline void spin_init(spinlock_t *l)
{
	*l = (spinlock_t)SPINLOCK_INIT;
}

static inline void spin_lock(spinlock_t *l)
{
	uint16_t me = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me) {
#ifdef __aarch64__
		__asm__ volatile("yield");
#endif
	}
#ifdef TRIAD_DEBUG_LOCKS
	l->holder = spin_self();
#endif
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->owner, (uint16_t)(l->owner + 1), __ATOMIC_RELEASE);
}

#endif
