/*
 * The FF-A guest's notification checks. "ffa=notif" (with the test partition, two vCPUs):
 * what FFA_FEATURES says (the NPI's virtual SGI, no SRI or bitmap calls for a VM), what a VM
 * may not do (INFO_GET, another's bitmap, setting as another, binding or getting another's
 * bits, another vCPU's), then the partition notifies the VM (global: the NPI comes, GET
 * has exactly those bits, then nothing; per-vCPU for vCPU 1: taken on vCPU 1), unbound,
 * forged, wrongly-kinded and out-of-range sets refused, and the VM notifies the partition.
 * "ffa=notif-vm" (two such VMs, no partition needed): each binds the other, sets the
 * other's bits, takes its NPI and gets exactly the other's bits. "ffa=notif-reset": the
 * VM's bitmaps outlive no reset.
 */
#include "../../../include/triad/ffa.h"
#include "../ffasp/notif_cmds.h"
#include "../lib/check.h"
#include "notif.h"

#define SP_ID	     0x8001
#define NPI	     9 /* FFA_FEATURES(NPI)'s answer, checked */
#define GICR_SGI(c)  (GICR + (c)*GICR_SIZE + 0x10000)
#define WAIT_SECONDS 30 /* a hang detector only */
#define VTIMER	     27 /* wakes a vCPU waiting in WFI when the wait is over */

static volatile unsigned npi[2];
static volatile bool cpu1_ready, cpu1_done;
static volatile uint64_t cpu1_bits, cpu1_x0;
static uint16_t notif_me;
bool notif_mode;

static unsigned this_cpu_index(void)
{
	return (unsigned)(read_sysreg(mpidr_el1) & 0xff);
}

void notif_irq(void)
{
	uint64_t iar = read_sysreg(s3_0_c12_c12_0); /* ICC_IAR1_EL1 */
	uint32_t id = (uint32_t)(iar & 0xffffff);
	if (id == NPI && this_cpu_index() < 2)
		npi[this_cpu_index()]++;
	if (id == VTIMER)
		write_sysreg(cntv_ctl_el0, 3UL); /* the wait is over: masked */
	if (id < 1020)
		write_sysreg(s3_0_c12_c12_1, iar); /* ICC_EOIR1_EL1 */
}

/* This vCPU takes the NPI (and nothing else). */
void npi_on(unsigned cpu)
{
	if (cpu == 0)
		wr32(GICD, 0x13); /* GICD_CTLR: ARE, Group 0 and 1 on */
	gicr_wake(cpu);
	wr32(GICR_SGI(cpu) + 0x80, 0xffffffff);		       /* IGROUPR0: Group 1 */
	wr32(GICR_SGI(cpu) + 0x100, 1U << NPI | 1U << VTIMER); /* ISENABLER0 */
	gic_cpu_interface_on();
	__asm__ volatile("msr daifclr, #2" ::: "memory");
}

/* Waits (in WFI) until vCPU cpu has taken more than `seen` NPIs; false after WAIT_SECONDS. */
bool wait_npi(unsigned cpu, unsigned seen)
{
	uint64_t freq = read_sysreg(cntfrq_el0), t0 = counter();
	write_sysreg(cntv_cval_el0, t0 + WAIT_SECONDS * freq);
	write_sysreg(cntv_ctl_el0, 1UL);
	isb();
	while (npi[cpu] <= seen && counter() - t0 <= WAIT_SECONDS * freq)
		__asm__ volatile("wfi");
	write_sysreg(cntv_ctl_el0, 0UL);
	isb();
	return npi[cpu] > seen;
}

static void call(uint64_t r[FFA_NREGS], uint64_t fid, uint64_t w1, uint64_t w2, uint64_t bits)
{
	for (int i = 0; i < FFA_NREGS; i++)
		r[i] = 0;
	r[0] = fid;
	r[1] = w1;
	r[2] = w2;
	r[3] = (uint32_t)bits;
	r[4] = bits >> 32;
	hvc18(r);
}

static bool is_error(const uint64_t r[FFA_NREGS], uint32_t code)
{
	return (uint32_t)r[0] == FFA_ERROR && (uint32_t)r[2] == code;
}

/* A request to the test partition: x3 = cmd, x4-x6 = a, b, c (64-bit). */
static void sp_req(uint16_t me, uint64_t cmd, uint64_t a, uint64_t b, uint64_t c,
		   uint64_t r[FFA_NREGS])
{
	for (int i = 0; i < FFA_NREGS; i++)
		r[i] = 0;
	r[0] = FFA_MSG_SEND_DIRECT_REQ | FFA_SMC64;
	r[1] = (uint64_t)me << 16 | SP_ID;
	r[3] = cmd;
	r[4] = a;
	r[5] = b;
	r[6] = c;
	hvc18(r);
}

/* The partition's answer to a notification request: its call's x0 and w2. */
static bool sp_said(const uint64_t r[FFA_NREGS], uint32_t x0, uint32_t w2)
{
	return r[0] == (FFA_MSG_SEND_DIRECT_RESP | FFA_SMC64) && (uint32_t)r[4] == x0 &&
	       (uint32_t)r[5] == w2;
}

/* GET on this vCPU: x0, and the bits from partitions and from VMs. */
static uint64_t get(uint16_t me, unsigned vcpu, uint32_t flags, uint64_t *sps, uint64_t *vms)
{
	uint64_t r[FFA_NREGS];
	call(r, FFA_NOTIFICATION_GET, (uint64_t)vcpu << 16 | me, flags, 0);
	*sps = (uint32_t)r[2] | r[3] << 32;
	*vms = (uint32_t)r[4] | r[5] << 32;
	return r[0];
}

#define ALL_BITMAPS                                                                                \
	(FFA_NOTIF_GET_FROM_SP | FFA_NOTIF_GET_FROM_VM | FFA_NOTIF_GET_FROM_SPM |                  \
	 FFA_NOTIF_GET_FROM_HYP)

static void features_and_refusals(uint16_t me)
{
	uint64_t r[FFA_NREGS];
	call(r, FFA_FEATURES, FFA_FEATURE_NPI, 0, 0);
	check(r[0] == FFA_SUCCESS && r[2] == NPI, "FFA_FEATURES(NPI): virtual SGI 9", r[2]);
	call(r, FFA_FEATURES, FFA_FEATURE_SRI, 0, 0);
	check(is_error(r, FFA_NOT_SUPPORTED), "FFA_FEATURES(SRI) is NOT_SUPPORTED (Triad's)", r[0]);
	call(r, FFA_FEATURES, FFA_NOTIFICATION_BITMAP_CREATE, 0, 0);
	check(is_error(r, FFA_NOT_SUPPORTED), "FFA_FEATURES(BITMAP_CREATE) is NOT_SUPPORTED", r[0]);
	call(r, FFA_FEATURES, FFA_NOTIFICATION_SET, 0, 0);
	check(r[0] == FFA_SUCCESS, "FFA_FEATURES(NOTIFICATION_SET) is supported", r[0]);
	call(r, FFA_NOTIFICATION_INFO_GET | FFA_SMC64, 0, 0, 0);
	uint64_t q[FFA_NREGS];
	call(q, FFA_NOTIFICATION_INFO_GET, 0, 0, 0);
	check(is_error(r, FFA_NOT_SUPPORTED) && is_error(q, FFA_NOT_SUPPORTED),
	      "INFO_GET (64 and 32) from a VM is NOT_SUPPORTED", r[0]);
	call(r, FFA_NOTIFICATION_BITMAP_CREATE, (uint16_t)(me + 1), 2, 0);
	check(is_error(r, FFA_INVALID_PARAMETERS),
	      "BITMAP_CREATE for another ID is INVALID_PARAMETERS", r[2]);
	call(r, FFA_NOTIFICATION_BITMAP_CREATE, me, 2, 0);
	check(is_error(r, FFA_DENIED), "BITMAP_CREATE of its own is DENIED (Triad made it)", r[2]);
	call(r, FFA_NOTIFICATION_BITMAP_DESTROY, (uint16_t)(me + 1), 0, 0);
	check(is_error(r, FFA_INVALID_PARAMETERS), "BITMAP_DESTROY of another's is refused", r[2]);
	call(r, FFA_NOTIFICATION_BIND, (uint64_t)SP_ID << 16 | (uint16_t)(me + 1), 0, 1);
	check(is_error(r, FFA_INVALID_PARAMETERS), "BIND of another VM's bits is refused", r[2]);
	call(r, FFA_NOTIFICATION_SET, (uint64_t)(uint16_t)(me + 1) << 16 | SP_ID, 0, 1);
	check(is_error(r, FFA_INVALID_PARAMETERS), "SET as another VM (forged sender) is refused",
	      r[2]);
	call(r, FFA_NOTIFICATION_GET, (uint16_t)(me + 1), FFA_NOTIF_GET_FROM_SP, 0);
	check(is_error(r, FFA_INVALID_PARAMETERS), "GET of another VM's bits is refused", r[2]);
	call(r, FFA_NOTIFICATION_GET, 1U << 16 | me, FFA_NOTIF_GET_FROM_SP, 0);
	check(is_error(r, FFA_INVALID_PARAMETERS), "GET for another vCPU than its own is refused",
	      r[2]);
	call(r, FFA_NOTIFICATION_GET, me, 1U << 4, 0);
	check(is_error(r, FFA_INVALID_PARAMETERS), "GET with unknown flags is refused", r[2]);
}

void notif_secondary(void)
{
	npi_on(1);
	cpu1_ready = true;
	bool came = wait_npi(1, 0);
	uint64_t sps = 0, vms = 0;
	cpu1_x0 = came ? get(notif_me, 1, ALL_BITMAPS, &sps, &vms) : 0;
	cpu1_bits = sps;
	__asm__ volatile("dmb ish" ::: "memory");
	cpu1_done = true;
}

/* The partition notifies the VM: global, then per-vCPU for vCPU 1. */
static void from_the_partition(uint16_t me)
{
	uint64_t r[FFA_NREGS], sps, vms;
	call(r, FFA_NOTIFICATION_BIND, (uint64_t)SP_ID << 16 | me, 0, 0x5);
	check(r[0] == FFA_SUCCESS, "the VM binds bits 0 and 2 to the partition", r[2]);
	call(r, FFA_NOTIFICATION_BIND, (uint64_t)SP_ID << 16 | me, FFA_NOTIF_PER_VCPU, 0x100);
	check(r[0] == FFA_SUCCESS, "... and bit 8, per-vCPU", r[2]);
	call(r, FFA_NOTIFICATION_BIND, (uint64_t)(SP_ID + 1) << 16 | me, 0, 0x5);
	check(is_error(r, FFA_INVALID_PARAMETERS) || is_error(r, FFA_DENIED),
	      "... the same bits to another (no) partition are refused", r[2]);

	unsigned before = npi[0];
	sp_req(me, NOTIF_SET, me, 0x5, 0, r);
	check(sp_said(r, FFA_SUCCESS, 0), "the partition sets the VM's bits 0 and 2", r[5]);
	check(wait_npi(0, before), "... the NPI comes", npi[0]);
	check(get(me, 0, ALL_BITMAPS, &sps, &vms) == FFA_SUCCESS && sps == 0x5 && vms == 0,
	      "... GET has exactly bits 0 and 2, from partitions", sps);
	check(get(me, 0, ALL_BITMAPS, &sps, &vms) == FFA_SUCCESS && sps == 0 && vms == 0,
	      "... then nothing is pending", sps);

	sp_req(me, NOTIF_SET, me, 1UL << 20, 0, r);
	check(sp_said(r, FFA_ERROR, FFA_DENIED), "the partition setting unbound bits is DENIED",
	      r[5]);
	sp_req(me, NOTIF_SET, me, 0x100, 0, r);
	check(sp_said(r, FFA_ERROR, FFA_INVALID_PARAMETERS),
	      "... a per-vCPU bit set as global is refused", r[5]);
	sp_req(me, NOTIF_SET, me, 0x100, FFA_NOTIF_PER_VCPU | 5U << 16, r);
	check(sp_said(r, FFA_ERROR, FFA_INVALID_PARAMETERS),
	      "... for a vCPU out of range (5 of 2) is refused", r[5]);
	sp_req(me, NOTIF_SET, (uint16_t)(me + 7), 0x1, 0, r);
	check(sp_said(r, FFA_ERROR, FFA_INVALID_PARAMETERS),
	      "... for a VM with no bitmap is refused", r[5]);
	sp_req(me, NOTIF_REFUSED, 0, 0, 0, r);
	check(r[4] == NOTIF_REFUSED_ALL,
	      "the SPMC refuses the partition: forged sender, another's bits, another context's, "
	      "the normal world's calls, bad bits and flags",
	      r[4]);

	/* Per-vCPU, for vCPU 1: taken there. */
	hvc(PSCI_CPU_ON, 1, (uint64_t)secondary_entry, 1);
	while (!cpu1_ready)
		__asm__ volatile("yield");
	before = npi[0];
	sp_req(me, NOTIF_SET, me, 0x100, FFA_NOTIF_PER_VCPU | 1U << 16, r);
	check(sp_said(r, FFA_SUCCESS, 0), "the partition sets bit 8 for vCPU 1", r[5]);
	while (!cpu1_done)
		__asm__ volatile("yield");
	check(npi[1] == 1 && cpu1_x0 == FFA_SUCCESS && cpu1_bits == 0x100,
	      "... vCPU 1 takes the NPI and GETs bit 8", cpu1_bits);
	check(npi[0] == before, "... vCPU 0 had no NPI for it", npi[0]);

	call(r, FFA_NOTIFICATION_UNBIND, (uint64_t)SP_ID << 16 | me, 0, 0x5);
	check(r[0] == FFA_SUCCESS, "the VM unbinds bits 0 and 2", r[2]);
	sp_req(me, NOTIF_SET, me, 0x1, 0, r);
	check(sp_said(r, FFA_ERROR, FFA_DENIED), "... which the partition may set no more", r[5]);
}

/* The VM notifies the partition, which GETs it when asked. */
static void to_the_partition(uint16_t me)
{
	uint64_t r[FFA_NREGS];
	call(r, FFA_NOTIFICATION_SET, (uint64_t)me << 16 | SP_ID, 0, 0x30);
	check(is_error(r, FFA_DENIED), "the VM setting the partition's unbound bits is DENIED",
	      r[2]);
	sp_req(me, NOTIF_BIND, me, 0x30, 0, r);
	check(sp_said(r, FFA_SUCCESS, 0), "the partition binds bits 4 and 5 to the VM", r[5]);
	call(r, FFA_NOTIFICATION_SET, (uint64_t)me << 16 | SP_ID, 0, 0x30);
	check(r[0] == FFA_SUCCESS, "the VM sets them", r[2]);
	sp_req(me, NOTIF_GET, FFA_NOTIF_GET_FROM_SP | FFA_NOTIF_GET_FROM_VM, 0, 0, r);
	check(r[4] == FFA_SUCCESS && r[5] == 0 && r[6] == 0x30,
	      "the partition GETs exactly bits 4 and 5, from VMs", r[6]);
	sp_req(me, NOTIF_GET, FFA_NOTIF_GET_FROM_SP | FFA_NOTIF_GET_FROM_VM, 0, 0, r);
	check(r[4] == FFA_SUCCESS && r[6] == 0, "... then nothing", r[6]);
	call(r, FFA_NOTIFICATION_SET, (uint64_t)me << 16 | SP_ID, FFA_NOTIF_PER_VCPU, 0x30);
	check(is_error(r, FFA_INVALID_PARAMETERS), "... a global bit set as per-vCPU is refused",
	      r[2]);
}

/* Two VMs (IDs 1 and 2) notify each other. */
static void between_vms(uint16_t me)
{
	uint16_t other = me == 1 ? 2 : 1;
	uint64_t mine = 1ULL << (32 + me), theirs = 1ULL << (32 + other);
	uint64_t r[FFA_NREGS], sps, vms;
	call(r, FFA_NOTIFICATION_BIND, (uint64_t)other << 16 | me, 0, theirs);
	check(r[0] == FFA_SUCCESS, "the VM binds a bit to the other VM", r[2]);
	call(r, FFA_NOTIFICATION_BIND, (uint64_t)0x8001 << 16 | me, 0, 1);
	check(is_error(r, FFA_INVALID_PARAMETERS),
	      "... a bit to a partition that is not is refused", r[2]);
	call(r, FFA_NOTIFICATION_SET, (uint64_t)me << 16 | other, 0, 1ULL << 63);
	check(is_error(r, FFA_DENIED), "setting a bit the other did not bind is DENIED", r[2]);
	call(r, FFA_NOTIFICATION_SET, (uint64_t)other << 16 | other, 0, mine);
	check(is_error(r, FFA_INVALID_PARAMETERS), "setting as the other VM is refused", r[2]);
	/* The other binds when it starts: until then, DENIED. */
	uint64_t freq = read_sysreg(cntfrq_el0), t0 = counter();
	do
		call(r, FFA_NOTIFICATION_SET, (uint64_t)me << 16 | other, 0, mine);
	while (is_error(r, FFA_DENIED) && counter() - t0 < WAIT_SECONDS * freq);
	check(r[0] == FFA_SUCCESS, "the VM sets the other's bit", r[2]);
	check(wait_npi(0, 0), "... and takes the NPI for the other's", npi[0]);
	check(get(me, 0, ALL_BITMAPS, &sps, &vms) == FFA_SUCCESS && vms == theirs && sps == 0,
	      "... GET has exactly the other VM's bit", vms);
	check(get(me, 0, ALL_BITMAPS, &sps, &vms) == FFA_SUCCESS && vms == 0,
	      "... then nothing is pending", vms);
}

/* "ffa=notif-reset": the VM resets with bits of the partition's pending; the new guest
 * finds a fresh bitmap (nothing pending, nothing bound) and is notified as the first was.
 * The partition, which outlives the VM, counts the boots (its COUNT request). */
#define COUNT		  8 /* the partition's request: x4 = its count of them, from 101 */
#define PSCI_SYSTEM_RESET 0x84000009UL
static void across_reset(uint16_t me)
{
	uint64_t r[FFA_NREGS], sps, vms;
	sp_req(me, COUNT, 0, 0, 0, r);
	bool first = r[4] == 101;
	call(r, FFA_NOTIFICATION_BIND, (uint64_t)SP_ID << 16 | me, 0, 0x5);
	check(r[0] == FFA_SUCCESS,
	      first ? "the VM binds bits 0 and 2" : "... the new guest binds them afresh", r[2]);
	if (first) {
		sp_req(me, NOTIF_SET, me, 0x5, 0, r);
		check(sp_said(r, FFA_SUCCESS, 0) && wait_npi(0, 0),
		      "the partition sets them, the NPI comes", r[5]);
		puts_("ffaguest: resetting with the bits pending\n");
		hvc(PSCI_SYSTEM_RESET, 0, 0, 0);
		check(false, "the reset came", 0);
		return;
	}
	check(get(me, 0, ALL_BITMAPS, &sps, &vms) == FFA_SUCCESS && sps == 0,
	      "... the bits pending before the reset are gone", sps);
	sp_req(me, NOTIF_SET, me, 0x5, 0, r);
	check(sp_said(r, FFA_SUCCESS, 0) && wait_npi(0, 0),
	      "... the partition sets them again, the NPI comes", r[5]);
	check(get(me, 0, ALL_BITMAPS, &sps, &vms) == FFA_SUCCESS && sps == 0x5,
	      "... GET has exactly them", sps);
}

void notif_tests(const char *dtb, uint16_t me)
{
	notif_mode = true;
	notif_me = me;
	npi_on(0);
	if (bootargs_have(dtb, "ffa=notif-reset")) {
		across_reset(me);
		return;
	}
	if (bootargs_have(dtb, "ffa=notif-vm")) {
		between_vms(me);
		return;
	}
	features_and_refusals(me);
	to_the_partition(me);
	from_the_partition(me);
}
