/* Security modes: what a VM's `security` setting (docs/security-modes.md) changes, as one
 * table of policy knobs (core/security_mode.c). No mode turns an isolation mechanism off:
 * stage 2, VMIDs, the vGIC, the SMMU and scrubbing of freed memory are the same in all. */
#ifndef TRIAD_SECURITY_MODE_H
#define TRIAD_SECURITY_MODE_H

#include <stdbool.h>

enum security_mode {
	SECURITY_BALANCED, /* first: the default, an absent setting */
	SECURITY_STRICT,
	SECURITY_PERFORMANCE,
	SECURITY_NR
};

struct security_policy {
	const char *name;
	/* HCR_EL2.TSW: the guest's DC ISW/CSW/CISW trap and are done by VA on its own RAM
	 * (core/setway.c), never on the physical caches, whose lines are all VMs'. */
	bool trap_setway;
	/* The PMU given to the guest; else hidden (ID_AA64DFR0_EL1.PMUVer 0, no DT node) and
	 * its registers trapped (MDCR_EL2.TPM/TPMCR: UNDEF): no cycle or cache-miss counts to
	 * time other VMs with. */
	bool guest_pmu;
	/* FP/SIMD registers switched on the vCPU's first use after a switch (CPTR_EL2.TFP),
	 * not at every switch. */
	bool lazy_fp;
};

/* The policy of mode m (< SECURITY_NR). */
const struct security_policy *security_policy(enum security_mode m);
/* The mode named name, or -1. */
int security_mode_by_name(const char *name);

#endif
