/*
 * Generic 4 KB-granule translation tables, shared by the EL2 stage-1 map and every VM's
 * stage-2 map. Only the table walk lives here: callers pass the leaf attribute bits of their
 * own format, and do TLB maintenance themselves. Pure logic: also built and tested on the host.
 */
#ifndef MM_PGTABLE_H
#define MM_PGTABLE_H

#include <stdbool.h>
#include <stdint.h>

/* Descriptor bits common to both formats. */
#define PTE_VALID     (1UL << 0)
#define PTE_TABLE     (1UL << 1) /* table at levels 0-2, page at level 3 */
#define PTE_AF	      (1UL << 10)
#define PTE_SH_INNER  (3UL << 8)
#define PTE_XN	      (1UL << 54)
#define PTE_ADDR_MASK 0x0000fffffffff000UL
#define PTE_ATTR_MASK (~PTE_ADDR_MASK & ~3UL)

/* Stage-1 (EL2) leaf attributes. MAIR_EL2 indexes are set up by arch/arm64/mmu.c. */
#define S1_ATTR_IDX(n) ((uint64_t)(n) << 2)
#define S1_MAIR_DEVICE 0
#define S1_MAIR_NORMAL 1
#define S1_AP_RO       (1UL << 7)
#define S1_NORMAL_RW   (S1_ATTR_IDX(S1_MAIR_NORMAL) | PTE_SH_INNER | PTE_AF | PTE_XN)
#define S1_NORMAL_RX   (S1_ATTR_IDX(S1_MAIR_NORMAL) | PTE_SH_INNER | PTE_AF | S1_AP_RO)
#define S1_NORMAL_RO   (S1_NORMAL_RW | S1_AP_RO)
#define S1_DEVICE_RW   (S1_ATTR_IDX(S1_MAIR_DEVICE) | PTE_AF | PTE_XN)

/* Stage-2 leaf attributes (MemAttr[5:2], S2AP[7:6]). */
#define S2_MEMATTR_DEVICE (1UL << 2)   /* Device-nGnRE */
#define S2_MEMATTR_NORMAL (0xfUL << 2) /* Normal, inner/outer write-back */
#define S2_AP_R		  (1UL << 6)
#define S2_AP_W		  (1UL << 7)
#define S2_NORMAL_RWX	  (S2_MEMATTR_NORMAL | S2_AP_R | S2_AP_W | PTE_SH_INNER | PTE_AF)
#define S2_DEVICE_RW	  (S2_MEMATTR_DEVICE | S2_AP_R | S2_AP_W | PTE_AF | PTE_XN)

/* Where table pages come from. Addresses are physical; the hypervisor maps memory 1:1. */
struct pt_allocator {
	uint64_t (*alloc_page)(void *ctx); /* a zeroed 4 KB page, or 0 */
	void (*free_page)(void *ctx, uint64_t pa);
	void *ctx;
};

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
