/* The timer latency guest: arms its virtual timer RTLAT_SAMPLES times, RTLAT_PERIOD_US
 * apart, waiting in WFI each time, and measures how late each interrupt is taken (the
 * counter in the handler minus the deadline): the time the hypervisor took to deliver it,
 * with whatever else runs on the same CPU. Prints the 50th and 99th percentiles and the
 * maximum in nanoseconds, "rtlat: samples=N p50=.. p99=.. max=..", then powers off. With
 * "rtlat.busy" in its bootargs it spins between interrupts instead of waiting in WFI: a
 * CPU-bound real-time task, which a fair scheduler makes wait for its turn. */
#include "../lib/guest.h"

#define RTLAT_SAMPLES	10000
#define RTLAT_PERIOD_US 200
#define TIMER_INTID	27
#define GICR_SGI	(GICR + 0x10000)
#define GICR_ISENABLER0 (GICR_SGI + 0x100)
#define BUCKET_NS	50 /* histogram of 50 ns buckets up to 5 ms, then one for the rest */
#define BUCKETS		100000

static uint64_t deadline, ns_per_tick_x1000;
static volatile uint64_t late_ns, taken;
static uint32_t histogram[BUCKETS + 1];

void irq_exception(struct frame *f)
{
	(void)f;
	uint64_t now = counter();
	uint64_t iar = read_sysreg(s3_0_c12_c12_0); /* ICC_IAR1_EL1 */
	if ((iar & 0xffffff) == TIMER_INTID) {
		late_ns = (now > deadline ? now - deadline : 0) * ns_per_tick_x1000 / 1000;
		write_sysreg(cntv_ctl_el0, 0);
		isb();
		taken++;
	}
	if ((iar & 0xffffff) < 1020)
		write_sysreg(s3_0_c12_c12_1, iar); /* ICC_EOIR1_EL1 */
}

static uint64_t percentile(unsigned p)
{
	uint64_t want = (uint64_t)RTLAT_SAMPLES * p / 100, seen = 0;
	for (unsigned i = 0; i <= BUCKETS; i++) {
		seen += histogram[i];
		if (seen >= want)
			return (uint64_t)i * BUCKET_NS;
	}
	return (uint64_t)BUCKETS * BUCKET_NS;
}

int main(const char *dtb)
{
	bool busy = bootargs_have(dtb, "rtlat.busy");
	uint64_t freq = read_sysreg(cntfrq_el0);
	ns_per_tick_x1000 = 1000000000000UL / freq;
	wr32(GICD, 0x13); /* GICD_CTLR: ARE, Group 0 and 1 on */
	gicr_wake(0);
	wr32(GICR_SGI + 0x80, 0xffffffff); /* IGROUPR0: Group 1 */
	wr32(GICR_ISENABLER0, 1U << TIMER_INTID);
	gic_cpu_interface_on();
	__asm__ volatile("msr daifclr, #2" ::: "memory");
	uint64_t max = 0, period = freq / 1000000 * RTLAT_PERIOD_US;
	for (unsigned i = 0; i < RTLAT_SAMPLES; i++) {
		uint64_t before = taken;
		deadline = counter() + period;
		write_sysreg(cntv_cval_el0, deadline);
		write_sysreg(cntv_ctl_el0, 1);
		isb();
		while (taken == before)
			if (!busy)
				__asm__ volatile("wfi" ::: "memory");
		uint64_t ns = late_ns;
		histogram[ns / BUCKET_NS < BUCKETS ? ns / BUCKET_NS : BUCKETS]++;
		if (ns > max)
			max = ns;
	}
	puts_("rtlat: samples=");
	putdec(RTLAT_SAMPLES);
	puts_(" p50=");
	putdec(percentile(50));
	puts_(" p99=");
	putdec(percentile(99));
	puts_(" max=");
	putdec(max);
	puts_("\n");
	hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
	return 0;
}
