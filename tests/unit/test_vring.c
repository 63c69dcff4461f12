// sources: drivers/virtio/vring.c
/* Host tests for Triad's driver side of split virtqueues, with the test as the device. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <triad/vring.h>

#define SIZE 4
static _Alignas(4096) uint8_t mem[3 * 4096];
static struct vring r;

static int setup(void **state)
{
	(void)state;
	memset(mem, 0, sizeof(mem));
	assert_true(vring_mem_size(SIZE) <= sizeof(mem));
	vring_init(&r, SIZE, mem);
	return 0;
}

/* The device: takes avail entry `slot` and returns it used with `len`. */
static uint16_t device_take(unsigned slot)
{
	return r.avail[2 + slot];
}

static void device_use(uint16_t used_idx, uint32_t id, uint32_t len)
{
	volatile uint32_t *e = r.used + 1 + 2 * (used_idx % SIZE);
	e[0] = id;
	e[1] = len;
	r.used[0] = (uint32_t)(used_idx + 1) << 16;
}

static void chains_go_out_and_come_back(void **state)
{
	(void)state;
	int a, b;
	struct vring_buf two[2] = {{0x1000, 16, 0}, {0x2000, 1, VRING_DESC_F_WRITE}};
	assert_true(vring_add(&r, two, 2, &a));
	assert_int_equal(r.avail[1], 1);
	uint16_t head = device_take(0);
	assert_int_equal(r.desc[head].addr, 0x1000);
	assert_true(r.desc[head].flags & VRING_DESC_F_NEXT);
	uint16_t second = r.desc[head].next;
	assert_int_equal(r.desc[second].addr, 0x2000);
	assert_int_equal(r.desc[second].flags, VRING_DESC_F_WRITE);
	struct vring_buf one = {0x3000, 100, 0};
	assert_true(vring_add(&r, &one, 1, &b));
	/* Two chains use three of four descriptors: a third chain of two does not fit. */
	assert_false(vring_add(&r, two, 2, &a));
	void *cookie;
	uint32_t len;
	bool bad;
	assert_false(vring_get_used(&r, &cookie, &len, &bad));
	assert_false(bad);
	device_use(0, head, 1);
	assert_true(vring_get_used(&r, &cookie, &len, &bad));
	assert_ptr_equal(cookie, &a);
	assert_int_equal(len, 1);
	/* Its descriptors are free again. */
	assert_true(vring_add(&r, two, 2, &a));
	device_use(1, device_take(1), 0);
	assert_true(vring_get_used(&r, &cookie, &len, &bad));
	assert_ptr_equal(cookie, &b);
}

/* A device returning an id it never got, or one twice, is caught, not trusted. */
static void a_device_cannot_return_what_it_was_not_given(void **state)
{
	(void)state;
	int a;
	struct vring_buf one = {0x3000, 100, 0};
	assert_true(vring_add(&r, &one, 1, &a));
	void *cookie;
	uint32_t len;
	bool bad;
	device_use(0, 3, 0); /* never made available */
	assert_false(vring_get_used(&r, &cookie, &len, &bad));
	assert_true(bad);
	device_use(1, 99, 0); /* out of range */
	assert_false(vring_get_used(&r, &cookie, &len, &bad));
	assert_true(bad);
	device_use(2, 0, 0);
	assert_true(vring_get_used(&r, &cookie, &len, &bad));
	device_use(3, 0, 0); /* the same one again */
	assert_false(vring_get_used(&r, &cookie, &len, &bad));
	assert_true(bad);
	assert_int_equal(r.nfree, SIZE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(chains_go_out_and_come_back, setup),
	    cmocka_unit_test_setup(a_device_cannot_return_what_it_was_not_given, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
