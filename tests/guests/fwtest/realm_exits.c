/*
 * A realm with two RECs that asks its host for things: PSCI (CPU_ON, AFFINITY_INFO,
 * CPU_OFF, SYSTEM_OFF, and what the RMM answers itself), memory it touches before the host
 * gave it, a RIPAS change (RSI_IPA_STATE_SET, then RMI_RTT_SET_RIPAS), a host call, an
 * interrupt through the list registers and its virtual timer. The realm reports each
 * result by a write to an unprotected address (an exit whose value the host reads), so
 * each step is checked from here, in order.
 */
#include "fwtest.h"

#define RMI_PSCI_COMPLETE 0xc4000164
#define RMI_RTT_SET_RIPAS 0xc4000169

#define MMIO "x20" /* the realm's report address: IPA 1 << 39, unprotected */
extern const uint8_t realm2_code[], realm2_cpu1[], realm2_end[];
__asm__(".pushsection .rodata\n"
	".balign 4096\n"
	"realm2_code:\n"
	"	movz	x20, #0x80, lsl #32\n"
	"	adr	x9, 9f\n"
	"	msr	vbar_el1, x9\n"
	"	isb\n"
	/* PSCI_VERSION, answered by the RMM */
	"	movz	x0, #0x8400, lsl #16\n"
	"	smc	#0\n"
	"	str	x0, [x20]\n"
	/* CPU_ON(1, realm2_cpu1, 0x77): the host completes it */
	"	movz	x0, #3\n"
	"	movk	x0, #0xc400, lsl #16\n"
	"	mov	x1, #1\n"
	"	adr	x2, realm2_cpu1\n"
	"	mov	x3, #0x77\n"
	"	smc	#0\n"
	"	str	x0, [x20]\n"
	/* CPU_ON of an MPIDR with no REC: INVALID_PARAMETERS without an exit */
	"	movz	x0, #3\n"
	"	movk	x0, #0xc400, lsl #16\n"
	"	mov	x1, #5\n"
	"	adr	x2, realm2_cpu1\n"
	"	smc	#0\n"
	"	str	x0, [x20]\n"
	/* AFFINITY_INFO(1, 0), after REC 1 has turned itself off */
	"	movz	x0, #4\n"
	"	movk	x0, #0xc400, lsl #16\n"
	"	mov	x1, #1\n"
	"	mov	x2, #0\n"
	"	smc	#0\n"
	"	str	x0, [x20]\n"
	/* RAM the host has not backed yet: an exit, then the load again */
	"	mov	x9, #0x3000\n"
	"	ldr	x10, [x9]\n"
	"	str	x10, [x20]\n"
	/* RSI_REALM_CONFIG into RAM the host has not backed yet: an exit as for a data abort
	 * there, then the call again, answered; then its IPA width from it */
	"	mov	x1, #0x4000\n"
	"	movz	x0, #0x196\n"
	"	movk	x0, #0xc400, lsl #16\n"
	"	smc	#0\n"
	"	str	x0, [x20]\n"
	"	mov	x9, #0x4000\n"
	"	ldr	x10, [x9]\n"
	"	str	x10, [x20]\n"
	/* RSI_IPA_STATE_SET(0x2000, 0x4000, EMPTY, 0) */
	"	movz	x0, #0x197\n"
	"	movk	x0, #0xc400, lsl #16\n"
	"	mov	x1, #0x2000\n"
	"	mov	x2, #0x4000\n"
	"	mov	x3, #0\n"
	"	mov	x4, #0\n"
	"	smc	#0\n"
	"	str	x0, [x20]\n"
	"	str	x1, [x20]\n"
	"	str	x2, [x20]\n"
	/* A load from what is EMPTY now: a synchronous external abort (the vector reports) */
	"	mov	x9, #0x2000\n"
	"	ldr	x10, [x9]\n"
	/* RSI_HOST_CALL(0x1000) with imm 0x42 and x0 = 0x1111; the host's x0 comes back */
	"	mov	x9, #0x1000\n"
	"	mov	x10, #0x42\n"
	"	str	x10, [x9]\n"
	"	mov	x10, #0x1111\n"
	"	str	x10, [x9, #8]\n"
	"	movz	x0, #0x199\n"
	"	movk	x0, #0xc400, lsl #16\n"
	"	mov	x1, #0x1000\n"
	"	smc	#0\n"
	"	str	x0, [x20]\n"
	"	ldr	x10, [x9, #8]\n"
	"	str	x10, [x20]\n"
	/* Its debug features: ID_AA64DFR0_EL1 (two breakpoints and watchpoints asked for), a
	 * breakpoint register written and read back, then a breakpoint on an instruction at
	 * EL1 (MDSCR_EL1.KDE and MDE, PSTATE.D clear), which the vector reports. */
	"	mrs	x10, id_aa64dfr0_el1\n"
	"	str	x10, [x20]\n"
	"	mov	x10, #0x5550\n"
	"	msr	dbgbvr1_el1, x10\n"
	"	isb\n"
	"	mrs	x10, dbgbvr1_el1\n"
	"	str	x10, [x20]\n"
	"	msr	oslar_el1, xzr\n"
	"	adr	x10, 3f\n"
	"	msr	dbgbvr0_el1, x10\n"
	"	mov	x10, #0x1e3\n" /* DBGBCR: E, EL1 (PMC 0b01), all four bytes */
	"	msr	dbgbcr0_el1, x10\n"
	"	mov	x10, #0xa000\n" /* MDSCR_EL1: MDE, KDE */
	"	msr	mdscr_el1, x10\n"
	"	isb\n"
	"	msr	daifclr, #8\n"
	"	isb\n"
	"3:	nop\n"
	"	msr	daifset, #8\n"
	"	msr	mdscr_el1, xzr\n"
	"	msr	dbgbcr0_el1, xzr\n"
	"	isb\n"
	/* The PMU, which it was not given (REALM_CREATE without its flag): a read and a write
	 * of PMCR_EL0 are UNDEFINED (the vector reports each), and x10 keeps its value. */
	"	mov	x10, #0xdead\n"
	"	mrs	x10, pmcr_el0\n"
	"	str	x10, [x20]\n"
	"	mov	x10, #0x7\n" /* E, P, C: counters on and reset */
	"	msr	pmcr_el0, x10\n"
	"	mrs	x10, pmccntr_el0\n"
	/* ICC_DIR_EL1, which the host traps (ICH_HCR_EL2.TDIR): an exit with the value */
	"	mov	x9, #0x2a\n"
	"	msr	s3_0_c12_c11_1, x9\n"
	"	str	x9, [x20]\n"
	/* Interrupts on (group 1, any priority): the host's list register delivers one */
	"	mov	x9, #0xff\n"
	"	msr	s3_0_c4_c6_0, x9\n" /* ICC_PMR_EL1 */
	"	mov	x9, #1\n"
	"	msr	s3_0_c12_c12_7, x9\n" /* ICC_IGRPEN1_EL1 */
	"	isb\n"
	"	msr	daifclr, #2\n"
	"	wfi\n"
	/* The virtual timer, 0x1000 ticks from now. It runs on, its interrupts masked, until
	 * 2^26 ticks after the deadline, so that the timer fires while it runs (an IRQ exit,
	 * whatever the host's speed; were it in a WFI exit then, the RMM would enter it with
	 * the output masked), then waits until the host says (1) it delivers the timer's
	 * interrupt, and takes it. */
	"	msr	daifset, #2\n"
	"	mrs	x9, cntvct_el0\n"
	"	add	x9, x9, #0x1000\n"
	"	msr	cntv_cval_el0, x9\n"
	"	mov	x10, #0x4000000\n"
	"	add	x10, x9, x10\n"
	"	mov	x9, #1\n"
	"	msr	cntv_ctl_el0, x9\n"
	"	isb\n"
	"2:	mrs	x11, cntvct_el0\n"
	"	cmp	x11, x10\n"
	"	b.lo	2b\n"
	"1:	wfi\n"
	"	ldr	x9, [x20, #16]\n"
	"	cbz	x9, 1b\n"
	"	msr	daifclr, #2\n"
	"	isb\n"
	/* Its timer enabled and long due (CVAL 0), its interrupts masked, and no list register
	 * for it (as a Linux whose timer's PPI is still disabled at its GIC): it must still
	 * run, from one exit to the next. */
	"	msr	daifset, #2\n"
	"	msr	cntv_cval_el0, xzr\n"
	"	mov	x9, #1\n"
	"	msr	cntv_ctl_el0, x9\n"
	"	isb\n"
	"	mov	x9, #0x7e\n"
	"	str	x9, [x20]\n"
	"	mov	x9, #0x7f\n"
	"	str	x9, [x20]\n"
	"	mov	x9, #3\n"
	"	msr	cntv_ctl_el0, x9\n"
	"	isb\n"
	/* SYSTEM_OFF */
	"	movz	x0, #8\n"
	"	movk	x0, #0x8400, lsl #16\n"
	"	smc	#0\n"
	"	b	.\n"
	"realm2_cpu1:\n"
	"	movz	x20, #0x80, lsl #32\n"
	"	str	x0, [x20, #8]\n"
	"	movz	x0, #2\n"
	"	movk	x0, #0x8400, lsl #16\n" /* CPU_OFF */
	"	smc	#0\n"
	"	b	.\n"
	".balign 2048\n"
	"9:	.skip 0x200\n"
	/* current EL with SP_ELx, synchronous: report ESR_EL1, skip the instruction */
	"	mrs	x9, esr_el1\n"
	"	str	x9, [x20]\n"
	"	mrs	x9, elr_el1\n"
	"	add	x9, x9, #4\n"
	"	msr	elr_el1, x9\n"
	"	eret\n"
	".balign 128\n"
	/* IRQ: report the INTID; the timer's is masked at its source; EOI */
	"	mrs	x9, s3_0_c12_c12_0\n" /* ICC_IAR1_EL1 */
	"	str	x9, [x20]\n"
	"	cmp	x9, #27\n"
	"	b.ne	2f\n"
	"	mov	x10, #3\n"
	"	msr	cntv_ctl_el0, x10\n"
	"2:	msr	s3_0_c12_c12_1, x9\n" /* ICC_EOIR1_EL1 */
	"	eret\n"
	"realm2_end:\n"
	".popsection\n");

static uint8_t g[15][4096] __attribute__((aligned(8192))); /* see realm_exits() */
static uint8_t run_page[4096] __attribute__((aligned(4096)));

#define RUN(off)	  (((volatile uint64_t *)run_page)[(off) / 8])
#define EXIT_REASON	  0x800
#define EXIT_ESR	  0x900
#define EXIT_FAR	  0x908
#define EXIT_HPFAR	  0x910
#define EXIT_GPR(i)	  (0xa00 + 8 * (i))
#define EXIT_LR(i)	  (0xb08 + 8 * (i))
#define EXIT_CNTV_CTL	  0xc10
#define EXIT_CNTV_CVAL	  0xc18
#define EXIT_RIPAS_BASE	  0xd00
#define EXIT_RIPAS_TOP	  0xd08
#define EXIT_RIPAS_VAL	  0xd10
#define EXIT_IMM	  0xe00
#define ENTER_FLAGS	  0x000
#define ENTER_GPR(i)	  (0x200 + 8 * (i))
#define ENTER_HCR	  0x300
#define ENTER_LR(i)	  (0x308 + 8 * (i))
#define EMUL_MMIO	  1
#define TRAP_WFI	  4
#define REASON_SYNC	  0
#define REASON_IRQ	  1
#define REASON_PSCI	  3
#define REASON_RIPAS	  4
#define REASON_HCALL	  5
#define LR_PENDING(intid) ((1ULL << 62) | (1ULL << 60) | (0xa0ULL << 48) | (intid))

static bool last_mmio; /* the last exit was an access to emulate */

static uint64_t enter(uint64_t rec, uint64_t flags)
{
	RUN(ENTER_FLAGS) = flags;
	uint64_t r = rec_enter(rec, (uint64_t)run_page);
	if (r == RMI_SUCCESS)
		last_mmio = RUN(EXIT_REASON) == REASON_SYNC && (RUN(EXIT_ESR) >> 26) == 0x24 &&
			    (RUN(EXIT_ESR) & (1 << 24));
	return r;
}

/* Enters again, completing the last exit's access if it was one (a read gets ENTER_GPR(0)). */
static uint64_t resume(uint64_t rec, uint64_t flags)
{
	return enter(rec, flags | (last_mmio ? EMUL_MMIO : 0));
}

static bool mmio_write_exit(void)
{
	return last_mmio && (RUN(EXIT_ESR) & (1 << 6));
}

/* The next report the realm writes (an emulated write, completed): its value, or ~0. */
static uint64_t report(uint64_t rec, uint64_t flags)
{
	if (enter(rec, flags) != RMI_SUCCESS || RUN(EXIT_REASON) != REASON_SYNC ||
	    (RUN(EXIT_ESR) >> 26) != 0x24 || !(RUN(EXIT_ESR) & (1 << 6)))
		return ~0ULL;
	return RUN(EXIT_GPR(0));
}

static uint64_t call(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5,
		     uint64_t *x1)
{
	uint64_t out[5];
	uint64_t r = rmi_call(fid, a1, a2, a3, a4, a5, out);
	if (x1)
		*x1 = out[1];
	return r;
}

/* The realm: IPA 0 its code, 0x1000 its host-call page, 0x2000 RAM it gives up, 0x3000 RAM
 * the host backs only when it is touched. */
static bool build(uint64_t rd, uint64_t rtt, uint64_t l2, uint64_t l3, uint64_t rec0, uint64_t rec1)
{
	bool ok = create_realm(rd, rtt, 21) == RMI_SUCCESS;
	ok = ok && call(RMI_RTT_CREATE, rd, l2, 0, 2, 0, 0) == RMI_SUCCESS;
	ok = ok && call(RMI_RTT_CREATE, rd, l3, 0, 3, 0, 0) == RMI_SUCCESS;
	ok = ok && call(RMI_RTT_INIT_RIPAS, rd, 0, 0x5000, 0, 0, 0) == RMI_SUCCESS;
	volatile uint8_t *sp = src_page;
	for (unsigned i = 0; i < 4096; i++)
		sp[i] = i < (unsigned)(realm2_end - realm2_code) ? realm2_code[i] : 0;
	ok = ok && call(RMI_DATA_CREATE, rd, (uint64_t)g[6], 0, (uint64_t)src_page, 1, 0) == 0;
	for (unsigned i = 0; i < 4096; i++)
		sp[i] = 0;
	ok = ok && call(RMI_DATA_CREATE, rd, (uint64_t)g[7], 0x1000, (uint64_t)src_page, 0, 0) == 0;
	ok = ok && call(RMI_DATA_CREATE, rd, (uint64_t)g[8], 0x2000, (uint64_t)src_page, 0, 0) == 0;
	put_rec_params(1, 0, 1, (uint64_t)g[12]);
	((volatile uint64_t *)params_page)[0x200 / 8] = 0;
	ok = ok && call(RMI_REC_CREATE, rd, rec0, (uint64_t)params_page, 0, 0, 0) == RMI_SUCCESS;
	put_rec_params(0, 1, 1, (uint64_t)g[13]);
	ok = ok && call(RMI_REC_CREATE, rd, rec1, (uint64_t)params_page, 0, 0, 0) == RMI_SUCCESS;
	return ok && rmi(RMI_REALM_ACTIVATE, rd) == RMI_SUCCESS;
}

static void psci(uint64_t rec0, uint64_t rec1)
{
	check(report(rec0, 0) == 0x10001, "realm PSCI_VERSION: 1.1 from the RMM", RUN(EXIT_GPR(0)));
	/* An emulatable write's syndrome: ISV, SAS (8 bytes), WnR; never the register (SRT,
	 * SSE, AR), IL, S1PTW, CM or VNCR. */
	uint64_t esr = RUN(EXIT_ESR);
	check((esr & ((1 << 24) | (3 << 22) | (1 << 6))) == ((1 << 24) | (3 << 22) | (1 << 6)) &&
		  !(esr & ((1 << 25) | (0x1f << 16) | (1 << 21) | (1 << 14) | (1 << 13) | (1 << 8) |
			   (1 << 7))),
	      "an emulatable write's ESR: ISV, SAS, WnR and nothing of the realm's", esr);
	check(enter(rec0, EMUL_MMIO) == RMI_SUCCESS && RUN(EXIT_REASON) == REASON_PSCI &&
		  RUN(EXIT_GPR(0)) == 0xc4000003 && RUN(EXIT_GPR(1)) == 1 &&
		  RUN(EXIT_GPR(2)) == 0 && RUN(EXIT_GPR(3)) == 0,
	      "realm CPU_ON: a PSCI exit with its target only (not its entry or context)",
	      RUN(EXIT_GPR(0)));
	check(enter(rec0, 0) == RMI_ERROR_REC, "REC_ENTER before PSCI_COMPLETE", 0);
	check(enter(rec1, 0) == RMI_ERROR_REC, "REC_ENTER of a REC not yet on", 0);
	check(call(RMI_PSCI_COMPLETE, rec0, rec0, 0, 0, 0, 0) == RMI_ERROR_INPUT,
	      "PSCI_COMPLETE with the caller as target", 0);
	check(call(RMI_PSCI_COMPLETE, rec1, rec0, 0, 0, 0, 0) == RMI_ERROR_INPUT,
	      "PSCI_COMPLETE for a REC with no PSCI call", 0);
	check(call(RMI_PSCI_COMPLETE, rec0, rec1, 5, 0, 0, 0) == RMI_ERROR_INPUT,
	      "PSCI_COMPLETE with a bad status", 0);
	check(call(RMI_PSCI_COMPLETE, rec0, rec1, 0, 0, 0, 0) == RMI_SUCCESS, "PSCI_COMPLETE", 0);
	check(call(RMI_PSCI_COMPLETE, rec0, rec1, 0, 0, 0, 0) == RMI_ERROR_INPUT,
	      "PSCI_COMPLETE twice", 0);
	check(report(rec0, 0) == 0, "realm CPU_ON: SUCCESS", RUN(EXIT_GPR(0)));
	check(report(rec0, EMUL_MMIO) == (uint64_t)-2,
	      "realm CPU_ON of no REC: INVALID_PARAMETERS from the RMM", RUN(EXIT_GPR(0)));
	/* REC 1 runs from where CPU_ON said, with its context, then turns itself off. */
	RUN(ENTER_GPR(0)) = 0;
	check(report(rec1, 0) == 0x77, "REC 1 started at its entry with its context",
	      RUN(EXIT_GPR(0)));
	check(enter(rec1, EMUL_MMIO) == RMI_SUCCESS && RUN(EXIT_REASON) == REASON_PSCI &&
		  RUN(EXIT_GPR(0)) == 0x84000002,
	      "realm CPU_OFF: a PSCI exit", RUN(EXIT_GPR(0)));
	check(enter(rec1, 0) == RMI_ERROR_REC, "REC_ENTER of a REC that is off", 0);
	check(enter(rec0, EMUL_MMIO) == RMI_SUCCESS && RUN(EXIT_REASON) == REASON_PSCI &&
		  RUN(EXIT_GPR(0)) == 0xc4000004,
	      "realm AFFINITY_INFO: a PSCI exit", RUN(EXIT_GPR(0)));
	check(call(RMI_PSCI_COMPLETE, rec0, rec1, 0, 0, 0, 0) == RMI_SUCCESS,
	      "PSCI_COMPLETE (AFFINITY_INFO)", 0);
	check(report(rec0, 0) == 1, "realm AFFINITY_INFO: OFF", RUN(EXIT_GPR(0)));
}

static void memory(uint64_t rd, uint64_t rec0, uint64_t data3, uint64_t data4)
{
	check(enter(rec0, EMUL_MMIO) == RMI_SUCCESS && RUN(EXIT_REASON) == REASON_SYNC &&
		  (RUN(EXIT_ESR) >> 26) == 0x24 && (RUN(EXIT_HPFAR) << 8) == 0x3000 &&
		  !(RUN(EXIT_ESR) & (1 << 24)),
	      "a load from RAM with no memory yet: an exit for the host", RUN(EXIT_ESR));
	/* Not emulatable: EC, SET, FnV, EA, DFSC only (no IL, ISV, SAS, SRT, WnR), far 0. */
	check((RUN(EXIT_ESR) & 0x3ffffc0ULL & ~(0x3ULL << 11) & ~(3ULL << 9)) == 0 &&
		  RUN(EXIT_FAR) == 0,
	      "a non-emulatable abort's ESR and FAR show nothing of the realm's", RUN(EXIT_ESR));
	check(call(RMI_DATA_CREATE_UNKNOWN, rd, data3, 0x3000, 0, 0, 0) == RMI_SUCCESS,
	      "DATA_CREATE_UNKNOWN where the realm faulted", 0);
	check(report(rec0, 0) == 0, "the realm's load again, from zeroed memory", RUN(EXIT_GPR(0)));
	check(enter(rec0, EMUL_MMIO) == RMI_SUCCESS && RUN(EXIT_REASON) == REASON_SYNC &&
		  RUN(EXIT_ESR) == ((0x24ULL << 26) | 0x07) && (RUN(EXIT_HPFAR) << 8) == 0x4000,
	      "RSI_REALM_CONFIG into RAM with no memory yet: a translation fault exit there",
	      RUN(EXIT_ESR));
	check(call(RMI_DATA_CREATE_UNKNOWN, rd, data4, 0x4000, 0, 0, 0) == RMI_SUCCESS,
	      "DATA_CREATE_UNKNOWN where RSI_REALM_CONFIG faulted", 0);
	check(report(rec0, 0) == 0 && report(rec0, EMUL_MMIO) == 40,
	      "RSI_REALM_CONFIG made again: SUCCESS, the IPA width written", RUN(EXIT_GPR(0)));
	check(enter(rec0, EMUL_MMIO) == RMI_SUCCESS && RUN(EXIT_REASON) == REASON_RIPAS &&
		  RUN(EXIT_RIPAS_BASE) == 0x2000 && RUN(EXIT_RIPAS_TOP) == 0x4000 &&
		  RUN(EXIT_RIPAS_VAL) == 0,
	      "RSI_IPA_STATE_SET: a RIPAS_CHANGE exit", RUN(EXIT_REASON));
	uint64_t top;
	check(call(RMI_RTT_SET_RIPAS, rd, rec0, 0x1000, 0x4000, 0, &top) == RMI_ERROR_INPUT,
	      "RTT_SET_RIPAS from another base", 0);
	check(call(RMI_RTT_SET_RIPAS, rd, rec0, 0x2000, 0x5000, 0, &top) == RMI_ERROR_INPUT,
	      "RTT_SET_RIPAS beyond what was asked", 0);
	check(call(RMI_RTT_SET_RIPAS, rd, rec0, 0x2000, 0x3000, 0, &top) == RMI_SUCCESS &&
		  top == 0x3000,
	      "RTT_SET_RIPAS of the first page", top);
	check(call(RMI_RTT_SET_RIPAS, rd, rec0, 0x3000, 0x4000, 0, &top) == RMI_SUCCESS &&
		  top == 0x4000,
	      "RTT_SET_RIPAS of the rest", top);
	uint64_t e[6] = {RMI_RTT_READ_ENTRY, rd, 0x2000, 3, 0, 0};
	smc6(e);
	check(e[2] == 1 && e[4] == 0, "READ_ENTRY: ASSIGNED, RIPAS EMPTY now", e[4]);
	check(report(rec0, 0) == 0 && report(rec0, EMUL_MMIO) == 0x4000 &&
		  report(rec0, EMUL_MMIO) == 0,
	      "RSI_IPA_STATE_SET: SUCCESS, up to 0x4000, accepted", RUN(EXIT_GPR(0)));
	uint64_t esr = report(rec0, EMUL_MMIO);
	check((esr >> 26) == 0x25 && (esr & 0x3f) == 0x10,
	      "a load from EMPTY memory: a synchronous external abort in the realm", esr);
}

/* The realm's breakpoints and watchpoints (REALM_CREATE num_bps = num_wps = 1): what it
 * sees, that its registers are its own (the host's stay), and that a breakpoint fires. */
static void debug_features(uint64_t rec0)
{
	write_sysreg(dbgbvr1_el1, 0xaaa0);
	write_sysreg(dbgbcr0_el1, 0);
	isb();
	uint64_t dfr0 = report(rec0, EMUL_MMIO);
	check(((dfr0 >> 12) & 0xf) == 1 && ((dfr0 >> 20) & 0xf) == 1 && (dfr0 >> 28 & 0xf) == 0,
	      "the realm's ID_AA64DFR0_EL1: the breakpoints and watchpoints it has", dfr0);
	check(report(rec0, EMUL_MMIO) == 0x5550, "a breakpoint register the realm wrote reads back",
	      RUN(EXIT_GPR(0)));
	check(read_sysreg(dbgbvr1_el1) == 0xaaa0, "the host's breakpoint register kept",
	      read_sysreg(dbgbvr1_el1));
	uint64_t esr = report(rec0, EMUL_MMIO);
	check((esr >> 26) == 0x31, "the realm's breakpoint fires in the realm (ESR_EL1.EC 0x31)",
	      esr);
	check(read_sysreg(dbgbvr1_el1) == 0xaaa0 && read_sysreg(dbgbcr0_el1) == 0,
	      "the host's debug registers after the realm used its own", read_sysreg(dbgbcr0_el1));
}

/* The realm has no PMU (RMM 1.0: PMU accesses of a realm without one are UNDEFINED), so the
 * host's counters are neither read nor changed by it. */
static void pmu_hidden(uint64_t rec0)
{
	uint64_t pmcr = read_sysreg(pmcr_el0);
	check(report(rec0, EMUL_MMIO) == 0x02000000, "the realm's PMCR_EL0 read is UNDEFINED",
	      RUN(EXIT_GPR(0)));
	check(report(rec0, EMUL_MMIO) == 0xdead, "the realm read nothing of the host's PMCR_EL0",
	      RUN(EXIT_GPR(0)));
	check(report(rec0, EMUL_MMIO) == 0x02000000, "the realm's PMCR_EL0 write is UNDEFINED",
	      RUN(EXIT_GPR(0)));
	check(report(rec0, EMUL_MMIO) == 0x02000000, "the realm's PMCCNTR_EL0 read is UNDEFINED",
	      RUN(EXIT_GPR(0)));
	check(read_sysreg(pmcr_el0) == pmcr, "the host's PMCR_EL0 after the realm's write",
	      read_sysreg(pmcr_el0));
}

/* ICH_HCR_EL2.TDIR is the host's to set (RMM 1.0): the realm's ICC_DIR_EL1 write then
 * comes out as a system register exit with its value, not its register. */
static void gic_tdir(uint64_t rec0)
{
	RUN(ENTER_HCR) = 1ULL << 14; /* TDIR */
	uint64_t r = enter(rec0, EMUL_MMIO), esr = RUN(EXIT_ESR);
	check(r == RMI_SUCCESS && RUN(EXIT_REASON) == REASON_SYNC && (esr >> 26) == 0x18 &&
		  ((esr >> 17) & 7) == 1 && ((esr >> 5) & 0x1f) == 0 && RUN(EXIT_GPR(0)) == 0x2a,
	      "REC_ENTER with ICH_HCR.TDIR: the realm's ICC_DIR_EL1 write is an exit", r);
	RUN(ENTER_HCR) = 0;
	check(report(rec0, 0) == 0x2a, "the realm goes on after its ICC_DIR_EL1 write",
	      RUN(EXIT_GPR(0)));
}

static void host_call(uint64_t rec0)
{
	check(enter(rec0, EMUL_MMIO) == RMI_SUCCESS && RUN(EXIT_REASON) == REASON_HCALL &&
		  RUN(EXIT_IMM) == 0x42 && RUN(EXIT_GPR(0)) == 0x1111,
	      "RSI_HOST_CALL: an exit with its immediate and registers", RUN(EXIT_IMM));
	RUN(ENTER_GPR(0)) = 0x2222;
	check(report(rec0, 0) == 0 && report(rec0, EMUL_MMIO) == 0x2222,
	      "RSI_HOST_CALL: the host's x0 back in the realm's struct", RUN(EXIT_GPR(0)));
}

/* The physical PPI of the EL1 virtual timer, enabled for this CPU (IRQs stay masked here):
 * the realm's timer firing then brings the REC out with an IRQ exit, unless the RMM masks
 * the timer's output while the host delivers its interrupt. */
static void physical_timer_ppi(bool on)
{
	uint64_t sgi = GICR + 0x10000;
	gicr_wake(0);
	wr32(sgi + 0x80, rd32(sgi + 0x80) | (1U << 27)); /* GICR_IGROUPR0: Group 1 */
	wr32(sgi + (on ? 0x100 : 0x180), 1U << 27);	 /* GICR_IS/ICENABLER0 */
	gic_cpu_interface_on();
}

static void interrupts(uint64_t rec0)
{
	/* List registers the RMM must refuse. */
	static const uint64_t bad[][2] = {
	    {LR_PENDING(40) | (1ULL << 61), 0}, /* HW: a physical interrupt */
	    {LR_PENDING(1021), 0},		/* a special INTID */
	    {LR_PENDING(40), LR_PENDING(40)},	/* the same INTID twice */
	    {LR_PENDING(40) | (1ULL << 45), 0}, /* bits that are not the host's */
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		RUN(ENTER_LR(0)) = bad[i][0];
		RUN(ENTER_LR(1)) = bad[i][1];
		if (enter(rec0, EMUL_MMIO | TRAP_WFI) != RMI_ERROR_REC)
			check(false, "REC_ENTER with bad list registers", i);
	}
	RUN(ENTER_LR(0)) = LR_PENDING(40);
	RUN(ENTER_LR(1)) = 0;
	RUN(ENTER_HCR) = 1; /* En is the RMM's */
	check(enter(rec0, EMUL_MMIO | TRAP_WFI) == RMI_ERROR_REC, "REC_ENTER with ICH_HCR.En", 0);
	RUN(ENTER_HCR) = 0;
	RUN(ENTER_LR(15)) = LR_PENDING(41); /* QEMU's CPU interface has 4 */
	check(enter(rec0, EMUL_MMIO | TRAP_WFI) == RMI_ERROR_REC,
	      "REC_ENTER with a list register the CPU does not have", 0);
	RUN(ENTER_LR(15)) = 0;
	check(report(rec0, EMUL_MMIO | TRAP_WFI) == 40,
	      "an interrupt from the host's list register reaches the realm", RUN(EXIT_GPR(0)));
	check((RUN(EXIT_LR(0)) >> 62) == 2, "the exit shows it active in the realm",
	      RUN(EXIT_LR(0)));
	RUN(ENTER_LR(0)) = RUN(EXIT_LR(0)); /* as the realm left it */
	check(enter(rec0, EMUL_MMIO | TRAP_WFI) == RMI_SUCCESS && RUN(EXIT_REASON) == 0 &&
		  (RUN(EXIT_ESR) >> 26) == 0x01 && (RUN(EXIT_LR(0)) >> 62) == 0,
	      "the realm's EOI ends it; then its WFI exits", RUN(EXIT_LR(0)));
	RUN(ENTER_LR(0)) = 0;
	/* The realm arms its virtual timer and runs on, its interrupts masked: the timer's
	 * firing brings it out (an IRQ exit); then its WFIs exit, showing the timer due,
	 * until the host delivers the timer's interrupt. */
	physical_timer_ppi(true);
	bool fired = false, irq_exit = false;
	RUN(ENTER_GPR(0)) = 0; /* its poll: not yet */
	for (unsigned i = 0; i < 2000 && !(fired && irq_exit); i++) {
		if (resume(rec0, TRAP_WFI) != RMI_SUCCESS || RUN(EXIT_REASON) > REASON_IRQ)
			break;
		fired = (RUN(EXIT_CNTV_CTL) & 5) == 5; /* ENABLE, ISTATUS */
		irq_exit = RUN(EXIT_REASON) == REASON_IRQ;
	}
	check(fired && RUN(EXIT_CNTV_CVAL) != 0, "the exits show the realm's timer firing",
	      RUN(EXIT_CNTV_CTL));
	check(irq_exit, "the realm's timer firing is an IRQ exit", RUN(EXIT_REASON));
	RUN(ENTER_LR(0)) = LR_PENDING(27);
	RUN(ENTER_GPR(0)) = 1;
	uint64_t intid = ~0ULL;
	for (unsigned i = 0; i < 50 && intid == ~0ULL; i++) {
		if (resume(rec0, TRAP_WFI) != RMI_SUCCESS || RUN(EXIT_REASON) > REASON_IRQ)
			break;
		if (mmio_write_exit())
			intid = RUN(EXIT_GPR(0));
	}
	check(intid == 27, "the timer's interrupt, delivered by the host, reaches the realm",
	      intid);
	RUN(ENTER_LR(0)) = RUN(EXIT_LR(0));
	check(resume(rec0, TRAP_WFI) == RMI_SUCCESS && mmio_write_exit() &&
		  RUN(EXIT_GPR(0)) == 0x7e && (RUN(EXIT_CNTV_CTL) & 7) == 5,
	      "the realm re-armed its timer, already due", RUN(EXIT_CNTV_CTL));
	/* Nothing delivered now: the RMM must still mask the asserted timer's output, or every
	 * entry would be an IRQ exit before the realm ran an instruction (a Linux realm hung
	 * this way when its host was slow enough for a deadline to pass before it enabled the
	 * timer's PPI). */
	RUN(ENTER_LR(0)) = 0;
	uint64_t next = ~0ULL;
	for (unsigned i = 0; i < 50 && next == ~0ULL; i++) {
		if (resume(rec0, TRAP_WFI) != RMI_SUCCESS || RUN(EXIT_REASON) > REASON_IRQ)
			break;
		if (mmio_write_exit())
			next = RUN(EXIT_GPR(0));
	}
	check(next == 0x7f, "an asserted timer the host does not deliver: the realm still runs",
	      next == ~0ULL ? RUN(EXIT_REASON) : next);
	physical_timer_ppi(false);
	check(resume(rec0, TRAP_WFI) == RMI_SUCCESS && RUN(EXIT_REASON) == REASON_PSCI &&
		  RUN(EXIT_GPR(0)) == 0x84000008 && (RUN(EXIT_CNTV_CTL) & 2),
	      "the realm masked its timer, then called SYSTEM_OFF: a PSCI exit",
	      RUN(EXIT_REASON) << 32 | RUN(EXIT_CNTV_CTL));
	RUN(ENTER_LR(0)) = 0;
}

void realm_exits(void)
{
	uint64_t rd = (uint64_t)g[0], rtt = (uint64_t)g[2], l2 = (uint64_t)g[4];
	uint64_t l3 = (uint64_t)g[5], rec0 = (uint64_t)g[10], rec1 = (uint64_t)g[11];
	uint64_t data3 = (uint64_t)g[9], data4 = (uint64_t)g[14];
	bool ok = true;
	for (unsigned i = 0; i < 15; i++)
		ok = ok && (i == 1 || rmi(RMI_GRANULE_DELEGATE, (uint64_t)g[i]) == RMI_SUCCESS);
	volatile uint64_t *run = (volatile uint64_t *)run_page;
	for (unsigned i = 0; i < 512; i++)
		run[i] = 0;
	check(ok && build(rd, rtt, l2, l3, rec0, rec1), "a realm with two RECs", 0);
	psci(rec0, rec1);
	memory(rd, rec0, data3, data4);
	host_call(rec0);
	debug_features(rec0);
	pmu_hidden(rec0);
	gic_tdir(rec0);
	interrupts(rec0);
	uint64_t off = enter(rec0, 0);
	check(off == (RMI_ERROR_REALM | (1 << 8)), "REC_ENTER after SYSTEM_OFF: REALM, index 1",
	      off);
	/* Taking it apart: the data, the tables, the RECs, the realm. */
	ok = true;
	for (uint64_t ipa = 0; ipa < 0x5000; ipa += 0x1000)
		ok = ok && call(RMI_DATA_DESTROY, rd, ipa, 0, 0, 0, 0) == RMI_SUCCESS;
	ok = ok && call(RMI_RTT_DESTROY, rd, 0, 3, 0, 0, 0) == RMI_SUCCESS &&
	     call(RMI_RTT_DESTROY, rd, 0, 2, 0, 0, 0) == RMI_SUCCESS &&
	     rmi(RMI_REC_DESTROY, rec0) == RMI_SUCCESS &&
	     rmi(RMI_REC_DESTROY, rec1) == RMI_SUCCESS && rmi(RMI_REALM_DESTROY, rd) == RMI_SUCCESS;
	for (unsigned i = 0; i < 15; i++)
		ok = ok && (i == 1 || rmi(RMI_GRANULE_UNDELEGATE, (uint64_t)g[i]) == RMI_SUCCESS);
	check(ok, "the two-REC realm taken apart, its granules back", 0);
}
