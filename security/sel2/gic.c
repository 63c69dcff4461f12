/*
 * What Triad at Secure EL2 does with the GIC. OP-TEE programs the distributor and its
 * redistributors itself (they are in its stage 2) and takes its interrupts physically;
 * S-EL2 owns one interrupt, its deadline timer (PPI 20), and steps in where OP-TEE's
 * interrupts and S-EL2's control of the CPU meet:
 * - OP-TEE's FIQ entry (a secure interrupt that came while the normal world ran) reads
 *   ICC_IAR1_EL1 with no exception first, so it must run with HCR_EL2.IMO clear; during it
 *   the deadline comes as a Group 0 FIQ instead (HCR_EL2.FMO), with the normal world's
 *   interrupts (FIQs in Secure state) held back by the priority mask.
 * - While a secure partition runs, an interrupt of OP-TEE's is held (switched off) until the
 *   partition answers: it must neither be lost nor keep the CPU from the partition.
 */
#include <arch/gic_regs.h>
#include <arch/sysreg.h>

#include "sel2.h"

#define ICC_IGRPEN0_EL1 S3_0_C12_C12_6
#define ICC_ASGI1R_EL1	S3_0_C12_C11_6
#define DEADLINE_PPI	20
/* The highest priority: the GIC signals only its highest-priority pending interrupt, and
 * one of OP-TEE's, pending while OP-TEE hangs with its interrupts masked, must not hide the
 * deadline. */
#define DEADLINE_PRIO 0x00
/* In Secure state the normal world's priorities read 0x80 and below. */
#define PMR_SECURE_ONLY 0x80

static volatile uint32_t *reg(uint64_t frame, uint64_t off, unsigned id)
{
	return (volatile uint32_t *)(frame + off + id / 32 * 4);
}

/* The redistributor whose affinity is this CPU's MPIDR. */
void gic_find_redistributor(unsigned cpu)
{
	uint64_t aff = gicr_typer_affinity(read_sysreg(mpidr_el1));
	sel2_cpu(cpu)->gicr_sgi = 0;
	for (uint64_t f = PLAT_GICR_BASE, i = 0; i < MAX_CPUS; i++, f += GICR_STRIDE) {
		uint64_t typer = *(volatile uint64_t *)(f + GICR_TYPER);
		if ((typer >> 32) == aff) {
			sel2_cpu(cpu)->gicr_sgi = f + GICR_SGI;
			return;
		}
		if (typer & GICR_TYPER_LAST)
			return;
	}
}

/* PPI 20 Secure Group 1, high priority, enabled. OP-TEE's GIC set-up (cold boot, CPU on)
 * makes the PPIs Non-secure, so this runs again after each; only bit 20 is touched. */
void gic_claim_deadline_ppi(unsigned cpu)
{
	uint64_t f = sel2_cpu(cpu)->gicr_sgi;
	if (!f)
		return;
	uint32_t bit = 1U << DEADLINE_PPI;
	*reg(f, GICD_IGROUPR, 0) &= ~bit;
	*reg(f, GICD_IGRPMODR, 0) |= bit;
	((volatile uint8_t *)(f + GICD_IPRIORITYR))[DEADLINE_PPI] = DEADLINE_PRIO;
	*reg(f, GICD_ISENABLER, 0) = bit;
	write_sysreg(ICC_IGRPEN1_EL1, 1UL);
	write_sysreg(ICC_IGRPEN0_EL1, 1UL);
}

void gic_fiq_window(unsigned cpu, bool open)
{
	uint64_t f = sel2_cpu(cpu)->gicr_sgi;
	uint32_t bit = 1U << DEADLINE_PPI;
	if (open) {
		sel2_cpu(cpu)->saved_pmr = read_sysreg(ICC_PMR_EL1);
		write_sysreg(ICC_PMR_EL1, (uint64_t)PMR_SECURE_ONLY);
		if (f)
			*reg(f, GICD_IGRPMODR, 0) &= ~bit; /* Group 0 */
		write_sysreg(hcr_el2, HCR_OPTEE | HCR_FMO);
	} else {
		write_sysreg(hcr_el2, HCR_OPTEE);
		if (f)
			*reg(f, GICD_IGRPMODR, 0) |= bit; /* Secure Group 1 again */
		write_sysreg(ICC_PMR_EL1, sel2_cpu(cpu)->saved_pmr);
	}
	isb();
}

static void set_enabled(unsigned cpu, unsigned id, bool on)
{
	uint64_t frame = id < 32 ? sel2_cpu(cpu)->gicr_sgi : PLAT_GICD_BASE;
	if (frame)
		*reg(frame, on ? GICD_ISENABLER : GICD_ICENABLER, id) = 1U << (id % 32);
}

bool gic_hold_pending(unsigned cpu)
{
	unsigned id = (unsigned)(read_sysreg(ICC_HPPIR1_EL1) & 0xffffff);
	if (id >= 1020)
		return true; /* gone already */
	if (sel2_cpu(cpu)->held.n == SEL2_MAX_HELD)
		return false;
	set_enabled(cpu, id, false);
	for (unsigned k = 0; k < sel2_cpu(cpu)->held.n; k++)
		if (sel2_cpu(cpu)->held.id[k] == id)
			return true;
	sel2_cpu(cpu)->held.id[sel2_cpu(cpu)->held.n++] = (uint16_t)id;
	return true;
}

void gic_release_held(unsigned cpu)
{
	for (unsigned k = 0; k < sel2_cpu(cpu)->held.n; k++)
		set_enabled(cpu, sel2_cpu(cpu)->held.id[k], true);
	sel2_cpu(cpu)->held.n = 0;
}

/* The Schedule Receiver Interrupt to this CPU's normal world: from Secure state, ASGI1R
 * makes a Non-secure Group 1 SGI (Normal EL2 takes it once the world switch is back and the
 * normal world's interrupts are unmasked). */
void gic_raise_sri(unsigned sgi)
{
	uint64_t mpidr = read_sysreg(mpidr_el1);
	uint64_t v = (uint64_t)sgi << 24 | 1UL << (mpidr & 0xf) | ((mpidr >> 8) & 0xff) << 16 |
		     ((mpidr >> 16) & 0xff) << 32 | ((mpidr >> 32) & 0xff) << 48 |
		     ((mpidr & 0xff) >> 4) << 44;
	__asm__ volatile("dsb ish" ::: "memory");
	write_sysreg(ICC_ASGI1R_EL1, v);
	isb();
}
