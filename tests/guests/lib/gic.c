/* The GICv3 steps every guest that takes interrupts repeats. */
#include "guest.h"

void gicr_wake(unsigned cpu)
{
	uint64_t waker = GICR + cpu * GICR_SIZE + 0x14;
	wr32(waker, rd32(waker) & ~2U); /* ProcessorSleep off */
	while (rd32(waker) & 4)		/* ChildrenAsleep */
		;
}

void gic_cpu_interface_on(void)
{
	write_sysreg(s3_0_c12_c12_5, read_sysreg(s3_0_c12_c12_5) | 1); /* ICC_SRE_EL1.SRE */
	isb();
	write_sysreg(s3_0_c4_c6_0, 0xff); /* ICC_PMR_EL1: let everything through */
	write_sysreg(s3_0_c12_c12_7, 1);  /* ICC_IGRPEN1_EL1 */
	isb();
}
