/* Driver for the physical GICv3 that Triad owns. */
#ifndef IRQ_GICV3_H
#define IRQ_GICV3_H

#include <stdbool.h>
#include <stdint.h>
#include <arch/sysreg.h>
#include <triad/platform.h>

#define IPI_KICK 1 /* SGI: "look at your vCPU again" */

void gic_init(const struct platform *p);
/* Per-CPU part: wakes this CPU's redistributor and sets up the CPU interface at EL2. */
void gic_cpu_init(unsigned cpu, uint64_t mpidr);
void gic_enable_ppi(unsigned cpu, uint32_t intid, uint8_t prio);
void gic_enable_spi(uint32_t intid, uint64_t target_mpidr, uint8_t prio);
/* An SPI whose device signals by pulses (SPIs are level-sensitive otherwise). */
void gic_set_edge(uint32_t intid);
void gic_send_sgi(uint64_t target_mpidr, unsigned sgi);
/* EOImode=1 at EL2: drop priority, then deactivate separately (or leave it to the guest). */
/* The interrupt path's three steps, inline: they are one system register access each. */
static inline uint32_t gic_ack(void)
{
	uint32_t intid = read_sysreg(ICC_IAR1_EL1) & 0xffffff;
	dsb(sy);
	return intid;
}

static inline void gic_priority_drop(uint32_t intid)
{
	write_sysreg(ICC_EOIR1_EL1, intid);
}

static inline void gic_deactivate(uint32_t intid)
{
	write_sysreg(ICC_DIR_EL1, intid);
}
unsigned gic_nr_lrs(void);

#endif
