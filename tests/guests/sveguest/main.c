/* The SVE guest. With SVE (ID_AA64PFR0_EL1.SVE): prints its vector length, then, round
 * after round, puts a pattern of its own into Z0-Z31, P0-P15 and FFR, gives its CPU to the
 * other VM pinned there, and reads them back: every byte must be its own (a byte of the
 * other VM's pattern is reported as such). Some rounds write V5 with an FP/SIMD instruction
 * while away from SVE: the rest of Z5 must then read zero. Each round also calls OP-TEE (a
 * world switch through the monitor) with its SVE registers in the CPU. Without SVE (bootargs
 * "no-sve" expected): the ID registers say none and an SVE instruction is UNDEF. */
#include "../lib/guest.h"

#define WHO		     "sveguest"
#define ROUNDS		     24
#define CNTP_PPI	     30
#define VL_MAX		     256
#define BUF_SIZE	     (32 * VL_MAX + 17 * VL_MAX / 8)
#define OPTEE_CALLS_REVISION 0xbf00ff03UL

uint64_t sve_vl(void);
void sve_put(const uint8_t *buf);
void sve_get(uint8_t *buf);
void fp_touch_v5(void);

static uint8_t want[BUF_SIZE] __attribute__((aligned(16)));
static uint8_t got[BUF_SIZE] __attribute__((aligned(16)));
static unsigned failed, checks;
static uint8_t tag, other_tag; /* high nibble of every Z and P byte: which VM's */
static volatile bool probing, undef;

void sync_exception(struct frame *f)
{
	if (probing) {
		undef = true;
		f->elr += 4;
		return;
	}
	fail_exception(WHO, f, false);
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
 * other VM, queued on this CPU, runs meanwhile. */
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

static void fail(const char *what, unsigned reg, unsigned byte, uint8_t g, uint8_t w)
{
	puts_(WHO ": FAIL ");
	puts_(what);
	puts_(" register ");
	puthex(reg);
	puts_(" byte ");
	puthex(byte);
	puts_(" got ");
	puthex(g);
	puts_(" expected ");
	puthex(w);
	if ((g & 0xf0) == other_tag && g != w)
		puts_(": the other VM's value");
	puts_("\n");
	failed++;
}

static void fill(unsigned vl, unsigned round)
{
	for (unsigned i = 0; i < 32 * vl + 16 * vl / 8; i++)
		want[i] = tag | ((i * 7 + round * 3 + i / vl) & 0xf);
	/* FFR: a first-fault result is a run of ones from element 0 (WRFFR of anything else
	 * is not what software restores). */
	unsigned ones = (tag == 0xa0 ? vl / 2 : vl / 4) + round % 5;
	uint8_t *ffr = want + 32 * vl + 16 * vl / 8;
	for (unsigned b = 0; b < vl / 8; b++)
		ffr[b] = ones >= (b + 1) * 8 ? 0xff
			 : ones > b * 8	     ? (uint8_t)((1U << (ones - b * 8)) - 1)
					     : 0;
}

static void compare(unsigned vl)
{
	unsigned z = 32 * vl, p = 16 * vl / 8;
	bool bad_z = false, bad_p = false, bad_ffr = false;
	for (unsigned i = 0; i < z + p + vl / 8; i++) {
		if (got[i] == want[i])
			continue;
		if (i < z && !bad_z) {
			fail("Z", i / vl, i % vl, got[i], want[i]);
			bad_z = true;
		} else if (i >= z && i < z + p && !bad_p) {
			fail("P", (i - z) / (vl / 8), (i - z) % (vl / 8), got[i], want[i]);
			bad_p = true;
		} else if (i >= z + p && !bad_ffr) {
			fail("FFR", 0, i - z - p, got[i], want[i]);
			bad_ffr = true;
		}
	}
	checks++;
}

/* Every round, after the SVE VMs had the CPU: still no SVE here (none of their registers
 * reachable), whatever they left in the CPU. */
static void without_sve(void)
{
	uint64_t pfr0 = read_sysreg(id_aa64pfr0_el1);
	uint64_t zfr0 = read_sysreg(s3_0_c0_c4_4);
	checks++;
	if ((pfr0 >> 32) & 0xf || zfr0) {
		puts_(WHO ": FAIL SVE in the ID registers of a VM without it: PFR0 ");
		puthex(pfr0);
		puts_(" ZFR0 ");
		puthex(zfr0);
		puts_("\n");
		failed++;
	}
	unsigned ran = 0;
	for (unsigned round = 0; round < ROUNDS; round++) {
		give_cpu_away();
		probing = true;
		undef = false;
		sve_vl();
		probing = false;
		checks++;
		if (!undef && ran++ == 0) {
			puts_(WHO ": FAIL RDVL ran in a VM without SVE\n");
			failed++;
		}
	}
	if (!failed)
		puts_(WHO ": SVE hidden\n");
}

int main(const char *dtb)
{
	bool b = bootargs_have(dtb, "sve-b");
	tag = b ? 0xb0 : 0xa0;
	other_tag = b ? 0xa0 : 0xb0;
	write_sysreg(cpacr_el1, (3 << 20) | (3 << 16)); /* FPEN, ZEN: FP/SIMD and SVE at EL1 */
	isb();
	gic_init();
	give_cpu_away();
	if (!((read_sysreg(id_aa64pfr0_el1) >> 32) & 0xf) || bootargs_have(dtb, "no-sve")) {
		without_sve();
		print_summary(WHO, checks - failed, failed);
		hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
		return 0;
	}
	unsigned vl = (unsigned)sve_vl();
	puts_(WHO ": vector length ");
	putdec(vl);
	puts_(" ZFR0 ");
	puthex(read_sysreg(s3_0_c0_c4_4));
	puts_("\n");
	if (vl > VL_MAX || vl % 16) {
		puts_(WHO ": FAIL vector length out of range\n");
		hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
	}
	for (unsigned round = 0; round < ROUNDS; round++) {
		fill(vl, round);
		sve_put(want);
		/* A trusted-OS call: into the secure world and back (when there is one),
		 * through the monitor, with this VM's SVE registers in the CPU. */
		hvc(OPTEE_CALLS_REVISION, 0, 0, 0);
		give_cpu_away();
		if (round % 3 == 2) {
			/* Away again, then an FP/SIMD write of V5: Z5 above 128 bits is zero. */
			give_cpu_away();
			fp_touch_v5();
			for (unsigned i = 5 * vl + 16; i < 6 * vl; i++)
				want[i] = 0;
		}
		sve_get(got);
		compare(vl);
	}
	print_summary(WHO, checks - failed, failed);
	hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
	return 0;
}
