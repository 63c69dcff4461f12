// sources: mm/palloc.c mm/vmid.c
/* Host tests for the physical page allocator and the VMID pool. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../mm/palloc.h"
#include "../../mm/vmid.h"
#include <triad/errno.h>

#define ZONE_SIZE (8UL << 20)

static uint8_t *zone_mem;
static struct palloc pa;

static int setup(void **state)
{
	(void)state;
	zone_mem = aligned_alloc(2UL << 20, ZONE_SIZE);
	palloc_init(&pa);
	return palloc_add_zone(&pa, (uint64_t)(uintptr_t)zone_mem, ZONE_SIZE, true);
}

static int teardown(void **state)
{
	(void)state;
	free(zone_mem);
	return 0;
}

static void bitmap_is_carved_from_the_zone(void **state)
{
	(void)state;
	/* 2048 pages need 256-byte bitmaps: one page each (in use, dirty), at the zone's end,
	 * so the zone's first page is the first handed out. */
	assert_int_equal(palloc_free_pages(&pa), 2048 - 2);
	bool clean = false;
	uint64_t p = palloc_alloc(&pa, 1, 4096, &clean);
	assert_int_equal(p, (uint64_t)(uintptr_t)zone_mem);
	assert_true(clean);
	/* Freed pages are no longer known to be zero. */
	assert_int_equal(palloc_free(&pa, p, 1), 0);
	assert_int_equal(palloc_alloc(&pa, 1, 4096, &clean), p);
	assert_false(clean);
	/* Unless the one who frees them zeroed them; and single pages are not taken from
	 * those first (a VM's scrubbed RAM stays whole for the next VM). */
	assert_int_equal(palloc_free(&pa, p, 1), 0);
	uint64_t q = palloc_alloc(&pa, 4, 4096, &clean);
	assert_int_equal(q, p);
	assert_int_equal(palloc_alloc(&pa, 1, 4096, NULL), q + 4 * 4096); /* the hint past q */
	assert_int_equal(palloc_free_zeroed(&pa, q, 4), 0);
	uint64_t single = palloc_alloc(&pa, 1, 4096, NULL);
	assert_int_equal(single, q + 5 * 4096);
	assert_int_equal(palloc_alloc(&pa, 4, 4096, &clean), q);
	assert_true(clean);
	assert_int_equal(palloc_free_zeroed(&pa, single + 4096, 1), -EINVAL); /* never allocated */
}

static void top_down_takes_the_highest_free_run(void **state)
{
	(void)state;
	uint64_t base = (uint64_t)(uintptr_t)zone_mem;
	/* 2046 usable pages (the bitmaps take the last two). */
	uint64_t a = palloc_alloc_top(&pa, 10);
	assert_int_equal(a, base + (2046 - 10) * 4096ull);
	uint64_t low = palloc_alloc(&pa, 1, 4096, NULL);
	assert_int_equal(low, base);
	/* A hole of 3 pages below a: too small for 4, which go below it. */
	uint64_t b = palloc_alloc_top(&pa, 3);
	assert_int_equal(b, a - 3 * 4096);
	assert_int_equal(palloc_free(&pa, b, 3), 0);
	uint64_t c = palloc_alloc_top(&pa, 1);
	assert_int_equal(c, a - 4096);
	uint64_t d = palloc_alloc_top(&pa, 4);
	assert_int_equal(d, a - 4096 - 4 * 4096);
	assert_int_equal(palloc_alloc_top(&pa, 4096), 0);
	assert_int_equal(palloc_alloc_top(&pa, 0), 0);
	assert_int_equal(palloc_free_pages(&pa), 2046 - 10 - 1 - 1 - 4);
}

static void alignment_and_reservation(void **state)
{
	(void)state;
	uint64_t base = (uint64_t)(uintptr_t)zone_mem;
	palloc_reserve(&pa, base + 0x200000, 0x1000); /* one page at 2 MB */
	uint64_t p = palloc_alloc(&pa, 512, 2UL << 20, NULL);
	assert_true(p != 0);
	assert_int_equal(p % (2UL << 20), 0);
	assert_int_equal(p, base); /* the bitmaps are at the end */
	assert_int_equal(palloc_alloc(&pa, 512, 2UL << 20, NULL),
			 base + 0x400000); /* 2 MB: reserved */
	assert_int_equal(palloc_free(&pa, p, 512), 0);
	assert_int_equal(palloc_free(&pa, p, 1), -EINVAL); /* double free */
	assert_int_equal(palloc_free(&pa, base + 0x200000 + 0x1000, 1), -EINVAL);
	assert_int_equal(palloc_free(&pa, 0x1000, 1), -EINVAL); /* not in any zone */
	assert_int_equal(palloc_free(&pa, p + 1, 1), -EINVAL);
}

/* Firmware leaves its DTB at the start of RAM (QEMU with -bios): adding the zone must not
 * write there before the caller gets to reserve it. */
static void adding_a_zone_leaves_its_start_alone(void **state)
{
	(void)state;
	uint8_t *mem = aligned_alloc(4096, ZONE_SIZE);
	memset(mem, 0xd0, 8192);
	struct palloc p2;
	palloc_init(&p2);
	assert_int_equal(palloc_add_zone(&p2, (uint64_t)(uintptr_t)mem, ZONE_SIZE, true), 0);
	for (int i = 0; i < 8192; i++)
		assert_int_equal(mem[i], 0xd0);
	free(mem);
}

static void exhaustion(void **state)
{
	(void)state;
	uint64_t n = palloc_free_pages(&pa);
	assert_int_equal(palloc_alloc(&pa, n + 1, 4096, NULL), 0);
	uint64_t all = palloc_alloc(&pa, n, 4096, NULL);
	assert_true(all != 0);
	assert_int_equal(palloc_alloc(&pa, 1, 4096, NULL), 0);
	assert_int_equal(palloc_free_pages(&pa), 0);
	assert_int_equal(palloc_free(&pa, all, n), 0);
	assert_int_equal(palloc_free_pages(&pa), n);
	assert_int_equal(palloc_alloc(&pa, 1, 3000, NULL), 0); /* alignment not a power of two */
	assert_int_equal(palloc_alloc(&pa, 0, 4096, NULL), 0);
}

static void zones_must_not_overlap(void **state)
{
	(void)state;
	uint64_t base = (uint64_t)(uintptr_t)zone_mem;
	assert_int_equal(palloc_add_zone(&pa, base + 0x100000, 0x100000, false), -EEXIST);
	assert_int_equal(palloc_add_zone(&pa, UINT64_MAX - 0x1000, 0x10000, false), -EINVAL);
}

static void vmids_are_recycled(void **state)
{
	(void)state;
	static struct vmid_pool pool;
	vmid_pool_init(&pool, 8);
	for (int i = 1; i < 256; i++)
		assert_int_equal(vmid_alloc(&pool), i);
	assert_int_equal(vmid_alloc(&pool), -1);
	assert_int_equal(vmid_free(&pool, 17), 0);
	assert_int_equal(vmid_free(&pool, 17), -1);
	assert_int_equal(vmid_free(&pool, 0), -1);
	assert_int_equal(vmid_free(&pool, 256), -1);
	assert_int_equal(vmid_alloc(&pool), 17);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(bitmap_is_carved_from_the_zone, setup, teardown),
	    cmocka_unit_test_setup_teardown(top_down_takes_the_highest_free_run, setup, teardown),
	    cmocka_unit_test_setup_teardown(alignment_and_reservation, setup, teardown),
	    cmocka_unit_test_setup_teardown(exhaustion, setup, teardown),
	    cmocka_unit_test(adding_a_zone_leaves_its_start_alone),
	    cmocka_unit_test_setup_teardown(zones_must_not_overlap, setup, teardown),
	    cmocka_unit_test(vmids_are_recycled),
	};
	return cmocka_run_group_tests_name("palloc", tests, NULL, NULL);
}
