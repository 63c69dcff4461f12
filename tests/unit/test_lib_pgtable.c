// sources: lib/pgtable/pgtable.c lib/pgtable/pt_pool.c
/* Host tests for the page-table builder every image shares (stage 1 and stage 2), with its
 * allocators: a heap, a fixed pool, and tables reached through a phys_to_virt offset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <lib/pgtable.h>
#include <triad/errno.h>

static int live_pages;

static uint64_t pt_test_alloc(void *ctx)
{
	(void)ctx;
	void *p = aligned_alloc(4096, 4096);
	memset(p, 0, 4096);
	live_pages++;
	return (uint64_t)(uintptr_t)p;
}

static void pt_test_free(void *ctx, uint64_t pa)
{
	(void)ctx;
	free((void *)(uintptr_t)pa);
	live_pages--;
}

static const struct pt_allocator alloc = {pt_test_alloc, pt_test_free, NULL, NULL};

static void map_and_lookup(void **state)
{
	(void)state;
	struct pgtable pt;
	assert_int_equal(pt_init(&pt, 48, &alloc), 0);
	assert_int_equal(pt.start_level, 0);
	assert_int_equal(pt_map(&pt, 0x40000000, 0x80000000, 0x3000, S2_NORMAL_RWX), 0);
	uint64_t pa, attr;
	assert_int_equal(pt_lookup(&pt, 0x40001234, &pa, &attr), 0);
	assert_int_equal(pa, 0x80001234);
	assert_int_equal(attr & PTE_ATTR_MASK, S2_NORMAL_RWX);
	assert_int_equal(pt_lookup(&pt, 0x40003000, &pa, NULL), -ENOENT);
	assert_int_equal(pt_lookup(&pt, 0x3fffffff, &pa, NULL), -ENOENT);
	pt_destroy(&pt);
	assert_int_equal(live_pages, 0);
}

static void uses_blocks_when_aligned(void **state)
{
	(void)state;
	struct pgtable pt;
	assert_int_equal(pt_init(&pt, 40, &alloc), 0);
	assert_int_equal(pt.start_level, 0);
	/* 1 GB + 2 MB, both aligned: one 1 GB block and one 2 MB block, no level-3 table. */
	assert_int_equal(pt_map(&pt, 0x40000000, 0x40000000, 0x40200000, S2_NORMAL_RWX), 0);
	assert_int_equal(live_pages, 3); /* L0, L1, and one L2 for the 2 MB block */
	uint64_t pa;
	assert_int_equal(pt_lookup(&pt, 0x7fffffff, &pa, NULL), 0);
	assert_int_equal(pa, 0x7fffffff);
	assert_int_equal(pt_lookup(&pt, 0x801fffff, &pa, NULL), 0);
	pt_destroy(&pt);
	assert_int_equal(live_pages, 0);
}

static void refuses_overlap_and_bad_args(void **state)
{
	(void)state;
	struct pgtable pt;
	assert_int_equal(pt_init(&pt, 39, &alloc), 0);
	assert_int_equal(pt.start_level, 1);
	assert_int_equal(pt_map(&pt, 0x200000, 0x200000, 0x200000, S1_NORMAL_RW), 0);
	assert_int_equal(pt_map(&pt, 0x201000, 0x900000, 0x1000, S1_NORMAL_RW), -EEXIST);
	assert_int_equal(pt_map(&pt, 0x1ff000, 0x900000, 0x2000, S1_NORMAL_RW), -EEXIST);
	assert_int_equal(pt_map(&pt, 0x1001, 0x1000, 0x1000, S1_NORMAL_RW), -EINVAL);
	assert_int_equal(pt_map(&pt, 0x1000, 0x1000, 0, S1_NORMAL_RW), -EINVAL);
	/* Beyond the 39-bit range, and a range that would wrap. */
	assert_int_equal(pt_map(&pt, 1UL << 39, 0, 0x1000, S1_NORMAL_RW), -EINVAL);
	assert_int_equal(pt_map(&pt, (1UL << 39) - 0x1000, 0, 0x2000, S1_NORMAL_RW), -EINVAL);
	assert_int_equal(pt_map(&pt, 0x1000, 1UL << 50, 0x1000, S1_NORMAL_RW), -EINVAL);
	assert_int_equal(pt_init(&pt, 49, &alloc), -EINVAL);
	pt_destroy(&pt);
}

static void unmap_splits_blocks(void **state)
{
	(void)state;
	struct pgtable pt;
	assert_int_equal(pt_init(&pt, 48, &alloc), 0);
	assert_int_equal(pt_map(&pt, 0x40000000, 0x40000000, 0x200000, S2_NORMAL_RWX), 0);
	assert_int_equal(pt_unmap(&pt, 0x40001000, 0x1000), 0);
	uint64_t pa, attr;
	assert_int_equal(pt_lookup(&pt, 0x40001000, &pa, NULL), -ENOENT);
	assert_int_equal(pt_lookup(&pt, 0x40000fff, &pa, NULL), 0);
	assert_int_equal(pa, 0x40000fff);
	assert_int_equal(pt_lookup(&pt, 0x40002000, &pa, &attr), 0);
	assert_int_equal(pa, 0x40002000);
	assert_int_equal(attr, S2_NORMAL_RWX); /* the split keeps the attributes */
	/* A hole can be mapped again, elsewhere. */
	assert_int_equal(pt_map(&pt, 0x40001000, 0x90000000, 0x1000, S2_DEVICE_RW), 0);
	assert_int_equal(pt_lookup(&pt, 0x40001008, &pa, &attr), 0);
	assert_int_equal(pa, 0x90000008);
	assert_int_equal(attr, S2_DEVICE_RW);
	assert_int_equal(pt_unmap(&pt, 0x40000000, 0x200000), 0);
	assert_int_equal(pt_lookup(&pt, 0x40002000, &pa, NULL), -ENOENT);
	pt_destroy(&pt);
	assert_int_equal(live_pages, 0);
}

PT_POOL(pool3, 3);

static void allocator_failure_is_an_error(void **state)
{
	(void)state;
	struct pgtable pt;
	assert_int_equal(pt_init(&pt, 39, &pool3_alloc), 0);
	/* A page needs the L2 and L3 below the root: the pool has them, and no more. */
	assert_int_equal(pt_map(&pt, 0x40000000, 0x40000000, 0x1000, S1_NORMAL_RW), 0);
	assert_int_equal(pt_map(&pt, 0x80000000, 0x80000000, 0x1000, S1_NORMAL_RW), -ENOMEM);
	/* Unmapping the 1 GB gives both back: the other map now fits. */
	assert_int_equal(pt_unmap(&pt, 0x40000000, 0x40000000), 0);
	assert_int_equal(pt_map(&pt, 0x80000000, 0x80000000, 0x1000, S1_NORMAL_RW), 0);
	assert_int_equal(pt_lookup(&pt, 0x80000abc, NULL, NULL), 0);
	struct pt_pool empty = {NULL, 0, 0, 0};
	const struct pt_allocator none = {pt_pool_alloc, pt_pool_free, NULL, &empty};
	assert_int_equal(pt_init(&pt, 39, &none), -ENOMEM);
}

/* Tables whose physical addresses are not where the builder reaches them. */
#define PHYS_OFFSET 0x1000000000UL
static uint64_t offset_pas[4], offset_allocs;
static uint64_t offset_alloc(void *ctx)
{
	return offset_pas[offset_allocs++ % 4] = pt_test_alloc(ctx) - PHYS_OFFSET;
}
static void offset_free(void *ctx, uint64_t pa)
{
	pt_test_free(ctx, pa + PHYS_OFFSET);
}
static void *offset_to_virt(void *ctx, uint64_t pa)
{
	return (void)ctx, (void *)(uintptr_t)(pa + PHYS_OFFSET);
}

static void tables_reached_through_phys_to_virt(void **state)
{
	(void)state;
	static const struct pt_allocator offset = {offset_alloc, offset_free, offset_to_virt, NULL};
	struct pgtable pt;
	assert_int_equal(pt_init(&pt, 39, &offset), 0);
	assert_int_equal(pt_map(&pt, 0x40001000, 0x50001000, 0x1000, S2_NORMAL_RWX), 0);
	/* Entries hold the tables' physical addresses: the root's, the L2 allocated second. */
	assert_int_equal(pt.root, offset_pas[0]);
	uint64_t l1e = ((uint64_t *)offset_to_virt(NULL, pt.root))[1];
	assert_int_equal(l1e, offset_pas[1] | PTE_VALID | PTE_TABLE);
	uint64_t pa;
	assert_int_equal(pt_lookup(&pt, 0x40001008, &pa, NULL), 0);
	assert_int_equal(pa, 0x50001008);
	pt_destroy(&pt);
	assert_int_equal(live_pages, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(map_and_lookup),
	    cmocka_unit_test(uses_blocks_when_aligned),
	    cmocka_unit_test(refuses_overlap_and_bad_args),
	    cmocka_unit_test(unmap_splits_blocks),
	    cmocka_unit_test(allocator_failure_is_an_error),
	    cmocka_unit_test(tables_reached_through_phys_to_virt),
	};
	return cmocka_run_group_tests_name("pgtable", tests, NULL, NULL);
}
