/* The shared 4 KB-granule translation-table builder (see lib/pgtable.h). */
#include <lib/pgtable.h>
#include <triad/errno.h>
#include <triad/util.h>

#define ENTRIES 512

static inline uint64_t *table_at(const struct pgtable *pt, uint64_t pa)
{
	const struct pt_allocator *a = pt->alloc;
	return a->phys_to_virt ? a->phys_to_virt(a->ctx, pa) : (uint64_t *)(uintptr_t)pa;
}

static unsigned index_at(const struct pgtable *pt, unsigned level, uint64_t va)
{
	unsigned shift = pte_level_shift(level);
	unsigned bits = (level == pt->start_level) ? pt->va_bits - shift : 9;
	return (unsigned)((va >> shift) & ((1UL << bits) - 1));
}

int pt_init(struct pgtable *pt, unsigned va_bits, const struct pt_allocator *alloc)
{
	if (va_bits < 25 || va_bits > 48)
		return -EINVAL;
	pt->va_bits = va_bits;
	pt->alloc = alloc;
	/* The first level is the one whose range holds all va_bits with at most 512 entries,
	 * so no concatenated tables are ever needed. */
	pt->start_level = va_bits > 39 ? 0 : va_bits > 30 ? 1 : 2;
	pt->root = alloc->alloc_page(alloc->ctx);
	return pt->root ? 0 : -ENOMEM;
}

static void free_table(const struct pgtable *pt, uint64_t pa, unsigned level)
{
	uint64_t *t = table_at(pt, pa);
	for (unsigned i = 0; i < ENTRIES && level < 3; i++)
		if (pte_is_table(t[i], level))
			free_table(pt, t[i] & PTE_ADDR_MASK, level + 1);
	pt->alloc->free_page(pt->alloc->ctx, pa);
}

void pt_destroy(struct pgtable *pt)
{
	if (pt->root)
		free_table(pt, pt->root, pt->start_level);
	pt->root = 0;
}

/* Returns the next-level table for entry *pte, creating (or splitting a block into) one. */
static uint64_t *next_table(const struct pgtable *pt, uint64_t *pte, unsigned level, bool split)
{
	uint64_t old = *pte;
	if (pte_is_table(old, level))
		return table_at(pt, old & PTE_ADDR_MASK);
	if ((old & PTE_VALID) && !split)
		return NULL;
	uint64_t pa = pt->alloc->alloc_page(pt->alloc->ctx);
	if (!pa)
		return NULL;
	uint64_t *t = table_at(pt, pa);
	if (old & PTE_VALID) {
		/* Split a block into the same mapping made of smaller leaves. */
		uint64_t step = 1UL << pte_level_shift(level + 1);
		uint64_t base = old & PTE_ADDR_MASK & ~((1UL << pte_level_shift(level)) - 1);
		uint64_t attr = old & PTE_ATTR_MASK;
		for (unsigned i = 0; i < ENTRIES; i++)
			t[i] = (base + i * step) | attr | pte_leaf_type(level + 1);
	}
	/* The new table must be visible to the walker before the entry that points to it. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	*pte = pa | PTE_VALID | PTE_TABLE;
	return t;
}

/* How much of [va, va + size) lies in va's block (its size: block). */
static uint64_t chunk_at(uint64_t block, uint64_t va, uint64_t size)
{
	uint64_t chunk = block - (va & (block - 1));
	return chunk < size ? chunk : size;
}

static int map_level(const struct pgtable *pt, uint64_t *table, unsigned level, uint64_t va,
		     uint64_t pa, uint64_t size, uint64_t attr)
{
	uint64_t block = 1UL << pte_level_shift(level);
	while (size) {
		uint64_t *pte = &table[index_at(pt, level, va)];
		uint64_t chunk = chunk_at(block, va, size);
		/* Blocks exist at level 1 (1 GB), 2 (2 MB) and pages at 3. */
		bool leaf_ok =
		    level == 3 || (level >= 1 && chunk == block && IS_ALIGNED(pa, block));
		if (leaf_ok && !(*pte & PTE_VALID)) {
			*pte = (pa & PTE_ADDR_MASK) | (attr & PTE_ATTR_MASK) | pte_leaf_type(level);
		} else {
			if (level == 3)
				return -EEXIST;
			uint64_t *next = next_table(pt, pte, level, false);
			if (!next)
				return (*pte & PTE_VALID) ? -EEXIST : -ENOMEM;
			int r = map_level(pt, next, level + 1, va, pa, chunk, attr);
			if (r)
				return r;
		}
		va += chunk;
		pa += chunk;
		size -= chunk;
	}
	return 0;
}

static bool va_in_range(const struct pgtable *pt, uint64_t va, uint64_t size)
{
	uint64_t limit = 1UL << pt->va_bits;
	return size <= limit && va <= limit - size;
}

int pt_map(struct pgtable *pt, uint64_t va, uint64_t pa, uint64_t size, uint64_t attr)
{
	if (!IS_ALIGNED(va | pa | size, PAGE_SIZE) || !size || !va_in_range(pt, va, size))
		return -EINVAL;
	if (pa & ~PTE_ADDR_MASK)
		return -EINVAL;
	return map_level(pt, table_at(pt, pt->root), pt->start_level, va, pa, size, attr);
}

static int unmap_level(const struct pgtable *pt, uint64_t *table, unsigned level, uint64_t va,
		       uint64_t size)
{
	uint64_t block = 1UL << pte_level_shift(level);
	while (size) {
		uint64_t *pte = &table[index_at(pt, level, va)];
		uint64_t chunk = chunk_at(block, va, size);
		if (!(*pte & PTE_VALID)) {
			/* nothing mapped here */
		} else if (chunk == block) {
			if (pte_is_table(*pte, level))
				free_table(pt, *pte & PTE_ADDR_MASK, level + 1);
			*pte = 0;
		} else {
			uint64_t *next = next_table(pt, pte, level, true);
			if (!next)
				return -ENOMEM;
			int r = unmap_level(pt, next, level + 1, va, chunk);
			if (r)
				return r;
		}
		va += chunk;
		size -= chunk;
	}
	return 0;
}

int pt_unmap(struct pgtable *pt, uint64_t va, uint64_t size)
{
	if (!IS_ALIGNED(va | size, PAGE_SIZE) || !va_in_range(pt, va, size))
		return -EINVAL;
	return unmap_level(pt, table_at(pt, pt->root), pt->start_level, va, size);
}

int pt_lookup(const struct pgtable *pt, uint64_t va, uint64_t *pa, uint64_t *attr)
{
	if (!va_in_range(pt, va, 1))
		return -ENOENT;
	const uint64_t *table = table_at(pt, pt->root);
	for (unsigned level = pt->start_level; level <= 3; level++) {
		uint64_t pte = table[index_at(pt, level, va)];
		if (!(pte & PTE_VALID))
			return -ENOENT;
		if (pte_is_table(pte, level)) {
			table = table_at(pt, pte & PTE_ADDR_MASK);
			continue;
		}
		if (level == 0)
			return -ENOENT; /* no blocks at level 0 with 4 KB pages */
		uint64_t mask = (1UL << pte_level_shift(level)) - 1;
		if (pa)
			*pa = (pte & PTE_ADDR_MASK & ~mask) | (va & mask);
		if (attr)
			*attr = pte & PTE_ATTR_MASK;
		return 0;
	}
	return -ENOENT;
}
