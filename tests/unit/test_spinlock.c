// sources:
/* Host tests for spin_assert_held() as debug builds have it (TRIAD_DEBUG_LOCKS): it stops
 * Triad unless this CPU holds the lock. */
#define TRIAD_DEBUG_LOCKS
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <triad/spinlock.h>

static uintptr_t cpu = 0x1000; /* the "CPU" asking, as TPIDR_EL2 would say */
static jmp_buf stopped;
static const char *stopped_in;

uintptr_t spin_self(void)
{
	return cpu;
}

void spin_not_held(const spinlock_t *l, const char *fn)
{
	(void)l;
	stopped_in = fn;
	longjmp(stopped, 1);
}

/* Whether spin_assert_held(l) stops, asked on CPU `self`. */
static int assert_stops(spinlock_t *l, uintptr_t self)
{
	uintptr_t was = cpu;
	cpu = self;
	stopped_in = NULL;
	int stops = setjmp(stopped);
	if (!stops)
		spin_assert_held(l);
	cpu = was;
	return stops;
}

static void free_lock_stops(void **state)
{
	(void)state;
	spinlock_t l = SPINLOCK_INIT;
	assert_true(assert_stops(&l, 0x1000));
	assert_string_equal(stopped_in, "assert_stops");
}

/* Held by this CPU (0x1000) it passes; asked on another CPU it stops. */
static void held_passes_on_its_cpu_only(void **state)
{
	(void)state;
	spinlock_t l;
	spin_init(&l);
	spin_lock(&l);
	assert_false(assert_stops(&l, 0x1000));
	assert_true(assert_stops(&l, 0x2000));
	spin_unlock(&l);
}

static void released_stops(void **state)
{
	(void)state;
	spinlock_t l;
	spin_init(&l);
	spin_lock(&l);
	spin_unlock(&l);
	assert_true(assert_stops(&l, 0x1000));
	spin_lock(&l); /* the next holder is recorded again */
	assert_false(assert_stops(&l, 0x1000));
	spin_unlock(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(free_lock_stops),
	    cmocka_unit_test(held_passes_on_its_cpu_only),
	    cmocka_unit_test(released_stops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
