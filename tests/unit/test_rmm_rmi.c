// sources: security/rmm/rmi.c security/rmm/rtt.c security/rmm/realm.c security/rmm/rec.c
// sources: security/rmm/granule.c security/rmm/features.c security/rmm/measurement.c
// sources: security/rmm/rec_psci.c .cache/src/mbedtls/library/sha[25]*.c
// sources: .cache/src/mbedtls/library/platform_util.c .cache/src/mbedtls/library/platform.c
/* The RMM's RMI table: every RMM 1.0 command found by its FID with its name and its
 * argument and result counts (B4.3), nothing else found; calls dispatched through it, and
 * a failing call logged once, by rmi_handle, with the command's name, arguments and status. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "../../security/rmm/realm.h"
#include "../../security/rmm/rec.h"
#include "rmm_fake_machine.h"

/* REC_ENTER runs a realm: not on a host. */
void rmi_rec_enter(const uint64_t *in, uint64_t *out)
{
	(void)in;
	out[0] = RMI_ERROR_REC;
}

static const struct {
	uint32_t fid;
	const char *name;
	unsigned args, results;
} spec[] = {
    {RMI_VERSION, "RMI_VERSION", 1, 2},
    {RMI_GRANULE_DELEGATE, "RMI_GRANULE_DELEGATE", 1, 0},
    {RMI_GRANULE_UNDELEGATE, "RMI_GRANULE_UNDELEGATE", 1, 0},
    {RMI_DATA_CREATE, "RMI_DATA_CREATE", 5, 0},
    {RMI_DATA_CREATE_UNKNOWN, "RMI_DATA_CREATE_UNKNOWN", 3, 0},
    {RMI_DATA_DESTROY, "RMI_DATA_DESTROY", 2, 2},
    {RMI_REALM_ACTIVATE, "RMI_REALM_ACTIVATE", 1, 0},
    {RMI_REALM_CREATE, "RMI_REALM_CREATE", 2, 0},
    {RMI_REALM_DESTROY, "RMI_REALM_DESTROY", 1, 0},
    {RMI_REC_CREATE, "RMI_REC_CREATE", 3, 0},
    {RMI_REC_DESTROY, "RMI_REC_DESTROY", 1, 0},
    {RMI_REC_ENTER, "RMI_REC_ENTER", 2, 0},
    {RMI_RTT_CREATE, "RMI_RTT_CREATE", 4, 0},
    {RMI_RTT_DESTROY, "RMI_RTT_DESTROY", 3, 2},
    {RMI_RTT_MAP_UNPROTECTED, "RMI_RTT_MAP_UNPROTECTED", 4, 0},
    {RMI_RTT_READ_ENTRY, "RMI_RTT_READ_ENTRY", 3, 4},
    {RMI_RTT_UNMAP_UNPROTECTED, "RMI_RTT_UNMAP_UNPROTECTED", 3, 1},
    {RMI_PSCI_COMPLETE, "RMI_PSCI_COMPLETE", 3, 0},
    {RMI_FEATURES, "RMI_FEATURES", 1, 1},
    {RMI_RTT_FOLD, "RMI_RTT_FOLD", 3, 1},
    {RMI_REC_AUX_COUNT, "RMI_REC_AUX_COUNT", 1, 1},
    {RMI_RTT_INIT_RIPAS, "RMI_RTT_INIT_RIPAS", 3, 1},
    {RMI_RTT_SET_RIPAS, "RMI_RTT_SET_RIPAS", 4, 1},
};

static void every_command_by_fid(void **state)
{
	(void)state;
	unsigned found = 0;
	for (uint32_t fid = RMI_FID_FIRST - 1; fid <= RMI_FID_LAST + 1; fid++)
		found += rmi_command_of(fid) != NULL;
	assert_int_equal(found, sizeof(spec) / sizeof(spec[0]));
	for (unsigned i = 0; i < sizeof(spec) / sizeof(spec[0]); i++) {
		const struct rmi_command *c = rmi_command_of(spec[i].fid);
		assert_non_null(c);
		assert_string_equal(c->name, spec[i].name);
		assert_int_equal(c->args, spec[i].args);
		assert_int_equal(c->results, spec[i].results);
	}
	assert_null(rmi_command_of(0));
	assert_null(rmi_command_of(0xc4000156U)); /* a hole in the range */
}

static uint64_t handle(uint64_t fid, uint64_t a1, uint64_t *out)
{
	const uint64_t in[8] = {fid, a1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7};
	rmm_console[0] = 0;
	rmi_handle(in, out);
	return out[0];
}

static void calls_and_their_failures(void **state)
{
	(void)state;
	uint64_t out[5];
	assert_int_equal(handle(RMI_VERSION, RMI_ABI_VERSION, out), RMI_SUCCESS);
	assert_int_equal(out[1], RMI_ABI_VERSION);
	assert_int_equal(out[2], RMI_ABI_VERSION);
	assert_string_equal(rmm_console, ""); /* success is not logged */

	void *mem = mmap((void *)TRACKED_BASE, GRANULE_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	assert_ptr_equal(mem, (void *)TRACKED_BASE);
	assert_int_equal(handle(RMI_GRANULE_DELEGATE, PA(0), out), RMI_SUCCESS);
	assert_int_equal(handle(RMI_GRANULE_DELEGATE, PA(0), out), RMI_ERROR_INPUT);
	assert_string_equal(rmm_console, "[rmm] RMI_GRANULE_DELEGATE(0x40000000) -> 0x1\r\n");

	assert_int_equal(handle(RMI_RTT_READ_ENTRY, 0x1000, out), RMI_ERROR_INPUT);
	assert_string_equal(rmm_console, "[rmm] RMI_RTT_READ_ENTRY(0x1000,0xa2,0xa3) -> 0x1\r\n");

	assert_int_equal(handle(0xc4000156U, 0, out), SMC_NOT_SUPPORTED);
	for (unsigned i = 1; i < 5; i++)
		assert_int_equal(out[i], 0);
	assert_string_equal(rmm_console, "[rmm] RMI FID(0xc4000156) -> 0xffffffffffffffff\r\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_command_by_fid),
	    cmocka_unit_test(calls_and_their_failures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
