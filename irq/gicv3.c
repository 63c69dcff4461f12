/* Physical GICv3: distributor, this CPU's redistributor and the EL2 CPU interface. */
#include <arch/gic_regs.h>
#include <arch/mmio.h>
#include <arch/mpidr.h>
#include <arch/sysreg.h>
#include <triad/panic.h>
#include <triad/util.h>

#include "gicv3.h"

static uintptr_t gicd;
static uintptr_t gicr_base;
static uint64_t gicr_size;
static uintptr_t gicr_of[MAX_CPUS];
static unsigned nr_irqs;

static void wait_rwp(void)
{
	while (rd32(gicd + GICD_CTLR) & GICD_CTLR_RWP)
		;
}

void gic_init(const struct platform *p)
{
	gicd = p->gicd_base;
	gicr_base = p->gicr_base;
	gicr_size = p->gicr_size;
	nr_irqs = MIN(((rd32(gicd + GICD_TYPER) & 0x1f) + 1) * 32, 1020U);
	wr32(gicd + GICD_CTLR, 0);
	wait_rwp();
	/* Everything Group 1 (non-secure), masked, level, lowest priority, to CPU 0. */
	for (unsigned i = 32; i < nr_irqs; i += 32) {
		wr32(gicd + GICD_IGROUPR + i / 8, ~0U);
		wr32(gicd + GICD_ICENABLER + i / 8, ~0U);
		wr32(gicd + GICD_ICPENDR + i / 8, ~0U);
		wr32(gicd + GICD_ICACTIVER + i / 8, ~0U);
	}
	for (unsigned i = 32; i < nr_irqs; i += 4)
		wr32(gicd + GICD_IPRIORITYR + i, 0xa0a0a0a0);
	for (unsigned i = 32; i < nr_irqs; i += 16)
		wr32(gicd + GICD_ICFGR + i / 4, 0);
	/* With two security states (DS=0) bit 4 is ARE_NS and bit 1 EnableGrp1NS;
	 * with one (DS=1) bit 4 is ARE and bit 1 EnableGrp1. The same write works. */
	wr32(gicd + GICD_CTLR, (1U << 4) | (1U << 1));
	wait_rwp();
}

static uintptr_t find_redist(uint64_t mpidr)
{
	uint64_t aff = gicr_typer_affinity(mpidr);
	for (uintptr_t r = gicr_base; r < gicr_base + gicr_size; r += GICR_STRIDE) {
		uint64_t typer = *(volatile uint64_t *)(r + GICR_TYPER);
		if ((typer >> 32) == aff)
			return r;
		if (typer & GICR_TYPER_LAST)
			break;
	}
	return 0;
}

void gic_cpu_init(unsigned cpu, uint64_t mpidr)
{
	uintptr_t rd = find_redist(mpidr);
	if (!rd)
		panic("no GIC redistributor for MPIDR 0x%lx", mpidr);
	gicr_of[cpu] = rd;
	wr32(rd + GICR_WAKER, rd32(rd + GICR_WAKER) & ~GICR_WAKER_SLEEP);
	while (rd32(rd + GICR_WAKER) & GICR_WAKER_ASLEEP)
		;
	uintptr_t sgi = rd + GICR_SGI;
	wr32(sgi + GICD_IGROUPR, ~0U);
	wr32(sgi + GICD_ICENABLER, ~0U);
	wr32(sgi + GICD_ICACTIVER, ~0U);
	for (unsigned i = 0; i < 32; i += 4)
		wr32(sgi + GICD_IPRIORITYR + i, 0xa0a0a0a0);

	write_sysreg(ICC_SRE_EL2, 0xf); /* SRE, no IRQ/FIQ bypass, EL1 may use SRE */
	isb();
	write_sysreg(ICC_PMR_EL1, 0xff);
	write_sysreg(ICC_BPR1_EL1, 0);
	write_sysreg(ICC_CTLR_EL1, 1UL << 1); /* EOImode: priority drop and deactivate apart */
	write_sysreg(ICC_IGRPEN1_EL1, 1);
	isb();
}

void gic_enable_ppi(unsigned cpu, uint32_t intid, uint8_t prio)
{
	uintptr_t sgi = gicr_of[cpu] + GICR_SGI;
	*(volatile uint8_t *)(sgi + GICD_IPRIORITYR + intid) = prio;
	wr32(sgi + GICD_ISENABLER, 1U << intid);
}

void gic_enable_spi(uint32_t intid, uint64_t target_mpidr, uint8_t prio)
{
	if (intid < 32 || intid >= nr_irqs)
		return;
	*(volatile uint8_t *)(gicd + GICD_IPRIORITYR + intid) = prio;
	wr64(gicd + GICD_IROUTER + 8 * intid, target_mpidr & MPIDR_AFF_MASK);
	wr32(gicd + GICD_ISENABLER + intid / 32 * 4, 1U << (intid % 32));
}

void gic_set_edge(uint32_t intid)
{
	if (intid < 32 || intid >= nr_irqs)
		return;
	uintptr_t reg = gicd + GICD_ICFGR + intid / 16 * 4;
	wr32(reg, rd32(reg) | (2U << (2 * (intid % 16))));
}

void gic_send_sgi(uint64_t mpidr, unsigned sgi)
{
	uint64_t v = ((uint64_t)sgi << 24) | (1UL << (mpidr & 0xf)) |
		     (((mpidr >> 8) & 0xff) << 16) | (((mpidr >> 16) & 0xff) << 32) |
		     (((mpidr >> 32) & 0xff) << 48) | (((mpidr & 0xff) >> 4) << 44);
	dsb(ish); /* make the state the target will look at visible first */
	write_sysreg(ICC_SGI1R_EL1, v);
	isb();
}

unsigned gic_nr_lrs(void)
{
	return (read_sysreg(ICH_VTR_EL2) & 0x1f) + 1;
}
