/*
 * S-EL2's own exceptions (start.S's vectors for the current EL): there are none in a
 * correct S-EL2, so one is a bug, named on the console (what it did, where, which of the
 * regions of its stage 1, mmu.c) and reported to the monitor as the secure world's failure.
 * And the test hook that shows the stage 1 at work (fw_cfg opt/triad/sel2-fault, which only
 * the host operator sets): at its cold boot S-EL2 writes its own text or runs its data.
 */
#include <arch/esr.h>
#include <arch/maint.h>
#include <lib/early_console.h>
#include <triad/sel2_abi.h>
#include <triad/smccc.h>

#include "sel2.h"

#define FSC_IS(esr, t)	(((esr)&FSC_TYPE_MASK) == (t))
#define FSC_ACCESS_FLAG 0x08
#define FSC_PERMISSION	0x0c
#define INSN_RET	0xd65f03c0U

static void put_hex(uint64_t v)
{
	char s[19] = "0x";
	for (int i = 0; i < 16; i++)
		s[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 0xf];
	s[18] = 0;
	early_puts(s);
}

static const char *fault_kind(uint64_t esr)
{
	return FSC_IS(esr, FSC_PERMISSION)    ? "permission fault"
	       : FSC_IS(esr, FSC_TRANSLATION) ? "translation fault (unmapped)"
	       : FSC_IS(esr, FSC_ACCESS_FLAG) ? "access flag fault"
					      : "abort";
}

void sel2_fault(uint64_t esr, uint64_t elr, uint64_t far) __attribute__((noreturn));

void sel2_fault(uint64_t esr, uint64_t elr, uint64_t far)
{
	uint64_t ec = ESR_EC(esr);
	bool abort = ec == EC_DABT_CUR || ec == EC_IABT_CUR;
	early_console_init(PLAT_EARLY_UART);
	early_puts("[sel2] error: ");
	if (abort) {
		early_puts(fault_kind(esr));
		early_puts(ec == EC_IABT_CUR ? ": S-EL2 executed at "
			   : esr & ESR_WNR   ? ": S-EL2 wrote to "
					     : ": S-EL2 read from ");
		put_hex(far);
		early_puts(" (");
		early_puts(mmu_region_name(far));
		early_puts(")");
	} else {
		early_puts("unexpected exception in S-EL2, ESR ");
		put_hex(esr);
	}
	early_puts(" at ELR ");
	put_hex(elr);
	early_puts("\n");
	uint64_t r[8] = {SEL2_CRASHED, esr, elr, abort ? far : 0, 0, 0, 0, 0};
	smc_call_regs(r);
	for (;;)
		__asm__ volatile("wfi");
}

/* A function's worth of data: one RET, in .data (writable, so never executable). */
static volatile uint32_t data_insn[1] = {INSN_RET};

void sel2_fault_hook(unsigned hook)
{
	extern uint32_t _sel2_entry[];
	early_console_init(PLAT_EARLY_UART);
	if (hook == SEL2_FAULT_WRITE_TEXT) {
		early_puts("[sel2] test hook: writing S-EL2's own text\n");
		volatile uint32_t *text = _sel2_entry;
		/* cppcheck-suppress selfAssignment ; the write itself is the test: it must fault */
		*text = *text;
		early_puts("[sel2] test hook: the write to S-EL2's text went through\n");
	} else if (hook == SEL2_FAULT_EXEC_DATA) {
		early_puts("[sel2] test hook: executing S-EL2's data\n");
		uint64_t a = (uint64_t)(uintptr_t)data_insn;
		dc(cvau, a);
		__asm__ volatile("dsb ish; ic ivau, %0; dsb ish; isb" ::"r"(a) : "memory");
		((void (*)(void))(uintptr_t)a)();
		early_puts("[sel2] test hook: S-EL2's data ran as code\n");
	}
}
