/* The timer guest: checks that its virtual timer's interrupt is a level, as on hardware:
 * pending while the timer's output is high, and no longer once the guest turned the timer
 * off (or masked it) before taking the interrupt. Each check arms CNTV with interrupts
 * masked at PSTATE, waits until the interrupt is pending at its CPU interface (ISR_EL1.I),
 * changes the timer, lets the hypervisor look (an exit of some kind: a hypervisor sees
 * nothing in between), then unmasks and counts the interrupts it takes. Controls: left on,
 * the interrupt is taken, before and after the others. Prints one line per check and a
 * summary, then powers off. With 2 vCPUs, vCPU 1 spins so that vCPU 0 is switched out now
 * and then when they share a physical CPU: then ("timerguest.shared" in the bootargs) it
 * also checks a timer turned off while switched out. (Alone on its CPU, it has no exit
 * while it spins: its list register, in the CPU, still offers the interrupt.) */
#include "../lib/check.h"

#define TIMER_INTID	27
#define GICR_SGI	(GICR + 0x10000)
#define GICR_ISENABLER0 (GICR_SGI + 0x100)
#define GICR_ICENABLER0 (GICR_SGI + 0x180)
#define GICR_ISPENDR0	(GICR_SGI + 0x200)
#define CTL_ENABLE	1UL
#define CTL_IMASK	2UL
#define ISR_I		(1UL << 7)

static uint64_t freq;
static volatile unsigned taken, spurious;
static volatile bool cpu1_up;

void irq_exception(struct frame *f)
{
	(void)f;
	uint64_t iar = read_sysreg(s3_0_c12_c12_0); /* ICC_IAR1_EL1 */
	if ((iar & 0xffffff) >= 1020) {
		spurious++;
		return;
	}
	if ((iar & 0xffffff) == TIMER_INTID) {
		taken++;
		write_sysreg(cntv_ctl_el0, 0); /* or it would fire again at once */
		isb();
	}
	write_sysreg(s3_0_c12_c12_1, iar); /* ICC_EOIR1_EL1 */
}

void secondary_main(unsigned long idx)
{
	(void)idx;
	cpu1_up = true;
	for (;;) /* busy: its physical CPU's other vCPU gets switched out for it */
		;
}

static void irqs_on(void)
{
	__asm__ volatile("msr daifclr, #2" ::: "memory");
	isb();
}

static void irqs_off(void)
{
	__asm__ volatile("msr daifset, #2" ::: "memory");
	isb();
}

static bool wait_until(bool (*cond)(void), uint64_t ticks)
{
	for (uint64_t t = counter(); counter() - t < ticks;)
		if (cond())
			return true;
	return cond();
}

static bool irq_pending(void)
{
	return read_sysreg(isr_el1) & ISR_I;
}

static bool timer_pending_in_gic(void)
{
	return rd32(GICR_ISPENDR0) & (1U << TIMER_INTID); /* a trapped read */
}

static bool one_taken(void)
{
	return taken != 0;
}

/* Arms the timer 100 us ahead with interrupts masked; true once its interrupt is pending
 * at the CPU interface (or, when the guest has it disabled, in the redistributor). */
static bool arm_until_pending(bool disabled)
{
	irqs_off();
	taken = spurious = 0;
	write_sysreg(cntv_cval_el0, counter() + freq / 10000);
	write_sysreg(cntv_ctl_el0, CTL_ENABLE);
	isb();
	return wait_until(disabled ? timer_pending_in_gic : irq_pending, freq);
}

/* Unmasks for a while (50 ms of virtual time) and says how many timer interrupts came. */
static unsigned unmask_and_count(void)
{
	irqs_on();
	wait_until(one_taken, freq / 20);
	irqs_off();
	write_sysreg(cntv_ctl_el0, 0);
	isb();
	return taken;
}

static void control(const char *pending_name, const char *taken_name)
{
	check(arm_until_pending(false), pending_name, 0);
	unsigned n = unmask_and_count();
	check(n == 1, taken_name, n);
}

static void smccc_version(void)
{
	hvc(SMCCC_VERSION, 0, 0, 0);
}

/* Pending and not taken, the timer turned off (ctl), then an exit (how): not taken. */
static void turned_off(const char *name, uint64_t ctl, void (*how)(void))
{
	if (!arm_until_pending(false)) {
		check(false, name, 0);
		return;
	}
	write_sysreg(cntv_ctl_el0, ctl);
	isb();
	how();
	unsigned n = unmask_and_count();
	check(n == 0, name, n);
}

static void read_ispendr(void)
{
	uint32_t v = rd32(GICR_ISPENDR0);
	check(!(v & (1U << TIMER_INTID)), "ISPENDR0 shows the timer's interrupt not pending", v);
}

/* Long enough for time slices (4 ms) to switch this vCPU out for vCPU 1 and back. */
static void switched_out(void)
{
	for (uint64_t t = counter(); counter() - t < freq / 20;)
		;
}

/* The guest disabled the interrupt, the timer fired, the guest turned it off and enabled
 * the interrupt again: nothing to take. */
static void off_while_disabled(void)
{
	const char *name = "turned off while disabled, then enabled: not taken";
	wr32(GICR_ICENABLER0, 1U << TIMER_INTID);
	if (!arm_until_pending(true)) {
		check(false, name, 0);
		return;
	}
	write_sysreg(cntv_ctl_el0, 0);
	isb();
	wr32(GICR_ISENABLER0, 1U << TIMER_INTID);
	unsigned n = unmask_and_count();
	check(n == 0, name, n);
}

static void gic_init(void)
{
	wr32(GICD, 0x13); /* GICD_CTLR: ARE, Group 0 and 1 on */
	gicr_wake(0);
	wr32(GICR_SGI + 0x80, 0xffffffff); /* IGROUPR0: Group 1 */
	wr32(GICR_ISENABLER0, 1U << TIMER_INTID);
	gic_cpu_interface_on();
}

int main(const char *dtb)
{
	freq = read_sysreg(cntfrq_el0);
	gic_init();
	if (hvc(PSCI_CPU_ON, 1, (uint64_t)secondary_entry, 1) == 0)
		for (uint64_t t = counter(); !cpu1_up && counter() - t < freq;)
			;
	control("armed: pending", "left on: taken");
	turned_off("turned off, then a hypercall: not taken", 0, smccc_version);
	turned_off("turned off, then ISPENDR0 read: not taken", 0, read_ispendr);
	turned_off("masked (IMASK), then a hypercall: not taken", CTL_ENABLE | CTL_IMASK,
		   smccc_version);
	if (bootargs_have(dtb, "timerguest.shared")) /* it shares a physical CPU with vCPU 1 */
		turned_off("turned off, then switched out: not taken", 0, switched_out);
	off_while_disabled();
	control("armed again: pending", "left on again: taken");
	check(spurious == 0, "no spurious interrupt", spurious);
	print_summary("timerguest", passed, failed);
	hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
	return 0;
}
