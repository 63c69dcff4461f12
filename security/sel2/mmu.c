/*
 * Triad at Secure EL2's own stage 1 (TTBR0_EL2): an identity map of exactly what S-EL2
 * touches, so that a bug in it cannot write its own code or run its data, and so that it
 * reaches Non-secure memory (the normal world's FF-A buffers) with Non-secure accesses:
 *  - its image: text and rodata read-only and executable, data and bss (stacks, the
 *    partitions' pristine copies, the table pools) writable and never executable;
 *  - the secure partitions' regions (their manifests, scrubbing and reloading) and OP-TEE's
 *    TZDRAM (its timer instructions rewritten), Secure, writable, never executable;
 *  - at OP-TEE's restart, the monitor's window with the DT (Secure, in the first GiB of
 *    DRAM), in place of the Non-secure mapping of that MiB;
 *  - the GIC's distributor and redistributors (Secure accesses: S-EL2 programs its
 *    deadline's group) and the console UART (Non-secure), as Device-nGnRE;
 *  - all of DRAM as Non-secure Normal memory, writable, never executable: the GPT stops
 *    any access of it that is not the normal world's.
 * SCTLR_EL2.WXN makes every writable page never executable, whatever its entry says.
 * Built once from a static pool by the cold-boot CPU with its MMU off, then turned on by
 * every CPU at every entry (mmu_on, from start.S) before it touches memory. 4 KiB granule,
 * 39-bit VAs (walks from level 1), 40-bit PAs.
 */
#include <arch/gic_regs.h>
#include <arch/maint.h>
#include <arch/sctlr.h>
#include <arch/sysreg.h>
#include <lib/pgtable.h>
#include <triad/util.h>

#include "sel2.h"

#define DRAM_LIMIT 0x4000000000UL /* QEMU virt: at most 255 GiB of RAM from 1 GiB */
#define GICD_SIZE  SZ_64K
#define GICR_SIZE  (MAX_CPUS * GICR_STRIDE)
/* TCR_EL2: T0SZ 25 (39-bit VAs), write-back inner-shareable walks, 4 KiB, PS 40 bits. */
#define TCR_SEL2                                                                                   \
	(TCR_EL2_RES1 | 25UL | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER | (2UL << 16))
#define SCTLR_SEL2 (SCTLR_EL2_MMU_ON | SCTLR_WXN)

#define SECURE_RW S1_NORMAL_RW
#define NS_RW	  (S1_NORMAL_RW | PTE_NS)

/* L1; L2 of the first GiB; L3s of the 2 MiB of S-EL2, the partitions and OP-TEE's start, of
 * the GIC's and of the UART's; at a restart, the DT window's L2 and its two L3s (the
 * window need not be 2 MiB aligned). */
PT_POOL(sel2_pool, 8);
static struct pgtable sel2_pt;
uint64_t sel2_ttbr0; /* read by every CPU's mmu_on, MMU off: written once, MMU off */

/* What is mapped, by name, for fault reports; a later entry covers an earlier one. */
struct region {
	uint64_t base, size;
	const char *name;
};
#define MAX_REGIONS 12
static struct region regions[MAX_REGIONS];
static unsigned nr_regions;
static uint64_t dt_window; /* the restart's window, once mapped */

static bool map(uint64_t base, uint64_t size, uint64_t attr, const char *name)
{
	if (nr_regions == MAX_REGIONS || pt_map(&sel2_pt, base, base, size, attr))
		return false;
	regions[nr_regions++] = (struct region){base, size, name};
	return true;
}

bool mmu_build(uint64_t text, uint64_t text_end, uint64_t end)
{
	pt_destroy(&sel2_pt); /* the host tests build again */
	nr_regions = 0;
	dt_window = 0;
	uint64_t uart = PLAT_EARLY_UART & ~(SZ_4K - 1);
	bool ok = !pt_init(&sel2_pt, 39, &sel2_pool_alloc) &&
		  map(text, text_end - text, S1_NORMAL_RX, "its text") &&
		  map(text_end, end - text_end, SECURE_RW, "its data") &&
		  map(SP_BASE, SP_MAX * SP_REGION, SECURE_RW, "the partitions' regions") &&
		  map(OPTEE_BASE, OPTEE_SIZE, SECURE_RW, "OP-TEE's memory") &&
		  map(PLAT_GICD_BASE, GICD_SIZE, S1_DEVICE_RW, "the GIC distributor") &&
		  map(PLAT_GICR_BASE, GICR_SIZE, S1_DEVICE_RW, "the GIC redistributors") &&
		  map(uart, SZ_4K, S1_DEVICE_RW | PTE_NS, "the UART") &&
		  map(PLAT_DRAM_BASE, DRAM_LIMIT - PLAT_DRAM_BASE, NS_RW, "Non-secure DRAM");
	sel2_ttbr0 = sel2_pt.root;
	dsb(sy);
	return ok;
}

void mmu_on(void)
{
	write_sysreg(mair_el2, S1_MAIR_VALUE);
	write_sysreg(tcr_el2, TCR_SEL2);
	write_sysreg(ttbr0_el2, sel2_ttbr0);
	isb();
	tlbi(alle2);
	dsb(nsh);
	isb();
	write_sysreg(sctlr_el2, SCTLR_SEL2);
	isb();
}

/* Replaces the Non-secure mapping of [base, base + size) by a Secure one, break before
 * make: only this CPU is in the secure world during a restart, and S-EL2 runs from secure
 * RAM, so the GiB around it can be unmapped for a moment. Once: the window stays where it
 * is for every restart. */
bool mmu_map_dt_window(uint64_t base, uint64_t size)
{
	if (dt_window)
		return dt_window == base;
	uint64_t gib = base & ~(SZ_1G - 1), gib_end = gib + SZ_1G;
	if (base < PLAT_DRAM_BASE || !size || size > gib_end - base ||
	    !IS_ALIGNED(base | size, SZ_4K))
		return false;
	if (pt_unmap(&sel2_pt, gib, SZ_1G))
		return false;
	dsb(ishst);
	tlbi(alle2is);
	dsb(ish);
	isb();
	bool ok = (base == gib || !pt_map(&sel2_pt, gib, gib, base - gib, NS_RW)) &&
		  map(base, size, SECURE_RW, "OP-TEE's DT window") &&
		  (base + size == gib_end ||
		   !pt_map(&sel2_pt, base + size, base + size, gib_end - base - size, NS_RW));
	dsb(ishst);
	isb();
	if (ok)
		dt_window = base;
	return ok;
}

const char *mmu_region_name(uint64_t va)
{
	for (unsigned k = nr_regions; k-- > 0;)
		if (va - regions[k].base < regions[k].size)
			return regions[k].name;
	return "nothing S-EL2 maps";
}

const uint64_t *mmu_root(void)
{
	return (const uint64_t *)(uintptr_t)sel2_pt.root;
}

/* Memory S-EL2 wrote through its caches that OP-TEE or a partition next reads with its MMU
 * off (not cached): written back to the point of coherency, and gone from the caches. */
void mmu_clean_to_poc(uint64_t base, uint64_t size)
{
	for (uint64_t a = base & ~63UL; a < base + size; a += 64)
		dc(civac, a);
	dsb(sy);
}
