/* EL2 controls that do not depend on which guest runs. */
#include <arch/maint.h>
#include <arch/sysreg.h>
#include <triad/log.h>
#include <triad/spinlock.h>
#include <triad/cpu.h>
#include <triad/util.h>
#include <triad/vpmu.h>

#include "../mm/el2_mmu.h"
#include "../mm/vmid.h"
#include "el2.h"

static struct vmid_pool vmids;
static spinlock_t vmid_lock = SPINLOCK_INIT;
static unsigned ipa_bits, ipa_bits_max = 48;
static uint64_t vtcr;

#define VTCR_VS_16BIT (1UL << 19)

void el2_global_init(void)
{
	unsigned vmid_bits = ((read_sysreg(id_aa64mmfr1_el1) >> 4) & 0xf) == 2 ? 16 : 8;
	vmid_pool_init(&vmids, vmid_bits);
	/* The guest IPA space: as large as the CPU's physical range, up to 48 bits, and no
	 * larger than an SMMU sharing the VMs' stage-2 tables can walk (el2_limit_ipa_bits). */
	ipa_bits = MIN(pa_range_bits(), ipa_bits_max);
	/* SL0 for 4 KB pages: start level 0 -> 2, 1 -> 1, 2 -> 0 (matches pgtable.c). */
	unsigned start_level = ipa_bits > 39 ? 0 : ipa_bits > 30 ? 1 : 2;
	vtcr = VTCR_RES1 | (64 - ipa_bits) | ((uint64_t)(2 - start_level) << 6) | TCR_IRGN0_WBWA |
	       TCR_ORGN0_WBWA | TCR_SH0_INNER | ((uint64_t)pa_range_field() << 16) |
	       (vmid_bits == 16 ? VTCR_VS_16BIT : 0);
	write_sysreg(vtcr_el2, vtcr); /* this CPU; the others set it as they come up */
	pr_info("stage 2: %u-bit IPA, %u-bit VMIDs", ipa_bits, vmid_bits);
}

uint64_t el2_vtcr(void)
{
	return vtcr;
}

void el2_limit_ipa_bits(unsigned bits)
{
	ipa_bits_max = MIN(ipa_bits_max, bits);
}

unsigned el2_ipa_bits(void)
{
	return ipa_bits;
}

void el2_cpu_init(void)
{
	write_sysreg(hcr_el2, HCR_RW);
	/* SVE and SME are not virtualized (yet), nor are trace and the activity monitors
	 * (FEAT_AMUv1): trap them; FP/SIMD is the guest's. */
	bool amu = FIELD_GET(read_sysreg(id_aa64pfr0_el1), 47, 44) != 0;
	struct cpu *c = this_cpu();
	c->cptr = CPTR_EL2_RES1 | CPTR_TZ | CPTR_TSM | CPTR_TTA | (amu ? CPTR_TAM : 0);
	c->fp_trapped = false;
	write_sysreg(cptr_el2, c->cptr);
	write_sysreg(mdcr_el2, vpmu_mdcr_el2());
	/* Guests read the physical counter directly; their physical timer is emulated. */
	write_sysreg(cnthctl_el2, CNTHCTL_EL1PCTEN);
	write_sysreg(cnthp_ctl_el2, CNT_CTL_IMASK);
	write_sysreg(cntvoff_el2, 0);
	write_sysreg(ICH_HCR_EL2, 0);
	/* HCRX_EL2 (FEAT_HCX): a guest may use the memory copy and set instructions
	 * (FEAT_MOPS; Linux 6.5+ patches memcpy to them) which are UNDEF at EL1 otherwise. */
	if ((read_sysreg(id_aa64mmfr1_el1) >> 40) & 0xf)
		write_sysreg(S3_4_C1_C2_2,
			     (read_sysreg(S3_0_C0_C6_2) >> 16) & 0xf ? HCRX_MSCEN : 0);
	/* FEAT_FGT: no fine-grained trap on what Triad switches, and every negative one
	 * (nTPIDR2_EL0, nSMPRI_EL1, nPIR_EL1, nPOR_EL1, nACCDATA_EL1, nGCS_EL1, nBRB*, ...)
	 * left at 0 so that state of features it does not switch stays out of guests' reach. */
	if (FIELD_GET(read_sysreg(id_aa64mmfr0_el1), 59, 56)) {
		write_sysreg(S3_4_C1_C1_4, 0); /* HFGRTR_EL2 */
		write_sysreg(S3_4_C1_C1_5, 0); /* HFGWTR_EL2 */
		write_sysreg(S3_4_C1_C1_6, 0); /* HFGITR_EL2 */
		write_sysreg(S3_4_C3_C1_4, 0); /* HDFGRTR_EL2 */
		write_sysreg(S3_4_C3_C1_5, 0); /* HDFGWTR_EL2 */
	}
	write_sysreg(vttbr_el2, 0);
	if (vtcr)
		write_sysreg(vtcr_el2, vtcr);
	isb();
}

int el2_vmid_alloc(void)
{
	spin_lock(&vmid_lock);
	int v = vmid_alloc(&vmids);
	spin_unlock(&vmid_lock);
	return v;
}

void el2_tlb_flush_vmid(uint16_t vmid)
{
	/* TLBI VMALLS12E1IS acts on the VMID in VTTBR_EL2: name it there for the moment (no
	 * guest runs on this CPU while Triad does this, whatever vCPU is loaded). */
	uint64_t vttbr = read_sysreg(vttbr_el2);
	write_sysreg(vttbr_el2, (uint64_t)vmid << 48);
	isb();
	dsb(ishst);
	tlbi(vmalls12e1is);
	dsb(ish);
	write_sysreg(vttbr_el2, vttbr);
	isb();
}

void el2_vmid_release(uint16_t vmid)
{
	el2_tlb_flush_vmid(vmid);
	spin_lock(&vmid_lock);
	int r = vmid_free(&vmids, vmid);
	spin_unlock(&vmid_lock);
	if (r)
		pr_err("VMID %u released twice", vmid);
}
