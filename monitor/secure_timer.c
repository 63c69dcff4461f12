/*
 * OP-TEE's timer. Debian's OP-TEE programs the Secure EL1 physical timer (CNTPS_*_EL1) for
 * its callouts; once Secure EL2 exists that timer is EL3's alone (UNDEFINED below EL3), so
 * Triad at S-EL2 turns OP-TEE's accesses into calls here (SEL2_TIMER). The timer's
 * interrupt is still the PPI 29 OP-TEE registered, and reaches it as any secure interrupt
 * does (world.c). Nothing else uses this timer, so it is not switched with the worlds.
 */
#include <triad/sel2_abi.h>

#include "monitor.h"

#define CNTPS_TVAL_EL1 S3_7_C14_C2_0
#define CNTPS_CTL_EL1  S3_7_C14_C2_1
#define CNTPS_CVAL_EL1 S3_7_C14_C2_2
#define CTL_WRITABLE   3UL /* ENABLE, IMASK; ISTATUS is read-only */

uint64_t secure_timer_access(uint64_t access, uint64_t value)
{
	switch (access) {
	case SEL2_TIMER_TVAL:
		write_sysreg(CNTPS_TVAL_EL1, value & 0xffffffffUL);
		return 0;
	case SEL2_TIMER_CTL:
		write_sysreg(CNTPS_CTL_EL1, value & CTL_WRITABLE);
		return 0;
	case SEL2_TIMER_CVAL:
		write_sysreg(CNTPS_CVAL_EL1, value);
		return 0;
	case SEL2_TIMER_READ | SEL2_TIMER_TVAL:
		return read_sysreg(CNTPS_TVAL_EL1);
	case SEL2_TIMER_READ | SEL2_TIMER_CTL:
		return read_sysreg(CNTPS_CTL_EL1);
	case SEL2_TIMER_READ | SEL2_TIMER_CVAL:
		return read_sysreg(CNTPS_CVAL_EL1);
	default:
		return SEL2_TIMER_BAD;
	}
}
