/*
 * Physical page allocator: one bitmap per RAM zone, first-fit with alignment.
 * Pure logic (no locking; core/mem.c wraps it with a lock). Host-tested.
 */
#ifndef MM_PALLOC_H
#define MM_PALLOC_H

#include <stdbool.h>
#include <stdint.h>

#define PALLOC_MAX_ZONES 8

struct palloc_zone {
	uint64_t base; /* physical address of page 0 */
	uint64_t npages;
	uint64_t *bitmap; /* bit set = page in use; stored in the zone's first pages */
	uint64_t *dirty;  /* bit set = page may hold old data (after the in-use bitmap) */
	uint64_t nfree;
	uint64_t hint; /* where the next single-page search starts */
};

struct palloc {
	struct palloc_zone zones[PALLOC_MAX_ZONES];
	unsigned nzones;
};

void palloc_init(struct palloc *pa);
/* Hands [base, base+size) to the allocator; its bitmaps are carved from the end. `clean`
 * says the platform guarantees the RAM reads as zero at boot (QEMU does; real boards do not). */
int palloc_add_zone(struct palloc *pa, uint64_t base, uint64_t size, bool clean);
/* Marks pages overlapping [base, base+size) as in use (firmware, images, blobs). */
void palloc_reserve(struct palloc *pa, uint64_t base, uint64_t size);
/* npages contiguous pages aligned to align bytes (a power of two >= 4 KB), or 0. If
 * was_clean is given, it tells whether all of them still hold zeros from boot. */
uint64_t palloc_alloc(struct palloc *pa, uint64_t npages, uint64_t align, bool *was_clean);
/* npages contiguous pages, the highest free run of them: for buffers that should leave
 * the low memory, which earlier owners have used, to the VMs created next. Or 0. */
uint64_t palloc_alloc_top(struct palloc *pa, uint64_t npages);
/* Returns pages; -EINVAL if any of them is not an allocated page of a zone. */
int palloc_free(struct palloc *pa, uint64_t addr, uint64_t npages);
/* The same for pages the caller has just zeroed: their next owner is told they are clean
 * (a VM's scrubbed RAM, which a VM created next need not zero again), and single-page
 * allocations do not start from them (they stay whole for that VM). */
int palloc_free_zeroed(struct palloc *pa, uint64_t addr, uint64_t npages);
uint64_t palloc_free_pages(const struct palloc *pa);

#endif
