/* libFuzzer target: whatever a guest writes into its rings and descriptor tables, the
 * walker only hands out buffers inside guest RAM, never loops, and reports a broken
 * queue instead of trusting it. The input is the guest RAM image plus the queue setup. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <triad/virtq.h>

#define RAM_IPA	 0x40000000UL
#define RAM_SIZE 0x4000UL

static _Alignas(64) uint8_t ram[RAM_SIZE];

static void *map(void *ctx, uint64_t ipa, uint64_t len)
{
	(void)ctx;
	if (ipa < RAM_IPA || ipa - RAM_IPA > RAM_SIZE || len > RAM_SIZE - (ipa - RAM_IPA))
		return NULL;
	return ram + (ipa - RAM_IPA);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 8)
		return 0;
	struct virtq q = {
	    .size = (uint16_t)(1U << (data[0] % 8)),
	    .desc_ipa = RAM_IPA + 16 * (uint64_t)(data[1] % 64),
	    .avail_ipa = RAM_IPA + 0x1000 + 2 * (uint64_t)data[2],
	    .used_ipa = RAM_IPA + 0x2000 + 4 * (uint64_t)data[3],
	    .next_avail = (uint16_t)(data[4] | data[5] << 8),
	    .ready = true,
	};
	q.next_used = q.next_avail;
	memset(ram, 0, sizeof(ram));
	memcpy(ram, data + 8, size - 8 < RAM_SIZE ? size - 8 : RAM_SIZE);
	const struct virtq_mem mem = {map, NULL};
	if (virtq_check(&q, &mem))
		return 0;
	for (unsigned n = 0; n < 2 * (unsigned)q.size + 2; n++) {
		struct virtq_chain c;
		const char *why = NULL;
		enum virtq_status s = virtq_pop(&q, &mem, &c, &why);
		if (s != VIRTQ_OK) {
			if (s == VIRTQ_BROKEN && !why)
				__builtin_trap(); /* a broken queue always says why */
			break;
		}
		uint64_t in = 0, out = 0;
		for (unsigned i = 0; i < c.nseg; i++) {
			/* Every buffer lies inside guest RAM. */
			if (c.seg[i].ptr < ram || c.seg[i].ptr + c.seg[i].len > ram + RAM_SIZE)
				__builtin_trap();
			*(c.seg[i].device_writes ? &in : &out) += c.seg[i].len;
			if (c.seg[i].device_writes)
				memset(c.seg[i].ptr, 0xa5, c.seg[i].len);
		}
		if (in != c.in_len || out != c.out_len || c.head >= q.size)
			__builtin_trap();
		virtq_push(&q, &mem, c.head, (uint32_t)in, &why);
		virtq_wants_interrupt(&q, &mem);
	}
	return 0;
}
