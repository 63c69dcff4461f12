/*
 * PSCI CPU_SUSPEND to a power-down state, from the normal world (fwtest runs at EL1 with
 * nothing at EL2): the monitor takes the secure world through OP-TEE's suspend entry, waits
 * for an interrupt (the virtual timer, armed 20 ms ahead), takes OP-TEE through its resume
 * entry, and the caller resumes at the entry it gave, at its own exception level, x0 = its
 * context ID, MMU off. A suspend refused on the way comes back from the SMC instead (DENIED
 * if OP-TEE refuses), and bad power states are refused.
 */
#include "fwtest.h"

#define PSCI_CPU_SUSPEND 0xc4000001
#define POWER_DOWN	 (1UL << 16)
#define PSCI_INVALID	 (-2)
#define GICR0_SGI	 0x080b0000UL /* the first CPU's SGI/PPI frame on QEMU virt */
#define GICR_ISENABLER0	 0x0100
#define GICR_ICENABLER0	 0x0180
#define VTIMER_PPI	 27
#define RESUMED		 (1UL << 16)
#define AT_EL1_MMU_OFF	 (RESUMED | 1 << 2)

/* suspend_power_down(save): the callee-saved registers and SP into save[0..12], then the
 * SMC with the context ID = save. Returns the SMC's x0 if the call returns (refused); at
 * the resume entry (x0 = the context ID), RESUMED | CurrentEL | SCTLR_EL1.M << 8. */
uint64_t suspend_power_down(uint64_t save[13], uint64_t state);
__asm__(".text\n"
	".globl suspend_power_down\n"
	"suspend_power_down:\n"
	"	stp	x19, x20, [x0, #0]\n"
	"	stp	x21, x22, [x0, #16]\n"
	"	stp	x23, x24, [x0, #32]\n"
	"	stp	x25, x26, [x0, #48]\n"
	"	stp	x27, x28, [x0, #64]\n"
	"	stp	x29, x30, [x0, #80]\n"
	"	mov	x9, sp\n"
	"	str	x9, [x0, #96]\n"
	"	mov	x3, x0\n"
	"	adr	x2, 1f\n"
	"	ldr	x0, =0xc4000001\n"
	"	smc	#0\n"
	"	ret\n"
	"1:	ldp	x19, x20, [x0, #0]\n"
	"	ldp	x21, x22, [x0, #16]\n"
	"	ldp	x23, x24, [x0, #32]\n"
	"	ldp	x25, x26, [x0, #48]\n"
	"	ldp	x27, x28, [x0, #64]\n"
	"	ldp	x29, x30, [x0, #80]\n"
	"	ldr	x9, [x0, #96]\n"
	"	mov	sp, x9\n"
	"	mrs	x9, sctlr_el1\n"
	"	and	x9, x9, #1\n"
	"	mrs	x10, CurrentEL\n"
	"	orr	x0, x10, x9, lsl #8\n"
	"	orr	x0, x0, #(1 << 16)\n"
	"	ret\n"
	".ltorg\n");

void power_down_and_back(void)
{
	static uint64_t save[13];
	uint64_t r[4] = {PSCI_CPU_SUSPEND, POWER_DOWN | 1, 0x40000000, 0};
	smc4(r);
	check((int64_t)r[0] == PSCI_INVALID, "CPU_SUSPEND with a state ID is INVALID_PARAMETERS",
	      r[0]);
	uint64_t r2[4] = {PSCI_CPU_SUSPEND, POWER_DOWN | 1UL << 24, 0x40000000, 0};
	smc4(r2);
	check((int64_t)r2[0] == PSCI_INVALID,
	      "CPU_SUSPEND of a cluster (power level 1) is INVALID_PARAMETERS", r2[0]);

	/* The wake-up: the virtual timer's PPI, enabled at the GIC and unmasked at the CPU
	 * interface (DAIF stays masked: the interrupt wakes the CPU and is never taken). */
	write_sysreg(ICC_PMR_EL1, 0xffUL);
	write_sysreg(ICC_IGRPEN1_EL1, 1UL);
	*(volatile uint32_t *)(GICR0_SGI + GICR_ISENABLER0) = 1U << VTIMER_PPI;
	uint64_t freq = read_sysreg(cntfrq_el0), t0 = read_sysreg(cntvct_el0);
	write_sysreg(cntv_cval_el0, t0 + freq / 50);
	write_sysreg(cntv_ctl_el0, 1UL);
	__asm__ volatile("isb");
	/* A power-down may end before the caller's wake-up event: the monitor's WFI ends for
	 * any interrupt (a secure one it hands to the secure world first, as on a loaded host
	 * where a secure timer came due: woken after 5 ms) or none. A PSCI caller then
	 * suspends again; so do we, until the timer's condition is met. */
	uint64_t how;
	unsigned early = 0;
	do
		how = suspend_power_down(save, POWER_DOWN);
	while (how == AT_EL1_MMU_OFF && !(read_sysreg(cntv_ctl_el0) & 4) && ++early < 1000);
	uint64_t slept = read_sysreg(cntvct_el0) - t0;
	write_sysreg(cntv_ctl_el0, 0UL);
	*(volatile uint32_t *)(GICR0_SGI + GICR_ICENABLER0) = 1U << VTIMER_PPI;
	check(how == AT_EL1_MMU_OFF,
	      "CPU_SUSPEND (power-down) resumes at its entry, at EL1, MMU off, x0 = the context",
	      how);
	check(slept >= freq / 50, "... after the wake-up interrupt (20 ms)", slept);
	puts_("fwtest: woke from a power-down suspend after ");
	putdec(slept * 1000 / freq);
	puts_(" ms (");
	putdec(early);
	puts_(" early wake-ups)\n");
}
