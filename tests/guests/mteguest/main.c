/* The MTE guest (memory tagging, FEAT_MTE2/MTE3), by its bootargs:
 * - "mte-a", "mte-b" (a VM with MTE): ID_AA64PFR1_EL1 shows MTE; with its own stage 1
 *   (RAM Tagged Normal, MAIR 0xf0) it tags a buffer (IRG, STG, ADDG, LDG reads them back);
 *   a load with the wrong tag faults with a Tag Check Fault (DFSC 0x11) in synchronous
 *   mode (SCTLR_EL1.TCF 1), sets TFSR_EL1.TF0 in asynchronous mode (TCF 2), and with MTE3
 *   (TCF 3) faults on a load and sets TF0 on a store; matching tags never fault. Then,
 *   round after round, it leaves TFSR_EL1 set or clear (a and b in opposite rounds), its
 *   own GCR_EL1 and RGSR_EL1, gives its CPU to the other VMs pinned there, and finds its
 *   own values again.
 * - "no-mte" (a VM without MTE): MTE hidden in the ID registers, its registers and
 *   GMID_EL1 UNDEF, tag stores ignored (LDG reads 0), IRG gives tag 0, no tag checks.
 * - "tag-fill": tags 8 MB of its RAM with non-zero tags, says so, and waits.
 * - "tag-check": reads the tags of the same 8 MB and of the 2 MB below its image: all
 *   must be 0 (another VM's tags never reach it).
 * - "tag-reset": checks its tags are 0, tags the 8 MB, and resets itself (PSCI
 *   SYSTEM_RESET), over and over: after each reset its tags are 0 again.
 * - "tag-keep": tags the 8 MB, leaves TFSR_EL1.TF0 set, its own GCR_EL1 and RGSR_EL1, and
 *   checks all of them every 100 ms, for ever ("round N: tags kept"): a snapshot of it,
 *   restored, goes on finding them. */
#include "../lib/guest.h"

#define WHO	       "mteguest"
#define ROUNDS	       16
#define CNTP_PPI       30
#define FILL_START     (RAM_BASE + 0x800000UL) /* above its image, DTB and stacks */
#define FILL_END       (RAM_BASE + 0x1000000UL)
#define PSCI_RESET     0x84000009UL
#define DFSC_TAG       0x11
#define TAG(p)	       (((p) >> 56) & 0xf)
#define WITH_TAG(p, t) (((p) & ~(0xfUL << 56)) | ((uint64_t)(t) << 56))

/* MTE's EL1 registers and GMID_EL1, by encoding */
#define GCR_EL1	   s3_0_c1_c0_6
#define RGSR_EL1   s3_0_c1_c0_5
#define TFSR_EL1   s3_0_c5_c6_0
#define TFSRE0_EL1 s3_0_c5_c6_1
#define GMID_EL1   s3_1_c0_c0_4
#define PFR2_EL1   s3_0_c0_c4_2

/* Through one more macro level: the register names above expand before read_sysreg
 * makes them a string. */
#define rd(reg)	   read_sysreg(reg)
#define wr(reg, v) write_sysreg(reg, v)

#define SCTLR_ATA      (1UL << 43)
#define SCTLR_ITFSB    (1UL << 37)
#define SCTLR_TCF(m)   ((uint64_t)(m) << 40)
#define SCTLR_TCF_MASK (3UL << 40)

uint64_t mte_irg(uint64_t p);
uint64_t mte_addg(uint64_t p);
void mte_stg(uint64_t p);
uint64_t mte_ldg(uint64_t p);
void mte_tag_range(uint64_t start, uint64_t end, uint64_t block);

static uint64_t l1[512] __attribute__((aligned(4096)));
static uint8_t buf[256] __attribute__((aligned(64)));
static unsigned failed, checks;
static volatile bool probing, faulted;
static volatile uint64_t fault_esr;

void sync_exception(struct frame *f)
{
	if (probing) {
		faulted = true;
		fault_esr = read_sysreg(esr_el1);
		f->elr += 4;
		return;
	}
	fail_exception(WHO, f, false);
}

static void check(bool ok, const char *what, uint64_t got)
{
	checks++;
	if (ok)
		return;
	failed++;
	puts_(WHO ": FAIL ");
	puts_(what);
	puts_(": ");
	puthex(got);
	puts_("\n");
}

static void gic_init(void)
{
	uint64_t sgi = GICR + 0x10000;
	gicr_wake(0);
	wr32(sgi + 0x80, 0xffffffff);	   /* GICR_IGROUPR0: all Group 1 */
	wr32(sgi + 0x100, 1U << CNTP_PPI); /* GICR_ISENABLER0 */
	uint64_t prio = sgi + 0x400 + CNTP_PPI / 4 * 4;
	wr32(prio, rd32(prio) & ~(0xffU << (CNTP_PPI % 4 * 8)));
	wr32(GICD, 0x13);
	gic_cpu_interface_on();
}

/* WFI for the EL1 physical timer, a fifth of a millisecond away, interrupts masked: the
 * other VMs, queued on this CPU, run meanwhile. */
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
	uint64_t iar = read_sysreg(s3_0_c12_c12_0);
	if ((iar & 0xffffff) < 1020)
		write_sysreg(s3_0_c12_c12_1, iar);
}

/* Identity map: the devices' gigabyte as Device-nGnRE, RAM's as Tagged Normal write-back;
 * top byte ignored, so that pointers carry tags. */
static void mmu_on(void)
{
	l1[0] = 0x0UL | (0 << 2) | (1UL << 10) | (3UL << 53) | 1;
	l1[1] = RAM_BASE | (1 << 2) | (3UL << 8) | (1UL << 10) | 1;
	write_sysreg(mair_el1, 0x04UL | (0xf0UL << 8));
	write_sysreg(tcr_el1, 32UL | (1UL << 8) | (1UL << 10) | (3UL << 12) | (1UL << 23) |
				  (2UL << 32) | (1UL << 37));
	write_sysreg(ttbr0_el1, (uint64_t)l1);
	dsb(ish);
	isb();
	__asm__ volatile("tlbi vmalle1\n\tdsb nsh\n\tisb" ::: "memory");
	write_sysreg(sctlr_el1,
		     read_sysreg(sctlr_el1) | 1 | (1 << 2) | (1 << 12) | SCTLR_ATA | SCTLR_ITFSB);
	isb();
}

static void set_tcf(unsigned mode)
{
	write_sysreg(sctlr_el1, (read_sysreg(sctlr_el1) & ~SCTLR_TCF_MASK) | SCTLR_TCF(mode));
	isb();
}

static uint64_t tfsr(void)
{
	__asm__ volatile("dsb nsh\n\tisb" ::: "memory");
	return rd(TFSR_EL1);
}

static void clear_tfsr(void)
{
	wr(TFSR_EL1, 0);
	isb();
}

static void probe_load(uint64_t p)
{
	faulted = false;
	probing = true;
	(void)*(volatile uint64_t *)p;
	probing = false;
}

static void probe_store(uint64_t p)
{
	faulted = false;
	probing = true;
	*(volatile uint64_t *)p = 0x5a;
	probing = false;
}

static bool tag_check_fault(void)
{
	return faulted && ESR_EC(fault_esr) == 0x25 && (fault_esr & 0x3f) == DFSC_TAG;
}

/* IRG, STG, ADDG and LDG on the buffer; returns its pointer with the tag of its first
 * granule. */
static uint64_t tag_buffer(void)
{
	wr(GCR_EL1, 0x1); /* IRG never picks tag 0 */
	wr(RGSR_EL1, 0x5a5a00);
	isb();
	uint64_t p = mte_irg((uint64_t)buf);
	check(TAG(p) != 0, "IRG chose an excluded tag", p);
	for (uint64_t q = p; (q & ~(0xfUL << 56)) < (uint64_t)buf + sizeof(buf); q += 16)
		mte_stg(q);
	check(mte_ldg((uint64_t)buf + 32) == TAG(p), "LDG after STG", mte_ldg((uint64_t)buf));
	uint64_t next = mte_addg(p); /* the second granule, with the next tag */
	check(TAG(next) != TAG(p) && (next << 8) == ((p + 16) << 8), "ADDG", next);
	mte_stg(next);
	check(mte_ldg((uint64_t)buf + 16) == TAG(next), "LDG after ADDG and STG",
	      mte_ldg((uint64_t)buf + 16));
	mte_stg(WITH_TAG(next, TAG(p))); /* back to one tag for the whole buffer */
	return p;
}

static void checks_in_each_mode(uint64_t p, unsigned level)
{
	uint64_t bad = WITH_TAG(p, TAG(p) ^ 0x8);
	set_tcf(1);
	probe_load(p);
	check(!faulted, "sync: a load with the right tag faulted, ESR", fault_esr);
	probe_load(bad);
	check(tag_check_fault(), "sync: a load with a wrong tag, ESR (0x11: tag check fault)",
	      faulted ? fault_esr : 0);

	set_tcf(2);
	clear_tfsr();
	probe_load(p);
	check(!faulted && tfsr() == 0, "async: a load with the right tag, TFSR_EL1", tfsr());
	probe_load(bad);
	check(!faulted, "async: a load with a wrong tag took an exception, ESR", fault_esr);
	check(tfsr() & 1, "async: TFSR_EL1.TF0 after a load with a wrong tag", tfsr());
	clear_tfsr();

	if (level >= 3) {
		set_tcf(3);
		probe_load(bad);
		check(tag_check_fault(), "asymmetric: a load with a wrong tag, ESR",
		      faulted ? fault_esr : 0);
		clear_tfsr();
		probe_store(bad);
		check(!faulted, "asymmetric: a store with a wrong tag took an exception, ESR",
		      fault_esr);
		check(tfsr() & 1, "asymmetric: TFSR_EL1.TF0 after a store with a wrong tag",
		      tfsr());
		probe_store(p);
		check(!faulted, "asymmetric: a store with the right tag faulted", fault_esr);
		clear_tfsr();
	}
	set_tcf(0);
}

/* Its TFSR_EL1, GCR_EL1 and RGSR_EL1 stay its own while the other VMs run on its CPU. */
static void registers_stay(uint64_t p, bool b)
{
	uint64_t bad = WITH_TAG(p, TAG(p) ^ 0x8);
	uint64_t gcr = b ? 0x8001 : 0x0003, rgsr = b ? 0xb0b000 : 0xa0a000;
	for (unsigned round = 0; round < ROUNDS; round++) {
		bool fault = (round + b) % 2;
		set_tcf(2);
		clear_tfsr();
		if (fault)
			probe_load(bad);
		set_tcf(0);
		wr(GCR_EL1, gcr);
		wr(RGSR_EL1, rgsr + (round << 8));
		isb();
		give_cpu_away();
		check(tfsr() == (fault ? 1UL : 0UL), "TFSR_EL1 after another VM ran", tfsr());
		check(rd(GCR_EL1) == gcr, "GCR_EL1 after another VM ran", rd(GCR_EL1));
		check(rd(RGSR_EL1) == rgsr + (round << 8), "RGSR_EL1 after another VM ran",
		      rd(RGSR_EL1));
	}
	clear_tfsr();
}

static void with_mte(bool b)
{
	uint64_t pfr1 = read_sysreg(id_aa64pfr1_el1);
	unsigned level = (pfr1 >> 8) & 0xf;
	puts_(WHO ": MTE level ");
	putdec(level);
	puts_(" PFR1 ");
	puthex(pfr1);
	puts_(" PFR2 ");
	puthex(rd(PFR2_EL1));
	puts_(" GMID ");
	puthex(rd(GMID_EL1));
	puts_("\n");
	check(level >= 2, "ID_AA64PFR1_EL1.MTE below 2 in an MTE VM", pfr1);
	if (level < 2)
		return;
	mmu_on();
	uint64_t p = tag_buffer();
	checks_in_each_mode(p, level);
	give_cpu_away();
	registers_stay(p, b);
	if (!failed)
		puts_(WHO ": tags checked\n");
}

static void probe_undef(uint64_t (*read)(void), const char *what)
{
	faulted = false;
	probing = true;
	uint64_t v = read();
	probing = false;
	check(faulted && ESR_EC(fault_esr) == 0, what, v);
}

#define READER(reg)                                                                                \
	static uint64_t read_##reg(void)                                                           \
	{                                                                                          \
		return read_sysreg(reg);                                                           \
	}
READER(GCR_EL1)
READER(RGSR_EL1)
READER(TFSR_EL1)
READER(TFSRE0_EL1)
READER(GMID_EL1)

static void without_mte(void)
{
	give_cpu_away(); /* after the MTE VMs set their registers */
	uint64_t pfr1 = read_sysreg(id_aa64pfr1_el1), pfr2 = rd(PFR2_EL1);
	check(!((pfr1 >> 8) & 0xf) && !(pfr2 & 0xfff), "MTE in the ID registers (PFR1, then PFR2)",
	      pfr1);
	check(!(pfr2 & 0xfff), "MTE in ID_AA64PFR2_EL1", pfr2);
	probe_undef(read_GCR_EL1, "GCR_EL1 read without MTE");
	probe_undef(read_RGSR_EL1, "RGSR_EL1 read without MTE");
	probe_undef(read_TFSR_EL1, "TFSR_EL1 read without MTE");
	probe_undef(read_TFSRE0_EL1, "TFSRE0_EL1 read without MTE");
	probe_undef(read_GMID_EL1, "GMID_EL1 read without MTE");
	mmu_on(); /* MAIR 0xf0 all the same: no tags without MTE */
	for (unsigned round = 0; round < ROUNDS; round++) {
		uint64_t tagged = WITH_TAG((uint64_t)buf, 5);
		mte_stg(tagged);
		check(mte_ldg((uint64_t)buf) == 0, "LDG after STG without MTE",
		      mte_ldg((uint64_t)buf));
		check(TAG(mte_irg((uint64_t)buf)) == 0, "IRG's tag without MTE",
		      mte_irg((uint64_t)buf));
		set_tcf(1);
		probe_load(tagged);
		set_tcf(0);
		check(!faulted, "a load through a tagged pointer faulted without MTE, ESR",
		      fault_esr);
		give_cpu_away();
	}
	if (!failed)
		puts_(WHO ": MTE hidden\n");
}

/* Tags of [start, end) that are not 0. */
static uint64_t nonzero_tags(uint64_t start, uint64_t end)
{
	uint64_t n = 0;
	for (uint64_t a = start; a < end; a += 16)
		n += mte_ldg(a) != 0;
	return n;
}

static uint64_t fill(void)
{
	uint64_t block = 4UL << (read_sysreg(dczid_el0) & 0xf);
	wr(GCR_EL1, 0x1);
	isb();
	uint64_t p = mte_irg(FILL_START);
	mte_tag_range(p, WITH_TAG(FILL_END, TAG(p)), block);
	uint64_t untagged = (FILL_END - FILL_START) / 16 - nonzero_tags(FILL_START, FILL_END);
	check(untagged == 0, "granules left with tag 0 after DC GVA", untagged);
	puts_(WHO ": tagged ");
	putdec((FILL_END - FILL_START) >> 20);
	puts_(" MB with tag ");
	putdec(TAG(p));
	puts_("\n");
	return p;
}

/* Granules of [start, end) whose tag is not t. */
static uint64_t tags_not(uint64_t start, uint64_t end, unsigned t)
{
	uint64_t n = 0;
	for (uint64_t a = start; a < end; a += 16)
		n += mte_ldg(a) != t;
	return n;
}

static void keep(void)
{
	uint64_t p = fill();
	set_tcf(2);
	clear_tfsr();
	probe_load(WITH_TAG(p, TAG(p) ^ 0x8));
	set_tcf(0);
	wr(GCR_EL1, 0x8005);
	wr(RGSR_EL1, 0xabcd00);
	isb();
	uint64_t freq = read_sysreg(cntfrq_el0);
	for (unsigned round = 0;; round++) {
		write_sysreg(cntp_cval_el0, read_sysreg(cntpct_el0) + freq / 10);
		write_sysreg(cntp_ctl_el0, 1);
		isb();
		while (!(read_sysreg(cntp_ctl_el0) & 4))
			__asm__ volatile("wfi");
		write_sysreg(cntp_ctl_el0, 0);
		isb();
		uint64_t iar = read_sysreg(s3_0_c12_c12_0);
		if ((iar & 0xffffff) < 1020)
			write_sysreg(s3_0_c12_c12_1, iar);
		unsigned before = failed;
		uint64_t lost = tags_not(FILL_START, FILL_END, TAG(p));
		check(lost == 0, "granules that lost their tag", lost);
		check(tfsr() == 1, "TFSR_EL1 kept", tfsr());
		check(rd(GCR_EL1) == 0x8005, "GCR_EL1 kept", rd(GCR_EL1));
		check(rd(RGSR_EL1) == 0xabcd00, "RGSR_EL1 kept", rd(RGSR_EL1));
		puts_(WHO ": round ");
		putdec(round);
		puts_(failed == before ? ": tags kept\n" : ": FAIL\n");
	}
}

static void read_tags(void)
{
	uint64_t n =
	    nonzero_tags(RAM_BASE, RAM_BASE + 0x200000) + nonzero_tags(FILL_START, FILL_END);
	check(n == 0, "granules with a tag not 0 in memory it never tagged", n);
	puts_(WHO ": tags read, ");
	putdec(n);
	puts_(" not zero\n");
}

int main(const char *dtb)
{
	gic_init();
	if (bootargs_have(dtb, "tag-keep")) {
		mmu_on();
		keep();
	}
	if (bootargs_have(dtb, "tag-fill") || bootargs_have(dtb, "tag-check") ||
	    bootargs_have(dtb, "tag-reset")) {
		mmu_on();
		if (!bootargs_have(dtb, "tag-fill"))
			read_tags();
		if (!bootargs_have(dtb, "tag-check"))
			fill();
		print_summary(WHO, checks - failed, failed);
		if (bootargs_have(dtb, "tag-reset"))
			hvc(PSCI_RESET, 0, 0, 0);
		if (bootargs_have(dtb, "tag-fill"))
			for (;;)
				__asm__ volatile("wfi");
		hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
		return 0;
	}
	give_cpu_away();
	if (bootargs_have(dtb, "no-mte"))
		without_mte();
	else
		with_mte(bootargs_have(dtb, "mte-b"));
	print_summary(WHO, checks - failed, failed);
	hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
	return 0;
}
