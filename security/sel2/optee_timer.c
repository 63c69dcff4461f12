/*
 * OP-TEE's timer. Debian's OP-TEE is built to run without S-EL2: its generic-timer driver
 * programs the Secure EL1 physical timer (CNTPS_*_EL1), which is UNDEFINED at S-EL1 once
 * S-EL2 is enabled and belongs to EL3. Before OP-TEE first runs, each of its MSR/MRS to
 * CNTPS_{TVAL,CTL,CVAL}_EL1 becomes an HVC whose immediate names the access; here each such
 * HVC is carried out by the monitor (SEL2_TIMER). The timer's interrupt stays the PPI 29
 * OP-TEE registered, so its callouts fire as on a machine without S-EL2.
 */
#include <triad/sel2_abi.h>
#include <triad/smccc.h>

#include "sel2.h"

/* The HVC immediate: a tag, then read (1) or write, the register (op2: TVAL, CTL, CVAL),
 * the general register. */
#define TIMER_HVC_TAG  0x5400U
#define TIMER_HVC_MASK 0xff00U
#define HVC(imm)       (0xd4000002U | (uint32_t)(imm) << 5)
#define REG_XZR	       31

unsigned optee_timer_retarget(uint32_t *text, uint64_t size)
{
	unsigned n = 0;
	for (uint64_t i = 0; i < size / 4; i++) {
		uint32_t w = text[i];
		/* MSR/MRS S3_7_C14_C2_{0,1,2}, Xt: bit 21 is the read, bits 7:5 op2, 4:0 Xt. */
		if ((w & 0xffdfff80) == 0xd51fe200 && ((w >> 5) & 7) <= 2) {
			uint32_t read = (w >> 21) & 1;
			text[i] = HVC(TIMER_HVC_TAG | read << 7 | (w & 0x7f));
			/* OP-TEE starts with its MMU off: it reads memory, not caches. */
			mmu_clean_to_poc((uint64_t)(uintptr_t)&text[i], 4);
			n++;
		}
	}
	__asm__ volatile("dsb sy; ic iallu; dsb sy; isb" ::: "memory");
	return n;
}

bool optee_timer_access(struct frame *f, uint64_t esr)
{
	uint32_t imm = (uint32_t)(esr & 0xffff);
	if ((imm & TIMER_HVC_MASK) != TIMER_HVC_TAG)
		return false;
	unsigned rt = imm & 31, op2 = (imm >> 5) & 3;
	bool read = (imm >> 7) & 1;
	if (op2 > SEL2_TIMER_CVAL)
		return false;
	uint64_t r[8] = {SEL2_TIMER, op2 | (read ? SEL2_TIMER_READ : 0),
			 rt == REG_XZR ? 0 : f->x[rt]};
	smc_call_regs(r);
	if (read && rt != REG_XZR)
		f->x[rt] = r[0];
	return true; /* the HVC returns past itself */
}
