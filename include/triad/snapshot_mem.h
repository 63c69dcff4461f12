/*
 * A snapshot's memory section: the VM's RAM without its all-zero pages (never touched, or
 * zeroed since), and of each other page only its 64-byte blocks that are not all zeros
 * (a page a guest touched once and freed is one block). A restore gets the rest from RAM
 * it zeroes first. Pure logic, host-tested.
 *
 *   u64 ram_size, then page records to the section's end, in increasing page number:
 *   u32 page number (within the RAM), u32 0, u64 blocks (bit b: the page's 64-byte block b
 *   follows; never 0), then those blocks in increasing b.
 *
 * A save measures the section first (its length and checksum, reading the RAM only) and
 * produces the records as the file is read, page by page: no copy of the RAM is made.
 */
#ifndef TRIAD_SNAPSHOT_MEM_H
#define TRIAD_SNAPSHOT_MEM_H

#include <stddef.h>
#include <stdint.h>

#define SNAP_PAGE_SIZE	    4096u
#define SNAP_BLOCK_SIZE	    64u
#define SNAP_MEM_HEAD	    8u	/* ram_size */
#define SNAP_MEM_RECORD	    16u /* a page record's page number, 0 and block map */
#define SNAP_MEM_RECORD_MAX (SNAP_MEM_RECORD + SNAP_PAGE_SIZE)

struct snap_sum;

/* The section's length for this RAM as it is now; if sum is not NULL, the section's bytes
 * (head and records) are added to it; if maps is not NULL, each page's block map (0: no
 * record) is stored there, a u64 per page. Reads the RAM only. */
uint64_t snap_mem_measure(const uint8_t *ram, uint64_t ram_size, struct snap_sum *sum,
			  uint64_t *maps);
/* The section's head. */
void snap_mem_head(uint64_t ram_size, uint8_t out[SNAP_MEM_HEAD]);
/* The record of one page (page-aligned) into out (SNAP_MEM_RECORD_MAX bytes of room, 8-byte
 * aligned): its length, 0 for a page of zeros (no record). */
uint64_t snap_mem_page(const uint8_t *page, uint32_t pfn, uint8_t *out);
/* The same, with the page's block map from snap_mem_measure: the blocks are copied
 * without being tested again. */
uint64_t snap_mem_page_mapped(const uint8_t *page, uint32_t pfn, uint64_t map, uint8_t *out);
/* The whole section into out: its length, or 0 if it needs more than max bytes. */
uint64_t snap_mem_encode(const uint8_t *ram, uint64_t ram_size, uint8_t *out, uint64_t max);
/* Checks a section from a file against the RAM it is for: 0, or -EINVAL and why. */
int snap_mem_check(const uint8_t *sec, uint64_t len, uint64_t ram_size, char *err, size_t errlen);
/* Copies a checked section's blocks into RAM that is all zeros. */
void snap_mem_load(const uint8_t *sec, uint64_t len, uint8_t *ram);

#endif
