/* The bad guest: does, on purpose, what a buggy or malicious guest might, and checks that
 * Triad gives the architectural answer each time (and keeps running it). Prints one line
 * per check and a summary, then powers off. Booted with --cpus 2 --mem 64M. */
#include "../lib/guest.h"

#define RAM_SIZE   (64UL << 20)
#define GICR_SGI   (GICR + 0x10000)
#define GICR_FRAME GICR_SIZE

#define SMCCC_NOT_SUPPORTED  (-1L)
#define PSCI_INVALID_PARAMS  (-2L)
#define PSCI_INVALID_ADDRESS (-9L)
#define PSCI_VERSION	     0x84000000UL
#define PSCI_AFFINITY_INFO   0xC4000004UL
#define PSCI_FEATURES	     0x8400000AUL

/* ---- checks ---- */

static unsigned passed, failed;

static void check(bool ok, const char *name, const char *what, uint64_t got, uint64_t want)
{
	if (ok) {
		passed++;
		puts_("badguest: PASS ");
		puts_(name);
		puts_("\n");
		return;
	}
	failed++;
	puts_("badguest: FAIL ");
	puts_(name);
	puts_(": ");
	puts_(what);
	puts_(" got ");
	puthex(got);
	puts_(" want ");
	puthex(want);
	puts_("\n");
}

#define CHECK_EQ(name, got, want)                                                                  \
	do {                                                                                       \
		uint64_t g_ = (uint64_t)(got), w_ = (uint64_t)(want);                              \
		check(g_ == w_, name, #got, g_, w_);                                               \
	} while (0)

/* ---- exceptions ---- */

static volatile uint64_t exc_count, exc_esr, exc_far;
static volatile bool return_to_lr; /* an instruction abort: resume at the caller */

void sync_exception(struct frame *f)
{
	exc_count++;
	exc_esr = read_sysreg(esr_el1);
	exc_far = read_sysreg(far_el1);
	if (return_to_lr)
		f->elr = f->x[30];
	else
		f->elr += 4; /* skip the faulting instruction */
}

/* The bad guest never unmasks interrupts, and never starts another CPU. */
void irq_exception(struct frame *f)
{
	unexpected_exception(f);
}

void unexpected_exception(struct frame *f)
{
	puts_("badguest: FAIL unexpected exception ESR ");
	puthex(read_sysreg(esr_el1));
	puts_(" at ");
	puthex(f->elr);
	puts_("\n");
	failed++;
	f->elr += 4;
}

static void reset_exc(void)
{
	exc_count = exc_esr = exc_far = 0;
}

static unsigned exc_class(void)
{
	return (unsigned)ESR_EC(exc_esr);
}

/* ---- SMCCC ---- */

static void test_smccc(void)
{
	static const uint64_t unknown[] = {0xC2001234, 0x86000000, 0x12345, 0x8400ffff};
	for (unsigned i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		CHECK_EQ("unknown HVC function is NOT_SUPPORTED", hvc(unknown[i], 1, 2, 3),
			 SMCCC_NOT_SUPPORTED);
		CHECK_EQ("unknown SMC function is NOT_SUPPORTED", smc(unknown[i], 1, 2, 3),
			 SMCCC_NOT_SUPPORTED);
	}
	/* An OP-TEE message at an address that is not the guest's RAM: EBADADDR from the
	 * mediator, or UNKNOWN_FUNCTION on a machine without OP-TEE (tests/guests/teeguest
	 * checks the mediator in depth). */
	bool optee = (smc(0xbf00ff01, 0, 0, 0) & 0xffffffff) == 0x384fb3e0;
	CHECK_EQ("OP-TEE call with an address outside its RAM is refused",
		 smc(0x32000004, 0xdead, 0xbeef000, 1) & 0xffffffff, optee ? 4 : 0xffffffff);
	CHECK_EQ("OP-TEE VM_CREATED from a guest is refused", smc(0xb200000d, 5, 0, 0) & 0xffffffff,
		 0xffffffff);
	/* RMI is the host's interface: a guest naming a physical address (its own RAM's
	 * base here) must never reach the RMM. */
	CHECK_EQ("RMI_GRANULE_DELEGATE from a guest is NOT_SUPPORTED",
		 smc(0xc4000151, 0x40000000, 0, 0), SMCCC_NOT_SUPPORTED);
	CHECK_EQ("RMI_VERSION from a guest is NOT_SUPPORTED", hvc(0xc4000150, 0x10000, 0, 0),
		 SMCCC_NOT_SUPPORTED);
	CHECK_EQ("PSCI_VERSION is 1.1", hvc(PSCI_VERSION, 0, 0, 0), 0x10001);
	CHECK_EQ("SMCCC_VERSION is 1.2", hvc(SMCCC_VERSION, 0, 0, 0), 0x10002);
	CHECK_EQ("PSCI_FEATURES(SYSTEM_OFF) is implemented",
		 hvc(PSCI_FEATURES, PSCI_SYSTEM_OFF, 0, 0), 0);
	CHECK_EQ("PSCI_FEATURES(unknown) is NOT_SUPPORTED", hvc(PSCI_FEATURES, 0x8400ffff, 0, 0),
		 SMCCC_NOT_SUPPORTED);
	CHECK_EQ("CPU_ON of a CPU that does not exist", hvc(PSCI_CPU_ON, 0xff, RAM_BASE, 0),
		 PSCI_INVALID_PARAMS);
	CHECK_EQ("CPU_ON with garbage in the MPIDR's upper bits",
		 hvc(PSCI_CPU_ON, 1UL << 40 | 1, RAM_BASE, 0), PSCI_INVALID_PARAMS);
	CHECK_EQ("CPU_ON with an entry point outside RAM", hvc(PSCI_CPU_ON, 1, 0x1000, 0),
		 PSCI_INVALID_ADDRESS);
	CHECK_EQ("CPU_ON with an entry point past the end of RAM",
		 hvc(PSCI_CPU_ON, 1, RAM_BASE + RAM_SIZE, 0), PSCI_INVALID_ADDRESS);
	CHECK_EQ("AFFINITY_INFO: this CPU is on", hvc(PSCI_AFFINITY_INFO, 0, 0, 0), 0);
	CHECK_EQ("AFFINITY_INFO: CPU 1 is still off", hvc(PSCI_AFFINITY_INFO, 1, 0, 0), 1);
	CHECK_EQ("AFFINITY_INFO of a CPU that does not exist", hvc(PSCI_AFFINITY_INFO, 0xff, 0, 0),
		 PSCI_INVALID_PARAMS);
}

/* ---- unmapped memory ---- */

static void __attribute__((noinline)) call_address(uint64_t addr)
{
	return_to_lr = true;
	__asm__ volatile("blr %0" ::"r"(addr) : "x30", "memory");
	return_to_lr = false;
}

static void test_unmapped(void)
{
	static const uint64_t holes[] = {0x20000000, RAM_BASE + RAM_SIZE, 0x4000000000UL};
	for (unsigned i = 0; i < sizeof(holes) / sizeof(holes[0]); i++) {
		uint64_t a = holes[i];
		reset_exc();
		(void)rd32(a);
		CHECK_EQ("read of unmapped IPA gives a data abort", exc_class(), EC_DABT_CUR);
		CHECK_EQ("  ... reporting the address", exc_far, a);
		reset_exc();
		wr32(a, 0xdeadbeef);
		CHECK_EQ("write to unmapped IPA gives a data abort", exc_class(), EC_DABT_CUR);
		CHECK_EQ("  ... with WnR set", (exc_esr >> 6) & 1, 1);
		reset_exc();
		call_address(a);
		CHECK_EQ("fetch from unmapped IPA gives an instruction abort", exc_class(),
			 EC_IABT_CUR);
		CHECK_EQ("  ... reporting the address", exc_far, a);
	}
}

/* ---- system registers ---- */

static void test_sysregs(void)
{
	reset_exc();
	uint64_t v = read_sysreg(s3_0_c15_c0_0); /* IMPLEMENTATION DEFINED */
	(void)v;
	CHECK_EQ("IMPDEF system register read is UNDEFINED", exc_count == 1 ? exc_class() : 0xff,
		 EC_UNKNOWN);
	reset_exc();
	write_sysreg(s3_1_c15_c2_0, 0x1234);
	CHECK_EQ("IMPDEF system register write is UNDEFINED", exc_count == 1 ? exc_class() : 0xff,
		 EC_UNKNOWN);
	reset_exc();
	uint64_t pfr0 = read_sysreg(id_aa64pfr0_el1);
	CHECK_EQ("ID_AA64PFR0_EL1 hides EL2", (pfr0 >> 8) & 0xf, 0);
	CHECK_EQ("ID_AA64PFR0_EL1 hides EL3", (pfr0 >> 12) & 0xf, 0);
	CHECK_EQ("ID_AA64PFR0_EL1 hides SVE", (pfr0 >> 32) & 0xf, 0);
	CHECK_EQ("ID_AA64PFR0_EL1 hides RME", (pfr0 >> 52) & 0xf, 0);
	CHECK_EQ("ID_AA64MMFR1_EL1 hides VHE", (read_sysreg(id_aa64mmfr1_el1) >> 8) & 0xf, 0);
	CHECK_EQ("no exception from ID register reads", exc_count, 0);
}

/* ---- GIC ---- */

static void test_gic_garbage(void)
{
	uint32_t typer = rd32(GICD + 0x4), iidr = rd32(GICD + 0x8);
	reset_exc();
	wr32(GICD + 0x4, 0xffffffff);	 /* GICD_TYPER is read-only */
	wr32(GICD + 0x8, 0x12345678);	 /* GICD_IIDR too */
	wr32(GICD + 0xc000, 0xffffffff); /* IMPLEMENTATION DEFINED / reserved */
	wr32(GICD + 0x0f00, 0x00ff000f); /* GICD_SGIR: legacy, not with affinity routing */
	CHECK_EQ("GICD garbage writes are ignored without a fault", exc_count, 0);
	CHECK_EQ("GICD_TYPER unchanged", rd32(GICD + 0x4), typer);
	CHECK_EQ("GICD_IIDR unchanged", rd32(GICD + 0x8), iidr);
	CHECK_EQ("reserved GICD offset reads as zero", rd32(GICD + 0xc000), 0);
	/* A load pair gives no syndrome to emulate from: the guest gets an abort. */
	reset_exc();
	uint32_t a, b;
	__asm__ volatile("ldp %w0, %w1, [%2]" : "=r"(a), "=r"(b) : "r"(GICD) : "memory");
	CHECK_EQ("load pair from GICD gives a data abort", exc_class(), EC_DABT_CUR);
	/* Redistributor of vCPU 1 exists (2 vCPUs); the frame after it does not. */
	reset_exc();
	(void)rd32(GICR + 2 * GICR_FRAME + 0x8);
	CHECK_EQ("read past the last redistributor gives a data abort", exc_class(), EC_DABT_CUR);
	reset_exc();
	wr32(GICR + 0x8, 0xffffffff); /* GICR_TYPER: read-only */
	CHECK_EQ("GICR_TYPER write ignored", exc_count, 0);
	CHECK_EQ("GICR_TYPER still says processor 0", (rd32(GICR + 0x8) >> 8) & 0xffff, 0);
}

static void gic_enable(void)
{
	wr32(GICD + 0x0, (1U << 4) | (1U << 1));	   /* ARE, EnableGrp1 */
	wr32(GICR + 0x14, rd32(GICR + 0x14) & ~(1U << 1)); /* wake the redistributor */
	while (rd32(GICR + 0x14) & (1U << 2))
		;
	write_sysreg(s3_0_c12_c12_5, read_sysreg(s3_0_c12_c12_5) | 1); /* ICC_SRE_EL1.SRE */
	isb();
	write_sysreg(s3_0_c4_c6_0, 0xff); /* ICC_PMR_EL1: let everything through */
	write_sysreg(s3_0_c12_c12_3, 0);  /* ICC_BPR1_EL1 */
	write_sysreg(s3_0_c12_c12_7, 1);  /* ICC_IGRPEN1_EL1 */
	isb();
}

static uint32_t ack(void)
{
	uint32_t intid = (uint32_t)read_sysreg(s3_0_c12_c12_0); /* ICC_IAR1_EL1 */
	__asm__ volatile("dsb sy" ::: "memory");
	return intid;
}

static void eoi(uint32_t intid)
{
	write_sysreg(s3_0_c12_c12_1, intid); /* ICC_EOIR1_EL1: drop and deactivate */
	isb();
}

/* Polls ICC_IAR1_EL1 for a while; the guest keeps PSTATE.I masked throughout. */
static uint32_t wait_ack(void)
{
	for (unsigned i = 0; i < 2000000; i++) {
		uint32_t intid = ack();
		if (intid < 1020)
			return intid;
	}
	return 1023;
}

static void test_sgi_priorities(void)
{
	/* SGIs 0..7, all group 1, enabled, SGI n at priority (8 - n) * 0x10: 7 is the most
	 * urgent. More SGIs than Triad has list registers (4 on QEMU). */
	wr32(GICR_SGI + 0x80, 0xffffffff); /* IGROUPR0: group 1 */
	for (unsigned n = 0; n < 8; n++) {
		uint8_t prio = (uint8_t)((8 - n) * 0x10);
		__asm__ volatile("strb %w0, [%1]" ::"r"(prio), "r"(GICR_SGI + 0x400 + n)
				 : "memory");
	}
	wr32(GICR_SGI + 0x100, 0xff); /* ISENABLER0 */
	for (unsigned n = 0; n < 8; n++)
		write_sysreg(s3_0_c12_c11_5, ((uint64_t)n << 24) | 1); /* ICC_SGI1R_EL1 to self */
	isb();
	unsigned in_order = 0, seen = 0;
	uint32_t expect = 7;
	for (unsigned i = 0; i < 8; i++) {
		uint32_t intid = wait_ack();
		if (intid >= 1020)
			break;
		seen |= 1U << intid;
		if (intid == expect)
			in_order++;
		expect--;
		eoi(intid);
	}
	CHECK_EQ("all 8 SGIs delivered through 4 list registers", seen, 0xff);
	CHECK_EQ("SGIs delivered highest priority first", in_order, 8);
	CHECK_EQ("nothing else pending afterwards", ack(), 1023);
}

static void test_active_priority(void)
{
	/* While a high-priority interrupt is active, a lower one must wait for its EOI. */
	write_sysreg(s3_0_c12_c11_5, (1UL << 24) | 1); /* SGI 1: priority 0x70 */
	isb();
	uint32_t first = wait_ack();
	CHECK_EQ("SGI 1 acknowledged", first, 1);
	write_sysreg(s3_0_c12_c11_5, (0UL << 24) | 1); /* SGI 0: priority 0x80, lower */
	isb();
	for (volatile int i = 0; i < 100000; i++)
		;
	CHECK_EQ("lower priority SGI held back while SGI 1 is active", ack(), 1023);
	eoi(first);
	CHECK_EQ("then delivered after the EOI", wait_ack(), 0);
	eoi(0);
}

static void test_timers(void)
{
	wr32(GICR_SGI + 0x100, (1U << 27) | (1U << 30));
	/* Virtual timer: a short deadline, then it must arrive as INTID 27. */
	write_sysreg(cntv_tval_el0, 10000);
	write_sysreg(cntv_ctl_el0, 1);
	isb();
	uint32_t intid = wait_ack();
	write_sysreg(cntv_ctl_el0, 0);
	isb();
	CHECK_EQ("virtual timer arrives as INTID 27", intid, 27);
	if (intid < 1020)
		eoi(intid);
	/* EL1 physical timer (emulated by Triad): INTID 30. */
	write_sysreg(cntp_tval_el0, 10000);
	write_sysreg(cntp_ctl_el0, 1);
	isb();
	intid = wait_ack();
	CHECK_EQ("physical timer reports ISTATUS once expired", read_sysreg(cntp_ctl_el0) & 4, 4);
	write_sysreg(cntp_ctl_el0, 0);
	isb();
	CHECK_EQ("physical timer arrives as INTID 30", intid, 30);
	if (intid < 1020)
		eoi(intid);
	CHECK_EQ("no timer interrupt left once disabled", ack(), 1023);
}

static void test_uart_ids(void)
{
	static const uint8_t ids[] = {0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
	unsigned ok = 0;
	for (unsigned i = 0; i < 8; i++)
		ok += (rd32(UART + 0xfe0 + 4 * i) & 0xff) == ids[i];
	CHECK_EQ("PL011 peripheral and cell IDs", ok, 8);
}

/* ---- virtio: corrupted virtqueues break the device, not Triad ---- */

#define VIRTIO	    0x0a000000UL
#define VQ_DESC	    (RAM_BASE + 0x800000)
#define VQ_AVAIL    (VQ_DESC + 0x1000)
#define VQ_USED	    (VQ_DESC + 0x2000)
#define VQ_BUF	    (VQ_DESC + 0x3000)
#define NEEDS_RESET 0x40

/* Resets the console device and sets its transmit queue up, ready and live. */
static void virtio_setup_txq(void)
{
	for (uint64_t a = VQ_DESC; a < VQ_BUF + 0x100; a += 8)
		wr64(a, 0);
	wr32(VIRTIO + 0x70, 0); /* reset */
	wr32(VIRTIO + 0x70, 1 | 2);
	wr32(VIRTIO + 0x24, 1);
	wr32(VIRTIO + 0x20, 1); /* VERSION_1 */
	wr32(VIRTIO + 0x24, 0);
	wr32(VIRTIO + 0x20, 0);
	wr32(VIRTIO + 0x70, 1 | 2 | 8);
	wr32(VIRTIO + 0x30, 1); /* transmitq */
	wr32(VIRTIO + 0x38, 8);
	wr32(VIRTIO + 0x80, (uint32_t)VQ_DESC);
	wr32(VIRTIO + 0x84, 0);
	wr32(VIRTIO + 0x90, (uint32_t)VQ_AVAIL);
	wr32(VIRTIO + 0x94, 0);
	wr32(VIRTIO + 0xa0, (uint32_t)VQ_USED);
	wr32(VIRTIO + 0xa4, 0);
	wr32(VIRTIO + 0x44, 1);
	wr32(VIRTIO + 0x70, 1 | 2 | 8 | 4);
}

static void put_desc(unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	wr64(VQ_DESC + 16 * i, addr);
	wr32(VQ_DESC + 16 * i + 8, len);
	wr16(VQ_DESC + 16 * i + 12, flags);
	wr16(VQ_DESC + 16 * i + 14, next);
}

/* Offers descriptor 0 and tells the device. */
static void offer_and_notify(void)
{
	wr16(VQ_AVAIL + 4, 0);
	wr16(VQ_AVAIL + 2, (uint16_t)(rd16(VQ_AVAIL + 2) + 1));
	wr32(VIRTIO + 0x50, 1);
}

static void test_virtio_corruption(void)
{
	CHECK_EQ("virtio-mmio magic", rd32(VIRTIO), 0x74726976);
	CHECK_EQ("virtio-mmio version 2", rd32(VIRTIO + 4), 2);
	CHECK_EQ("virtio device is a console", rd32(VIRTIO + 8), 3);
	/* A well-formed buffer is consumed (and printed). */
	virtio_setup_txq();
	CHECK_EQ("features accepted", rd32(VIRTIO + 0x70) & 8, 8);
	wr32(VQ_BUF, 0x0a6b6f); /* "ok\n" */
	put_desc(0, VQ_BUF, 3, 0, 0);
	offer_and_notify();
	CHECK_EQ("good buffer used", rd16(VQ_USED + 2), 1);
	CHECK_EQ("device still fine", rd32(VIRTIO + 0x70) & NEEDS_RESET, 0);
	/* A buffer outside guest RAM, a descriptor loop, a head out of range: each breaks
	 * the device (NEEDS_RESET, a configuration interrupt) and nothing else. */
	static const struct {
		const char *name;
		uint64_t addr;
		uint16_t flags, next, head;
	} bad[] = {
	    {"buffer outside guest RAM breaks the device", 0x1000, 0, 0, 0},
	    {"descriptor loop breaks the device", VQ_BUF, 1, 0, 0},
	    {"head out of range breaks the device", VQ_BUF, 0, 0, 200},
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		virtio_setup_txq();
		put_desc(0, bad[i].addr, 3, bad[i].flags, bad[i].next);
		wr16(VQ_AVAIL + 4, bad[i].head);
		wr16(VQ_AVAIL + 2, 1);
		wr32(VIRTIO + 0x50, 1);
		CHECK_EQ(bad[i].name, rd32(VIRTIO + 0x70) & NEEDS_RESET, NEEDS_RESET);
		CHECK_EQ("nothing used", rd16(VQ_USED + 2), 0);
		CHECK_EQ("configuration interrupt", rd32(VIRTIO + 0x60) & 2, 2);
	}
	wr32(VIRTIO + 0x70, 0);
	CHECK_EQ("a reset clears NEEDS_RESET", rd32(VIRTIO + 0x70), 0);
}

int main(void)
{
	puts_("badguest: start\n");
	test_smccc();
	test_unmapped();
	test_sysregs();
	test_uart_ids();
	test_virtio_corruption();
	test_gic_garbage();
	puts_("badguest: enabling the GIC\n");
	gic_enable();
	puts_("badguest: GIC on\n");
	test_sgi_priorities();
	test_active_priority();
	test_timers();
	print_summary("badguest", passed, failed);
	hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
	return 0;
}
