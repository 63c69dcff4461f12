/*
 * The one 4 KB-granule translation-table builder of every image: Normal EL2's stage 1 and
 * its VMs' stage 2, the RMM's stage 1, Secure EL2's own stage 1 and its stage 2 for OP-TEE
 * and partitions.
 * Only the table walk lives here: callers pass the leaf attribute bits of their own format
 * (arch/pte.h), bring their table pages (an allocator, or a static pt_pool) and do TLB
 * maintenance themselves. Pure logic: also built and tested on the host.
 */
#ifndef LIB_PGTABLE_H
#define LIB_PGTABLE_H

#include <arch/pte.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where table pages come from, and where the builder reaches them: table addresses are
 * physical; phys_to_virt is NULL where the image maps them 1:1. */
struct pt_allocator {
	uint64_t (*alloc_page)(void *ctx); /* a zeroed 4 KB page, or 0 */
	void (*free_page)(void *ctx, uint64_t pa);
	void *(*phys_to_virt)(void *ctx, uint64_t pa);
	void *ctx;
};

/* Table pages from a fixed array, for images without a page allocator; freed pages are
 * reused. PT_POOL(name, n) defines one with its allocator, name##_alloc. */
struct pt_pool {
	uint8_t (*pages)[4096];
	unsigned npages, used;
	uint64_t free_list; /* a freed page holds the address of the next */
};
uint64_t pt_pool_alloc(void *pool);
void pt_pool_free(void *pool, uint64_t pa);
#define PT_POOL(name, n)                                                                           \
	static uint8_t name##_pages[n][4096] __attribute__((aligned(4096)));                       \
	static struct pt_pool name = {name##_pages, n, 0, 0};                                      \
	static const struct pt_allocator name##_alloc = {pt_pool_alloc, pt_pool_free, NULL, &name}

struct pgtable {
	uint64_t root; /* physical address of the first-level table */
	unsigned start_level;
	unsigned va_bits;
	const struct pt_allocator *alloc;
};

/* Sets up an empty table covering 2^va_bits bytes (25..48). */
int pt_init(struct pgtable *pt, unsigned va_bits, const struct pt_allocator *alloc);
/* Frees every table page. */
void pt_destroy(struct pgtable *pt);
/* Maps [va, va+size) to pa with leaf attributes attr, using the largest blocks that fit.
 * All three must be 4 KB aligned. Fails with -EEXIST if any page is already mapped. */
int pt_map(struct pgtable *pt, uint64_t va, uint64_t pa, uint64_t size, uint64_t attr);
/* Unmaps [va, va+size), splitting blocks that straddle the range. */
int pt_unmap(struct pgtable *pt, uint64_t va, uint64_t size);
/* Translates va; returns 0 and fills pa/attr (either may be NULL) or -ENOENT. */
int pt_lookup(const struct pgtable *pt, uint64_t va, uint64_t *pa, uint64_t *attr);

#endif
