/*
 * OP-TEE has deadlines. Whenever it runs (its cold boot, and every entry after), the Secure
 * EL2 physical timer is armed; its interrupt (PPI 20, Secure Group 1 in this CPU's
 * redistributor: an IRQ in Secure state) comes here through HCR_EL2.IMO even when OP-TEE
 * has masked its own. OP-TEE answers or is interrupted by the normal world every few
 * milliseconds, so an entry that lasts seconds is a panic or a hang: it is reported
 * (SEL2_TIMEOUT) and the machine carries on without the secure world, instead of losing
 * the CPU. Any other interrupt here is one of OP-TEE's own: it gets it (IMO off until its
 * next SMC). What happens then is main.c's.
 */
#include "sel2.h"

#define CNTHPS_CTL_EL2	S3_4_C14_C5_1
#define CNTHPS_CVAL_EL2 S3_4_C14_C5_2
#define CNT_ENABLE	1UL
#define CNT_ISTATUS	4UL

void deadline_start(unsigned cpu, unsigned seconds)
{
	sel2_cpu(cpu)->deadline_seconds = seconds;
	write_sysreg(CNTHPS_CVAL_EL2, read_sysreg(cntpct_el0) + seconds * read_sysreg(cntfrq_el0));
	write_sysreg(CNTHPS_CTL_EL2, CNT_ENABLE);
}

void deadline_arm(unsigned cpu, unsigned seconds)
{
	deadline_start(cpu, seconds);
	if (!(read_sysreg(hcr_el2) & HCR_IMO))
		write_sysreg(hcr_el2, HCR_OPTEE | HCR_IMO);
}

void deadline_disarm(void)
{
	write_sysreg(CNTHPS_CTL_EL2, 0UL);
}

bool deadline_passed(void)
{
	return (read_sysreg(CNTHPS_CTL_EL2) & (CNT_ENABLE | CNT_ISTATUS)) ==
	       (CNT_ENABLE | CNT_ISTATUS);
}
