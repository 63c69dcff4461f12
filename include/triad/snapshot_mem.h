/*
 * A snapshot's memory section: the VM's RAM without its all-zero pages (never touched, or
 * zeroed since), and of each other page only its 64-byte blocks that are not all zeros
 * (a page a guest touched once and freed is one block). A restore gets the rest from RAM
 * it zeroes first. Pure logic, host-tested.
 *
 *   u64 ram_size, u64 n, then n page records in increasing page number, each:
 *   u32 page number (within the RAM), u32 0, u64 blocks (bit b: the page's 64-byte block b
 *   follows; never 0), then those blocks in increasing b.
 */
#ifndef TRIAD_SNAPSHOT_MEM_H
#define TRIAD_SNAPSHOT_MEM_H

#include <stddef.h>
#include <stdint.h>

#define SNAP_PAGE_SIZE	4096u
#define SNAP_BLOCK_SIZE 64u
#define SNAP_MEM_HEAD	16u /* ram_size, n */
#define SNAP_MEM_RECORD 16u /* a page record's page number, 0 and block map */

/* The largest section this RAM can need (every block of every page). */
static inline uint64_t snap_mem_bound(uint64_t ram_size)
{
	return SNAP_MEM_HEAD + ram_size / SNAP_PAGE_SIZE * (SNAP_MEM_RECORD + SNAP_PAGE_SIZE);
}
/* The section's exact size for this RAM as it is now (a pass that only reads it). */
uint64_t snap_mem_size(const uint8_t *ram, uint64_t ram_size);
/* Writes the section in one pass over the RAM (8-byte aligned out, page-aligned ram):
 * returns its size, or 0 if it needs more than max bytes. */
uint64_t snap_mem_encode(const uint8_t *ram, uint64_t ram_size, uint8_t *out, uint64_t max);
/* Checks a section from a file against the RAM it is for: 0, or -EINVAL and why. */
int snap_mem_check(const uint8_t *sec, uint64_t len, uint64_t ram_size, char *err, size_t errlen);
/* Copies a checked section's blocks into RAM that is all zeros. */
void snap_mem_load(const uint8_t *sec, uint8_t *ram);

#endif
