/* The ITS guest: drives the virtual ITS as a GICv3 driver does (LPI tables, command queue,
 * MAPD/MAPC/MAPTI/MAPI), raises LPIs with INT and GITS_TRANSLATER and checks which vCPU takes
 * them; moves them between its two vCPUs (MOVI, MOVALL); checks DISCARD, CLEAR and INV; then
 * misbehaves: out-of-range DeviceIDs and LPIs, a queue that wraps, a CWRITER past the queue's
 * end, a queue outside RAM, a queue rewritten by the other vCPU while commands run. After each
 * of those the ITS must still work. Prints one line per check and a summary.
 *
 * With "its=snap" in its bootargs it runs on instead, to be saved and restored
 * (tests/integration/test_snapshot_its.py): an LPI for each vCPU raised with INT every
 * 250 ms and a line per round, and an LPI left pending (disabled) that it enables at round
 * SNAP_HELD_ROUND: a restored copy must go on with the ITS's mappings, command queue and
 * pending LPI it had. */
#include "../lib/check.h"

#define GITS	     (DEVICE_IPA_BIT | 0x08080000UL)
#define GITS_CTLR    (GITS + 0x0)
#define GITS_TYPER   (GITS + 0x8)
#define GITS_CBASER  (GITS + 0x80)
#define GITS_CWRITER (GITS + 0x88)
#define GITS_CREADR  (GITS + 0x90)
#define GITS_BASER0  (GITS + 0x100)
#define GITS_PIDR2   (GITS + 0xffe8)
#define GITS_XLATE   (GITS + 0x10040)
#define CREADR_STALL 1UL

/* Guest memory for the tables, away from the image and its DTB (the VM has 16 MB). */
#define QUEUE	  (RAM_BASE + 0x800000UL) /* one 4 KB page: 128 commands */
#define PROP	  (RAM_BASE + 0x810000UL)
#define PEND(cpu) (RAM_BASE + 0x820000UL + (cpu)*0x10000UL)
#define DEVTAB	  (RAM_BASE + 0x840000UL)
#define QUEUE_LEN 0x1000UL

#define LPI0	 8192
#define NR_LPIS	 64 /* the ones this guest uses */
#define PRIO	 0xa0
#define CFG_ON	 (PRIO | 1)
#define CFG_OFF	 PRIO
#define IDBITS13 13

enum {
	MOVI = 0x01,
	INT = 0x03,
	CLEAR = 0x04,
	SYNC = 0x05,
	MAPD = 0x08,
	MAPC = 0x09,
	MAPTI = 0x0a,
	MAPI = 0x0b,
	INV = 0x0c,
	INVALL = 0x0d,
	MOVALL = 0x0e,
	DISCARD = 0x0f
};

static uint64_t freq;
static volatile unsigned taken[2][NR_LPIS], spurious, others;
static volatile bool cpu1_up, scribble, scribbling;
static uint64_t cwriter;

static inline uint64_t rd64(uint64_t a)
{
	uint64_t v;
	__asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(a) : "memory");
	return v;
}

static unsigned cpu_index(void)
{
	return read_sysreg(mpidr_el1) & 0xff;
}

void irq_exception(struct frame *f)
{
	(void)f;
	uint64_t iar = read_sysreg(s3_0_c12_c12_0); /* ICC_IAR1_EL1 */
	uint32_t id = iar & 0xffffff;
	if (id >= 1020 && id < 8192)
		spurious++;
	else if (id >= LPI0 && id < LPI0 + NR_LPIS)
		taken[cpu_index() & 1][id - LPI0]++;
	else
		others++;
	if (id < 1020 || id >= 8192)
		write_sysreg(s3_0_c12_c12_1, iar); /* ICC_EOIR1_EL1 */
}

static void irqs_on(void)
{
	__asm__ volatile("msr daifclr, #2" ::: "memory");
	isb();
}

static void redist_lpis_on(unsigned cpu)
{
	uint64_t rd = GICR + cpu * GICR_SIZE;
	wr64(rd + 0x70, PROP | IDBITS13); /* PROPBASER */
	wr64(rd + 0x78, PEND(cpu));	  /* PENDBASER: read by the GIC (all zeros) */
	wr32(rd + 0x0, 1);		  /* GICR_CTLR.EnableLPIs */
}

void secondary_main(unsigned long idx)
{
	(void)idx;
	gic_cpu_interface_on();
	irqs_on();
	cpu1_up = true;
	for (;;) {
		if (scribble) { /* the hostile part: rewrite the queue under the ITS */
			scribbling = true;
			volatile uint64_t *q = (volatile uint64_t *)QUEUE;
			for (uint64_t n = 0; scribble; n++)
				q[n % (QUEUE_LEN / 8)] = n * 0x9e3779b97f4a7c15UL;
			scribbling = false;
		}
		__asm__ volatile("wfe"); /* an LPI or the SEV below ends it */
	}
}

/* Writes one command at CWRITER and moves CWRITER past it; waits until the ITS read it. */
static bool its_cmd(uint64_t dw0, uint64_t dw1, uint64_t dw2, uint64_t dw3)
{
	volatile uint64_t *slot = (volatile uint64_t *)(QUEUE + cwriter);
	slot[0] = dw0, slot[1] = dw1, slot[2] = dw2, slot[3] = dw3;
	__asm__ volatile("dsb sy" ::: "memory");
	cwriter = (cwriter + 32) % QUEUE_LEN;
	wr64(GITS_CWRITER, cwriter);
	for (uint64_t t = counter(); counter() - t < freq;)
		if (rd64(GITS_CREADR) == cwriter)
			return true;
	return false;
}

static void mapd(uint32_t dev, unsigned event_bits)
{
	its_cmd(MAPD | (uint64_t)dev << 32, event_bits - 1, (1UL << 63) | 0x900000, 0);
}

static void mapc(unsigned icid, unsigned cpu)
{
	its_cmd(MAPC, 0, (1UL << 63) | (uint64_t)cpu << 16 | icid, 0);
}

static void mapti(uint32_t dev, uint32_t event, uint32_t lpi, unsigned icid)
{
	its_cmd(MAPTI | (uint64_t)dev << 32, event | (uint64_t)lpi << 32, icid, 0);
}

static void ev(uint8_t cmd, uint32_t dev, uint32_t event)
{
	its_cmd(cmd | (uint64_t)dev << 32, event, 0, 0);
}

static void set_config(unsigned lpi, uint8_t cfg)
{
	*(volatile uint8_t *)(PROP + lpi - LPI0) = cfg;
	__asm__ volatile("dsb sy" ::: "memory");
}

static unsigned total(unsigned cpu, unsigned lpi)
{
	return taken[cpu][lpi - LPI0];
}

/* Waits up to 2 s for LPI lpi to be taken `want` times in all on vCPU cpu; returns the count. */
static unsigned wait_taken(unsigned cpu, unsigned lpi, unsigned want)
{
	for (uint64_t t = counter(); counter() - t < 2 * freq;)
		if (total(cpu, lpi) >= want)
			break;
	return total(cpu, lpi);
}

/* Lets 50 ms pass: long enough for an LPI that would come to come. */
static void settle(void)
{
	for (uint64_t t = counter(); counter() - t < freq / 20;)
		;
}

static void its_on(void)
{
	wr64(GITS_CBASER, (1UL << 63) | QUEUE); /* valid, one page */
	wr64(GITS_CWRITER, 0);
	cwriter = 0;
	wr32(GITS_CTLR, 1);
}

/* Turns the ITS off and gives it its queue again: what a driver does after a stall. */
static void its_restart(void)
{
	wr32(GITS_CTLR, 0);
	while (!(rd32(GITS_CTLR) & (1U << 31))) /* Quiescent */
		;
	its_on();
}

static void probe(void)
{
	check(rd32(GICD + 4) & (1U << 17), "GICD_TYPER.LPIS", rd32(GICD + 4));
	check((rd32(GITS_PIDR2) >> 4 & 0xf) == 3, "GITS_PIDR2 is a GICv3 ITS", rd32(GITS_PIDR2));
	uint64_t typer = rd64(GITS_TYPER);
	check((typer & 1) && (typer >> 24 & 0xff) >= 2, "GITS_TYPER: physical, collections held",
	      typer);
	wr64(GITS_BASER0, (1UL << 63) | DEVTAB);
	check(rd64(GITS_BASER0) >> 56 == 0x81, "GITS_BASER0: a valid Device table",
	      rd64(GITS_BASER0));
}

static void raise_and_route(void)
{
	mapd(1, 4);
	mapc(0, 0);
	mapc(1, 1);
	mapti(1, 0, LPI0 + 0, 0);
	mapti(1, 1, LPI0 + 1, 1);
	its_cmd(INVALL, 0, 0, 0);
	its_cmd(INVALL, 0, 1, 0);
	its_cmd(SYNC, 0, 0, 0);
	ev(INT, 1, 0);
	check(wait_taken(0, LPI0, 1) == 1, "INT: LPI 8192 taken by vCPU 0 (collection 0)",
	      total(0, LPI0));
	ev(INT, 1, 1);
	check(wait_taken(1, LPI0 + 1, 1) == 1, "INT: LPI 8193 taken by vCPU 1 (collection 1)",
	      total(1, LPI0 + 1));
	check(total(1, LPI0) == 0 && total(0, LPI0 + 1) == 0, "each LPI on its vCPU only", 0);
	/* MAPI: the EventID is the LPI. */
	mapd(2, 14);
	its_cmd(MAPI | 2UL << 32, LPI0 + 3, 0, 0);
	ev(INT, 2, LPI0 + 3);
	check(wait_taken(0, LPI0 + 3, 1) == 1, "MAPI: LPI 8195 raised by its own EventID",
	      total(0, LPI0 + 3));
	/* A CPU's write to GITS_TRANSLATER: DeviceID 0. */
	mapd(0, 4);
	mapti(0, 5, LPI0 + 4, 1);
	wr32(GITS_XLATE, 5);
	check(wait_taken(1, LPI0 + 4, 1) == 1, "GITS_TRANSLATER: LPI 8196 taken by vCPU 1",
	      total(1, LPI0 + 4));
}

static void move(void)
{
	its_cmd(MOVI | 1UL << 32, 0, 1, 0); /* event 0 to collection 1 */
	ev(INT, 1, 0);
	check(wait_taken(1, LPI0, 1) == 1, "MOVI: LPI 8192 now taken by vCPU 1", total(1, LPI0));
	/* Pending state moves too: disabled, raised, moved back, enabled. */
	set_config(LPI0, CFG_OFF);
	ev(INV, 1, 0);
	ev(INT, 1, 0);
	settle();
	check(total(1, LPI0) == 1, "disabled: INT leaves it pending", total(1, LPI0));
	its_cmd(MOVI | 1UL << 32, 0, 0, 0);
	set_config(LPI0, CFG_ON);
	ev(INV, 1, 0);
	check(wait_taken(0, LPI0, 2) == 2, "MOVI moved the pending LPI: vCPU 0 takes it on INV",
	      total(0, LPI0));
	/* MOVALL: everything at vCPU 1 (LPIs 8193, 8196) to vCPU 0. */
	its_cmd(MOVALL, 0, 1UL << 16, 0);
	ev(INT, 1, 1);
	wr32(GITS_XLATE, 5);
	check(wait_taken(0, LPI0 + 1, 1) == 1 && wait_taken(0, LPI0 + 4, 1) == 1,
	      "MOVALL: vCPU 1's LPIs now taken by vCPU 0", total(0, LPI0 + 1));
	check(total(1, LPI0 + 1) == 1 && total(1, LPI0 + 4) == 1, "MOVALL: none at vCPU 1",
	      total(1, LPI0 + 1));
}

static void clear_discard_inv(void)
{
	/* CLEAR: a pending (disabled) LPI is pending no more. */
	set_config(LPI0, CFG_OFF);
	ev(INV, 1, 0);
	ev(INT, 1, 0);
	ev(CLEAR, 1, 0);
	set_config(LPI0, CFG_ON);
	ev(INV, 1, 0);
	settle();
	check(total(0, LPI0) == 2, "CLEAR: the cleared LPI is not taken once enabled",
	      total(0, LPI0));
	/* INV: a configuration change counts only once invalidated. */
	set_config(LPI0, CFG_OFF);
	ev(INT, 1, 0);
	check(wait_taken(0, LPI0, 3) == 3, "without INV the old (enabled) configuration holds",
	      total(0, LPI0));
	ev(INV, 1, 0);
	ev(INT, 1, 0);
	settle();
	check(total(0, LPI0) == 3, "after INV the LPI is disabled", total(0, LPI0));
	set_config(LPI0, CFG_ON);
	ev(INV, 1, 0);
	check(wait_taken(0, LPI0, 4) == 4, "enabled again by INV: the pending LPI is taken",
	      total(0, LPI0));
	/* DISCARD: the mapping goes; INT on it does nothing. */
	ev(DISCARD, 1, 1);
	ev(INT, 1, 1);
	settle();
	check(total(0, LPI0 + 1) == 1 && total(1, LPI0 + 1) == 1, "DISCARD: INT raises nothing",
	      total(0, LPI0 + 1));
}

/* The ITS still raises LPIs after whatever came before. */
static void still_works(const char *name)
{
	unsigned before = total(0, LPI0);
	ev(INT, 1, 0);
	check(wait_taken(0, LPI0, before + 1) == before + 1, name, total(0, LPI0));
}

static void hostile(void)
{
	/* Out-of-range IDs: command errors, ignored. */
	mapd(0x10000, 4); /* DeviceID past GITS_TYPER.Devbits */
	mapti(0x10000, 0, LPI0 + 8, 0);
	ev(INT, 0x10000, 0);
	mapd(3, 2);
	mapti(3, 7, LPI0 + 9, 0);	  /* EventID past the device's 4 */
	mapti(3, 0, LPI0 + 100000, 0);	  /* not an LPI the GIC has */
	mapti(3, 1, 100, 0);		  /* not an LPI at all */
	mapc(5, 7);			  /* no vCPU 7 */
	its_cmd(MOVALL, 0, 9UL << 16, 0); /* no vCPU 9 */
	its_cmd(0x29, 0, 0, 0);		  /* VMAPP: GITS_TYPER.Virtual is 0, refused */
	ev(INT, 3, 7);
	ev(INT, 3, 0);
	settle();
	check(total(0, LPI0 + 9) == 0 && others == 0, "out-of-range IDs raise nothing", others);
	still_works("after out-of-range IDs the ITS still works");
	/* The queue wraps: 300 commands through 128 slots. */
	bool ok = true;
	for (unsigned i = 0; i < 300; i++)
		ok &= its_cmd(SYNC, 0, 0, 0);
	check(ok && rd64(GITS_CREADR) == cwriter, "the queue wraps (300 commands in 128 slots)",
	      rd64(GITS_CREADR));
	still_works("after wrapping the ITS still works");
	/* CWRITER past the end of the queue: the ITS stalls. */
	wr64(GITS_CWRITER, 2 * QUEUE_LEN);
	check(rd64(GITS_CREADR) & CREADR_STALL, "CWRITER past the queue: stalled",
	      rd64(GITS_CREADR));
	its_restart();
	still_works("restarted after the stall: the ITS works");
	/* A queue outside RAM. */
	wr32(GITS_CTLR, 0);
	wr64(GITS_CBASER, (1UL << 63) | 0x10000000000UL);
	wr32(GITS_CTLR, 1);
	wr64(GITS_CWRITER, 0x40);
	check(rd64(GITS_CREADR) & CREADR_STALL, "a queue outside RAM: stalled", rd64(GITS_CREADR));
	its_restart();
	still_works("restarted with a queue in RAM: the ITS works");
	check(spurious == 0, "no spurious interrupt", spurious);
	/* vCPU 1 rewrites the queue while vCPU 0 has the ITS run it (one command per CWRITER
	 * write: what runs is garbage, but little of it maps anything). */
	scribble = true;
	__asm__ volatile("dsb sy\n\tsev" ::: "memory");
	while (!scribbling)
		;
	for (unsigned i = 0; i < 400; i++)
		wr64(GITS_CWRITER, (i * 32) % QUEUE_LEN);
	scribble = false;
	while (scribbling)
		;
	its_restart();
	/* The scribbles may have mapped, moved or discarded anything: map event 0 again. */
	mapd(1, 4);
	mapc(0, 0);
	mapti(1, 0, LPI0, 0);
	set_config(LPI0, CFG_ON);
	ev(INV, 1, 0);
	still_works("after a queue rewritten under it: the ITS works");
}

#define SNAP_HELD_ROUND 40
#define SNAP_HELD_LPI	(LPI0 + 2)

/* its=snap: LPI 8192 on vCPU 0 and 8193 on vCPU 1 every round; 8194 pending, disabled. */
static void snap_mode(void)
{
	mapd(1, 4);
	mapc(0, 0);
	mapc(1, 1);
	mapti(1, 0, LPI0, 0);
	mapti(1, 1, LPI0 + 1, 1);
	set_config(SNAP_HELD_LPI, CFG_OFF);
	mapti(1, 2, SNAP_HELD_LPI, 0);
	ev(INT, 1, 2);
	puts_("itsguest: snap ready\n");
	bool held_seen = false;
	for (unsigned round = 1;; round++) {
		for (uint64_t t = counter(); counter() - t < freq / 4;)
			;
		unsigned a = total(0, LPI0), b = total(1, LPI0 + 1);
		ev(INT, 1, 0);
		ev(INT, 1, 1);
		bool ok =
		    wait_taken(0, LPI0, a + 1) == a + 1 && wait_taken(1, LPI0 + 1, b + 1) == b + 1;
		if (round == SNAP_HELD_ROUND) { /* enabled: the LPI pending since the start comes */
			set_config(SNAP_HELD_LPI, CFG_ON);
			ev(INV, 1, 2);
		}
		if (!held_seen && total(0, SNAP_HELD_LPI)) {
			held_seen = true;
			puts_("itsguest: held LPI 8194 taken by vCPU 0 at round ");
			putdec(round);
			puts_("\n");
		}
		puts_("itsguest: round ");
		putdec(round);
		puts_(ok ? " ok" : " LOST");
		puts_(" cpu0=");
		putdec(total(0, LPI0));
		puts_(" cpu1=");
		putdec(total(1, LPI0 + 1));
		puts_(" held=");
		putdec(total(0, SNAP_HELD_LPI) + total(1, SNAP_HELD_LPI));
		puts_("\n");
	}
}

int main(const char *dtb)
{
	freq = read_sysreg(cntfrq_el0);
	wr32(GICD, 0x12); /* GICD_CTLR: ARE, Group 1 */
	gicr_wake(0);
	gicr_wake(1);
	for (unsigned i = 0; i < NR_LPIS; i++)
		set_config(LPI0 + i, CFG_ON);
	redist_lpis_on(0);
	redist_lpis_on(1);
	gic_cpu_interface_on();
	irqs_on();
	if (hvc(PSCI_CPU_ON, 1, (uint64_t)secondary_entry, 1) == 0)
		for (uint64_t t = counter(); !cpu1_up && counter() - t < 5 * freq;)
			;
	check(cpu1_up, "vCPU 1 up", 0);
	probe();
	its_on();
	if (bootargs_have(dtb, "its=snap"))
		snap_mode();
	raise_and_route();
	move();
	clear_discard_inv();
	hostile();
	print_summary("itsguest", passed, failed);
	hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
	return 0;
}
