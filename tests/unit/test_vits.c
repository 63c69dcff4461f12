// sources: irq/vgic.c irq/vits.c
/* Host tests for the virtual ITS: its registers, the command queue in guest memory (wrapping,
 * outside RAM, rewritten), each command's effect on the vGIC's LPIs and their errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#define RAM_SIZE 0x40000UL
#include "guest_ram.h"

#include <triad/util.h>
#include <triad/vits.h>

#define QUEUE	 (RAM_IPA + 0x1000)  /* one page: 128 commands */
#define PROP	 (RAM_IPA + 0x10000) /* configuration bytes of LPIs 8192.. */
#define PEND	 (RAM_IPA + 0x20000) /* 64 KB aligned, as PENDBASER wants */
#define LPI(n)	 (VGIC_LPI_BASE + (n))
#define PTZ	 (1UL << 62)
#define ENABLED	 1U
#define PRIO	 0xa0
#define IDBITS13 13

static struct vgic gic;
static struct vgic_cpu cpu[2];
static struct virq lpis[VGIC_NR_LPIS];
static struct vits its;
static uint64_t cwriter; /* where the next command goes */

static void rwrite64(unsigned vcpu, uint32_t off, uint64_t v)
{
	uint32_t kick = 0;
	assert_true(vgic_redist_write(&gic, vcpu, off, 8, v, &kick));
}

static uint64_t its_read(uint32_t off, unsigned size)
{
	uint64_t v;
	uint32_t kick = 0;
	assert_true(vits_read(&its, off, size, &v, &kick));
	return v;
}

static uint32_t its_write(uint32_t off, unsigned size, uint64_t v)
{
	uint32_t kick = 0;
	assert_true(vits_write(&its, off, size, v, &kick));
	return kick;
}

static void set_config(unsigned n, uint8_t cfg)
{
	ram[PROP - RAM_IPA + n] = cfg;
}

/* The boot sequence a guest driver follows: tables, EnableLPIs, the queue, the ITS on. */
static int setup(void **state)
{
	(void)state;
	memset(ram, 0, sizeof(ram));
	vgic_init(&gic, 2, 4);
	vgic_cpu_init(&gic, &cpu[0], 0, 0x80000000);
	vgic_cpu_init(&gic, &cpu[1], 1, 0x80000001);
	vgic_attach_lpis(&gic, lpis, (struct vgic_mem){map, NULL});
	vits_init(&its, &gic);
	uint32_t kick = 0;
	assert_true(vgic_dist_write(&gic, 0, 0, 4, GICD_CTLR_ENABLE_G1 | GICD_CTLR_ARE, &kick));
	for (unsigned v = 0; v < 2; v++) {
		rwrite64(v, 0x70, PROP | IDBITS13);
		rwrite64(v, 0x78, PEND | PTZ);
		assert_true(vgic_redist_write(&gic, v, 0, 4, 1, &kick)); /* EnableLPIs */
	}
	for (unsigned n = 0; n < 64; n++)
		set_config(n, PRIO | ENABLED);
	its_write(0x80, 8, (1UL << 63) | QUEUE); /* CBASER: valid, 1 page */
	its_write(0x0, 4, ENABLED);
	cwriter = 0;
	return 0;
}

/* Puts one command at CWRITER and moves CWRITER past it: it runs. Returns the kicks. */
static uint32_t cmd(uint64_t dw0, uint64_t dw1, uint64_t dw2, uint64_t dw3)
{
	uint64_t dw[4] = {dw0, dw1, dw2, dw3};
	memcpy(ram + (QUEUE - RAM_IPA) + cwriter, dw, sizeof(dw));
	cwriter = (cwriter + 32) % 0x1000;
	return its_write(0x88, 8, cwriter);
}

static void mapd(uint32_t dev, unsigned event_bits)
{
	cmd(VITS_MAPD | (uint64_t)dev << 32, event_bits - 1, (1UL << 63) | 0x50000, 0);
}

static void mapc(unsigned icid, unsigned vcpu)
{
	cmd(VITS_MAPC, 0, (1UL << 63) | (uint64_t)vcpu << 16 | icid, 0);
}

static void mapti(uint32_t dev, uint32_t event, uint32_t lpi, unsigned icid)
{
	cmd(VITS_MAPTI | (uint64_t)dev << 32, event | (uint64_t)lpi << 32, icid, 0);
}

static uint32_t event_cmd(uint8_t nr, uint32_t dev, uint32_t event)
{
	return cmd(nr | (uint64_t)dev << 32, event, 0, 0);
}

/* What vcpu's list registers would hold at its next entry: the INTIDs, in order. */
static unsigned lrs_of(unsigned vcpu, uint32_t *intids, uint64_t *lrs)
{
	uint32_t hw = 0;
	unsigned n = vgic_refold_lrs(&gic, vcpu, lrs, &hw);
	for (unsigned i = 0; i < n; i++)
		intids[i] = (uint32_t)(lrs[i] & LR_VINTID_MASK);
	return n;
}

/* The guest takes and ends every interrupt in vcpu's list registers. */
static void take_all(unsigned vcpu, uint64_t *lrs, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		lrs[i] &= ~(LR_STATE_PENDING | LR_STATE_ACTIVE);
	vgic_fold_lrs(&gic, vcpu, lrs);
}

static void test_registers(void **state)
{
	(void)state;
	uint64_t typer = its_read(0x8, 8);
	assert_int_equal(typer & 1, 1);				      /* Physical */
	assert_int_equal((typer >> 8 & 0x1f) + 1, VITS_EVENT_BITS);   /* IDbits */
	assert_int_equal((typer >> 13 & 0x1f) + 1, VITS_DEVICE_BITS); /* Devbits */
	assert_int_equal(typer >> 24 & 0xff, VITS_MAX_COLLECTIONS);   /* HCC */
	assert_int_equal(typer >> 19 & 1, 0);			      /* PTA */
	assert_int_equal(its_read(0x8, 4), (uint32_t)typer);	      /* halves */
	assert_int_equal(its_read(0xffe8, 4) >> 4 & 0xf, 3);	      /* ArchRev */
	assert_int_equal(its_read(0x100, 8) >> 56 & 7, 1);	      /* BASER0: devices */
	assert_int_equal(its_read(0x108, 8), 0);		      /* no other tables */
	assert_int_equal(its_read(0x0, 4), ENABLED);		      /* not quiescent */
	its_write(0x0, 4, 0);
	assert_int_equal(its_read(0x0, 4), 1U << 31); /* off: quiescent */
	uint64_t v;
	uint32_t kick = 0;
	assert_false(vits_read(&its, 0x3, 4, &v, &kick)); /* misaligned */
	assert_false(vits_read(&its, 0x0, 2, &v, &kick)); /* no 16-bit registers */
	assert_false(vits_read(&its, 0x20000, 4, &v, &kick));
	/* The vGIC announces its LPIs. */
	assert_true(vgic_dist_read(&gic, 0, 4, 4, &v));
	assert_true(v & (1U << 17));
	assert_int_equal(1U << ((v >> 11 & 0x1f) + 1), VGIC_NR_LPIS);
	assert_true(vgic_redist_read(&gic, 1, 8, 8, &v));
	assert_true(v & 1); /* PLPIS */
}

static void test_int_raises_the_lpi_on_the_collection_target(void **state)
{
	(void)state;
	mapd(5, 8);
	mapc(0, 1);
	mapti(5, 3, LPI(8), 0);
	assert_int_equal(its.nr_errors, 0);
	assert_int_equal(event_cmd(VITS_INT, 5, 3), 1U << 1);
	uint32_t ids[VGIC_MAX_LRS] = {0};
	uint64_t lrs[VGIC_MAX_LRS] = {0};
	assert_int_equal(lrs_of(0, ids, lrs), 0);
	assert_int_equal(lrs_of(1, ids, lrs), 1);
	assert_int_equal(ids[0], LPI(8));
	assert_true(lrs[0] & LR_STATE_PENDING);
	assert_int_equal(lrs[0] >> LR_PRIO_SHIFT & 0xff, PRIO);
	take_all(1, lrs, 1);
	assert_int_equal(lrs_of(1, ids, lrs), 0); /* an edge: taken once */
	/* MAPI: the EventID is the LPI. */
	mapd(6, 14);
	cmd(VITS_MAPI | 6UL << 32, LPI(9), 0, 0);
	assert_int_equal(event_cmd(VITS_INT, 6, LPI(9)), 1U << 1);
	assert_int_equal(lrs_of(1, ids, lrs), 1);
	assert_int_equal(ids[0], LPI(9));
	assert_int_equal(its.nr_errors, 0);
}

static void test_movi_moves_pending_state(void **state)
{
	(void)state;
	mapd(1, 4);
	mapc(0, 0);
	mapc(1, 1);
	set_config(2, PRIO); /* disabled: INT leaves it pending, undelivered */
	mapti(1, 0, LPI(2), 0);
	assert_int_equal(event_cmd(VITS_INT, 1, 0), 0);
	cmd(VITS_MOVI | 1UL << 32, 0, 1, 0);
	set_config(2, PRIO | ENABLED);
	assert_int_equal(event_cmd(VITS_INV, 1, 0), 1U << 1); /* enabled: to vCPU 1 */
	uint32_t ids[VGIC_MAX_LRS] = {0};
	uint64_t lrs[VGIC_MAX_LRS] = {0};
	assert_int_equal(lrs_of(0, ids, lrs), 0);
	assert_int_equal(lrs_of(1, ids, lrs), 1);
	assert_int_equal(ids[0], LPI(2));
	assert_int_equal(its.nr_errors, 0);
}

/* An LPI in vCPU 0's list registers moved to vCPU 1 before vCPU 0 took it: vCPU 0 folds its
 * registers back, and vCPU 1 gets it (it must not be lost on the way). */
static void test_movi_while_in_list_register(void **state)
{
	(void)state;
	mapd(1, 4);
	mapc(0, 0);
	mapc(1, 1);
	mapti(1, 0, LPI(4), 0);
	event_cmd(VITS_INT, 1, 0);
	uint32_t ids[VGIC_MAX_LRS] = {0};
	uint64_t lrs[VGIC_MAX_LRS] = {0};
	assert_int_equal(lrs_of(0, ids, lrs), 1);
	/* Both are kicked: vCPU 0 to give it up, vCPU 1 to take it. */
	assert_int_equal(cmd(VITS_MOVI | 1UL << 32, 0, 1, 0), 3U);
	assert_int_equal(lrs_of(1, ids, lrs + 4), 0); /* still vCPU 0's until it folds */
	assert_int_equal(lrs_of(0, ids, lrs), 0);     /* folded: not vCPU 0's any more */
	/* vCPU 1 may have found nothing when it was kicked: vCPU 0's entry kicks it again. */
	assert_int_equal(cpu[0].fold_kick, 1U << 1);
	assert_int_equal(lrs_of(1, ids, lrs), 1);
	assert_int_equal(ids[0], LPI(4));
}

/* PSCI CPU_ON resets a vCPU's private interrupts, not its redistributor's LPI programming:
 * an LPI routed to it, pending meanwhile, is delivered once it is on. */
static void test_cpu_on_keeps_the_lpi_setup(void **state)
{
	(void)state;
	mapd(1, 1);
	mapc(0, 1);
	mapti(1, 0, LPI(6), 0);
	event_cmd(VITS_INT, 1, 0);
	vgic_cpu_power_on(&gic, &cpu[1], 1, 0x80000001);
	assert_true(cpu[1].lpis_enabled);
	uint64_t v;
	assert_true(vgic_redist_read(&gic, 1, 0x70, 8, &v));
	assert_int_equal(v, PROP | IDBITS13);
	uint32_t ids[VGIC_MAX_LRS] = {0};
	uint64_t lrs[VGIC_MAX_LRS] = {0};
	assert_int_equal(lrs_of(1, ids, lrs), 1);
	assert_int_equal(ids[0], LPI(6));
}

static void test_movall(void **state)
{
	(void)state;
	mapd(2, 4);
	mapc(0, 0);
	for (unsigned e = 0; e < 3; e++) {
		set_config(10 + e, PRIO);
		mapti(2, e, LPI(10 + e), 0);
		event_cmd(VITS_INT, 2, e);
	}
	cmd(VITS_MOVALL, 0, 0, 1UL << 16); /* from processor 0 to 1 */
	for (unsigned e = 0; e < 3; e++) {
		set_config(10 + e, PRIO | ENABLED);
		event_cmd(VITS_INV, 2, e);
	}
	uint32_t ids[VGIC_MAX_LRS] = {0};
	uint64_t lrs[VGIC_MAX_LRS] = {0};
	assert_int_equal(lrs_of(0, ids, lrs), 0);
	assert_int_equal(lrs_of(1, ids, lrs), 3);
	assert_int_equal(its.nr_errors, 0);
}

static void test_clear_discard_inv_invall(void **state)
{
	(void)state;
	mapd(3, 4);
	mapc(0, 0);
	set_config(20, PRIO);
	mapti(3, 1, LPI(20), 0);
	event_cmd(VITS_INT, 3, 1);
	event_cmd(VITS_CLEAR, 3, 1);
	set_config(20, 0x40 | ENABLED);
	assert_int_equal(event_cmd(VITS_INV, 3, 1), 0); /* cleared: nothing to deliver */
	/* The new priority was read by INV. */
	assert_int_equal(lpis[20].priority, 0x40);
	/* A change without INV is not seen; INVALL sees it. */
	set_config(20, 0x60 | ENABLED);
	assert_int_equal(lpis[20].priority, 0x40);
	cmd(VITS_INVALL, 0, 0, 0);
	assert_int_equal(lpis[20].priority, 0x60);
	/* DISCARD: pending state and mapping gone. */
	event_cmd(VITS_INT, 3, 1);
	event_cmd(VITS_DISCARD, 3, 1);
	uint32_t ids[VGIC_MAX_LRS] = {0};
	uint64_t lrs[VGIC_MAX_LRS] = {0};
	assert_int_equal(lrs_of(0, ids, lrs), 0);
	assert_int_equal(its.nr_errors, 0);
	event_cmd(VITS_INT, 3, 1);
	assert_int_equal(its.last_error, VITS_ERROR(VITS_INT, VITS_E_UNMAPPED_INTERRUPT));
}

static void expect_error(uint32_t code)
{
	assert_int_equal(its.last_error, code);
	its.last_error = 0;
}

static void test_command_errors(void **state)
{
	(void)state;
	cmd(VITS_MAPD | 0x10000UL << 32, 0, 1UL << 63, 0);
	expect_error(VITS_ERROR(VITS_MAPD, VITS_E_DEVICE_OOR));
	cmd(VITS_MAPD | 1UL << 32, VITS_EVENT_BITS, 1UL << 63, 0);
	expect_error(VITS_ERROR(VITS_MAPD, VITS_E_SIZE_OOR));
	mapd(1, 2);
	mapti(1, 4, LPI(0), 0); /* 4 events: 0..3 */
	expect_error(VITS_ERROR(VITS_MAPTI, VITS_E_EVENT_OOR));
	mapti(1, 0, 100, 0); /* not an LPI */
	expect_error(VITS_ERROR(VITS_MAPTI, VITS_E_PHYSICAL_OOR));
	mapti(1, 0, LPI(VGIC_NR_LPIS), 0); /* past the LPIs there are */
	expect_error(VITS_ERROR(VITS_MAPTI, VITS_E_PHYSICAL_OOR));
	mapti(1, 0, LPI(0), VITS_MAX_COLLECTIONS);
	expect_error(VITS_ERROR(VITS_MAPTI, VITS_E_COLLECTION_OOR));
	mapti(7, 0, LPI(0), 0);
	expect_error(VITS_ERROR(VITS_MAPTI, VITS_E_UNMAPPED_DEVICE));
	mapc(0, 2); /* 2 vCPUs */
	expect_error(VITS_ERROR(VITS_MAPC, VITS_E_PROCESSOR_OOR));
	mapc(VITS_MAX_COLLECTIONS, 0);
	expect_error(VITS_ERROR(VITS_MAPC, VITS_E_COLLECTION_OOR));
	mapti(1, 0, LPI(0), 3); /* collection 3 is not mapped */
	assert_int_equal(its.last_error, 0);
	event_cmd(VITS_INT, 1, 0);
	expect_error(VITS_ERROR(VITS_INT, VITS_E_UNMAPPED_COLLECTION));
	event_cmd(VITS_INT, 1, 1);
	expect_error(VITS_ERROR(VITS_INT, VITS_E_UNMAPPED_INTERRUPT));
	cmd(VITS_MOVALL, 0, 5UL << 16, 0);
	expect_error(VITS_ERROR(VITS_MOVALL, VITS_E_MOVALL_TARGET_OOR));
	cmd(0x29, 0, 0, 0); /* VMAPP: GICv4, not implemented */
	expect_error(VITS_ERROR(0x29, VITS_E_UNKNOWN_COMMAND));
	/* More devices than the ITS holds. */
	for (unsigned d = 100; d < 100 + VITS_MAX_DEVICES; d++)
		mapd(d, 1);
	expect_error(VITS_ERROR(VITS_MAPD, VITS_E_DEVICE_OOR));
	/* Unmapping one makes room again. */
	cmd(VITS_MAPD | 100UL << 32, 0, 0, 0);
	mapd(200, 16 - 1);
	assert_int_equal(its.last_error, 0);
	/* More events than the ITS holds ITEs for: refused; an unmap frees them again. */
	for (unsigned e = 0; e < VITS_MAX_ITES - 1; e++) /* device 1's event 0 has one */
		mapti(200, e, LPI(e), 0);
	assert_int_equal(its.last_error, 0);
	mapti(200, VITS_MAX_ITES, LPI(0), 0);
	expect_error(VITS_ERROR(VITS_MAPTI, VITS_E_NO_ROOM));
	event_cmd(VITS_DISCARD, 200, 7);
	mapti(200, VITS_MAX_ITES, LPI(7), 0);
	assert_int_equal(its.last_error, 0);
	assert_true(guard_untouched());
}

/* The queue wraps at its end; CREADR follows CWRITER around it. */
static void test_queue_wraps(void **state)
{
	(void)state;
	mapd(1, 1);
	mapc(0, 0);
	mapti(1, 0, LPI(1), 0);
	uint32_t ids[VGIC_MAX_LRS] = {0};
	uint64_t lrs[VGIC_MAX_LRS] = {0};
	for (unsigned i = 0; i < 300; i++) { /* more than twice round the 128 slots */
		assert_int_equal(event_cmd(VITS_INT, 1, 0), 1U << 0);
		assert_int_equal(its_read(0x90, 8), cwriter);
		assert_int_equal(lrs_of(0, ids, lrs), 1);
		take_all(0, lrs, 1);
	}
	/* A batch that straddles the end, written before CWRITER moves. */
	uint64_t start = cwriter;
	for (unsigned i = 0; i < 100; i++) {
		uint64_t dw[4] = {VITS_INT | 1UL << 32, 0, 0, 0};
		memcpy(ram + (QUEUE - RAM_IPA) + (start + 32 * i) % 0x1000, dw, 32);
	}
	cwriter = (start + 32 * 100) % 0x1000;
	assert_int_equal(its_write(0x88, 8, cwriter), 1U << 0);
	assert_int_equal(its_read(0x90, 8), cwriter);
	assert_int_equal(its.nr_errors, 0);
}

static void test_hostile_queues(void **state)
{
	(void)state;
	/* CWRITER past the end of a one-page queue: stalled, nothing run. */
	its_write(0x88, 8, 0x2000);
	assert_true(its_read(0x90, 8) & 1);
	assert_int_equal(its.last_error, VITS_ERROR(0, VITS_E_QUEUE));
	/* A new queue outside RAM: the first read stalls it. */
	its_write(0x0, 4, 0);
	its_write(0x80, 8, (1UL << 63) | 0x8000000000UL | 3); /* 4 pages far away */
	assert_false(its_read(0x90, 8) & 1);		      /* CBASER restarts it */
	its_write(0x0, 4, ENABLED);
	its_write(0x88, 8, 0x40);
	assert_true(its_read(0x90, 8) & 1);
	assert_int_equal(its_read(0x90, 8) & ~1UL, 0);
	/* A queue whose last page lies past the end of RAM: commands up to it run. */
	its_write(0x0, 4, 0);
	uint64_t base = RAM_IPA + RAM_SIZE - 0x1000;
	its_write(0x80, 8, (1UL << 63) | base | 1); /* 2 pages, one outside */
	its_write(0x0, 4, ENABLED);
	uint64_t dw[4] = {VITS_SYNC, 0, 0, 0};
	memcpy(ram + (base - RAM_IPA), dw, 32);
	its_write(0x88, 8, 0x1020); /* 0x1000: the page outside */
	assert_int_equal(its_read(0x90, 8), 0x1000 | 1);
	/* CBASER is fixed while the ITS is on. */
	its_write(0x80, 8, (1UL << 63) | QUEUE);
	assert_int_equal(its_read(0x80, 8) & GENMASK(51, 12), base);
	assert_true(guard_untouched());
}

/* A long queue runs VITS_BATCH commands per access: the guest's CREADR polls run the rest. */
static void test_long_queue_runs_in_batches(void **state)
{
	(void)state;
	its_write(0x0, 4, 0);
	its_write(0x80, 8, (1UL << 63) | QUEUE | 3); /* 4 pages: 512 commands */
	its_write(0x0, 4, ENABLED);
	mapd(1, 1);
	mapc(0, 0);
	mapti(1, 0, LPI(1), 0);
	uint64_t start = its_read(0x90, 8);
	for (unsigned i = 0; i < 400; i++) {
		uint64_t dw[4] = {VITS_SYNC, 0, 0, 0};
		memcpy(ram + (QUEUE - RAM_IPA) + start + 32 * i, dw, 32);
	}
	uint64_t dw[4] = {VITS_INT | 1UL << 32, 0, 0, 0};
	memcpy(ram + (QUEUE - RAM_IPA) + start + 32 * 400, dw, 32);
	uint64_t end = start + 32 * 401;
	assert_int_equal(its_write(0x88, 8, end), 0); /* the INT is not among the first 256 */
	uint32_t kick = 0;
	uint64_t v;
	assert_true(vits_read(&its, 0x90, 8, &v, &kick));
	assert_int_equal(v, end); /* the poll ran the rest */
	assert_int_equal(kick, 1U << 0);
	assert_int_equal(its.nr_errors, 0);
}

/* A guest rewriting a command while the ITS reads it: the ITS decodes one copy. Here the
 * rewrite comes between two commands; each runs as it was when read. */
static void test_rewritten_queue_runs_what_was_read(void **state)
{
	(void)state;
	mapd(1, 1);
	mapc(0, 0);
	mapti(1, 0, LPI(1), 0);
	cmd(0xff, 0, 0, 0); /* garbage: an error, and the queue goes on */
	assert_int_equal(its.last_error, VITS_ERROR(0xff, VITS_E_UNKNOWN_COMMAND));
	assert_int_equal(event_cmd(VITS_INT, 1, 0), 1U << 0);
}

static void test_translater(void **state)
{
	(void)state;
	mapd(VITS_DEVICE_ID_CPU, 4);
	mapc(0, 1);
	mapti(VITS_DEVICE_ID_CPU, 5, LPI(30), 0);
	assert_int_equal(its_write(VITS_TRANSLATER, 4, 5), 1U << 1);
	uint32_t ids[VGIC_MAX_LRS] = {0};
	uint64_t lrs[VGIC_MAX_LRS] = {0};
	assert_int_equal(lrs_of(1, ids, lrs), 1);
	assert_int_equal(ids[0], LPI(30));
	take_all(1, lrs, 1);
	assert_int_equal(its_write(VITS_TRANSLATER, 2, 5), 1U << 1); /* 16-bit too */
	assert_int_equal(vits_msi(&its, 9, 0), 0);		     /* unmapped device */
	assert_int_equal(its.last_error, VITS_ERROR(VITS_INT, VITS_E_UNMAPPED_DEVICE));
	its_write(0x0, 4, 0);
	assert_int_equal(vits_msi(&its, VITS_DEVICE_ID_CPU, 5), 0); /* ITS off */
	uint32_t kick = 0;
	assert_false(vits_write(&its, VITS_TRANSLATER, 8, 5, &kick));
}

/* Tables outside RAM: the LPIs they describe are disabled; nothing else happens. */
static void test_lpi_tables_outside_ram(void **state)
{
	(void)state;
	vgic_cpu_init(&gic, &cpu[0], 0, 0x80000000);
	rwrite64(0, 0x70, 0x9000000000UL | IDBITS13);
	rwrite64(0, 0x78, 0x9000000000UL); /* no PTZ: it is read */
	uint32_t kick = 0;
	assert_true(vgic_redist_write(&gic, 0, 0, 4, 1, &kick));
	assert_true(gic.lpi_table_faults > 0);
	mapd(1, 1);
	mapc(0, 0);
	mapti(1, 0, LPI(0), 0);
	assert_int_equal(event_cmd(VITS_INT, 1, 0), 0);
	assert_false(lpis[0].enabled);
	/* A table that covers fewer INTIDs than the LPI's: disabled too. */
	rwrite64(1, 0x70, PROP | 12); /* 13 bits: INTIDs below 8192, no LPI */
	assert_int_equal(its_read(0x0, 4), ENABLED);
}

static void test_enable_lpis_reads_the_pending_table(void **state)
{
	(void)state;
	vgic_cpu_init(&gic, &cpu[1], 1, 0x80000001);
	mapd(1, 1);
	mapc(0, 1);
	mapti(1, 0, LPI(3), 0);
	assert_int_equal(event_cmd(VITS_INT, 1, 0), 0); /* LPIs off at vCPU 1: held */
	rwrite64(1, 0x70, PROP | IDBITS13);
	rwrite64(1, 0x78, PEND);
	ram[PEND - RAM_IPA + VGIC_LPI_BASE / 8] = 1U << 3; /* LPI 8195 */
	set_config(3, PRIO | ENABLED);
	uint32_t kick = 0;
	assert_true(vgic_redist_write(&gic, 1, 0, 4, 1, &kick));
	assert_int_equal(kick, 1U << 1);
	uint64_t v;
	assert_true(vgic_redist_read(&gic, 1, 0x78, 8, &v));
	assert_int_equal(v, PEND); /* PTZ reads as 0 */
	/* Fixed once LPIs are on. */
	rwrite64(1, 0x70, RAM_IPA);
	assert_true(vgic_redist_read(&gic, 1, 0x70, 8, &v));
	assert_int_equal(v, PROP | IDBITS13);
}

/* Unmapping a device takes its LPIs' pending state; remapping starts from scratch. */
static void test_mapd_unmap(void **state)
{
	(void)state;
	mapd(1, 2);
	mapc(0, 0);
	set_config(5, PRIO);
	mapti(1, 0, LPI(5), 0);
	event_cmd(VITS_INT, 1, 0);
	assert_true(lpis[5].latch);
	cmd(VITS_MAPD | 1UL << 32, 0, 0, 0);
	assert_false(lpis[5].latch);
	event_cmd(VITS_INT, 1, 0);
	assert_int_equal(its.last_error, VITS_ERROR(VITS_INT, VITS_E_UNMAPPED_DEVICE));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_registers, setup),
	    cmocka_unit_test_setup(test_int_raises_the_lpi_on_the_collection_target, setup),
	    cmocka_unit_test_setup(test_movi_moves_pending_state, setup),
	    cmocka_unit_test_setup(test_movi_while_in_list_register, setup),
	    cmocka_unit_test_setup(test_cpu_on_keeps_the_lpi_setup, setup),
	    cmocka_unit_test_setup(test_movall, setup),
	    cmocka_unit_test_setup(test_clear_discard_inv_invall, setup),
	    cmocka_unit_test_setup(test_command_errors, setup),
	    cmocka_unit_test_setup(test_queue_wraps, setup),
	    cmocka_unit_test_setup(test_hostile_queues, setup),
	    cmocka_unit_test_setup(test_long_queue_runs_in_batches, setup),
	    cmocka_unit_test_setup(test_rewritten_queue_runs_what_was_read, setup),
	    cmocka_unit_test_setup(test_translater, setup),
	    cmocka_unit_test_setup(test_lpi_tables_outside_ram, setup),
	    cmocka_unit_test_setup(test_enable_lpis_reads_the_pending_table, setup),
	    cmocka_unit_test_setup(test_mapd_unmap, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
