/*
 * A snapshot's memory section: the VM's RAM without its all-zero pages (never touched, or
 * zeroed since), which a restore gets from RAM it zeroes first. Pure logic, host-tested.
 *
 *   u64 ram_size, u64 npages, npages u32 page numbers (strictly increasing, within the RAM),
 *   zero padding to 8 bytes, then npages pages of 4 KiB in that order.
 */
#ifndef TRIAD_SNAPSHOT_MEM_H
#define TRIAD_SNAPSHOT_MEM_H

#include <stddef.h>
#include <stdint.h>

#define SNAP_PAGE_SIZE 4096u

/* The section's size for this RAM, and its page count; if nonzero is not NULL, a bit per
 * page (snap_mem_bitmap_words() of them) says which pages are not all zeros. */
uint64_t snap_mem_size(const uint8_t *ram, uint64_t ram_size, uint64_t *npages, uint64_t *nonzero);
static inline uint64_t snap_mem_bitmap_words(uint64_t ram_size)
{
	return (ram_size / SNAP_PAGE_SIZE + 63) / 64;
}
/* Writes the section for RAM that has not changed since snap_mem_size() counted npages
 * (the pages its bitmap names, or scanned again if NULL); returns its size, or 0 if it no
 * longer fits (the RAM did change). */
uint64_t snap_mem_write(const uint8_t *ram, uint64_t ram_size, uint64_t npages,
			const uint64_t *nonzero, uint8_t *out, uint64_t max);
/* Checks a section from a file against the RAM it is for: 0, or -EINVAL and why. */
int snap_mem_check(const uint8_t *sec, uint64_t len, uint64_t ram_size, char *err, size_t errlen);
/* Copies a checked section's pages into RAM that is all zeros. */
void snap_mem_load(const uint8_t *sec, uint8_t *ram);

#endif
