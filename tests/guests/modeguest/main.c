/* The security-modes guest (docs/security-modes.md): does what a VM's security mode
 * changes and prints what it saw, for tests/integration/test_security_modes.py.
 *  - the PMU: ID_AA64DFR0_EL1.PMUVer, and whether PMCCNTR_EL0 reads or is UNDEF;
 *  - MODE_SETWAY_OPS data-cache clean and invalidate by set/way (DC CISW), two of them at
 *    set 0 way 0 (one per level), which a strict VM's Triad counts;
 *  - FP/SIMD: values in d0 and d31 that must survive hypercalls and switches to other VMs,
 *    whether its registers are switched lazily or not.
 * Then it powers off. */
#include "../lib/guest.h"

#define MODE_SETWAY_OPS 64
#define FP_PATTERN	0x0123456789abcdefUL
#define FP_CHECK_MS	300

static volatile bool probing, undef;

void sync_exception(struct frame *f)
{
	if (probing && ESR_EC(read_sysreg(esr_el1)) == EC_UNKNOWN) {
		undef = true;
		f->elr += 4;
		return;
	}
	fail_exception("modeguest", f, false);
}

static void pmu(void)
{
	puts_("modeguest: pmuver ");
	putdec((read_sysreg(id_aa64dfr0_el1) >> 8) & 0xf);
	probing = true;
	undef = false;
	uint64_t cycles = read_sysreg(pmccntr_el0);
	probing = false;
	(void)cycles;
	puts_(undef ? "\nmodeguest: pmccntr undef\n" : "\nmodeguest: pmccntr readable\n");
}

static void setway(void)
{
	/* Level 1 (field 0) then level 2 (field 1): 32 operations each, set 0 way 0 first. */
	for (uint64_t level = 0; level < 2; level++)
		for (uint64_t set = 0; set < MODE_SETWAY_OPS / 2; set++)
			__asm__ volatile("dc cisw, %0" ::"r"((set << 6) | (level << 1)) : "memory");
	__asm__ volatile("dsb sy" ::: "memory");
	puts_("modeguest: setway ");
	putdec(MODE_SETWAY_OPS);
	puts_(" done\n");
}

/* d0 and d31 hold values of this run's own (from the counter: another VM running the same
 * guest has others) for FP_CHECK_MS, while Triad switches to other VMs and back. */
static void fpsimd(void)
{
	write_sysreg(cpacr_el1, read_sysreg(cpacr_el1) | (3UL << 20)); /* FPEN: no EL1 trap */
	isb();
	uint64_t mine = counter() * FP_PATTERN, d0, d31;
	__asm__ volatile("fmov d0, %0\n\tfmov d31, %1" ::"r"(mine), "r"(~mine) : "v0", "v31");
	uint64_t end = counter() + read_sysreg(cntfrq_el0) / 1000 * FP_CHECK_MS;
	bool kept = true;
	for (unsigned i = 0; kept && (i < 100 || counter() < end); i++) {
		if (i < 100)
			hvc(SMCCC_VERSION, 0, 0, 0);
		__asm__ volatile("fmov %0, d0\n\tfmov %1, d31" : "=r"(d0), "=r"(d31));
		kept = d0 == mine && d31 == ~mine;
	}
	puts_(kept ? "modeguest: fp kept\n" : "modeguest: fp LOST\n");
}

int main(const char *dtb)
{
	(void)dtb;
	pmu();
	setway();
	fpsimd();
	puts_("modeguest: done\n");
	hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
	return 0;
}
