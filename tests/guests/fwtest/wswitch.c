/*
 * What a world switch keeps (docs/world-switch.md), checked from Normal EL2's place: fwtest
 * fills every register of the normal world's context it can write with a pattern (the
 * general registers, SP, the EL1 and EL2 system registers, the timers, GIC, debug, PMU and
 * pointer-authentication registers the CPU has, V0-V31, FPSR and FPCR), makes the round
 * trips through the other worlds (FFA_VERSION to S-EL2, RMI_VERSION to the RMM, OP-TEE's
 * UID call to S-EL1, a REC_ENTER that runs realm code) and reads everything back: each
 * register that changed fails by name. The realm does the same the other way round
 * (wswitch_realm.S): its registers must come back after the host's turn in between. Runs at
 * EL2 (HVC from fwtest's EL1, wswitch_el2.S), where Normal EL2's registers are in reach.
 */
#include "fwtest.h"
#include "wswitch.h"

#define RSI_HOST_CALL_IMM 0x57
#define OPTEE_CALLS_UID	  0xbf00ff01
#define OPTEE_UID0	  0x384fb3e0
#define NS_GPR		  0x6e73470000000000 /* Normal EL2's x1-x30 are this | n */
/* RmiRecRun (RMM 1.0): what this test reads and writes of it */
#define ENTER_FLAGS  0x000
#define EXIT_REASON  0x800
#define EXIT_ESR     0x900
#define EXIT_GPR0    0xa00
#define EXIT_IMM     0xe00
#define EMUL_MMIO    1
#define REASON_SYNC  0
#define REASON_IRQ   1
#define REASON_HCALL 5

extern const uint8_t wsrealm_code[], wsrealm_end[], el2_vectors_alt[];
#define WS_VBAR_EL2_ALT ((uint64_t)el2_vectors_alt)
void gpr_smc(uint64_t r[33]);
void fp_put(const uint64_t *v);
void fp_get(uint64_t *v);

struct wsreg {
	const char *name;
	uint64_t pattern;
	unsigned feature;
	bool rec_kept;
};
#define ENTRY(n, reg, pat, f, kept) {n, pat, f, kept},
static const struct wsreg regs[] = {WS_EL1_REGS(ENTRY) WS_EL2_REGS(ENTRY)};
#undef ENTRY
#define NREGS (sizeof regs / sizeof regs[0])
enum { /* each register's index in regs[] */
#define IDX(n, reg, pat, f, kept) IDX_##reg,
       WS_EL1_REGS(IDX) WS_EL2_REGS(IDX)
#undef IDX
};
#define FP_WORDS 66 /* V0-V31 as pairs of words, FPSR, FPCR */

/* The registers are named in the instructions: one test per index. */
static uint64_t reg_read(unsigned i)
{
	unsigned k = 0;
#define RD(n, reg, pat, f, kept)                                                                   \
	if (i == k++)                                                                              \
		return read_sysreg(reg);
	WS_EL1_REGS(RD)
	WS_EL2_REGS(RD)
#undef RD
	return 0;
}

static void reg_write(unsigned i, uint64_t v)
{
	unsigned k = 0;
#define WR(n, reg, pat, f, kept)                                                                   \
	if (i == k++) {                                                                            \
		write_sysreg(reg, v);                                                              \
		return;                                                                            \
	}
	WS_EL1_REGS(WR) WS_EL2_REGS(WR)
#undef WR
}

static uint64_t idfield(uint64_t v, unsigned lo)
{
	return (v >> lo) & 0xf;
}

static bool cpu_has(unsigned feature)
{
	uint64_t isar1 = read_sysreg(id_aa64isar1_el1), isar2 = read_sysreg(s3_0_c0_c6_2);
	switch (feature) {
	case F_PAUTH:
		return (isar1 & 0xff000ff0UL) || (isar2 & 0xf000UL);
	case F_HCX:
		return idfield(read_sysreg(id_aa64mmfr1_el1), 40);
	case F_FGT:
		return idfield(read_sysreg(id_aa64mmfr0_el1), 56);
	case F_SCXT:
		return idfield(read_sysreg(id_aa64pfr0_el1), 56) >= 2;
	case F_MTE:
		return idfield(read_sysreg(id_aa64pfr1_el1), 8) >= 2;
	default:
		return true;
	}
}

static uint64_t orig[NREGS], expect[NREGS];
static bool present[NREGS];
static unsigned npresent; /* the registers of NREGS this CPU has */
static uint64_t fp_orig[FP_WORDS] __attribute__((aligned(16)));
static uint64_t fp_expect[FP_WORDS] __attribute__((aligned(16)));
static uint64_t fp_now[FP_WORDS] __attribute__((aligned(16)));

/* V0-V31 as pairs of words, then FPSR and FPCR: word w's name. */
static void put_fp_name(unsigned w)
{
	if (w >= 64) {
		puts_(w == 64 ? "FPSR" : "FPCR");
		return;
	}
	puts_("V");
	putdec(w / 2);
	if (w & 1)
		puts_(" (high half)");
}

/* A register that changed: what (and its number n, if n >= 0), or FP/SIMD word n if what is
 * 0. */
static void mismatch(const char *what, int n, const char *after, uint64_t want, uint64_t got)
{
	checks++;
	failures++;
	puts_("fwtest: FAIL world switch: ");
	if (!what)
		put_fp_name((unsigned)n);
	else
		puts_(what);
	if (what && n >= 0)
		putdec((uint64_t)n);
	puts_(" changed by ");
	puts_(after);
	puts_(" (expected ");
	puthex(want);
	puts_(", got ");
	puthex(got);
	puts_(")\n");
}

/* Every register of Normal EL2's context a pattern; the readbacks are what must last. */
static void fill(void)
{
	for (unsigned i = 0; i < NREGS; i++) {
		present[i] = cpu_has(regs[i].feature);
		if (present[i])
			orig[i] = reg_read(i), npresent++;
	}
	for (unsigned i = 0; i < NREGS; i++)
		if (present[i])
			reg_write(i, regs[i].pattern);
	isb();
	for (unsigned i = 0; i < NREGS; i++)
		if (present[i])
			expect[i] = reg_read(i);
	static uint64_t fp_pat[FP_WORDS] __attribute__((aligned(16)));
	for (unsigned w = 0; w < 64; w++)
		fp_pat[w] = 0x6e73560000000000 + w;
	fp_pat[64] = 0x08000000; /* FPSR.QC */
	fp_pat[65] = 0x03c00000; /* FPCR: RMode, FZ, DN */
	fp_get(fp_orig);
	fp_put(fp_pat);
	fp_get(fp_expect);
}

/* Each register against its readback after `after` (REC_ENTER: those RMM 1.0 hands back in
 * RmiRecExit instead are left out). */
static void compare(const char *after, bool rec_enter)
{
	for (unsigned i = 0; i < NREGS; i++) {
		if (!present[i] || (rec_enter && !regs[i].rec_kept))
			continue;
		uint64_t v = reg_read(i);
		checks++;
		if (v != expect[i])
			mismatch(regs[i].name, -1, after, expect[i], v);
	}
	fp_get(fp_now);
	for (unsigned w = 0; w < FP_WORDS; w++) {
		checks++;
		if (fp_now[w] != fp_expect[w])
			mismatch(0, (int)w, after, fp_expect[w], fp_now[w]);
	}
}

static void restore(void)
{
	for (unsigned i = 0; i < NREGS; i++)
		if (present[i])
			reg_write(i, orig[i]);
	isb();
	fp_put(fp_orig);
}

/* An SMC with x0-x2 given and every other general register a pattern: x0..x(ndef-1) are its
 * results (into out), the others up to x(nres-1) the callee's to use (0 or the caller's
 * value: nothing of the other world's), the rest and SP the caller's. */
static uint64_t gpr_call(const char *what, uint64_t x0, uint64_t x1, uint64_t x2, unsigned ndef,
			 unsigned nres, uint64_t out[4])
{
	uint64_t r[33], in[31];
	for (unsigned n = 0; n < 31; n++)
		r[n] = NS_GPR | n;
	r[0] = x0, r[1] = x1, r[2] = x2;
	r[7] = 0; /* the hypervisor's own client ID, as OP-TEE sees it */
	for (unsigned n = 0; n < 31; n++)
		in[n] = r[n];
	gpr_smc(r);
	checks++;
	if (r[31] != r[32])
		mismatch("SP_EL2", -1, what, r[31], r[32]);
	for (unsigned n = ndef; n < 31; n++) {
		checks++;
		if (r[n] != in[n] && (n >= nres || r[n] != 0))
			mismatch("x", (int)n, what, in[n], r[n]);
	}
	for (unsigned n = 0; n < 4 && out; n++)
		out[n] = r[n];
	return r[0];
}

static uint8_t g[12][4096] __attribute__((aligned(8192))); /* rd, -, rtt x2, l2, l3, data x3 */
static uint8_t run_page[4096] __attribute__((aligned(4096)));
#define RUN(off)   (((volatile uint64_t *)run_page)[(off) / 8])
#define WS_RD	   ((uint64_t)g[0])
#define WS_REC	   ((uint64_t)g[9])
#define REALM_GPRS 30

/* The realm's registers by word index, as wswitch_realm.S reads them. */
static const char *const realm_names[] = {
#define NAME(n, reg, pat) n,
    WS_REALM_REGS(NAME) WS_REALM_PAUTH(NAME)
#undef NAME
};
#define REALM_SYS   (sizeof realm_names / sizeof realm_names[0])
#define REALM_PAUTH 10

static void realm_report(uint64_t v, bool pauth)
{
	unsigned sys = REALM_SYS - (pauth ? 0 : REALM_PAUTH);
	unsigned i = (unsigned)(v & 0xffff);
	checks++;
	failures++;
	puts_("fwtest: FAIL world switch: the realm's ");
	if ((v & ~0xffffULL) == WS_REPORT_GPR) {
		puts_("x");
		putdec(i);
	} else if (i < sys) {
		puts_(realm_names[i]);
	} else {
		put_fp_name(i - sys);
	}
	puts_(" changed across the host's turn (RSI_HOST_CALL)\n");
}

/* Normal EL2's physical timer as a watchdog over each REC_ENTER: a realm that never exits by
 * itself (stuck on something of the host's that applies to it) still comes back, with an
 * IRQ exit, 20 ms on (50 of those in a row fail the test). Its pattern goes back in after. */
#define PPI_EL2_PHYS_TIMER 26

static uint64_t rec_enter_gprs(const char *what, uint64_t flags)
{
	RUN(ENTER_FLAGS) = flags;
	write_sysreg(cnthp_cval_el2, read_sysreg(cntpct_el0) + read_sysreg(cntfrq_el0) / 50);
	write_sysreg(cnthp_ctl_el2, 1UL);
	isb();
	uint64_t r = gpr_call(what, RMI_REC_ENTER, WS_REC, (uint64_t)run_page, 1, 5, 0);
	write_sysreg(cnthp_ctl_el2, expect[IDX_cnthp_ctl_el2]);
	write_sysreg(cnthp_cval_el2, expect[IDX_cnthp_cval_el2]);
	isb();
	return r;
}

static void watchdog_ppi(bool on)
{
	uint64_t sgi = GICR + 0x10000;
	gicr_wake(0);
	wr32(sgi + 0x80, rd32(sgi + 0x80) | (1U << PPI_EL2_PHYS_TIMER)); /* GICR_IGROUPR0 */
	wr32(sgi + (on ? 0x100 : 0x180), 1U << PPI_EL2_PHYS_TIMER);	 /* GICR_IS/ICENABLER0 */
	gic_cpu_interface_on();
}

/* The realm's half: it runs to its host call (past interrupt exits), then each entry ends
 * in one of its reports (an emulated store), up to its end. */
static void realm_round_trips(bool pauth)
{
	uint64_t flags = 0;
	bool called = false;
	unsigned interrupts = 0; /* interrupt exits in a row */
	for (unsigned k = 0; k < 300; k++) {
		uint64_t r = rec_enter_gprs("REC_ENTER", flags), why = RUN(EXIT_REASON);
		flags = 0;
		if (r != RMI_SUCCESS || why > REASON_HCALL ||
		    (why == REASON_HCALL && (called || RUN(EXIT_IMM) != RSI_HOST_CALL_IMM))) {
			check(false,
			      "world switch: REC_ENTER ends in the realm's host call or reports",
			      r ? r : why << 32 | RUN(EXIT_ESR));
			return;
		}
		if (why == REASON_HCALL) {
			called = true;
			compare("REC_ENTER (the realm ran)", true);
			continue;
		}
		bool store = why == REASON_SYNC && (RUN(EXIT_ESR) >> 26) == 0x24 &&
			     (RUN(EXIT_ESR) & (1 << 6));
		if (why == REASON_SYNC && !store) {
			check(false, "world switch: the realm's exceptions are its reports",
			      RUN(EXIT_ESR));
			return;
		}
		if (!store) {
			/* An interrupt's exit (the secure world's timer, say): the realm goes on
			 * where it was. Only those, again and again, is a realm that cannot
			 * run: something of the host's applies to it (its traps, say). */
			if (++interrupts < 50)
				continue;
			check(false, "world switch: the realm runs (not only interrupt exits)",
			      why);
			return;
		}
		interrupts = 0;
		uint64_t v = RUN(EXIT_GPR0);
		flags = EMUL_MMIO;
		if ((v & ~0xffffULL) == WS_REPORT_END) {
			check(called && (v & 0xffff) ==
					    REALM_SYS - (pauth ? 0 : REALM_PAUTH) + FP_WORDS + 0ULL,
			      "world switch: the realm compared all its registers", v);
			compare("REC_ENTER (the realm's checks)", true);
			return;
		}
		realm_report(v, pauth);
	}
	check(false, "world switch: the realm reported its end", 0);
}

/* The realm: its code at IPA 0, its host-call page at 0x1000, its readbacks at 0x2000. */
static bool build_realm(bool pauth)
{
	bool ok = true;
	for (unsigned i = 0; i < 12; i++)
		ok = ok && (i == 1 || rmi(RMI_GRANULE_DELEGATE, (uint64_t)g[i]) == RMI_SUCCESS);
	uint64_t rd = WS_RD, out[5];
	ok = ok && create_realm(rd, (uint64_t)g[2], 31) == RMI_SUCCESS;
	ok = ok && rmi_call(RMI_RTT_CREATE, rd, (uint64_t)g[4], 0, 2, 0, out) == RMI_SUCCESS;
	ok = ok && rmi_call(RMI_RTT_CREATE, rd, (uint64_t)g[5], 0, 3, 0, out) == RMI_SUCCESS;
	ok = ok && rmi_call(RMI_RTT_INIT_RIPAS, rd, 0, 0x3000, 0, 0, out) == RMI_SUCCESS;
	volatile uint8_t *sp = src_page;
	for (unsigned i = 0; i < 4096; i++)
		sp[i] = i < (unsigned)(wsrealm_end - wsrealm_code) ? wsrealm_code[i] : 0;
	ok = ok && rmi_call(RMI_DATA_CREATE, rd, (uint64_t)g[6], 0, (uint64_t)src_page, 1, out) ==
		       RMI_SUCCESS;
	for (unsigned i = 0; i < 4096; i++)
		sp[i] = 0;
	for (unsigned p = 1; p < 3; p++)
		ok = ok && rmi_call(RMI_DATA_CREATE, rd, (uint64_t)g[6 + p], 0x1000 * p,
				    (uint64_t)src_page, 0, out) == RMI_SUCCESS;
	put_rec_params(1, 0, 1, (uint64_t)g[10]);
	((volatile uint64_t *)params_page)[0x200 / 8] = 0;     /* pc: its code */
	((volatile uint64_t *)params_page)[0x300 / 8] = pauth; /* x0 */
	ok = ok &&
	     rmi_call(RMI_REC_CREATE, rd, WS_REC, (uint64_t)params_page, 0, 0, out) == RMI_SUCCESS;
	return ok && rmi(RMI_REALM_ACTIVATE, rd) == RMI_SUCCESS;
}

static void take_realm_apart(void)
{
	uint64_t rd = WS_RD, out[5];
	bool ok = true;
	for (uint64_t ipa = 0; ipa < 0x3000; ipa += 0x1000)
		ok = ok && rmi_call(RMI_DATA_DESTROY, rd, ipa, 0, 0, 0, out) == RMI_SUCCESS;
	ok = ok && rmi_call(RMI_RTT_DESTROY, rd, 0, 3, 0, 0, out) == RMI_SUCCESS &&
	     rmi_call(RMI_RTT_DESTROY, rd, 0, 2, 0, 0, out) == RMI_SUCCESS &&
	     rmi(RMI_REC_DESTROY, WS_REC) == RMI_SUCCESS &&
	     rmi(RMI_REALM_DESTROY, rd) == RMI_SUCCESS;
	for (unsigned i = 0; i < 12; i++)
		ok = ok && (i == 1 || rmi(RMI_GRANULE_UNDELEGATE, (uint64_t)g[i]) == RMI_SUCCESS);
	check(ok, "world switch: the realm taken apart", 0);
}

struct el2_args {
	bool secure, realm, pauth;
};

/* At EL2 (HVC): the round trips with Normal EL2's context full of patterns. */
static void el2_round_trips(void *arg)
{
	const struct el2_args *a = arg;
	uint64_t out[4];
	fill();
	if (a->secure) {
		uint64_t v =
		    gpr_call("FFA_VERSION (NS -> S-EL2 -> NS)", FFA_VERSION, 0x10001, 0, 1, 18, 0);
		check(v == 0x10002, "world switch: FFA_VERSION answered", v);
	}
	uint64_t v = gpr_call("RMI_VERSION (NS -> Realm -> NS)", RMI_VERSION, V1_0, 0, 3, 5, out);
	check(v == RMI_SUCCESS && out[1] == V1_0, "world switch: RMI_VERSION answered", v);
	if (a->secure) {
		v = gpr_call("OP-TEE's UID call (NS -> S-EL2 -> OP-TEE at S-EL1 -> NS)",
			     OPTEE_CALLS_UID, 0, 0, 4, 4, 0);
		check((uint32_t)v == OPTEE_UID0, "world switch: OP-TEE's UID call answered", v);
	}
	compare("the FF-A, RMI and OP-TEE calls", false);
	if (a->realm)
		realm_round_trips(a->pauth);
	restore();
}

void wswitch_el2_unexpected(uint64_t esr, uint64_t elr);
void wswitch_el2_unexpected(uint64_t esr, uint64_t elr)
{
	puts_("fwtest: FAIL world switch: an exception at EL2, ESR ");
	puthex(esr);
	puts_(", ELR ");
	puthex(elr);
	puts_("\n");
	smc(PSCI_SYSTEM_OFF, 0, 0, 0);
}

static void at_el2(void (*fn)(void *), void *arg)
{
	register uint64_t x0 __asm__("x0") = (uint64_t)fn, x1 __asm__("x1") = (uint64_t)arg;
	__asm__ volatile("hvc #0"
			 : "+r"(x0), "+r"(x1)::"memory", "cc", "x2", "x3", "x4", "x5", "x6", "x7",
			   "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17",
			   "x18", "x30");
}

void world_switch(bool secure)
{
	struct el2_args a = {.secure = secure, .pauth = cpu_has(F_PAUTH)};
	volatile uint64_t *run = (volatile uint64_t *)run_page;
	for (unsigned i = 0; i < 512; i++)
		run[i] = 0;
	a.realm = build_realm(a.pauth);
	check(a.realm, "world switch: a realm to enter", 0);
	unsigned before = failures;
	watchdog_ppi(true);
	at_el2(el2_round_trips, &a);
	watchdog_ppi(false);
	if (a.realm)
		take_realm_apart();
	if (failures == before) {
		puts_("fwtest: world switch: ");
		putdec(npresent);
		puts_(" system registers, V0-V31, FPSR, FPCR and x0-x30 kept across ");
		puts_(secure ? "FF-A, OP-TEE, " : "");
		puts_("RMI and REC_ENTER; the realm's kept across its host call\n");
	}
}
