// sources: devices/vpl061.c
/* Host tests for the emulated PL061: the masked data register, directions, edge and level
 * interrupts as Linux's pl061 driver programs them, the power key's press and release, the
 * identification registers, and snapshots. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <triad/vpl061.h>

static uint64_t rd(const struct vpl061 *g, uint64_t off)
{
	uint64_t v = 0xdead;
	assert_true(vpl061_read(g, off, 1, &v));
	return v;
}

static void wr(struct vpl061 *g, uint64_t off, uint64_t v)
{
	assert_true(vpl061_write(g, off, 1, v));
}

static void test_data_masking_and_direction(void **state)
{
	(void)state;
	struct vpl061 g;
	vpl061_init(&g);
	wr(&g, VPL061_DIR, 0x0f); /* lines 0-3 outputs */
	/* Address bits 9:2 select the lines a write changes: only line 1 here. */
	wr(&g, 0x2 << 2, 0xff);
	assert_int_equal(rd(&g, 0xff << 2), 0x02);
	/* An input line reads what drives it, whatever the latch says. */
	vpl061_set_input(&g, 6, true);
	assert_int_equal(rd(&g, 0xff << 2), 0x42);
	assert_int_equal(rd(&g, 0x40 << 2), 0x40);
	assert_int_equal(rd(&g, 0x01 << 2), 0x00);
	/* A driven input is ignored while the line is an output. */
	vpl061_set_input(&g, 1, false);
	assert_int_equal(rd(&g, 0x02 << 2), 0x02);
}

static void test_rising_edge_power_key(void **state)
{
	(void)state;
	struct vpl061 g;
	vpl061_init(&g);
	/* Linux, for a rising-edge interrupt on line 3: edge, one edge, rising, unmasked. */
	wr(&g, VPL061_IS, 0);
	wr(&g, VPL061_IBE, 0);
	wr(&g, VPL061_IEV, 0x08);
	wr(&g, VPL061_IE, 0x08);
	assert_false(vpl061_irq_level(&g));
	vpl061_set_input(&g, 3, true); /* pressed */
	assert_true(vpl061_irq_level(&g));
	assert_int_equal(rd(&g, VPL061_RIS), 0x08);
	assert_int_equal(rd(&g, VPL061_MIS), 0x08);
	assert_int_equal(rd(&g, 0x08 << 2), 0x08);
	wr(&g, VPL061_IC, 0x08); /* the handler acknowledges */
	assert_false(vpl061_irq_level(&g));
	vpl061_set_input(&g, 3, false); /* released: a falling edge, not asked for */
	assert_false(vpl061_irq_level(&g));
	assert_int_equal(rd(&g, VPL061_RIS), 0);
	/* Masked, the edge is still latched in RIS and raises the line once unmasked. */
	wr(&g, VPL061_IE, 0);
	vpl061_set_input(&g, 3, true);
	assert_false(vpl061_irq_level(&g));
	assert_int_equal(rd(&g, VPL061_RIS), 0x08);
	assert_int_equal(rd(&g, VPL061_MIS), 0);
	wr(&g, VPL061_IE, 0x08);
	assert_true(vpl061_irq_level(&g));
}

static void test_both_edges_and_falling(void **state)
{
	(void)state;
	struct vpl061 g;
	vpl061_init(&g);
	wr(&g, VPL061_IBE, 0x01); /* line 0: both edges (gpio-keys asks for this) */
	wr(&g, VPL061_IEV, 0x00); /* line 2: falling */
	wr(&g, VPL061_IE, 0x05);
	vpl061_set_input(&g, 0, true);
	assert_int_equal(rd(&g, VPL061_MIS), 0x01);
	wr(&g, VPL061_IC, 0x01);
	vpl061_set_input(&g, 0, false);
	assert_int_equal(rd(&g, VPL061_MIS), 0x01);
	wr(&g, VPL061_IC, 0x01);
	vpl061_set_input(&g, 2, true);
	assert_int_equal(rd(&g, VPL061_MIS), 0);
	vpl061_set_input(&g, 2, false);
	assert_int_equal(rd(&g, VPL061_MIS), 0x04);
	/* The same level again is no edge. */
	wr(&g, VPL061_IC, 0x04);
	vpl061_set_input(&g, 2, false);
	assert_int_equal(rd(&g, VPL061_MIS), 0);
}

static void test_level_interrupts(void **state)
{
	(void)state;
	struct vpl061 g;
	vpl061_init(&g);
	wr(&g, VPL061_IS, 0x08);
	wr(&g, VPL061_IEV, 0x08); /* high level */
	wr(&g, VPL061_IE, 0x08);
	assert_false(vpl061_irq_level(&g));
	vpl061_set_input(&g, 3, true);
	assert_true(vpl061_irq_level(&g));
	wr(&g, VPL061_IC, 0x08); /* clearing does not end a level that persists */
	assert_true(vpl061_irq_level(&g));
	vpl061_set_input(&g, 3, false);
	assert_false(vpl061_irq_level(&g));
	/* Low level: raised while low. */
	wr(&g, VPL061_IEV, 0x00);
	assert_true(vpl061_irq_level(&g));
}

static void test_ids_and_bad_accesses(void **state)
{
	(void)state;
	struct vpl061 g;
	vpl061_init(&g);
	/* Linux's AMBA bus matches the part number 0x00041061 and the PrimeCell id. */
	static const uint8_t id[8] = {0x61, 0x10, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(rd(&g, 0xfe0 + 4 * i), id[i]);
	uint64_t v;
	assert_true(vpl061_read(&g, VPL061_DIR, 4, &v));
	assert_false(vpl061_read(&g, VPL061_DIR + 1, 1, &v)); /* unaligned */
	assert_false(vpl061_read(&g, VPL061_DIR, 8, &v));
	assert_false(vpl061_read(&g, 0x500, 4, &v)); /* reserved */
	assert_false(vpl061_write(&g, 0x800, 4, 1));
	assert_false(vpl061_read(&g, 0x1000, 4, &v)); /* outside */
	/* Writes to read-only registers change nothing. */
	assert_true(vpl061_write(&g, VPL061_RIS, 4, 0xff));
	assert_int_equal(rd(&g, VPL061_RIS), 0);
}

static void test_save_restore(void **state)
{
	(void)state;
	struct vpl061 g, h;
	vpl061_init(&g);
	wr(&g, VPL061_DIR, 0x01);
	wr(&g, 0x01 << 2, 1);
	wr(&g, VPL061_IEV, 0x08);
	wr(&g, VPL061_IE, 0x08);
	vpl061_set_input(&g, 3, true);
	struct vpl061_saved s;
	vpl061_save(&g, &s);
	vpl061_init(&h);
	assert_true(vpl061_restore(&h, &s));
	assert_int_equal(rd(&h, 0xff << 2), 0x09);
	assert_true(vpl061_irq_level(&h));
	assert_int_equal(rd(&h, VPL061_IE), 0x08);
	/* A bad state (an edge latched on a level line, padding set) changes nothing. */
	struct vpl061_saved bad = s;
	bad.is = 0x08;
	struct vpl061 before = h;
	assert_false(vpl061_restore(&h, &bad));
	assert_memory_equal(&h, &before, sizeof(h));
	bad = s;
	bad.pad[2] = 1;
	assert_false(vpl061_restore(&h, &bad));
	assert_memory_equal(&h, &before, sizeof(h));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_data_masking_and_direction),
	    cmocka_unit_test(test_rising_edge_power_key),
	    cmocka_unit_test(test_both_edges_and_falling),
	    cmocka_unit_test(test_level_interrupts),
	    cmocka_unit_test(test_ids_and_bad_accesses),
	    cmocka_unit_test(test_save_restore),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
