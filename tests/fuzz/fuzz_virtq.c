/* libFuzzer target: whatever a guest writes into its rings and descriptor tables, the
 * walker only hands out buffers inside guest RAM, never loops, and reports a broken
 * queue instead of trusting it; and every chain it hands out, decoded as a virtio-blk
 * request, yields data and a status byte inside that chain's own buffers and a range
 * inside the disk. The input is the guest RAM image plus the queue setup. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <triad/virtio_blk.h>
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

/* Whether [p, p + len) lies inside one of the chain's buffers (of the given direction). */
static int in_chain(const struct virtq_chain *c, const uint8_t *p, uint64_t len, int writes)
{
	for (unsigned i = 0; i < c->nseg; i++)
		if (c->seg[i].device_writes == writes && p >= c->seg[i].ptr &&
		    p + len <= c->seg[i].ptr + c->seg[i].len)
			return 1;
	return 0;
}

#define DISK_SECTORS 1000

static void check_blk_request(const struct virtq_chain *c)
{
	struct vblk_plan p;
	int st = vblk_plan(c, DISK_SECTORS, false, &p);
	if (st < 0)
		return; /* no status byte: the device marks the queue broken */
	/* The status byte is the last byte the device may write (5.2.6.2): the end of the
	 * last device-writable buffer. (Buffers may alias: that is the guest's business.) */
	const struct virtq_seg *last = NULL;
	for (unsigned i = 0; i < c->nseg; i++)
		if (c->seg[i].device_writes)
			last = &c->seg[i];
	if (!last || p.status != last->ptr + last->len - 1)
		__builtin_trap();
	if (st != VIRTIO_BLK_S_OK)
		return;
	uint64_t total = 0;
	int writes = p.type != VIRTIO_BLK_T_OUT;
	for (unsigned i = 0; i < p.ndata; i++) {
		const uint8_t *d = (const uint8_t *)(uintptr_t)p.data[i].addr;
		if (!p.data[i].len || !in_chain(c, d, p.data[i].len, writes))
			__builtin_trap();
		total += p.data[i].len;
	}
	if (total != p.data_len)
		__builtin_trap();
	if ((p.type == VIRTIO_BLK_T_IN || p.type == VIRTIO_BLK_T_OUT) &&
	    (p.data_len % 512 || p.sector > DISK_SECTORS ||
	     p.data_len / 512 > DISK_SECTORS - p.sector))
		__builtin_trap();
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
		check_blk_request(&c);
		virtq_push(&q, &mem, c.head, (uint32_t)in, &why);
		virtq_wants_interrupt(&q, &mem);
	}
	return 0;
}
