/* The machine behind granule.c (host tests bring their own): zeroing a granule and asking
 * EL3 to move one between the PASes (the RMM-EL3 interface). */
#include <triad/smccc.h>

#include "rmm.h"

/* With the MMU off, memory is Device memory: plain aligned stores, no DC ZVA. */
void granule_zero(uint64_t pa)
{
	volatile uint64_t *p = (volatile uint64_t *)pa;
	for (unsigned i = 0; i < GRANULE_SIZE / 8; i++)
		p[i] = 0;
	dsb(sy);
}

int64_t granule_el3_call(uint32_t fid, uint64_t pa)
{
	uint64_t r[8] = {fid, pa};
	smc_call_regs(r);
	return (int64_t)r[0];
}
