/* A snapshot's memory section (include/triad/snapshot_mem.h). Under QEMU's TCG every
 * instruction per byte counts: the RAM is read eight words a step, and a block is copied
 * or summed only when it is not all zeros. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <triad/errno.h>
#include <triad/snapshot_format.h>
#include <triad/snapshot_mem.h>

#define BLOCKS	    (SNAP_PAGE_SIZE / SNAP_BLOCK_SIZE) /* 64: one bit each in a u64 */
#define BLOCK_WORDS (SNAP_BLOCK_SIZE / 8)

_Static_assert(BLOCKS == 64, "a page's block map is one u64");

struct mem_record {
	uint32_t pfn, zero;
	uint64_t blocks;
};

_Static_assert(sizeof(struct mem_record) == SNAP_MEM_RECORD, "layout");

static inline bool block_zero(const uint64_t *w)
{
	return !(w[0] | w[1] | w[2] | w[3] | w[4] | w[5] | w[6] | w[7]);
}

/* Most pages of a VM are all zeros or have a non-zero word early: 256 bytes a step, one
 * branch each, stopping at the first non-zero step. */
static bool page_zero(const uint64_t *w)
{
	for (unsigned i = 0; i < SNAP_PAGE_SIZE / 8; i += 32) {
		uint64_t a = 0, b = 0;
#pragma GCC unroll 16
		for (unsigned k = 0; k < 32; k += 2) {
			a |= w[i + k];
			b |= w[i + k + 1];
		}
		if (a | b)
			return false;
	}
	return true;
}

/* Which of a page's blocks are not all zeros. */
static uint64_t page_blocks(const uint64_t *w)
{
	uint64_t map = 0;
	for (unsigned b = 0; b < BLOCKS; b++, w += BLOCK_WORDS)
		if (!block_zero(w))
			map |= 1ULL << b;
	return map;
}

uint64_t snap_mem_measure(const uint8_t *ram, uint64_t ram_size, struct snap_sum *sum,
			  uint64_t *maps)
{
	uint64_t size = SNAP_MEM_HEAD;
	if (sum)
		snap_sum_update(sum, &ram_size, sizeof(ram_size));
	for (uint64_t pfn = 0; pfn < ram_size / SNAP_PAGE_SIZE; pfn++) {
		const uint64_t *w = (const uint64_t *)(ram + pfn * SNAP_PAGE_SIZE);
		uint64_t map = page_zero(w) ? 0 : page_blocks(w);
		if (maps)
			maps[pfn] = map;
		if (!map)
			continue;
		size += SNAP_MEM_RECORD + (uint64_t)__builtin_popcountll(map) * SNAP_BLOCK_SIZE;
		if (!sum)
			continue;
		struct mem_record r = {(uint32_t)pfn, 0, map};
		snap_sum_update(sum, &r, sizeof(r));
		/* Each run of consecutive blocks in one go. */
		for (uint64_t m = map; m;) {
			unsigned b = (unsigned)__builtin_ctzll(m);
			uint64_t rest = ~(m >> b);
			unsigned n = rest ? (unsigned)__builtin_ctzll(rest) : BLOCKS - b;
			snap_sum_update(sum, w + b * BLOCK_WORDS, n * SNAP_BLOCK_SIZE);
			m &= n == BLOCKS ? 0 : ~(((1ULL << n) - 1) << b);
		}
	}
	return size;
}

void snap_mem_head(uint64_t ram_size, uint8_t out[SNAP_MEM_HEAD])
{
	memcpy(out, &ram_size, SNAP_MEM_HEAD);
}

uint64_t snap_mem_page(const uint8_t *page, uint32_t pfn, uint8_t *out)
{
	const uint64_t *w = (const uint64_t *)page;
	if (page_zero(w))
		return 0;
	uint64_t *dst = (uint64_t *)(out + SNAP_MEM_RECORD), map = 0;
	for (unsigned b = 0; b < BLOCKS; b++, w += BLOCK_WORDS) {
		/* Loaded once: tested, then stored from the registers. */
		uint64_t a0 = w[0], a1 = w[1], a2 = w[2], a3 = w[3];
		uint64_t a4 = w[4], a5 = w[5], a6 = w[6], a7 = w[7];
		if (!(a0 | a1 | a2 | a3 | a4 | a5 | a6 | a7))
			continue;
		dst[0] = a0, dst[1] = a1, dst[2] = a2, dst[3] = a3;
		dst[4] = a4, dst[5] = a5, dst[6] = a6, dst[7] = a7;
		dst += BLOCK_WORDS;
		map |= 1ULL << b;
	}
	if (!map)
		return 0;
	struct mem_record r = {pfn, 0, map};
	memcpy(out, &r, sizeof(r));
	return (uint64_t)((uint8_t *)dst - out);
}

uint64_t snap_mem_page_mapped(const uint8_t *page, uint32_t pfn, uint64_t map, uint8_t *out)
{
	if (!map)
		return 0;
	struct mem_record r = {pfn, 0, map};
	memcpy(out, &r, sizeof(r));
	uint64_t *dst = (uint64_t *)(out + SNAP_MEM_RECORD);
	for (; map; map &= map - 1) {
		const uint64_t *w =
		    (const uint64_t *)(page + (unsigned)__builtin_ctzll(map) * SNAP_BLOCK_SIZE);
		uint64_t a0 = w[0], a1 = w[1], a2 = w[2], a3 = w[3];
		uint64_t a4 = w[4], a5 = w[5], a6 = w[6], a7 = w[7];
		dst[0] = a0, dst[1] = a1, dst[2] = a2, dst[3] = a3;
		dst[4] = a4, dst[5] = a5, dst[6] = a6, dst[7] = a7;
		dst += BLOCK_WORDS;
	}
	return (uint64_t)((uint8_t *)dst - out);
}

uint64_t snap_mem_encode(const uint8_t *ram, uint64_t ram_size, uint8_t *out, uint64_t max)
{
	if (max < SNAP_MEM_HEAD)
		return 0;
	snap_mem_head(ram_size, out);
	uint64_t at = SNAP_MEM_HEAD;
	static uint64_t spare[SNAP_MEM_RECORD_MAX / 8]; /* a record that may not fit */
	for (uint64_t pfn = 0; pfn < ram_size / SNAP_PAGE_SIZE; pfn++) {
		const uint8_t *page = ram + pfn * SNAP_PAGE_SIZE;
		if (max - at >= SNAP_MEM_RECORD_MAX) {
			at += snap_mem_page(page, (uint32_t)pfn, out + at);
			continue;
		}
		uint64_t n = snap_mem_page(page, (uint32_t)pfn, (uint8_t *)spare);
		if (n > max - at)
			return 0;
		memcpy(out + at, spare, n);
		at += n;
	}
	return at;
}

int snap_mem_check(const uint8_t *sec, uint64_t len, uint64_t ram_size, char *err, size_t errlen)
{
	uint64_t head;
	if (len < sizeof(head)) {
		snprintf(err, errlen, "memory section is %llu bytes, shorter than its header",
			 (unsigned long long)len);
		return -EINVAL;
	}
	memcpy(&head, sec, sizeof(head));
	uint64_t pages = ram_size / SNAP_PAGE_SIZE;
	if (head != ram_size) {
		snprintf(err, errlen, "memory section is for %llu bytes of RAM, the VM has %llu",
			 (unsigned long long)head, (unsigned long long)ram_size);
		return -EINVAL;
	}
	uint64_t at = sizeof(head), prev = 0;
	for (uint64_t i = 0; at < len; i++) {
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
	return 0;
}

void snap_mem_load(const uint8_t *sec, uint64_t len, uint8_t *ram)
{
	const uint8_t *at = sec + SNAP_MEM_HEAD, *end = sec + len;
	while (at < end) {
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
