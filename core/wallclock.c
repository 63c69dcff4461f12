/* Wall-clock time from the platform RTC (a PL031's data register) and the counter. */
#include <arch/sysreg.h>
#include <triad/cpu.h>
#include <triad/log.h>
#include <triad/wallclock.h>

static uint32_t boot_seconds; /* RTC reading at boot */
static uint64_t boot_counter; /* counter value when boot_seconds began */
static uint64_t counter_freq;

void wallclock_init(void)
{
	counter_freq = read_sysreg(cntfrq_el0);
	/* Whole seconds: the guests' clocks may lag the host's by up to one. Waiting for the
	 * RTC's next tick would be exact, at the price of up to a second of boot time. */
	uint32_t sec = plat.rtc_base ? *(volatile uint32_t *)plat.rtc_base : 0;
	boot_seconds = sec;
	boot_counter = read_sysreg(cntpct_el0);
	pr_info("wall clock: %u s since the epoch%s", sec, plat.rtc_base ? "" : " (no RTC)");
}

uint32_t wallclock_seconds(void)
{
	return boot_seconds + (uint32_t)((read_sysreg(cntpct_el0) - boot_counter) / counter_freq);
}

uint64_t wallclock_counter_at(uint32_t sec)
{
	uint32_t ahead = sec - boot_seconds; /* wraps in 2106, like the RTC */
	return boot_counter + (uint64_t)ahead * counter_freq;
}
