/* Locked wrapper around the pure page allocator (see include/triad/mem.h). */
#include <string.h>
#include <triad/log.h>
#include <triad/mem.h>
#include <triad/spinlock.h>
#include <triad/util.h>

static struct palloc *allocator;
static spinlock_t lock = SPINLOCK_INIT;

void mem_init(struct palloc *pa)
{
	allocator = pa;
}

uint64_t page_alloc(uint64_t npages, uint64_t align)
{
	return page_alloc_clean(npages, align, NULL);
}

uint64_t page_alloc_clean(uint64_t npages, uint64_t align, bool *was_clean)
{
	spin_lock(&lock);
	uint64_t pa = palloc_alloc(allocator, npages, align, was_clean);
	spin_unlock(&lock);
	return pa;
}

uint64_t page_alloc_top(uint64_t npages)
{
	spin_lock(&lock);
	uint64_t pa = palloc_alloc_top(allocator, npages);
	spin_unlock(&lock);
	return pa;
}

uint64_t page_alloc_zeroed(uint64_t npages, uint64_t align)
{
	uint64_t pa = page_alloc(npages, align);
	if (pa)
		memset((void *)pa, 0, npages * PAGE_SIZE);
	return pa;
}

void page_free(uint64_t pa, uint64_t npages)
{
	spin_lock(&lock);
	int r = palloc_free(allocator, pa, npages);
	spin_unlock(&lock);
	if (r)
		pr_err("page_free: 0x%lx (+%lu pages) was not allocated", pa, npages);
}

void page_free_zeroed(uint64_t pa, uint64_t npages)
{
	spin_lock(&lock);
	int r = palloc_free_zeroed(allocator, pa, npages);
	spin_unlock(&lock);
	if (r)
		pr_err("page_free: 0x%lx (+%lu pages) was not allocated", pa, npages);
}

uint64_t mem_free_bytes(void)
{
	spin_lock(&lock);
	uint64_t n = palloc_free_pages(allocator);
	spin_unlock(&lock);
	return n * PAGE_SIZE;
}

static uint64_t pt_page_alloc(void *ctx)
{
	(void)ctx;
	return page_alloc_zeroed(1, PAGE_SIZE);
}

static void pt_page_free(void *ctx, uint64_t pa)
{
	(void)ctx;
	page_free(pa, 1);
}

const struct pt_allocator mem_pt_allocator = {pt_page_alloc, pt_page_free, NULL, NULL};
