/* The isolation guest: run as two VMs ("isolation-a" and "isolation-b" in bootargs) on one
 * physical CPU. Each writes its own marker into every register a guest can reach at EL1
 * (system, debug, PMU, timer, GIC CPU interface, FP/SIMD, PAuth keys, RAS), gives the CPU
 * to the other VM, and checks its values are still there: a register Triad neither
 * switches nor traps shows the other VM's marker. Prints what each register is (held:
 * this VM's own state; const: keeps no value; hidden: UNDEF), a FAIL line per register
 * that changed behind its back, and a summary, then powers off. */
#include "../lib/guest.h"

#define WHO	  "isoguest"
#define ROUNDS	  24
#define CNTP_PPI  30
#define FP_BASE_A 0x0a0a0a0a0a0a0a00UL
#define FP_BASE_B 0x0b0b0b0b0b0b0b00UL

void fp_fill(uint64_t base);
uint64_t fp_check(uint64_t base);

/* ---- the registers ---- */

#define ACCESSORS(id, enc)                                                                         \
	static uint64_t rd_##id(void)                                                              \
	{                                                                                          \
		return read_sysreg(enc);                                                           \
	}                                                                                          \
	static void wr_##id(uint64_t v)                                                            \
	{                                                                                          \
		write_sysreg(enc, v);                                                              \
		isb();                                                                             \
	}

/* EL1 and EL0 system registers */
ACCESSORS(tpidr_el0, tpidr_el0)
ACCESSORS(tpidrro_el0, tpidrro_el0)
ACCESSORS(tpidr_el1, tpidr_el1)
ACCESSORS(contextidr, contextidr_el1)
ACCESSORS(par, par_el1)
ACCESSORS(afsr0, afsr0_el1)
ACCESSORS(afsr1, afsr1_el1)
ACCESSORS(far, far_el1)
ACCESSORS(esr, esr_el1)
ACCESSORS(elr, elr_el1)
ACCESSORS(spsr, spsr_el1)
ACCESSORS(sp_el0, sp_el0)
ACCESSORS(mair, mair_el1)
ACCESSORS(amair, amair_el1)
ACCESSORS(tcr, tcr_el1)
ACCESSORS(ttbr0, ttbr0_el1)
ACCESSORS(ttbr1, ttbr1_el1)
ACCESSORS(sctlr, sctlr_el1)
ACCESSORS(cpacr, cpacr_el1)
ACCESSORS(actlr, actlr_el1)
ACCESSORS(csselr, csselr_el1)
ACCESSORS(cntkctl, cntkctl_el1)
ACCESSORS(pan, s3_0_c4_c2_3)
ACCESSORS(uao, s3_0_c4_c2_4)
ACCESSORS(dit, s3_3_c4_c2_5)
ACCESSORS(ssbs, s3_3_c4_c2_6)
/* timers */
ACCESSORS(cntv_cval, cntv_cval_el0)
/* RAS: DISR_EL1 (VDISR_EL2 under HCR_EL2.AMO), the error record selector */
ACCESSORS(disr, s3_0_c12_c1_1)
ACCESSORS(errselr, s3_0_c5_c3_1)
/* PAuth keys */
ACCESSORS(apia_lo, s3_0_c2_c1_0)
ACCESSORS(apia_hi, s3_0_c2_c1_1)
ACCESSORS(apib_lo, s3_0_c2_c1_2)
ACCESSORS(apib_hi, s3_0_c2_c1_3)
ACCESSORS(apda_lo, s3_0_c2_c2_0)
ACCESSORS(apda_hi, s3_0_c2_c2_1)
ACCESSORS(apdb_lo, s3_0_c2_c2_2)
ACCESSORS(apdb_hi, s3_0_c2_c2_3)
ACCESSORS(apga_lo, s3_0_c2_c3_0)
ACCESSORS(apga_hi, s3_0_c2_c3_1)
/* PMU */
ACCESSORS(pmselr, pmselr_el0)
ACCESSORS(pmccntr, pmccntr_el0)
ACCESSORS(pmccfiltr, pmccfiltr_el0)
ACCESSORS(pmuserenr, pmuserenr_el0)
ACCESSORS(pmevcntr0, s3_3_c14_c8_0)
ACCESSORS(pmevtyper0, s3_3_c14_c12_0)
/* GIC CPU interface */
ACCESSORS(icc_pmr, s3_0_c4_c6_0)
ACCESSORS(icc_bpr1, s3_0_c12_c12_3)
/* debug */
ACCESSORS(mdscr, mdscr_el1)
ACCESSORS(oseccr, s2_0_c0_c6_2)
ACCESSORS(osdlr, s2_0_c1_c3_4)
ACCESSORS(dbgprcr, s2_0_c1_c4_4)
ACCESSORS(mdccint, s2_0_c0_c2_0)
/* features a VM does not get: SVE, SME, MTE, LOR, S1PIE/POE, GCS, CSV2 contexts, LS64,
 * trace, AMU, MPAM, SPE */
ACCESSORS(zcr, s3_0_c1_c2_0)
ACCESSORS(smcr, s3_0_c1_c2_6)
ACCESSORS(smpri, s3_0_c1_c2_4)
ACCESSORS(tpidr2, s3_3_c13_c0_5)
ACCESSORS(gcr, s3_0_c1_c0_6)
ACCESSORS(rgsr, s3_0_c1_c0_5)
ACCESSORS(tfsr, s3_0_c5_c6_0)
ACCESSORS(tfsre0, s3_0_c5_c6_1)
ACCESSORS(lorsa, s3_0_c10_c4_0)
ACCESSORS(lorc, s3_0_c10_c4_3)
ACCESSORS(pir, s3_0_c10_c2_3)
ACCESSORS(por_el1, s3_0_c10_c2_4)
ACCESSORS(por_el0, s3_3_c10_c2_4)
ACCESSORS(tcr2, s3_0_c2_c0_3)
ACCESSORS(sctlr2, s3_0_c1_c0_3)
ACCESSORS(gcscr, s3_0_c2_c5_0)
ACCESSORS(gcspr, s3_0_c2_c5_1)
ACCESSORS(scxtnum_el1, s3_0_c13_c0_7)
ACCESSORS(scxtnum_el0, s3_3_c13_c0_7)
ACCESSORS(accdata, s3_0_c13_c0_5)
ACCESSORS(trfcr, s3_0_c1_c2_1)
ACCESSORS(amcr, s3_3_c13_c2_0)
ACCESSORS(amuserenr, s3_3_c13_c2_3)
ACCESSORS(mpam1, s3_0_c10_c5_0)
ACCESSORS(mpam0, s3_0_c10_c5_1)
ACCESSORS(pmscr, s3_0_c9_c9_0)

/* Registers that need more than one instruction. */
static uint64_t rd_claim(void)
{
	return read_sysreg(s2_0_c7_c9_6); /* DBGCLAIMCLR_EL1 reads the tags */
}

static void wr_claim(uint64_t v)
{
	write_sysreg(s2_0_c7_c9_6, 0xff);
	write_sysreg(s2_0_c7_c8_6, v);
	isb();
}

static uint64_t rd_oslock(void)
{
	return (read_sysreg(s2_0_c1_c1_4) >> 1) & 1; /* OSLSR_EL1.OSLK */
}

static void wr_oslock(uint64_t v)
{
	write_sysreg(s2_0_c1_c0_4, v); /* OSLAR_EL1 */
	isb();
}

static uint64_t rd_cntv_ctl(void)
{
	return read_sysreg(cntv_ctl_el0) & 3; /* not ISTATUS: it follows the deadline */
}

static void wr_cntv_ctl(uint64_t v)
{
	write_sysreg(cntv_ctl_el0, v);
	isb();
}

static uint64_t rd_pmovs(void)
{
	return read_sysreg(pmovsset_el0);
}

static void wr_pmovs(uint64_t v)
{
	write_sysreg(pmovsclr_el0, 0xffffffffUL);
	write_sysreg(pmovsset_el0, v);
	isb();
}

static uint64_t rd_fpcr(void)
{
	return read_sysreg(fpcr);
}

static void wr_fpcr(uint64_t v)
{
	write_sysreg(fpcr, v);
}

static uint64_t rd_fpsr(void)
{
	return read_sysreg(fpsr);
}

static void wr_fpsr(uint64_t v)
{
	write_sysreg(fpsr, v);
}

/* Breakpoint and watchpoint n: value and control registers are named by number. */
#define DEBUG_SLOT(n)                                                                              \
	ACCESSORS(bvr##n, s2_0_c0_c##n##_4)                                                        \
	ACCESSORS(bcr##n, s2_0_c0_c##n##_5)                                                        \
	ACCESSORS(wvr##n, s2_0_c0_c##n##_6)                                                        \
	ACCESSORS(wcr##n, s2_0_c0_c##n##_7)
DEBUG_SLOT(0)
DEBUG_SLOT(1)
DEBUG_SLOT(2)
DEBUG_SLOT(3)
DEBUG_SLOT(4)
DEBUG_SLOT(5)
DEBUG_SLOT(6)
DEBUG_SLOT(7)
DEBUG_SLOT(8)
DEBUG_SLOT(9)
DEBUG_SLOT(10)
DEBUG_SLOT(11)
DEBUG_SLOT(12)
DEBUG_SLOT(13)
DEBUG_SLOT(14)
DEBUG_SLOT(15)

enum kind { BRP, WRP, PLAIN, DOUBLE_LOCK };
enum state { ABSENT, HIDDEN, CONST, HELD };

struct reg {
	const char *name;
	uint64_t (*read)(void);
	void (*write)(uint64_t);
	uint64_t a, b;	   /* the markers of VM a and VM b */
	uint64_t fresh;	   /* its value in a VM that never wrote it, when a marker */
	enum kind kind;	   /* BRP/WRP n exist for n < the ID register's count */
	unsigned slot;	   /* for BRP/WRP */
	enum state state;  /* found by probe() */
	uint64_t expect;   /* what it reads back holding this VM's marker */
	unsigned mismatch; /* rounds in which it did not */
};

#define R_FRESH(id, name, a, b, f)                                                                 \
	{                                                                                          \
		name, rd_##id, wr_##id, a, b, f, PLAIN, 0, ABSENT, 0, 0                            \
	}
#define R(id, name, a, b) R_FRESH(id, name, a, b, 0)
#define ADDR_A		  0x00005a5a5a5a5a50UL
#define ADDR_B		  0x0000a5a5a5a5a5a0UL
/* Breakpoint or watchpoint n's value or control register. */
#define DBG_REG(NAME, id, n, a, b, kind)                                                           \
	{                                                                                          \
		NAME #n "_EL1", rd_##id##n, wr_##id##n, a, b, 0, kind, n, ABSENT, 0, 0             \
	}
#define SLOT(n)                                                                                    \
	DBG_REG("DBGBVR", bvr, n, 0x0000123456789ab0UL + n * 0x10,                                 \
		0x00000fedcba98760UL + n * 0x10, BRP),                                             \
	    DBG_REG("DBGBCR", bcr, n, 0x1e6, 0x2062, BRP),                                         \
	    DBG_REG("DBGWVR", wvr, n, 0x0000222233334440UL + n * 8, 0x0000555566667770UL + n * 8,  \
		    WRP),                                                                          \
	    DBG_REG("DBGWCR", wcr, n, 0x1ffe, 0x1ea, WRP)

static struct reg regs[] = {
    R(tpidr_el0, "TPIDR_EL0", ADDR_A + 1, ADDR_B + 1),
    R(tpidrro_el0, "TPIDRRO_EL0", ADDR_A + 2, ADDR_B + 2),
    R(tpidr_el1, "TPIDR_EL1", ADDR_A + 3, ADDR_B + 3),
    R(contextidr, "CONTEXTIDR_EL1", 0x1234, 0x5678),
    R(par, "PAR_EL1", 0x0000123456789000UL, 0x0000fedcba987000UL),
    R(afsr0, "AFSR0_EL1", 0x11, 0x22),
    R(afsr1, "AFSR1_EL1", 0x33, 0x44),
    R(far, "FAR_EL1", ADDR_A + 4, ADDR_B + 4),
    R(esr, "ESR_EL1", 0x96000045, 0x92000046),
    R(elr, "ELR_EL1", ADDR_A + 8, ADDR_B + 8),
    R(spsr, "SPSR_EL1", 0x3c5, 0x3c4),
    R(sp_el0, "SP_EL0", ADDR_A, ADDR_B),
    R(mair, "MAIR_EL1", 0x000000000044ff04UL, 0x00000000ff440c00UL),
    R(amair, "AMAIR_EL1", 0x55, 0x66),
    R(tcr, "TCR_EL1", 0x00000032b5193519UL, 0x0000003225103510UL),
    R(ttbr0, "TTBR0_EL1", 0x0001000040001000UL, 0x0002000040002000UL),
    R(ttbr1, "TTBR1_EL1", 0x0003000040003000UL, 0x0004000040004000UL),
    /* reset value plus DZE and UCT, or plus UCI: harmless with the MMU off */
    R(sctlr, "SCTLR_EL1", SCTLR_EL1_RESET | (1 << 14) | (1 << 15), SCTLR_EL1_RESET | (1 << 26)),
    /* FP/SIMD, SVE and SME open to EL1 in both (the last two are Triad's to trap), to
     * EL0 in one */
    R(cpacr, "CPACR_EL1", (3 << 20) | (3 << 16) | (3 << 24), (3 << 20) | (1 << 16) | (1 << 24)),
    R(actlr, "ACTLR_EL1", 0x1, 0x2),
    R(csselr, "CSSELR_EL1", 0, 1),
    R(cntkctl, "CNTKCTL_EL1", 0x3, 0x300),
    R(pan, "PSTATE.PAN", 1 << 22, 0),
    R(uao, "PSTATE.UAO", 1 << 23, 0),
    R(dit, "PSTATE.DIT", 1 << 24, 0),
    R(ssbs, "PSTATE.SSBS", 1 << 12, 0),
    R(fpcr, "FPCR", 0x03000000, 0x04800000),
    R(fpsr, "FPSR", 0x1f, 0x08000080),
    /* enabled and masked, or only masked; deadlines far away */
    R(cntv_ctl, "CNTV_CTL_EL0", 3, 2),
    R(cntv_cval, "CNTV_CVAL_EL0", 0x7fff000000000000UL, 0x7ffe000000000000UL),
    R(disr, "DISR_EL1", (1UL << 31) | 0x11, 0x22),
    R(errselr, "ERRSELR_EL1", 1, 2),
    R(apia_lo, "APIAKeyLo_EL1", ADDR_A + 0x11, ADDR_B + 0x11),
    R(apia_hi, "APIAKeyHi_EL1", ADDR_A + 0x12, ADDR_B + 0x12),
    R(apib_lo, "APIBKeyLo_EL1", ADDR_A + 0x13, ADDR_B + 0x13),
    R(apib_hi, "APIBKeyHi_EL1", ADDR_A + 0x14, ADDR_B + 0x14),
    R(apda_lo, "APDAKeyLo_EL1", ADDR_A + 0x15, ADDR_B + 0x15),
    R(apda_hi, "APDAKeyHi_EL1", ADDR_A + 0x16, ADDR_B + 0x16),
    R(apdb_lo, "APDBKeyLo_EL1", ADDR_A + 0x17, ADDR_B + 0x17),
    R(apdb_hi, "APDBKeyHi_EL1", ADDR_A + 0x18, ADDR_B + 0x18),
    R(apga_lo, "APGAKeyLo_EL1", ADDR_A + 0x19, ADDR_B + 0x19),
    R(apga_hi, "APGAKeyHi_EL1", ADDR_A + 0x1a, ADDR_B + 0x1a),
    /* counters stopped (PMCR_EL0.E and PMCNTENSET clear), overflow interrupts off */
    R(pmselr, "PMSELR_EL0", 3, 5),
    R(pmccntr, "PMCCNTR_EL0", 0x11110000, 0x22220000),
    R(pmccfiltr, "PMCCFILTR_EL0", 1UL << 31, 1UL << 30),
    R(pmuserenr, "PMUSERENR_EL0", 0x5, 0xa),
    R(pmevcntr0, "PMEVCNTR0_EL0", 0x12345678, 0x9abcdef0),
    R(pmevtyper0, "PMEVTYPER0_EL0", 0x11, 0x08),
    R(pmovs, "PMOVSSET_EL0", 0x1, 0x2),
    /* the timer's priority (0) stays above both masks, so it still wakes the guest */
    R(icc_pmr, "ICC_PMR_EL1", 0xf0, 0xe0),
    R(icc_bpr1, "ICC_BPR1_EL1", 4, 6),
    /* one VM debugging (MDE: its state is loaded eagerly, nothing armed), one not */
    R(mdscr, "MDSCR_EL1", 1 << 12, 1 << 15),
    R(claim, "DBGCLAIM", 0xa5, 0x5a),
    /* the victim clears the OS lock, the other VM sets it */
    R_FRESH(oslock, "OSLSR_EL1.OSLK", 0, 1, 1),
    {"OSDLR_EL1", rd_osdlr, wr_osdlr, 0, 1, 0, DOUBLE_LOCK, 0, ABSENT, 0, 0},
    R(oseccr, "OSECCR_EL1", 0x11, 0x22),
    R(dbgprcr, "DBGPRCR_EL1", 1, 0),
    R(mdccint, "MDCCINT_EL1", 1 << 29, 1 << 30),
    SLOT(0),
    SLOT(1),
    SLOT(2),
    SLOT(3),
    SLOT(4),
    SLOT(5),
    SLOT(6),
    SLOT(7),
    SLOT(8),
    SLOT(9),
    SLOT(10),
    SLOT(11),
    SLOT(12),
    SLOT(13),
    SLOT(14),
    SLOT(15),
    R(zcr, "ZCR_EL1", 1, 3),
    R(smcr, "SMCR_EL1", 1, 3),
    R(smpri, "SMPRI_EL1", 1, 2),
    R(tpidr2, "TPIDR2_EL0", ADDR_A + 5, ADDR_B + 5),
    R(gcr, "GCR_EL1", 0x10001, 0x10002),
    R(rgsr, "RGSR_EL1", 0x100, 0x200),
    R(tfsr, "TFSR_EL1", 1, 2),
    R(tfsre0, "TFSRE0_EL1", 1, 2),
    R(lorsa, "LORSA_EL1", 0x40000000, 0x50000000),
    R(lorc, "LORC_EL1", 0x1, 0x0),
    R(pir, "PIR_EL1", 0x1111, 0x2222),
    R(por_el1, "POR_EL1", 0x7, 0x3),
    R(por_el0, "POR_EL0", 0x7, 0x3),
    R(tcr2, "TCR2_EL1", 0x2, 0x0),
    R(sctlr2, "SCTLR2_EL1", 0x8, 0x0),
    R(gcscr, "GCSCR_EL1", 0x200, 0x0),
    R(gcspr, "GCSPR_EL1", ADDR_A, ADDR_B),
    R(scxtnum_el1, "SCXTNUM_EL1", 0x11, 0x22),
    R(scxtnum_el0, "SCXTNUM_EL0", 0x33, 0x44),
    R(accdata, "ACCDATA_EL1", 0x11, 0x22),
    R(trfcr, "TRFCR_EL1", 0x1, 0x2),
    R(amcr, "AMCR_EL0", 0x400, 0x0),
    R(amuserenr, "AMUSERENR_EL0", 0x1, 0x0),
    R(mpam1, "MPAM1_EL1", 0x10000, 0x20000),
    R(mpam0, "MPAM0_EL1", 0x10000, 0x20000),
    R(pmscr, "PMSCR_EL1", 0x1, 0x2),
};

#define NREGS (sizeof(regs) / sizeof(regs[0]))

/* ---- exceptions ---- */

/* Interrupts stay masked: lib/exceptions.c's irq_exception fails on one. */
static volatile bool probing, undef;

void sync_exception(struct frame *f)
{
	if (probing && ESR_EC(read_sysreg(esr_el1)) == EC_UNKNOWN) {
		undef = true;
		f->elr += 4;
		return;
	}
	fail_exception(WHO, f, false);
}

/* ---- giving the CPU away ---- */

static void gic_init(void)
{
	uint64_t sgi = GICR + 0x10000;
	gicr_wake(0);
	wr32(sgi + 0x80, 0xffffffff);			/* GICR_IGROUPR0: all Group 1 */
	wr32(sgi + 0x100, 1U << CNTP_PPI);		/* GICR_ISENABLER0 */
	uint64_t prio = sgi + 0x400 + CNTP_PPI / 4 * 4; /* GICR_IPRIORITYR, by words */
	wr32(prio, rd32(prio) & ~(0xffU << (CNTP_PPI % 4 * 8)));
	wr32(GICD, 0x13); /* GICD_CTLR: ARE, both groups */
	gic_cpu_interface_on();
}

/* Waits in WFI for the EL1 physical timer, a fifth of a millisecond away, interrupts
 * masked: Triad runs the other VM (queued on the same CPU) meanwhile. */
static void give_cpu_away(void)
{
	uint64_t freq = read_sysreg(cntfrq_el0);
	write_sysreg(cntp_cval_el0, read_sysreg(cntpct_el0) + freq / 5000);
	write_sysreg(cntp_ctl_el0, 1);
	isb();
	while (!(read_sysreg(cntp_ctl_el0) & 4))
		__asm__ volatile("wfi");
	write_sysreg(cntp_ctl_el0, 0);
	isb();
	uint64_t iar = read_sysreg(s3_0_c12_c12_0); /* ICC_IAR1_EL1 */
	if ((iar & 0xffffff) < 1020)
		write_sysreg(s3_0_c12_c12_1, iar); /* ICC_EOIR1_EL1 */
}

/* ---- the test ---- */

static bool vm_b;

static uint64_t own(const struct reg *r)
{
	return vm_b ? r->b : r->a;
}

static uint64_t other(const struct reg *r)
{
	return vm_b ? r->a : r->b;
}

static bool exists(const struct reg *r)
{
	uint64_t dfr0 = read_sysreg(id_aa64dfr0_el1);
	switch (r->kind) {
	case BRP:
		return r->slot <= ((dfr0 >> 12) & 0xf);
	case WRP:
		return r->slot <= ((dfr0 >> 20) & 0xf);
	case DOUBLE_LOCK:
		return ((dfr0 >> 36) & 0xf) == 0;
	case PLAIN:
		break;
	}
	return true;
}

static unsigned failed;

static void report(const char *what, const struct reg *r, uint64_t got, uint64_t want)
{
	puts_(WHO ": FAIL ");
	puts_(r->name);
	puts_(" ");
	puts_(what);
	puts_(": got ");
	puthex(got);
	puts_(" want ");
	puthex(want);
	puts_("\n");
	failed++;
}

/* What each register is: hidden (UNDEF), const (the two markers read back the same), or
 * held. A fresh VM must not find the other VM's marker in it. */
static void probe(struct reg *r)
{
	if (!exists(r)) {
		r->state = ABSENT;
		return;
	}
	undef = false;
	probing = true;
	uint64_t first = r->read();
	uint64_t theirs = 0, mine = 0;
	if (!undef) {
		r->write(other(r));
		theirs = r->read();
		r->write(own(r));
		mine = r->read();
	}
	probing = false;
	if (undef) {
		r->state = HIDDEN;
	} else if (mine == theirs) {
		r->state = CONST;
	} else {
		r->state = HELD;
		r->expect = mine;
		if (first == theirs && other(r) != r->fresh)
			report("holds the other VM's marker before this VM wrote it", r, first,
			       r->fresh);
	}
}

int main(const char *dtb)
{
	vm_b = bootargs_have(dtb, "isolation-b");
	write_sysreg(cpacr_el1, 3 << 20); /* FP/SIMD for fp_fill/fp_check */
	isb();
	gic_init();
	give_cpu_away(); /* the other VM, if it started first, writes its markers now */
	for (unsigned i = 0; i < NREGS; i++)
		probe(&regs[i]);
	uint64_t fp_own = vm_b ? FP_BASE_B : FP_BASE_A;
	unsigned fp_bad = 0;
	for (unsigned round = 0; round < ROUNDS; round++) {
		for (unsigned i = 0; i < NREGS; i++)
			if (regs[i].state == HELD)
				regs[i].write(own(&regs[i]));
		fp_fill(fp_own);
		give_cpu_away();
		for (unsigned i = 0; i < NREGS; i++) {
			struct reg *r = &regs[i];
			if (r->state != HELD)
				continue;
			uint64_t got = r->read();
			if (got != r->expect && r->mismatch++ == 0)
				report("changed while the other VM ran", r, got, r->expect);
		}
		if (fp_check(fp_own) && fp_bad++ == 0) {
			puts_(WHO ": FAIL V0-V31 changed while the other VM ran\n");
			failed++;
		}
	}
	static const char *const names[] = {"absent", "hidden", "const", "held"};
	unsigned held = 0;
	for (unsigned i = 0; i < NREGS; i++) {
		if (regs[i].state == ABSENT)
			continue;
		held += regs[i].state == HELD;
		puts_(WHO ": ");
		puts_(names[regs[i].state]);
		puts_(" ");
		puts_(regs[i].name);
		puts_("\n");
	}
	puts_(WHO ": held V0-V31\n");
	print_summary(WHO, held + 1, failed);
	hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
	return 0;
}
