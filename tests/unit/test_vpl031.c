// sources: devices/vpl031.c
/* Host tests for the emulated PL031 RTC. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <triad/vpl031.h>

static uint64_t rd(struct vpl031 *r, uint32_t now, uint64_t off)
{
	uint64_t v = 0xdead;
	assert_true(vpl031_read(r, now, off, 4, &v));
	return v;
}

static void time_follows_the_host_and_can_be_set(void **state)
{
	(void)state;
	struct vpl031 r;
	vpl031_init(&r);
	assert_int_equal(rd(&r, 1700000000, 0x00), 1700000000);
	assert_int_equal(rd(&r, 1700000005, 0x00), 1700000005);
	/* The guest loads its own time: from then on it runs at the host's pace. */
	assert_true(vpl031_write(&r, 1700000005, 0x08, 4, 1000));
	assert_int_equal(rd(&r, 1700000005, 0x00), 1000);
	assert_int_equal(rd(&r, 1700000065, 0x00), 1060);
	assert_int_equal(rd(&r, 1700000065, 0x08), 1000); /* LR reads back */
	assert_int_equal(rd(&r, 0, 0x0c), 1);		  /* always started */
	/* The PrimeCell identification Linux's AMBA bus matches on. */
	assert_int_equal(rd(&r, 0, 0xfe0), 0x31);
	assert_int_equal(rd(&r, 0, 0xfe8), 0x04);
	assert_int_equal(rd(&r, 0, 0xffc), 0xb1);
}

/* EDK2's PL031 driver checks the PrimeCell ID with byte reads; the other registers take
 * only 32-bit accesses. */
static void id_registers_read_a_byte_at_a_time(void **state)
{
	(void)state;
	struct vpl031 r;
	vpl031_init(&r);
	uint64_t v = 0;
	assert_true(vpl031_read(&r, 0, 0xff0, 1, &v));
	assert_int_equal(v, 0x0d);
	assert_true(vpl031_read(&r, 0, 0xffc, 1, &v));
	assert_int_equal(v, 0xb1);
	assert_true(vpl031_read(&r, 0, 0xfe4, 2, &v));
	assert_int_equal(v, 0x10);
	assert_false(vpl031_read(&r, 0, 0xff1, 1, &v)); /* inside a register */
	assert_false(vpl031_read(&r, 0, 0x00, 1, &v));	/* the data register: 32-bit only */
}

static void match_raises_the_interrupt_until_cleared(void **state)
{
	(void)state;
	struct vpl031 r;
	vpl031_init(&r);
	assert_true(vpl031_write(&r, 100, 0x04, 4, 103));
	assert_true(vpl031_write(&r, 100, 0x10, 4, 1));
	assert_int_equal(vpl031_seconds_to_match(&r, 100), 3);
	vpl031_expire(&r, 102); /* early: nothing */
	assert_false(vpl031_irq_level(&r));
	vpl031_expire(&r, 103);
	assert_true(vpl031_irq_level(&r));
	assert_int_equal(rd(&r, 103, 0x14), 1);
	assert_int_equal(rd(&r, 103, 0x18), 1);
	/* Masked: raw status stays, the line drops. */
	assert_true(vpl031_write(&r, 103, 0x10, 4, 0));
	assert_false(vpl031_irq_level(&r));
	assert_int_equal(rd(&r, 103, 0x18), 0);
	assert_true(vpl031_write(&r, 103, 0x10, 4, 1));
	assert_true(vpl031_write(&r, 103, 0x1c, 4, 1)); /* ICR */
	assert_false(vpl031_irq_level(&r));
	/* A match set to the current second fires at once. */
	assert_true(vpl031_write(&r, 200, 0x04, 4, 200));
	assert_true(vpl031_irq_level(&r));
}

static void bad_accesses_are_refused(void **state)
{
	(void)state;
	struct vpl031 r;
	uint64_t v;
	vpl031_init(&r);
	assert_false(vpl031_read(&r, 0, 0x00, 1, &v));
	assert_false(vpl031_read(&r, 0, 0x02, 4, &v));
	assert_false(vpl031_write(&r, 0, 0x04, 8, 1));
	/* Read-only registers ignore writes. */
	assert_true(vpl031_write(&r, 50, 0x00, 4, 7));
	assert_true(vpl031_write(&r, 50, 0x14, 4, 1));
	assert_int_equal(rd(&r, 50, 0x00), 50);
	assert_int_equal(rd(&r, 50, 0x14), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(time_follows_the_host_and_can_be_set),
	    cmocka_unit_test(id_registers_read_a_byte_at_a_time),
	    cmocka_unit_test(match_raises_the_interrupt_until_cleared),
	    cmocka_unit_test(bad_accesses_are_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
