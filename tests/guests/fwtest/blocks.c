/*
 * Block mappings of a realm's memory: a level-3 table whose 512 entries are alike folds
 * into one level-2 entry (RTT_FOLD), UNASSIGNED with their RIPAS or an ASSIGNED block over
 * 2 MiB of contiguous memory; RTT_CREATE splits a block back into its pages, and memory in
 * a block is destroyed only page by page, after a split.
 */
#include "fwtest.h"

#define RMI_RTT_FOLD 0xc4000166
#define BLOCK_PA     0x42000000ULL /* 2 MiB of the host's RAM that fwtest does not use */
#define BLOCK_IPA    0x200000ULL

static uint8_t bg[6][4096] __attribute__((aligned(8192))); /* rd, -, rtt x2, l2, l3 */

static uint64_t call(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t out[5])
{
	return rmi_call(fid, a1, a2, a3, 0, 0, out);
}

void blocks(void)
{
	uint64_t rd = (uint64_t)bg[0], rtt = (uint64_t)bg[2], l2 = (uint64_t)bg[4];
	uint64_t l3 = (uint64_t)bg[5], o[5];
	bool ok = true;
	for (unsigned i = 0; i < 6; i++)
		ok = ok && (i == 1 || rmi(RMI_GRANULE_DELEGATE, (uint64_t)bg[i]) == RMI_SUCCESS);
	for (uint64_t i = 0; i < 512; i++)
		ok = ok && rmi(RMI_GRANULE_DELEGATE, BLOCK_PA + i * 4096) == RMI_SUCCESS;
	ok = ok && create_realm(rd, rtt, 22) == RMI_SUCCESS;
	uint64_t c2[6] = {RMI_RTT_CREATE, rd, l2, 0, 2, 0};
	smc6(c2);
	ok = ok && c2[0] == RMI_SUCCESS;
	uint64_t c[6] = {RMI_RTT_CREATE, rd, l3, BLOCK_IPA, 3, 0};
	smc6(c);
	uint64_t r[6] = {RMI_RTT_INIT_RIPAS, rd, BLOCK_IPA, 2 * BLOCK_IPA, 0, 0};
	smc6(r);
	check(ok && c[0] == RMI_SUCCESS && r[0] == RMI_SUCCESS && r[1] == 2 * BLOCK_IPA,
	      "a realm with 2 MiB of RAM in a level-3 table", r[1]);
	check(call(RMI_RTT_FOLD, rd, BLOCK_IPA + 0x1000, 3, 0) == RMI_ERROR_INPUT,
	      "RTT_FOLD at an IPA inside the block", 0);
	check(call(RMI_RTT_FOLD, rd, BLOCK_IPA, 3, o) == RMI_SUCCESS && o[1] == l3,
	      "RTT_FOLD of 512 UNASSIGNED RAM entries", o[0]);
	check(call(RMI_RTT_READ_ENTRY, rd, BLOCK_IPA, 3, o) == RMI_SUCCESS && o[1] == 2 &&
		  o[2] == 0 && o[4] == 1,
	      "READ_ENTRY: UNASSIGNED RAM at level 2 now", o[1]);
	check(call(RMI_RTT_FOLD, rd, BLOCK_IPA, 3, 0) == (RMI_ERROR_RTT | (2 << 8)),
	      "RTT_FOLD with no table there", 0);
	uint64_t c3[6] = {RMI_RTT_CREATE, rd, l3, BLOCK_IPA, 3, 0};
	smc6(c3);
	check(c3[0] == RMI_SUCCESS, "RTT_CREATE under an UNASSIGNED block", c3[0]);
	ok = true;
	for (uint64_t i = 0; i < 511; i++) {
		uint64_t d[6] = {RMI_DATA_CREATE_UNKNOWN, rd, BLOCK_PA + i * 4096,
				 BLOCK_IPA + i * 4096,	  0,  0};
		smc6(d);
		ok = ok && d[0] == RMI_SUCCESS;
	}
	check(ok, "DATA_CREATE_UNKNOWN of 511 pages", 0);
	check(call(RMI_RTT_FOLD, rd, BLOCK_IPA, 3, 0) == (RMI_ERROR_RTT | (3 << 8)),
	      "RTT_FOLD of a table not all alike", 0);
	uint64_t d[6] = {RMI_DATA_CREATE_UNKNOWN, rd, BLOCK_PA + 511 * 4096,
			 BLOCK_IPA + 511 * 4096,  0,  0};
	smc6(d);
	check(call(RMI_RTT_FOLD, rd, BLOCK_IPA, 3, o) == RMI_SUCCESS && o[1] == l3,
	      "RTT_FOLD of 512 contiguous ASSIGNED RAM pages: a block", o[0]);
	check(call(RMI_RTT_READ_ENTRY, rd, BLOCK_IPA, 2, o) == RMI_SUCCESS && o[1] == 2 &&
		  o[2] == 1 && o[3] == BLOCK_PA && o[4] == 1,
	      "READ_ENTRY: an ASSIGNED RAM block of the 2 MiB", o[3]);
	check(call(RMI_DATA_DESTROY, rd, BLOCK_IPA, 0, 0) == (RMI_ERROR_RTT | (2 << 8)),
	      "DATA_DESTROY inside a block", 0);
	uint64_t c4[6] = {RMI_RTT_CREATE, rd, l3, BLOCK_IPA, 3, 0};
	smc6(c4);
	check(c4[0] == RMI_SUCCESS && call(RMI_RTT_READ_ENTRY, rd, BLOCK_IPA + 0x5000, 3, o) == 0 &&
		  o[1] == 3 && o[2] == 1 && o[3] == BLOCK_PA + 0x5000 && o[4] == 1,
	      "RTT_CREATE splits the block into its pages", o[3]);
	ok = true;
	for (uint64_t i = 0; i < 512; i++)
		ok = ok && call(RMI_DATA_DESTROY, rd, BLOCK_IPA + i * 4096, 0, o) == RMI_SUCCESS &&
		     o[1] == BLOCK_PA + i * 4096;
	ok = ok && call(RMI_RTT_DESTROY, rd, BLOCK_IPA, 3, 0) == RMI_SUCCESS &&
	     call(RMI_RTT_DESTROY, rd, 0, 2, 0) == RMI_SUCCESS &&
	     rmi(RMI_REALM_DESTROY, rd) == RMI_SUCCESS;
	for (unsigned i = 0; i < 6; i++)
		ok = ok && (i == 1 || rmi(RMI_GRANULE_UNDELEGATE, (uint64_t)bg[i]) == RMI_SUCCESS);
	for (uint64_t i = 0; i < 512; i++)
		ok = ok && rmi(RMI_GRANULE_UNDELEGATE, BLOCK_PA + i * 4096) == RMI_SUCCESS;
	check(ok, "the block realm taken apart page by page, its granules back", 0);
}
