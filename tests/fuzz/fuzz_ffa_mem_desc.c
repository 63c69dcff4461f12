/* libFuzzer target: FF-A memory descriptors (security/ffa/mem_desc.c) from arbitrary bytes,
 * as each kind of call would hand them over. The parsers never read past len (ASan), and
 * whatever they accept holds the properties the SPMC and Normal EL2 rely on: receivers in
 * bounds and distinct, ranges page aligned, not empty, not wrapping, apart, summing to the
 * total, within Triad's bounds; and what is built from an accepted one parses back the same. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <triad/ffa.h>
#include <triad/ffa_mem.h>

static void check_region(const struct ffa_mem_region *r)
{
	assert(r->nr_receivers >= 1 && r->nr_receivers <= FFA_MEM_MAX_RECEIVERS);
	assert(r->nr_ranges >= 1 && r->nr_ranges <= FFA_MEM_MAX_RANGES);
	assert(r->total_pages >= 1 && r->total_pages <= FFA_MEM_MAX_PAGES);
	uint64_t sum = 0;
	for (unsigned k = 0; k < r->nr_receivers; k++) {
		assert(r->receiver[k].id != r->sender);
		for (unsigned j = 0; j < k; j++)
			assert(r->receiver[j].id != r->receiver[k].id);
	}
	for (unsigned k = 0; k < r->nr_ranges; k++) {
		const struct ffa_mem_range *a = &r->range[k];
		uint64_t end = a->addr + a->pages * FFA_MEM_PAGE;
		assert(a->addr % FFA_MEM_PAGE == 0 && a->pages && end > a->addr);
		for (unsigned j = 0; j < k; j++) {
			const struct ffa_mem_range *b = &r->range[j];
			assert(end <= b->addr || b->addr + b->pages * FFA_MEM_PAGE <= a->addr);
		}
		sum += a->pages;
	}
	assert(sum == r->total_pages);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 65536)
		return 0;
	/* The first byte picks the call; the rest is the copy of the TX buffer, exactly its
	 * length (heap, so ASan sees a read past it). */
	uint8_t which = data[0];
	uint32_t len = (uint32_t)(size - 1);
	uint8_t *copy = malloc(len ? len : 1);
	memcpy(copy, data + 1, len);
	struct ffa_mem_region r, again;
	memset(&r, 0, sizeof(r)); /* the entries past the counts compare equal */
	memset(&again, 0, sizeof(again));
	static uint8_t out[65536 + 4096];
	switch (which % 5) {
	case 0:
	case 1:
	case 2: {
		enum ffa_mem_kind kind = (enum ffa_mem_kind)(which % 3 + 1);
		if (ffa_mem_parse_tx(copy, len, kind, &r) == 0) {
			check_region(&r);
			uint32_t n = ffa_mem_build(out, sizeof(out), &r);
			assert(n != 0 && n <= len); /* the sender's may have gaps */
			assert(ffa_mem_parse_tx(out, n, kind, &again) == 0);
			assert(again.nr_ranges == r.nr_ranges &&
			       again.total_pages == r.total_pages);
			assert(memcmp(again.range, r.range, sizeof(r.range)) == 0);
			assert(memcmp(again.receiver, r.receiver, sizeof(r.receiver)) == 0);
		}
		break;
	}
	case 3:
		if (ffa_mem_parse_retrieve_req(copy, len, &r) == 0) {
			assert(r.nr_receivers == 1 && r.handle != 0);
			assert(ffa_mem_build_retrieve_req(out, sizeof(out), &r) == 48 + r.ep_size);
		}
		break;
	case 4: {
		struct ffa_mem_relinquish d;
		if (ffa_mem_parse_relinquish(copy, len, &d) == 0)
			assert(d.handle != 0 && d.flags == 0);
		break;
	}
	}
	free(copy);
	return 0;
}
