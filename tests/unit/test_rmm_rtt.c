// sources: security/rmm/rtt.c security/rmm/realm.c security/rmm/rec.c security/rmm/granule.c
// sources: security/rmm/features.c
// sources: security/rmm/measurement.c .cache/src/mbedtls/library/sha[25]*.c
// sources: .cache/src/mbedtls/library/platform_util.c .cache/src/mbedtls/library/platform.c
/* Host tests for a realm's translation tables (RMM 1.0, B4.3): each RTT and DATA command's
 * failure conditions and state changes, on a fake machine whose "physical" memory is a
 * fixed mapping at the RMM's tracked range, so the RMM's tables are real tables here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../security/rmm/realm.h"
#include "../../security/rmm/rec.h"

#define NR_PAGES 512 /* the fake machine's memory: 2 MiB at TRACKED_BASE */
#include "rmm_fake_machine.h"

/* Granule roles in the fake memory. */
enum { RD = 0, RTT0 = 2, L2 = 4, L3 = 5, DATA = 6, REC = 8, AUX = 9, PARAMS = 10, SRC = 11 };

/* A NEW realm: 40-bit IPA, level-1 start (two tables), with level-2 and level-3 tables
 * over [0, 2 MiB). */
static int setup(void **state)
{
	if (setup_window(state))
		return -1;
	good_params(PA(PARAMS), PA(RTT0), 5 + win);
	uint64_t in[8] = {0, PA(RD), PA(PARAMS)};
	/* A CPU with 48-bit PAs, six breakpoints, four watchpoints, four list registers, no SVE. */
	rmi_realm_create(in, out, feature_register0(5, 5 << 12 | 3 << 20, 3, 0));
	if (out[0] != RMI_SUCCESS)
		return -1;
	return call(rmi_rtt_create, PA(RD), PA(L2), 0, 2, 0) ||
	       call(rmi_rtt_create, PA(RD), PA(L3), 0, 3, 0);
}

static void rtt_create_failures(void **state)
{
	(void)state;
	assert_int_equal(granule_delegate(PA(20)), RMI_SUCCESS);
	assert_int_equal(call(rmi_rtt_create, PA(RD), PA(20), 0x200000, 1, 0), RMI_ERROR_INPUT);
	assert_int_equal(call(rmi_rtt_create, PA(RD), PA(20), 0x200000, 4, 0), RMI_ERROR_INPUT);
	assert_int_equal(call(rmi_rtt_create, PA(RD), PA(20), 0x201000, 3, 0), RMI_ERROR_INPUT);
	assert_int_equal(call(rmi_rtt_create, PA(RD), PA(20), 1ULL << 40, 2, 0), RMI_ERROR_INPUT);
	/* Level 3 needs the level-2 table above it: the walk stops at level 1. */
	assert_int_equal(call(rmi_rtt_create, PA(RD), PA(20), 0x40000000, 3, 0), rtt_error(1));
	assert_int_equal(call(rmi_rtt_create, PA(RD), PA(21), 0x200000, 3, 0), RMI_ERROR_INPUT);
	assert_int_equal(call(rmi_rtt_create, PA(RD), PA(L2), 0x200000, 3, 0), RMI_ERROR_INPUT);
	assert_int_equal(call(rmi_rtt_create, PA(RD), PA(20), 0, 3, 0), rtt_error(2));
	assert_int_equal(call(rmi_rtt_create, PA(L2), PA(20), 0x200000, 3, 0), RMI_ERROR_INPUT);
	assert_int_equal(call(rmi_rtt_create, PA(RD), PA(20), 0x200000, 3, 0), RMI_SUCCESS);
	assert_int_equal(call(rmi_rtt_read_entry, PA(RD), 0x200000, 2, 0, 0), RMI_SUCCESS);
	assert_int_equal(out[2], 2); /* TABLE */
	assert_int_equal(out[3], PA(20));
	assert_int_equal(call(rmi_rtt_destroy, PA(RD), 0x200000, 3, 0, 0), RMI_SUCCESS);
	assert_int_equal(out[1], PA(20));
	assert_int_equal(call(rmi_rtt_read_entry, PA(RD), 0x200000, 2, 0, 0), RMI_SUCCESS);
	assert_int_equal(out[4], 2); /* RIPAS DESTROYED where a table was */
	assert_int_equal(granule_undelegate(PA(20)), RMI_SUCCESS);
}

static void data_and_ripas(void **state)
{
	(void)state;
	struct rd *rd = (struct rd *)PA(RD);
	uint8_t rim[MEASURE_MAX];
	memcpy(rim, rd->rim.value, sizeof(rim));
	assert_int_equal(call(rmi_rtt_init_ripas, PA(RD), 0x2000, 0x1000, 0, 0), RMI_ERROR_INPUT);
	assert_int_equal(call(rmi_rtt_init_ripas, PA(RD), 0x800, 0x2000, 0, 0), RMI_ERROR_INPUT);
	assert_int_equal(call(rmi_rtt_init_ripas, PA(RD), 0, 1ULL << 39 | 0x1000, 0, 0),
			 RMI_ERROR_INPUT);
	assert_int_equal(call(rmi_rtt_init_ripas, PA(RD), 0, 0x4000, 0, 0), RMI_SUCCESS);
	assert_int_equal(out[1], 0x4000);
	assert_memory_not_equal(rim, rd->rim.value, sizeof(rim)); /* measured */
	/* DATA_CREATE: flags, a source that is not the host's, unprotected, no table. */
	assert_int_equal(call(rmi_data_create, PA(RD), PA(DATA), 0, PA(SRC), 2), RMI_ERROR_INPUT);
	assert_int_equal(call(rmi_data_create, PA(RD), PA(DATA), 0, PA(L2), 1), RMI_ERROR_INPUT);
	assert_int_equal(call(rmi_data_create, PA(RD), PA(DATA), 1ULL << 39, PA(SRC), 1),
			 RMI_ERROR_INPUT);
	assert_int_equal(call(rmi_data_create, PA(RD), PA(DATA), 0x200000, PA(SRC), 1),
			 rtt_error(2));
	assert_int_equal(call(rmi_data_create, PA(RD), PA(SRC), 0, PA(SRC), 1), RMI_ERROR_INPUT);
	memset((void *)PA(SRC), 0x5a, GRANULE_SIZE);
	assert_int_equal(call(rmi_data_create, PA(RD), PA(DATA), 0, PA(SRC), 1), RMI_SUCCESS);
	assert_int_equal(*(uint8_t *)PA(DATA), 0x5a);
	assert_int_equal(call(rmi_data_create, PA(RD), PA(7), 0, PA(SRC), 1), rtt_error(3));
	assert_int_equal(call(rmi_rtt_read_entry, PA(RD), 0, 3, 0, 0), RMI_SUCCESS);
	assert_int_equal(out[2], 1); /* ASSIGNED */
	assert_int_equal(out[3], PA(DATA));
	assert_int_equal(out[4], 1); /* RAM */
	uint64_t *l3 = (uint64_t *)PA(L3);
	assert_int_equal(l3[0] & 3, 3); /* a valid page mapping for the hardware */
	/* RTT_DESTROY of a live table; after activation no measured data or RIPAS init. */
	assert_int_equal(call(rmi_rtt_destroy, PA(RD), 0, 3, 0, 0), rtt_error(3));
	uint64_t act[8] = {0, PA(RD)};
	rmi_realm_activate(act, out);
	assert_int_equal(out[0], RMI_SUCCESS);
	assert_int_equal(call(rmi_data_create, PA(RD), PA(7), 0x1000, PA(SRC), 1), RMI_ERROR_REALM);
	assert_int_equal(call(rmi_rtt_init_ripas, PA(RD), 0x4000, 0x5000, 0, 0), RMI_ERROR_REALM);
	assert_int_equal(call(rmi_data_create_unknown, PA(RD), PA(7), 0x1000, 0, 0), RMI_SUCCESS);
	/* DATA_DESTROY: RAM reads DESTROYED, the granule back scrubbed. */
	assert_int_equal(call(rmi_data_destroy, PA(RD), 0x2000, 0, 0, 0), rtt_error(3));
	assert_int_equal(call(rmi_data_destroy, PA(RD), 0, 0, 0, 0), RMI_SUCCESS);
	assert_int_equal(out[1], PA(DATA));
	assert_int_equal(*(uint8_t *)PA(DATA), 0);
	assert_int_equal(call(rmi_rtt_read_entry, PA(RD), 0, 3, 0, 0), RMI_SUCCESS);
	assert_int_equal(out[2], 0);
	assert_int_equal(out[4], 2); /* DESTROYED */
}

/* A REC asking for a RIPAS change, as RSI_IPA_STATE_SET leaves it. */
static struct rec *rec_asking(uint64_t base, uint64_t top, uint8_t ripas, bool destroyed)
{
	struct rec *rec = (struct rec *)PA(REC);
	rec->request = REQ_RIPAS;
	rec->ripas_base = rec->ripas_addr = base;
	rec->ripas_top = top;
	rec->ripas_value = ripas;
	rec->ripas_destroyed_too = destroyed;
	return rec;
}

static void set_ripas(void **state)
{
	(void)state;
	assert_int_equal(call(rmi_rtt_init_ripas, PA(RD), 0, 0x4000, 0, 0), RMI_SUCCESS);
	memset((void *)PA(SRC), 0, GRANULE_SIZE);
	assert_int_equal(call(rmi_data_create, PA(RD), PA(DATA), 0, PA(SRC), 0), RMI_SUCCESS);
	assert_int_equal(granule_delegate(PA(REC)), RMI_SUCCESS);
	assert_int_equal(granule_delegate(PA(AUX)), RMI_SUCCESS);
	uint64_t *p = (uint64_t *)PA(PARAMS);
	memset(p, 0, GRANULE_SIZE);
	p[0] = 1;
	p[0x800 / 8] = 1;
	p[0x808 / 8] = PA(AUX);
	assert_int_equal(call(rmi_rec_create, PA(RD), PA(REC), PA(PARAMS), 0, 0), RMI_SUCCESS);
	uint64_t act[8] = {0, PA(RD)};
	rmi_realm_activate(act, out);
	struct rec *rec = (struct rec *)PA(REC);
	/* No request, another base, beyond the request, not a REC. */
	assert_int_equal(call(rmi_rtt_set_ripas, PA(RD), PA(REC), 0, 0x2000, 0), RMI_ERROR_INPUT);
	rec_asking(0, 0x2000, 0, false);
	assert_int_equal(call(rmi_rtt_set_ripas, PA(RD), PA(REC), 0x1000, 0x2000, 0),
			 RMI_ERROR_INPUT);
	assert_int_equal(call(rmi_rtt_set_ripas, PA(RD), PA(REC), 0, 0x3000, 0), RMI_ERROR_INPUT);
	assert_int_equal(call(rmi_rtt_set_ripas, PA(RD), PA(L3), 0, 0x2000, 0), RMI_ERROR_INPUT);
	/* RAM to EMPTY over an ASSIGNED page (no longer mapped) and an UNASSIGNED one. */
	assert_int_equal(call(rmi_rtt_set_ripas, PA(RD), PA(REC), 0, 0x2000, 0), RMI_SUCCESS);
	assert_int_equal(out[1], 0x2000);
	assert_int_equal(rec->ripas_addr, 0x2000);
	assert_int_equal(((uint64_t *)PA(L3))[0] & 1, 0);
	assert_int_equal(call(rmi_rtt_read_entry, PA(RD), 0, 3, 0, 0), RMI_SUCCESS);
	assert_int_equal(out[2], 1);
	assert_int_equal(out[4], 0); /* ASSIGNED, EMPTY */
	/* Back to RAM: mapped again. */
	rec_asking(0, 0x1000, 1, false);
	assert_int_equal(call(rmi_rtt_set_ripas, PA(RD), PA(REC), 0, 0x1000, 0), RMI_SUCCESS);
	assert_int_equal(((uint64_t *)PA(L3))[0] & 3, 3);
	/* DESTROYED changes only if the realm allowed it. */
	assert_int_equal(call(rmi_data_destroy, PA(RD), 0, 0, 0, 0), RMI_SUCCESS);
	rec_asking(0, 0x1000, 1, false);
	assert_int_equal(call(rmi_rtt_set_ripas, PA(RD), PA(REC), 0, 0x1000, 0), rtt_error(3));
	assert_int_equal(rec->ripas_addr, 0); /* no progress */
	rec_asking(0, 0x1000, 1, true);
	assert_int_equal(call(rmi_rtt_set_ripas, PA(RD), PA(REC), 0, 0x1000, 0), RMI_SUCCESS);
	assert_int_equal(out[1], 0x1000);
}

static void fold_and_split(void **state)
{
	(void)state;
	assert_int_equal(call(rmi_rtt_fold, PA(RD), 0x1000, 3, 0, 0), RMI_ERROR_INPUT);
	assert_int_equal(call(rmi_rtt_init_ripas, PA(RD), 0, 0x1000, 0, 0), RMI_SUCCESS);
	assert_int_equal(call(rmi_rtt_fold, PA(RD), 0, 3, 0, 0), rtt_error(3)); /* not alike */
	assert_int_equal(call(rmi_rtt_init_ripas, PA(RD), 0x1000, 0x200000, 0, 0), RMI_SUCCESS);
	assert_int_equal(call(rmi_rtt_fold, PA(RD), 0, 3, 0, 0), RMI_SUCCESS);
	assert_int_equal(out[1], PA(L3));
	assert_int_equal(call(rmi_rtt_read_entry, PA(RD), 0, 3, 0, 0), RMI_SUCCESS);
	assert_int_equal(out[1], 2);
	assert_int_equal(out[4], 1); /* one UNASSIGNED RAM entry at level 2 */
	assert_int_equal(call(rmi_rtt_fold, PA(RD), 0, 3, 0, 0), rtt_error(2)); /* no table */
	/* Split again: the new table inherits RAM. */
	assert_int_equal(call(rmi_rtt_create, PA(RD), PA(L3), 0, 3, 0), RMI_SUCCESS);
	assert_int_equal(call(rmi_rtt_read_entry, PA(RD), 0x5000, 3, 0, 0), RMI_SUCCESS);
	assert_int_equal(out[1], 3);
	assert_int_equal(out[4], 1);
	/* Memory outside what the RMM tracks is never realm memory. */
	assert_int_equal(
	    call(rmi_data_create_unknown, PA(RD), TRACKED_BASE + TRACKED_SIZE, 0, 0, 0),
	    RMI_ERROR_INPUT);
	/* Unprotected: the host's mapping, its bits checked. */
	uint64_t ns = 1ULL << 39;
	assert_int_equal(granule_delegate(PA(30)), RMI_SUCCESS);
	assert_int_equal(granule_delegate(PA(31)), RMI_SUCCESS);
	assert_int_equal(call(rmi_rtt_create, PA(RD), PA(30), ns, 2, 0), RMI_SUCCESS);
	assert_int_equal(call(rmi_rtt_create, PA(RD), PA(31), ns, 3, 0), RMI_SUCCESS);
	uint64_t desc = PA(SRC) | (0xfULL << 2) | (3ULL << 6);
	assert_int_equal(call(rmi_rtt_map_unprotected, PA(RD), 0, 3, desc, 0), RMI_ERROR_INPUT);
	assert_int_equal(call(rmi_rtt_map_unprotected, PA(RD), ns, 3, desc | 1, 0),
			 RMI_ERROR_INPUT);
	assert_int_equal(call(rmi_rtt_map_unprotected, PA(RD), ns, 3, desc, 0), RMI_SUCCESS);
	assert_int_equal(call(rmi_rtt_map_unprotected, PA(RD), ns, 3, desc, 0), rtt_error(3));
	assert_int_equal(call(rmi_rtt_read_entry, PA(RD), ns, 3, 0, 0), RMI_SUCCESS);
	assert_int_equal(out[3], desc);
	assert_int_equal(call(rmi_rtt_destroy, PA(RD), ns, 3, 0, 0), rtt_error(3));
	assert_int_equal(call(rmi_rtt_unmap_unprotected, PA(RD), ns, 3, 0, 0), RMI_SUCCESS);
	assert_int_equal(call(rmi_rtt_unmap_unprotected, PA(RD), ns, 3, 0, 0), rtt_error(3));
	assert_int_equal(call(rmi_rtt_fold, PA(RD), ns, 3, 0, 0), RMI_SUCCESS); /* all empty */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(rtt_create_failures, setup),
	    cmocka_unit_test_setup(data_and_ripas, setup),
	    cmocka_unit_test_setup(set_ripas, setup),
	    cmocka_unit_test_setup(fold_and_split, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
