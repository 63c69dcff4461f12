/* The benchmark guest: times Triad's hot paths from inside a VM, in counter ticks
 * converted to nanoseconds. Under QEMU's -icount shift=0 one nanosecond is one executed
 * instruction (hypervisor and guest alike), so the results are instruction counts. The
 * same binary runs on bare QEMU (at EL1, no hypervisor) for comparison; what has no
 * meaning there (a hypercall) is reported as n/a.
 *
 * Prints "bench: NAME VALUE" lines (VALUE: median ns per operation) and "bench: done".
 * With "bench=switch" in its bootargs it instead measures how it shares a physical CPU
 * with another VM (see switch_main). Needs 2 vCPUs for the IPI benchmark. */
#include "../ffasp/notif_cmds.h"
#include "../lib/guest.h"

#define ROUNDS 15 /* medians over this many rounds */
#define OPS    64 /* operations per round for the loop benchmarks */

#define TIMER_INTID 27
#define SGI_PING    1
#define SGI_PONG    2
#define SGI_NPI	    9 /* FF-A's Notification Pending Interrupt under Triad */
#define GICD_TYPER  0x4
#define UARTFR	    0x18

static uint64_t freq;
static volatile unsigned exceptions; /* synchronous exceptions taken (UNDEF on bare QEMU) */

static uint64_t ticks_to_ns(uint64_t t)
{
	return t / freq * 1000000000UL + t % freq * 1000000000UL / freq;
}

static void sort(uint64_t *v, unsigned n)
{
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = i; j && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

static uint64_t median(uint64_t *v, unsigned n)
{
	sort(v, n);
	return v[n / 2];
}

static void report(const char *name, uint64_t ns)
{
	puts_("bench: ");
	puts_(name);
	puts_(" ");
	putdec(ns);
	puts_("\n");
}

static void report_na(const char *name)
{
	puts_("bench: ");
	puts_(name);
	puts_(" n/a\n");
}

/* ---- exceptions and interrupts ---- */

void sync_exception(struct frame *f)
{
	exceptions++;
	f->elr += 4; /* an UNDEF'd HVC on bare QEMU: skip it */
}

void unexpected_exception(struct frame *f)
{
	puts_("bench: FAIL unexpected exception ESR ");
	puthex(read_sysreg(esr_el1));
	puts_(" at ");
	puthex(f->elr);
	puts_("\n");
	hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
}

static volatile uint64_t timer_cval, timer_late, eoi_ticks, timer_fired;
/* Left by timer_vectors.S: the INTID its first instructions acknowledged (NO_IAR: none
 * waiting for irq_exception), and the virtual counter right after. */
#define NO_IAR (~0UL)
volatile uint64_t timer_iar = NO_IAR, timer_acked_at;
extern char timer_vectors[];
static volatile uint64_t pong_at, pongs, pings;
static volatile unsigned npis; /* FF-A NPIs taken */
static volatile uint64_t lpi_taken, lpi_acked_at;

static inline uint64_t cpu_index(void)
{
	return read_sysreg(mpidr_el1) & 0xff;
}

static void send_sgi(unsigned intid, unsigned cpu)
{
	write_sysreg(s3_0_c12_c11_5, ((uint64_t)intid << 24) | (1UL << cpu)); /* ICC_SGI1R_EL1 */
	isb();
}

#define LPI_BENCH 8192

/* An interrupt timer_vectors.S acknowledged: the timer's, during bench_timer, or the LPI of
 * bench_lpi. */
static void timer_irq(void)
{
	uint64_t iar = timer_iar;
	timer_iar = NO_IAR;
	if ((iar & 0xffffff) == LPI_BENCH) {
		lpi_acked_at = timer_acked_at;
		lpi_taken++;
		write_sysreg(s3_0_c12_c12_1, iar);
		return;
	}
	if ((iar & 0xffffff) == TIMER_INTID) {
		timer_late = timer_acked_at - timer_cval;
		write_sysreg(cntv_ctl_el0, 0);
		uint64_t t0 = counter();
		write_sysreg(s3_0_c12_c12_1, iar); /* ICC_EOIR1_EL1 */
		eoi_ticks = counter() - t0;
		timer_fired++;
		return;
	}
	write_sysreg(s3_0_c12_c12_1, iar);
}

void irq_exception(struct frame *f)
{
	(void)f;
	if (timer_iar != NO_IAR) {
		timer_irq();
		return;
	}
	uint64_t iar = read_sysreg(s3_0_c12_c12_0); /* ICC_IAR1_EL1 */
	uint32_t intid = iar & 0xffffff;
	if (intid == SGI_PING)
		pings++, send_sgi(SGI_PONG, 0);
	else if (intid == SGI_PONG)
		pong_at = counter(), pongs++;
	else if (intid == SGI_NPI)
		npis++;
	write_sysreg(s3_0_c12_c12_1, iar);
}

/* ---- GIC ---- */

static void gic_cpu_init(unsigned cpu)
{
	uint64_t sgi = GICR + cpu * GICR_SIZE + 0x10000;
	gicr_wake(cpu);
	wr32(sgi + 0x80, 0xffffffff); /* GICR_IGROUPR0: all Group 1 */
	wr32(sgi + 0x100,
	     (1U << SGI_PING) | (1U << SGI_PONG) | (1U << SGI_NPI) | (1U << TIMER_INTID));
	gic_cpu_interface_on();
	__asm__ volatile("msr daifclr, #2"); /* IRQs on */
}

static volatile bool cpu1_up;

void secondary_main(unsigned long idx)
{
	gic_cpu_init((unsigned)idx);
	cpu1_up = true;
	for (;;)
		__asm__ volatile("wfi");
}

/* ---- the benchmarks ---- */

/* Median over ROUNDS of the mean over OPS operations of `op`. */
#define LOOP_BENCH(name, op)                                                                       \
	do {                                                                                       \
		uint64_t r_[ROUNDS];                                                               \
		for (unsigned i_ = 0; i_ < ROUNDS; i_++) {                                         \
			uint64_t t0_ = counter();                                                  \
			for (unsigned j_ = 0; j_ < OPS; j_++) {                                    \
				op;                                                                \
			}                                                                          \
			r_[i_] = counter() - t0_;                                                  \
		}                                                                                  \
		report(name, ticks_to_ns(median(r_, ROUNDS)) / OPS);                               \
	} while (0)

static void bench_hvc(void)
{
	exceptions = 0;
	hvc(SMCCC_VERSION, 0, 0, 0);
	if (exceptions) {
		report_na("hvc_null"); /* no EL2: HVC is UNDEF */
		return;
	}
	LOOP_BENCH("hvc_null", hvc(SMCCC_VERSION, 0, 0, 0));
}

/* A null call to OP-TEE in the secure world: Normal EL2 -> EL3 -> Secure EL2 -> OP-TEE and
 * back. Only where there is one (triad-run --secure). */
#define OPTEE_CALLS_UID 0xbf00ff01
static void bench_optee(void)
{
	exceptions = 0;
	int64_t uid0 = smc(OPTEE_CALLS_UID, 0, 0, 0);
	if (exceptions || (uint32_t)uid0 != 0x384fb3e0) {
		report_na("optee_fast_call");
		return;
	}
	LOOP_BENCH("optee_fast_call", smc(OPTEE_CALLS_UID, 0, 0, 0));
}

/* An FF-A direct request to the first secure partition and its response: Normal EL2 ->
 * EL3 -> Secure EL2 (the SPMC) -> the partition and back. Only where Triad's SPMC has one
 * (triad-run --sp). */
#define FFA_PARTITION_INFO_GET_REGS 0xc400008bUL
#define FFA_SUCCESS64		    0xc4000061UL
#define FFA_ID_GET		    0x84000069UL
#define FFA_MSG_SEND_DIRECT_REQ	    0x8400006fUL
#define FFA_MSG_SEND_DIRECT_RESP    0x84000070UL

static uint64_t direct_req(uint64_t w1)
{
	uint64_t r[18] = {FFA_MSG_SEND_DIRECT_REQ, w1, 0, 0, 1, 2, 3, 4};
	hvc18(r);
	return r[0];
}

/* A notification from the partition to this VM and back to it: a direct request asks the
 * partition to set bit 0 (tests/guests/ffasp/notif_cmds.h), the SPMC raises the SRI, Triad
 * asks INFO_GET and raises the NPI here, and GET takes the bit. Returns it (1), 0 if the NPI
 * did not come within 100 ms. */
#define FFA_NOTIFICATION_BIND 0x8400007fUL
#define FFA_NOTIFICATION_GET  0x84000082UL
#define FFA_SUCCESS	      0x84000061UL

static uint64_t notif_round_trip(uint64_t w1)
{
	unsigned before = npis;
	uint64_t me = w1 >> 16;
	uint64_t r[18] = {FFA_MSG_SEND_DIRECT_REQ | 0x40000000UL, w1, 0, NOTIF_SET, me, 1, 0};
	hvc18(r);
	for (uint64_t t = counter(); npis == before;)
		if (counter() - t > freq / 10)
			return 0;
	uint64_t g[18] = {FFA_NOTIFICATION_GET, me, 1 /* from partitions */};
	hvc18(g);
	return g[0] == FFA_SUCCESS ? g[2] : 0;
}

static void bench_notif(uint64_t w1)
{
	uint64_t b[18] = {FFA_NOTIFICATION_BIND, (w1 & 0xffff) << 16 | w1 >> 16, 0, 1, 0};
	hvc18(b);
	if (b[0] != FFA_SUCCESS || notif_round_trip(w1) != 1) {
		report_na("ffa_notif_sp_to_vm");
		return;
	}
	LOOP_BENCH("ffa_notif_sp_to_vm", notif_round_trip(w1));
}

/* FF-A memory sharing: one page shared with the partition, its retrieve and relinquish
 * (ffasp's MEM_RETRIEVE and MEM_RELINQUISH requests), the reclaim. The descriptor (FF-A
 * 1.1 layout, one receiver, one range) is written once: Triad copies it at each share. */
#define FFA_MEM_SHARE	  0x84000073UL
#define FFA_MEM_RECLAIM	  0x84000077UL
#define FFA_RXTX_MAP64	  0xc4000066UL
#define FFA_SUCCESS	  0x84000061UL
#define FFA_DIRECT_REQ64  0xc400006fUL
#define FFA_DIRECT_RESP64 0xc4000070UL
#define SP_MEM_RETRIEVE	  10 /* tests/guests/ffasp/mem.h */
#define SP_MEM_RELINQUISH 13
#define SHARE_DESC_LEN	  (48 + 16 + 16 + 16)
static uint8_t mem_tx[4096] __attribute__((aligned(4096)));
static uint8_t mem_rx[4096] __attribute__((aligned(4096)));
static uint8_t mem_page[4096] __attribute__((aligned(4096)));

static void put(uint8_t *p, uint64_t v, unsigned bytes)
{
	for (unsigned k = 0; k < bytes; k++)
		p[k] = (uint8_t)(v >> (8 * k));
}

static void share_descriptor(uint16_t me, uint16_t sp)
{
	put(mem_tx, me, 2);
	put(mem_tx + 2, 0x2f, 2); /* Normal, write-back, inner shareable */
	put(mem_tx + 24, 16, 4);  /* endpoint descriptor size */
	put(mem_tx + 28, 1, 4);	  /* one receiver */
	put(mem_tx + 32, 48, 4);  /* at 48 */
	put(mem_tx + 48, sp, 2);
	put(mem_tx + 50, 1, 1);	 /* read-only */
	put(mem_tx + 52, 64, 4); /* the composite at 64 */
	put(mem_tx + 64, 1, 4);	 /* 1 page */
	put(mem_tx + 68, 1, 4);	 /* in 1 range */
	put(mem_tx + 80, (uint64_t)mem_page, 8);
	put(mem_tx + 88, 1, 4);
}

/* The whole cycle; false if any step failed. */
static bool share_cycle(uint64_t w1, uint16_t me)
{
	uint64_t s[18] = {FFA_MEM_SHARE, SHARE_DESC_LEN, SHARE_DESC_LEN};
	hvc18(s);
	uint64_t handle = (uint32_t)s[2] | s[3] << 32;
	/* 64-bit requests: the handle is 64 bits */
	uint64_t q[18] = {FFA_DIRECT_REQ64, w1, 0, SP_MEM_RETRIEVE, handle, me};
	hvc18(q);
	bool ok = s[0] == FFA_SUCCESS && q[0] == FFA_DIRECT_RESP64 && q[4] == 0;
	uint64_t l[18] = {FFA_DIRECT_REQ64, w1, 0, SP_MEM_RELINQUISH, handle};
	hvc18(l);
	uint64_t c[18] = {FFA_MEM_RECLAIM, (uint32_t)handle, handle >> 32};
	hvc18(c);
	return ok && l[0] == FFA_DIRECT_RESP64 && l[4] == 0 && c[0] == FFA_SUCCESS;
}

static void bench_ffa_mem(uint64_t w1)
{
	uint64_t m[18] = {FFA_RXTX_MAP64, (uint64_t)mem_tx, (uint64_t)mem_rx, 1};
	hvc18(m);
	share_descriptor((uint16_t)(w1 >> 16), (uint16_t)w1);
	if (m[0] != FFA_SUCCESS || !share_cycle(w1, (uint16_t)(w1 >> 16))) {
		report_na("ffa_mem_share_cycle");
		return;
	}
	LOOP_BENCH("ffa_mem_share_cycle", share_cycle(w1, (uint16_t)(w1 >> 16)));
}

static void bench_ffa(void)
{
	exceptions = 0;
	uint64_t info[18] = {FFA_PARTITION_INFO_GET_REGS};
	hvc18(info);
	uint64_t id[18] = {FFA_ID_GET};
	if (!exceptions && info[0] == FFA_SUCCESS64)
		hvc18(id);
	uint64_t w1 = id[2] << 16 | (info[3] & 0xffff);
	if (exceptions || info[0] != FFA_SUCCESS64 || direct_req(w1) != FFA_MSG_SEND_DIRECT_RESP) {
		report_na("ffa_direct_req");
		report_na("ffa_notif_sp_to_vm");
		report_na("ffa_mem_share_cycle");
		return;
	}
	LOOP_BENCH("ffa_direct_req", direct_req(w1));
	bench_notif(w1);
	bench_ffa_mem(w1);
}

static void bench_sysreg(void)
{
	/* ID_AA64MMFR0_EL1: Triad traps ID registers (HCR_EL2.TID3) to sanitize them. */
	LOOP_BENCH("sysreg_trap", (void)read_sysreg(id_aa64mmfr0_el1));
}

static void bench_mmio(void)
{
	LOOP_BENCH("mmio_uart", (void)rd32(UART + UARTFR));
	LOOP_BENCH("mmio_gicd", (void)rd32(GICD + GICD_TYPER));
}

/* Waits in WFI until the timer's handler has run (timer_fired moved past `before`).
 * Interrupts are masked from the check to the WFI: taken in between (a vCPU thread held
 * off past the deadline on a loaded host), the handler would turn the timer off and the
 * WFI would then wait for an interrupt that never comes. A masked pending interrupt still
 * ends the WFI; it is taken once unmasked. `late_check` spins that long (counter ticks)
 * between the check and the WFI: the window made wide enough for the timer to fall in. */
static void wait_timer_fired(uint64_t before, uint64_t late_check)
{
	__asm__ volatile("msr daifset, #2" ::: "memory");
	while (timer_fired == before) {
		for (uint64_t t = counter(); counter() - t < late_check;)
			;
		if (timer_fired != before) {
			puts_("bench: FAIL timer interrupt taken between the check and the WFI: "
			      "the WFI would wait for an interrupt already handled\n");
			break;
		}
		__asm__ volatile("wfi");
		__asm__ volatile("msr daifclr, #2\n\tisb\n\tmsr daifset, #2" ::: "memory");
	}
	__asm__ volatile("msr daifclr, #2" ::: "memory");
}

/* From a 10 ms virtual timer's deadline (CVAL: the counter when it fires) to its handler's
 * first instructions, the acknowledge included (timer_vectors.S), with the vCPU busy
 * (interrupts on) and with it waiting in WFI. */
static void bench_timer(void)
{
	uint64_t busy[ROUNDS], idle[ROUNDS], eoi[ROUNDS];
	uint64_t vbar = read_sysreg(vbar_el1);
	write_sysreg(vbar_el1, (uint64_t)timer_vectors);
	isb();
	for (unsigned i = 0; i < 2 * ROUNDS; i++) {
		uint64_t before = timer_fired;
		timer_cval = counter() + freq / 100; /* 10 ms from now */
		write_sysreg(cntv_cval_el0, timer_cval);
		write_sysreg(cntv_ctl_el0, 1);
		isb();
		if (i < ROUNDS) {
			while (timer_fired == before)
				;
			busy[i] = timer_late;
			eoi[i] = eoi_ticks;
		} else {
			wait_timer_fired(before, 0);
			idle[i - ROUNDS] = timer_late;
		}
	}
	write_sysreg(vbar_el1, vbar);
	isb();
	report("timer_irq_busy", ticks_to_ns(median(busy, ROUNDS)));
	report("timer_irq_wfi", ticks_to_ns(median(idle, ROUNDS)));
	report("eoi", ticks_to_ns(median(eoi, ROUNDS)));
}

/* The timer's deadline (1 ms) passes while the guest is between its check and its WFI
 * (20 ms there): the WFI must still end, with the interrupt taken after it. */
static void timer_between_check_and_wfi(void)
{
	uint64_t vbar = read_sysreg(vbar_el1);
	write_sysreg(vbar_el1, (uint64_t)timer_vectors);
	isb();
	uint64_t before = timer_fired;
	timer_cval = counter() + freq / 1000;
	write_sysreg(cntv_cval_el0, timer_cval);
	write_sysreg(cntv_ctl_el0, 1);
	isb();
	uint64_t t0 = counter();
	wait_timer_fired(before, freq / 50);
	uint64_t waited = counter() - t0;
	write_sysreg(vbar_el1, vbar);
	isb();
	puts_("bench: timer between check and WFI: woken after ");
	putdec(ticks_to_ns(waited) / 1000);
	puts_(" us\n");
}

/* ---- an LPI through the ITS ---- */

#define GITS	     0x08080000UL
#define GITS_IIDR    0x4
#define GITS_CBASER  0x80
#define GITS_CWRITER 0x88
#define TRIAD_IIDR   0x0001543bU
/* Tables in the VM's RAM (64 MB), away from this image. */
#define LPI_QUEUE (RAM_BASE + 0x2000000UL)
#define LPI_PROP  (RAM_BASE + 0x2010000UL)
#define LPI_PEND  (RAM_BASE + 0x2020000UL)

static uint64_t lpi_cwriter;

/* Puts a command in the queue; `go` moves CWRITER past it (the ITS runs it). */
static void lpi_cmd(uint64_t dw0, uint64_t dw1, uint64_t dw2, bool go)
{
	volatile uint64_t *slot = (volatile uint64_t *)(LPI_QUEUE + lpi_cwriter);
	slot[0] = dw0, slot[1] = dw1, slot[2] = dw2, slot[3] = 0;
	__asm__ volatile("dsb sy" ::: "memory");
	lpi_cwriter = (lpi_cwriter + 32) % 0x1000;
	if (go)
		wr64(GITS + GITS_CWRITER, lpi_cwriter);
}

/* The guest's INT command for an LPI mapped to its own vCPU: from its write to GITS_CWRITER
 * (the command already in the queue) to its handler's acknowledge of the LPI. Only Triad's
 * ITS: bare QEMU's would need its Device and Collection tables set up in memory. */
static void bench_lpi(void)
{
	if (rd32(GITS + GITS_IIDR) != TRIAD_IIDR) {
		report_na("lpi_int");
		return;
	}
	*(volatile uint8_t *)LPI_PROP = 0xa0 | 1;  /* LPI 8192: priority 0xa0, enabled */
	wr64(GICR + 0x70, LPI_PROP | 13);	   /* GICR_PROPBASER: 14 INTID bits */
	wr64(GICR + 0x78, LPI_PEND | (1UL << 62)); /* GICR_PENDBASER, PTZ */
	wr32(GICR, 1);				   /* EnableLPIs */
	wr64(GITS + GITS_CBASER, (1UL << 63) | LPI_QUEUE);
	wr32(GITS, 1);					   /* GITS_CTLR.Enabled */
	lpi_cmd(0x08, 0, 1UL << 63, false);		   /* MAPD device 0, 2 events */
	lpi_cmd(0x09, 0, 1UL << 63, false);		   /* MAPC collection 0 -> vCPU 0 */
	lpi_cmd(0x0a, (uint64_t)LPI_BENCH << 32, 0, true); /* MAPTI event 0 -> 8192 */
	uint64_t r[ROUNDS];
	uint64_t vbar = read_sysreg(vbar_el1);
	write_sysreg(vbar_el1, (uint64_t)timer_vectors);
	isb();
	for (unsigned i = 0; i < ROUNDS; i++) {
		uint64_t before = lpi_taken;
		lpi_cmd(0x03, 0, 0, false); /* INT device 0, event 0 */
		uint64_t t0 = counter();
		wr64(GITS + GITS_CWRITER, lpi_cwriter);
		while (lpi_taken == before)
			if (counter() - t0 > freq) {
				puts_("bench: FAIL the LPI never came\n");
				write_sysreg(vbar_el1, vbar);
				return;
			}
		r[i] = lpi_acked_at - t0;
	}
	write_sysreg(vbar_el1, vbar);
	isb();
	report("lpi_int", ticks_to_ns(median(r, ROUNDS)));
}

/* SGI to vCPU 1, whose handler sends one back: the round trip, both vCPUs waiting in WFI. */
static void bench_ipi(void)
{
	if (!cpu1_up) {
		report_na("ipi_roundtrip");
		return;
	}
	uint64_t r[ROUNDS];
	for (unsigned i = 0; i < ROUNDS; i++) {
		uint64_t before = pongs;
		uint64_t t0 = counter();
		send_sgi(SGI_PING, 1);
		/* Waiting in WFI, not spinning: under -icount QEMU runs one CPU at a time, and
		 * a spinning sender would hold the other off for a whole round-robin slice. */
		while (pongs == before) {
			__asm__ volatile("wfi");
			if (counter() - t0 > freq) {
				puts_("bench: FAIL no IPI answer in a second, round ");
				putdec(i);
				puts_(", pings seen by vCPU 1: ");
				putdec(pings);
				puts_("\n");
				return;
			}
		}
		r[i] = pong_at - t0;
	}
	report("ipi_roundtrip", ticks_to_ns(median(r, ROUNDS)));
}

/* ---- security modes (docs/security-modes.md) ---- */

/* DC CISW of a set other than 0 (a strict VM's is trapped, with nothing to clean), and of
 * set 0 way 0 (a strict VM's whole RAM cleaned and invalidated by VA; natively, one line). */
static void bench_setway(void)
{
	LOOP_BENCH("setway_op", __asm__ volatile("dc cisw, %0" ::"r"(1UL << 6) : "memory"));
	uint64_t r[ROUNDS];
	for (unsigned i = 0; i < ROUNDS; i++) {
		uint64_t t0 = counter();
		__asm__ volatile("dc cisw, %0\n\tdsb sy" ::"r"(0UL) : "memory");
		r[i] = counter() - t0;
	}
	report("setway_walk", ticks_to_ns(median(r, ROUNDS)));
}

/* ---- sharing a CPU with another VM ---- */

/* Both VMs spin reading the physical counter (common to all VMs) over the same window;
 * a jump between two reads is time the other VM (or the switch) had. From the two VMs'
 * reports, the harness gets the cost of a switch:
 * (window - ran_a - ran_b) / (gaps_a + gaps_b). With sve, each VM keeps a pattern in Z0
 * and P0 and runs an SVE instruction every iteration: every switch in is then a trap that
 * loads its SVE registers, and every switch out saves them. */
static void switch_main(bool sve)
{
	const uint64_t start = freq / 2, window = freq / 2; /* [0.5 s, 1 s) of machine time */
	const uint64_t gap = freq / 100000;		    /* 10 us: not a loop iteration */
	uint64_t now, prev, ran = 0, gaps = 0;
	if (sve) {
		write_sysreg(cpacr_el1, (3UL << 20) | (3UL << 16)); /* FPEN, ZEN */
		isb();
		__asm__ volatile(".arch_extension sve\n\tindex z0.b, #1, #1\n\tptrue p0.b");
	}
	while ((now = read_sysreg(cntpct_el0)) < start)
		;
	prev = now;
	while ((now = read_sysreg(cntpct_el0)) < start + window) {
		if (sve)
			__asm__ volatile(".arch_extension sve\n\tadd z1.b, p0/m, z1.b, z0.b");
		if (now - prev > gap)
			gaps++;
		else
			ran += now - prev;
		prev = now;
	}
	puts_("bench: switch ran ");
	putdec(ticks_to_ns(ran));
	puts_(" gaps ");
	putdec(gaps);
	puts_(" window ");
	putdec(ticks_to_ns(window));
	puts_("\n");
}

int main(const char *dtb)
{
	freq = read_sysreg(cntfrq_el0);
	puts_("bench: counter ");
	putdec(freq);
	puts_(" Hz\n");
	/* The virtual counter starts when the VM does: before that, the hypervisor booted. */
	report("hypervisor_boot", ticks_to_ns(read_sysreg(cntpct_el0) - read_sysreg(cntvct_el0)));
	if (bootargs_have(dtb, "bench=switch")) {
		switch_main(bootargs_have(dtb, "sve"));
	} else if (bootargs_have(dtb, "bench=setway")) {
		bench_setway();
	} else if (bootargs_have(dtb, "bench=timer")) {
		/* The timer rows alone: for loops of runs hunting a hang in them. */
		wr32(GICD, 0x13);
		gic_cpu_init(0);
		timer_between_check_and_wfi();
		bench_timer();
	} else {
		wr32(GICD, 0x13); /* GICD_CTLR: ARE, Group 0 and 1 on */
		gic_cpu_init(0);
		exceptions = 0;
		hvc(PSCI_CPU_ON, 1, (uint64_t)secondary_entry, 1);
		for (uint64_t t = counter(); !cpu1_up && counter() - t < freq / 10;)
			;
		bench_hvc();
		bench_optee();
		bench_ffa();
		bench_sysreg();
		bench_mmio();
		bench_timer();
		bench_ipi();
		bench_lpi();
	}
	puts_("bench: done\n");
	hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
	return 0;
}
