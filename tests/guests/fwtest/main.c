/*
 * The firmware below the hypervisor, from the host's side: this program takes the
 * hypervisor's place under Triad's EL3 monitor (tools/triad-run --secure --triad
 * build/guests/fwtest.bin) and calls Triad's RMM and Triad at Secure EL2 directly. It
 * checks what RMM 1.0 says for each RMI call, that a delegated granule is out of the
 * normal world's reach (a granule protection fault on read and on write) and comes back
 * scrubbed, and FFA_VERSION; it times RMI_VERSION and FFA_VERSION (the world switches
 * NS -> Realm -> NS and NS -> Secure -> NS) for `make bench`. Prints "fwtest: PASS n
 * checks" or a FAIL line per failed check, then powers the machine off. Without a
 * secure world (--optee none) the FF-A part is left out.
 */
#include "../lib/guest.h"

#define RMI_VERSION	       0xc4000150
#define RMI_GRANULE_DELEGATE   0xc4000151
#define RMI_GRANULE_UNDELEGATE 0xc4000152
#define RMI_FEATURES	       0xc4000165
#define RMI_UNUSED_FID	       0xc4000156 /* in the RMI range, not an RMM 1.0 command */
#define FFA_VERSION	       0x84000063
#define RMI_SUCCESS	       0
#define RMI_ERROR_INPUT	       1
#define V1_0		       0x10000

#define ESR_EC(esr)   ((esr) >> 26)
#define ESR_DFSC(esr) ((esr)&0x3f)
#define EC_DABT_CUR   0x25
#define DFSC_GPF      0x28

static unsigned checks, failures;
static volatile uint64_t fault_esr; /* the last data abort's ESR, 0 if none */

static void check(bool ok, const char *what, uint64_t got)
{
	checks++;
	if (ok)
		return;
	failures++;
	puts_("fwtest: FAIL ");
	puts_(what);
	puts_(" (got ");
	puthex(got);
	puts_(")\n");
}

/* An SMC with x0-x3 in, x0-x3 out. */
static void smc4(uint64_t r[4])
{
	register uint64_t x0 __asm__("x0") = r[0], x1 __asm__("x1") = r[1], x2 __asm__("x2") = r[2],
			     x3 __asm__("x3") = r[3];
	__asm__ volatile("smc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)::"memory", "x4", "x5", "x6", "x7",
			   "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17");
	r[0] = x0, r[1] = x1, r[2] = x2, r[3] = x3;
}

static uint64_t rmi(uint64_t fid, uint64_t a1)
{
	uint64_t r[4] = {fid, a1, 0, 0};
	smc4(r);
	return r[0];
}

void sync_exception(struct frame *f)
{
	uint64_t esr = read_sysreg(esr_el1);
	if (ESR_EC(esr) != EC_DABT_CUR) {
		puts_("fwtest: FAIL unexpected exception, ESR ");
		puthex(esr);
		puts_("\n");
		smc(PSCI_SYSTEM_OFF, 0, 0, 0);
	}
	fault_esr = esr;
	f->elr += 4; /* skip the access */
}

void unexpected_exception(struct frame *f)
{
	puts_("fwtest: FAIL unexpected exception, ESR ");
	puthex(read_sysreg(esr_el1));
	puts_(" at ");
	puthex(f->elr);
	puts_("\n");
	smc(PSCI_SYSTEM_OFF, 0, 0, 0);
}

void irq_exception(struct frame *f)
{
	(void)f;
}

void secondary_main(unsigned long idx)
{
	(void)idx;
}

/* A load and a store that either happen or fault; each returns the fault's ESR or 0. */
static uint64_t try_read(volatile uint64_t *p, uint64_t *val)
{
	fault_esr = 0;
	*val = *p;
	return fault_esr;
}

static uint64_t try_write(volatile uint64_t *p, uint64_t val)
{
	fault_esr = 0;
	*p = val;
	return fault_esr;
}

static uint8_t page[4096] __attribute__((aligned(4096)));

static void version_and_features(void)
{
	uint64_t r[4] = {RMI_VERSION, V1_0, 0, 0};
	smc4(r);
	check(r[0] == RMI_SUCCESS && r[1] == V1_0 && r[2] == V1_0, "RMI_VERSION(1.0)", r[0]);
	uint64_t bad[4] = {RMI_VERSION, 0x20000, 0, 0};
	smc4(bad);
	check(bad[0] == RMI_ERROR_INPUT && bad[1] == V1_0 && bad[2] == V1_0,
	      "RMI_VERSION(2.0) is ERROR_INPUT with 1.0..1.0", bad[0]);
	uint64_t f[4] = {RMI_FEATURES, 0, 0, 0};
	smc4(f);
	check(f[0] == RMI_SUCCESS && (f[1] & 0xff) >= 32 && (f[1] & 0xff) <= 52,
	      "RMI_FEATURES(0) gives S2SZ", f[1]);
	uint64_t f1[4] = {RMI_FEATURES, 1, 0, 0};
	smc4(f1);
	check(f1[0] == RMI_SUCCESS && f1[1] == 0, "RMI_FEATURES(1) reads as zero", f1[1]);
	check(rmi(RMI_UNUSED_FID, 0) == (uint64_t)-1, "an unused RMI FID is NOT_SUPPORTED",
	      rmi(RMI_UNUSED_FID, 0));
}

static void delegation(void)
{
	volatile uint64_t *p = (volatile uint64_t *)page;
	uint64_t pa = (uint64_t)page, v = 0;
	for (unsigned i = 0; i < 512; i++)
		p[i] = 0x5ec2e7000000000ULL + i;
	check(rmi(RMI_GRANULE_DELEGATE, pa) == RMI_SUCCESS, "DELEGATE of a host page", pa);
	uint64_t esr = try_read(p, &v);
	check(ESR_EC(esr) == EC_DABT_CUR && ESR_DFSC(esr) == DFSC_GPF,
	      "reading a delegated granule is a granule protection fault", esr);
	esr = try_write(p + 7, 1);
	check(ESR_EC(esr) == EC_DABT_CUR && ESR_DFSC(esr) == DFSC_GPF,
	      "writing a delegated granule is a granule protection fault", esr);
	/* Wrong states and addresses change nothing. */
	check(rmi(RMI_GRANULE_DELEGATE, pa) == RMI_ERROR_INPUT, "DELEGATE of a delegated granule",
	      0);
	check(rmi(RMI_GRANULE_DELEGATE, pa + 8) == RMI_ERROR_INPUT, "DELEGATE of a misaligned PA",
	      0);
	check(rmi(RMI_GRANULE_DELEGATE, 0x0e000000) == RMI_ERROR_INPUT, "DELEGATE of secure RAM",
	      0);
	check(rmi(RMI_GRANULE_DELEGATE, 0x09000000) == RMI_ERROR_INPUT, "DELEGATE of a device", 0);
	check(rmi(RMI_GRANULE_DELEGATE, 0x8000000000ULL) == RMI_ERROR_INPUT,
	      "DELEGATE of a PA beyond RAM", 0);
	check(rmi(RMI_GRANULE_UNDELEGATE, pa + 4096) == RMI_ERROR_INPUT,
	      "UNDELEGATE of a granule never delegated", 0);
	check(rmi(RMI_GRANULE_UNDELEGATE, pa) == RMI_SUCCESS, "UNDELEGATE", pa);
	check(rmi(RMI_GRANULE_UNDELEGATE, pa) == RMI_ERROR_INPUT, "UNDELEGATE twice", 0);
	esr = try_read(p, &v);
	check(esr == 0, "an undelegated granule is the host's again", esr);
	bool zero = true;
	for (unsigned i = 0; i < 512; i++)
		zero = zero && p[i] == 0;
	check(zero, "an undelegated granule comes back scrubbed", p[0]);
	/* Round trips leave nothing behind. */
	for (unsigned i = 0; i < 20; i++)
		if (rmi(RMI_GRANULE_DELEGATE, pa) != RMI_SUCCESS ||
		    rmi(RMI_GRANULE_UNDELEGATE, pa) != RMI_SUCCESS) {
			check(false, "delegate/undelegate round trip", i);
			break;
		}
}

/* FF-A through the monitor to Triad at S-EL2, which answers FFA_VERSION itself. */
static bool ffa(void)
{
	uint64_t r[4] = {FFA_VERSION, 0x10001, 0, 0};
	smc4(r);
	if ((uint32_t)r[0] == 0xffffffff)
		return false; /* no secure world */
	check(r[0] == 0x10001, "FFA_VERSION(1.1) is 1.1", r[0]);
	uint64_t bad[4] = {FFA_VERSION, 1ULL << 31, 0, 0};
	smc4(bad);
	check((uint32_t)bad[0] == 0xffffffff, "FFA_VERSION with bit 31 set is NOT_SUPPORTED",
	      bad[0]);
	return true;
}

#define ROUNDS 15

/* Median time of `fid(a1)` round trips, reported as "bench: name N". */
static void bench_call(const char *name, uint64_t fid, uint64_t a1)
{
	uint64_t t[ROUNDS];
	for (unsigned i = 0; i < ROUNDS; i++) {
		uint64_t t0 = counter();
		rmi(fid, a1);
		t[i] = counter() - t0;
	}
	for (unsigned i = 1; i < ROUNDS; i++) /* insertion sort for the median */
		for (unsigned j = i; j > 0 && t[j] < t[j - 1]; j--) {
			uint64_t x = t[j];
			t[j] = t[j - 1];
			t[j - 1] = x;
		}
	uint64_t freq = read_sysreg(cntfrq_el0);
	puts_("bench: ");
	puts_(name);
	puts_(" ");
	putdec(t[ROUNDS / 2] * 1000000000ULL / freq);
	puts_("\n");
}

int main(const char *dtb)
{
	(void)dtb;
	puts_("fwtest: the firmware (RMM, S-EL2) from the host's place\n");
	version_and_features();
	delegation();
	bench_call("rmi_version", RMI_VERSION, V1_0);
	if (ffa())
		bench_call("world_switch_secure", FFA_VERSION, 0x10001);
	if (!failures) {
		puts_("fwtest: PASS ");
		putdec(checks);
		puts_(" checks\n");
		puts_("bench: done\n");
	}
	smc(PSCI_SYSTEM_OFF, 0, 0, 0);
	return 0;
}
