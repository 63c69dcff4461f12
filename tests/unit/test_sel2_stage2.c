// sources: security/sel2/stage2.c lib/pgtable/pgtable.c lib/pgtable/pt_pool.c
/* OP-TEE's stage 2 at Secure EL2, walked like the MMU would: OP-TEE reaches its own
 * TZDRAM, its devices and normal-world DRAM (never executable), and nothing of Triad at
 * S-EL2 or the monitor; the window onto the DT (the machine's, or the monitor's at a
 * restart) closes when it has booted. The secure
 * partition's reaches its own region and nothing else. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "security/sel2/sel2.h"

#define ADDR_MASK 0x0000fffffffff000ULL
#define XN_BITS	  (3ULL << 53)

/* No register of the host's is read for what is tested here (VTTBR_EL2 is saved and put
 * back around a TLB invalidation). */
uint64_t host_read_sysreg(const char *name)
{
	(void)name;
	return 0;
}

struct leaf {
	bool mapped;
	uint64_t pa, desc;
};

/* A 4 KiB-granule walk from level 1 (39-bit IPAs). */
static struct leaf walk(const uint64_t *l1, uint64_t ipa)
{
	struct leaf out = {0};
	if (ipa >> 39)
		return out;
	const uint64_t *t = l1;
	for (int level = 1; level <= 3; level++) {
		unsigned shift = 39 - 9 * level;
		uint64_t d = t[(ipa >> shift) & 511];
		if (!(d & 1))
			return out;
		bool table = (d & 2) && level < 3;
		if (!table) {
			if (level == 3 && !(d & 2))
				return out; /* reserved encoding */
			uint64_t size = 1ULL << shift;
			out.mapped = true;
			out.pa = (d & ADDR_MASK & ~(size - 1)) | (ipa & (size - 1));
			out.desc = d;
			return out;
		}
		t = (const uint64_t *)(uintptr_t)(d & ADDR_MASK);
	}
	return out;
}

static unsigned memattr(uint64_t desc)
{
	return (desc >> 2) & 0xf;
}

static void assert_ram(const uint64_t *root, uint64_t ipa, bool exec)
{
	struct leaf l = walk(root, ipa);
	assert_true(l.mapped);
	assert_int_equal(l.pa, ipa);
	assert_int_equal(memattr(l.desc), 0xf);		 /* Normal, write-back */
	assert_int_equal((l.desc >> 6) & 3, 3);		 /* read-write */
	assert_int_equal((l.desc & XN_BITS) == 0, exec); /* executable or not */
	assert_true(l.desc & (1ULL << 10));		 /* access flag */
}

static void test_secure_space(void **state)
{
	(void)state;
	stage2_build();
	const uint64_t *s = stage2_secure_root();
	/* OP-TEE's TZDRAM, page-mapped at its start, block-mapped after. */
	assert_ram(s, 0x0e100000, true);
	assert_ram(s, 0x0e1ff008, true);
	assert_ram(s, 0x0e200000, true);
	assert_ram(s, 0x0effffff, true);
	/* The monitor and Triad at S-EL2 (first MiB of secure RAM), what follows TZDRAM, secure
	 * flash and the rest of the low map. */
	static const uint64_t unmapped[] = {0x0e000000, 0x0e020000, 0x0e0fffff, 0x0f000000,
					    0x00000000, 0x07ffffff, 0x0a000000};
	for (unsigned i = 0; i < sizeof(unmapped) / sizeof(unmapped[0]); i++)
		assert_false(walk(s, unmapped[i]).mapped);
	/* Its device window: GIC and UARTs, Device memory, never executable. */
	struct leaf gic = walk(s, 0x080a0000), uart = walk(s, 0x09040000);
	assert_true(gic.mapped && uart.mapped);
	assert_int_equal(uart.pa, 0x09040000);
	assert_int_equal(memattr(gic.desc), 1);
	assert_true(uart.desc & XN_BITS);
	assert_false(walk(s, 0x09200000).mapped);
}

static void test_dt_window_closes_after_boot(void **state)
{
	(void)state;
	stage2_build();
	const uint64_t *s = stage2_secure_root();
	assert_ram(s, 0x40000000, false);
	assert_ram(s, 0x401fffff, false);
	assert_false(walk(s, 0x40200000).mapped);
	stage2_boot_done();
	assert_false(walk(s, 0x40000000).mapped);
	assert_ram(s, 0x0e100000, true); /* its own memory stays */
}

/* OP-TEE's restart: the monitor's DT window (1 MiB, here across a 2 MiB boundary) in
 * place of the machine's DT, page by page, never executable, nothing around it; closed
 * again when OP-TEE has booted. */
static void test_restart_dt_window(void **state)
{
	(void)state;
	stage2_build();
	stage2_boot_done();
	const uint64_t window = 0x7f580000;
	stage2_dt_window(window, 0x100000);
	const uint64_t *s = stage2_secure_root();
	for (uint64_t ipa = window; ipa < window + 0x100000; ipa += 0x1000)
		assert_ram(s, ipa + 8, false);
	assert_false(walk(s, window - 0x1000).mapped);
	assert_false(walk(s, window + 0x100000).mapped);
	assert_false(walk(s, 0x40000000).mapped); /* not the machine's DT any more */
	assert_ram(s, 0x0e100000, true);	  /* OP-TEE's own memory as before */
	stage2_boot_done();
	assert_false(walk(s, window).mapped);
	assert_false(walk(s, window + 0x80000).mapped);
}

static void test_non_secure_space(void **state)
{
	(void)state;
	stage2_build();
	const uint64_t *ns = stage2_ns_root();
	assert_ram(ns, 0x40000000, false);
	assert_ram(ns, 0x7ffff000, false);
	assert_ram(ns, 0x3fffffffffULL, false);
	/* Nothing below DRAM: no Non-secure view of secure RAM or devices. */
	assert_false(walk(ns, 0x0e100000).mapped);
	assert_false(walk(ns, 0x09000000).mapped);
	assert_false(walk(ns, 0x3fffffff).mapped);
	assert_false(walk(ns, 0x4000000000ULL).mapped);
}

static void test_partition_space(void **state)
{
	(void)state;
	stage2_build();
	stage2_build_sp(0, SP_REGION_OF(0), 0x3000);
	stage2_build_sp(1, SP_REGION_OF(1), 0x2000);
	const uint64_t *sp = stage2_sp_root(0), *optee = stage2_secure_root();
	/* Its own pages, executable; nothing past them, nothing of anyone else's. */
	assert_ram(sp, SP_BASE, true);
	assert_ram(sp, SP_BASE + 0x2ff8, true);
	assert_false(walk(sp, SP_BASE + 0x3000).mapped);
	assert_false(walk(sp, SP_BASE - 1).mapped);
	assert_false(walk(sp, OPTEE_BASE).mapped);
	assert_false(walk(sp, SEL2_BASE).mapped);
	assert_false(walk(sp, 0x09000000).mapped);
	assert_false(walk(sp, 0x40000000).mapped);
	/* Its Non-secure IPA space is empty; OP-TEE never sees the partition. */
	for (uint64_t ipa = 0; ipa < (1ULL << 39); ipa += 1ULL << 30)
		assert_false(walk(stage2_sp_ns_root(0), ipa).mapped);
	assert_false(walk(optee, SP_BASE).mapped);
	assert_false(walk(optee, SP_BASE + 0x1000).mapped);
	/* Partitions do not see each other. */
	const uint64_t *sp1 = stage2_sp_root(1);
	assert_ram(sp1, SP_REGION_OF(1), true);
	assert_false(walk(sp1, SP_REGION_OF(1) + 0x2000).mapped);
	assert_false(walk(sp1, SP_REGION_OF(0)).mapped);
	assert_false(walk(sp, SP_REGION_OF(1)).mapped);
}

/* FF-A memory sharing: retrieved pages in one partition's Non-secure IPA space, at IPA = PA,
 * read-only unless granted writing, never executable unless granted; gone after unmap. */
static void test_partition_retrieved_memory(void **state)
{
	(void)state;
	stage2_build();
	stage2_build_sp(0, SP_REGION_OF(0), 0x3000);
	stage2_build_sp(1, SP_REGION_OF(1), 0x2000);
	const uint64_t *ns0 = stage2_sp_ns_root(0), *ns1 = stage2_sp_ns_root(1);
	assert_true(stage2_sp_ns_map(0, 0x48000000, 0x2000, false, false));
	assert_true(stage2_sp_ns_map(0, 0x7fe00000, 0x1000, true, false));
	struct leaf l = walk(ns0, 0x48001008);
	assert_true(l.mapped);
	assert_int_equal(l.pa, 0x48001008);
	assert_int_equal((l.desc >> 6) & 3, 1); /* read only */
	assert_int_equal(l.desc & XN_BITS, 1ULL << 54);
	assert_false(walk(ns0, 0x48002000).mapped);
	assert_ram(ns0, 0x7fe00000, false);
	assert_false(walk(ns1, 0x48000000).mapped); /* the other partition's is its own */
	assert_false(walk(stage2_ns_root(), 0x48000000).desc & (1ULL << 63));
	stage2_sp_ns_unmap(0, 0x48000000, 0x2000);
	assert_false(walk(ns0, 0x48000000).mapped);
	assert_true(walk(ns0, 0x7fe00000).mapped);
	stage2_sp_ns_unmap(0, 0x7fe00000, 0x1000);
	/* The pool runs out: false, nothing left behind; then it works again. */
	unsigned ok = 0;
	for (uint64_t gib = 1; gib < 200; gib++) {
		if (!stage2_sp_ns_map(0, gib << 30, 0x1000, true, false))
			break;
		ok++;
	}
	assert_true(ok < 199);
	assert_false(walk(ns0, (uint64_t)(ok + 1) << 30).mapped);
	for (uint64_t gib = 1; gib <= ok; gib++)
		stage2_sp_ns_unmap(0, gib << 30, 0x1000);
	assert_true(stage2_sp_ns_map(0, 0x48000000, 0x1000, true, true));
	assert_ram(ns0, 0x48000000, true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_secure_space),
	    cmocka_unit_test(test_partition_retrieved_memory),
	    cmocka_unit_test(test_dt_window_closes_after_boot),
	    cmocka_unit_test(test_restart_dt_window),
	    cmocka_unit_test(test_non_secure_space),
	    cmocka_unit_test(test_partition_space),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
