// sources: security/rmm/granule.c security/rmm/manifest.c
/* Host tests for the RMM's granule states: delegation and undelegation follow RMM 1.0's
 * rules, ask EL3 at the right moment, zero the granule both ways, and leave the state as
 * it was whenever they fail; the whole DRAM EL3's boot manifest gives is tracked, and a
 * manifest that is not one is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../security/rmm/rmm.h"

/* A fake EL3: which granules are in the Realm PAS, and what it is asked. */
static uint8_t realm_pas[4096];	  /* for the first 4096 granules of the tracked range */
#define TRACKED_SIZE (8ULL << 30) /* a machine with 8 GiB of DRAM */
static granule_t table[TRACKED_SIZE / GRANULE_SIZE];
static unsigned zeroed, el3_calls;
static uint64_t last_zeroed;
static int64_t refuse;		/* if nonzero, EL3's answer to the next call */
static bool el3_accepts_beyond; /* granules past realm_pas[]: moved without a record */

void granule_zero(uint64_t pa)
{
	zeroed++;
	last_zeroed = pa;
}

int64_t granule_el3_call(uint32_t fid, uint64_t pa)
{
	el3_calls++;
	if (refuse) {
		int64_t r = refuse;
		refuse = 0;
		return r;
	}
	uint64_t g = (pa - TRACKED_BASE) / GRANULE_SIZE;
	bool to_realm = fid == RMM_GTSI_DELEGATE;
	if (g >= sizeof(realm_pas))
		return el3_accepts_beyond ? E_RMM_OK : E_RMM_BAD_PAS;
	if (realm_pas[g] == to_realm)
		return E_RMM_BAD_PAS;
	realm_pas[g] = to_realm;
	return E_RMM_OK;
}

#define PA(n) (TRACKED_BASE + (uint64_t)(n)*GRANULE_SIZE)

static int reset(void **state)
{
	(void)state;
	zeroed = el3_calls = 0;
	refuse = 0;
	return 0;
}

static void delegate_then_undelegate(void **state)
{
	(void)state;
	assert_int_equal(granule_delegate(PA(5)), RMI_SUCCESS);
	assert_true(realm_pas[5]);
	assert_int_equal(zeroed, 1); /* contents zero before a realm may see them */
	assert_int_equal(last_zeroed, PA(5));
	assert_int_equal(granule_delegate(PA(5)), RMI_ERROR_INPUT); /* already delegated */
	assert_int_equal(el3_calls, 1);				    /* and EL3 not asked */
	assert_int_equal(granule_undelegate(PA(5)), RMI_SUCCESS);
	assert_false(realm_pas[5]);
	assert_int_equal(zeroed, 2); /* scrubbed before the host has it back */
	assert_int_equal(granule_undelegate(PA(5)), RMI_ERROR_INPUT);
	assert_int_equal(el3_calls, 2);
}

static void bad_addresses_change_nothing(void **state)
{
	(void)state;
	const uint64_t bad[] = {PA(7) + 8,
				PA(7) + 0xfff,
				TRACKED_BASE - GRANULE_SIZE,
				TRACKED_BASE + TRACKED_SIZE,
				0,
				UINT64_MAX & ~0xfffULL};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(granule_delegate(bad[i]), RMI_ERROR_INPUT);
		assert_int_equal(granule_undelegate(bad[i]), RMI_ERROR_INPUT);
	}
	assert_int_equal(el3_calls, 0);
	assert_int_equal(zeroed, 0);
	/* The last granule of the range passes the RMM's own checks: EL3 is asked (and this
	 * fake EL3, which knows only the first granules, refuses it). */
	assert_int_equal(granule_delegate(TRACKED_BASE + TRACKED_SIZE - GRANULE_SIZE),
			 RMI_ERROR_INPUT);
	assert_int_equal(el3_calls, 1);
}

/* Beyond the first GiB of DRAM, granules are tracked like any other (they were out of
 * range when the RMM tracked that GiB only). */
static void granules_past_the_first_gib(void **state)
{
	(void)state;
	uint64_t pa = TRACKED_BASE + (5ULL << 30) + 7 * GRANULE_SIZE;
	assert_true(granule_is_host(pa));
	el3_accepts_beyond = true;
	assert_int_equal(granule_delegate(pa), RMI_SUCCESS);
	assert_false(granule_is_host(pa));
	assert_int_equal(granule_delegate(pa), RMI_ERROR_INPUT); /* delegated: no EL3 call */
	assert_int_equal(el3_calls, 1);
	assert_int_equal(granule_undelegate(pa), RMI_SUCCESS);
	assert_true(granule_is_host(pa));
	el3_accepts_beyond = false;
}

/* A manifest in a shared page: version 0.3, one bank at DRAM's base. */
static uint64_t page[GRANULE_SIZE / 8] __attribute__((aligned(4096)));

static struct rmm_manifest *manifest(uint64_t banks, uint64_t size)
{
	struct rmm_manifest *m = (struct rmm_manifest *)page;
	struct rmm_dram_bank *b = (struct rmm_dram_bank *)(m + 1);
	memset(page, 0, sizeof(page));
	m->version = RMM_MANIFEST_VERSION;
	m->dram_banks = banks;
	m->dram_bank_array = (uint64_t)b;
	uint64_t sum = banks + (uint64_t)b;
	for (uint64_t i = 0; i < banks; i++) {
		b[i].base = TRACKED_BASE + i * (size + (1ULL << 30));
		b[i].size = size;
		sum += b[i].base + b[i].size;
	}
	m->dram_checksum = -sum;
	return m;
}

static void manifest_gives_the_dram(void **state)
{
	(void)state;
	uint64_t size = 0;
	manifest(1, 8ULL << 30);
	assert_int_equal(manifest_dram((uint64_t)page, &size), E_RMM_OK);
	assert_int_equal(size, 8ULL << 30);
	manifest(2, 1ULL << 30); /* two banks: the first is tracked */
	assert_int_equal(manifest_dram((uint64_t)page, &size), E_RMM_OK);
	assert_int_equal(size, 1ULL << 30);
}

static void manifest_mistakes_are_refused(void **state)
{
	(void)state;
	uint64_t size = 12345;
	struct rmm_manifest *m = manifest(1, 1ULL << 30);
	m->version = 0x2;
	assert_int_equal(manifest_dram((uint64_t)page, &size), RMM_BOOT_MANIFEST_VERSION);
	m = manifest(1, 1ULL << 30);
	m->dram_checksum++;
	assert_int_equal(manifest_dram((uint64_t)page, &size), RMM_BOOT_MANIFEST_DATA);
	manifest(0, 1ULL << 30);
	assert_int_equal(manifest_dram((uint64_t)page, &size), RMM_BOOT_MANIFEST_DATA);
	/* the banks outside the page, or over the manifest itself */
	m = manifest(1, 1ULL << 30);
	m->dram_bank_array = (uint64_t)page + GRANULE_SIZE;
	m->dram_checksum -= GRANULE_SIZE - sizeof(*m);
	assert_int_equal(manifest_dram((uint64_t)page, &size), RMM_BOOT_MANIFEST_DATA);
	m = manifest(1, 1ULL << 30);
	m->dram_bank_array = (uint64_t)page;
	assert_int_equal(manifest_dram((uint64_t)page, &size), RMM_BOOT_MANIFEST_DATA);
	m = manifest(1, 1ULL << 30); /* more banks than the page holds */
	m->dram_banks = 300;
	m->dram_checksum -= 299;
	assert_int_equal(manifest_dram((uint64_t)page, &size), RMM_BOOT_MANIFEST_DATA);
	/* the first bank elsewhere, empty, not whole granules, or into the NS alias */
	const uint64_t bases[] = {TRACKED_BASE + GRANULE_SIZE, TRACKED_BASE, TRACKED_BASE,
				  TRACKED_BASE};
	const uint64_t sizes[] = {1ULL << 30, 0, (1ULL << 30) + 8, NS_ALIAS};
	for (unsigned i = 0; i < 4; i++) {
		m = manifest(1, 0);
		struct rmm_dram_bank *b = (struct rmm_dram_bank *)(m + 1);
		b->base = bases[i];
		b->size = sizes[i];
		m->dram_checksum = -(1 + (uint64_t)b + b->base + b->size);
		assert_int_equal(manifest_dram((uint64_t)page, &size), RMM_BOOT_MANIFEST_DATA);
	}
	assert_int_equal(size, 12345); /* never written on a refusal */
}

static void el3_refusal_keeps_the_state(void **state)
{
	(void)state;
	refuse = E_RMM_BAD_PAS; /* e.g. a Secure granule, or the RMM's own memory */
	assert_int_equal(granule_delegate(PA(9)), RMI_ERROR_INPUT);
	assert_int_equal(zeroed, 0);
	assert_int_equal(granule_delegate(PA(9)), RMI_SUCCESS); /* still UNDELEGATED: works */
	refuse = E_RMM_BAD_ADDR;
	assert_int_equal(granule_undelegate(PA(9)), RMI_ERROR_INPUT);
	assert_int_equal(granule_undelegate(PA(9)), RMI_SUCCESS); /* still DELEGATED */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(delegate_then_undelegate, reset),
	    cmocka_unit_test_setup(bad_addresses_change_nothing, reset),
	    cmocka_unit_test_setup(el3_refusal_keeps_the_state, reset),
	    cmocka_unit_test_setup(granules_past_the_first_gib, reset),
	    cmocka_unit_test(manifest_gives_the_dram),
	    cmocka_unit_test(manifest_mistakes_are_refused),
	};
	granules_init(table, TRACKED_SIZE);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
