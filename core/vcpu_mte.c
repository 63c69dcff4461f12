/* Memory tagging (FEAT_MTE2/MTE3) for normal VMs that ask for it (mte in their config):
 * HCR_EL2.ATA lets them reach allocation tags (core/vm.c), their RAM is Normal write-back
 * at stage 2 (tags work there), ID_AA64PFR1.MTE shows the CPU's level (core/sysreg_trap.c)
 * and their four tag registers are switched here. A VM without MTE has ATA clear: its
 * accesses to those registers trap and are UNDEF, its tag loads read 0 and its tag stores
 * do nothing, and GMID_EL1 traps (HCR_EL2.TID5). Tags are scrubbed with the data whenever
 * Triad zeroes a VM's RAM (arch/arm64/cache.c: zero_range). */
#include <arch/mte.h>
#include <triad/log.h>
#include <triad/vcpu.h>
#include <triad/vcpu_mte.h>

static unsigned mte_level;

void mte_global_init(void)
{
	mte_level = cpu_mte_level();
	if (mte_level >= 2)
		pr_info("MTE: guests may have allocation tags (FEAT_MTE%u)", mte_level);
}

int mte_for_vm(const char *name, bool want, bool realm)
{
	if (!want)
		return 0;
	if (realm) {
		pr_err("VM '%s': a realm has no MTE", name);
		return -1;
	}
	if (mte_level < 2) {
		pr_err("VM '%s': MTE asked for, but this machine has no allocation tags in memory "
		       "(ID_AA64PFR1_EL1.MTE %u, FEAT_MTE2 needed): QEMU's virt needs mte=on "
		       "(triad-run --mte)",
		       name, mte_level);
		return -1;
	}
	return 1;
}

uint64_t mte_hcr(bool mte)
{
	/* Allocation tags its own with MTE; else tag accesses off and GMID_EL1 trapped
	 * (HCR_EL2.TID5 exists from FEAT_MTE2 on: RES0 below). */
	if (mte)
		return HCR_ATA;
	return mte_level >= 2 ? HCR_TID5 : 0;
}

#define MTE_SAVE(field, reg)	v->mte.field = read_sysreg(reg);
#define MTE_RESTORE(field, reg) write_sysreg(reg, v->mte.field);

void vcpu_mte_load(const struct vcpu *v)
{
	MTE_EL1_LIST(MTE_RESTORE)
}

void vcpu_mte_put(struct vcpu *v)
{
	/* The exception that left the guest wrote its pending asynchronous tag check faults
	 * into TFSR(E0)_EL1 (SCTLR_EL2.ITFSB, mm/el2_mmu.c). */
	MTE_EL1_LIST(MTE_SAVE)
}

void vcpu_mte_reset(struct vcpu *v, bool loaded)
{
	v->mte = (struct mte_regs){0};
	if (loaded)
		vcpu_mte_load(v);
}
