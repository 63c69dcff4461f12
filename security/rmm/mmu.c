/*
 * The RMM's own address space (Realm EL2, one translation regime): the tracked DRAM mapped
 * twice, at its PA in the Realm PAS (realm objects, delegated granules) and at PA +
 * NS_ALIAS in the Non-secure PAS (the host's parameter granules), both non-executable
 * except the RMM's own text; the UART as a device. Granule protection still applies: a
 * host granule read through the NS alias that the GPT says is not Non-secure faults, and
 * the NS accessors (ns_access.S) turn that into an error.
 */
#include <lib/pgtable.h>
#include <triad/util.h>

#include "rmm.h"

/* TCR_EL2: 39-bit VA (T0SZ 25, walks from level 1), 4 KiB granule, write-back inner
 * shareable walks, 40-bit PA; RES1 bits 31 and 23. */
#define TCR_VALUE                                                                                  \
	(TCR_EL2_RES1 | 25ULL | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER | (2ULL << 16))

/* L1 (whole GiBs of DRAM are level-1 blocks); L2 for the UART's GiB, the RMM's and the last,
 * partial GiB of DRAM in either alias; L3 for the blocks where the text starts and ends. */
PT_POOL(rmm_pool, 8);
static struct pgtable rmm_pt;

extern char _rmm_entry[], _etext[];

bool mmu_build(uint64_t dram_size)
{
	/* The image's text executable and read-only, everything else writable and never
	 * executable; granule protection keeps the realm world's memory to the Realm PAS. */
	uint64_t text = (uint64_t)_rmm_entry, text_end = (uint64_t)_etext;
	uint64_t dram_end = TRACKED_BASE + dram_size, uart = PLAT_EARLY_UART & ~(SZ_2M - 1);
	bool ok = !pt_init(&rmm_pt, 39, &rmm_pool_alloc) &&
		  !pt_map(&rmm_pt, TRACKED_BASE, TRACKED_BASE, text - TRACKED_BASE, S1_NORMAL_RW) &&
		  !pt_map(&rmm_pt, text, text, text_end - text, S1_NORMAL_RX) &&
		  !pt_map(&rmm_pt, text_end, text_end, dram_end - text_end, S1_NORMAL_RW) &&
		  !pt_map(&rmm_pt, uart, uart, SZ_2M, S1_DEVICE_RW | PTE_NS) &&
		  !pt_map(&rmm_pt, TRACKED_BASE + NS_ALIAS, TRACKED_BASE, dram_size,
			  S1_NORMAL_RW | PTE_NS);
	dsb(sy);
	return ok;
}

/* On every CPU, before anything is read through the NS alias. */
void mmu_enable(void)
{
	write_sysreg(mair_el2, S1_MAIR_VALUE);
	write_sysreg(tcr_el2, TCR_VALUE);
	write_sysreg(ttbr0_el2, rmm_pt.root);
	isb();
	__asm__ volatile("tlbi alle2; dsb ish; isb" ::: "memory");
	write_sysreg(sctlr_el2, SCTLR_EL2_MMU_ON);
	isb();
}
