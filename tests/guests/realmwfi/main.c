/* Run as a realm (--realm --cpus 2): vCPU 0 enables its virtual timer with a deadline long
 * passed while the timer's PPI (27) stays disabled at its GIC, as Linux has it before its
 * timer driver starts, and waits in WFI (interrupts masked) for an SGI that vCPU 1 sends a
 * second later. The timer cannot be delivered, so it is no reason to wake: each WFI that
 * ends without the SGI is counted. A host that woke the vCPU for its due timer anyway
 * would end every WFI at once and re-enter the realm in a loop, burning a CPU. */
#include "../lib/guest.h"

#define SGI_WAKE	1
#define TIMER_INTID	27
#define GICR_SGI(cpu)	(GICR + (cpu)*GICR_SIZE + 0x10000)
#define GICR_IGROUPR0	0x80
#define GICR_ISENABLER0 0x100
#define GICR_ICENABLER0 0x180
#define SPURIOUS	1023

/* Its interrupts stay masked: one taken is a failure too (lib/exceptions.c). */
static volatile bool cpu1_up;

static void gic_cpu_init(unsigned cpu)
{
	uint64_t sgi = GICR_SGI(cpu);
	gicr_wake(cpu);
	wr32(sgi + GICR_IGROUPR0, 0xffffffff);
	wr32(sgi + GICR_ICENABLER0, 1U << TIMER_INTID);
	wr32(sgi + GICR_ISENABLER0, 1U << SGI_WAKE);
	gic_cpu_interface_on();
}

void secondary_main(unsigned long idx)
{
	gic_cpu_init((unsigned)idx);
	cpu1_up = true;
	uint64_t freq = read_sysreg(cntfrq_el0);
	for (uint64_t t = counter(); counter() - t < freq;)
		;
	write_sysreg(s3_0_c12_c11_5, ((uint64_t)SGI_WAKE << 24) | 1); /* ICC_SGI1R_EL1: vCPU 0 */
	isb();
	for (;;)
		__asm__ volatile("wfi");
}

int main(const char *dtb)
{
	(void)dtb;
	uint64_t freq = read_sysreg(cntfrq_el0);
	puts_("realmwfi: start\n");
	wr32(GICD, 0x13); /* GICD_CTLR: ARE, Group 0 and 1 on */
	gic_cpu_init(0);
	int64_t st = smc(PSCI_CPU_ON, 1, (uint64_t)secondary_entry, 1);
	if (st != 0) {
		puts_("realmwfi: FAIL CPU_ON returned ");
		puthex((uint64_t)st);
		puts_("\n");
		smc(PSCI_SYSTEM_OFF, 0, 0, 0);
	}
	while (!cpu1_up)
		;
	write_sysreg(cntv_cval_el0, 0); /* long due */
	write_sysreg(cntv_ctl_el0, 1);	/* enabled, not masked: its output is asserted */
	isb();
	uint64_t early = 0, t0 = counter();
	for (;;) {
		__asm__ volatile("wfi" ::: "memory");	    /* interrupts masked: pending ends it */
		uint64_t iar = read_sysreg(s3_0_c12_c12_0); /* ICC_IAR1_EL1 */
		uint32_t intid = iar & 0xffffff;
		if (intid == SGI_WAKE) {
			write_sysreg(s3_0_c12_c12_1, iar); /* ICC_EOIR1_EL1 */
			break;
		}
		if (intid != SPURIOUS) {
			puts_("realmwfi: FAIL took interrupt ");
			putdec(intid);
			puts_(" (the timer's PPI is disabled)\n");
			write_sysreg(s3_0_c12_c12_1, iar);
		}
		early++;
	}
	uint64_t waited = counter() - t0;
	write_sysreg(cntv_ctl_el0, 0);
	puts_("realmwfi: woken by the SGI after ");
	putdec(waited / (freq / 1000));
	puts_(" ms, ");
	putdec(early);
	puts_(" WFI(s) ended before it\n");
	smc(PSCI_SYSTEM_OFF, 0, 0, 0);
	return 0;
}
