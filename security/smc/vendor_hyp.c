/*
 * The Vendor Specific Hypervisor Service's general queries (SMCCC 1.2, owner 6): Linux asks
 * every hypervisor for its UID at boot (KVM's guests then find KVM's services by it).
 * Triad answers with its own UID and revision, and offers no vendor calls beyond these.
 */
#include <triad/feature.h>
#include <triad/psci_abi.h>
#include <triad/vcpu.h>

#define VENDOR_HYP_CALL_COUNT 0x8600ff00U
#define VENDOR_HYP_UID	      0x8600ff01U
#define VENDOR_HYP_REVISION   0x8600ff03U

/* Triad's UID, as four 32-bit words (SMCCC 1.2, 7.2). */
static const uint32_t triad_uid[4] = {0x1d5e7a90, 0x44b3c2f6, 0x9a0c71e8, 0x65f2d3b4};

static void vendor_hyp_call(struct vcpu *v)
{
	uint64_t *x = v->regs.x;
	switch ((uint32_t)x[0]) {
	case VENDOR_HYP_CALL_COUNT:
		x[0] = 3; /* these three queries */
		return;
	case VENDOR_HYP_UID:
		for (unsigned i = 0; i < 4; i++)
			x[i] = triad_uid[i];
		return;
	case VENDOR_HYP_REVISION:
		x[0] = 1;
		x[1] = 0;
		return;
	default: /* 0x8600ff02 is reserved */
		x[0] = (uint64_t)(int64_t)PSCI_NOT_SUPPORTED;
	}
}

/* The fast calls 0x8600ff00-0x8600ff03 only (SMC32: these queries have no SMC64 form). */
SMCCC_SERVICE(vendor_hyp) = {.mask = ~0U,
			     .first = VENDOR_HYP_CALL_COUNT,
			     .last = VENDOR_HYP_REVISION,
			     .call = vendor_hyp_call};
