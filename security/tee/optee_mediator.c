/*
 * Trusted-OS calls from guests (SMCCC owners 50-63). The mediator that translates guests'
 * shared memory for OP-TEE is not written yet; until it is, only the calls that carry no
 * address and change nothing in OP-TEE reach it: identification (UID, call count, API
 * revision, OS UUID and revision) and the thread count. Every other call answers
 * OPTEE_SMC_RETURN_UNKNOWN_FUNCTION, so no guest value ever reaches the secure world.
 */
#include <triad/smccc.h>
#include <triad/tee.h>
#include <triad/vm.h>

#define OPTEE_UNKNOWN_FUNCTION 0xffffffffULL

static bool harmless(uint32_t fn)
{
	switch (fn) {
	case 0xbf00ff00: /* CALLS_COUNT */
	case 0xbf00ff01: /* CALLS_UID */
	case 0xbf00ff03: /* CALLS_REVISION */
	case 0xb2000000: /* GET_OS_UUID */
	case 0xb2000001: /* GET_OS_REVISION */
	case 0xb200000f: /* GET_THREAD_COUNT */
		return true;
	default:
		return false;
	}
}

bool tee_guest_call(struct vcpu *v)
{
	uint64_t *x = v->regs.x;
	uint32_t fn = (uint32_t)x[0];
	if ((x[0] >> 32) || ((fn >> 24) & 0x3f) < 50)
		return false; /* not a trusted-OS call */
	if (!tee_present || !harmless(fn)) {
		x[0] = OPTEE_UNKNOWN_FUNCTION;
		return true;
	}
	/* Only the function ID goes down; x7 = 0 is the (non-virtualized) OP-TEE's client. */
	uint64_t r[8] = {fn, 0, 0, 0, 0, 0, 0, 0};
	smc_call_regs(r);
	for (int i = 0; i < 4; i++)
		x[i] = r[i];
	return true;
}
