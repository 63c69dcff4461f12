/* A snapshot's memory section (include/triad/snapshot_mem.h). Under QEMU's TCG every
 * instruction per byte counts: the RAM is read once, eight words a step, and a block is
 * copied only when it is not all zeros. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <triad/errno.h>
#include <triad/snapshot_mem.h>

#define BLOCKS	    (SNAP_PAGE_SIZE / SNAP_BLOCK_SIZE) /* 64: one bit each in a u64 */
#define BLOCK_WORDS (SNAP_BLOCK_SIZE / 8)

_Static_assert(BLOCKS == 64, "a page's block map is one u64");

struct mem_head {
	uint64_t ram_size, n;
};

struct mem_record {
	uint32_t pfn, zero;
	uint64_t blocks;
};

_Static_assert(sizeof(struct mem_head) == SNAP_MEM_HEAD, "layout");
_Static_assert(sizeof(struct mem_record) == SNAP_MEM_RECORD, "layout");

static inline uint64_t block_or(const uint64_t *w)
{
	return w[0] | w[1] | w[2] | w[3] | w[4] | w[5] | w[6] | w[7];
}

uint64_t snap_mem_size(const uint8_t *ram, uint64_t ram_size)
{
	uint64_t size = SNAP_MEM_HEAD;
	for (uint64_t off = 0; off + SNAP_PAGE_SIZE <= ram_size; off += SNAP_PAGE_SIZE) {
		const uint64_t *w = (const uint64_t *)(ram + off);
		uint64_t blocks = 0;
		for (unsigned b = 0; b < BLOCKS; b++, w += BLOCK_WORDS)
			blocks += block_or(w) != 0;
		if (blocks)
			size += SNAP_MEM_RECORD + blocks * SNAP_BLOCK_SIZE;
	}
	return size;
}

uint64_t snap_mem_encode(const uint8_t *ram, uint64_t ram_size, uint8_t *out, uint64_t max)
{
	if (max < SNAP_MEM_HEAD)
		return 0;
	uint64_t at = SNAP_MEM_HEAD, n = 0;
	for (uint64_t pfn = 0; pfn < ram_size / SNAP_PAGE_SIZE; pfn++) {
		const uint64_t *w = (const uint64_t *)(ram + pfn * SNAP_PAGE_SIZE);
		/* The blocks go after the record's head as they are found; the head is written
		 * once the page is done, and not at all for a page of zeros. */
		uint64_t room = max - at >= SNAP_MEM_RECORD ? (max - at - SNAP_MEM_RECORD) : 0;
		uint64_t *dst = (uint64_t *)(out + at + SNAP_MEM_RECORD);
		uint64_t map = 0, used = 0;
		for (unsigned b = 0; b < BLOCKS; b++, w += BLOCK_WORDS) {
			/* Loaded once: tested, then stored from the registers. */
			uint64_t a0 = w[0], a1 = w[1], a2 = w[2], a3 = w[3];
			uint64_t a4 = w[4], a5 = w[5], a6 = w[6], a7 = w[7];
			if (!(a0 | a1 | a2 | a3 | a4 | a5 | a6 | a7))
				continue;
			if (room - used < SNAP_BLOCK_SIZE)
				return 0;
			dst[0] = a0, dst[1] = a1, dst[2] = a2, dst[3] = a3;
			dst[4] = a4, dst[5] = a5, dst[6] = a6, dst[7] = a7;
			dst += BLOCK_WORDS;
			used += SNAP_BLOCK_SIZE;
			map |= 1ULL << b;
		}
		if (!map)
			continue;
		struct mem_record r = {(uint32_t)pfn, 0, map};
		memcpy(out + at, &r, sizeof(r));
		at += SNAP_MEM_RECORD + used;
		n++;
	}
	struct mem_head h = {ram_size, n};
	memcpy(out, &h, sizeof(h));
	return at;
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
	if (h.n > pages) {
		snprintf(err, errlen, "memory section has %llu pages, the RAM %llu",
			 (unsigned long long)h.n, (unsigned long long)pages);
		return -EINVAL;
	}
	uint64_t at = sizeof(h), prev = 0;
	for (uint64_t i = 0; i < h.n; i++) {
		struct mem_record r;
		if (len - at < sizeof(r)) {
			snprintf(err, errlen, "memory section ends in page record %llu",
				 (unsigned long long)i);
			return -EINVAL;
		}
		memcpy(&r, sec + at, sizeof(r));
		if (r.pfn >= pages || (i && r.pfn <= prev)) {
			snprintf(err, errlen,
				 "memory section's page %llu (number %u) is out of "
				 "order or outside the RAM",
				 (unsigned long long)i, r.pfn);
			return -EINVAL;
		}
		if (r.zero || !r.blocks) {
			snprintf(err, errlen, "memory section's page %u has a malformed record",
				 r.pfn);
			return -EINVAL;
		}
		uint64_t size = (uint64_t)__builtin_popcountll(r.blocks) * SNAP_BLOCK_SIZE;
		if (len - at - sizeof(r) < size) {
			snprintf(err, errlen, "memory section ends in page %u's blocks", r.pfn);
			return -EINVAL;
		}
		at += sizeof(r) + size;
		prev = r.pfn;
	}
	if (at != len) {
		snprintf(err, errlen, "memory section has %llu bytes after its %llu pages",
			 (unsigned long long)(len - at), (unsigned long long)h.n);
		return -EINVAL;
	}
	return 0;
}

void snap_mem_load(const uint8_t *sec, uint8_t *ram)
{
	struct mem_head h;
	memcpy(&h, sec, sizeof(h));
	const uint8_t *at = sec + sizeof(h);
	for (uint64_t i = 0; i < h.n; i++) {
		struct mem_record r;
		memcpy(&r, at, sizeof(r));
		const uint64_t *src = (const uint64_t *)(at + sizeof(r));
		uint8_t *page = ram + (uint64_t)r.pfn * SNAP_PAGE_SIZE;
		for (uint64_t map = r.blocks; map; map &= map - 1) {
			uint64_t *dst = (uint64_t *)(page + __builtin_ctzll(map) * SNAP_BLOCK_SIZE);
			uint64_t a0 = src[0], a1 = src[1], a2 = src[2], a3 = src[3];
			uint64_t a4 = src[4], a5 = src[5], a6 = src[6], a7 = src[7];
			dst[0] = a0, dst[1] = a1, dst[2] = a2, dst[3] = a3;
			dst[4] = a4, dst[5] = a5, dst[6] = a6, dst[7] = a7;
			src += BLOCK_WORDS;
		}
		at = (const uint8_t *)src;
	}
}
