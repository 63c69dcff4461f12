/* GICv3 distributor and redistributor registers (offsets; the SGI frame has the GICD_
 * layout for interrupts 0-31) shared by every image that programs the physical GIC. */
#ifndef ARCH_GIC_REGS_H
#define ARCH_GIC_REGS_H

#include <stdint.h>

#define GICD_CTLR	0x0000
#define GICD_TYPER	0x0004
#define GICD_IGROUPR	0x0080
#define GICD_ISENABLER	0x0100
#define GICD_ICENABLER	0x0180
#define GICD_ICPENDR	0x0280
#define GICD_ICACTIVER	0x0380
#define GICD_IPRIORITYR 0x0400
#define GICD_ICFGR	0x0c00
#define GICD_IGRPMODR	0x0d00
#define GICD_IROUTER	0x6000
#define GICD_CTLR_RWP	(1U << 31)
#define GICD_CTLR_DS	(1U << 6)

#define GICR_STRIDE	  0x20000UL /* RD_base and SGI_base frames */
#define GICR_TYPER	  0x0008
#define GICR_TYPER_LAST	  (1U << 4)
#define GICR_WAKER	  0x0014
#define GICR_WAKER_SLEEP  (1U << 1) /* ProcessorSleep */
#define GICR_WAKER_ASLEEP (1U << 2) /* ChildrenAsleep */
#define GICR_SGI	  0x10000UL

/* The affinity GICR_TYPER[63:32] shows for the CPU with this MPIDR (Aff3.Aff2.Aff1.Aff0). */
static inline uint64_t gicr_typer_affinity(uint64_t mpidr)
{
	return (mpidr & 0xffffff) | ((mpidr >> 32 & 0xff) << 24);
}

#endif
