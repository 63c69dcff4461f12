/* The GICv3 setup only the secure side may do: both security states' routing on, every
 * interrupt in Non-secure Group 1 (the normal world's; the secure world claims its own
 * later), redistributors awake, and the system register interface open to lower ELs. */
#include <arch/gic_regs.h>

#include "monitor.h"

#define GICD PLAT_GICD_BASE
#define GICR PLAT_GICR_BASE

#define CTLR_EN_GRP0   (1U << 0)
#define CTLR_EN_GRP1NS (1U << 1)
#define CTLR_EN_GRP1S  (1U << 2)
#define CTLR_ARE_S     (1U << 4)
#define CTLR_ARE_NS    (1U << 5)

void gic_global_setup(bool secure_sgis)
{
	wr32(GICD + GICD_CTLR, 0);
	while (rd32(GICD + GICD_CTLR) & GICD_CTLR_RWP)
		;
	unsigned lines = ((rd32(GICD + GICD_TYPER) & 0x1f) + 1) * 32;
	for (unsigned i = 32; i < lines; i += 32) {
		wr32(GICD + GICD_IGROUPR + i / 8, ~0U);
		wr32(GICD + GICD_IGRPMODR + i / 8, 0);
	}
	wr32(GICD + GICD_CTLR,
	     CTLR_ARE_S | CTLR_ARE_NS | CTLR_EN_GRP0 | CTLR_EN_GRP1NS | CTLR_EN_GRP1S);
	while (rd32(GICD + GICD_CTLR) & GICD_CTLR_RWP)
		;
	/* Every CPU's redistributor, until the one marked last. */
	for (uintptr_t rd = GICR;; rd += GICR_STRIDE) {
		wr32(rd + GICR_WAKER, rd32(rd + GICR_WAKER) & ~GICR_WAKER_SLEEP);
		while (rd32(rd + GICR_WAKER) & GICR_WAKER_ASLEEP)
			;
		/* With a secure world, SGIs 8-15 are its own (Secure Group 1), as OP-TEE expects.
		 */
		wr32(rd + GICR_SGI + GICD_IGROUPR, secure_sgis ? 0xffff00ffU : ~0U);
		wr32(rd + GICR_SGI + GICD_IGRPMODR, secure_sgis ? 0x0000ff00U : 0);
		if (*(volatile uint64_t *)(rd + GICR_TYPER) & GICR_TYPER_LAST)
			break;
	}
}

void gic_cpu_setup(void)
{
	write_sysreg(s3_6_c12_c12_5, 0xf); /* ICC_SRE_EL3: SRE, lower ELs may use it */
	isb();
	write_sysreg(s3_6_c12_c12_7, 3); /* ICC_IGRPEN1_EL3: both groups 1 */
	isb();
}

#define INTID_NONE 1023

unsigned gic_disable_secure_pending(void)
{
	unsigned id = (unsigned)(read_sysreg(ICC_HPPIR1_EL1) & 0xffffff);
	if (id >= 1020)
		return INTID_NONE;
	if (id >= 32) {
		wr32(GICD + GICD_ICENABLER + id / 32 * 4, 1U << (id % 32));
		return id;
	}
	/* An SGI or PPI: this CPU's redistributor, found by its affinity. */
	uint64_t aff = gicr_typer_affinity(read_sysreg(mpidr_el1));
	for (uintptr_t rd = GICR;; rd += GICR_STRIDE) {
		uint64_t typer = *(volatile uint64_t *)(rd + GICR_TYPER);
		if ((typer >> 32) == aff) {
			wr32(rd + GICR_SGI + GICD_ICENABLER, 1U << id);
			return id;
		}
		if (typer & GICR_TYPER_LAST)
			return id;
	}
}
