/* The realm world at boot: Triad's monitor forwards RMI calls to the RMM at Realm EL2, if
 * the machine has one (FEAT_RME and an RMM image). Only asked under Triad's own monitor:
 * other firmware may not know the RMI range. */
#include <triad/cpu.h>
#include <triad/feature.h>
#include <triad/log.h>
#include <triad/realm.h>
#include <triad/rmm_abi.h>
#include <triad/smccc.h>

bool rmm_present;

static void rmi_probe(void)
{
	if (!plat.own_monitor)
		return;
	uint64_t r[8] = {RMI_VERSION, RMI_ABI_VERSION};
	smc_call_regs(r);
	if (r[0] == SMC_NOT_SUPPORTED) {
		pr_info("realm world: none (no RMM)");
		return;
	}
	if (r[0] != RMI_SUCCESS) {
		pr_warn("realm world: the RMM speaks RMI %lu.%lu to %lu.%lu, not 1.0: not used",
			(unsigned long)(r[1] >> 16), (unsigned long)(r[1] & 0xffff),
			(unsigned long)(r[2] >> 16), (unsigned long)(r[2] & 0xffff));
		return;
	}
	uint64_t f[8] = {RMI_FEATURES, 0};
	smc_call_regs(f);
	rmm_present = true;
	/* SVE_VL: the longest vectors, in 16 bytes, minus one */
	unsigned sve = f[1] & FEAT0_SVE_EN ? (unsigned)((f[1] >> FEAT0_SVE_VL_SHIFT) & 0xf) + 1 : 0;
	pr_info("realm world: RMM with RMI 1.0 (realm IPA up to %lu bits, %lu list registers, "
		"SVE vectors up to %u bytes)",
		(unsigned long)(f[1] & 0xff), (unsigned long)((f[1] >> 34) & 0xf) + 1, sve * 16);
}

FEATURE(30, rmi) = {.init = rmi_probe, .vm_kind = &realm_vm_kind, .vm_destroy = realm_vm_free};
