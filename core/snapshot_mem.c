/* A snapshot's memory section (include/triad/snapshot_mem.h). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <triad/errno.h>
#include <triad/snapshot_mem.h>

struct mem_head {
	uint64_t ram_size, npages;
};

static uint64_t index_bytes(uint64_t npages)
{
	return (npages * 4 + 7) & ~7ull;
}

/* Most touched pages have a non-zero word early: stop at the first. */
static bool page_is_zero(const uint8_t *p)
{
	const uint64_t *w = (const uint64_t *)p;
	for (unsigned i = 0; i < SNAP_PAGE_SIZE / 8; i += 8)
		if (w[i] | w[i + 1] | w[i + 2] | w[i + 3] | w[i + 4] | w[i + 5] | w[i + 6] |
		    w[i + 7])
			return false;
	return true;
}

uint64_t snap_mem_size(const uint8_t *ram, uint64_t ram_size, uint64_t *npages, uint64_t *nonzero)
{
	uint64_t n = 0;
	if (nonzero)
		memset(nonzero, 0, snap_mem_bitmap_words(ram_size) * 8);
	for (uint64_t off = 0; off + SNAP_PAGE_SIZE <= ram_size; off += SNAP_PAGE_SIZE) {
		if (page_is_zero(ram + off))
			continue;
		n++;
		if (nonzero)
			nonzero[off / SNAP_PAGE_SIZE / 64] |= 1ULL << (off / SNAP_PAGE_SIZE % 64);
	}
	*npages = n;
	return sizeof(struct mem_head) + index_bytes(n) + n * SNAP_PAGE_SIZE;
}

uint64_t snap_mem_write(const uint8_t *ram, uint64_t ram_size, uint64_t npages,
			const uint64_t *nonzero, uint8_t *out, uint64_t max)
{
	uint64_t size = sizeof(struct mem_head) + index_bytes(npages) + npages * SNAP_PAGE_SIZE;
	if (size > max)
		return 0;
	struct mem_head h = {ram_size, npages};
	memcpy(out, &h, sizeof(h));
	uint8_t *index = out + sizeof(h);
	uint8_t *data = index + index_bytes(npages);
	memset(index, 0, index_bytes(npages));
	uint64_t n = 0;
	for (uint64_t off = 0; off + SNAP_PAGE_SIZE <= ram_size; off += SNAP_PAGE_SIZE) {
		uint64_t pfn = off / SNAP_PAGE_SIZE;
		if (nonzero ? !(nonzero[pfn / 64] & (1ULL << (pfn % 64))) : page_is_zero(ram + off))
			continue;
		if (n == npages)
			return 0;
		uint32_t pfn32 = (uint32_t)pfn;
		memcpy(index + 4 * n, &pfn32, 4);
		memcpy(data + n * SNAP_PAGE_SIZE, ram + off, SNAP_PAGE_SIZE);
		n++;
	}
	return n == npages ? size : 0;
}

int snap_mem_check(const uint8_t *sec, uint64_t len, uint64_t ram_size, char *err, size_t errlen)
{
	struct mem_head h;
	if (len < sizeof(h)) {
		snprintf(err, errlen, "memory section is %llu bytes, shorter than its header",
			 (unsigned long long)len);
		return -EINVAL;
	}
	memcpy(&h, sec, sizeof(h));
	uint64_t pages = ram_size / SNAP_PAGE_SIZE;
	if (h.ram_size != ram_size) {
		snprintf(err, errlen, "memory section is for %llu bytes of RAM, the VM has %llu",
			 (unsigned long long)h.ram_size, (unsigned long long)ram_size);
		return -EINVAL;
	}
	/* npages bounded first, so the size below cannot wrap. */
	if (h.npages > pages ||
	    len != sizeof(h) + index_bytes(h.npages) + h.npages * SNAP_PAGE_SIZE) {
		snprintf(err, errlen, "memory section of %llu bytes does not hold %llu pages",
			 (unsigned long long)len, (unsigned long long)h.npages);
		return -EINVAL;
	}
	const uint8_t *index = sec + sizeof(h);
	uint64_t prev = 0;
	for (uint64_t i = 0; i < h.npages; i++) {
		uint32_t pfn;
		memcpy(&pfn, index + 4 * i, 4);
		if (pfn >= pages || (i && pfn <= prev)) {
			snprintf(err, errlen,
				 "memory section's page %llu (number %u) is out of "
				 "order or outside the RAM",
				 (unsigned long long)i, pfn);
			return -EINVAL;
		}
		prev = pfn;
	}
	return 0;
}

void snap_mem_load(const uint8_t *sec, uint8_t *ram)
{
	struct mem_head h;
	memcpy(&h, sec, sizeof(h));
	const uint8_t *index = sec + sizeof(h);
	const uint8_t *data = index + index_bytes(h.npages);
	for (uint64_t i = 0; i < h.npages; i++) {
		uint32_t pfn;
		memcpy(&pfn, index + 4 * i, 4);
		memcpy(ram + (uint64_t)pfn * SNAP_PAGE_SIZE, data + i * SNAP_PAGE_SIZE,
		       SNAP_PAGE_SIZE);
	}
}
