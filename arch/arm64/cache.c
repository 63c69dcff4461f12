/* Data-cache maintenance by address range. */
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

void icache_invalidate_all(void)
{
	__asm__ volatile("ic ialluis" ::: "memory");
	dsb(ish);
	isb();
}
