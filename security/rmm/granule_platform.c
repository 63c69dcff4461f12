/* The machine behind granule.c (host tests bring their own): zeroing a granule and asking
 * EL3 to move one between the PASes (the RMM-EL3 interface). */
#include <triad/smccc.h>

#include "rmm.h"

/* With the MMU off, memory is Device memory: plain aligned stores, no DC ZVA. */
static void zero_granule(uint64_t pa)
{
	volatile uint64_t *p = (volatile uint64_t *)pa;
	for (unsigned i = 0; i < GRANULE_SIZE / 8; i++)
		p[i] = 0;
	dsb(sy);
}

static int64_t el3_call(uint32_t fid, uint64_t pa)
{
	uint64_t r[8] = {fid, pa};
	smc_call_regs(r);
	return (int64_t)r[0];
}

const struct granule_platform granule_platform = {zero_granule, el3_call};
