/* The counting guest, for pausing VMs (tests/integration/test_management.py): it counts in
 * a loop and, at each of its virtual timer's interrupts (every 100 ms of its virtual
 * counter), prints the count, the number of interrupts taken and the virtual time:
 * "counter: n=<count> ticks=<interrupts> t=<ms>". While its VM is paused, the count stops;
 * after, it goes on from where it was, and the timer interrupt that came due meanwhile is
 * taken (a lost one would end the lines for good). Keys typed at its console are echoed
 * at the next line. */
#include "../lib/guest.h"

#define TIMER_INTID	27
#define GICR_SGI	(GICR + 0x10000)
#define GICR_ISENABLER0 (GICR_SGI + 0x100)
#define UART_FR		0x18
#define FR_RXFE		(1U << 4)

static uint64_t period;
static volatile uint64_t ticks;

void irq_exception(struct frame *f)
{
	(void)f;
	uint64_t iar = read_sysreg(s3_0_c12_c12_0); /* ICC_IAR1_EL1 */
	if ((iar & 0xffffff) == TIMER_INTID) {
		ticks++;
		/* The next one a period after this one came due: late ones are not made up. */
		write_sysreg(cntv_cval_el0, counter() + period);
		isb();
	}
	if ((iar & 0xffffff) < 1020)
		write_sysreg(s3_0_c12_c12_1, iar); /* ICC_EOIR1_EL1 */
}

int main(const char *dtb)
{
	(void)dtb;
	uint64_t freq = read_sysreg(cntfrq_el0);
	period = freq / 10;
	wr32(GICD, 0x13); /* GICD_CTLR: ARE, Group 0 and 1 on */
	gicr_wake(0);
	wr32(GICR_SGI + 0x80, 0xffffffff); /* IGROUPR0: Group 1 */
	wr32(GICR_ISENABLER0, 1U << TIMER_INTID);
	gic_cpu_interface_on();
	write_sysreg(cntv_cval_el0, counter() + period);
	write_sysreg(cntv_ctl_el0, 1);
	isb();
	__asm__ volatile("msr daifclr, #2" ::: "memory");
	puts_("counter: start\n");
	uint64_t n = 0, seen = 0;
	for (;;) {
		n++;
		if (ticks != seen) {
			seen = ticks;
			puts_("counter: n=");
			putdec(n);
			puts_(" ticks=");
			putdec(seen);
			puts_(" t=");
			putdec(counter() / (freq / 1000));
			puts_("\n");
			/* Keys typed at its console, echoed: "counter: key <c>". */
			while (!(rd32(UART + UART_FR) & FR_RXFE)) {
				puts_("counter: key ");
				putc_((char)(rd32(UART) & 0xff));
				puts_("\n");
			}
		}
	}
}
