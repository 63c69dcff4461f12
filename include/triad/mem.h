/* The hypervisor's physical memory: one locked page allocator over all RAM. */
#ifndef TRIAD_MEM_H
#define TRIAD_MEM_H

#include <stdbool.h>
#include <stdint.h>

#include "../../mm/palloc.h"
#include <lib/pgtable.h>

void mem_init(struct palloc *pa);
uint64_t page_alloc(uint64_t npages, uint64_t align);
uint64_t page_alloc_zeroed(uint64_t npages, uint64_t align);
/* The highest free run of npages: a staging buffer that leaves the memory a destroyed VM
 * freed (scrubbed, and resident in the host under QEMU) to the VM created next. */
uint64_t page_alloc_top(uint64_t npages);
/* Also says whether the pages still hold the zeros the platform booted with. */
uint64_t page_alloc_clean(uint64_t npages, uint64_t align, bool *was_clean);
void page_free(uint64_t pa, uint64_t npages);
/* Frees pages the caller has just zeroed: the next page_alloc_clean() of them is clean. */
void page_free_zeroed(uint64_t pa, uint64_t npages);
uint64_t mem_free_bytes(void);
/* Table pages for pgtable.c, from this allocator. */
extern const struct pt_allocator mem_pt_allocator;

#endif
