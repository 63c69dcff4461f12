/*
 * EL3's boot manifest (TF-A's v0.3 layout, include/triad/rmm_abi.h): the one fact the RMM
 * takes from it, how much DRAM there is to track. Read with the MMU off (Device memory),
 * a word at a time, and checked as untrusted input: the RMM refuses to boot on a bad one.
 */
#include "rmm.h"

int64_t manifest_dram(uint64_t shared, uint64_t *size)
{
	const volatile struct rmm_manifest *m = (const volatile struct rmm_manifest *)shared;
	if (m->version != RMM_MANIFEST_VERSION)
		return RMM_BOOT_MANIFEST_VERSION;
	uint64_t n = m->dram_banks, arr = m->dram_bank_array, sum = n + arr + m->dram_checksum;
	/* The banks lie in the shared page, after the manifest. */
	if (!n || arr < shared + sizeof(*m) || arr % 8 || arr >= shared + GRANULE_SIZE ||
	    n > (shared + GRANULE_SIZE - arr) / sizeof(struct rmm_dram_bank))
		return RMM_BOOT_MANIFEST_DATA;
	const volatile struct rmm_dram_bank *bank = (const volatile struct rmm_dram_bank *)arr;
	for (uint64_t i = 0; i < n; i++)
		sum += bank[i].base + bank[i].size;
	/* The first bank is the one tracked: it must start where granules are counted from,
	 * and end before the Non-secure alias. */
	uint64_t s = bank[0].size;
	if (sum || bank[0].base != TRACKED_BASE || !s || s % GRANULE_SIZE ||
	    s > NS_ALIAS - TRACKED_BASE)
		return RMM_BOOT_MANIFEST_DATA;
	*size = s;
	return E_RMM_OK;
}
