#ifndef MM_EL2_MMU_H
#define MM_EL2_MMU_H

#include <stdint.h>
#include <triad/platform.h>

struct mmu_regs {
	uint64_t mair, tcr, ttbr0, sctlr;
};

void mmu_init(const struct platform *p);
unsigned pa_range_bits(void);
unsigned pa_range_field(void);

#endif
