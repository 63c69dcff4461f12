/* Table pages from a fixed array (see struct pt_pool in lib/pgtable.h). */
#include <lib/pgtable.h>
#include <string.h>

uint64_t pt_pool_alloc(void *ctx)
{
	struct pt_pool *pool = ctx;
	uint8_t *page = (uint8_t *)(uintptr_t)pool->free_list;
	if (page)
		pool->free_list = *(uint64_t *)page;
	else if (pool->used < pool->npages)
		page = pool->pages[pool->used++];
	else
		return 0;
	memset(page, 0, 4096);
	return (uint64_t)(uintptr_t)page;
}

void pt_pool_free(void *ctx, uint64_t pa)
{
	struct pt_pool *pool = ctx;
	*(uint64_t *)(uintptr_t)pa = pool->free_list;
	pool->free_list = pa;
}
