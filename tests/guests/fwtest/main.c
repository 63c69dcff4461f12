/*
 * The firmware below the hypervisor, from the host's side: this program takes the
 * hypervisor's place under Triad's EL3 monitor (tools/triad-run --secure --triad
 * build/guests/fwtest.bin) and calls Triad's RMM and Triad at Secure EL2 directly. It
 * checks what RMM 1.0 says for each RMI call, that a delegated granule is out of the
 * normal world's reach (a granule protection fault on read and on write) and comes back
 * scrubbed, the realm lifecycle (REALM_CREATE's checks, ACTIVATE, DESTROY, the granules
 * back), parameters the RMM cannot read, and FFA_VERSION; it times RMI_VERSION and FFA_VERSION (the
 * world switches NS -> Realm -> NS and NS -> Secure -> NS) for `make bench`. Prints "fwtest: PASS n
 * checks" or a FAIL line per failed check, then powers the machine off. Without a
 * secure world (--optee none) the FF-A part is left out.
 */
#include "fwtest.h"

unsigned checks, failures;
static volatile uint64_t fault_esr; /* the last data abort's ESR, 0 if none */

void check(bool ok, const char *what, uint64_t got)
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

/* An SMC with x0-x3 in, x0-x3 out; x4-x7 are zero (x7 = 0: the hypervisor's client ID, as
 * OP-TEE sees it). */
void smc4(uint64_t r[4])
{
	register uint64_t x0 __asm__("x0") = r[0], x1 __asm__("x1") = r[1], x2 __asm__("x2") = r[2],
			     x3 __asm__("x3") = r[3], x4 __asm__("x4") = 0, x5 __asm__("x5") = 0,
			     x6 __asm__("x6") = 0, x7 __asm__("x7") = 0;
	__asm__ volatile("smc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5), "+r"(x6),
			   "+r"(x7)::"memory", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15",
			   "x16", "x17");
	r[0] = x0, r[1] = x1, r[2] = x2, r[3] = x3;
}

uint64_t rmi(uint64_t fid, uint64_t a1)
{
	uint64_t r[4] = {fid, a1, 0, 0};
	smc4(r);
	return r[0];
}

uint64_t rmi_call(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5,
		  uint64_t out[5])
{
	uint64_t r[6] = {fid, a1, a2, a3, a4, a5};
	smc6(r);
	for (unsigned i = 0; out && i < 5; i++)
		out[i] = r[i];
	return r[0];
}

uint64_t rmi2(uint64_t fid, uint64_t a1, uint64_t a2)
{
	uint64_t r[4] = {fid, a1, a2, 0};
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

void irq_exception(struct frame *f)
{
	(void)f;
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
	/* Breakpoints and watchpoints minus one, as the CPU has them: at least 1 (two). */
	check(((f[1] >> 14) & 0x3f) >= 1 && ((f[1] >> 20) & 0x3f) >= 1,
	      "RMI_FEATURES(0) offers breakpoints and watchpoints", f[1]);
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
	check(ESR_EC(esr) == EC_DABT_CUR && (esr & ESR_FSC_MASK) == DFSC_GPF,
	      "reading a delegated granule is a granule protection fault", esr);
	esr = try_write(p + 7, 1);
	check(ESR_EC(esr) == EC_DABT_CUR && (esr & ESR_FSC_MASK) == DFSC_GPF,
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

/* FF-A through the monitor to Triad at S-EL2, which answers FFA_VERSION itself: its own
 * version, 1.2, to a caller of any 1.x. */
static bool ffa(void)
{
	uint64_t r[4] = {FFA_VERSION, 0x10001, 0, 0};
	smc4(r);
	if ((uint32_t)r[0] == 0xffffffff)
		return false; /* no secure world */
	check(r[0] == 0x10002, "FFA_VERSION(1.1) is 1.2, the SPMC's", r[0]);
	uint64_t bad[4] = {FFA_VERSION, 1ULL << 31, 0, 0};
	smc4(bad);
	check((uint32_t)bad[0] == 0xffffffff, "FFA_VERSION with bit 31 set is NOT_SUPPORTED",
	      bad[0]);
	return true;
}

/* Realm lifecycle: REALM_CREATE's checks (each failure leaves every granule as it was),
 * then ACTIVATE and DESTROY, and the granules back to the host. */
static uint8_t pool[6][4096] __attribute__((aligned(8192))); /* rd, rtt x2, rd2, rtt2 x2 */
uint8_t params_page[4096] __attribute__((aligned(4096)));

void put_params(const struct realm_params *p)
{
	volatile uint64_t *q = (volatile uint64_t *)params_page;
	for (unsigned i = 0; i < 512; i++)
		q[i] = 0;
	q[0] = p->flags;
	q[1] = p->s2sz;
	q[2] = p->sve_vl;
	q[3] = p->num_bps;
	q[4] = p->num_wps;
	q[5] = p->pmu_num_ctrs;
	q[6] = p->hash_algo;
	q[0x400 / 8] = 0x7270762d74657374ULL; /* some RPV */
	q[0x800 / 8] = p->vmid;
	q[0x808 / 8] = p->rtt_base;
	q[0x810 / 8] = p->rtt_level_start;
	q[0x818 / 8] = p->rtt_num_start;
}

uint64_t create_realm(uint64_t rd, uint64_t rtt, uint64_t vmid)
{
	const struct realm_params p = {.s2sz = 40,
				       .num_bps = 1,
				       .num_wps = 1,
				       .vmid = vmid,
				       .rtt_base = rtt,
				       .rtt_level_start = 1,
				       .rtt_num_start = 2};
	put_params(&p);
	return rmi2(RMI_REALM_CREATE, rd, (uint64_t)params_page);
}

static void realms(void)
{
	uint64_t rd = (uint64_t)pool[0], rtt = (uint64_t)pool[2], rd2 = (uint64_t)pool[1];
	uint64_t rtt2 = (uint64_t)pool[4], params = (uint64_t)params_page;
	const struct realm_params good = {.s2sz = 40,
					  .num_bps = 1,
					  .num_wps = 1,
					  .vmid = 7,
					  .rtt_base = rtt,
					  .rtt_level_start = 1,
					  .rtt_num_start = 2};
	struct realm_params p = good;
	put_params(&p);
	check(rmi2(RMI_REALM_CREATE, rd, params) == RMI_ERROR_INPUT,
	      "REALM_CREATE with an undelegated RD", 0);
	check(rmi(RMI_GRANULE_DELEGATE, rd) == RMI_SUCCESS, "DELEGATE the RD", 0);
	check(rmi(RMI_GRANULE_DELEGATE, rtt) == RMI_SUCCESS, "DELEGATE the first RTT", 0);
	check(rmi2(RMI_REALM_CREATE, rd, params) == RMI_ERROR_INPUT,
	      "REALM_CREATE with its second starting RTT undelegated", 0);
	check(rmi(RMI_GRANULE_DELEGATE, rtt + 4096) == RMI_SUCCESS, "DELEGATE the second RTT", 0);
	/* Bad parameters, one at a time. */
	uint64_t f[4] = {RMI_FEATURES, 0, 0, 0};
	smc4(f);
	struct realm_params bad[11];
	for (unsigned i = 0; i < 11; i++)
		bad[i] = good;
	bad[0].s2sz = 60;	      /* beyond what RMI_FEATURES offers */
	bad[1].s2sz = 31;	      /* too small */
	bad[2].hash_algo = 2;	      /* no such hash */
	bad[3].rtt_num_start = 1;     /* 40 bits at level 1 take two tables */
	bad[4].rtt_level_start = 3;   /* 40 bits cannot start at level 3 */
	bad[5].flags = 1;	      /* LPA2 */
	bad[6].rtt_base = rtt + 4096; /* concatenated tables not aligned to their size */
	bad[7].num_bps = 0;	      /* reserved */
	bad[8].num_wps = 0;	      /* reserved */
	bad[9].num_bps = ((f[1] >> 14) & 0x3f) + 1;  /* more than RMI_FEATURES offers */
	bad[10].num_wps = ((f[1] >> 20) & 0x3f) + 1; /* likewise */
	for (unsigned i = 0; i < 11; i++) {
		put_params(&bad[i]);
		if (rmi2(RMI_REALM_CREATE, rd, params) != RMI_ERROR_INPUT)
			check(false, "REALM_CREATE with bad parameters", i);
	}
	put_params(&good);
	check(rmi2(RMI_REALM_CREATE, rd, params + 8) == RMI_ERROR_INPUT,
	      "REALM_CREATE with misaligned parameters", 0);
	check(rmi2(RMI_REALM_CREATE, rd, rtt) == RMI_ERROR_INPUT,
	      "REALM_CREATE with parameters in a delegated granule", 0);
	check(rmi2(RMI_REALM_CREATE, rtt, params) == RMI_ERROR_INPUT,
	      "REALM_CREATE with the RD one of its own RTTs", 0);
	check(rmi2(RMI_REALM_CREATE, rd, params) == RMI_SUCCESS, "REALM_CREATE", 0);
	check(rmi2(RMI_REALM_CREATE, rd, params) == RMI_ERROR_INPUT, "REALM_CREATE twice", 0);
	check(rmi(RMI_GRANULE_UNDELEGATE, rd) == RMI_ERROR_INPUT, "UNDELEGATE of a live RD", 0);
	check(rmi(RMI_GRANULE_UNDELEGATE, rtt) == RMI_ERROR_INPUT, "UNDELEGATE of a live RTT", 0);
	/* A second realm may not take the first one's VMID. */
	check(rmi(RMI_GRANULE_DELEGATE, rd2) == RMI_SUCCESS &&
		  rmi(RMI_GRANULE_DELEGATE, rtt2) == RMI_SUCCESS &&
		  rmi(RMI_GRANULE_DELEGATE, rtt2 + 4096) == RMI_SUCCESS,
	      "DELEGATE a second realm's granules", 0);
	p = good;
	p.rtt_base = rtt2;
	put_params(&p);
	check(rmi2(RMI_REALM_CREATE, rd2, params) == RMI_ERROR_INPUT,
	      "REALM_CREATE with a VMID in use", 0);
	check(rmi(RMI_REALM_ACTIVATE, rd2) == RMI_ERROR_INPUT, "ACTIVATE of a non-RD", 0);
	check(rmi(RMI_REALM_ACTIVATE, rd) == RMI_SUCCESS, "REALM_ACTIVATE", 0);
	check(rmi(RMI_REALM_ACTIVATE, rd) == RMI_ERROR_REALM, "REALM_ACTIVATE twice", 0);
	check(rmi(RMI_REALM_DESTROY, rd2) == RMI_ERROR_INPUT, "DESTROY of a non-RD", 0);
	check(rmi(RMI_REALM_DESTROY, rd) == RMI_SUCCESS, "REALM_DESTROY", 0);
	check(rmi(RMI_REALM_DESTROY, rd) == RMI_ERROR_INPUT, "REALM_DESTROY twice", 0);
	/* Its VMID is free again, and every granule can go back to the host, scrubbed. */
	check(rmi2(RMI_REALM_CREATE, rd2, params) == RMI_SUCCESS,
	      "REALM_CREATE reusing a destroyed realm's VMID", 0);
	check(rmi(RMI_REALM_DESTROY, rd2) == RMI_SUCCESS, "REALM_DESTROY of the second", 0);
	bool back = true;
	uint64_t all[6] = {rd, rtt, rtt + 4096, rd2, rtt2, rtt2 + 4096};
	for (unsigned i = 0; i < 6; i++)
		back = back && rmi(RMI_GRANULE_UNDELEGATE, all[i]) == RMI_SUCCESS;
	check(back, "UNDELEGATE of every granule after REALM_DESTROY", 0);
	bool zero = true;
	for (unsigned i = 0; i < 512; i++)
		zero = zero && ((volatile uint64_t *)rd)[i] == 0;
	check(zero, "a destroyed RD comes back scrubbed", 0);
}

/* An SMC with x0-x5 in, x0-x4 out. */
void smc6(uint64_t r[6])
{
	register uint64_t x0 __asm__("x0") = r[0], x1 __asm__("x1") = r[1], x2 __asm__("x2") = r[2],
			     x3 __asm__("x3") = r[3], x4 __asm__("x4") = r[4],
			     x5 __asm__("x5") = r[5];
	__asm__ volatile("smc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5)::"memory",
			   "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16",
			   "x17");
	r[0] = x0, r[1] = x1, r[2] = x2, r[3] = x3, r[4] = x4, r[5] = x5;
}

/* A realm's memory: tables below the starting level, RIPAS, data in and out, and the
 * order the RMM insists on for taking it apart. */
static uint8_t mem[8][4096] __attribute__((aligned(8192)));
uint8_t src_page[4096] __attribute__((aligned(4096)));

static void realm_memory(void)
{
	uint64_t rd = (uint64_t)mem[0], rtt = (uint64_t)mem[2], l2 = (uint64_t)mem[4];
	uint64_t l3 = (uint64_t)mem[5], data = (uint64_t)mem[6], data2 = (uint64_t)mem[7];
	for (unsigned i = 0; i < 8; i++)
		if (i != 1 && rmi(RMI_GRANULE_DELEGATE, (uint64_t)mem[i]) != RMI_SUCCESS)
			check(false, "DELEGATE the realm's granules", i);
	check(create_realm(rd, rtt, 9) == RMI_SUCCESS, "REALM_CREATE (memory)", 0);
	uint64_t r[6] = {RMI_RTT_READ_ENTRY, rd, 0, 1, 0, 0};
	smc6(r);
	check(r[0] == RMI_SUCCESS && r[1] == 1 && r[2] == 0 && r[4] == 0,
	      "READ_ENTRY of an empty starting table: UNASSIGNED, RIPAS EMPTY", r[0]);
	uint64_t d[6] = {RMI_DATA_CREATE, rd, data, 0, (uint64_t)src_page, 1};
	smc6(d);
	check(d[0] == (RMI_ERROR_RTT | (1 << 8)), "DATA_CREATE without level-3 tables: RTT at 1",
	      d[0]);
	uint64_t c[6] = {RMI_RTT_CREATE, rd, l3, 0, 3, 0};
	smc6(c);
	check(c[0] == (RMI_ERROR_RTT | (1 << 8)), "RTT_CREATE at level 3 without level 2: RTT at 1",
	      c[0]);
	uint64_t c2[6] = {RMI_RTT_CREATE, rd, l2, 0x1000, 2, 0};
	smc6(c2);
	check(c2[0] == RMI_ERROR_INPUT, "RTT_CREATE at an unaligned IPA", c2[0]);
	uint64_t c3[6] = {RMI_RTT_CREATE, rd, l2, 0, 2, 0};
	smc6(c3);
	check(c3[0] == RMI_SUCCESS, "RTT_CREATE level 2", c3[0]);
	uint64_t c4[6] = {RMI_RTT_CREATE, rd, l3, 0, 3, 0};
	smc6(c4);
	check(c4[0] == RMI_SUCCESS, "RTT_CREATE level 3", c4[0]);
	uint64_t i1[6] = {RMI_RTT_INIT_RIPAS, rd, 0, 0x2000, 0, 0};
	smc6(i1);
	check(i1[0] == RMI_SUCCESS && i1[1] == 0x2000, "RTT_INIT_RIPAS [0, 0x2000)", i1[0]);
	uint64_t e1[6] = {RMI_RTT_READ_ENTRY, rd, 0x1000, 3, 0, 0};
	smc6(e1);
	check(e1[0] == RMI_SUCCESS && e1[1] == 3 && e1[2] == 0 && e1[4] == 1,
	      "READ_ENTRY after INIT_RIPAS: UNASSIGNED, RIPAS RAM", e1[4]);
	volatile uint64_t *sp = (volatile uint64_t *)src_page;
	for (unsigned i = 0; i < 512; i++)
		sp[i] = 0xda7a000000000000ULL | i;
	uint64_t d2[6] = {RMI_DATA_CREATE, rd, data, 0, (uint64_t)src_page, 1};
	smc6(d2);
	check(d2[0] == RMI_SUCCESS, "DATA_CREATE (measured)", d2[0]);
	uint64_t e2[6] = {RMI_RTT_READ_ENTRY, rd, 0, 3, 0, 0};
	smc6(e2);
	check(e2[0] == RMI_SUCCESS && e2[2] == 1 && e2[3] == data && e2[4] == 1,
	      "READ_ENTRY after DATA_CREATE: ASSIGNED to the data granule, RIPAS RAM", e2[3]);
	uint64_t v = 0;
	uint64_t esr = try_read((volatile uint64_t *)data, &v);
	check((esr & ESR_FSC_MASK) == DFSC_GPF, "realm memory is out of the host's reach", esr);
	uint64_t d3[6] = {RMI_DATA_CREATE, rd, data2, 0, (uint64_t)src_page, 1};
	smc6(d3);
	check(d3[0] == (RMI_ERROR_RTT | (3 << 8)), "DATA_CREATE on an assigned IPA: RTT at 3",
	      d3[0]);
	uint64_t d4[6] = {RMI_DATA_CREATE, rd, data2, 0x1000, data, 1};
	smc6(d4);
	check(d4[0] == RMI_ERROR_INPUT, "DATA_CREATE from a source that is not the host's", d4[0]);
	uint64_t top = 1ULL << 39; /* the first unprotected IPA of a 40-bit realm */
	uint64_t d5[6] = {RMI_DATA_CREATE, rd, data2, top, (uint64_t)src_page, 1};
	smc6(d5);
	check(d5[0] == RMI_ERROR_INPUT, "DATA_CREATE at an unprotected IPA", d5[0]);
	check(rmi(RMI_REALM_ACTIVATE, rd) == RMI_SUCCESS, "REALM_ACTIVATE (memory)", 0);
	uint64_t d6[6] = {RMI_DATA_CREATE, rd, data2, 0x1000, (uint64_t)src_page, 1};
	smc6(d6);
	check(d6[0] == RMI_ERROR_REALM, "DATA_CREATE in an active realm", d6[0]);
	uint64_t i2[6] = {RMI_RTT_INIT_RIPAS, rd, 0x2000, 0x3000, 0, 0};
	smc6(i2);
	check(i2[0] == RMI_ERROR_REALM, "RTT_INIT_RIPAS in an active realm", i2[0]);
	uint64_t u1[6] = {RMI_DATA_CREATE_UNKNOWN, rd, data2, 0x1000, 0, 0};
	smc6(u1);
	check(u1[0] == RMI_SUCCESS, "DATA_CREATE_UNKNOWN in an active realm", u1[0]);
	/* Taking it apart: not while anything is live. */
	check(rmi(RMI_REALM_DESTROY, rd) == RMI_ERROR_REALM, "REALM_DESTROY with live tables", 0);
	uint64_t t1[6] = {RMI_RTT_DESTROY, rd, 0, 3, 0, 0};
	smc6(t1);
	check(t1[0] == (RMI_ERROR_RTT | (3 << 8)), "RTT_DESTROY of a table with data in it", t1[0]);
	uint64_t x1[6] = {RMI_DATA_DESTROY, rd, 0, 0, 0, 0};
	smc6(x1);
	/* top: the next live entry (the unknown data at 0x1000). */
	check(x1[0] == RMI_SUCCESS && x1[1] == data && x1[2] == 0x1000, "DATA_DESTROY", x1[1]);
	uint64_t e3[6] = {RMI_RTT_READ_ENTRY, rd, 0, 3, 0, 0};
	smc6(e3);
	check(e3[0] == RMI_SUCCESS && e3[2] == 0 && e3[4] == 2,
	      "READ_ENTRY after DATA_DESTROY: UNASSIGNED, RIPAS DESTROYED", e3[4]);
	uint64_t x2[6] = {RMI_DATA_DESTROY, rd, 0x1000, 0, 0, 0};
	smc6(x2);
	check(x2[0] == RMI_SUCCESS && x2[1] == data2 && x2[2] == 0x200000,
	      "DATA_DESTROY of the unknown data, top the end of its table", x2[2]);
	uint64_t t2[6] = {RMI_RTT_DESTROY, rd, 0, 2, 0, 0};
	smc6(t2);
	check(t2[0] == (RMI_ERROR_RTT | (2 << 8)), "RTT_DESTROY of a table with a table below",
	      t2[0]);
	uint64_t t3[6] = {RMI_RTT_DESTROY, rd, 0, 3, 0, 0};
	smc6(t3);
	check(t3[0] == RMI_SUCCESS && t3[1] == l3 && t3[2] == 0x40000000,
	      "RTT_DESTROY level 3, top the end of the level-2 table", t3[2]);
	uint64_t t4[6] = {RMI_RTT_DESTROY, rd, 0, 2, 0, 0};
	smc6(t4);
	check(t4[0] == RMI_SUCCESS && t4[1] == l2 && t4[2] == 1ULL << 39,
	      "RTT_DESTROY level 2, top the end of the first starting table", t4[2]);
	check(rmi(RMI_REALM_DESTROY, rd) == RMI_SUCCESS, "REALM_DESTROY (memory)", 0);
	bool back = true;
	for (unsigned i = 0; i < 8; i++)
		back = back &&
		       (i == 1 || rmi(RMI_GRANULE_UNDELEGATE, (uint64_t)mem[i]) == RMI_SUCCESS);
	check(back, "every granule back to the host", 0);
	bool zero = true;
	for (unsigned i = 0; i < 512; i++)
		zero = zero && ((volatile uint64_t *)data)[i] == 0;
	check(zero, "the realm's data comes back scrubbed", 0);
}

/* RECs: created in MPIDR order with checked parameters, only while the realm is NEW; a
 * realm with RECs cannot be destroyed. */
static uint8_t recmem[5][4096] __attribute__((aligned(8192))); /* rd, -, rtt x2, rec */
static uint8_t recmem2[2][4096] __attribute__((aligned(4096)));
static uint8_t recaux[2][4096] __attribute__((aligned(4096))); /* the RECs' auxiliary granules */

void put_rec_params(uint64_t flags, uint64_t mpidr, uint64_t num_aux, uint64_t aux)
{
	volatile uint64_t *q = (volatile uint64_t *)params_page;
	for (unsigned i = 0; i < 512; i++)
		q[i] = 0;
	q[0] = flags;
	q[0x100 / 8] = mpidr;
	q[0x200 / 8] = 0x80000000; /* pc */
	q[0x300 / 8] = 0x80100000; /* x0: where a DTB would be */
	q[0x800 / 8] = num_aux;
	q[0x808 / 8] = aux;
}

static void recs(void)
{
	uint64_t rd = (uint64_t)recmem[0], rtt = (uint64_t)recmem[2], rec = (uint64_t)recmem[4];
	uint64_t rec1 = (uint64_t)recmem2[0], spare = (uint64_t)recmem2[1];
	uint64_t aux0 = (uint64_t)recaux[0], aux1 = (uint64_t)recaux[1];
	uint64_t params = (uint64_t)params_page;
	uint64_t all[8] = {rd, rtt, rtt + 4096, rec, rec1, aux0, aux1, spare};
	for (unsigned i = 0; i < 7; i++)
		if (rmi(RMI_GRANULE_DELEGATE, all[i]) != RMI_SUCCESS)
			check(false, "DELEGATE the RECs' realm granules", i);
	check(create_realm(rd, rtt, 11) == RMI_SUCCESS, "REALM_CREATE (RECs)", 0);
	uint64_t a[4] = {RMI_REC_AUX_COUNT, rd, 0, 0};
	smc4(a);
	check(a[0] == RMI_SUCCESS && a[1] == 1, "REC_AUX_COUNT: one", a[1]);
	check(rmi(RMI_REC_AUX_COUNT, rec) == RMI_ERROR_INPUT, "REC_AUX_COUNT of a non-RD", 0);
	struct {
		uint64_t flags, mpidr, num_aux, aux;
		const char *what;
	} bad[] = {
	    {1, 1, 1, aux0, "REC_CREATE out of MPIDR order"},
	    {1, 1ULL << 4, 1, aux0, "REC_CREATE with Aff0 above 15"},
	    {1, 1ULL << 24, 1, aux0, "REC_CREATE with bits outside the affinity fields"},
	    {1, 0, 0, aux0, "REC_CREATE without its auxiliary granule"},
	    {1, 0, 2, aux0, "REC_CREATE with auxiliary granules it does not need"},
	    {1, 0, 1, spare, "REC_CREATE with an undelegated auxiliary granule"},
	    {1, 0, 1, rec, "REC_CREATE with the REC as its own auxiliary granule"},
	    {1, 0, 1, rd, "REC_CREATE with the RD as auxiliary granule"},
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put_rec_params(bad[i].flags, bad[i].mpidr, bad[i].num_aux, bad[i].aux);
		uint64_t r[4] = {RMI_REC_CREATE, rd, rec, params};
		smc4(r);
		check(r[0] == RMI_ERROR_INPUT, bad[i].what, r[0]);
	}
	put_rec_params(1, 0, 1, aux0);
	uint64_t r0[4] = {RMI_REC_CREATE, rd, spare, params};
	smc4(r0);
	check(r0[0] == RMI_ERROR_INPUT, "REC_CREATE on an undelegated granule", r0[0]);
	uint64_t r1[4] = {RMI_REC_CREATE, rd, rd, params};
	smc4(r1);
	check(r1[0] == RMI_ERROR_INPUT, "REC_CREATE on the RD itself", r1[0]);
	uint64_t r2[4] = {RMI_REC_CREATE, rd, rec, params};
	smc4(r2);
	check(r2[0] == RMI_SUCCESS, "REC_CREATE (MPIDR 0, runnable)", r2[0]);
	uint64_t r3[4] = {RMI_REC_CREATE, rd, rec, params};
	smc4(r3);
	check(r3[0] == RMI_ERROR_INPUT, "REC_CREATE twice on one granule", r3[0]);
	check(rmi(RMI_GRANULE_UNDELEGATE, aux0) == RMI_ERROR_INPUT,
	      "UNDELEGATE of a live REC's auxiliary granule", 0);
	put_rec_params(0, 1, 1, aux0);
	uint64_t r4a[4] = {RMI_REC_CREATE, rd, rec1, params};
	smc4(r4a);
	check(r4a[0] == RMI_ERROR_INPUT, "REC_CREATE with another REC's auxiliary granule", r4a[0]);
	put_rec_params(0, 1, 1, aux1);
	uint64_t r4[4] = {RMI_REC_CREATE, rd, rec1, params};
	smc4(r4);
	check(r4[0] == RMI_SUCCESS, "REC_CREATE (MPIDR 1)", r4[0]);
	check(rmi(RMI_GRANULE_UNDELEGATE, rec) == RMI_ERROR_INPUT, "UNDELEGATE of a live REC", 0);
	check(rmi(RMI_REALM_DESTROY, rd) == RMI_ERROR_REALM, "REALM_DESTROY with RECs", 0);
	check(rmi(RMI_REALM_ACTIVATE, rd) == RMI_SUCCESS, "REALM_ACTIVATE (RECs)", 0);
	put_rec_params(0, 2, 1, aux1);
	uint64_t r5[4] = {RMI_REC_CREATE, rd, spare, params};
	smc4(r5);
	/* RMM 1.0 checks the REC's granule before the realm's state. */
	check(r5[0] == RMI_ERROR_INPUT, "REC_CREATE in an active realm on an undelegated granule",
	      r5[0]);
	check(rmi(RMI_GRANULE_DELEGATE, spare) == RMI_SUCCESS, "DELEGATE a spare granule", 0);
	uint64_t r6[4] = {RMI_REC_CREATE, rd, spare, params};
	smc4(r6);
	check(r6[0] == RMI_ERROR_REALM, "REC_CREATE in an active realm", r6[0]);
	check(rmi(RMI_GRANULE_UNDELEGATE, spare) == RMI_SUCCESS, "UNDELEGATE the spare granule", 0);
	check(rmi(RMI_REC_DESTROY, rd) == RMI_ERROR_INPUT, "REC_DESTROY of a non-REC", 0);
	check(rmi(RMI_REC_DESTROY, rec1) == RMI_SUCCESS && rmi(RMI_REC_DESTROY, rec) == RMI_SUCCESS,
	      "REC_DESTROY", 0);
	check(rmi(RMI_REC_DESTROY, rec) == RMI_ERROR_INPUT, "REC_DESTROY twice", 0);
	check(rmi(RMI_REALM_DESTROY, rd) == RMI_SUCCESS, "REALM_DESTROY (RECs)", 0);
	bool back = true;
	for (unsigned i = 0; i < 7; i++)
		back = back && rmi(RMI_GRANULE_UNDELEGATE, all[i]) == RMI_SUCCESS;
	check(back, "the RECs' granules back to the host", 0);
}

/* The host's own memory in a realm's unprotected IPA space: mapped, read back, refused
 * where it does not belong, unmapped. */
static uint8_t nsmem[6][4096] __attribute__((aligned(8192))); /* rd, -, rtt x2, l2, l3 */

static void unprotected(void)
{
	uint64_t rd = (uint64_t)nsmem[0], rtt = (uint64_t)nsmem[2], l2 = (uint64_t)nsmem[4];
	uint64_t l3 = (uint64_t)nsmem[5];
	uint64_t all[5] = {rd, rtt, rtt + 4096, l2, l3};
	for (unsigned i = 0; i < 5; i++)
		if (rmi(RMI_GRANULE_DELEGATE, all[i]) != RMI_SUCCESS)
			check(false, "DELEGATE the granules (unprotected)", i);
	check(create_realm(rd, rtt, 13) == RMI_SUCCESS, "REALM_CREATE (unprotected)", 0);
	uint64_t top = 1ULL << 39, shared = (uint64_t)src_page;
	uint64_t desc = shared | (0xfULL << 2) | (3ULL << 6); /* write-back, read-write */
	uint64_t m0[6] = {RMI_RTT_MAP_UNPROTECTED, rd, top, 3, desc, 0};
	smc6(m0);
	check(m0[0] == (RMI_ERROR_RTT | (1 << 8)), "MAP_UNPROTECTED without tables: RTT at 1",
	      m0[0]);
	uint64_t c1[6] = {RMI_RTT_CREATE, rd, l2, top, 2, 0};
	smc6(c1);
	uint64_t c2[6] = {RMI_RTT_CREATE, rd, l3, top, 3, 0};
	smc6(c2);
	check(c1[0] == RMI_SUCCESS && c2[0] == RMI_SUCCESS, "RTT_CREATE in unprotected IPA", 0);
	uint64_t m1[6] = {RMI_RTT_MAP_UNPROTECTED, rd, 0, 3, desc, 0};
	smc6(m1);
	check(m1[0] == RMI_ERROR_INPUT, "MAP_UNPROTECTED at a protected IPA", m1[0]);
	uint64_t m2[6] = {RMI_RTT_MAP_UNPROTECTED, rd, top, 3, desc | (1ULL << 55), 0};
	smc6(m2);
	check(m2[0] == RMI_ERROR_INPUT, "MAP_UNPROTECTED with bits the host may not set", m2[0]);
	uint64_t m3[6] = {RMI_RTT_MAP_UNPROTECTED, rd, top, 3, desc, 0};
	smc6(m3);
	check(m3[0] == RMI_SUCCESS, "MAP_UNPROTECTED", m3[0]);
	uint64_t m4[6] = {RMI_RTT_MAP_UNPROTECTED, rd, top, 3, desc, 0};
	smc6(m4);
	check(m4[0] == (RMI_ERROR_RTT | (3 << 8)), "MAP_UNPROTECTED twice: RTT at 3", m4[0]);
	uint64_t e[6] = {RMI_RTT_READ_ENTRY, rd, top, 3, 0, 0};
	smc6(e);
	check(e[0] == RMI_SUCCESS && e[2] == 1 && e[3] == desc && e[4] == 0,
	      "READ_ENTRY of an unprotected mapping gives the host's descriptor", e[3]);
	uint64_t d[6] = {RMI_RTT_DESTROY, rd, top, 3, 0, 0};
	smc6(d);
	check(d[0] == (RMI_ERROR_RTT | (3 << 8)), "RTT_DESTROY over a live unprotected mapping",
	      d[0]);
	uint64_t u[6] = {RMI_RTT_UNMAP_UNPROTECTED, rd, top, 3, 0, 0};
	smc6(u);
	/* top: where the next live entry is, here the end of the (now empty) table. */
	check(u[0] == RMI_SUCCESS && u[1] == top + 0x200000, "UNMAP_UNPROTECTED", u[1]);
	uint64_t u2[6] = {RMI_RTT_UNMAP_UNPROTECTED, rd, top, 3, 0, 0};
	smc6(u2);
	check(u2[0] == (RMI_ERROR_RTT | (3 << 8)) && u2[1] == top + 0x200000,
	      "UNMAP_UNPROTECTED twice: RTT at 3, top past the non-live entries", u2[0]);
	uint64_t d3[6] = {RMI_RTT_DESTROY, rd, top, 3, 0, 0};
	smc6(d3);
	uint64_t d2[6] = {RMI_RTT_DESTROY, rd, top, 2, 0, 0};
	smc6(d2);
	check(d3[0] == RMI_SUCCESS && d2[0] == RMI_SUCCESS, "RTT_DESTROY (unprotected)", 0);
	check(rmi(RMI_REALM_DESTROY, rd) == RMI_SUCCESS, "REALM_DESTROY (unprotected)", 0);
	bool back = true;
	for (unsigned i = 0; i < 5; i++)
		back = back && rmi(RMI_GRANULE_UNDELEGATE, all[i]) == RMI_SUCCESS;
	check(back, "the granules back to the host (unprotected)", 0);
}

/* A realm that runs: its code (below, copied into its first granule at IPA 0) asks the RMM
 * RSI_VERSION, writes the answer to an unprotected address (an exit the host emulates),
 * reads that address (the host supplies the value), writes what it read one word further,
 * writes out its RIM (RSI_MEASUREMENT_READ), extends REM 0 with "triad" and writes that
 * out too, then waits for interrupts in a loop (each REC_ENTER then exits on its WFI: the REC
 * round trip `make bench` times). */
extern const uint8_t realm_code[], realm_code_end[];
__asm__(".pushsection .rodata\n"
	".balign 8\n"
	"realm_code:\n"
	"	movz	x0, #0x0190\n"
	"	movk	x0, #0xc400, lsl #16\n" /* RSI_VERSION */
	"	movz	x1, #1, lsl #16\n"	/* 1.0 */
	"	smc	#0\n"
	"	movz	x20, #0x80, lsl #32\n" /* IPA 1 << 39: unprotected */
	"	str	x1, [x20]\n"
	"	ldr	x5, [x20]\n"
	"	str	x5, [x20, #8]\n"
	"	movz	x0, #0x0192\n"
	"	movk	x0, #0xc400, lsl #16\n" /* RSI_MEASUREMENT_READ */
	"	mov	x1, #0\n"		/* the RIM */
	"	smc	#0\n"
	"	str	x1, [x20, #16]\n"
	"	str	x2, [x20, #24]\n"
	"	str	x3, [x20, #32]\n"
	"	str	x4, [x20, #40]\n"
	"	movz	x0, #0x0193\n"
	"	movk	x0, #0xc400, lsl #16\n" /* RSI_MEASUREMENT_EXTEND */
	"	mov	x1, #1\n"		/* REM 0 */
	"	mov	x2, #5\n"
	"	movz	x3, #0x7274\n"
	"	movk	x3, #0x6169, lsl #16\n"
	"	movk	x3, #0x64, lsl #32\n" /* "triad" */
	"	smc	#0\n"
	"	movz	x0, #0x0192\n"
	"	movk	x0, #0xc400, lsl #16\n"
	"	mov	x1, #1\n"
	"	smc	#0\n"
	"	str	x1, [x20, #48]\n"
	"	str	x2, [x20, #56]\n"
	"	str	x3, [x20, #64]\n"
	"	str	x4, [x20, #72]\n"
	"	movz	x0, #0x0196\n"
	"	movk	x0, #0xc400, lsl #16\n" /* RSI_REALM_CONFIG */
	"	mov	x1, #0\n"		/* into IPA 0 (its own code page) */
	"	smc	#0\n"
	"	str	x0, [x20, #80]\n"
	"	mov	x9, #0\n"
	"	ldr	x7, [x9]\n"
	"	str	x7, [x20, #88]\n" /* ipa_width */
	"	ldrb	w7, [x9, #8]\n"
	"	str	x7, [x20, #96]\n" /* hash_algo */
	"	movz	x0, #0x0198\n"
	"	movk	x0, #0xc400, lsl #16\n" /* RSI_IPA_STATE_GET */
	"	mov	x1, #0\n"
	"	mov	x2, #0x2000\n"
	"	smc	#0\n"
	"	str	x0, [x20, #104]\n"
	"	str	x1, [x20, #112]\n"
	"	str	x2, [x20, #120]\n"
	/* RSI_VERSION round trips, timed with the virtual counter: the shortest of 8. */
	"	movn	x12, #0\n"
	"	mov	x13, #8\n"
	"5:	isb\n"
	"	mrs	x14, cntvct_el0\n"
	"	movz	x0, #0x0190\n"
	"	movk	x0, #0xc400, lsl #16\n"
	"	movz	x1, #1, lsl #16\n"
	"	smc	#0\n"
	"	isb\n"
	"	mrs	x15, cntvct_el0\n"
	"	sub	x15, x15, x14\n"
	"	cmp	x15, x12\n"
	"	csel	x12, x15, x12, lo\n"
	"	subs	x13, x13, #1\n"
	"	b.ne	5b\n"
	"	str	x12, [x20, #176]\n"
	/* Attestation: CONTINUE before INIT is refused; then INIT with the challenge 1..8
	 * (x1-x8) and CONTINUE into 0x800 of its page, 256 bytes a call, each part written
	 * out (words at +160, then the status at +152 and the part's length at +168). */
	"	movz	x0, #0x0195\n"
	"	movk	x0, #0xc400, lsl #16\n"
	"	mov	x1, #0\n"
	"	mov	x2, #0x800\n"
	"	mov	x3, #0x100\n"
	"	smc	#0\n"
	"	str	x0, [x20, #128]\n"
	"	movz	x0, #0x0194\n"
	"	movk	x0, #0xc400, lsl #16\n"
	"	mov	x1, #1\n"
	"	mov	x2, #2\n"
	"	mov	x3, #3\n"
	"	mov	x4, #4\n"
	"	mov	x5, #5\n"
	"	mov	x6, #6\n"
	"	mov	x7, #7\n"
	"	mov	x8, #8\n"
	"	smc	#0\n"
	"	str	x0, [x20, #136]\n"
	"	str	x1, [x20, #144]\n"
	"2:	movz	x0, #0x0195\n"
	"	movk	x0, #0xc400, lsl #16\n"
	"	mov	x1, #0\n"
	"	mov	x2, #0x800\n"
	"	mov	x3, #0x100\n"
	"	smc	#0\n"
	"	mov	x9, #0x800\n"
	"	add	x10, x9, x1\n"
	"3:	cmp	x9, x10\n"
	"	b.hs	4f\n"
	"	ldr	x11, [x9], #8\n"
	"	str	x11, [x20, #160]\n"
	"	b	3b\n"
	"4:	str	x0, [x20, #152]\n"
	"	str	x1, [x20, #168]\n"
	"	cmp	x0, #3\n" /* INCOMPLETE */
	"	b.eq	2b\n"
	"1:	wfi\n"
	"	b	1b\n"
	"realm_code_end:\n"
	".popsection\n");

static uint8_t runmem[7][4096] __attribute__((aligned(8192))); /* rd,-,rtt x2,l2,l3,data */
static uint8_t recg[2][4096] __attribute__((aligned(4096)));   /* rec, its auxiliary granule */
static uint8_t run_page[4096] __attribute__((aligned(4096)));

#define EXIT_REASON(run) (((volatile uint64_t *)(run))[0x800 / 8])
#define EXIT_ESR(run)	 (((volatile uint64_t *)(run))[0x900 / 8])
#define EXIT_HPFAR(run)	 (((volatile uint64_t *)(run))[0x910 / 8])
#define EXIT_GPR0(run)	 (((volatile uint64_t *)(run))[0xa00 / 8])
#define ENTER_FLAGS(run) (((volatile uint64_t *)(run))[0])
#define ENTER_EMUL_MMIO	 1
#define ENTER_TRAP_WFI	 4
#define ENTER_GPR0(run)	 (((volatile uint64_t *)(run))[0x200 / 8])

static uint64_t rec_round_trip; /* counter ticks, for `make bench` */
static uint64_t rsi_round_trip; /* counter ticks, measured by the realm */

static void puthex2(uint8_t b)
{
	const char *d = "0123456789abcdef";
	putc_(d[b >> 4]);
	putc_(d[b & 15]);
}

static uint64_t median15(uint64_t *t)
{
	for (unsigned i = 1; i < 15; i++)
		for (unsigned j = i; j > 0 && t[j] < t[j - 1]; j--) {
			uint64_t x = t[j];
			t[j] = t[j - 1];
			t[j - 1] = x;
		}
	return t[7];
}

/* An FIQ exit is a secure interrupt (a secure-world timer, say) that came while the realm
 * ran: EL3 gives it to the secure world once we are back here, and a host just enters the
 * REC again, as it left it (nothing to complete: the exit was no access; its list
 * registers as the realm left them). It comes when enough time passes (a slow, loaded
 * host), never in answer to what the realm did, so the checks look past it. */
uint64_t rec_enter(uint64_t rec, uint64_t run)
{
	volatile uint64_t *r = (volatile uint64_t *)run;
	uint64_t st = rmi2(RMI_REC_ENTER, rec, run);
	for (unsigned i = 0; i < 100 && st == RMI_SUCCESS && r[0x800 / 8] == 2; i++) {
		r[0] &= ~3ULL; /* RmiRecEnter.flags: no EMUL_MMIO, INJECT_SEA */
		for (unsigned lr = 0; lr < 16; lr++)
			r[0x308 / 8 + lr] = r[0xb08 / 8 + lr];
		st = rmi2(RMI_REC_ENTER, rec, run);
	}
	return st;
}

#define EXIT_FAR(run) (((volatile uint64_t *)(run))[0x908 / 8])

/* The realm's attestation token, as it writes it out part by part: printed for
 * tests/integration/test_realm.py, which verifies it with tools/ccatoken.py. */
static uint8_t token[4096];

static void attestation(uint64_t rec, uint64_t run)
{
	uint64_t v[3];
	for (unsigned i = 0; i < 3; i++) {
		ENTER_FLAGS(run) = ENTER_EMUL_MMIO;
		if (rec_enter(rec, run) != RMI_SUCCESS || !(EXIT_ESR(run) & (1 << 6)))
			check(false, "the realm writes out its attestation calls", EXIT_ESR(run));
		v[i] = EXIT_GPR0(run);
	}
	check(v[0] == 2, "RSI_ATTESTATION_TOKEN_CONTINUE before INIT: ERROR_STATE", v[0]);
	check(v[1] == 0 && v[2] >= 1024 && v[2] <= 4096,
	      "RSI_ATTESTATION_TOKEN_INIT: SUCCESS and the largest token size", v[2]);
	uint64_t len = 0, part = 0, parts = 0, status = 3;
	while (status == 3 && len < sizeof(token)) {
		ENTER_FLAGS(run) = ENTER_EMUL_MMIO;
		if (rec_enter(rec, run) != RMI_SUCCESS || !(EXIT_ESR(run) & (1 << 6))) {
			check(false, "the realm writes out its token", EXIT_ESR(run));
			return;
		}
		uint64_t w = EXIT_GPR0(run), off = EXIT_FAR(run) & 0xfff;
		if (off == 160) {
			for (unsigned b = 0; b < 8 && len + part + b < sizeof(token); b++)
				token[len + part + b] = (uint8_t)(w >> (8 * b));
			part += 8;
		} else if (off == 152) {
			status = w;
		} else if (off == 168) {
			check(w <= part && w <= 0x100, "each token part fits what was asked", w);
			len += w, part = 0, parts++;
		}
	}
	/* The length of the last part comes after its status. */
	ENTER_FLAGS(run) = ENTER_EMUL_MMIO;
	if (rec_enter(rec, run) == RMI_SUCCESS && (EXIT_FAR(run) & 0xfff) == 168)
		len += EXIT_GPR0(run), parts++;
	check(status == 0 && parts > 1, "the token comes in parts, the last one SUCCESS", status);
	puts_("fwtest: realm token ");
	for (uint64_t i = 0; i < len; i++)
		puthex2(token[i]);
	puts_("\n");
}

static void realm_runs(void)
{
	uint64_t rd = (uint64_t)runmem[0], rtt = (uint64_t)runmem[2], l2 = (uint64_t)runmem[4];
	uint64_t l3 = (uint64_t)runmem[5], data = (uint64_t)runmem[6], rec = (uint64_t)recg;
	uint64_t run = (uint64_t)run_page, params = (uint64_t)params_page;
	uint64_t aux = (uint64_t)recg[1];
	uint64_t all[8] = {rd, rtt, rtt + 4096, l2, l3, data, rec, aux};
	for (unsigned i = 0; i < 8; i++)
		if (rmi(RMI_GRANULE_DELEGATE, all[i]) != RMI_SUCCESS)
			check(false, "DELEGATE the running realm's granules", i);
	check(create_realm(rd, rtt, 15) == RMI_SUCCESS, "REALM_CREATE (running)", 0);
	uint64_t c1[6] = {RMI_RTT_CREATE, rd, l2, 0, 2, 0},
		 c2[6] = {RMI_RTT_CREATE, rd, l3, 0, 3, 0};
	smc6(c1);
	smc6(c2);
	uint64_t i1[6] = {RMI_RTT_INIT_RIPAS, rd, 0, 0x1000, 0, 0};
	smc6(i1);
	volatile uint8_t *sp = src_page;
	for (unsigned i = 0; i < 4096; i++)
		sp[i] = 0;
	for (const uint8_t *c = realm_code; c < realm_code_end; c++)
		sp[c - realm_code] = *c;
	uint64_t d[6] = {RMI_DATA_CREATE, rd, data, 0, (uint64_t)src_page, 1};
	smc6(d);
	check(c1[0] == RMI_SUCCESS && c2[0] == RMI_SUCCESS && i1[0] == RMI_SUCCESS &&
		  d[0] == RMI_SUCCESS,
	      "a realm with its code at IPA 0", d[0]);
	put_rec_params(1, 0, 1, aux);
	((volatile uint64_t *)params_page)[0x200 / 8] = 0; /* pc: IPA 0 */
	uint64_t rc[4] = {RMI_REC_CREATE, rd, rec, params};
	smc4(rc);
	check(rc[0] == RMI_SUCCESS, "REC_CREATE (running)", rc[0]);
	volatile uint64_t *rp = (volatile uint64_t *)run_page;
	for (unsigned i = 0; i < 512; i++)
		rp[i] = 0;
	check(rec_enter(rec, run) == RMI_ERROR_REALM, "REC_ENTER before REALM_ACTIVATE", 0);
	check(rmi(RMI_REALM_ACTIVATE, rd) == RMI_SUCCESS, "REALM_ACTIVATE (running)", 0);
	check(rec_enter(rec, run + 8) == RMI_ERROR_INPUT, "REC_ENTER with a misaligned run", 0);
	/* 1: the write of RSI_VERSION's answer to the unprotected IPA. */
	uint64_t r1 = rec_enter(rec, run);
	check(r1 == RMI_SUCCESS && EXIT_REASON(run) == 0 && (EXIT_ESR(run) >> 26) == 0x24 &&
		  (EXIT_ESR(run) & (1 << 6)) && (EXIT_HPFAR(run) << 8) == (1ULL << 39),
	      "REC_ENTER: the realm ran and exits on a write to unprotected memory", EXIT_ESR(run));
	check(EXIT_GPR0(run) == 0x10000, "the realm got RSI_VERSION 1.0 from the RMM",
	      EXIT_GPR0(run));
	check(((EXIT_ESR(run) >> 16) & 0x1f) == 0, "the exit hides the realm's register", 0);
	/* 2: the read: the host's value goes to the realm's register. */
	ENTER_FLAGS(run) = ENTER_EMUL_MMIO;
	uint64_t r2 = rec_enter(rec, run);
	check(r2 == RMI_SUCCESS && EXIT_REASON(run) == 0 && !(EXIT_ESR(run) & (1 << 6)),
	      "REC_ENTER: the realm exits on a read of unprotected memory", EXIT_ESR(run));
	ENTER_GPR0(run) = 0x7e57da7a;
	uint64_t r3 = rec_enter(rec, run);
	check(r3 == RMI_SUCCESS && (EXIT_ESR(run) & (1 << 6)) && EXIT_GPR0(run) == 0x7e57da7a,
	      "REC_ENTER: the value the host supplied reached the realm", EXIT_GPR0(run));
	/* The realm's measurements, as it read them: the RIM (which tests/integration/
	 * test_realm.py recomputes with tools/realm_measure.py from what is printed here)
	 * and REM 0 after its extension. */
	uint64_t rim[4], rem[4];
	for (unsigned i = 0; i < 8; i++) {
		ENTER_FLAGS(run) = ENTER_EMUL_MMIO;
		if (rec_enter(rec, run) != RMI_SUCCESS || !(EXIT_ESR(run) & (1 << 6)))
			check(false, "the realm writes out its measurements", EXIT_ESR(run));
		(i < 4 ? rim : rem)[i % 4] = EXIT_GPR0(run);
	}
	puts_("fwtest: realm code ");
	for (const uint8_t *c = realm_code; c < realm_code_end; c++)
		puthex2(*c);
	puts_("\nfwtest: realm rim ");
	for (unsigned i = 0; i < 32; i++)
		puthex2((uint8_t)(rim[i / 8] >> (8 * (i % 8))));
	puts_("\nfwtest: realm rem0 ");
	for (unsigned i = 0; i < 32; i++)
		puthex2((uint8_t)(rem[i / 8] >> (8 * (i % 8))));
	puts_("\n");
	/* RSI_REALM_CONFIG into its own page, and RSI_IPA_STATE_GET over [0, 8 KiB): the
	 * realm writes out what it got. */
	uint64_t got[6];
	for (unsigned i = 0; i < 6; i++) {
		ENTER_FLAGS(run) = ENTER_EMUL_MMIO;
		if (rec_enter(rec, run) != RMI_SUCCESS || !(EXIT_ESR(run) & (1 << 6)))
			check(false, "the realm writes out its configuration", EXIT_ESR(run));
		got[i] = EXIT_GPR0(run);
	}
	check(got[0] == 0 && got[1] == 40 && got[2] == 0, "RSI_REALM_CONFIG: 40-bit IPA, SHA-256",
	      got[1]);
	check(got[3] == 0 && got[4] == 0x1000 && got[5] == 1,
	      "RSI_IPA_STATE_GET: RAM up to 4 KiB (the rest is EMPTY)", got[4]);
	ENTER_FLAGS(run) = ENTER_EMUL_MMIO;
	check(rec_enter(rec, run) == RMI_SUCCESS && (EXIT_FAR(run) & 0xfff) == 176,
	      "the realm times RSI_VERSION", EXIT_FAR(run));
	rsi_round_trip = EXIT_GPR0(run);
	attestation(rec, run);
	ENTER_FLAGS(run) = ENTER_EMUL_MMIO | ENTER_TRAP_WFI;
	uint64_t r4 = rec_enter(rec, run);
	check(r4 == RMI_SUCCESS && EXIT_REASON(run) == 0 && (EXIT_ESR(run) >> 26) == 0x01,
	      "REC_ENTER: the realm's WFI exits to the host", EXIT_ESR(run));
	ENTER_FLAGS(run) = ENTER_TRAP_WFI;
	uint64_t t[15];
	for (unsigned i = 0; i < 15; i++) {
		uint64_t t0 = counter();
		uint64_t r = rec_enter(rec, run);
		t[i] = counter() - t0;
		if (r != RMI_SUCCESS || (EXIT_ESR(run) >> 26) != 0x01)
			check(false, "REC_ENTER round trips, each ending on the realm's WFI", i);
	}
	rec_round_trip = median15(t);
	/* Taking it apart. */
	check(rmi(RMI_REALM_DESTROY, rd) == RMI_ERROR_REALM, "REALM_DESTROY with a REC", 0);
	check(rmi(RMI_REC_DESTROY, rec) == RMI_SUCCESS, "REC_DESTROY (running)", 0);
	uint64_t x[6] = {RMI_DATA_DESTROY, rd, 0, 0, 0, 0};
	smc6(x);
	uint64_t t3[6] = {RMI_RTT_DESTROY, rd, 0, 3, 0, 0},
		 t2[6] = {RMI_RTT_DESTROY, rd, 0, 2, 0, 0};
	smc6(t3);
	smc6(t2);
	check(x[0] == RMI_SUCCESS && t3[0] == RMI_SUCCESS && t2[0] == RMI_SUCCESS &&
		  rmi(RMI_REALM_DESTROY, rd) == RMI_SUCCESS,
	      "the running realm taken apart", 0);
	bool back = true;
	for (unsigned i = 0; i < 8; i++)
		back = back && rmi(RMI_GRANULE_UNDELEGATE, all[i]) == RMI_SUCCESS;
	check(back, "the running realm's granules back to the host", 0);
}

/* The end of the RAM bank at 0x40000000, from the DTB (a walk of its structure block). */
static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t ram_end(const uint8_t *dtb)
{
	if (be32(dtb) != 0xd00dfeed)
		return 0;
	const uint8_t *p = dtb + be32(dtb + 8), *end = p + be32(dtb + 36);
	const char *strings = (const char *)dtb + be32(dtb + 12);
	int depth = 0;
	bool memory = false;
	while (p < end) {
		uint32_t tok = be32(p);
		p += 4;
		if (tok == 1) { /* BEGIN_NODE */
			const char *name = (const char *)p;
			memory = ++depth == 2 && name[0] == 'm' && name[1] == 'e' && name[2] == 'm';
			while (*p)
				p++;
			p = dtb + ((p - dtb + 4) & ~3L);
		} else if (tok == 2) { /* END_NODE */
			depth--;
			memory = false;
		} else if (tok == 3) { /* PROP */
			uint32_t len = be32(p), name = be32(p + 4);
			const char *n = strings + name;
			if (memory && n[0] == 'r' && n[1] == 'e' && n[2] == 'g' && !n[3] &&
			    len >= 16)
				return ((uint64_t)be32(p + 8) << 32 | be32(p + 12)) +
				       ((uint64_t)be32(p + 16) << 32 | be32(p + 20));
			p += 8 + ((len + 3) & ~3U);
		} else if (tok != 4) {
			break;
		}
	}
	return 0;
}

/* Host granules the RMM tracks but the GPT does not give the normal world: reading them
 * through the RMM's Non-secure alias faults, and the RMM must answer ERROR_INPUT and live
 * on. The monitor's layout (docs/monitor.md): at the top of DRAM, the Realm region (ending
 * with the RMM's granule table), a shared page, the GPT's level-1 tables (128 KiB per GiB
 * of DRAM, Root). */
static void params_the_normal_world_cannot_read(const uint8_t *dtb)
{
	uint64_t end = ram_end(dtb), gibs = (end - 0x40000000 + 0x3fffffff) >> 30;
	check(end != 0, "the DTB gives the RAM's end", end);
	uint64_t gpt_l1 = (end - gibs * 0x20000) & ~0x1ffffULL, realm_region = gpt_l1 - 0x2000;
	uint64_t rd = (uint64_t)pool[0];
	check(rmi(RMI_GRANULE_DELEGATE, rd) == RMI_SUCCESS, "DELEGATE an RD", 0);
	check(rmi2(RMI_REALM_CREATE, rd, gpt_l1) == RMI_ERROR_INPUT,
	      "REALM_CREATE with parameters in the GPT (Root)", gpt_l1);
	check(rmi2(RMI_REALM_CREATE, rd, realm_region) == RMI_ERROR_INPUT,
	      "REALM_CREATE with parameters in the RMM's own memory (Realm)", realm_region);
	check(rmi(RMI_VERSION, V1_0) == RMI_SUCCESS, "the RMM lives on after those faults", 0);
	check(rmi(RMI_GRANULE_UNDELEGATE, rd) == RMI_SUCCESS, "UNDELEGATE the RD", 0);
}

/* The secure world's memory (QEMU's secure RAM: S-EL2 at 0x0E020000, OP-TEE at 0x0E100000)
 * is out of the normal world's reach: a read or write from Normal EL2 faults, and the secure
 * world carries on. */
static void secure_memory_faults(void)
{
	uint64_t v = 0;
	check(try_read((volatile uint64_t *)0x0e100000, &v) != 0,
	      "a Normal EL2 read of OP-TEE's secure RAM faults", v);
	check(try_write((volatile uint64_t *)0x0e020000, 0x5a5a5a5a) != 0,
	      "a Normal EL2 write to Triad S-EL2's secure RAM faults", 0);
	uint64_t r[4] = {0xbf00ff01, 0, 0, 0}; /* OP-TEE's UID */
	smc4(r);
	check((uint32_t)r[0] == 0x384fb3e0, "OP-TEE answers after those faults", r[0]);
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
	puts_("fwtest: the firmware (RMM, S-EL2) from the host's place\n");
	version_and_features();
	delegation();
	realms();
	realm_memory();
	recs();
	unprotected();
	realm_runs();
	realm_exits();
	blocks();
	audit_page();
	params_the_normal_world_cannot_read((const uint8_t *)dtb);
	bench_call("rmi_version", RMI_VERSION, V1_0);
	bool secure = ffa();
	if (secure) {
		secure_memory_faults();
		bench_call("world_switch_secure", FFA_VERSION, 0x10001);
	}
	world_switch(secure);
	power_down_and_back();
	puts_("bench: rsi_version ");
	putdec(rsi_round_trip * 1000000000ULL / read_sysreg(cntfrq_el0));
	puts_("\n");
	puts_("bench: rec_enter_exit ");
	putdec(rec_round_trip * 1000000000ULL / read_sysreg(cntfrq_el0));
	puts_("\n");
	if (!failures) {
		puts_("fwtest: PASS ");
		putdec(checks);
		puts_(" checks\n");
		puts_("bench: done\n");
	}
	smc(PSCI_SYSTEM_OFF, 0, 0, 0);
	return 0;
}
