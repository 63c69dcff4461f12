// sources: security/rmm/granule.c
/* Host tests for the RMM's granule states: delegation and undelegation follow RMM 1.0's
 * rules, ask EL3 at the right moment, zero the granule both ways, and leave the state as
 * it was whenever they fail. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../security/rmm/rmm.h"

/* A fake EL3: which granules are in the Realm PAS, and what it is asked. */
static uint8_t realm_pas[4096]; /* for the first 4096 granules of the tracked range */
static unsigned zeroed, el3_calls;
static uint64_t last_zeroed;
static int64_t refuse; /* if nonzero, EL3's answer to the next call */

void granule_zero(uint64_t pa)
{
	zeroed++;
	last_zeroed = pa;
}

int64_t granule_el3_call(uint32_t fid, uint64_t pa)
{
	el3_calls++;
	if (refuse) {
		int64_t r = refuse;
		refuse = 0;
		return r;
	}
	unsigned g = (unsigned)((pa - TRACKED_BASE) / GRANULE_SIZE);
	bool to_realm = fid == RMM_GTSI_DELEGATE;
	if (g >= sizeof(realm_pas) || realm_pas[g] == to_realm)
		return E_RMM_BAD_PAS;
	realm_pas[g] = to_realm;
	return E_RMM_OK;
}

#define PA(n) (TRACKED_BASE + (uint64_t)(n)*GRANULE_SIZE)

static int reset(void **state)
{
	(void)state;
	zeroed = el3_calls = 0;
	refuse = 0;
	return 0;
}

static void delegate_then_undelegate(void **state)
{
	(void)state;
	assert_int_equal(granule_delegate(PA(5)), RMI_SUCCESS);
	assert_true(realm_pas[5]);
	assert_int_equal(zeroed, 1); /* contents zero before a realm may see them */
	assert_int_equal(last_zeroed, PA(5));
	assert_int_equal(granule_delegate(PA(5)), RMI_ERROR_INPUT); /* already delegated */
	assert_int_equal(el3_calls, 1);				    /* and EL3 not asked */
	assert_int_equal(granule_undelegate(PA(5)), RMI_SUCCESS);
	assert_false(realm_pas[5]);
	assert_int_equal(zeroed, 2); /* scrubbed before the host has it back */
	assert_int_equal(granule_undelegate(PA(5)), RMI_ERROR_INPUT);
	assert_int_equal(el3_calls, 2);
}

static void bad_addresses_change_nothing(void **state)
{
	(void)state;
	const uint64_t bad[] = {PA(7) + 8,
				PA(7) + 0xfff,
				TRACKED_BASE - GRANULE_SIZE,
				TRACKED_BASE + TRACKED_SIZE,
				0,
				UINT64_MAX & ~0xfffULL};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(granule_delegate(bad[i]), RMI_ERROR_INPUT);
		assert_int_equal(granule_undelegate(bad[i]), RMI_ERROR_INPUT);
	}
	assert_int_equal(el3_calls, 0);
	assert_int_equal(zeroed, 0);
	/* The last granule of the range passes the RMM's own checks: EL3 is asked (and this
	 * fake EL3, which knows only the first granules, refuses it). */
	assert_int_equal(granule_delegate(TRACKED_BASE + TRACKED_SIZE - GRANULE_SIZE),
			 RMI_ERROR_INPUT);
	assert_int_equal(el3_calls, 1);
}

static void el3_refusal_keeps_the_state(void **state)
{
	(void)state;
	refuse = E_RMM_BAD_PAS; /* e.g. a Secure granule, or the RMM's own memory */
	assert_int_equal(granule_delegate(PA(9)), RMI_ERROR_INPUT);
	assert_int_equal(zeroed, 0);
	assert_int_equal(granule_delegate(PA(9)), RMI_SUCCESS); /* still UNDELEGATED: works */
	refuse = E_RMM_BAD_ADDR;
	assert_int_equal(granule_undelegate(PA(9)), RMI_ERROR_INPUT);
	assert_int_equal(granule_undelegate(PA(9)), RMI_SUCCESS); /* still DELEGATED */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(delegate_then_undelegate, reset),
	    cmocka_unit_test_setup(bad_addresses_change_nothing, reset),
	    cmocka_unit_test_setup(el3_refusal_keeps_the_state, reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
