/*
 * FF-A memory sharing at Secure EL2: security/ffa/mem_spmc.c decides, this file gives it
 * S-EL2's view of memory. Normal-world memory is reached through S-EL2's own stage 1, which
 * maps all of DRAM Non-secure (mmu.c); a partition's buffers are in its region, which S-EL2
 * maps Secure; retrieved pages go into the partition's Non-secure IPA space (stage2.c).
 *
 * A partition may run with its MMU off (not cached) while S-EL2 reads its TX buffer and
 * writes its RX buffer through the caches: the TX buffer's lines are dropped before the copy
 * and the RX buffer is cleaned to the point of coherency after the answer is written.
 */
#include <arch/maint.h>
#include <arch/sysreg.h>
#include <triad/util.h>

#include "../ffa/mem_spmc.h"
#include "sel2.h"

#define DRAM_LIMIT 0x4000000000UL /* QEMU virt: at most 255 GiB of RAM from 1 GiB */

static const struct spmc *partitions; /* the SPMC's list, for the regions */

/* Non-secure DRAM: whatever the normal world may give. The GPT stops an access to a granule
 * that is not the normal world's (a realm's): see docs/secure.md. */
static void *ns_ptr(uint64_t pa, uint64_t len)
{
	if (pa < PLAT_DRAM_BASE || len > DRAM_LIMIT - PLAT_DRAM_BASE || pa > DRAM_LIMIT - len)
		return 0;
	return (void *)(uintptr_t)pa;
}

/* Partition i's own region (its IPAs are its PAs there), its lines fresh from memory. */
static void *sp_ptr(unsigned i, uint64_t ipa, uint64_t len)
{
	const struct sp *sp = &partitions->sp[i];
	if (ipa < sp->base || len > sp->m.mem_size || ipa - sp->base > sp->m.mem_size - len)
		return 0;
	mmu_clean_to_poc(ipa, len);
	return (void *)(uintptr_t)ipa;
}

static bool map(unsigned i, uint64_t pa, uint64_t pages, uint8_t perm)
{
	return stage2_sp_ns_map(i, pa, pages * SZ_4K, (perm & FFA_MEM_DATA_MASK) == FFA_MEM_DATA_RW,
				(perm & (3U << FFA_MEM_INSTR_SHIFT)) == FFA_MEM_INSTR_X);
}

static void unmap(unsigned i, uint64_t pa, uint64_t pages)
{
	stage2_sp_ns_unmap(i, pa, pages * SZ_4K);
}

/* Handle bits: the counter through a mixing function (splitmix64), never twice the same. */
static uint64_t random_bits(void)
{
	static uint64_t state;
	uint64_t z = __atomic_add_fetch(&state, 0x9e3779b97f4a7c15ULL, __ATOMIC_RELAXED) ^
		     read_sysreg(cntpct_el0);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static const struct spmc_mem_ops ops = {ns_ptr, sp_ptr, map, unmap, random_bits};
static struct spmc_mem mem; /* in the bss: ops set at the first call */

bool sp_mem_ns_call(const struct spmc *s, uint64_t r[FFA_NREGS])
{
	partitions = s;
	mem.ops = &ops;
	return spmc_mem_ns_call(&mem, s, r);
}

bool sp_mem_sp_call(const struct spmc *s, unsigned i, uint64_t r[FFA_NREGS])
{
	partitions = s;
	mem.ops = &ops;
	if (r[0] >> 32 || !spmc_mem_sp_call(&mem, s, i, r))
		return false;
	if ((uint32_t)r[0] == FFA_MEM_RETRIEVE_RESP)
		mmu_clean_to_poc(mem.sp[i].rx, r[1]); /* it may read with its MMU off */
	return true;
}

void sp_mem_sp_reset(unsigned i)
{
	mem.ops = &ops;
	spmc_mem_sp_reset(&mem, i);
}
