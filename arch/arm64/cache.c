/* Data-cache maintenance by address range. */
#include <arch/mte.h>
#include <arch/sysreg.h>
#include <stdint.h>

#include "cache.h"

static uint64_t dline(void)
{
	return 4UL << ((read_sysreg(ctr_el0) >> 16) & 0xf);
}

/* Makes data written through the cacheable EL2 map visible to a guest running with its
 * MMU (and so its caches) off. */
void dcache_clean_range(uint64_t start, uint64_t size)
{
	uint64_t line = dline();
	for (uint64_t a = start & ~(line - 1); a < start + size; a += line)
		__asm__ volatile("dc cvac, %0" ::"r"(a) : "memory");
	dsb(sy);
}

/* Writes the range's dirty lines back to memory and drops them from every cache level. */
void dcache_clean_inval_range(uint64_t start, uint64_t size)
{
	uint64_t line = dline();
	for (uint64_t a = start & ~(line - 1); a < start + size; a += line)
		__asm__ volatile("dc civac, %0" ::"r"(a) : "memory");
	dsb(sy);
}

void icache_invalidate_all(void)
{
	__asm__ volatile("ic ialluis" ::: "memory");
	dsb(ish);
	isb();
}

/* Zeroes whole cache lines with DC ZVA where the CPU allows it (one instruction per block
 * instead of one store per 8 bytes). With allocation tags in memory (FEAT_MTE2) their tags
 * go too, DC GZVA or STZG: a guest's tags never outlive its data. */
void mte_zero_blocks(uint64_t start, uint64_t end, uint64_t block);
void mte_zero_granules(uint64_t start, uint64_t end);

void zero_range(uint64_t start, uint64_t size)
{
	uint64_t dczid = read_sysreg(dczid_el0);
	uint64_t block = 4UL << (dczid & 0xf);
	bool tags = cpu_has_mte_tags();
	if ((dczid & (1UL << 4)) || (start | size) & (block - 1)) {
		if (tags && !((start | size) & 15)) {
			mte_zero_granules(start, start + size);
			return;
		}
		for (uint64_t *p = (uint64_t *)start; p < (uint64_t *)(start + size); p++)
			*p = 0;
		return;
	}
	if (tags) {
		mte_zero_blocks(start, start + size, block);
		return;
	}
	for (uint64_t a = start; a < start + size; a += block)
		__asm__ volatile("dc zva, %0" ::"r"(a) : "memory");
	dsb(ish);
}
