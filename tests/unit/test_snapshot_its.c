// sources: core/snapshot_its.c irq/vgic.c irq/vits.c
/* Host tests for a snapshot's ITS section: an ITS with devices, collections, translations and a
 * pending LPI packs, checks and unpacks into a fresh ITS that behaves as the first (INT reaches
 * the mapped vCPU, the pending LPI comes once enabled, the command queue goes on); every field
 * a file could get wrong is refused with its reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#define RAM_SIZE 0x40000UL
#include "guest_ram.h"

#include <triad/errno.h>
#include <triad/snapshot_its.h>
#include <triad/util.h>

#define QUEUE	 (RAM_IPA + 0x1000)
#define PROP	 (RAM_IPA + 0x10000)
#define PEND	 (RAM_IPA + 0x20000)
#define LPI(n)	 (VGIC_LPI_BASE + (n))
#define PTZ	 (1UL << 62)
#define PRIO	 0xa0
#define IDBITS13 13

/* Offsets in the section for 2 vCPUs. */
#define RD_AT	(sizeof(struct snap_its_head))
#define LPI_AT	(RD_AT + 2 * sizeof(struct snap_its_redist))
#define DEV_AT	(LPI_AT + VGIC_NR_LPIS * sizeof(struct snap_lpi))
#define ITES_AT (DEV_AT + 2 * sizeof(struct snap_its_device))

struct machine {
	struct vgic gic;
	struct vgic_cpu cpu[2];
	struct virq lpis[VGIC_NR_LPIS];
	struct vits its;
};
static struct machine a, b;
static uint64_t cwriter;
static uint8_t sec[SNAP_ITS_MAX], sec2[SNAP_ITS_MAX];
static uint64_t sec_len;

/* A VM's vGIC and ITS as after its reset (what a restore starts from). */
static void fresh(struct machine *m)
{
	vgic_init(&m->gic, 2, 4);
	vgic_cpu_init(&m->gic, &m->cpu[0], 0, 0x80000000);
	vgic_cpu_init(&m->gic, &m->cpu[1], 1, 0x80000001);
	vgic_attach_lpis(&m->gic, m->lpis, (struct vgic_mem){map, NULL});
	vits_init(&m->its, &m->gic);
	uint32_t kick = 0;
	assert_true(vgic_dist_write(&m->gic, 0, 0, 4, GICD_CTLR_ENABLE_G1 | GICD_CTLR_ARE, &kick));
}

static uint32_t cmd(struct machine *m, uint64_t dw0, uint64_t dw1, uint64_t dw2)
{
	uint64_t dw[4] = {dw0, dw1, dw2, 0};
	memcpy(ram + (QUEUE - RAM_IPA) + cwriter, dw, sizeof(dw));
	cwriter = (cwriter + 32) % 0x1000;
	uint32_t kick = 0;
	assert_true(vits_write(&m->its, 0x88, 8, cwriter, &kick));
	return kick;
}

static void mapd(struct machine *m, uint32_t dev, unsigned bits)
{
	cmd(m, VITS_MAPD | (uint64_t)dev << 32, bits - 1, (1UL << 63) | 0x50000);
}

static void mapti(struct machine *m, uint32_t dev, uint32_t event, uint32_t lpi, unsigned icid)
{
	cmd(m, VITS_MAPTI | (uint64_t)dev << 32, event | (uint64_t)lpi << 32, icid);
}

static void event(struct machine *m, uint8_t nr, uint32_t dev, uint32_t ev)
{
	cmd(m, nr | (uint64_t)dev << 32, ev, 0);
}

static bool in_lrs(struct machine *m, unsigned vcpu, uint32_t intid)
{
	uint64_t lrs[VGIC_MAX_LRS];
	uint32_t hw = 0;
	unsigned n = vgic_refold_lrs(&m->gic, vcpu, lrs, &hw);
	for (unsigned i = 0; i < n; i++)
		if ((uint32_t)(lrs[i] & LR_VINTID_MASK) == intid)
			return true;
	return false;
}

/* Machine a: LPIs on, device 1 (events 0, 1, 2 to LPIs 0, 1, 2 in collections 0, 1, 0),
 * device 7 (event 3 to LPI 9), collection 0 on vCPU 0 and 1 on vCPU 1; LPI 2 disabled and
 * pending. Packed into sec. */
static int setup(void **state)
{
	(void)state;
	memset(ram, 0, sizeof(ram));
	fresh(&a);
	for (unsigned v = 0; v < 2; v++) {
		uint32_t kick = 0;
		assert_true(vgic_redist_write(&a.gic, v, 0x70, 8, PROP | IDBITS13, &kick));
		assert_true(
		    vgic_redist_write(&a.gic, v, 0x78, 8, (PEND + v * 0x10000) | PTZ, &kick));
		assert_true(vgic_redist_write(&a.gic, v, 0, 4, 1, &kick));
	}
	for (unsigned n = 0; n < 16; n++)
		ram[PROP - RAM_IPA + n] = PRIO | 1;
	ram[PROP - RAM_IPA + 2] = PRIO; /* LPI 2 disabled */
	uint32_t kick = 0;
	assert_true(vits_write(&a.its, 0x80, 8, (1UL << 63) | QUEUE, &kick));
	assert_true(vits_write(&a.its, 0x0, 4, 1, &kick));
	cwriter = 0;
	mapd(&a, 1, 4);
	mapd(&a, 7, 8);
	cmd(&a, VITS_MAPC, 0, (1UL << 63) | 0);
	cmd(&a, VITS_MAPC, 0, (1UL << 63) | 1UL << 16 | 1);
	mapti(&a, 1, 0, LPI(0), 0);
	mapti(&a, 1, 1, LPI(1), 1);
	mapti(&a, 1, 2, LPI(2), 0);
	mapti(&a, 7, 3, LPI(9), 1);
	event(&a, VITS_INT, 1, 2); /* pending, not deliverable */
	assert_false(in_lrs(&a, 0, LPI(2)));
	sec_len = snap_its_pack(&a.its, &a.gic, sec);
	assert_int_equal(sec_len, ITES_AT + 4 * sizeof(struct snap_its_ite));
	return 0;
}

static void restore_into_b(void)
{
	char err[160] = "";
	assert_int_equal(snap_its_check(sec, sec_len, 2, err, sizeof(err)), 0);
	fresh(&b);
	snap_its_unpack(sec, &b.its, &b.gic);
}

static void test_round_trip_is_exact(void **state)
{
	(void)state;
	restore_into_b();
	assert_int_equal(snap_its_pack(&b.its, &b.gic, sec2), sec_len);
	assert_memory_equal(sec, sec2, sec_len);
	assert_int_equal(b.its.creadr, cwriter);
	assert_true(b.cpu[1].lpis_enabled);
	assert_int_equal(b.cpu[1].pendbaser, (PEND + 0x10000) | PTZ);
}

static void test_restored_its_raises_lpis_where_they_were_mapped(void **state)
{
	(void)state;
	restore_into_b();
	/* The command queue goes on from where it was. */
	assert_int_equal(cmd(&b, VITS_INT | 1UL << 32, 1, 0), 1U << 1);
	assert_true(in_lrs(&b, 1, LPI(1)));
	assert_false(in_lrs(&b, 0, LPI(1)));
	event(&b, VITS_INT, 7, 3);
	assert_true(in_lrs(&b, 1, LPI(9)));
	uint32_t kick = 0;
	assert_true(vits_write(&b.its, VITS_TRANSLATER, 4, 0, &kick)); /* DeviceID 0: unmapped */
	event(&b, VITS_INT, 1, 0);
	assert_true(in_lrs(&b, 0, LPI(0)));
	/* The LPI pending at the save comes once it is enabled. */
	assert_false(in_lrs(&b, 0, LPI(2)));
	ram[PROP - RAM_IPA + 2] = PRIO | 1;
	event(&b, VITS_INV, 1, 2);
	assert_true(in_lrs(&b, 0, LPI(2)));
}

static void test_pending_lpi_is_in_the_section(void **state)
{
	(void)state;
	struct snap_lpi l;
	memcpy(&l, sec + LPI_AT + 2 * sizeof(l), sizeof(l));
	assert_int_equal(l.flags, SNAP_LPI_PENDING);
	assert_int_equal(l.vcpu, 0);
	assert_int_equal(l.priority, PRIO);
}

/* Changes `size` bytes at `off` of a copy of sec, and expects a refusal naming `why`. */
static void refused(uint64_t off, const void *val, size_t size, uint64_t len, const char *why)
{
	memcpy(sec2, sec, sec_len);
	memcpy(sec2 + off, val, size);
	char err[200] = "";
	assert_int_equal(snap_its_check(sec2, len, 2, err, sizeof(err)), -EINVAL);
	if (!strstr(err, why))
		fail_msg("expected \"%s\" in \"%s\"", why, err);
}

static void test_bad_sections_are_refused(void **state)
{
	(void)state;
	char err[200];
	assert_int_equal(snap_its_check(sec, sec_len, 3, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "for 2 vCPU(s), the VM has 3"));
	assert_int_equal(snap_its_check(sec, 10, 2, err, sizeof(err)), -EINVAL);
	assert_int_equal(snap_its_check(sec, sec_len - 8, 2, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "its counts make"));
	uint8_t v8;
	uint32_t v32;
	uint64_t v64;
	const size_t head_coll = offsetof(struct snap_its_head, collection);
	v8 = 5; /* collection 3 on a vCPU the VM does not have */
	refused(head_coll + 3, &v8, 1, sec_len, "collection 3 targets vCPU 5");
	v32 = 2;
	refused(offsetof(struct snap_its_head, ctlr), &v32, 4, sec_len, "GITS_CTLR");
	v64 = 0x1000; /* CREADR past a one-page queue */
	refused(offsetof(struct snap_its_head, creadr), &v64, 8, sec_len, "outside its");
	v64 = 1UL << 62;
	refused(offsetof(struct snap_its_head, cbaser), &v64, 8, sec_len, "CBASER");
	v64 = 1UL << 63; /* PROPBASER bit 63: RES0 */
	refused(RD_AT, &v64, 8, sec_len, "vCPU 0's PROPBASER");
	v32 = 2;
	refused(RD_AT + 16, &v32, 4, sec_len, "EnableLPIs");
	v8 = 0x8;
	refused(LPI_AT + 1, &v8, 1, sec_len, "LPI 8192's state");
	v8 = 2; /* LPI 5 routed to vCPU 2 */
	refused(LPI_AT + 5 * 4 + 2, &v8, 1, sec_len, "LPI 8197's state");
	v8 = 0x0f; /* priority with bits the vGIC does not keep */
	refused(LPI_AT + 0, &v8, 1, sec_len, "LPI 8192's state");
	v8 = 1; /* LPI 5 routed but mapped by nothing */
	refused(LPI_AT + 5 * 4 + 2, &v8, 1, sec_len, "no event maps it");
	v32 = 7; /* device 1 renamed 7: mapped twice */
	refused(DEV_AT, &v32, 4, sec_len, "mapped twice");
	v32 = 0x10000;
	refused(DEV_AT, &v32, 4, sec_len, "ID 0x10000");
	v32 = 6; /* not a power of two */
	refused(DEV_AT + 4, &v32, 4, sec_len, "with 6 events");
	v32 = 4; /* device 1 claims 4 of the 4 ITEs, device 7 one more */
	refused(DEV_AT + 8, &v32, 4, sec_len, "more translations than the section");
	v32 = 16; /* event 16 of a 16-event device */
	refused(ITES_AT, &v32, 4, sec_len, "out of range");
	uint16_t v16 = 100; /* not an LPI */
	refused(ITES_AT + 4, &v16, 2, sec_len, "out of range");
	v8 = VITS_MAX_COLLECTIONS;
	refused(ITES_AT + 6, &v8, 1, sec_len, "out of range");
	v32 = 1; /* event 1 of device 1 twice */
	refused(ITES_AT + 8 * 2, &v32, 4, sec_len, "mapped twice");
	v32 = 3; /* ndevices 3: the length no longer adds up */
	refused(offsetof(struct snap_its_head, ndevices), &v32, 4, sec_len, "its counts make");
	v32 = VITS_MAX_DEVICES + 1;
	refused(offsetof(struct snap_its_head, ndevices), &v32, 4, sec_len, "the ITS holds");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_round_trip_is_exact, setup),
	    cmocka_unit_test_setup(test_restored_its_raises_lpis_where_they_were_mapped, setup),
	    cmocka_unit_test_setup(test_pending_lpi_is_in_the_section, setup),
	    cmocka_unit_test_setup(test_bad_sections_are_refused, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
