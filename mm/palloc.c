/* Physical page allocator (see palloc.h). */
#include "palloc.h"

#include <string.h>
#include <triad/errno.h>
#include <triad/util.h>

static inline int test_bit(const uint64_t *bm, uint64_t i)
{
	return (bm[i / 64] >> (i % 64)) & 1;
}

static inline void set_bit(uint64_t *bm, uint64_t i)
{
	bm[i / 64] |= 1UL << (i % 64);
}

static inline void clear_bit(uint64_t *bm, uint64_t i)
{
	bm[i / 64] &= ~(1UL << (i % 64));
}

void palloc_init(struct palloc *pa)
{
	memset(pa, 0, sizeof(*pa));
}

static void mark_used(struct palloc_zone *z, uint64_t first, uint64_t n)
{
	for (uint64_t i = first; i < first + n; i++) {
		set_bit(z->dirty, i); /* whoever gets it may write to it */
		if (!test_bit(z->bitmap, i)) {
			set_bit(z->bitmap, i);
			z->nfree--;
		}
	}
}

int palloc_add_zone(struct palloc *pa, uint64_t base, uint64_t size, bool clean)
{
	uint64_t start = ALIGN_UP(base, PAGE_SIZE);
	if (start < base || pa->nzones == PALLOC_MAX_ZONES)
		return -ENOSPC;
	uint64_t end = ALIGN_DOWN(base + size, PAGE_SIZE);
	if (base + size < base || end <= start)
		return -EINVAL;
	for (unsigned i = 0; i < pa->nzones; i++) {
		const struct palloc_zone *o = &pa->zones[i];
		if (ranges_overlap(start, end - start, o->base, o->npages * PAGE_SIZE))
			return -EEXIST;
	}
	uint64_t npages = (end - start) / PAGE_SIZE;
	uint64_t bitmap_bytes = ALIGN_UP((npages + 63) / 64 * 8, PAGE_SIZE);
	if (2 * bitmap_bytes / PAGE_SIZE >= npages)
		return -ENOSPC;
	struct palloc_zone *z = &pa->zones[pa->nzones++];
	z->base = start;
	z->npages = npages;
	/* The bitmaps go at the zone's end: firmware puts what it hands over (DTB, images)
	 * at the start of RAM. */
	uint64_t meta = end - 2 * bitmap_bytes;
	z->bitmap = (uint64_t *)(uintptr_t)meta;
	z->nfree = npages;
	z->hint = 0;
	z->dirty = (uint64_t *)(uintptr_t)(meta + bitmap_bytes);
	memset(z->bitmap, 0, bitmap_bytes);
	memset(z->dirty, clean ? 0 : 0xff, bitmap_bytes);
	mark_used(z, (meta - start) / PAGE_SIZE, 2 * bitmap_bytes / PAGE_SIZE);
	return 0;
}

void palloc_reserve(struct palloc *pa, uint64_t base, uint64_t size)
{
	if (!size)
		return;
	uint64_t end = base + size < base ? UINT64_MAX : base + size;
	for (unsigned i = 0; i < pa->nzones; i++) {
		struct palloc_zone *z = &pa->zones[i];
		uint64_t zend = z->base + z->npages * PAGE_SIZE;
		uint64_t lo = MAX(ALIGN_DOWN(base, PAGE_SIZE), z->base);
		uint64_t hi = MIN(end, zend);
		if (lo >= hi)
			continue;
		uint64_t first = (lo - z->base) / PAGE_SIZE;
		uint64_t last = (ALIGN_UP(hi, PAGE_SIZE) - z->base) / PAGE_SIZE;
		mark_used(z, first, last - first);
	}
}

static bool range_clean(const struct palloc_zone *z, uint64_t first, uint64_t n)
{
	for (uint64_t i = first; i < first + n; i++)
		if (test_bit(z->dirty, i))
			return false;
	return true;
}

static uint64_t zone_alloc(struct palloc_zone *z, uint64_t npages, uint64_t align_pages,
			   bool *was_clean)
{
	if (npages > z->nfree)
		return 0;
	/* Single pages resume from the hint; larger runs scan from the start. */
	uint64_t start = npages == 1 ? z->hint : 0;
	for (int pass = 0; pass < 2; pass++) {
		uint64_t i = start;
		/* Align the physical address, not the index. */
		uint64_t mis = ((z->base / PAGE_SIZE) + i) % align_pages;
		if (mis)
			i += align_pages - mis;
		while (i + npages <= z->npages) {
			uint64_t run = 0;
			while (run < npages && !test_bit(z->bitmap, i + run))
				run++;
			if (run == npages) {
				if (was_clean)
					*was_clean = range_clean(z, i, npages);
				mark_used(z, i, npages);
				if (npages == 1)
					z->hint = i + 1;
				return z->base + i * PAGE_SIZE;
			}
			/* Skip past the page in use, then re-align. */
			i += run + 1;
			mis = ((z->base / PAGE_SIZE) + i) % align_pages;
			if (mis)
				i += align_pages - mis;
		}
		if (start == 0)
			break;
		start = 0;
	}
	return 0;
}

uint64_t palloc_alloc(struct palloc *pa, uint64_t npages, uint64_t align, bool *was_clean)
{
	if (!npages || align < PAGE_SIZE || (align & (align - 1)))
		return 0;
	for (unsigned i = 0; i < pa->nzones; i++) {
		uint64_t addr = zone_alloc(&pa->zones[i], npages, align / PAGE_SIZE, was_clean);
		if (addr)
			return addr;
	}
	return 0;
}

uint64_t palloc_alloc_top(struct palloc *pa, uint64_t npages)
{
	if (!npages)
		return 0;
	for (unsigned zi = pa->nzones; zi-- > 0;) {
		struct palloc_zone *z = &pa->zones[zi];
		if (npages > z->nfree || npages > z->npages)
			continue;
		/* From the top down: i is one past the candidate run's last page. */
		uint64_t i = z->npages;
		while (i >= npages) {
			uint64_t run = 0;
			while (run < npages && !test_bit(z->bitmap, i - 1 - run))
				run++;
			if (run == npages) {
				mark_used(z, i - npages, npages);
				return z->base + (i - npages) * PAGE_SIZE;
			}
			i -= run + 1; /* past the page in use */
		}
	}
	return 0;
}

int palloc_free(struct palloc *pa, uint64_t addr, uint64_t npages)
{
	if (!IS_ALIGNED(addr, PAGE_SIZE) || !npages)
		return -EINVAL;
	for (unsigned i = 0; i < pa->nzones; i++) {
		struct palloc_zone *z = &pa->zones[i];
		if (!range_within(addr, npages * PAGE_SIZE, z->base, z->npages * PAGE_SIZE))
			continue;
		uint64_t first = (addr - z->base) / PAGE_SIZE;
		for (uint64_t p = first; p < first + npages; p++)
			if (!test_bit(z->bitmap, p))
				return -EINVAL; /* double free or never allocated */
		for (uint64_t p = first; p < first + npages; p++)
			clear_bit(z->bitmap, p);
		z->nfree += npages;
		if (first < z->hint)
			z->hint = first;
		return 0;
	}
	return -EINVAL;
}

int palloc_free_zeroed(struct palloc *pa, uint64_t addr, uint64_t npages)
{
	uint64_t hint[PALLOC_MAX_ZONES] = {
	    0}; /* zeroed for the analyzer: it cannot tie the two loops */
	for (unsigned i = 0; i < pa->nzones; i++)
		hint[i] = pa->zones[i].hint;
	int r = palloc_free(pa, addr, npages);
	if (r)
		return r;
	for (unsigned i = 0; i < pa->nzones; i++) {
		struct palloc_zone *z = &pa->zones[i];
		if (!range_within(addr, npages * PAGE_SIZE, z->base, z->npages * PAGE_SIZE))
			continue;
		/* Single pages are not taken from it first: it stays whole for the next VM. */
		z->hint = hint[i];
		uint64_t first = (addr - z->base) / PAGE_SIZE;
		for (uint64_t p = first; p < first + npages; p++)
			clear_bit(z->dirty, p);
	}
	return 0;
}

uint64_t palloc_free_pages(const struct palloc *pa)
{
	uint64_t n = 0;
	for (unsigned i = 0; i < pa->nzones; i++)
		n += pa->zones[i].nfree;
	return n;
}
