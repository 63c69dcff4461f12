// sources: drivers/iommu/smmu_ste.c
/* Host test for the stage-2 stream table entry: each field where SMMUv3 (5.2) puts it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <triad/smmu.h>

static uint64_t bits(uint64_t v, unsigned hi, unsigned lo)
{
	return (v >> lo) & ((2ULL << (hi - lo)) - 1);
}

static void stage2_entry_fields(void **state)
{
	(void)state;
	/* VTCR_EL2 for a 44-bit IPA, start level 0, WBWA inner shareable, 48-bit PS. */
	uint64_t vtcr = (1ULL << 31) | 20 | (2ULL << 6) | (1ULL << 8) | (1ULL << 10) |
			(3ULL << 12) | (5ULL << 16) | (1ULL << 19);
	uint64_t ste[4];
	smmu_ste_stage2(ste, 7, vtcr, 4 /* 44-bit OAS */, 0x4a3f5000 | 0xfff);
	assert_int_equal(bits(ste[0], 0, 0), 1);    /* V */
	assert_int_equal(bits(ste[0], 3, 1), 6);    /* Config: S2 only */
	assert_int_equal(bits(ste[2], 15, 0), 7);   /* S2VMID */
	assert_int_equal(bits(ste[2], 37, 32), 20); /* S2T0SZ */
	assert_int_equal(bits(ste[2], 39, 38), 2);  /* S2SL0 */
	assert_int_equal(bits(ste[2], 41, 40), 1);  /* S2IR0 */
	assert_int_equal(bits(ste[2], 43, 42), 1);  /* S2OR0 */
	assert_int_equal(bits(ste[2], 45, 44), 3);  /* S2SH0 */
	assert_int_equal(bits(ste[2], 47, 46), 0);  /* S2TG: 4 KB */
	assert_int_equal(bits(ste[2], 50, 48), 4);  /* S2PS capped to the OAS */
	assert_int_equal(bits(ste[2], 51, 51), 1);  /* S2AA64 */
	assert_int_equal(bits(ste[2], 58, 58), 1);  /* S2R */
	assert_int_equal(bits(ste[2], 57, 57), 0);  /* S2S: no stall */
	assert_int_equal(ste[3], 0x4a3f5ff0);	    /* S2TTB, low 4 bits clear */
	smmu_ste_stage2(ste, 7, vtcr, 6, 0x4a3f5000);
	assert_int_equal(bits(ste[2], 50, 48), 5); /* a larger OAS keeps the CPU's PS */
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(stage2_entry_fields)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
