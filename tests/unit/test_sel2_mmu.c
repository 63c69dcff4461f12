// sources: security/sel2/mmu.c lib/pgtable/pgtable.c lib/pgtable/pt_pool.c
/* Triad at S-EL2's own stage 1, walked like the MMU would: its text read-only and
 * executable, everything writable never executable; the partitions' regions, OP-TEE's
 * memory and the GIC Secure; the UART and all of DRAM Non-secure; nothing else (not the
 * monitor, not the secure UART); at OP-TEE's restart, the DT window Secure in place of
 * that MiB of Non-secure DRAM. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "security/sel2/sel2.h"

#define ADDR_MASK 0x0000fffffffff000ULL
#define TEXT	  0x0e020000ULL
#define TEXT_END  0x0e027000ULL
#define END	  0x0e08b000ULL
#define WINDOW	  0x7f580000ULL

struct leaf {
	bool mapped;
	uint64_t pa, desc;
};

/* A 4 KiB-granule walk from level 1 (39-bit VAs). */
static struct leaf walk(uint64_t va)
{
	struct leaf out = {0};
	if (va >> 39)
		return out;
	const uint64_t *t = mmu_root();
	for (int level = 1; level <= 3; level++) {
		unsigned shift = 39 - 9 * level;
		uint64_t d = t[(va >> shift) & 511];
		if (!(d & 1))
			return out;
		if (!(d & 2) || level == 3) {
			if (level == 3 && !(d & 2))
				return out; /* reserved encoding */
			uint64_t size = 1ULL << shift;
			out.mapped = true;
			out.pa = (d & ADDR_MASK & ~(size - 1)) | (va & (size - 1));
			out.desc = d;
			return out;
		}
		t = (const uint64_t *)(uintptr_t)(d & ADDR_MASK);
	}
	return out;
}

enum kind { NORMAL = 1, DEVICE = 0 };
enum access { RX, RW };

/* Identity-mapped, of this memory type, access and security state; never both writable
 * and executable; the access flag set. */
static void assert_map(uint64_t va, enum kind kind, enum access access, bool ns)
{
	struct leaf l = walk(va);
	assert_true(l.mapped);
	assert_int_equal(l.pa, va);
	assert_int_equal((l.desc >> 2) & 7, kind);
	assert_int_equal((l.desc >> 7) & 1, access == RX);  /* AP[2]: read-only */
	assert_int_equal((l.desc >> 54) & 1, access == RW); /* XN */
	assert_int_equal((l.desc >> 5) & 1, ns);
	assert_true(l.desc & (1ULL << 10));
}

static void build(void)
{
	assert_true(mmu_build(TEXT, TEXT_END, END));
}

static void test_image(void **state)
{
	(void)state;
	build();
	assert_map(TEXT, NORMAL, RX, false);
	assert_map(TEXT_END - 4, NORMAL, RX, false);
	assert_map(TEXT_END, NORMAL, RW, false);
	assert_map(END - 8, NORMAL, RW, false);
	/* The monitor's memory below, the gap up to the partitions' regions above. */
	assert_false(walk(0x0e000000).mapped);
	assert_false(walk(TEXT - 1).mapped);
	assert_false(walk(END).mapped);
	assert_false(walk(SP_BASE - 1).mapped);
	assert_string_equal(mmu_region_name(TEXT + 0x100), "its text");
	assert_string_equal(mmu_region_name(TEXT_END), "its data");
	assert_string_equal(mmu_region_name(END), "nothing S-EL2 maps");
}

static void test_secure_memory_and_devices(void **state)
{
	(void)state;
	build();
	for (unsigned k = 0; k < SP_MAX; k++)
		assert_map(SP_REGION_OF(k) + SP_REGION - 8, NORMAL, RW, false);
	assert_map(OPTEE_BASE, NORMAL, RW, false);
	assert_map(OPTEE_BASE + OPTEE_SIZE - 8, NORMAL, RW, false);
	assert_false(walk(OPTEE_BASE + OPTEE_SIZE).mapped);
	/* The GIC Secure (S-EL2 programs Secure groups), the console UART Non-secure. */
	assert_map(PLAT_GICD_BASE, DEVICE, RW, false);
	assert_map(PLAT_GICR_BASE + MAX_CPUS * 0x20000 - 8, DEVICE, RW, false);
	assert_false(walk(PLAT_GICR_BASE + MAX_CPUS * 0x20000).mapped);
	assert_map(PLAT_EARLY_UART, DEVICE, RW, true);
	assert_false(walk(PLAT_EARLY_UART + 0x1000).mapped);
	assert_false(walk(0x09040000).mapped); /* the secure UART: OP-TEE's */
	assert_false(walk(0).mapped);	       /* secure flash */
}

static void test_non_secure_dram(void **state)
{
	(void)state;
	build();
	assert_map(PLAT_DRAM_BASE, NORMAL, RW, true);
	assert_map(0x7ffff000, NORMAL, RW, true);
	assert_map(0x3fffffffffULL, NORMAL, RW, true);
	assert_false(walk(0x4000000000ULL).mapped);
	assert_false(walk(PLAT_DRAM_BASE - 1).mapped);
	assert_string_equal(mmu_region_name(0x50000000), "Non-secure DRAM");
}

/* Nothing anywhere is both writable and executable. */
static void test_nothing_writable_is_executable(void **state)
{
	(void)state;
	build();
	assert_true(mmu_map_dt_window(WINDOW, SEL2_DT_WINDOW_SIZE));
	for (uint64_t va = 0; va < (1ULL << 39); va += va < 0x40000000 ? 0x1000 : 0x200000) {
		struct leaf l = walk(va);
		if (l.mapped && !((l.desc >> 7) & 1))
			assert_true((l.desc >> 54) & 1);
	}
}

static void test_restart_dt_window(void **state)
{
	(void)state;
	build();
	assert_false(mmu_map_dt_window(0x0e000000, SEL2_DT_WINDOW_SIZE)); /* not in DRAM */
	assert_true(mmu_map_dt_window(WINDOW, SEL2_DT_WINDOW_SIZE));
	for (uint64_t va = WINDOW; va < WINDOW + SEL2_DT_WINDOW_SIZE; va += 0x1000)
		assert_map(va + 8, NORMAL, RW, false);
	assert_string_equal(mmu_region_name(WINDOW), "OP-TEE's DT window");
	/* The rest of that GiB stays Non-secure, and the other GiBs. */
	assert_map(WINDOW - 8, NORMAL, RW, true);
	assert_map(WINDOW + SEL2_DT_WINDOW_SIZE, NORMAL, RW, true);
	assert_map(0x40000000, NORMAL, RW, true);
	assert_map(0x7ffffff8, NORMAL, RW, true);
	assert_map(0x80000000, NORMAL, RW, true);
	assert_map(TEXT, NORMAL, RX, false);
	/* Every later restart has the same window; another is refused. */
	assert_true(mmu_map_dt_window(WINDOW, SEL2_DT_WINDOW_SIZE));
	assert_false(mmu_map_dt_window(WINDOW + 0x200000, SEL2_DT_WINDOW_SIZE));
	assert_map(WINDOW + 0x200000, NORMAL, RW, true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_image),
	    cmocka_unit_test(test_secure_memory_and_devices),
	    cmocka_unit_test(test_non_secure_dram),
	    cmocka_unit_test(test_nothing_writable_is_executable),
	    cmocka_unit_test(test_restart_dt_window),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
