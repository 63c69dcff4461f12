// sources: devices/vpl011.c
/* Host tests for the emulated PL011 console. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <triad/vpl011.h>

static char out[64];
static unsigned nout;

static void capture(void *ctx, char c)
{
	(void)ctx;
	out[nout++ % sizeof(out)] = c;
}

static uint64_t rd(struct vpl011 *u, uint64_t off)
{
	uint64_t v;
	assert_true(vpl011_read(u, off, 4, &v));
	return v;
}

static void transmit_and_receive(void **state)
{
	(void)state;
	static struct vpl011 u;
	vpl011_init(&u, capture, NULL);
	nout = 0;
	assert_true(vpl011_write(&u, 0x0, 4, 'h'));
	assert_true(vpl011_write(&u, 0x0, 1, 'i'));
	assert_int_equal(nout, 2);
	assert_int_equal(out[0], 'h');
	assert_int_equal(rd(&u, 0x18) & (1 << 4), 1 << 4); /* RXFE */
	assert_false(vpl011_irq_level(&u));
	assert_true(vpl011_write(&u, 0x38, 4, 1 << 4)); /* IMSC: RX */
	assert_true(vpl011_rx(&u, 'x'));
	assert_true(vpl011_irq_level(&u));
	assert_int_equal(rd(&u, 0x18) & (1 << 4), 0);
	assert_int_equal(rd(&u, 0x40), (1 << 4) | 0); /* MIS */
	assert_int_equal(rd(&u, 0x0), 'x');
	assert_false(vpl011_irq_level(&u));
	assert_int_equal(rd(&u, 0x0), 0); /* empty FIFO reads 0 */
}

static void fifo_full_and_bad_access(void **state)
{
	(void)state;
	static struct vpl011 u;
	vpl011_init(&u, capture, NULL);
	for (unsigned i = 0; i < VPL011_RX_SIZE; i++)
		assert_true(vpl011_rx(&u, (char)i));
	assert_false(vpl011_rx(&u, 'z'));
	assert_int_equal(rd(&u, 0x18) & (1 << 6), 1 << 6); /* RXFF */
	uint64_t v;
	assert_false(vpl011_read(&u, 0x18, 8, &v));
	assert_false(vpl011_write(&u, 0x30, 1, 0));
	assert_true(vpl011_write(&u, 0xf00, 4, 0xffffffff)); /* reserved: WI */
	assert_int_equal(rd(&u, 0xf00), 0);
	assert_int_equal(rd(&u, 0xfe0), 0x11);
	assert_int_equal(rd(&u, 0xff0), 0x0d);
	assert_int_equal(rd(&u, 0xffc), 0xb1);
}

static void tx_interrupt_until_cleared(void **state)
{
	(void)state;
	static struct vpl011 u;
	vpl011_init(&u, capture, NULL);
	assert_true(vpl011_write(&u, 0x38, 4, 1 << 5));
	assert_false(vpl011_irq_level(&u));
	assert_true(vpl011_write(&u, 0x0, 4, 'a'));
	assert_true(vpl011_irq_level(&u));
	assert_true(vpl011_write(&u, 0x44, 4, 1 << 5));
	assert_false(vpl011_irq_level(&u));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(transmit_and_receive),
	    cmocka_unit_test(fifo_full_and_bad_access),
	    cmocka_unit_test(tx_interrupt_until_cleared),
	};
	return cmocka_run_group_tests_name("vpl011", tests, NULL, NULL);
}
