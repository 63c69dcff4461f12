/* GICv3 registers every image uses: distributor and redistributor offsets (the SGI frame
 * has the GICD_ layout for interrupts 0-31), list register and ICH_HCR_EL2 fields. */
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

/* ICH_LR<n>_EL2: a virtual interrupt in a list register. */
#define LR_VINTID_MASK	 0xffffffffUL
#define LR_PINTID_SHIFT	 32
#define LR_PINTID_MASK	 (0x1fffUL << 32)
#define LR_EOI		 (1UL << 41) /* maintenance interrupt on deactivation (HW = 0) */
#define LR_PRIO_SHIFT	 48
#define LR_PRIO_MASK	 (0xffUL << 48)
#define LR_GROUP1	 (1UL << 60)
#define LR_HW		 (1UL << 61)
#define LR_STATE_PENDING (1UL << 62)
#define LR_STATE_ACTIVE	 (1UL << 63)
/* ICH_HCR_EL2 */
#define ICH_HCR_EN	       (1UL << 0)
#define ICH_HCR_UIE	       (1UL << 1) /* maintenance interrupt when few LRs are valid */
#define ICH_HCR_TDIR	       (1UL << 14)
#define ICH_HCR_EOICOUNT_SHIFT 27

/* The affinity GICR_TYPER[63:32] shows for the CPU with this MPIDR (Aff3.Aff2.Aff1.Aff0). */
static inline uint64_t gicr_typer_affinity(uint64_t mpidr)
{
	return (mpidr & 0xffffff) | ((mpidr >> 32 & 0xff) << 24);
}

#endif
